-- Operator metamethods: arithmetic, bitwise, concat, len, eq, lt, le, unm, and their
-- dispatch rules (which operand's metamethod is used, results adjusted to one value).

local V = {}
V.__index = V
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
local function val(a) if getmetatable(a) == V then return a.x end return a end
V.__add = function(a, b) return vec(val(a) + val(b), 0) end
V.__sub = function(a, b) return vec(val(a) - val(b), 0) end
V.__mul = function(a, b) return vec(val(a) * val(b), 0) end
V.__div = function(a, b) return vec(val(a) / val(b), 0) end
V.__mod = function(a, b) return vec(val(a) % val(b), 0) end
V.__pow = function(a, b) return vec(val(a) ^ val(b), 0) end
V.__idiv = function(a, b) return vec(val(a) // val(b), 0) end
V.__unm = function(a, b) return vec(-a.x, rawequal(a, b) and 1 or 0) end
V.__band = function(a, b) return "band" end
V.__bor = function(a, b) return "bor" end
V.__bxor = function(a, b) return "bxor" end
V.__shl = function(a, b) return "shl" end
V.__shr = function(a, b) return "shr" end
V.__bnot = function(a, b) return "bnot" end
V.__concat = function(a, b)
  local function s(v) if getmetatable(v) == V then return "V" .. v.x end return tostring(v) end
  return s(a) .. "&" .. s(b)
end
V.__len = function(a) return a.x * 100, "ignored" end
V.__eq = function(a, b) return a.x == b.x end
V.__lt = function(a, b) return val(a) < val(b) end
V.__le = function(a, b) return val(a) <= val(b) end
V.__tostring = function(a) return "vec(" .. a.x .. "," .. a.y .. ")" end

local a, b = vec(6, 1), vec(4, 2)
print(a + b, a - b, a * b, a / b, a % b, a ^ b, a // b)
print(a + 1, 1 + a, a * 2.5, 10 - a, "3" + a)
print(-a, (-a).y, a & 1, 1 | a, a ~ a, a << 1, 2 >> a, ~a)
print(a .. b, a .. "s", "s" .. a, 1 .. a, a .. 2 .. "x", "x" .. 2 .. a)
print(#a, select('#', #a))
print(a == b, a == vec(6, 9), a ~= vec(6, 0), a == a, rawequal(a, vec(6, 1)))
print(a < b, a > b, a <= b, a >= b, a < 10, 3 < a, a <= 6, 6 >= a)

-- __eq only for two tables (or two userdata); not called for different types or raw-equal
local eqcalls = 0
local E = {__eq = function() eqcalls = eqcalls + 1; return true end}
local e1, e2 = setmetatable({}, E), setmetatable({}, E)
print(e1 == e2, e1 == 1, e1 == "x", e1 == e1, eqcalls)
local e3 = setmetatable({}, {__eq = function() eqcalls = eqcalls + 1; return nil end})
print(e1 == e3, e3 == e1, eqcalls)   -- first operand's metamethod, then the second's
print({} == {}, e3 ~= e1)

-- result of comparison metamethods is converted to boolean
local L = {__lt = function() return 1 end, __le = function() return nil end}
local l1, l2 = setmetatable({}, L), setmetatable({}, L)
print(l1 < l2, l1 <= l2, l1 > l2, l1 >= l2)

-- __le falls back to "not __lt(b, a)" in the reference build (LUA_COMPAT_LT_LE, part of LUA_COMPAT_5_3)
local onlylt = setmetatable({}, {__lt = function() return true end})
print(onlylt < onlylt, pcall(function() return onlylt <= onlylt end))

-- the second operand's metamethod is used when the first has none
local R = setmetatable({}, {__add = function(x, y) return "R-add" end, __concat = function() return "R-cat" end})
print(1 + R, R + 1, {} .. R, "s" .. R, pcall(function() return {} + {} end))

-- string arithmetic uses the string metamethods
print("10" + 5, "3" * "4", -"2", "2" ^ 2, "7" // 2, pcall(function() return "a" + 1 end))

-- __len on strings is not used; on tables without it, raw length
print(#"abc", #setmetatable({1, 2, 3}, {}))

-- __concat with numbers and chains (right associative)
local C = setmetatable({}, {__concat = function(x, y)
  local function s(v) return type(v) == "table" and "C" or tostring(v) end
  return s(x) .. s(y)
end})
print(1 .. C, C .. 2, "a" .. "b" .. C .. "d" .. "e")

-- unary minus and bnot receive the operand twice
local U = setmetatable({}, {__unm = function(x, y) return rawequal(x, y) end, __bnot = function(x, y) return rawequal(x, y) end})
print(-U, ~U)

-- __index/__newindex on missing integer keys of arrays
local arr = setmetatable({1, 2, 3}, {__index = function(t, k) return "default" .. k end})
print(arr[1], arr[3], arr[4], arr[0], arr[-1], arr[1.0], arr[2^53])

-- __div by zero through metamethod produces float results normally
print(vec(1, 0) / 0, vec(-1, 0) / 0)

-- errors when no metamethod exists
print(pcall(function() return {} < 1 end))
print(pcall(function() return {} .. "x" end))
print(pcall(function() return #nil end))
print(pcall(function() return -{} end))
print(pcall(function() return ~{} end))
print(pcall(function() return 1 < "x" end))
print(pcall(function() return "a" < 1 end))
print(pcall(function() return {} <= {} end))
