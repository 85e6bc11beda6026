-- Loop-carried floats kept in SSE registers (CEmitter+Registers.swift): negation, division,
-- commuted operands, header values also read elsewhere in the iteration (the register is then
-- stored to memory at each update), exits in the middle, break, errors, type changes, NaN signs.

local function fmt(...)
  local t = {}
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    t[i] = math.type(v) == "float" and string.format("%.17g", v) or tostring(v)
  end
  return table.concat(t, " ")
end

-- negation, division, commuted add/mul; the header values are also read by other statements
local sign, q, a, m, r = 1.0, 1e6, 0.0, 1.0, 0.0
for i = 1, 20001 do
  r = r + sign * q          -- reads sign and q before they are updated
  sign = -sign
  q = q / 1.0001
  a = 0.5 + a               -- x op h (commutes)
  m = 1.00001 * m
end
print(fmt(sign, q, a, m, r))

-- the header value is read after the update too (as the loop-end value)
local x, y = 3.0, 0.0
for i = 1, 5000 do
  x = x * 0.999
  y = y + x
  if x < 1.0 then break end
end
print(fmt(x, y))

-- a guard on a pinned value exits in the middle of an iteration
local g, h = 1.0, 0.0
for i = 1, 100000 do
  h = h - g
  g = g * 1.5
  if g > 1e300 then break end
end
print(fmt(g, h))

-- NaN and zero signs under repeated negation (lua flips the sign bit, also of a NaN)
local n1, n2, z = 0 / 0, -(0 / 0), 0.0
for i = 1, 201 do n1 = -n1; n2 = -n2; z = -z end
print(fmt(n1, n2, z), 1 / z)
local n3 = 0 / 0
for i = 1, 200 do n3 = -n3 end
print(fmt(n3))
local n4, w = 0 / 0, 0.0       -- not a pinned negation (used as the operand of another value)
for i = 1, 101 do w = -n4; n4 = w end
print(fmt(n4, w))

-- the value is stored to a table each iteration, then an error interrupts the loop
local st, e = {}, 2.0
local vals = {}
for i = 1, 400 do vals[i] = 1.0 + i / 1024 end
vals[333] = nil
local ok, err = pcall(function()
  for i = 1, #vals + 100 do
    e = e * vals[i]
    st[1] = e
  end
end)
print(ok, (tostring(err):gsub("^.-:%d+: ", "")), fmt(st[1], e))

-- a pinned value whose slot changes type on a (later compiled) side exit
local function change(nsteps)
  local v = 1.0
  local k = 0
  for i = 1, nsteps do
    v = -v
    if i == 300 then v = "str" .. i break end
    k = k + 1
  end
  return v, k
end
print(change(1000))
print(change(250))

-- more pinned values than registers, with a negation taking the mask register
local p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12 = 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 1.0
for i = 1, 3000 do
  p1 = p1 + 1.5; p2 = p2 * 1.0001; p3 = p3 - 0.25; p4 = p4 / 1.0002
  p5 = p5 + i; p6 = p6 * 0.9999; p7 = p7 - i * 0.5; p8 = 2.0 * p8 / 2.0
  p9 = p9 + p1; p10 = p10 - p2; p11 = p11 + 1 / i; p12 = -p12
end
print(fmt(p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12))

-- nested loops: the inner loop's trace runs once per outer iteration, values used after it
local total = 0.0
for j = 1, 50 do
  local s, sg = 0.0, 1.0
  for i = 1, 200 + j do
    s = s + sg / i
    sg = -sg
  end
  total = total + s * sg
end
print(fmt(total))

-- while loop: float division update, integer counter, value read by the condition
local d, cnt = 1e300, 0
while d > 1e-300 do
  d = d / 3.0
  cnt = cnt + 1
end
print(fmt(d), cnt)

-- an accumulator updated with itself in the other operand is not pinned, but must stay exact
local dbl = 1.0
for i = 1, 1000 do dbl = dbl + dbl * 1e-3 end
print(fmt(dbl))
