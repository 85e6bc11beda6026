-- Garbage collection: collectgarbage options, cyclic garbage stays bounded, weak tables,
-- ephemerons, finalizers. Memory figures vary between implementations, so only types and
-- booleans are printed.

print("-- collectgarbage options")
print(type(collectgarbage("count")), math.type(collectgarbage("count")))
print(collectgarbage(), collectgarbage("collect"))
print(type(collectgarbage("step")), type(collectgarbage("step", 100)))
print(collectgarbage("isrunning"))
collectgarbage("stop")
print(collectgarbage("isrunning"))
collectgarbage("restart")
print(collectgarbage("isrunning"))
-- lua.c starts in generational mode and an embedded state may not: fix the mode first
collectgarbage("incremental")
print(collectgarbage("generational"), collectgarbage("generational"), collectgarbage("incremental"), collectgarbage("incremental"))
print(collectgarbage("incremental", 0, 0, 0))   -- zeros keep the current parameters
print(pcall(collectgarbage, "bogus"))
print(collectgarbage("count") > 0)

print("-- cyclic garbage in a loop stays bounded")
collectgarbage()
collectgarbage()
local before = collectgarbage("count")
local peak = before
for i = 1, 100000 do
  local a, b = {}, {}
  a.other, b.other = b, a              -- two tables referencing each other
  a.payload = {i, i + 1, i + 2, i + 3, tostring(i)}
  local f
  f = function() return f, a end      -- a closure capturing itself and the cycle
  b.fn = f
  local self_ref = {}
  self_ref.self = self_ref
  self_ref[1] = self_ref
  if i % 5000 == 0 then
    local c = collectgarbage("count")
    if c > peak then peak = c end
  end
end
collectgarbage()
collectgarbage()
local after = collectgarbage("count")
-- without collection this loop allocates well over 40 MB
print("peak bounded", peak - before < 20 * 1024)
print("garbage reclaimed", after - before < 1024)

print("-- coroutine cycles are collected too")
collectgarbage()
local base2 = collectgarbage("count")
for i = 1, 2000 do
  local co
  co = coroutine.create(function() local me = co; coroutine.yield(me) end)
  coroutine.resume(co)
end
collectgarbage()
collectgarbage()
print("coroutines reclaimed", collectgarbage("count") - base2 < 1024)

print("-- weak keys")
local strong = {}
local wk = setmetatable({}, {__mode = "k"})
local function fillkeys()
  for i = 1, 10 do
    local key = {id = i}
    wk[key] = i
    if i % 2 == 0 then strong[#strong + 1] = key end
  end
  wk["string key"] = "kept"     -- strings are not collected from weak tables
  wk[42] = "number key"
end
fillkeys()
collectgarbage()
collectgarbage()
local n, sum = 0, 0
for k, v in pairs(wk) do
  n = n + 1
  if type(v) == "number" then sum = sum + v end
end
print(n, sum, wk["string key"], wk[42])

print("-- weak values")
local wv = setmetatable({}, {__mode = "v"})
local keepv = {}
local function fillvalues()
  for i = 1, 10 do
    local v = {i}
    wv[i] = v
    if i > 7 then keepv[i] = v end
  end
  wv.s = "string value"
  wv.b = true
  wv.f = print
  wv.g = function() end    -- a fresh closure with no other reference
end
fillvalues()
collectgarbage()
collectgarbage()
local present = {}
for i = 1, 10 do present[#present + 1] = wv[i] and i or "-" end
print(table.concat(present, " "), wv.s, wv.b, wv.f == print, wv.g)

print("-- weak keys and values")
local wkv = setmetatable({}, {__mode = "kv"})
local k1, v1 = {}, {}
local function fillkv()
  wkv[k1] = {}      -- value dies
  wkv[{}] = v1      -- key dies
  wkv[k1 ~= nil and "s" or "t"] = v1  -- both alive
end
fillkv()
collectgarbage()
local cntkv = 0
for _ in pairs(wkv) do cntkv = cntkv + 1 end
print(cntkv, wkv.s == v1)

print("-- ephemerons: a value referring to its own key does not keep the key alive")
local eph = setmetatable({}, {__mode = "k"})
local function filleph()
  for i = 1, 5 do
    local key = {}
    eph[key] = {ref = key, i = i}
  end
end
filleph()
collectgarbage()
collectgarbage()
print(next(eph) == nil)

print("-- finalizers")
local finalized = 0
local function makefin(n)
  for i = 1, n do
    setmetatable({}, {__gc = function(o) finalized = finalized + 1 end})
  end
end
makefin(100)
collectgarbage()
collectgarbage()
print(finalized)
-- resurrection: the finalizer stores the object; it is not finalized twice
local resurrected
do
  local obj = setmetatable({name = "phoenix"}, {__gc = function(o) resurrected = o end})
  obj = nil
end
collectgarbage()
collectgarbage()
print(resurrected and resurrected.name)
-- a __gc field added after setmetatable does not mark the object for finalization
local late = 0
do
  local mt = {}
  local obj = setmetatable({}, mt)
  mt.__gc = function() late = late + 1 end
end
collectgarbage()
collectgarbage()
print(late)
