-- __gc finalizers: marking at setmetatable time, calls after collection (newest first),
-- resurrection, finalized once, re-marking, errors (warnings, never propagated), no yields,
-- weak tables and objects being finalized, automatic collection, and the finalizers that run
-- when the state is closed at exit.

print("-- basic")
local log = {}
local function mark(name) return setmetatable({name = name}, {__gc = function(o) log[#log + 1] = o.name end}) end
do
  local keep = {}
  for i = 1, 5 do keep[i] = mark("o" .. i) end
end
collectgarbage()
print(table.concat(log, " "))          -- reverse order of marking
log = {}
collectgarbage()
print(#log)                            -- finalized only once

print("-- the metatable's __gc at collection time is called")
do
  local mt = {__gc = function() log[#log + 1] = "first" end}
  local o = setmetatable({}, mt)
  mt.__gc = function() log[#log + 1] = "replaced" end
end
collectgarbage()
print(table.concat(log, " "))
log = {}

print("-- __gc added later does not mark; setting the metatable again does")
do
  local mt = {}
  local a = setmetatable({}, mt)
  local b = setmetatable({}, mt)
  mt.__gc = function(o) log[#log + 1] = o == b and "b" or "a" end
  setmetatable(b, mt)
end
collectgarbage()
print(table.concat(log, " "))
log = {}

print("-- resurrection")
local saved
do
  local obj = setmetatable({name = "phoenix", child = {v = 42}},
                           {__gc = function(o) saved = o end})
end
collectgarbage()
print(saved and saved.name, saved and saved.child.v)
local again = 0
setmetatable(saved, {__gc = function() again = again + 1 end})   -- marked again
saved = nil
collectgarbage()
collectgarbage()
print(again)

print("-- errors in __gc do not propagate")
do
  setmetatable({}, {__gc = function() error("in gc") end})
  setmetatable({}, {__gc = 42})
  setmetatable({}, {__gc = function() log[#log + 1] = "ok" end})
end
print(pcall(collectgarbage))
print(table.concat(log, " "))
log = {}

print("-- finalizers cannot yield")
local co = coroutine.create(function()
  do setmetatable({}, {__gc = function() log[#log + 1] = tostring(coroutine.isyieldable()); coroutine.yield() end}) end
  collectgarbage()
  return "body done"
end)
print(coroutine.resume(co))
print(table.concat(log, " "))
log = {}

print("-- a finalizer may allocate, collect and mark new objects")
do
  setmetatable({}, {__gc = function()
    log[#log + 1] = "outer"
    local t = {}
    for i = 1, 1000 do t[i] = {i} end
    setmetatable({}, {__gc = function() log[#log + 1] = "inner" end})
    collectgarbage()
  end})
end
collectgarbage()
collectgarbage()
print(table.concat(log, " "))
log = {}

print("-- weak tables and objects being finalized")
local wv = setmetatable({}, {__mode = "v"})
local wk = setmetatable({}, {__mode = "k"})
do
  local x = setmetatable({}, {__gc = function(o) log[#log + 1] = tostring(wv[1] == o) .. " " .. tostring(wk[o]) end})
  wv[1] = x
  wk[x] = "val"
end
collectgarbage("stop")                  -- only explicit collections from here
collectgarbage()
print(log[1], wv[1], next(wk) ~= nil)   -- value cleared before the finalizer, key kept
collectgarbage()
print(next(wk) ~= nil)                  -- collected for real now
collectgarbage("restart")
log = {}

print("-- collection without explicit calls")
local count = 0
for i = 1, 200000 do
  setmetatable({i}, {__gc = function() count = count + 1 end})
end
print(count > 0)

print("-- finalizers at exit, newest first, reachable or not")
A = setmetatable({}, {__gc = function() print("closing A") end})
B = setmetatable({}, {__gc = function() print("closing B") end})
local C = setmetatable({}, {__gc = function()
  print("closing C")
  setmetatable({}, {__gc = function() print("never: marked while closing") end})
end})
print("end of script")
