-- Things a trace assumed constant changing while the loop runs: callees, globals,
-- metatables, upvalues, table shapes.

print("-- a callee redefined mid-loop")
local function f(x) return x + 1 end
local s = 0
for i = 1, 2000 do
  s = s + f(i)
  if i == 1000 then f = function(x) return x * 2 end end
end
print(s)
function gfun(x) return x end
local gs = 0
for i = 1, 2000 do
  gs = gs + gfun(i)
  if i == 700 then gfun = function(x) return -x end end
  if i == 1400 then gfun = math.abs end
end
print(gs)
-- the callee becomes a callable table, then a non-callable value
local calls = {}
local callee = function(i) return i end
local total = 0
local ok, err = pcall(function()
  for i = 1, 3000 do
    total = total + callee(i)
    if i == 1000 then callee = setmetatable({}, {__call = function(_, v) return 2 * v end}) end
    if i == 2000 then callee = "not callable" end
  end
end)
print(total, ok, err)

print("-- a global reassigned mid-loop")
COUNTER_STEP = 1
local c = 0
for i = 1, 2000 do
  c = c + COUNTER_STEP
  if i == 500 then COUNTER_STEP = 10 end
  if i == 1500 then COUNTER_STEP = 0.5 end
end
print(c)
LIMIT = 100
local n = 0
for i = 1, 1000 do
  if i > LIMIT then n = n + 1 end
  if i == 300 then LIMIT = 900 end
end
print(n)
-- the global table itself gets a metatable mid-loop
local seen = 0
for i = 1, 1000 do
  if UNDEFINED_GLOBAL then seen = seen + UNDEFINED_GLOBAL end
  if i == 600 then setmetatable(_G, {__index = function(_, k) if k == "UNDEFINED_GLOBAL" then return 2 end end}) end
end
setmetatable(_G, nil)
print(seen, UNDEFINED_GLOBAL)

print("-- a metatable set mid-loop on a table used in the loop")
local obj = {}
local hits = 0
for i = 1, 2000 do
  local v = obj.field
  if v then hits = hits + v end
  if i == 1000 then setmetatable(obj, {__index = function() return 3 end}) end
end
print(hits)
local store = {}
local writes = 0
for i = 1, 1000 do
  store[i % 10] = i
  if i == 500 then
    setmetatable(store, {__newindex = function(t, k, v) writes = writes + 1; rawset(t, k, v) end})
  end
end
print(writes, store[0], store[9])     -- existing keys never reach __newindex
for i = 1, 1000 do store[i + 10] = i end
print(writes, store[1010], rawlen(store) >= 0)
-- arithmetic metamethods appear mid-loop on an operand
local num = setmetatable({}, {})
local msum = 0
local ok2, err2 = pcall(function()
  for i = 1, 1000 do
    if i == 400 then getmetatable(num).__add = function(a, b) return b end end
    if i >= 400 then msum = msum + (num + i) else msum = msum + i end
  end
end)
print(msum, ok2, err2)
-- __index changes from a table to a function to nil
local proto = {val = 1}
local inst = setmetatable({}, {__index = proto})
local isum = 0
for i = 1, 1500 do
  isum = isum + (inst.val or 0)
  if i == 500 then getmetatable(inst).__index = function() return 100 end end
  if i == 1000 then getmetatable(inst).__index = nil end
end
print(isum)
-- the prototype's field changes under the trace
proto = {val = 1}
inst = setmetatable({}, {__index = proto})
isum = 0
for i = 1, 1000 do
  isum = isum + inst.val
  if i == 250 then proto.val = 2 end
  if i == 750 then rawset(inst, "val", 5) end
end
print(isum)
-- __eq/__lt added mid-loop
local A, B = setmetatable({}, {}), setmetatable({}, {})
local eqc = 0
for i = 1, 600 do
  if A == B then eqc = eqc + 1 end
  if i == 300 then
    getmetatable(A).__eq = function() return true end
  end
end
print(eqc)

print("-- upvalues changed by another closure during the loop")
local up = 1
local function bump() up = up + 1 end
local us = 0
for i = 1, 1000 do
  us = us + up
  if i % 100 == 0 then bump() end
end
print(us, up)

print("-- table shape changes during the loop")
local shape = {a = 1, b = 2}
local ss = 0
for i = 1, 1000 do
  ss = ss + shape.a + shape.b
  if i == 300 then shape.c = 3 end          -- rehash may move fields
  if i == 600 then shape.a = nil; shape.a = 10 end
  if i == 800 then for k = 1, 100 do shape["extra" .. k] = k end end
end
print(ss)
local arr = {}
for i = 1, 100 do arr[i] = i end
local as = 0
for i = 1, 1000 do
  as = as + arr[(i % 100) + 1]
  if i == 500 then for k = 101, 1000 do arr[k] = 0 end end   -- array part grows
  if i == 700 then for k = 1, 100 do arr[k] = k * 2 end end
end
print(as)

print("-- functions replaced by themselves via recursion")
local function rec(n) if n == 0 then return 0 end return 1 + rec(n - 1) end
local orig = rec
local rs = 0
for i = 1, 300 do
  rs = rs + rec(10)
  if i == 150 then rec = function(n) return orig(n) * 2 end end
end
print(rs)
