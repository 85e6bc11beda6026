-- Coroutines: create/resume/yield/status/wrap/isyieldable/running/close, values passed
-- both ways, errors, yields across pcall and metamethods, generators in for loops.

print("-- basics")
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "done", d + e
end)
print(type(co), coroutine.status(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, 3, 4))
print(coroutine.status(co))
print(coroutine.resume(co))
print(coroutine.resume(coroutine.create(function(...) return select('#', ...), ... end), nil, nil))

print("-- running / isyieldable / status")
local main, ismain = coroutine.running()
print(type(main), ismain, coroutine.isyieldable(), coroutine.status(main))
local inner
inner = coroutine.create(function()
  local me, im = coroutine.running()
  print(me == inner, im, coroutine.isyieldable(), coroutine.status(inner), coroutine.status(main))
  local nested = coroutine.create(function()
    print("outer from nested:", coroutine.status(inner))
  end)
  coroutine.resume(nested)
  print(coroutine.isyieldable(inner), coroutine.isyieldable(main))
end)
coroutine.resume(inner)
print(coroutine.status(inner))
print(coroutine.resume(inner))
print(pcall(coroutine.resume, main))
print(coroutine.resume(coroutine.running()))

print("-- wrap")
local gen = coroutine.wrap(function(n)
  for i = 1, n do coroutine.yield(i, i * i) end
  return "end"
end)
print(gen(3)) print(gen()) print(gen()) print(gen())
print(pcall(gen))
local w = coroutine.wrap(function() error({code = 7}) end)
local okw, ew = pcall(w)
print(okw, type(ew), ew.code)

print("-- generators in for-in loops")
local function range(n, step)
  return coroutine.wrap(function()
    for i = 1, n, step or 1 do coroutine.yield(i) end
  end)
end
local acc = {}
for i in range(10, 3) do acc[#acc + 1] = i end
print(table.concat(acc, " "))
local function permgen(a, n)
  n = n or #a
  if n <= 1 then coroutine.yield(a) else
    for i = 1, n do
      a[n], a[i] = a[i], a[n]
      permgen(a, n - 1)
      a[n], a[i] = a[i], a[n]
    end
  end
end
local perms = {}
for p in coroutine.wrap(function() permgen({1, 2, 3}) end) do perms[#perms + 1] = table.concat(p) end
print(#perms, table.concat(perms, ","))
-- producer / consumer
local function producer()
  return coroutine.create(function()
    for _, item in ipairs({"a", "b", "c"}) do coroutine.yield(item) end
    return nil
  end)
end
local function filter(prod)
  return coroutine.create(function()
    while true do
      local _, x = coroutine.resume(prod)
      if not x then return end
      coroutine.yield(x:upper())
    end
  end)
end
local f = filter(producer())
local out = {}
while true do
  local _, x = coroutine.resume(f)
  if not x then break end
  out[#out + 1] = x
end
print(table.concat(out))

print("-- errors inside coroutines")
local ce = coroutine.create(function(x)
  coroutine.yield(x)
  error("failure at step 2")
end)
print(coroutine.resume(ce, "step1"))
print(coroutine.resume(ce))
print(coroutine.status(ce), coroutine.resume(ce))
print(coroutine.resume(coroutine.create(function() local t = nil; return t.x end)))
print(pcall(coroutine.resume))
print(pcall(coroutine.create, 1))
print(pcall(coroutine.wrap, nil))
print(pcall(coroutine.yield, 1))

print("-- yield across pcall, metamethods and iterators")
local cp = coroutine.create(function()
  local ok, v = pcall(function()
    local got = coroutine.yield("inside pcall")
    error("err after " .. got, 0)
  end)
  coroutine.yield("pcall returned " .. tostring(ok) .. " " .. v)
  local ok2, v2 = xpcall(function() return coroutine.yield("inside xpcall") * 2 end, debug.traceback)
  return ok2, v2
end)
print(coroutine.resume(cp))
print(coroutine.resume(cp, "resume"))
print(coroutine.resume(cp))
print(coroutine.resume(cp, 21))
local mt = {__index = function(t, k) return coroutine.yield("index " .. k) end,
            __add = function(a, b) return coroutine.yield("add") end,
            __lt = function(a, b) return coroutine.yield("lt") end,
            __concat = function(a, b) return coroutine.yield("concat") end,
            __eq = function(a, b) return coroutine.yield("eq") end,
            __len = function(a) return coroutine.yield("len") end}
local cm = coroutine.wrap(function()
  local o = setmetatable({}, mt)
  local o2 = setmetatable({}, mt)
  local r = {}
  r[1] = o.field
  r[2] = o + 1
  r[3] = tostring(o < o2)
  r[4] = o .. "x"
  r[5] = tostring(o == o2)
  r[6] = #o
  return table.concat(r, ",")
end)
print(cm()) print(cm("F")) print(cm(2)) print(cm(true)) print(cm("C")) print(cm(false)) print(cm(6))
local function iter()
  return coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
end
local ci = coroutine.wrap(function()
  local s = 0
  for i in iter() do s = s + i; coroutine.yield(s) end
  return "sum " .. s
end)
print(ci(), ci(), ci(), ci())
-- yield inside table.sort comparator is not allowed (C function without continuation)
print(coroutine.resume(coroutine.create(function()
  table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end)
end)))

print("-- close")
local cc = coroutine.create(function() coroutine.yield() end)
coroutine.resume(cc)
print(coroutine.status(cc), coroutine.close(cc), coroutine.status(cc))
print(coroutine.close(coroutine.create(print)))
local cerr = coroutine.create(function() error("E", 0) end)
coroutine.resume(cerr)
print(coroutine.close(cerr))
print(pcall(coroutine.close, coroutine.running()))
local cwith = coroutine.create(function()
  local x <close> = setmetatable({}, {__close = function() error("close err", 0) end})
  coroutine.yield()
end)
coroutine.resume(cwith)
print(coroutine.close(cwith))

print("-- many coroutines")
local cos = {}
for i = 1, 1000 do
  cos[i] = coroutine.create(function(a) local b = coroutine.yield(a + 1); return a + b end)
end
local total = 0
for i = 1, 1000 do local _, v = coroutine.resume(cos[i], i); total = total + v end
for i = 1, 1000 do local _, v = coroutine.resume(cos[i], 1); total = total + v end
print(total)
-- deep recursion inside a coroutine
local deepco = coroutine.wrap(function()
  local function d(n) if n == 0 then return 0 end return 1 + d(n - 1) end
  coroutine.yield(d(10000))
  return "finished"
end)
print(deepco(), deepco())
