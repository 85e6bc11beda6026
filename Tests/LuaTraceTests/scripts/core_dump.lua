-- string.dump and binary chunks: load/loadfile/dofile of dumped functions, modes, stripping
-- (no line or name information), upvalues of loaded functions (first = _ENV, others fresh
-- nil), constants of every type, nested functions, header errors, and dumping functions whose
-- loops the JIT has compiled.

print("-- dump and load")
local function f(a, b)
  local c = a + b
  if c > 10 then error("big " .. c) end
  return c, debug.getinfo(1, "S").source, debug.getinfo(1, "l").currentline
end
local s = string.dump(f)
print(type(s), s:sub(1, 4) == "\27Lua", s:byte(5) == 0x54)
local g = load(s, "ignored name")
print(g(1, 2))
print(pcall(g, 10, 5))
print(debug.getinfo(g, "S").short_src, debug.getinfo(g, "S").linedefined, debug.getinfo(g, "S").lastlinedefined)
print(debug.getinfo(g, "u").nparams, debug.getinfo(g, "u").isvararg)

print("-- stripped")
local g2 = load(string.dump(f, true))
print(g2(1, 2))
print(pcall(g2, 10, 5))
print(#string.dump(f) > #string.dump(f, true))
local function gl() return undefinedglobal.x end
print(pcall(load(string.dump(gl, true))))
print(pcall(load(string.dump(gl))))
local function lo() local aa; return aa.x end
print(pcall(load(string.dump(lo, true))))
print(pcall(load(string.dump(lo))))
print(debug.getinfo(load(string.dump(gl, true)), "S").short_src, debug.getinfo(load(string.dump(gl, true)), "S").linedefined)
print(debug.getlocal(load(string.dump(function(a, b) end)), 2))
print(debug.getlocal(load(string.dump(function(a, b) end, true)), 1))

print("-- errors")
print(pcall(string.dump, print))
print(pcall(string.dump))
print(pcall(string.dump, 1))
print(load(s, "x", "t"))
print(load(s, "x", "b") ~= nil)
print(load("\27Lua garbage"))
print(load(s:sub(1, 20)))
print(load(s:sub(1, 40), "=named"))
print(load(s:sub(1, 40), "@file.lua"))
print(load("\27Lux"))
print(load("\27Lua\x54\1"))
print(load(s:sub(1, 6) .. "xxxxxx" .. s:sub(13)))
print(load(s:sub(1, -2)))

print("-- upvalues: the first is _ENV (or the env argument), the others fresh nil")
local up1, up2 = 1, 2
local function h() return up1, up2, print end
print(pcall(load(string.dump(h))))
print(debug.getupvalue(load(string.dump(h)), 1) == "up1", select(2, debug.getupvalue(load(string.dump(h)), 1)) == _G)
print(debug.getupvalue(load(string.dump(h)), 2), debug.getupvalue(load(string.dump(h)), 3))
print(select(2, debug.getupvalue(load(string.dump(h), "n", "b", {}), 1)) ~= _G)
print(debug.getupvalue(load(string.dump(h, true)), 1), debug.getupvalue(load(string.dump(h, true)), 2))
print(load(string.dump(function() return up1 end))() == _G)
local e = {print = function(...) return "E", ... end}
print(load(string.dump(function() return print(1) end), "n", "b", e)())
print(pcall(load(string.dump(function() return print(1) end), "n", "b", nil)))
local counter = load(string.dump(load("local c = 0; return function() c = c + 1; return c end")))
local c1, c2 = counter(), counter()
print(c1(), c1(), c2())

print("-- constants, varargs, nested functions")
local function k(...)
  local t = {nil, true, false, 1, 2.5, "str", math.huge, -0.0, 2^63, math.mininteger, "\0bin\255", ...}
  local function inner(x) return function() return x * 2 end end
  return select("#", ...), #t, inner(21)(), t[6], t[5], t[9], t[10], 1 / t[8], #t[11], t[7]
end
print(load(string.dump(k))(7, 8))
print(load(string.dump(load(string.dump(k))))(1))
print(load(string.dump(load("return 1 + 1")))())
print(load(string.dump(load("local a = ... return a, ...", "=mainchunk")))(5, 6))
print(pcall(load(string.dump(load("error('inside')", "@file.lua")))))
print(pcall(load(string.dump(load("error('inside')", "@file.lua"), true))))
print(pcall(load(string.dump(load("local t = nil; return t.x", "=named")))))
print(pcall(load(string.dump(load("local t = nil; return t.x", "=named"), true))))
local big = {"local t = {}"}
for i = 1, 300 do big[#big + 1] = ("t[%d] = %q .. %s"):format(i, "s" .. i, i * 1.5) end
big[#big + 1] = "return #t, t[300], t[1]"
print(load(string.dump(load(table.concat(big, "\n"))))())

print("-- functions whose loops were compiled")
local function hot(n)
  local s = 0
  for i = 1, n do s = s + i end
  local j = 0
  while j < n do j = j + 1; s = s + 1 end
  for _, v in ipairs({1, 2, 3}) do s = s + v end
  return s
end
for _ = 1, 200 do hot(100) end
print(hot(10), load(string.dump(hot))(10), load(string.dump(hot, true))(10))

print("-- loadfile and dofile")
local name = os.tmpname()
local function hide(msg)     -- the temporary file's name varies
  local i, j = msg:find(name, 1, true)
  if i then return msg:sub(1, i - 1) .. "TMP" .. msg:sub(j + 1) end
  return msg
end
local fh = io.open(name, "wb"); fh:write(string.dump(function(...) return "from binary", ... end)); fh:close()
print(loadfile(name)(1))
print(dofile(name))
print(loadfile(name, "t"))
fh = io.open(name, "wb"); fh:write("#!/usr/bin/env lua\n" .. string.dump(function() return "after shebang" end)); fh:close()
print(loadfile(name)())
fh = io.open(name, "w"); fh:write("#!shebang\nreturn x, ..."); fh:close()
print(loadfile(name)())
print(loadfile(name, "t", {x = "env x"})(1, 2))
print(loadfile(name, "b"))
local okn, errn = pcall(loadfile(name, "t", nil))
print(okn, hide(errn))
fh = io.open(name, "w"); fh:write("x = = 1"); fh:close()
print(hide(select(2, loadfile(name))))
print(hide(select(2, pcall(dofile, name))))
os.remove(name)
print(loadfile("nonexistent file"))
print(pcall(dofile, "nonexistent file"))
print(pcall(loadfile, "args.lua", 1))
