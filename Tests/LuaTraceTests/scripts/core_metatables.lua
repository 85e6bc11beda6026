-- Metatables: __index (function and table chains), __newindex, __call, __tostring, __name,
-- __metatable protection, raw access functions.

print("-- __index")
local base = {greet = function(self) return "hello from " .. self.name end, kind = "base"}
local mid = setmetatable({kind = "mid"}, {__index = base})
local obj = setmetatable({name = "obj"}, {__index = mid})
print(obj:greet(), obj.kind, obj.missing, rawget(obj, "kind"))
local calls = 0
local lazy = setmetatable({}, {__index = function(t, k)
  calls = calls + 1
  local v = type(k) == "number" and k * k or tostring(k):upper()
  rawset(t, k, v)
  return v
end})
print(lazy[4], lazy.abc, lazy[4], calls)
-- __index chains that end in a function
local chain = setmetatable({}, {__index = setmetatable({a = 1}, {__index = function(_, k) return "fn:" .. k end})})
print(chain.a, chain.b)
-- __index on a value present (not consulted)
local present = setmetatable({x = false}, {__index = function() return "meta" end})
print(present.x, present.y)
-- deep chain
local deep = {v = "bottom"}
for _ = 1, 50 do deep = setmetatable({}, {__index = deep}) end
print(deep.v)

print("-- __newindex")
local store = {}
local proxy = setmetatable({}, {__newindex = store})
proxy.a = 1
print(rawget(proxy, "a"), store.a)
local logged = {}
local watch = setmetatable({}, {__newindex = function(t, k, v)
  logged[#logged + 1] = tostring(k) .. "=" .. tostring(v)
  rawset(t, k, v)
end})
watch.x = 1; watch.x = 2; watch.y = 3
print(table.concat(logged, " "), watch.x)
-- __newindex chain through tables with their own __newindex
local inner = setmetatable({}, {__newindex = function(_, k, v) logged[#logged + 1] = "inner:" .. k end})
local outer = setmetatable({}, {__newindex = inner})
outer.z = 9
print(logged[#logged], rawget(outer, "z"), rawget(inner, "z"))
-- read-only table
local ro = setmetatable({}, {__index = {k = 1}, __newindex = function(_, k) error("read-only: " .. k, 2) end})
print(ro.k, pcall(function() ro.k = 2 end))

print("-- __call")
local callable = setmetatable({}, {__call = function(self, a, b) return "called", a, b end})
print(callable(1, 2))
print(pcall(callable, "p"))
local nested = setmetatable({}, {__call = callable})
local okn, c1, c2, c3 = pcall(nested, "n")
print(okn, c1, c2 == nested, c3)
local function apply(f, ...) return f(...) end
print(apply(callable, "x"))
print(select('#', callable()))

print("-- __tostring / __name")
local pt = setmetatable({x = 1, y = 2}, {__tostring = function(p) return "(" .. p.x .. "," .. p.y .. ")" end})
print(pt, tostring(pt), string.format("%s", pt))
local named = setmetatable({}, {__name = "MyType"})
print((tostring(named):gsub("0x%x+", "ADDR"):gsub(": [%x]+$", ": ADDR")))
print(pcall(tostring, setmetatable({}, {__tostring = function() return 42 end})))
print(pcall(tostring, setmetatable({}, {__tostring = function() error("ts fail") end})))

print("-- __metatable")
local prot = setmetatable({}, {__metatable = "locked"})
print(getmetatable(prot), pcall(setmetatable, prot, {}))
print(getmetatable("abc").__index == string, getmetatable(1), getmetatable(nil))
local mtf = setmetatable({}, {__metatable = false})
print(getmetatable(mtf), pcall(setmetatable, mtf, nil))

print("-- raw functions")
local r = setmetatable({}, {
  __index = function() return "idx" end,
  __newindex = function() error("no") end,
  __len = function() return 99 end,
  __eq = function() return true end,
})
rawset(r, "k", "v")
print(rawget(r, "k"), rawget(r, "nope"), r.nope, #r, rawlen(r), rawlen("abcd"))
local r2 = setmetatable({}, getmetatable(r))
print(r == r2, rawequal(r, r2), rawequal(r, r), rawequal("a", "a"), rawequal(1, 1.0))
print(rawset(r, 1, "one") == r, rawlen(r), pcall(rawset, r, nil, 1))
print(pcall(rawset, r, 0/0, 1))
print(pcall(rawlen, 5))
print(pcall(rawget, "str", 1))
print(pcall(setmetatable, 1, {}))
print(pcall(setmetatable, {}, 1))
print(setmetatable({}, nil) ~= nil, getmetatable(setmetatable({}, nil)))

print("-- metatable on assignment paths")
local t = {}
local mt = {__index = function(_, k) return "mt:" .. k end}
print(t.x)
setmetatable(t, mt)
print(t.x)
mt.__index = {x = "table"}
print(t.x)
mt.__index = nil
print(t.x)
