-- io.lines / file:lines: formats, closing at end of file, errors, generic-for closing.

local base = os.tmpname()
local path = base .. ".lines"

local perr = require("modules.check").perrFor(base)

local f = assert(io.open(path, "w"))
f:write("alpha\n", "beta\n", "\n", "gamma 1 2\n", "last line without newline")
f:close()

print("-- io.lines(filename)")
for l in io.lines(path) do print("[" .. l .. "]") end

print("-- keep newlines")
for l in io.lines(path, "L") do io.write("<", l, ">") end
print()

print("-- several formats per step")
for a, b in io.lines(path, 3, "l") do print(a, b) end

print("-- numbers")
f = assert(io.open(path, "w")); f:write("1 2 3\n4.5 0x10\n"); f:close()
for n in io.lines(path, "n") do print(n, math.type(n)) end

print("-- whole file")
for a in io.lines(path, "a") do print(#a) break end

print("-- io.lines returns four values")
local it, s, c, tbc = io.lines(path)
print(type(it), s, c, io.type(tbc))
print(it())
tbc:close()

print("-- iterator after the file is closed")
local it2 = io.lines(path)
print(it2(), it2())
print(it2())
perr(function() return it2() end)

print("-- file:lines does not close the file")
f = assert(io.open(path))
for l in f:lines() do print(l) end
print(io.type(f), f:read("a"), f:seek("set"))
for l in f:lines("n") do print(l) end
print(io.type(f))
f:close()

print("-- breaking out of the loop closes io.lines files")
local saved
for l, _, _, h in (function() local i, a, b, h = io.lines(path); saved = h; return i, a, b, h end)() do
  break
end
print(io.type(saved))

print("-- errors")
perr(function() return io.lines(base .. ".missing") end)
perr(function() for l in io.lines(path, "x") do end end)
perr(function() for l in io.lines(path, {}) do end end)
perr(function() return io.lines(path, table.unpack({}, 1, 260)) end)
perr(function() return io.lines({}) end)
perr(function() local f = io.open(path); f:close(); return f:lines() end)

print("-- default input")
local old = io.input()
print(io.type(old), old == io.stdin)
print(io.type(io.input(path)))
print(io.read("l"))
for l in io.lines() do print("default:", l) end
print(io.read("l"), io.read("a"), io.read(0))
io.input():close()
perr(function() return io.read() end)
perr(function() return io.lines() end)
io.input(old)
print(io.input() == io.stdin)

os.remove(path)
os.remove(base)
