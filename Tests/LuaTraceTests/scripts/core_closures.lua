-- Closures and upvalues: sharing, fresh locals per iteration, closing on block exit.

local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end, function(v) n = v end
end
local inc, get, set = counter()
inc(); inc()
print(get(), inc(), get())
set(100)
print(inc(), get())
local inc2, get2 = counter()
print(inc2(), get2(), get())

-- each loop iteration creates a fresh local
local fs = {}
for i = 1, 5 do fs[i] = function() return i end end
print(fs[1](), fs[3](), fs[5]())
fs = {}
for _, v in ipairs({"a", "b", "c"}) do fs[#fs + 1] = function() return v end end
print(fs[1](), fs[2](), fs[3]())
fs = {}
local j = 0
while j < 3 do
  j = j + 1
  local k = j * 10
  fs[j] = function() k = k + 1; return k end
end
print(fs[1](), fs[1](), fs[2](), fs[3](), fs[3]())
fs = {}
repeat
  local x = #fs
  fs[#fs + 1] = function() return x end
until x >= 2   -- the until condition sees the body's locals
print(#fs, fs[1](), fs[2](), fs[3]())

-- a loop variable captured and modified inside the body
fs = {}
for i = 1, 3 do
  fs[i] = function() i = i + 100; return i end
end
print(fs[1](), fs[1](), fs[2]())

-- closures sharing one upvalue across nesting levels
local function outer()
  local shared = 0
  local function a() shared = shared + 1 end
  local function b()
    return function() shared = shared * 2; return shared end
  end
  return a, b()
end
local a, b = outer()
a(); a()
print(b(), b())
a()
print(b())

-- upvalue of an upvalue after the outer function returned
local function mk(x)
  return function(y)
    return function(z) return x + y + z end
  end
end
print(mk(1)(2)(3), mk(10)(20)(30))

-- recursive local function and mutual recursion via upvalues
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
local isodd
local function iseven(n) if n == 0 then return true end return isodd(n - 1) end
function isodd(n) if n == 0 then return false end return iseven(n - 1) end
print(fact(20), iseven(10), isodd(7), iseven(7))

-- a closure referring to itself
local self_ref
self_ref = function(n) if n == 0 then return "done" end return self_ref(n - 1) end
print(self_ref(50))

-- closures created in a loop and called later keep their own state
local gens = {}
for i = 1, 3 do
  local acc = i
  gens[i] = function() acc = acc * 2; return acc end
end
for _ = 1, 3 do
  io.write(gens[1](), " ", gens[2](), " ", gens[3](), "; ")
end
print()

-- blocks: a variable goes out of scope; closure keeps the value
local saved
do
  local hidden = "inner"
  saved = function() return hidden end
end
print(saved(), hidden)

-- shadowing
local v = 1
local function sh()
  local v = v + 1
  return function() local v = v + 1; return v end
end
print(v, sh()())

-- many upvalues
local u1, u2, u3, u4, u5, u6, u7, u8 = 1, 2, 3, 4, 5, 6, 7, 8
local function many() return u1 + u2 + u3 + u4 + u5 + u6 + u7 + u8 end
u8 = 80
print(many())

-- closures as table fields and methods with self
local obj = {n = 0}
function obj.add(k) obj.n = obj.n + k; return obj end
function obj:mul(k) self.n = self.n * k; return self end
obj.add(2):mul(5).add(1)
print(obj.n)
