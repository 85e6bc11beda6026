-- io.output/io.input switching, output ordering with print, tmpfile, popen, io.type,
-- standard handles, __close/__gc/__tostring/__name of file handles.

local base = os.tmpname()
local path = base .. ".out"

local perr = require("modules.check").perrFor(base)

print("-- print and io.write share one buffer")
io.write("a")
print("b")
io.stdout:write("c")
io.write("d\n")
print(io.stdout:flush(), io.flush())
print(io.stdout:setvbuf("no"))
io.write("unbuffered ")
print("print")
print(io.stdout:setvbuf("full"))

print("-- io.output to a file")
local old = io.output()
print(old == io.stdout, io.type(old))
local f = io.output(path)
print(io.type(f), f ~= io.stdout, io.output() == f)
io.write("to the file ", 1, " ", 2.5, "\n")
print("print still goes to stdout")
print(io.write("more\n") == f)
io.close()
print(io.type(f))
perr(function() return io.write("x") end)
perr(function() return io.flush() end)
perr(function() return io.close() end)
io.output(io.stdout)
io.write("back on stdout\n")
for l in io.lines(path) do print("file:", l) end
perr(function() return io.output({}) end)
perr(function() return io.output(base .. "/no/such/dir") end)
perr(function() return io.input(base .. ".missing") end)
print(io.output(io.output()) == io.stdout)

print("-- io.close(file) and closing standard files")
f = assert(io.open(path))
print(io.close(f))
print(io.type(f))
print(io.stdout:close())
print(io.stderr:close())
print(io.stdin:close())
print(io.type(io.stdout), io.type(io.stderr), io.type(io.stdin))
perr(function() return io.close(nil) end)
perr(function() return io.close({}) end)
io.write("stdout still works\n")

print("-- tmpfile")
local t = io.tmpfile()
print(io.type(t))
t:write("temporary", "\n", 123)
print(t:seek("set"))
print(t:read("l", "n"))
print(t:close())

print("-- popen")
local p = io.popen("echo hello; echo world")
print(io.type(p))
print(p:read("l"))
print(p:read("a"))
print(p:close())
p = io.popen("exit 7")
print(p:read("a"))
print(p:close())
p = io.popen("cat > " .. path, "w")
p:write("written through a pipe\n")
print(p:close())
for l in io.lines(path) do print(l) end
perr(function() return io.popen("true", "rw") end)
perr(function() return io.popen("true", "r+") end)
for l in io.popen("printf 'x\\ny\\n'"):lines() do print("line", l) end

print("-- handles")
local mt = getmetatable(io.stdout)
print(type(mt), mt.__name, type(mt.__index), type(mt.__gc), type(mt.__close), type(mt.__tostring))
print(mt == getmetatable(io.stdin), mt == debug.getregistry()["FILE*"])
local names = {}
for k in pairs(mt.__index) do names[#names + 1] = k end
table.sort(names)
print(table.concat(names, " "))
print(io.type(nil), io.type({}), io.type("file"), io.type(mt))
print(tostring(io.stdin):find("^file %(0x") ~= nil)

print("-- to-be-closed file")
do
  local h <close> = assert(io.open(path))
  f = h
  print(io.type(h), h:read("l"))
end
print(io.type(f))

print("-- __gc/__close called directly")
f = assert(io.open(path))
mt.__gc(f)
print(io.type(f))
mt.__close(f)
print(io.type(f))
perr(function() return mt.__tostring({}) end)
perr(function() return mt.__index.close(io.stdout, 1) end)

os.remove(path)
os.remove(base)
print("done")
