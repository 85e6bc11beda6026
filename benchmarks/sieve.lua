-- sieve: the sieve of Eratosthenes over a boolean array, repeated.
-- Exercises: integer numeric-for loops with a step, array-part table stores and
-- loads (booleans), nested loops.
-- Usage: sieve.lua [limit]   (default limit = 2000000; the sieve runs 11 times)
local limit = tonumber(arg and arg[1]) or 2000000
local rounds = 11

local function sieve(n)
  local composite = {}
  for i = 1, n do composite[i] = false end
  local count = 0
  local last = 0
  for i = 2, n do
    if not composite[i] then
      count = count + 1
      last = i
      if i * i <= n then
        for j = i * i, n, i do composite[j] = true end
      end
    end
  end
  return count, last
end

local count, last, total = 0, 0, 0
for _ = 1, rounds do
  count, last = sieve(limit)
  total = total + count
end
print(string.format("primes <= %d: %d (largest %d)", limit, count, last))
print(string.format("checksum = %d", total))
