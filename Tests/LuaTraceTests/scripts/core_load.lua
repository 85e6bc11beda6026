-- load(): string and reader-function chunks, chunk names, modes, custom environments,
-- upvalues of loaded chunks, and dofile/loadstring-like patterns.

print("-- strings")
local f = load("return 1 + 1")
print(f())
print(load("return ...")(1, 2, 3))
print(load("local a, b = ...; return b, a")("x", "y"))
print(select('#', load("return")()))
print(load("syntax error here"))
print(pcall(load("error('runtime', 1)", "=chunk")))
print(pcall(load("error('runtime')", "@mychunk.lua")))
print(pcall(load("local x = nil; return x.y", "=(named)")))
print(pcall(load("\n\nerror('line three')")))

print("-- chunk names")
local function where(name)
  local _, msg = pcall(load("error('here')", name))
  return msg
end
print(where("=stdin"), where("@some/file.lua"), where("plain"))
print(where(nil), where("=" .. string.rep("x", 100)))
print(where("@" .. string.rep("d/", 50) .. "file.lua"))

print("-- reader functions")
local pieces = {"return ", "'assembled'", " .. ", "'!'"}
local i = 0
local reader = function() i = i + 1; return pieces[i] end
print(load(reader)())
-- a reader returning empty string or nil ends the chunk
local parts = {"local x = 4 ", "return x * ", "10", ""}
local j = 0
print(load(function() j = j + 1; return parts[j] end)())
-- one character at a time
local src = "local t = {} for i = 1, 3 do t[i] = i * i end return table.concat(t, ',')"
local k = 0
print(load(function() k = k + 1; return src:sub(k, k) end)())
-- reader returning a non-string
local function firstline(a, b) return a, (b and b:match("^[^\n]*")) end
print(firstline(load(function() return true end)))
print(firstline(load(function() return {} end)))
-- reader raising an error
print(pcall(load, function() error("reader failed") end))
-- reader chunk names default to "=(load)"
local n = 0
print(pcall(load(function() n = n + 1; if n == 1 then return "error('from reader')" end end)))
print(load(function() return nil end) ~= nil)   -- empty chunk is valid

print("-- environments")
local env = {print = print, x = "env x"}
local fe = load("x = (x or '') .. '!'; return x", "envchunk", "t", env)
print(fe(), fe(), env.x, x)
local sandbox = load("return tostring", "=sb", "t", {})
print(sandbox())
print(pcall(load("return print('unreachable')", "=sb2", "t", {})))
-- env can be nil explicitly (5.4: the upvalue becomes nil)
print(pcall(load("return y", "=nilenv", "t", nil)))
-- chunk's _ENV is its first upvalue: changing global table via _ENV
local custom = setmetatable({}, {__index = _G})
local chunk = load("newglobal = 'set in custom'; return newglobal, _G.newglobal", "=c", "t", custom)
print(chunk())
print(rawget(custom, "newglobal"), newglobal)
-- _ENV as a local inside loaded code
print(load("local _ENV = {v = 'local env'}; return v")())
print(load("local function f() local _ENV <const> = {w = 5}; return w end return f()")())

print("-- modes")
print(load("return 1", "m", "t") ~= nil)
print(load("return 1", "m", "b"))
print(load("return 1", "=m", "bt") ~= nil)
print(pcall(load, "return 1", "m", "x"))
print(pcall(function() return load(string.dump(function() return "dumped" end), "d", "t") end))

print("-- loaded functions are closures over fresh upvalues")
local counter = load("local c = 0; return function() c = c + 1; return c end")
local c1, c2 = counter(), counter()
print(c1(), c1(), c2())

print("-- load compiles but does not run")
local ran = false
_G.mark = function() ran = true end
local lf = load("mark()")
print(ran)
lf()
print(ran)

print("-- nested load and recursion")
local nested = load("return load('return load(\"return 42\")')")
print(nested()()())

print("-- long chunks")
local buf = {"local s = 0"}
for idx = 1, 500 do buf[#buf + 1] = "s = s + " .. idx end
buf[#buf + 1] = "return s"
print(load(table.concat(buf, "\n"))())
local many = {}
for idx = 1, 200 do many[#many + 1] = "local v" .. idx .. " = " .. idx end
print(load(table.concat(many, "\n")) ~= nil)
-- a number chunk is loaded as its text
print(load(42))
print(load(12.5, "=num"))
