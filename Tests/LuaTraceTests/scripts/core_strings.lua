-- String literals, escapes, long brackets, length, concatenation and coercions.

local function bytes(s)
  local t = {}
  for i = 1, #s do t[#t + 1] = s:byte(i) end
  return #s .. ":" .. table.concat(t, ",")
end

print("-- escapes")
print(bytes("\a\b\f\n\r\t\v\\\"\'"))
print(bytes("\0\1\12\123\255"), bytes("\x00\x41\xff\xAb"))
print(bytes("\u{41}\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}"))
print(bytes("\u{7FFFFFFF}"), bytes("\u{0}"))
print("a\z
       b", "c\z  d", bytes("x\z

   y"))
print("line1\
line2")
print('single \'quoted\' "double"', "tab:\tend")
print(#"\u{20AC}", "\u{20AC}" == "\xE2\x82\xAC", "\65\066\0671" == "ABC1")

print("-- long brackets")
print([[plain]], [==[with ]] inside]==], [[
first newline skipped]])
local ls = [[
a
b]]
print(#ls, bytes(ls))
print([=[
]=] == "", [[\n is not an escape]], [==[
]]
]==])
--[[ a long
comment ]] print("after long comment")
--[==[ another
]] still comment
]==] print("after level-2 comment")
print(bytes("a\r\nb"), bytes([[a
b]]))

print("-- length and concatenation")
print(#"", #"abc", #"\0\0\0", #[[]], ("x"):rep(3), #("ab"):rep(1000))
print("a" .. "b" .. "c", 1 .. 2, 1.5 .. "|", 2^63 .. "", -0.0 .. "", 10 // 1 .. "")
print("x" .. 1 + 2, pcall(function() return "a" .. {} end))
print(pcall(function() return "a" .. nil end))
print(pcall(function() local b = true; return "a" .. b end))
local s = ""
for i = 1, 10 do s = s .. i .. "," end
print(s)
local parts = {}
for i = 1, 100 do parts[i] = string.char(65 + i % 26) end
local big = table.concat(parts)
print(#big, big:sub(1, 10), big:sub(-5))

print("-- comparison")
print("a" < "b", "abc" < "abd", "abc" < "ab", "" < "\0", "a\0b" < "a\0c", "a\0" > "a")
print("A" < "a", "10" < "2", "a" == "a", "a" ~= "A", ("ab"):rep(2) == "abab")

print("-- strings are values")
local t = {}
t["k" .. "ey"] = 1
print(t.key, t["key"], rawequal("ab" .. "c", "abc"))
local long1 = ("long string "):rep(10)
local long2 = ("long string "):rep(5) .. ("long string "):rep(5)
print(long1 == long2, rawequal(long1, long2), #long1)
t[long1] = "found"
print(t[long2])

print("-- string methods via metatable")
local str = "Hello"
print(str:upper(), str:len(), ("%d-%s"):format(5, "x"), #str, str:byte(1), str.len == string.len)
print(getmetatable("").__index == string, pcall(function() return ("x").nope() end))
print(tostring(nil), tostring(true), tostring(12), tostring(1.25), tostring("s"))
print(type(tostring(print)), tostring(print):match("^function: ") ~= nil, tostring({}):match("^table: ") ~= nil)
