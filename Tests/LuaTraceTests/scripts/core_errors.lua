-- error() with levels and non-string values; pcall/xpcall with handlers; tracebacks;
-- error objects passing through coroutines and metamethods.

print("-- levels")
local function lvl0() error("zero", 0) end
local function lvl1() error("one") end
local function lvl2() error("two", 2) end
local function caller() lvl2() end      -- level 2 points here
print(pcall(lvl0))
print(pcall(lvl1))
print(pcall(caller))
print(pcall(error))
print(pcall(error, nil))
print(pcall(error, "msg", 3))
print(select('#', pcall(error)))

print("-- non-string error values")
local etab = {code = 42}
local ok, e = pcall(error, etab)
print(ok, e == etab, e.code)
print(pcall(error, 42))
print(pcall(error, 4.5, 1))       -- numbers get no position
print(pcall(error, true))
print(pcall(error, setmetatable({}, {__tostring = function() return "custom" end})))
local ok2, e2 = pcall(function() error(setmetatable({}, {__tostring = function() return "obj" end})) end)
print(ok2, tostring(e2), type(e2))

print("-- pcall results")
print(pcall(function(...) return ... end, 1, 2, 3))
print(pcall(function() end))
print(pcall(pcall, error, "x"))
print(pcall(nil))
print(pcall(42))
print(pcall({}))
print(pcall(setmetatable({}, {__call = function(_, x) return x * 2 end}), 21))

print("-- xpcall")
print(xpcall(function() return "fine", 2 end, print))
print(xpcall(function() error("bad") end, function(m) return "handled: " .. m end))
print(xpcall(function() error({1, 2}) end, function(m) return type(m), #m end))
print(xpcall(function(a, b) return a + b end, print, 3, 4))
print(xpcall(function() local x = nil; return x.y end, function(m) return (m:gsub("^.-:%d+: ", "")) end))
-- only the handler's first result is kept
print(xpcall(function() error("deep") end, function(m) return m:upper(), "dropped" end))
-- errors inside the handler
print(xpcall(function() error("first") end, function() error("second") end))
-- traceback through xpcall: check the shape, not the full text
local okt, tb = xpcall(function() local function inner() error("tb test") end inner() end, debug.traceback)
print(okt, tb:match("^[^\n]*"), tb:find("\nstack traceback:\n", 1, true) ~= nil, tb:find("inner", 1, true) ~= nil)
print(type(debug.traceback()), debug.traceback("msg", 1):match("^msg\nstack traceback:") ~= nil)
local tbt = {}
print(debug.traceback(42):match("^42\nstack traceback:") ~= nil, type(debug.traceback(nil)), debug.traceback(tbt) == tbt)

print("-- error rethrow and nesting")
local function rethrow()
  local ok, err = pcall(error, "inner", 0)
  error("outer(" .. err .. ")", 0)
end
print(pcall(rethrow))
local depth = 0
local function nest(n)
  if n == 0 then error("bottom", 0) end
  local ok, err = pcall(nest, n - 1)
  depth = depth + 1
  error(err .. "<" .. n, 0)
end
local okn, en = pcall(nest, 5)
print(okn, en, depth)

print("-- errors from metamethods and native functions keep positions")
local mt = {__index = function(t, k) error("no field " .. k) end}
print(pcall(function() return setmetatable({}, mt).foo end))
print(pcall(function() return setmetatable({}, {__add = function() error("add failed", 2) end}) + 1 end))
print(pcall(string.rep))
print(pcall(string.rep, "x", -1))
print(pcall(("x").rep, {}, 1))
print(pcall(string.sub))
print(pcall(setmetatable))
print(pcall(ipairs))
print(pcall(math.floor, "a"))
print(pcall(tonumber, 10, 99))
print(pcall(function() ("x"):bad() end))
print(pcall(function() local s = "x"; return s:upper():nope() end))

print("-- error in coroutine")
local co = coroutine.create(function() error({msg = "co error"}) end)
local okc, ec = coroutine.resume(co)
print(okc, type(ec), ec.msg, coroutine.status(co))
co = coroutine.create(function() local x = nil; return x + 1 end)
print(coroutine.resume(co))
print(pcall(coroutine.wrap(function() error("wrapped", 0) end)))
print(pcall(coroutine.wrap(function() error("wrapped with pos") end)))

print("-- tostring of errors inside string operations")
print(pcall(string.format, "%d", "x"))
print(pcall(string.format, "%d", 1.5))
print(select(2, pcall(error)) == nil)
