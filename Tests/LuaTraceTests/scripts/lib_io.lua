-- io library: open modes, write/read formats, seek, close, results on failure.
-- Files live under a fresh os.tmpname() path and are removed at the end.

local base = os.tmpname()
local path = base .. ".txt"

local function clean(s)
  local i, j = s:find(base, 1, true)
  while i do
    s = s:sub(1, i - 1) .. "TMP" .. s:sub(j + 1)
    i, j = s:find(base, 1, true)
  end
  return s
end

local function show(...)
  local t = table.pack(...)
  for i = 1, t.n do
    local v = t[i]
    if io.type(v) then v = "<" .. io.type(v) .. ">" end
    t[i] = clean(tostring(v))
  end
  print(table.concat(t, " | ", 1, t.n))
end

local function perr(f, ...)
  local ok, e = pcall(f, ...)
  print(ok, clean((tostring(e):gsub("^[^:]*:%d+: ", ""))))
end

print("-- write and read back")
local f = assert(io.open(path, "w"))
show(f:write("line one\n", "line two\n", 42, " ", 3.5, " ", 1.0, " ", -0.0, "\n"))
show(f:write(2^63, " ", 1e100, " ", math.mininteger, "\n"))
show(f:write("no newline at end"))
show(f:close())
show(io.type(f))

f = assert(io.open(path, "r"))
show(f:read())
show(f:read("L"))
show(f:read("n", "n", "n", "n"))
show(f:read("l"))
show(f:read("a"))
show(f:read("a"))
show(f:read("l"))
show(f:read("L"))
show(f:read("n"))
show(f:read(0))
show(f:read(5))
f:close()

print("-- read counts")
f = assert(io.open(path))
show(f:read(0))
show(f:read(4, 1, 3))
show(f:read("*l"))          -- 5.3-style format with '*'
show(f:read("*n"))
f:close()

print("-- numbers")
f = assert(io.open(path, "w"))
f:write("  12  -7 0x1F 0X1p4 3.25e2 .5 5. -0x10 1e+ 0xZ 00012 +3 --4")
f:close()
f = assert(io.open(path))
for i = 1, 9 do show(i, f:read("n")) end
show(f:read("a"))
f:close()

f = assert(io.open(path, "w"))
f:write("1e", "\n", "abc", "\n", "12abc\n", string.rep("1", 250), "\n", "inf nan")
f:close()
f = assert(io.open(path))
show(f:read("n"))
show(f:read("l"))
show(f:read("n", "l"))
show(f:read("n", "l"))
show(f:read("n"))
show(f:read("l") == string.rep("1", 50))
show(f:read("n"))
show(f:read("a"))
f:close()

print("-- modes")
f = assert(io.open(path, "w")); f:write("abc"); f:close()
f = assert(io.open(path, "a")); f:write("def"); f:close()
f = assert(io.open(path, "rb")); show(f:read("a")); f:close()
f = assert(io.open(path, "r+")); f:write("X"); f:seek("set", 0); show(f:read("a")); f:close()
f = assert(io.open(path, "w+")); f:write("fresh"); f:seek("set"); show(f:read("a")); f:close()
f = assert(io.open(path, "a+")); f:write("!"); f:seek("set"); show(f:read("a")); f:close()
f = assert(io.open(path, "r+b")); show(f:read(2)); f:close()
for _, m in ipairs({"", "x", "rw", "r+r", "rb+", "+", "ww", "r+bx"}) do
  perr(function() return io.open(path, m) end)
end
perr(function() return io.open() end)
perr(function() return io.open(path, {}) end)

print("-- failures")
show(io.open(base .. "/nonexistent/file"))
show(io.open(base .. ".missing"))
show(io.open(base .. ".missing", "r+"))
local d = io.open("/", "w")
show(d)

print("-- seek")
f = assert(io.open(path, "w+"))
f:write("0123456789")
show(f:seek())
show(f:seek("set"))
show(f:seek("set", 3), f:read(2))
show(f:seek("cur"), f:seek("cur", -1), f:read(1))
show(f:seek("end"), f:seek("end", -2), f:read("a"))
show(f:seek("set", -5))
perr(function() return f:seek("middle") end)
perr(function() return f:seek("set", 1.5) end)
perr(function() return f:seek("set", "x") end)
f:close()

print("-- setvbuf and flush")
f = assert(io.open(path, "w"))
show(f:setvbuf("no"))
show(f:setvbuf("full", 1024))
show(f:setvbuf("line"))
perr(function() return f:setvbuf("sometimes") end)
perr(function() return f:setvbuf() end)
show(f:flush())
show(f:write("a"):write("b"):write("c"))
f:close()
f = assert(io.open(path)); show(f:read("a")); f:close()

print("-- closed files")
f = assert(io.open(path))
show(f:close())
show(tostring(f), io.type(f))
perr(function() return f:read() end)
perr(function() return f:write("x") end)
perr(function() return f:lines() end)
perr(function() return f:seek() end)
perr(function() return f:flush() end)
perr(function() return f:setvbuf("no") end)
perr(function() return f:close() end)
perr(function() return io.close(f) end)
print(tostring(io.stdout):match("^file %(0x%x+%)$") ~= nil)

print("-- bad arguments")
f = assert(io.open(path))
perr(function() return f:read("x") end)
perr(function() return f:read({}) end)
perr(function() return f:read(1.5) end)
perr(function() return io.read("*x") end)
perr(function() return f.read(42) end)
perr(function() return f.write({}) end)
perr(function() return io.stdout:write({}) end)
perr(function() return io.write("ok ", {}) end)
perr(function() return io.type() end)
f:close()

print("-- io.write returns the output file")
show(io.write("written", " ", 1, " ", 2.0, "\n") == io.stdout)
show(io.stdout:write("via handle\n") == io.stdout)

print("-- read stops at the first failure")
f = assert(io.open(path, "w")); f:write("10 x 20"); f:close()
f = assert(io.open(path))
show(f:read("n", "n", "n"))
show(f:read("a"))
f:close()

print("-- empty file")
f = assert(io.open(path, "w")); f:close()
f = assert(io.open(path))
show(f:read("a"), f:read("l"), f:read("n"), f:read(0), f:read(1), f:read("L"))
f:close()

os.remove(path)
os.remove(base)
print(io.open(path) == nil)
