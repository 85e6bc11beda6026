-- string.find / match / gmatch / gsub
local E = require("modules.check").E

-- find
print(string.find("hello world", "wor"), string.find("hello world", "o", 6), string.find("hello", "xyz"))
print(string.find("hello", ""), string.find("hello", "", 10), string.find("hello", "", 6), string.find("", ""))
print(string.find("a.b.c", ".", 1, true), string.find("a.b.c", "%."), string.find("a+b", "+", 1, true))
print(string.find("hello", "l+"), string.find("hello", "(l)(l)"), string.find("hello", "()ll()"))
print(string.find("hello", "h", -100), string.find("hello", "o", -1), string.find("hello", "^h"), string.find("hello", "^e"))
print(string.find("key = value", "(%w+)%s*=%s*(%w+)"))
print(string.find(12345, 34), string.find("abc", "b", "2"))
print(string.find("abc", "[a-", 1, true), string.find("a]b", "]"))

-- match
print(string.match("hello 123 world", "%d+"), string.match("hello", "(h)(e)(l)"), string.match("abc", "x"))
print(string.match("  trim me  ", "^%s*(.-)%s*$") .. "|")
print(string.match("2024-01-15", "(%d+)-(%d+)-(%d+)"))
print(string.match("hello", "()ll()"), string.match("hello", ".-l"), string.match("hello", ".*l"))
print(string.match("abc", "b", 3), string.match("abc", "b", -2), string.match("abc", "^b", 2))
print(string.match("[[nested]]", "%[(%b[])%]"), string.match("f(a(b)c)d", "%b()"))
print(string.match("THE (quick) fox", "%f[%a]%a+"), string.match("hello world", "%f[%w]%w+$"))
print(string.match("aaa", "a-b"), string.match("aaab", "a-b"), string.match("ab", "a?b"), string.match("b", "a?b"))
print(string.match("x=1, y=2", "(%w)=(%d)"), string.match("abcabc", "(abc)%1"))
print(string.match("\0abc\0", "%z?(%a+)"), string.match("a\0b", "a%zb") ~= nil, #string.match("a\0b", ".+"))
print(string.match("hello", "[^aeiou]+"), string.match("hello", "[%a]+"), string.match("x-y", "[a%-z]+"))
print(string.match("Hello World", "%u%l+"), string.match("tab\there", "%c"), string.match("a1!", "%p"))
print(string.match("0x1F", "%x+", 3), string.match("  x", "%S"), string.match("abc", "%A") )
print(string.match("café", "[\128-\255]+"))

-- pattern errors
E(string.find, "abc", "[a")
E(string.find, "abc", "%")
E(string.match, "abc", "(a")
E(string.match, "abc", "a)")
E(string.match, "abc", "%1")
E(string.match, "abc", "(a)%2")
E(string.match, "abc", "%b")
E(string.match, "abc", "%f")
E(string.gsub, "abc", "(", "x")
E(string.match, string.rep("a", 300), string.rep("(a)", 33))
E(string.find)
E(string.find, "x")
E(string.match, "x", "x", {})

-- gmatch
local buf = {}
local function w(...) for i = 1, select("#", ...) do buf[#buf + 1] = tostring((select(i, ...))) end end
local function flush() print(table.concat(buf)); buf = {} end
for word in string.gmatch("one two  three", "%a+") do w(word, ";") end flush()
for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do w(k, "->", v, " ") end flush()
for p in string.gmatch("abc", "()") do w(p, " ") end flush()
for m in string.gmatch("abc", "") do w("[", m, "]") end flush()
for m in string.gmatch("hello world", "o", 6) do w(m, "|") end flush()
for m in string.gmatch("xaxbxc", "x(.)", -4) do w(m) end flush()
for m in ("a,b,,c"):gmatch("([^,]*)") do w("<", m, ">") end flush()
for m in string.gmatch("^a^b", "^.") do w(m) end flush()
local it = string.gmatch("ab", ".")
print(it(), it(), it(), select("#", it()))
local cnt = 0
for _ in string.gmatch(string.rep("ab ", 1000), "%a+") do cnt = cnt + 1 end
print(cnt)
E(string.gmatch, "x")

-- gsub with strings
print(string.gsub("hello world", "o", "0"))
print(string.gsub("hello world", "o", "0", 1))
print(string.gsub("hello world", "(o)", "[%1]"))
print(string.gsub("hello", "", "-"))
print(string.gsub("abc", "%w", "%0%0"))
print(string.gsub("abc", "b", "%%"))
print(string.gsub("hello world", "(%w+) (%w+)", "%2 %1"))
print(string.gsub("abc", "^a", "X"), string.gsub("aaa", "^a", "X"))
print(string.gsub("abc", "c$", "X"), string.gsub("abc", "$", "!"))
print(string.gsub("hello", "l", "L", 0), string.gsub("hello", "l", "L", -1), string.gsub("hello", "l", "L", 1.0))
print(string.gsub("a b c", " ", 5), string.gsub(12321, 2, 9))
print(string.gsub("abc", "()", "%1"))
print(string.gsub("x = 1", "%s", ""))
E(string.gsub, "abc", "b", "%2")
E(string.gsub, "abc", "b", "%x")
E(string.gsub, "abc", "b")
E(string.gsub, "abc", "b", true)
E(string.gsub, "abc", "b", "x", 1.5)

-- gsub with tables and functions
local t = {name = "Lua", version = "5.4", n = 3}
print(string.gsub("$name is $version ($missing)", "%$(%w+)", t))
print(string.gsub("$n items", "%$(%w+)", t))
print(string.gsub("hello world", "%w+", string.upper))
print(string.gsub("hello world", "%w+", function(w) return #w end))
print(string.gsub("hello world", "%w+", function(w) if w == "hello" then return false end return nil end))
print(string.gsub("a1b2", "(%a)(%d)", function(a, d) return d .. a end))
print(string.gsub("abc", "", function() return "-" end))
print(string.gsub("abc", "()", function(p) return p end))
local calls = 0
print(string.gsub("aaaa", "a", function() calls = calls + 1; return "b" end, 2), calls)
local mt = setmetatable({}, {__index = function(_, k) return k:upper() end})
print(string.gsub("abc def", "%w+", mt))
E(string.gsub, "abc", "%w", function() return {} end)
E(string.gsub, "abc", "%w", {a = true})
E(string.gsub, "abc", "%w", function() error("boom") end)
print(pcall(string.gsub, "abc", "%w", function(c) return c:rep(2) end))

-- long subjects
local long = string.rep("abc ", 10000)
print(#long, (select(2, string.gsub(long, "b", "B"))), (string.find(long, "c a", 30000)))
print(select(2, string.gsub(long, "%w+", "%0")), #(string.gsub(long, " ", "")))
print(string.find(long .. "xyz", "xyz"), string.find(long, "abd"), string.match(long, "(c) $"))
