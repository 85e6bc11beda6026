-- Loop-carried integers kept in general-purpose registers (CEmitter+IntRegisters.swift):
-- wraparound, type changes mid-loop, exits at many points, side branches reading and writing
-- the counters, nested loops, helper calls inside the loop, negative steps, many counters.
local maxi, mini = math.maxinteger, math.mininteger

-- wraparound of a while counter and of sums
local function wrap1(n)
  local x, c = maxi - 50, 0
  while c < n do x = x + 1; c = c + 1 end
  return x, c
end
print("wrap1", wrap1(200))
local function wrap2(n)
  local x, y = mini + 40, 0
  for k = 1, n do x = x - 1; y = y - maxi end
  return x, y
end
print("wrap2", wrap2(300))
local function wrap3(n)
  local d = 1
  for k = 1, n do d = d + d end
  return d
end
print("wrap3", wrap3(70), wrap3(63), wrap3(64))
local function wrap4()
  local s, c = 0, 0
  for i = maxi - 200, maxi do s = s + i; c = c + 1 end
  for i = mini + 200, mini, -1 do s = s + i; c = c + 1 end
  for i = maxi - 10, maxi, 3 do s = s + i; c = c + 1 end
  return s, c
end
print("wrap4", wrap4())
local function wrap5(n)
  local x = 0
  for k = 1, n do x = x + 0x7fffffff; x = x + 0x80000000; x = x - 0x100000000 end
  return x
end
print("wrap5", wrap5(300))
local function bigconst(n)
  local x, y = 0, 5
  for k = 1, n do x = x + 0x123456789ab; y = y - (-0x80000000) end
  return x, y
end
print("bigconst", bigconst(250))

-- negative and variable steps
local function neg(n)
  local s, c = 0, 0
  for i = n, -n, -3 do s = s + i; c = c - 2 end
  for i = 10, 1, -1 do for j = i, 1, -2 do s = s + j * i end end
  return s, c
end
print("neg", neg(400))
local function step(n, st)
  local s = 0
  for i = 1, n, st do s = s + i end
  return s
end
print("step", step(1000, 7), step(1000, 1), step(-5, 1), step(100, 100))

-- type changes mid-loop
local function tc1(n)
  local x = 0
  for k = 1, n do
    x = x + 1
    if k == 150 then x = x + 0.5 end
  end
  return x, math.type(x)
end
print("tc1", tc1(300))
local function tc2(n)
  local x, st = 0, 1
  for k = 1, n do
    x = x + st
    if k == 200 then st = 0.25 end
  end
  return x, math.type(x)
end
print("tc2", tc2(400))
local function tc3(n)
  local x = maxi - 100
  local r = {}
  for k = 1, n do
    x = x + 1
    if x == maxi then x = 1.0 * x end
    r[#r + 1] = math.type(x)
  end
  return x, r[1], r[100], r[101], r[n]
end
print("tc3", tc3(300))

-- exits at many points
local function ex1(n, at)
  local a, b = 0, 0
  for k = 1, n do
    a = a + 3
    if k == at then break end
    b = b - 7
  end
  return a, b
end
for _, at in ipairs({1, 2, 3, 50, 99, 100, 150, 299, 300, 1000}) do print("ex1", at, ex1(300, at)) end
local function ex2(n, at)
  local c = 0
  local ok, err = pcall(function()
    for k = 1, n do
      c = c + 2
      if k == at then error("boom " .. c) end
      c = c - 1
    end
  end)
  return ok, err, c
end
for _, at in ipairs({5, 120, 299}) do print("ex2", ex2(300, at)) end
local function ex3(n)
  local t = {}
  for k = 1, n do t[k] = k end
  t[180] = "x"
  t[250] = 2.5
  local c, s = 0, 0
  for k = 1, n do
    c = c + 5
    local v = t[k]
    if type(v) == "number" then s = s + v else s = s + 1000 end
  end
  return c, s
end
print("ex3", ex3(300))
local function ex4(n)
  local c, s = 0, 0
  local i = 0
  while true do
    i = i + 1
    c = c - 1
    if i > n then break end
    s = s + i
  end
  return i, c, s
end
print("ex4", ex4(333))
local function ex5(t)
  local c = 0
  for k = 1, #t do
    c = c + 1
    local v = t[k] + 1      -- fails on a non-number after the counter update
    c = c + v
  end
  return c
end
local t5 = {}
for k = 1, 300 do t5[k] = k end
print("ex5", ex5(t5))
t5[200] = {}
print("ex5", pcall(ex5, t5))
local function ex6(n)
  for k = 1, n do
    local a = k * 2
    if a > 400 then return k, a end
  end
end
print("ex6", ex6(1000))

-- side branches reading and modifying the counters
local function sb1(n)
  local c, d, s = 0, 100, 0
  for k = 1, n do
    c = c + 1
    if k % 3 == 0 then c = c + 10; d = d - c else d = d + 1 end
    if k % 7 == 0 then s = s + c * d end
  end
  return c, d, s
end
print("sb1", sb1(1000))
local function sb2(n)
  local i, s = 0, 0
  while i < n do
    i = i + 1
    if i % 5 == 0 then i = i + 2 end
    if i % 11 == 0 then s = s + i else s = s - 1 end
  end
  return i, s
end
print("sb2", sb2(2000))
local function sb3(n)
  local x, y = 1, 2
  for k = 1, n do
    x = x + y
    if x % 2 == 0 then y = y + x else y = y - 1 end
    x = x - k
  end
  return x, y
end
print("sb3", sb3(700))
local function sb4(n)
  local a, b = 0, 0
  for k = 1, n do
    a = a + k
    if k > 200 then b = b + a; a = a - b end
  end
  return a, b
end
print("sb4", sb4(400))

-- nested loops (inner loops unrolled into the outer trace, or traces of their own)
local function nest1(n)
  local s, c = 0, 0
  for i = 1, n do
    for j = 1, 3 do s = s + i * j; c = c + 1 end
    c = c - 1
  end
  return s, c
end
print("nest1", nest1(500))
local function nest2(n)
  local s = 0
  for i = 1, n do
    local j = 0
    while j < i % 7 do j = j + 1; s = s + j end
    for k = i, i - 2, -1 do s = s - k end
  end
  return s
end
print("nest2", nest2(600))
local function nest3(n)
  local total = 0
  for a = 1, n do
    for b = 1, 20 do
      for c = b, 1, -4 do total = total + a + b - c end
    end
  end
  return total
end
print("nest3", nest3(60))

-- helper calls inside the loop
local function h1(n)
  local t, c = {}, 0
  for k = 1, n do
    c = c + 2
    t[#t + 1] = c
    t["k" .. (k % 37)] = k
  end
  return c, #t, t[n], t.k5
end
print("h1", h1(1000))
local function h2(n)
  local s, c = "", 0
  for k = 1, n do
    c = c + 1
    s = s .. c
    if #s > 60 then s = "" end
  end
  return s, c
end
print("h2", h2(500))
local function h3(n)
  local acc, c = 0.0, 0
  for k = 1, n do
    c = c + 3
    acc = acc + math.sin(k) + math.floor(k / 3)
  end
  return string.format("%.6f", acc), c
end
print("h3", h3(700))
local function h4(n)
  local c, t = 0, nil
  for k = 1, n do
    c = c + 1
    t = {k, c, k + c}
  end
  return c, t[1], t[2], t[3]
end
print("h4", h4(400))

-- many loop-carried integers (more than there are registers)
local function many(n)
  local a, b, c, d, e, f, g, h = 1, 2, 3, 4, 5, 6, 7, 8
  for k = 1, n do
    a = a + 1; b = b - 2; c = c + a; d = d - b; e = e + 5; f = f + e; g = g - 1; h = h + g
  end
  return a, b, c, d, e, f, g, h
end
print("many", many(500))
-- counters read by closures and upvalues
local function up(n)
  local c = 0
  local function get() return c end
  local s = 0
  for k = 1, n do c = c + 1; s = s + get() end
  return c, s
end
print("up", up(300))
-- swapped and self-referential updates
local function swap(n)
  local a, b = 1, 2
  for k = 1, n do a, b = b, a + 1 end
  return a, b
end
print("swap", swap(301))
local function sub2(n)
  local x, y = 1000, 3
  for k = 1, n do x = y - x; y = y + 1 end
  return x, y
end
print("sub2", sub2(301))
-- comparisons on pinned counters are signed
local function signed(n)
  local x, c = -5, 0
  while x < n do x = x + 1; if x < 0 then c = c + 1 end end
  local y = maxi - 3
  while y > 0 do y = y + 1; c = c + 1 end
  return x, y, c
end
print("signed", signed(300))
