-- package library and require: loaders, package.loaded, preload, searchers, searchpath,
-- error messages. Module files live in modules/ next to this script; paths in the output are
-- shown relative to that directory ("DIR").

local source = debug.getinfo(1, "S").source
local dir = source:match("^@(.*)/[^/]*$") or "."
local mdir = dir .. "/modules"

local function clean(s)
  s = tostring(s)
  local i, j = s:find(mdir, 1, true)
  while i do
    s = s:sub(1, i - 1) .. "DIR" .. s:sub(j + 1)
    i, j = s:find(mdir, 1, true)
  end
  return s
end

local function perr(f, ...)
  local ok, e = pcall(f, ...)
  print(ok, (clean(e):gsub("^[^\n]-:%d+: ", "")))
end

package.path = mdir .. "/?.lua;" .. mdir .. "/?/init.lua"
package.cpath = mdir .. "/?.so"

print("-- package table")
print(type(package.loaded), type(package.preload), type(package.searchers), #package.searchers)
print(package.loaded == debug.getregistry()._LOADED, package.preload == debug.getregistry()._PRELOAD)
print(string.format("%q", package.config))
print(type(package.searchpath), type(package.loadlib), type(package.cpath))
for _, name in ipairs({"_G", "package", "coroutine", "table", "io", "os", "string", "math", "utf8", "debug"}) do
  io.write(name, "=", tostring(package.loaded[name] == _G[name] and _G[name] ~= nil), " ")
end
print()
print(package.loaded._G == _G, require("string") == string, select("#", require("string")))

print("-- loading a module")
local m, file = require("pkg_simple")
print(m.name, clean(file), m.nargs, m.loads, m.hello())
print(package.loaded.pkg_simple == m)
local m2, extra = require("pkg_simple")
print(m2 == m, extra, select("#", require("pkg_simple")), pkg_simple_loads)
package.loaded.pkg_simple = nil
local m3 = require("pkg_simple")
print(m3 ~= m, m3.loads)

print("-- modules returning nothing, false, or setting package.loaded")
print(require("pkg_nil"), pkg_nil_ran)
print(package.loaded.pkg_nil, require("pkg_nil"), pkg_nil_ran)
local v, f2 = require("pkg_false")
print(v, clean(f2), package.loaded.pkg_false)
local v2 = require("pkg_false")
print(v2)
local s = require("pkg_setsloaded")
print(type(s), s.custom)
local a, b = require("pkg_multi")
print(a, clean(b))

print("-- dotted names and init.lua")
local sub, sf = require("pkg_sub")
print(sub.kind, sub.name, clean(sf), sub.inner.kind, sub.inner.name)
print(package.loaded["pkg_sub.inner"] == sub.inner)
print(require("pkg_shebang").line)

print("-- preload")
package.preload.virtual = function(...)
  print("preload loader called with", ...)
  return {virtual = true}
end
local pv, pd = require("virtual")
print(pv.virtual, pd)
package.preload.vnil = function() end
print(require("vnil"))

print("-- not found")
perr(function() return require("no_such_module") end)
perr(function() return require("no.such.module") end)
perr(function() return require("") end)

print("-- loader errors")
do
  local ok, e = pcall(function() return require("pkg_syntax") end)
  print(ok, clean(e):match("^[^\n]*"))
  print(e:match("\n\t.-pkg_syntax%.lua:2: (.*)$"))
end
perr(function() return require("pkg_runtime") end)
print(package.loaded.pkg_syntax, package.loaded.pkg_runtime)
perr(function() return require() end)
perr(function() return require({}) end)

print("-- searchpath")
print(clean(package.searchpath("pkg_simple", package.path)))
print(clean(package.searchpath("pkg_sub.inner", package.path)))
print(package.searchpath("x.y", "a?;;b?c"))
print(package.searchpath("x.y", "a?;;b?c", "", "Z"))
print(package.searchpath("x.y", "a/?.z;?.q", ".", "_"))
print(package.searchpath("a.b.c", "?", ".", "::"))
print(package.searchpath("a..b", "?", "..", "/"))
print(package.searchpath("", ""))
perr(function() return package.searchpath() end)
perr(function() return package.searchpath("x") end)
perr(function() return package.searchpath("x", "y", {}) end)
perr(function() return package.searchpath({}, "y") end)

print("-- custom searchers")
table.insert(package.searchers, 2, function(name)
  if name:match("^gen_") then
    return function(n, data) return {generated = n, data = data} end, "extra-" .. name
  end
  return "\n\tno generator for '" .. name .. "'"
end)
local g, gd = require("gen_thing")
print(g.generated, g.data, gd)
perr(function() return require("other_thing") end)
table.insert(package.searchers, 1, function() return nil end)
table.insert(package.searchers, 1, function() return 42 end)
perr(function() return require("still_missing") end)
table.remove(package.searchers, 1)
table.remove(package.searchers, 1)
table.remove(package.searchers, 2)

print("-- path must be a string")
local savedPath = package.path
package.path = 42
perr(function() return require("numeric_path") end)
package.path = {}
perr(function() return require("table_path") end)
package.path = savedPath
local savedSearchers = package.searchers
package.searchers = nil
perr(function() return require("no_searchers") end)
package.searchers = savedSearchers

print("-- loadlib")
local ll = table.pack(package.loadlib("nonexistent_lib.so", "luaopen_x"))
print(ll.n, ll[1], type(ll[2]), type(ll[3]))
perr(function() return package.loadlib() end)

print("-- require uses package.loaded from the registry")
debug.getregistry()._LOADED.fake = "registered"
print(require("fake"))
package.loaded.fake = nil
