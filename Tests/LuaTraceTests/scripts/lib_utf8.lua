-- utf8 library
local E = require("modules.check").E
local function hex(s) return (s:gsub(".", function(c) return string.format("%02X ", c:byte()) end)) end

-- char
print(utf8.char(72, 228, 8364, 128512), utf8.char(), #utf8.char(0))
print(hex(utf8.char(0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF)))
print(hex(utf8.char(0x110000, 0x7FFFFFFF)), hex(utf8.char("65", 66.0)))
E(utf8.char, -1)
E(utf8.char, 0x80000000)
E(utf8.char, 65, "x")
E(utf8.char, 1.5)

-- charpattern
print(hex(utf8.charpattern))
local s = "héllo wörld €"
local chars = {}
for c in s:gmatch(utf8.charpattern) do chars[#chars + 1] = c end
print(#chars, table.concat(chars, "|"))

-- codepoint
print(utf8.codepoint("héllo", 1, -1))
print(utf8.codepoint("A"), utf8.codepoint("€"), utf8.codepoint("a€b", 2), utf8.codepoint("a€b", 5))
print(select("#", utf8.codepoint("abc", 3, 2)), utf8.codepoint("abc", -1), utf8.codepoint("\u{10FFFF}"))
print(utf8.codepoint("\xF4\x90\x80\x80", 1, 1, true), utf8.codepoint("\xED\xA0\x80", 1, 1, true))
E(utf8.codepoint, "a€b", 3)
E(utf8.codepoint, "abc", 0)
E(utf8.codepoint, "abc", 1, 4)
E(utf8.codepoint, "\xF4\x90\x80\x80")
E(utf8.codepoint, "\xED\xA0\x80")
E(utf8.codepoint, "\xC0\x80")
E(utf8.codepoint, "\xFF")
E(utf8.codepoint)
E(utf8.codepoint, "abc", "x")

-- len
print(utf8.len("héllo"), utf8.len(""), utf8.len("€€€"), utf8.len("abc", 2), utf8.len("abc", 4), utf8.len("abc", -1))
print(utf8.len("a€b", 1, 2), utf8.len("a€b", 3), utf8.len("a€b", 2, -2), utf8.len("abc", 3, 2))
print(utf8.len("\xFF"), utf8.len("ab\x80cd"), utf8.len("abc\xE2\x82"), utf8.len("\xED\xA0\x80"), utf8.len("\xED\xA0\x80", 1, -1, true))
print(utf8.len("\xF4\x90\x80\x80", 1, -1, true), utf8.len("\xF4\x90\x80\x80"))
E(utf8.len, "abc", 5)
E(utf8.len, "abc", 0)
E(utf8.len, "abc", 1, 4)
E(utf8.len, "abc", -5)
E(utf8.len)

-- offset
local u = "a€b€c"
print(utf8.offset(u, 1), utf8.offset(u, 2), utf8.offset(u, 3), utf8.offset(u, 4), utf8.offset(u, 5), utf8.offset(u, 6), utf8.offset(u, 7))
print(utf8.offset(u, -1), utf8.offset(u, -2), utf8.offset(u, -5), utf8.offset(u, -6), utf8.offset(u, 0, 3), utf8.offset(u, 0, 4))
print(utf8.offset(u, 1, 2), utf8.offset(u, 2, 2), utf8.offset(u, -1, 5), utf8.offset("", 1), utf8.offset("", -1), utf8.offset("abc", 0))
E(utf8.offset, u, 1, 3)
E(utf8.offset, u, 1, 100)
E(utf8.offset, u, 1, -100)
E(utf8.offset, u)
E(utf8.offset, u, 1.5)

-- codes
local out = {}
for p, c in utf8.codes("aé€😀") do out[#out + 1] = p .. ":" .. c end
print(table.concat(out, " "))
out = {}
for p, c in utf8.codes("") do out[#out + 1] = p end
print(#out)
out = {}
for p, c in utf8.codes("a\x80b") do out[#out + 1] = p .. ":" .. c end
print(table.concat(out, " "))
out = {}
for p, c in utf8.codes("\xF4\x90\x80\x80z", true) do out[#out + 1] = p .. ":" .. c end
print(table.concat(out, " "))
E(function() for p, c in utf8.codes("ab\xFFcd") do end end)
E(function() for p, c in utf8.codes("\xF4\x90\x80\x80") do end end)
E(utf8.codes)
E(utf8.codes, {})
local f, st, init = utf8.codes("xy")
print(type(f), st, init, f(st, init))
print(f("xy", 1), f("xy", 2))

-- round trips
local all = {}
for _, cp in ipairs({0, 65, 127, 128, 2047, 2048, 55295, 57344, 65535, 65536, 1114111}) do
  all[#all + 1] = utf8.char(cp)
end
local str = table.concat(all)
print(utf8.len(str), #str, utf8.codepoint(str, 1, -1))
