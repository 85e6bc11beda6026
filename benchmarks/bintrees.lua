-- bintrees: allocate, walk and discard many perfect binary trees.
-- Exercises: table allocation (two-slot array tables) and garbage collection,
-- recursion over a tree, short-lived vs long-lived objects.
-- Usage: bintrees.lua [maxDepth]   (default maxDepth = 14)
local maxDepth = tonumber(arg and arg[1]) or 14
local minDepth = 4
if maxDepth < minDepth + 2 then maxDepth = minDepth + 2 end

local function make(depth)
  if depth == 0 then return {} end
  depth = depth - 1
  return { make(depth), make(depth) }
end

local function count(tree)
  local left = tree[1]
  if left == nil then return 1 end
  return 1 + count(left) + count(tree[2])
end

local function pow2(k)
  local p = 1
  for _ = 1, k do p = p * 2 end
  return p
end

do
  local stretch = maxDepth + 1
  print(string.format("stretch tree of depth %d: %d nodes", stretch, count(make(stretch))))
end

local longLived = make(maxDepth)
local total = 0
for depth = minDepth, maxDepth, 2 do
  -- 1.5 * 2^(maxDepth - depth + minDepth) trees, so every depth allocates about as many nodes
  local iterations = pow2(maxDepth - depth + minDepth - 1) * 3
  local nodes = 0
  for _ = 1, iterations do
    nodes = nodes + count(make(depth))
  end
  total = total + nodes
  print(string.format("%d trees of depth %d: %d nodes", iterations, depth, nodes))
end
print(string.format("long lived tree of depth %d: %d nodes", maxDepth, count(longLived)))
print(string.format("checksum = %d", total))
