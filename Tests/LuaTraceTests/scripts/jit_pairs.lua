-- pairs/next loops in compiled code: sums over hash and array parts, nested pairs loops
-- (unrolled into an outer trace), entries whose key or value types vary, tables modified
-- while traversed (assigning existing fields, clearing them), a metatable with __pairs
-- appearing mid-loop, and next with a key that is not in the table.

local t = {}
for i = 1, 200 do t["k" .. i] = i end
local total, count = 0, 0
for round = 1, 30 do
  for k, v in pairs(t) do total = total + v; count = count + 1 end
end
print("hash", total, count)

local arr = {}
for i = 1, 300 do arr[i] = i * 2 end
local s = 0
for _, v in pairs(arr) do s = s + v end
print("array", s)

-- mixed key and value types: the trace's type guards fail and it exits
local mixed = {1, 2, 3, x = "a", y = 2.5, [true] = false, [4.5] = {}}
local kinds = {}
for rep = 1, 50 do
  for k, v in pairs(mixed) do
    local key = type(k) .. ":" .. type(v)
    kinds[key] = (kinds[key] or 0) + 1
  end
end
local names = {}
for k in pairs(kinds) do names[#names + 1] = k end
table.sort(names)
for _, k in ipairs(names) do io.write(k, "=", kinds[k], " ") end
print()

-- assigning existing fields and clearing them during traversal is allowed
local m = {}
for i = 1, 100 do m[i * 7] = i end
for k, v in pairs(m) do
  if v % 2 == 0 then m[k] = nil else m[k] = v * 10 end
end
local ms, mc = 0, 0
for _, v in pairs(m) do ms = ms + v; mc = mc + 1 end
print("modified", ms, mc)

-- nested pairs loops
local grid = {}
for i = 1, 20 do grid["r" .. i] = {a = i, b = i * 2, c = i * 3} end
local gs = 0
for rep = 1, 20 do
  for _, row in pairs(grid) do
    for _, v in pairs(row) do gs = gs + v end
  end
end
print("nested", gs)

-- a table with __pairs appears mid-loop
local plain = {p = 1, q = 2}
local custom = setmetatable({}, {__pairs = function(tt) return function(_, k) if not k then return "z", 26 end end, tt, nil end})
local ps = 0
for i = 1, 60 do
  local src = i <= 50 and plain or custom
  for _, v in pairs(src) do ps = ps + v end
end
print("__pairs", ps)

-- next with a key that is not in the table: the error comes from next
print(pcall(function()
  local q = {a = 1}
  local n = 0
  for i = 1, 100 do
    local k = next(q, i < 90 and "a" or "missing")
    if k == nil then n = n + 1 end
  end
  return n
end))
