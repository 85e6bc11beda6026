-- debug library: traceback, getinfo, getlocal/setlocal, upvalues, metatables of any type,
-- hooks (stored), registry, uservalues. The script's own name is shown as "SCRIPT".

local src = debug.getinfo(1, "S").short_src
local fullsrc = debug.getinfo(1, "S").source:sub(2)

local function replace(s, what)
  local i, j = s:find(what, 1, true)
  while i do
    s = s:sub(1, i - 1) .. "SCRIPT" .. s:sub(j + 1)
    i, j = s:find(what, 1, true)
  end
  return s
end

local function clean(s)
  return replace(replace(tostring(s), fullsrc), src)
end

local function perr(f, ...)
  local ok, e = pcall(f, ...)
  print(ok, (clean(e):gsub("^SCRIPT:%d+: ", "")))
end

print("-- traceback")
local function lf() return debug.traceback("in lf") end
function gf() return lf() .. "" end
local t = {}
function t.field() return gf() end
function t:meth() return t.field() end
print(clean(t:meth()))
print(clean(debug.traceback()))
print(clean(debug.traceback(nil)))
print(clean(debug.traceback("msg", 1)))
print(clean(debug.traceback("level two", 2)))
print(clean(debug.traceback("level zero", 0)))
print(clean(debug.traceback("too deep", 50)))
print(clean(debug.traceback("negative", -1)))
print(clean(debug.traceback(42)))
print(clean(debug.traceback(4.5, 1)))
local tab = {}
print(debug.traceback(tab) == tab, debug.traceback(true), debug.traceback(print) == print)
local function deep(n) if n == 0 then return debug.traceback("deep") end return (deep(n - 1)) end
print(clean(deep(30)))
local ok, e = xpcall(function() local x = nil; return x.y end, debug.traceback)
print(clean(e))
print(clean(select(2, xpcall(error, debug.traceback, "raised"))))

print("-- traceback of coroutines")
local co = coroutine.create(function(a)
  local x = coroutine.yield(a)
  error("oops")
end)
print(clean(debug.traceback(co)))
coroutine.resume(co, 1)
print(clean(debug.traceback(co)))
print(clean(debug.traceback(co, "with message")))
print(clean(debug.traceback(co, "level 1", 1)))
print(clean(debug.traceback(co, "level 5", 5)))
print(clean(debug.traceback(co, nil, 0)))
print(clean(select(2, coroutine.resume(co))))
print(clean(debug.traceback(co, "after error")))
coroutine.wrap(function() print(clean(debug.traceback("inside a coroutine"))) end)()

print("-- getinfo on functions")
local function sample(a, b, ...)
  local c = a
  return c
end
local function show(i)
  local keys = {}
  for k in pairs(i) do keys[#keys + 1] = k end
  table.sort(keys)
  local out = {}
  for _, k in ipairs(keys) do
    local v = i[k]
    if type(v) == "function" or type(v) == "table" then v = type(v) end
    out[#out + 1] = k .. "=" .. clean(v)
  end
  print(table.concat(out, " "))
end
show(debug.getinfo(sample))
show(debug.getinfo(print))
show(debug.getinfo(sample, "S"))
show(debug.getinfo(sample, "u"))
show(debug.getinfo(sample, "l"))
show(debug.getinfo(sample, "n"))
show(debug.getinfo(sample, "t"))
show(debug.getinfo(sample, "r"))
show(debug.getinfo(sample, ""))
print(debug.getinfo(sample, "f").func == sample)
local lines = {}
for l in pairs(debug.getinfo(sample, "L").activelines) do lines[#lines + 1] = l end
table.sort(lines)
print(table.concat(lines, " "))
print(debug.getinfo(print, "L").activelines)
local function va(...) return ... end
lines = {}
for l in pairs(debug.getinfo(va, "L").activelines) do lines[#lines + 1] = l end
print(table.concat(lines, " "))
show(debug.getinfo(function() end, "Su"))
local closure = (function() local u1, u2 = 1, 2; return function() return u1 + u2 end end)()
print(debug.getinfo(closure, "u").nups, debug.getinfo(string.format, "u").nups)

print("-- getinfo on levels")
local function where() return debug.getinfo(2, "nSl") end
local function caller()
  local i = where()
  return i
end
show(caller())
show(debug.getinfo(1, "Sln"))
show(debug.getinfo(0, "Sn"))
local main = debug.getinfo(1, "S")
print(main.what, main.linedefined, main.source:sub(1, 1))
local depth = 0
while debug.getinfo(depth + 1) do depth = depth + 1 end
print("levels", depth, debug.getinfo(depth, "S").what)
print(debug.getinfo(100), debug.getinfo(-1))
local function named() return debug.getinfo(1, "n") end
local i1 = named()
print(i1.name, i1.namewhat)
local tt = {m = function(self) return debug.getinfo(1, "n") end}
local i2 = tt:m()
print(i2.name, i2.namewhat)
local i3 = tt.m(tt)
print(i3.name, i3.namewhat)
function global_info() return debug.getinfo(1, "n") end
local i4 = global_info()
print(i4.name, i4.namewhat)
local function tail() return debug.getinfo(1, "nt") end
local function calls_tail() return tail() end
local i5 = calls_tail()
print(i5.name, i5.namewhat, i5.istailcall)
local function notail() local r = debug.getinfo(1, "t"); return r end
print(notail().istailcall)
for k in (function() return function() local i = debug.getinfo(1, "n"); print(i.name, i.namewhat); return nil end end)() do end
local mt = setmetatable({}, {__index = function(t, k) local i = debug.getinfo(1, "n"); return i.namewhat .. ":" .. tostring(i.name) end})
print(mt.anything)
perr(function() return debug.getinfo(1, ">S") end)
perr(function() return debug.getinfo(1, "X") end)
perr(function() return debug.getinfo("x") end)
perr(function() return debug.getinfo({}) end)
perr(function() return debug.getinfo() end)
local cot = coroutine.create(function(x) coroutine.yield(x) end)
coroutine.resume(cot, 1)
show(debug.getinfo(cot, 0, "Sln"))
show(debug.getinfo(cot, 1, "Sln"))
print(debug.getinfo(cot, 2))

print("-- getlocal / setlocal")
local function locals(a, b, ...)
  local x = "ex"
  do local hidden = 1 end
  local y = {}
  local names = {}
  local n = 1
  while true do
    local name, value = debug.getlocal(1, n)
    if not name then break end
    names[#names + 1] = name .. "=" .. (type(value) == "table" and "table" or tostring(value))
    n = n + 1
  end
  print(table.concat(names, " "))
  print(debug.getlocal(1, -1), debug.getlocal(1, -2), debug.getlocal(1, -3))
  print(debug.setlocal(1, 1, "changed"), a)
  print(debug.setlocal(1, -1, "vchanged"), ...)
  print(debug.setlocal(1, 100, 0))
  return x, y
end
locals(1, 2, "v1", "v2")
print(debug.getlocal(locals, 1), debug.getlocal(locals, 2), debug.getlocal(locals, 3))
print(debug.getlocal(print, 1))
local function outer()
  local secret = "s3"
  local function inner() return debug.getlocal(2, 1) end
  local name, value = inner()
  return name, value
end
print(outer())
perr(function() return debug.getlocal(50, 1) end)
perr(function() return debug.setlocal(50, 1, 0) end)
perr(function() return debug.getlocal(1) end)
perr(function() return debug.setlocal(1, 1) end)
local coloc = coroutine.create(function(p) local q = p * 2; coroutine.yield() end)
coroutine.resume(coloc, 21)
print(debug.getlocal(coloc, 1, 1), debug.getlocal(coloc, 1, 2))

print("-- upvalues")
local up1, up2 = 10, 20
local function uses() return up1 + up2 end
print(debug.getupvalue(uses, 1), debug.getupvalue(uses, 2))
print(debug.getupvalue(uses, 3), debug.getupvalue(uses, 0))
print(debug.setupvalue(uses, 1, 100), uses(), up1)
print(debug.setupvalue(uses, 5, 1))
local f1 = function() return up1 end
local f2 = function() return up2 end
print(debug.upvalueid(uses, 1) == debug.upvalueid(f1, 1), debug.upvalueid(uses, 1) == debug.upvalueid(f2, 1))
print(type(debug.upvalueid(uses, 1)), debug.upvalueid(uses, 9))
debug.upvaluejoin(f1, 1, f2, 1)
print(f1(), debug.upvalueid(f1, 1) == debug.upvalueid(f2, 1))
print(debug.getupvalue(print, 1))
local wrapped = coroutine.wrap(function() end)
print(select("#", debug.getupvalue(wrapped, 1)), (debug.getupvalue(wrapped, 1)), type(select(2, debug.getupvalue(wrapped, 1))))
print(select("#", debug.getupvalue(wrapped, 2)))
local envf = load("return x")
print(debug.getupvalue(envf, 1) , select(2, debug.getupvalue(envf, 1)) == _G)
debug.setupvalue(envf, 1, {x = "from custom env"})
print(envf())
perr(function() return debug.getupvalue(1, 1) end)
perr(function() return debug.getupvalue(uses) end)
perr(function() return debug.setupvalue(uses, 1) end)
perr(function() return debug.upvaluejoin(f1, 9, f2, 1) end)
perr(function() return debug.upvaluejoin(f1, 1, f2, 9) end)
perr(function() return debug.upvaluejoin(wrapped, 1, f2, 1) end)
perr(function() return debug.upvalueid(uses) end)

print("-- metatables of any type")
local smt = debug.getmetatable("")
print(type(smt), smt == getmetatable("abc"), smt.__index == string)
print(debug.getmetatable(1), debug.getmetatable(nil), debug.getmetatable(print))
local protected = setmetatable({}, {__metatable = "locked"})
print(getmetatable(protected), type(debug.getmetatable(protected)))
print(debug.setmetatable(5, {__index = function(n, k) return k .. n end}) == 5)
print((5).x, (2.5).y, math.pi.z ~= nil)
debug.setmetatable(1, nil)
print(debug.getmetatable(1), debug.getmetatable(1.5))
debug.setmetatable(true, {__len = function(b) return b and 1 or 0 end, __index = {kind = "bool"}})
print(#true, #false, (true).kind, (false).kind)
debug.setmetatable(false, nil)
print(debug.getmetatable(true))
debug.setmetatable(print, {__index = {isfunction = true}})
print(print.isfunction, (function() end).isfunction)
debug.setmetatable(print, nil)
debug.setmetatable(nil, {__call = function() return "called nil" end})
print((nil)())
debug.setmetatable(nil, nil)
local pt = {}
print(debug.setmetatable(protected, nil) == protected, getmetatable(protected))
perr(function() return debug.setmetatable({}, 1) end)
perr(function() return debug.setmetatable({}) end)
perr(function() return debug.getmetatable() end)

print("-- hooks")
print(debug.gethook())
local function hook() end
debug.sethook(hook, "crl", 10)
local h, m, c = debug.gethook()
print(h == hook, m, c)
debug.sethook(hook, "lrc")
print(select(2, debug.gethook()), select(3, debug.gethook()))
debug.sethook(hook, "", 5)
print(select(2, debug.gethook()), select(3, debug.gethook()))
debug.sethook(hook, "")
print(debug.gethook())
debug.sethook(hook, "l")
debug.sethook()
print(debug.gethook())
local hco = coroutine.create(function() end)
debug.sethook(hco, hook, "c")
print(debug.gethook(hco) == hook, debug.gethook())
perr(function() return debug.sethook(hook) end)
perr(function() return debug.sethook(1, "l") end)

print("-- registry and uservalues")
local reg = debug.getregistry()
print(type(reg), reg[2] == _G, type(reg[1]), reg._LOADED == package.loaded)
print(debug.getuservalue(1), debug.getuservalue(io.stdout))
print(debug.getuservalue(io.stdout, 2))
print(debug.setuservalue(io.stdout, "uv") == io.stdout, debug.getuservalue(io.stdout))
print(debug.setuservalue(io.stdout, "x", 2))
debug.setuservalue(io.stdout, nil)
perr(function() return debug.setuservalue({}, 1) end)
perr(function() return debug.setuservalue(io.stdout) end)
