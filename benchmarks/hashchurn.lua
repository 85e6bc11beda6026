-- hashchurn: a churning hash table -- inserts, lookups, updates and deletes
-- with string keys and sparse integer keys, so the table keeps rehashing.
-- Exercises: the hash part of tables (string and integer keys), next()/pairs
-- traversal, nil-assignment deletes, string key creation via concatenation.
-- Usage: hashchurn.lua [ops]   (default ops = 2000000; keys cycle within a window)
local ops = tonumber(arg and arg[1]) or 2000000

-- Park-Miller minimal standard generator: exact in doubles and in integers.
local seed = 42
local function rand(n)
  seed = (seed * 16807) % 2147483647
  return seed % n
end

local window = 5000
local byName, byId = {}, {}
local live, hits, misses, sum = 0, 0, 0, 0
for i = 1, ops do
  local k = rand(window)
  local name = "key" .. k
  local id = k * 7919 + 13
  local v = byName[name]
  if v then
    hits = hits + 1
    sum = (sum + v + byId[id]) % 1000000007
    if rand(3) == 0 then
      byName[name] = nil
      byId[id] = nil
      live = live - 1
    else
      byName[name] = v + 1
      byId[id] = byId[id] + 2
    end
  else
    misses = misses + 1
    byName[name] = i
    byId[id] = k
    live = live + 1
  end
  -- every so often walk the whole table
  if i % 20000 == 0 then
    local n, s = 0, 0
    for key, val in pairs(byId) do
      n = n + 1
      s = (s + key % 1000 + val) % 1000000007
    end
    sum = (sum + s + n) % 1000000007
  end
end
-- final scan by name
local n = 0
for _ in pairs(byName) do n = n + 1 end
print(string.format("ops=%d live=%d counted=%d hits=%d misses=%d", ops, live, n, hits, misses))
print(string.format("checksum = %d", sum))
