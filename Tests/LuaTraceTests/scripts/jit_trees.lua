-- Trace trees and recorder features: branchy loop bodies (side branches), calls whose results
-- feed other calls, ipairs loops, upvalues aliasing the loop's locals, closures of one
-- prototype with different upvalues, type changes inside branches.

-- collatz: two-way branch in a while loop
local steps = 0
for start = 1, 2000 do
  local n = start
  while n ~= 1 do
    if n % 2 == 0 then n = n // 2 else n = 3 * n + 1 end
    steps = steps + 1
  end
end
print("collatz", steps)

-- three-way branch with different work per branch
local a, b, c = 0, 0, 0
for i = 1, 3000 do
  local m = i % 3
  if m == 0 then a = a + i elseif m == 1 then b = b + i * 2 else c = c - i end
end
print("branches", a, b, c)

-- a branch that changes a value's type (int -> float) only on some iterations
local x = 0
for i = 1, 1000 do
  if i % 100 == 0 then x = x + 0.5 else x = x + 1 end
end
print("mixed", x, math.type(x))

-- nested calls keeping all results: f(g(i))
local function g(v) return v, v + 1 end
local function f(p, q) return p * 10 + (q or 0) end
local s = 0
for i = 1, 500 do s = s + f(g(i)) end
print("varresults", s)

-- ipairs with a body that branches
local t = {}
for i = 1, 50 do t[i] = (i % 7 == 0) and -i or i end
local pos, neg = 0, 0
for r = 1, 200 do
  for _, v in ipairs(t) do
    if v < 0 then neg = neg + v else pos = pos + v end
  end
end
print("ipairs", pos, neg)

-- ipairs stops at the first nil
local holes = {1, 2, 3, nil, 5}
local cnt = 0
for r = 1, 100 do for _ in ipairs(holes) do cnt = cnt + 1 end end
print("holes", cnt)

-- an upvalue aliasing a local of the loop's function
local counter = 0
local function bump(k) counter = counter + k end
for i = 1, 1000 do bump(i % 4) end
print("upvalue", counter)

-- closures of one prototype with different upvalues
local function adder(k) return function(v) return v + k end end
local adders = {}
for i = 1, 5 do adders[i] = adder(i * 100) end
local total = 0
for i = 1, 1000 do total = total + adders[i % 5 + 1](i) end
print("closures", total)

-- method calls through __index tables
local Point = {}
Point.__index = Point
function Point.new(px, py) return setmetatable({x = px, y = py}, Point) end
function Point:norm1() return math.abs(self.x) + math.abs(self.y) end
local pts = {}
for i = 1, 20 do pts[i] = Point.new(i - 10, 10 - 2 * i) end
local acc = 0
for r = 1, 100 do for i = 1, #pts do acc = acc + pts[i]:norm1() end end
print("methods", acc)

-- a global function redefined while its caller's loop is compiled
function sq(v) return v * v end
local sum = 0
for i = 1, 400 do
  if i == 200 then sq = function(v) return -v end end
  sum = sum + sq(i)
end
print("redefined", sum)
