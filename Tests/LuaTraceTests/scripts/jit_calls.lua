-- Calls and closures in hot loops: fresh upvalues per iteration, varargs, multiple results,
-- method calls, recursion, pcall and metamethod calls from traces.

print("-- closures created in a hot loop capture fresh variables")
local fns = {}
for i = 1, 1000 do
  local sq = i * i
  fns[i] = function() return i, sq end
end
local s1, s2 = 0, 0
for i = 1, 1000 do local a, b = fns[i](); s1 = s1 + a; s2 = s2 + b end
print(s1, s2, fns[1](), fns[1000]())
local shared = {}
do
  local counter = 0
  for i = 1, 500 do shared[i] = function() counter = counter + 1; return counter end end
end
for i = 1, 500 do shared[i]() end
print(shared[1](), shared[500]())
local adders = {}
local x = 0
while x < 300 do
  x = x + 1
  local captured = x
  adders[x] = function(v) captured = captured + v; return captured end
end
print(adders[1](1), adders[1](1), adders[300](0), x)

print("-- varargs and multiple results in loops")
local function va(...) return select('#', ...), ... end
local vs = 0
for i = 1, 1000 do
  local n, a, b = va(i, nil, i)
  vs = vs + n + a + (b or 0)
end
print(vs)
local function two(i) return i, -i end
local t2 = 0
for i = 1, 1000 do
  local t = {two(i)}
  t2 = t2 + #t + t[1] * 2 + t[2]
end
print(t2)
local function sum(...)
  local s = 0
  for i = 1, select('#', ...) do s = s + select(i, ...) end
  return s
end
local vsum = 0
for i = 1, 500 do vsum = vsum + sum(i, i, i) + sum() + sum(table.unpack({1, 2, 3})) end
print(vsum)

print("-- method calls and self")
local Account = {}
Account.__index = Account
function Account.new(b) return setmetatable({balance = b}, Account) end
function Account:deposit(v) self.balance = self.balance + v; return self end
function Account:get() return self.balance end
local acct = Account.new(0)
for i = 1, 3000 do acct:deposit(i % 7) end
print(acct:get())
local objs = {}
for i = 1, 100 do objs[i] = Account.new(i) end
local tot = 0
for round = 1, 20 do for i = 1, 100 do tot = tot + objs[i]:deposit(round):get() end end
print(tot)

print("-- recursion called from hot loops")
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local fs = 0
for i = 1, 20 do fs = fs + fib(i) end
print(fs)
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end
print(ack(2, 3), ack(3, 3))

print("-- pcall and error inside hot loops")
local okc, errc = 0, 0
for i = 1, 2000 do
  local ok, v = pcall(function(k) if k % 100 == 0 then error(k) end return k end, i)
  if ok then okc = okc + v else errc = errc + v end
end
print(okc, errc)
local ok2 = 0
for i = 1, 1000 do
  if select(1, pcall(math.floor, (i % 50 == 0) and "x" or i)) then ok2 = ok2 + 1 end
end
print(ok2)

print("-- native functions in hot loops")
local ms = 0
for i = 1, 2000 do ms = ms + math.max(i % 17, i % 13) + math.abs(-i) % 3 end
print(ms)
local ss = 0
for i = 1, 1000 do ss = ss + #tostring(i) + (tonumber("" .. i) or 0) end
print(ss)
local pieces = 0
for i = 1, 500 do
  local str = string.format("%d:%s", i, "x")
  pieces = pieces + #str + (str:find(":", 1, true) or 0)
end
print(pieces)
local chars = 0
local text = string.rep("hello world ", 50)
for i = 1, #text do if text:sub(i, i) == "o" then chars = chars + 1 end end
print(chars)

print("-- metamethod calls from traces")
local V = {}
V.__add = function(a, b) return setmetatable({v = a.v + b.v}, V) end
V.__index = function(t, k) return k == "double" and t.v * 2 or nil end
V.__len = function(t) return t.v end
V.__call = function(t, x) return t.v + x end
local acc = setmetatable({v = 0}, V)
local one = setmetatable({v = 1}, V)
local extra = 0
for i = 1, 1000 do
  acc = acc + one
  extra = extra + acc.double + #acc + acc(i)
end
print(acc.v, extra)

print("-- deep call chains inside loops")
local function c3(x) return x + 3 end
local function c2(x) return c3(x) * 2 end
local function c1(x) return c2(x) - 1 end
local cs = 0
for i = 1, 3000 do cs = cs + c1(i) end
print(cs)
local function tailer(n, acc) if n == 0 then return acc end return tailer(n - 1, acc + n) end
local ts = 0
for i = 1, 200 do ts = ts + tailer(i, 0) end
print(ts)
