-- Two independent float divisions computed together by the trace compiler (one packed
-- division): every result must be bit-identical to the interpreter's, including NaN signs,
-- infinities and negative zeros, when operands change type and when the loop leaves early.

local function g(x)
  if math.type(x) == "float" then return string.format("%.17g", x) end
  return math.type(x) .. ":" .. tostring(x)
end
local function fmt(...)
  local t = {}
  for i = 1, select("#", ...) do t[i] = g((select(i, ...))) end
  return table.concat(t, " ")
end

-- the floatsum shape: one division of a constant by the counter, one of a loop-carried sign
local h, l, sign = 0.0, 0.0, 1.0
for i = 1, 20001 do
  h = h + 1.0 / i
  l = l + sign / (2 * i - 1)
  sign = -sign
end
print(fmt(h, 4 * l, sign))

-- special values: operands cycle through zeros, infinities, NaNs (of both signs), denormals
local nan = 0.0 / 0.0
local vals = {1.0, -0.0, 0.0, nan, -nan, math.huge, -math.huge, 3.5, -7.25, 1e-310, 1e308, -2.0, 5e-324}
local nv = #vals
local r1, r2 = {}, {}
for i = 1, 3 * nv * nv do r1[i] = 0.0; r2[i] = 0.0 end
for i = 1, 3 * nv * nv do
  local x = vals[i % nv + 1]
  local y = vals[(i // nv) % nv + 1]
  r1[i] = x / y
  r2[i] = y / x
end
for i = 1, nv * nv, 7 do print(i, fmt(r1[i], r2[i])) end
local cnt = 0
for i = 1, nv * nv do
  local a, b = r1[i], vals[i % nv + 1] / vals[(i // nv) % nv + 1]
  if string.format("%.17g", a) == string.format("%.17g", b) then cnt = cnt + 1 end
end
print("same", cnt)

-- accumulators fed by two divisions whose results are also negated and multiplied
local a, b, c = 0.0, 0.0, 0.0
for i = 1, 5000 do
  local q = 3.0 / i
  local p = i / 7
  a = a - q * 2.5
  b = b + (-p)
  c = c + q / p
end
print(fmt(a, b, c))

-- the same numerator twice, the same denominator twice, and an odd number of divisions
local s1, s2, s3, s4, s5 = 0.0, 0.0, 0.0, 0.0, 0.0
local num = 1.5
for i = 1, 4000 do
  s1 = s1 + num / i
  s2 = s2 + num / (i + 0.5)
  s3 = s3 + (i * 0.25) / 3.0
  s4 = s4 + (i * 0.75) / 3.0
  s5 = s5 + s1 / (s2 + 1)
  num = num * 1.0001
end
print(fmt(s1, s2, s3, s4, s5, num))

-- a division depending on another one (not paired with it) next to an independent one
local d1, d2 = 0.0, 0.0
for i = 1, 3000 do
  d1 = d1 + (1.0 / i) / (i + 1)
  d2 = d2 + 2.0 / (i * i)
end
print(fmt(d1, d2))

-- leaving the loop right after the divisions, and in between them
local e1, e2 = 0.0, 0.0
for i = 1, 100000 do
  e1 = e1 + 1.0 / i
  e2 = e2 + 5.0 / (i + 3)
  if i == 4321 then break end
end
print(fmt(e1, e2))
local f1, f2 = 0.0, 0.0
for i = 1, 100000 do
  f1 = f1 + 1.0 / i
  if i == 5432 then break end
  f2 = f2 + 5.0 / (i + 3)
end
print(fmt(f1, f2))
-- a guard failing in the middle that resumes the loop (a side exit each time)
local g1, g2, gq = 0.0, 0.0, 0.0
for i = 1, 6000 do
  gq = 7.0 / i
  if i % 1000 == 0 then g1 = g1 + 1 end
  g2 = g2 + i / 3.0
  g1 = g1 + gq
end
print(fmt(g1, g2, gq))

-- an operand turning from float to integer, then to a string, mid-loop
local t = {}
for i = 1, 600 do t[i] = i * 0.5 end
for i = 200, 260 do t[i] = i end
t[400] = "12.5"
t[401] = "7"
local u1, u2 = 0.0, 0.0
for i = 1, 600 do
  local v = t[i]
  u1 = u1 + 1.0 / v
  u2 = u2 + v / (i + 1.0)
end
print(fmt(u1, u2))
local m1, m2 = 0.0, 0.0
local bad = {}
for i = 1, 300 do bad[i] = i + 0.25 end
bad[250] = "x"
local ok, err = pcall(function()
  for i = 1, 300 do
    m1 = m1 + 2.0 / bad[i]
    m2 = m2 + bad[i] / 4.0
  end
end)
print(fmt(m1, m2), ok, (tostring(err):gsub("^.-:%d+: ", "")))

-- a loop-carried denominator that changes type (float -> integer -> float)
local den, w1, w2 = 2.0, 0.0, 0.0
for i = 1, 3000 do
  w1 = w1 + 1.0 / den
  w2 = w2 + den / i
  if i == 1000 then den = 3 elseif i == 2000 then den = 4.5 else den = den + 1 end
end
print(fmt(den, w1, w2))

-- integer operands converted to floats, results kept in a table and compared exactly
local q1, q2 = {}, {}
for i = 1, 500 do q1[i] = 0; q2[i] = 0 end
for i = 1, 500 do
  q1[i] = i / 3
  q2[i] = (i - 250) / (i % 7 - 3)
end
print(fmt(q1[1], q1[250], q1[500], q2[1], q2[3], q2[250], q2[253], q2[500]))
local neg0 = 0
for i = 1, 500 do if q2[i] == 0 and 1 / q2[i] < 0 then neg0 = neg0 + 1 end end
print("negative zeros", neg0)

-- divisions whose results are only read by a comparison and stored into a table
local hits, last = 0, {}
for i = 1, 2000 do
  local x = 100.0 / i
  local y = i / 100.0
  if x < y then hits = hits + 1 end
  last[1] = x
  last[2] = y
end
print(hits, fmt(last[1], last[2]))

-- a division of a loop-carried value that is updated before the second division's operands
-- are ready (the first division must still read the old value)
local x, z, acc = 1.0, 0.0, 0.0
for i = 1, 3000 do
  local a = x / 3
  x = x + 1
  local b = i / 7
  acc = acc + a + b
  z = z + b / a
end
print(fmt(x, z, acc))

-- more live float values than registers: the pair falls back or still fits
local r1, r2, r3, r4, r5, r6, r7, r8 = 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
for i = 1, 2000 do
  local p, q = 1.0 / i, 3.0 / (i + 1)
  r1 = r1 + p * q
  r2 = r2 - p
  r3 = r3 + q * 0.5
  r4 = r4 + (p - q)
  r5 = r5 * 0.999 + p
  r6 = r6 + r1 / (i + 2)
  r7 = -r7 + q
  r8 = r8 + r2 * 1e-3
end
print(fmt(r1, r2, r3, r4, r5, r6, r7, r8))

-- a side branch (a condition that changes once the loop is hot) reading the first division
local sb1, sb2, sb3 = 0.0, 0.0, 0.0
for i = 1, 4000 do
  local p = 10.0 / i
  if i > 2500 then sb3 = sb3 + p * 2 end
  local q = i / 10.0
  sb1 = sb1 + p
  sb2 = sb2 + q
end
print(fmt(sb1, sb2, sb3))
