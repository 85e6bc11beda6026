-- Float expressions over loop-carried floats computed in SSE registers (CEmitter+Registers.swift):
-- mandelbrot-style updates, non-commutative operands, negations, NaN signs, swaps, more values
-- than registers, side branches (with libm calls) around register loops, and exits.

local function fmt(x) return string.format("%.17g", x) end

-- mandelbrot over a small grid; the escape test leaves the inner loop
local function mandel(n)
  local inside, iters = 0, 0
  for py = 0, n - 1 do
    local ci = 2.0 * py / n - 1.0
    for px = 0, n - 1 do
      local cr = 2.0 * px / n - 1.5
      local zr, zi, zr2, zi2 = 0.0, 0.0, 0.0, 0.0
      local k = 0
      while k < 50 and zr2 + zi2 <= 4.0 do
        zi = 2.0 * zr * zi + ci
        zr = zr2 - zi2 + cr
        zr2 = zr * zr
        zi2 = zi * zi
        k = k + 1
      end
      iters = iters + k
      if zr2 + zi2 <= 4.0 then inside = inside + 1 end
    end
  end
  return inside, iters
end
print("mandel", mandel(40))

-- the header as the second operand of - and / (computed through the scratch register)
local function noncomm(n)
  local a, b, c = 1.5, 0.25, 3.0
  for i = 1, n do
    a = 2.0 - a
    b = 1.0 / (b + 1.0)
    c = (c * 0.5 + 1.0) - c * 0.25
  end
  return fmt(a), fmt(b), fmt(c)
end
print("noncomm", noncomm(1001))

-- negations inside expressions, and signs of zeros and NaNs
local function negs(n)
  local x, y, z = 1.0, -0.0, 0.0
  local nan = 0 / 0
  for i = 1, n do
    x = -x * 1.0
    y = -y
    z = -(z - z)
  end
  local p, q = nan, -nan
  for i = 1, n do
    p = -p
    q = q - q
  end
  return fmt(x), fmt(y), fmt(z), tostring(p), tostring(q)
end
print("negs", negs(11))
print("negs", negs(12))

-- swaps and copies between loop-carried floats
local function swaps(n)
  local a, b, c = 1.0, 2.0, 3.0
  for i = 1, n do
    a, b = b, a
    c = c + a * 0.5
  end
  return fmt(a), fmt(b), fmt(c)
end
print("swaps", swaps(101))

-- more loop-carried floats than registers
local function many(n)
  local a, b, c, d, e, f, g, h, i2, j, k, l = 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0
  for i = 1, n do
    a = a * 0.5 + b * 0.25
    b = b * 0.5 + c * 0.25
    c = c * 0.5 + d * 0.25
    d = d * 0.5 + e * 0.25
    e = e * 0.5 + f * 0.25
    f = f * 0.5 + g * 0.25
    g = g * 0.5 + h * 0.25
    h = h * 0.5 + i2 * 0.25
    i2 = i2 * 0.5 + j * 0.25
    j = j * 0.5 + k * 0.25
    k = k * 0.5 + l * 0.25
    l = l * 0.5 + a * 0.25
  end
  return fmt(a + b + c + d + e + f), fmt(g + h + i2 + j + k + l)
end
print("many", many(300))

-- side branches around a register loop, one of them calling libm
local function branches(n)
  local x, y, s = 0.5, 0.25, 0.0
  for i = 1, n do
    x = x * 1.0001 + y
    y = y * 0.999 - x * 0.001
    if i % 3 == 0 then
      s = s + math.sin(x)
    elseif i % 5 == 0 then
      s = s - y
    end
  end
  return fmt(x), fmt(y), fmt(s)
end
print("branches", branches(3000))

-- an exit in the middle of the updates, and a type change of a loop-carried value
local function exits(n)
  local zr, zi = 0.1, 0.2
  local t = {}
  for i = 1, n do t[i] = i * 0.5 end
  t[n - 7] = "stop"
  local k = 1
  local ok = pcall(function()
    while true do
      zr = zr * 0.9 + zi
      local v = t[k] + 0.0
      zi = zi * 0.5 - zr * 0.1 + v * 0.001
      k = k + 1
    end
  end)
  return ok, k, fmt(zr), fmt(zi)
end
print("exits", exits(500))

local function typechange(n)
  local x, y = 1.0, 2.0
  for i = 1, n do
    x = x * 0.5 + y
    y = y * 0.25 + x
    if i == n - 3 then y = 7 end
  end
  return fmt(x), math.type(y), fmt(y)
end
print("typechange", typechange(400))

-- found by random testing: a side branch's loop-end value sharing the C variable of a
-- register-held header (it must not be overwritten by the register's spill), and a branch
-- back-edge whose parallel assignment reads a variable it also assigns
local function shared(n, inv2)
  local x0, x1, x2 = -2.0, 0.25, 0.5
  for i = 1, n do
    x0 = (((x0 - -0.75) * (- x1)) + ((x1 + x1) - x2))
    x2 = (((- x2) - (x1 + x2)) - (- (x0 + inv2)))
    if x2 > 0.0 then x2 = x2 * 0.5 end
    if x0 ~= x0 or x0 > 1e100 or x0 < -1e100 then x0 = 1.5 end
  end
  return fmt(x0), fmt(x1), fmt(x2)
end
print("shared", shared(200, 4.0))

local function parallel(n, inv1)
  local x0, x1, x2, x3, x4, x5, x6, x7, x8 = 1.0, 3.5, 1.0, -2.0, -2.0, -2.0, 0.5, 0.25, -2.0
  for i = 1, n do
    x0 = ((i + x2) - (inv1 / 3.0))
    x1 = ((x4 + x3) * x5)
    x2 = (x1 + x1)
    if x2 ~= x2 then break end
    x3 = (x1 - (-0.0 * x5))
    x5 = x3
    x6 = (i * x5)
    x7 = ((x1 - i) * x2)
    x8 = ((i * 0.5) + (x5 * 0.001))
    if x1 ~= x1 or x1 > 1e100 or x1 < -1e100 then x1 = 1.5 end
    if x2 ~= x2 or x2 > 1e100 or x2 < -1e100 then x2 = 1.5 end
    if x3 ~= x3 or x3 > 1e100 or x3 < -1e100 then x3 = 1.5 end
  end
  return fmt(x0), fmt(x1), fmt(x3), fmt(x5), fmt(x6), fmt(x7), fmt(x8)
end
print("parallel", parallel(200, 2.0))
