-- Operator precedence and associativity (Lua 5.4 manual §3.4.8).

print(1 + 2 * 3, (1 + 2) * 3, 2 * 3 ^ 2, -2 ^ 2, (-2) ^ 2, 2 ^ -1)
print(2 ^ 3 ^ 2, (2 ^ 3) ^ 2, -3 ^ 2 + 1, not nil == true, not (nil == true))
print(1 .. 2 .. 3, "a" .. "b" == "ab", 1 + 1 .. "", 2 .. 3 + 1)
print(10 - 2 - 3, 100 / 10 / 2, 7 // 2 * 2, 7 % 4 % 3, 2 * 7 % 4)
print(1 < 2 == true, "x" .. "y" < "xz", 1 + 2 < 4, -1 < 0)
print(1 or 2 and nil, nil and 1 or 2, false or nil, nil or false, 1 and 2 or 3)
print(nil and nil or "d", 1 < 2 and "yes" or "no", 1 > 2 and "yes" or "no")
print(1 | 2 ~ 4 & 7, 1 | (2 ~ 4) & 7, 5 & 3 == 1, 1 << 2 + 1, pcall(function() return 1 << 2 .. "" end))
print(#"abc" + 1, -#"ab", not #"", - - 2, not not nil, ~ ~ 5)
print(2 ^ - 2, - 2 ^ - 2, 1 + -2, 1 - -2, 3 - - - 1)
print("10" + 1 .. "", 2 * "3" ^ 2, 1 == 1.0 and "eq" or "ne")
local a, b, c = 2, 3, 4
print(a + b * c ^ 2 // 5 % 7, (a + b) * c, a < b and b < c, a .. b .. c + 1)
print(a > b or c, a >= b and c or a, a == 2 ~= false)
-- short circuit evaluation order
local log = {}
local function f(v, name) log[#log + 1] = name; return v end
local r = f(false, "a") and f(true, "b") or f(nil, "c") or f(1, "d") and f(2, "e")
print(r, table.concat(log, ","))
log = {}
r = f(1, "p") + f(2, "q") * f(3, "r")
print(r, table.concat(log, ","))
log = {}
local t = {f(1, "k1"), f(2, "k2"), [f(3, "k3")] = f(4, "v3")}
print(#t, t[3], table.concat(log, ","))
