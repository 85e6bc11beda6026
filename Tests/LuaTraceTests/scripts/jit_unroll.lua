-- Inner loops unrolled into the trace of their outer loop (Recorder+Loops.swift): numeric for
-- loops with constant, varying and empty trip counts, steps of +-1, +-2^k, other steps and
-- floats, limits near the integer range's ends, while/repeat loops, ipairs, breaks, and
-- guards failing inside an unrolled iteration.

local function sum_fixed(n)
  local s = 0
  for i = 1, n do
    for j = 1, 5 do s = s + i * j end
  end
  return s
end
print("fixed", sum_fixed(200))

-- the inner trip count changes every outer iteration (exits at the unrolled back-edges)
local function tri(n)
  local s = 0
  for i = 1, n do
    for j = i + 1, 6 do s = s + j - i end
    for j = (i % 4), 0, -1 do s = s + j end
  end
  return s
end
print("tri", tri(300))

-- steps: powers of two, negative, non powers of two, and floats
local function steps(n)
  local out = {}
  for r = 1, n do
    local a, b, c, d, e, f = 0, 0, 0, 0, 0.0, 0.0
    for i = 1, 9, 2 do a = a + i end
    for i = 20, -3, -4 do b = b + i end
    for i = 1, 10, 3 do c = c + i end
    for i = 7, 1, -1 do d = d * 2 + i end
    for x = 0, 1, 0.25 do e = e + x end
    for x = 1, 0, -0.5 do f = f + x end
    out[#out + 1] = a + b + c + d + e + f + r
  end
  return out[1], out[n], #out
end
print("steps", steps(100))

-- limits at the ends of the integer range (the count must not overflow)
local function extremes(n)
  local s = 0
  for r = 1, n do
    for i = math.maxinteger - 2, math.maxinteger do s = s + (i & 7) end
    for i = math.mininteger, math.mininteger + 2 do s = s + (i & 3) end
    for i = math.mininteger + 1, math.mininteger, -1 do s = s + 1 end
    for i = 0, math.mininteger, math.mininteger do s = s + 1 end
  end
  return s
end
print("extremes", extremes(100))

-- empty inner loops, float limits with integer loops, mixed numbers
local function empties(n)
  local s = 0
  for r = 1, n do
    for i = 5, 1 do s = s + 1000 end
    for i = 1, 0.5 do s = s + 1000 end
    for i = 1, 3.7 do s = s + i end
    for i = 1.0, 3 do s = s + i end
    for i = 1, r % 3 do s = s + i end
  end
  return s
end
print("empties", empties(200))

-- while and repeat loops inside, with changing trip counts
local function collatzsteps(n)
  local total = 0
  for i = 1, n do
    local x, c = i, 0
    while x ~= 1 do
      if x % 2 == 0 then x = x // 2 else x = 3 * x + 1 end
      c = c + 1
    end
    local k = 0
    repeat k = k + 1 until k >= 3
    total = total + c + k
  end
  return total
end
print("collatz", collatzsteps(300))

-- ipairs inside, arrays of varying length, and a break
local function arrays(n)
  local rows = {}
  for i = 1, 8 do local r = {} for j = 1, i % 4 do r[j] = j * i end rows[i] = r end
  local s = 0
  for k = 1, n do
    for _, r in ipairs(rows) do
      for j, v in ipairs(r) do
        if v > 20 then break end
        s = s + v * j
      end
    end
  end
  return s
end
print("arrays", arrays(200))

-- a value changes type inside an unrolled iteration (guard exit mid-loop)
local function typechange(n)
  local t = {}
  for i = 1, 6 do t[i] = i end
  local s = 0
  for k = 1, n do
    if k == 150 then t[4] = 0.5 end
    if k == 170 then t[2] = "x" end
    for i = 1, 6 do
      local v = t[i]
      if type(v) == "number" then s = s + v end
    end
  end
  return s
end
print("typechange", typechange(300))

-- inner loops in an inlined function, called from the traced loop
local bodies = {}
for i = 1, 5 do bodies[i] = { x = i * 1.5, v = 0.0 } end
local function step()
  for i = 1, #bodies do
    local a = bodies[i]
    for j = i + 1, #bodies do
      local b = bodies[j]
      local d = a.x - b.x
      a.v = a.v - d * 0.01
      b.v = b.v + d * 0.01
    end
  end
  for i = 1, #bodies do local b = bodies[i] b.x = b.x + b.v end
end
for _ = 1, 300 do step() end
for i = 1, 5 do print("body", i, string.format("%.12f %.12f", bodies[i].x, bodies[i].v)) end
bodies[6] = { x = 0.0, v = 1.0 }
for _ = 1, 100 do step() end
print("body6", string.format("%.12f", bodies[6].x))

-- errors raised inside an unrolled loop
local ok, err = pcall(function()
  local s = 0
  for k = 1, 200 do
    for i = 1, 3 do s = s + (k == 190 and i == 2 and {} or i) end
  end
  return s
end)
print("error", ok, err)

-- a for loop with a non-number limit raises the usual error
ok, err = pcall(function()
  local lim = 3
  for k = 1, 200 do
    if k == 180 then lim = "x" end
    for i = 1, lim do end
  end
end)
print("forerr", ok, err)

-- variable steps: a sieve, negative steps, a step changing sign, huge ranges, a zero step
local function sieve(n)
  local comp, count = {}, 0
  for i = 1, n do comp[i] = false end
  for i = 2, n do
    if not comp[i] then
      count = count + 1
      for j = i * i, n, i do comp[j] = true end
    end
  end
  return count
end
print("sieve", sieve(3000))

local function varsteps(n)
  local s = 0
  for r = 1, n do
    local st = (r % 7) - 3
    if st == 0 then st = 5 end
    for i = 10, -10, st do s = s + i * r end
    for i = -7, 7, -st do s = s - i end
    local big = (r % 2 == 0) and math.maxinteger or 3
    for i = math.maxinteger - 5, big, 2 + r % 3 do s = s + (i & 15) end
    for i = math.mininteger, math.mininteger + 40, 13 do s = s + (i & 7) end
  end
  return s
end
print("varsteps", varsteps(300))

ok, err = pcall(function()
  local st, s = 1, 0
  for k = 1, 200 do
    if k == 170 then st = 0 end
    for i = 1, 3, st do s = s + i end
  end
end)
print("zerostep", ok, err)
