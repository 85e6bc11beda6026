-- string library: len sub upper lower rep reverse byte char, metatable, coercions
local E = require("modules.check").E

print(string.len(""), string.len("abc"), ("\0a\0"):len(), #"hello")
print(string.len(123), string.len(1.5))
E(string.len)
E(string.len, {})

-- sub
local s = "hello world"
print(s:sub(1, 5), s:sub(7), s:sub(-5), s:sub(-5, -3), s:sub(0), s:sub(3, 2))
print(s:sub(100), s:sub(-100, 3), s:sub(5, 100), s:sub(math.mininteger, math.maxinteger))
print(s:sub(2, -2), ("x"):sub(1, 1), (""):sub(1, 1), s:sub(-1, -1), s:sub(0, 0))
print(string.sub(12345, 2, 3), string.sub("abc", 2.0))
E(string.sub, "abc")
E(string.sub, "abc", 1.5)
E(string.sub, "abc", "x")
E(string.sub, "abc", 1, {})
print(rawequal(s:sub(1), s))

-- upper / lower
print(string.upper("Hello, World! 123 \xe9"), string.lower("Hello, World! ABC \xc9"))
print(("mIxEd"):upper(), ("mIxEd"):lower(), string.upper(""), string.upper(12))
print(#string.upper(string.rep("ab", 100)))

-- rep
print(string.rep("ab", 3), string.rep("ab", 3, ","), string.rep("x", 0), string.rep("x", -1))
print(string.rep("", 5), string.rep("", 5, "-"), string.rep("a", 1, "sep"), string.rep("ab", 2, ""))
print(("x"):rep(3), ("="):rep(10))
print(#string.rep("abc", 1000), #string.rep("a", 1000, "bc"), #string.rep("", 1e6))
local big = string.rep("a", 1000000)
print(#big, big:sub(-3), big == string.rep("a", 1000000))
local big2 = string.rep("xyz", 100000, "--")
print(#big2, big2:sub(1, 12), big2:sub(-12))
E(string.rep, "x", 1e10)
E(string.rep, "x", 2^31)
E(string.rep, "abc", math.maxinteger)
E(string.rep, "x", 3, {})
E(string.rep, "x")
E(string.rep, "x", 1.5)
print(string.rep(1, 3), string.rep("a", "3"))

-- reverse
print(string.reverse("abc"), string.reverse(""), ("a"):reverse(), string.reverse(123))
print(#string.reverse(string.rep("ab", 50)))

-- byte / char
print(string.byte("ABC"), string.byte("ABC", 2), string.byte("ABC", 1, 3), string.byte("ABC", -1))
print(string.byte("ABC", 10), string.byte("ABC", 0), string.byte("", 1), string.byte("ABC", 3, 1))
print(string.byte("ABC", -10, 10))
print(select("#", string.byte("ABC", 4)), select("#", string.byte("hello", 1, -1)))
print(string.char(), string.char(72, 105), string.char(0, 255):byte(1, 2))
print(string.char("65", 66.0))
E(string.char, 256)
E(string.char, -1)
E(string.char, 65, "x")
E(string.char, 65, 1.5)
print(#string.char(0, 0, 0))

-- metatable and method calls
print(("abc"):upper(), ("%d"):format(5), getmetatable("").__index ~= nil)
print(getmetatable("").__index == string, ("x").len == string.len, ("abc"):byte(-1))
local n = 5
E(function() return ("x"):rep({}) end)
E(function() return ("x").rep() end)
E(function() return string.rep() end)
E(function() local t = {} ; return t:nosuch() end)

-- string coercion in arithmetic and concat stays the VM's business; a few checks
print("10" + 5, "3" * "4", 10 .. 20)

-- comparisons of strings with embedded zeros
print("a\0b" < "a\0c", "a" < "a\0", ("a\0b"):len())

-- long strings
local parts = {}
for i = 1, 100 do parts[i] = string.format("%03d", i) end
local joined = table.concat(parts, ",")
print(#joined, joined:sub(1, 15), joined:sub(-11))
print(joined:upper() == joined, joined:reverse():sub(1, 7))

-- string.dump of a native function (no binary chunks for natives in lua either)
E(string.dump, print)
E(string.dump, 1)
