-- fannkuch: for every permutation of 1..n, count the "pancake flips" needed
-- (reverse the first p[1] elements until 1 comes first); report the maximum
-- and a signed checksum. Permutations are enumerated with Heap's algorithm.
-- Exercises: small integer arrays, in-place swaps and reversals, while loops.
-- Usage: fannkuch.lua [n]   (default n = 9; the enumeration runs 4 times)
local n = tonumber(arg and arg[1]) or 9

local perm, work, c = {}, {}, {}
local maxFlips, checksum, index = 0, 0, 0

local function flips()
  for i = 1, n do work[i] = perm[i] end
  local count = 0
  local first = work[1]
  while first ~= 1 do
    -- reverse work[1..first]
    local lo, hi = 1, first
    while lo < hi do
      work[lo], work[hi] = work[hi], work[lo]
      lo = lo + 1
      hi = hi - 1
    end
    count = count + 1
    first = work[1]
  end
  return count
end

local function visit()
  local f = flips()
  if f > maxFlips then maxFlips = f end
  if index % 2 == 0 then checksum = checksum + f else checksum = checksum - f end
  index = index + 1
end

-- Heap's algorithm, iterative form.
local function run()
  for i = 1, n do perm[i] = i; c[i] = 1 end
  maxFlips, checksum, index = 0, 0, 0
  visit()
  local i = 2
  while i <= n do
    if c[i] < i then
      if i % 2 == 1 then
        perm[1], perm[i] = perm[i], perm[1]
      else
        local k = c[i]
        perm[k], perm[i] = perm[i], perm[k]
      end
      visit()
      c[i] = c[i] + 1
      i = 2
    else
      c[i] = 1
      i = i + 1
    end
  end
end

local rounds = 4
for _ = 1, rounds do run() end
print(string.format("%d permutations of %d", index, n))
print(string.format("checksum = %d", checksum))
print(string.format("max flips = %d", maxFlips))
