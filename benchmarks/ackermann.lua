-- ackermann: the Ackermann-Peter function A(m, n), evaluated for m = 0..3.
-- Exercises: deep, non-tail and tail recursion with integer arguments, plus a
-- few thousand calls' worth of stack depth (A(3, n) recurses ~2^(n+3) deep).
-- Usage: ackermann.lua [n]   (computes A(3, n); default n = 9)
local n = tonumber(arg and arg[1]) or 9

local function ack(m, k)
  if m == 0 then return k + 1 end
  if k == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, k - 1))
end

-- A(0..3, n) and a repeated A(3, n) so the total work scales with 2^(2n).
local sum = 0
for m = 0, 2 do
  sum = sum + ack(m, n)
end
local reps = 4
local last = 0
for _ = 1, reps do
  last = ack(3, n)
  sum = sum + last
end
print(string.format("ack(3,%d) = %d", n, last))
print(string.format("checksum = %d", sum))
