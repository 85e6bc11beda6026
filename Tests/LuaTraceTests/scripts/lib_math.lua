-- math library
local E = require("modules.check").E
local function T(...)   -- values with their math.type
  local o = {}
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    o[i] = tostring(v) .. "/" .. (math.type(v) or type(v))
  end
  print(table.concat(o, " "))
end

print(math.pi, math.huge, -math.huge, math.maxinteger, math.mininteger)
T(math.abs(-3), math.abs(3), math.abs(-3.5), math.abs(math.mininteger), math.abs(-0.0), math.abs("-2"))
T(math.floor(3.7), math.floor(-3.7), math.floor(5), math.floor(2^70), math.floor(-0.0), math.floor("3.5"))
T(math.ceil(3.2), math.ceil(-3.7), math.ceil(5), math.ceil(-2^70), math.ceil(-0.5), math.ceil(1e308))
T(math.floor(1/0), math.ceil(-1/0), math.floor(2^63), math.floor(-2^63), math.ceil(2^62 + 0.0))
T(math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3), math.fmod(-7, -3), math.fmod(7.5, 2), math.fmod(-7, 3.0))
T(math.fmod(math.mininteger, -1), math.fmod(5, -1), math.fmod(1, math.huge), math.fmod(3, "2"))
T(math.fmod(math.mininteger, math.maxinteger), math.fmod(math.maxinteger, math.mininteger))
T(math.modf(3.7))
T(math.modf(-3.7))
T(math.modf(5))
T(math.modf(-0.5))
T(math.modf(1/0))
T(math.modf(-1/0))
T(math.modf(2^63))
T(math.modf("2.5"))
T(math.sqrt(16), math.sqrt(2), math.sqrt(-1) ~= math.sqrt(-1), math.exp(0), math.exp(1))
T(math.log(1), math.log(8, 2), math.log(100, 10), math.log(27, 3), math.log(0), math.log(2, 4), math.log(1024, 2.0))
T(math.sin(0), math.cos(0), math.tan(0), math.asin(1), math.acos(1), math.atan(1))
T(math.atan(1, 1), math.atan(1, -1), math.atan(-1, -1), math.atan(0, -1), math.atan(1, 0), math.atan("1"))
T(math.tointeger(3.0), math.tointeger(3.5), math.tointeger(3), math.tointeger("8"), math.tointeger("x"),
  math.tointeger({}), math.tointeger(2^63), math.tointeger(-2^63), math.tointeger("0x10"), math.tointeger("1e2"))
T(math.type(1), math.type(1.0), math.type("1"), math.type(nil), math.type({}))
T(math.ult(1, 2), math.ult(-1, 2), math.ult(2, -1), math.ult(math.maxinteger, math.mininteger))
T(math.max(1, 2, 3), math.max(3, 2, 1), math.max(1, 2.0), math.max(2.0, 2), math.max(2, 2.0), math.max(-1))
T(math.min(1, 2, 3), math.min(3, 2.5, 1.5), math.min(1.0, 1), math.min(1, 1.0), math.max(-0.0, 0.0), math.min(0.0, -0.0))
T(math.max("10", "9"), math.min("a", "b"), math.max(math.huge, math.maxinteger), math.min(math.mininteger, -math.huge))
T(math.max(0/0, 1), math.max(1, 0/0) ~= math.max(1, 0/0))
print(math.max({}) ~= nil)
T(3 // 0.0, -3 % math.huge, math.maxinteger + 1 == math.mininteger)

E(math.floor)
E(math.floor, "x")
E(math.abs, {})
E(math.fmod, 1, 0)
E(math.fmod, 1)
E(math.fmod, 1, {})
T(math.fmod(1, 0.0) ~= math.fmod(1, 0.0), math.fmod(0, 0.0) ~= 0)
E(math.sqrt)
E(math.log, "x")
E(math.log, 2, {})
E(math.tointeger)
E(math.type)
E(math.ult, 1.5, 2)
E(math.ult, 1)
E(math.max)
E(math.min)
E(math.max, 1, "x")
E(math.min, {}, {})
E(function() return math.atan(1, "y") end)

-- random: ranges and errors (values themselves are not printed)
math.randomseed(42)
local okf, oki, okr = true, true, true
for i = 1, 2000 do
  local f = math.random()
  if not (f >= 0 and f < 1 and math.type(f) == "float") then okf = false end
  local a = math.random(10)
  if not (a >= 1 and a <= 10 and math.type(a) == "integer") then oki = false end
  local b = math.random(-3, 3)
  if not (b >= -3 and b <= 3) then okr = false end
  local c = math.random(math.mininteger, math.maxinteger)
  if math.type(c) ~= "integer" then okr = false end
  local d = math.random(5, 5)
  if d ~= 5 then okr = false end
end
print(okf, oki, okr, math.type(math.random(0)))
local seen = {}
for i = 1, 1000 do seen[math.random(3)] = true end
print(seen[1], seen[2], seen[3], seen[0], seen[4])
print(math.randomseed(7))
print(math.randomseed(7, 3))
print(select("#", math.randomseed()))
math.randomseed(123); local s1 = {math.random(1000), math.random(1000), math.random()}
math.randomseed(123); local s2 = {math.random(1000), math.random(1000), math.random()}
print(s1[1] == s2[1], s1[2] == s2[2], s1[3] == s2[3])
E(math.random, 0, -1)
E(math.random, 2, 1)
E(math.random, 1, 2, 3)
E(math.random, 1.5)
E(math.random, 1, 2.5)
E(math.random, "x")
E(math.random, -5)
E(math.randomseed, 1.5)
E(math.randomseed, {})
print(math.random(3.0) <= 3, math.random("2") <= 2)

-- NaN signs as glibc prints them
print(math.sqrt(-1), math.log(-1), math.acos(2), math.fmod(1, 0.0), math.fmod(-1, 0.0), 0/0, -(0/0), math.huge - math.huge)
print(math.log(-1, 2), math.log(-1, 10), math.log(-1, 3), math.exp(1000), math.floor(0/0), math.ceil(0/0))
print(string.format("%f %g %.3f", 0/0, -(0/0), math.huge), math.max(0/0, 1), math.min(1, 0/0))
print(math.tointeger(0/0), math.abs(0/0), math.abs(-(0/0)))

-- deg / rad and the LUA_COMPAT_MATHLIB functions of the reference build
T(math.deg(math.pi), math.deg(1), math.rad(180), math.rad(90), math.deg(0))
T(math.cosh(0), math.sinh(0), math.tanh(0), math.tanh(1), math.log10(1000), math.pow(2, 10), math.pow(2, 0.5))
T(math.frexp(8))
T(math.frexp(0.3))
T(math.frexp(0))
T(math.ldexp(0.5, 4), math.ldexp(1, -1), math.ldexp(3, 0))
print(math.atan2 == math.atan)
E(function() return math.ldexp(1, 1.5) end)
E(function() return math.pow(2) end)
