-- Integers vs floats: arithmetic, wraparound, flooring division/modulo, formatting,
-- special values, coercions and mixed comparisons.

local maxi, mini = math.maxinteger, math.mininteger
-- NaN prints as "nan" or "-nan" depending on the C library and sign bit: normalise it.
local function show(x)
  if x ~= x then return "nan" end
  return tostring(x)
end

print("-- types")
print(math.type(1), math.type(1.0), math.type("1"), math.type(2^53))
print(1 == 1.0, math.type(3 // 1), math.type(3.0 // 1), math.type(3 / 1))
print(10 / 2, 7 // 2, 7.0 // 2, 7 % 3, 7.5 % 2)
print(2^2, 2^-1, 10 // 0.0, -10 // 0.0)

print("-- wraparound")
print(maxi + 1 == mini, mini - 1 == maxi, maxi * 2, mini * -1)
print(maxi + 1, mini - 1, -mini, maxi * maxi)
print(mini // -1, mini % -1)
print(maxi // -1, maxi % -1, mini // 1, mini % 1)
print(0x7fffffffffffffff, 0xffffffffffffffff, 0x10000000000000000)
print(9223372036854775807, 9223372036854775808, -9223372036854775808)
print(math.type(9223372036854775807), math.type(9223372036854775808))

print("-- integer floor division and modulo")
for _, a in ipairs({7, -7, 0, 1, -1, 13}) do
  for _, b in ipairs({3, -3, 1, -1, 5}) do
    io.write(a, "//", b, "=", a // b, " ", a, "%", b, "=", a % b, "  ")
  end
  io.write("\n")
end
print(pcall(function() return 1 // 0 end))
print(pcall(function() return 1 % 0 end))
local zero = 0
print(pcall(function() return 5 // zero end))
print(pcall(function() return 5 % zero end))

print("-- float floor division and modulo")
local fvals = {7.5, -7.5, 0.0, -0.0, 1/0, -1/0, 3.0}
local fdivs = {2.0, -2.0, 0.0, -0.0, 1/0, -1/0, 0.5}
for _, a in ipairs(fvals) do
  local row = {}
  for _, b in ipairs(fdivs) do
    row[#row + 1] = show(a // b) .. "|" .. show(a % b)
  end
  print(a, table.concat(row, " "))
end
print(5.3 % 2, -5.3 % 2, 5.3 % -2, -5.3 % -2)
print(5 % 2.5, -5 % 2.5, 1e308 % 3, -1e308 % 3)
print(3 % math.huge, -3 % math.huge, 3 % -math.huge, -3 % -math.huge)
print(math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3), math.fmod(-7.5, 2))
print(pcall(math.fmod, 1, 0))
print(math.fmod(1, 0.0) ~= math.fmod(1, 0.0))

print("-- float formatting (%.14g)")
print(1.0, -1.0, 0.1, 1/3, 2/3, 100.0, 1e15, 1e16, 1e100, 123456789012345.0)
print(3.14159265358979, 2^63, -2^63, 2^53, 2^53 + 1, 1e-5, 1e-300, 5e-324)
print(0.1 + 0.2, 100 * 1.1, 1e14, 1e14 + 0.5, 12345678901234567890)
print(-0.0, 0.0, 0.0 == -0.0, 1 / -0.0, 1 / 0.0, -(0.0))
print(math.huge, -math.huge, math.huge // 1, math.type(math.huge // 1))
local nan = 0 / 0
print(nan ~= nan, nan == nan, nan < nan, nan > 0, nan <= nan, not (nan >= 1))
print(string.format("%.14g", 2^63), string.format("%.3f", 2/3), string.format("%5.1f|", 3.14159))
print(string.format("%d %5d %-5d| %x %X %o", 42, 42, 42, 255, 255, 8))
print(string.format("%g %g %g", 1e20, 0.0001, 100000))
print(tostring(1e15), tostring(-1e15), tostring(2^24), tostring(10 // 3.0))

print("-- string <-> number coercion")
print("10" + 1, "10" + 1.5, "0x10" + 0, "1e2" + 0, " 5 " * 2, "10" // "3", "7" % "2")
print(math.type("10" + 1), math.type("10.0" + 1), math.type("1e2" + 0))
print(10 .. 20, 1.5 .. "", -0.0 .. "", 2^63 .. "", maxi .. "")
print(tonumber("0x1p4"), tonumber("  0x10  "), tonumber("1e"), tonumber(""), tonumber("  "))
print(tonumber("10", 2), tonumber("ff", 16), tonumber("zz", 36), tonumber("8", 8), tonumber("7fffffffffffffff", 16))
print(tonumber("0x"), tonumber("1 2"), tonumber("inf"), tonumber("nan"), tonumber(".5"), tonumber("5."))
print(tonumber("9223372036854775807"), tonumber("9223372036854775808"), tonumber("-9223372036854775808"))
print(tonumber("0xffffffffffffffffff"), tonumber("1e500"), tonumber("-1e500"))
print(pcall(function() return "abc" + 1 end))
print(pcall(function() return {} + 1 end))
print(math.tointeger(3.0), math.tointeger(3.5), math.tointeger(2^63), math.tointeger(-2^63))
print(3 | 0, pcall(function() return 3.5 | 0 end))
print(pcall(function() return "3.0" | 0 end))
print(pcall(function() return 2^63 | 0 end))

print("-- int/float comparisons")
print(1 < 1.5, 1 <= 1.0, 2 > 1.5, -1 < -0.5, maxi < 2^63, maxi <= 2^63, maxi + 0.0 == 2^63)
print(maxi == 2^63, mini == -2^63, mini < -2^63, mini <= -2^63, mini + 0.0 == -2^63)
print(2^53 == 2^53 + 1, (2^53 | 0) + 1 == 2^53, (2^53 | 0) + 1 > 2^53, (2^53 | 0) + 1 < 2^53 + 2)
print(9007199254740993 < 9007199254740992.0, 9007199254740993 > 9007199254740992.0)
print(9007199254740993 == 9007199254740992.0, 9007199254740992 == 9007199254740992.0)
print(maxi < math.huge, mini > -math.huge, maxi < nan, maxi > nan, 1 == nan)
print(math.ult(1, -1), math.ult(-1, 1), math.abs(mini), math.abs(-0.0))
print(1 < 2, "a" < "b", "a" < "ab", "Z" < "a", "" < "a", "10" < "9")
print(pcall(function() return 1 < "2" end))
print(pcall(function() return {} < {} end))
print(pcall(function() return nil < 1 end))
local t = {}
t[1.0] = "one"; t[2^53] = "big"
print(t[1], t[2^53 | 0], next({[3.0] = true}), math.type(next({[3.0] = true})))

print("-- misc math")
print(math.floor(3.7), math.ceil(3.2), math.floor(-3.5), math.ceil(-3.5), math.floor(2^62))
print(math.type(math.floor(3.7)), math.type(math.floor(1e100)), math.max(1, 2.5), math.min(3, 1))
print(math.max(1, 2), math.type(math.max(1, 2)), math.type(math.max(1.0, 2)))
print(7 // 0.0, -7 // 0.0, 0/0 ~= 0/0, -(0/0) ~= -(0/0))
print(8 // 3 * 3 + 8 % 3, -8 // 3 * 3 + -8 % 3, 2^3^2, -2^2)
