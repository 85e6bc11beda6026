-- Float accumulators kept in SSE registers by the trace compiler, and fused expressions:
-- results must be bit-identical to the interpreter's, also when the loop leaves early.

local function fmt(...) local t = {} for i, v in ipairs({...}) do t[i] = string.format("%.17g", v) end return table.concat(t, " ") end

-- many accumulators: more than the first two registers
local a, b, c, d, e, f = 0.0, 0.0, 1.0, 0.0, 100.0, 0.5
for i = 1, 20000 do
  a = a + i * 0.25
  b = b + 1.0 / i
  c = c * 1.0000001
  d = d - i / 3
  e = e - 0.125
  f = f * 0.99999
end
print(fmt(a, b, c, d, e, f))

-- an alternating sign (negation of a loop-carried float) and a subtraction chain
local s, sign, p = 0.0, 1.0, 0.0
for i = 1, 30001 do
  s = s + sign / (2 * i - 1)
  sign = -sign
  p = p - sign * i
end
print(fmt(4 * s, sign, p))

-- leaving the loop in the middle: the register values must be written back
local acc, acc2 = 0.0, 10.0
for i = 1, 100000 do
  acc = acc + i * 0.5
  if i == 7777 then break end
  acc2 = acc2 - 0.5
end
print(fmt(acc, acc2))

-- an accumulator that turns into an integer-valued float then a string mid-loop
local t = {}
for i = 1, 300 do t[i] = i * 1.5 end
t[200] = "x"
local sum = 0.0
local ok, err = pcall(function()
  for i = 1, #t do sum = sum + t[i] end
end)
print(fmt(sum), ok, (tostring(err):gsub("^.-:%d+: ", "")))

-- a while loop with a float accumulator and an integer counter
local x, n = 0.0, 0
while n < 50000 do
  n = n + 1
  x = x + n * n * 1e-3
end
print(fmt(x), n)

-- fused expressions whose operands are reassigned later in the iteration
local u, v = 1, 0.0
for i = 1, 1000 do
  local w = u * 2 + 1
  u = u + 3
  v = v + w / 7
end
print(u, fmt(v))
