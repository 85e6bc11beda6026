-- The interpreter's inline fast paths must behave exactly like the general ones.

-- __index chains: tables at each level, deeper than the inline limit, and functions
local function chain(depth, leaf)
  local top = leaf
  for i = 1, depth do top = setmetatable({ ["l" .. i] = i }, { __index = top }) end
  return top
end
for _, d in ipairs({ 0, 1, 3, 4, 5, 7 }) do
  local o = chain(d, { base = "b" })
  print(d, o.base, o.l1, o.missing, o["l" .. d])
end
local calls = 0
local f = chain(6, setmetatable({}, { __index = function(t, k) calls = calls + 1; return k .. "!" end }))
print(f.x, f.l2, f.y, calls)

-- methods through a class chain
local Base = {} Base.__index = Base
function Base.new(x) return setmetatable({ x = x }, Base) end
function Base:get() return self.x end
function Base:name() return "base" end
local Derived = setmetatable({}, { __index = Base }) Derived.__index = Derived
function Derived.new(x) return setmetatable({ x = x * 10 }, Derived) end
function Derived:name() return "derived" end
local b, dd = Base.new(1), Derived.new(2)
print(b:get(), b:name(), dd:get(), dd:name())
print(pcall(function() return dd:nothing() end))

-- field stores on tables with metatables
local log = {}
local mt = { __newindex = function(t, k, v) log[#log + 1] = k; rawset(t, k, v) end }
local t = setmetatable({ present = 1 }, mt)
t.present = 2          -- present field: assigned in place, no __newindex
t.fresh = 3            -- absent: __newindex
t.fresh = 4            -- now present
print(t.present, t.fresh, table.concat(log, ","))
local store = {}
local proxy = setmetatable({}, { __newindex = store, __index = store })
proxy.a = 1; proxy.a = 2
print(rawget(proxy, "a"), store.a, proxy.a)
local plain = setmetatable({}, { __index = function() return "dflt" end })
plain.k = "v"          -- no __newindex: raw store
print(plain.k, plain.other)
t.present = nil        -- assigning nil to a present field
t.present = 5          -- absent again: __newindex fires
print(t.present, table.concat(log, ","))

-- '#' on tables being appended to and shrunk
local arr = {}
for i = 1, 100 do arr[#arr + 1] = i * i end
print(#arr, arr[#arr])
for _ = 1, 37 do arr[#arr] = nil end
print(#arr, arr[#arr])
for i = 1, 10 do arr[#arr + 1] = -i end
print(#arr, arr[#arr])
local q = { n = 0 }
for i = 1, 5 do q[#q + 1] = i end
print(#q, select("#", table.unpack(q)))

-- string methods, also after changing the string library and the metatable
local s = "Hello"
print(s:upper(), s:len(), ("%d-%s"):format(7, "x"), s:sub(2, 3))
function string.shout(x) return x:upper() .. "!" end
print(s:shout())
local smt = getmetatable("")
local oldIndex = smt.__index
smt.__index = function(str, key) return function() return "dyn:" .. key end end
print(s:anything(), s:upper())
smt.__index = oldIndex
print(s:lower(), pcall(function() return s:nomethod() end))

-- comparisons with immediates
local vals = { 3, 3.5, -1, 0.0, -0.0, 1e300, -1/0, 0/0, math.maxinteger, math.mininteger }
for _, v in ipairs(vals) do
  print(v, v < 3, v <= 3, v > 3, v >= 3, v < 1.0, v > -2)
end
print(pcall(function() return "a" < 1 end))
print(pcall(function() return {} >= 2 end))
local cmt = { __lt = function(a, b) return (type(a) == "table" and a.v or a) < (type(b) == "table" and b.v or b) end,
              __le = function(a, b) return (type(a) == "table" and a.v or a) <= (type(b) == "table" and b.v or b) end }
local obj = setmetatable({ v = 5 }, cmt)
print(obj < 6, obj <= 4, obj > 1, obj >= 5)

-- division and modulo fast paths
local nums = { 7, -7, 7.5, -7.5, 0, -0.0, 3 }
for _, x in ipairs(nums) do
  for _, y in ipairs({ 2, -2, 2.5, 0.0 }) do
    io.write(string.format("%s/%s=%s %s%%%s=%s %s//%s=%s | ", x, y, x / y, x, y, x % y, x, y, x // y))
  end
  print()
end
print(pcall(function() return 1 % 0 end))
print(pcall(function() return 1 // 0 end))
print(7 % math.mininteger, math.mininteger // -1, math.mininteger % -1)
