-- Allocation in compiled loops: table constructors with fields and with array items, tables
-- kept (escaping into an outer array) and dropped (garbage the collector must be able to
-- reclaim while the loop runs), ipairs over fresh tables, and constructors whose shapes change.

local function vec(x, y, z) return {x = x, y = y, z = z} end
local function add(a, b) return vec(a.x + b.x, a.y + b.y, a.z + b.z) end

-- garbage: two million short-lived tables; memory must stay bounded (collections happen)
local acc = vec(0, 0, 0)
local peak = 0
for i = 1, 2000000 do
  acc = add(acc, vec(1, i % 3, -1))
  if i % 100000 == 0 then
    local kb = collectgarbage("count")
    if kb > peak then peak = kb end
  end
end
print("sum", acc.x, acc.y, acc.z, "bounded", peak < 64 * 1024)

-- kept: tables stored into an outer array and read back later
local keep = {}
for i = 1, 3000 do keep[i] = {i, i * 2, name = "n" .. (i % 7)} end
local s, names = 0, 0
for i = 1, #keep do
  local t = keep[i]
  s = s + t[1] + t[2]
  if t.name == "n3" then names = names + 1 end
end
print("kept", #keep, s, names)

-- array constructors, nested, and ipairs over them
local total = 0
for i = 1, 20000 do
  local row = {i, i + 1, i + 2, {i * 10}}
  for _, v in ipairs(row) do
    if type(v) == "number" then total = total + v else total = total + v[1] end
  end
end
print("arrays", total)

-- constructor shapes that change mid-loop (different fields, then a hash-part growth)
local shapes = {}
for i = 1, 3000 do
  local t
  if i < 2000 then t = {a = i} else t = {a = i, b = i, c = i, d = i, e = i} end
  t.extra = i
  shapes[#shapes + 1] = t
end
local sa, sb = 0, 0
for i = 1, #shapes do sa = sa + shapes[i].a + shapes[i].extra; sb = sb + (shapes[i].e or 0) end
print("shapes", sa, sb)

-- a finalizer and a weak table see the collections a compiled loop lets happen
local finalized = 0
local mt = {__gc = function() finalized = finalized + 1 end}
for i = 1, 30000 do setmetatable({}, mt) end
collectgarbage(); collectgarbage()
print("finalized", finalized)
local weak = setmetatable({}, {__mode = "v"})
for i = 1, 1000 do weak[i] = {i} end
collectgarbage()
local alive = 0
for _ in pairs(weak) do alive = alive + 1 end
print("weak alive", alive)
