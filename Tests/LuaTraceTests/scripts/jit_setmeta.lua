-- setmetatable in compiled loops: constructors of objects with a class metatable, a protected
-- metatable met mid-loop (the error comes from the interpreter), __gc metatables (finalizers
-- registered from compiled code), and a metatable set after a raw read of the same table.
local P = {}
P.__index = P
function P.new(x, y) return setmetatable({x = x, y = y}, P) end
function P:len2() return self.x * self.x + self.y * self.y end
local s = 0
for i = 1, 100000 do
  local p = P.new(i, i + 1)
  s = s + p:len2()
end
print(s)
local prot = setmetatable({}, {__metatable = "locked"})
print(pcall(function()
  for i = 1, 100 do
    local t = i < 90 and {} or prot
    setmetatable(t, P)
  end
end))
local fin = 0
local G = {__gc = function() fin = fin + 1 end}
for i = 1, 1000 do setmetatable({}, G) end
collectgarbage() collectgarbage()
print(fin)
local W = {__index = function(t, k) return k * 2 end}
local acc = 0
for i = 1, 200 do
  local t = {}
  acc = acc + (t[1] or 0)
  setmetatable(t, W)
  acc = acc + t[3]
end
print(acc)
