-- Float accumulators in compiled loops (kept in registers by the C emitter): values must be
-- exact at every exit, whether the loop ends normally, breaks, or leaves through a guard.

local function sums(n)
  local a, b, c = 0.0, 0.0, 0.0
  for i = 1, n do
    a = a + i * 0.5
    b = b + 1.0 / i
    c = c + (i % 3) * 0.25
  end
  return a, b, c
end
print(sums(1000))
print(sums(10))

-- break in the middle of an accumulation
local acc = 0.0
for i = 1, 100000 do
  acc = acc + 0.1
  if acc > 123.4 then break end
end
print("break", acc)

-- a guard failing mid-loop (the table holds a string at one index)
local t = {}
for i = 1, 300 do t[i] = i * 1.5 end
t[250] = "x"
local s = 0.0
local ok, err = pcall(function()
  for i = 1, 300 do s = s + t[i] end
end)
print("guard", s, ok, (err:gsub("^.-:%d+: ", "")))

-- accumulator read inside the loop (not pinned) next to one that is
local p, q = 0.0, 0.0
for i = 1, 1000 do
  p = p + 0.5
  q = q + p * 0.001
end
print("pq", p, q)

-- while loop with a float accumulator and an integer counter
local x, k = 1.0, 0
while x < 1e6 do x = x + x * 0.5; k = k + 1 end
print("while", x, k)

-- float accumulator that turns into an integer never (type-stable), and one that starts as int
local m = 0
for i = 1, 100 do m = m + 0.5 end
print("int->float", m, math.type(m))
