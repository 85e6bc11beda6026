-- Syntax errors reported by load(): nil plus lua5.4's message text.

local cases = {
  "x = ",
  "x = 1 +",
  "local 1 = 2",
  "if x then",
  "if x then else",
  "for i = 1 do end",
  "for i, j = 1, 2 do end",
  "for in x do end",
  "while true do",
  "repeat x = 1",
  "function f( end",
  "function f(a,) end",
  "function f(..., a) end",
  "local function end",
  "return return",
  "return 1 2",
  "x = }",
  "x = {1, 2",
  "x = (1",
  "x = a.",
  "x = a:b",
  "a:b = 1",
  "f() = 1",
  "1 = 2",
  "x, y() = 1, 2",
  "x = 'unfinished",
  "x = \"unfinished\nmore\"",
  "x = [[unfinished",
  "x = [==[ unfinished ]=]",
  "--[[ unfinished comment",
  "x = '\\q'",
  "x = '\\300'",
  "x = '\\x4'",
  "x = '\\xZZ'",
  "x = '\\u{110000000}'",
  "x = '\\u{}'",
  "x = '\\u123'",
  "x = 3x",
  "x = 0x",
  "x = 1e",
  "x = 1.2.3",
  "x = 08z",
  "x = @",
  "x = $",
  "x = ~= 1",
  "break",
  "do break end",
  "local x <const> = 1; x = 2",
  "local x <close> = 1 local y <close> = 2 ; y = 3",
  "local x <weird> = 1",
  "goto",
  "::lbl",
  "x = function() return end end",
  "end",
  "elseif x then",
  "x = 1 .. ",
  "x = not",
  "x = #",
  "local t = {[1] 2}",
  "local t = {a = }",
  "f(",
  "f(1,",
  "f{",
  "a.b:c = 1",
  "local a, = 1",
  "x = ...",           -- main chunk is vararg: valid
  "function f() return ... end",
  "return (...)",
  "x = 1\n\n\ny = = 2",
  "\n\n\n\n   + ",
  "x = 'a\\\nb'",       -- escaped newline: valid
  "x = 'line\nbreak'",
  "local function f() local x = 1 ",
  "return;;",
  ";;;",
  "return 1;",
  "x = a..b..c..",
  "x = 1 < 2 < 3",      -- valid syntax (runtime error only)
  "and",
  "x = y z",
  "local x = 1 x",
  "print('a' 'b')",
  "return " .. string.rep("(", 100) .. "1" .. string.rep(")", 100),
  "x = " .. string.rep("{", 100) .. string.rep("}", 100),
}

for i, src in ipairs(cases) do
  local f, err = load(src)
  if f then
    print(i, "ok")
  else
    print(i, err)
  end
end

-- chunk names in syntax errors
print(load("x = = 1", "=custom"))
print(load("x = = 1", "@file.lua"))
print(load("x = = 1", "a long chunk name that goes on and on and on and on and on and on and on and on"))
print(load("x = = 1", "multi\nline"))
print(load("\n\nx = = 1", "=(load)"))
print(load("x = = 1"))
print(load("-- a long source string that will be truncated in the chunk name because it is long\nx = = 1"))
