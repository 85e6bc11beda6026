-- Leaving hot loops in every possible way: break, return, goto, error, nested loops,
-- while/repeat loops with complex exit conditions.

print("-- break from hot loops")
local function find(t, v)
  local idx
  for i = 1, #t do
    if t[i] == v then idx = i; break end
  end
  return idx
end
local arr = {}
for i = 1, 1000 do arr[i] = i * 3 end
print(find(arr, 300), find(arr, 2997), find(arr, 1), find(arr, 5000))
local total = 0
for round = 1, 200 do
  for i = 1, 1000 do
    if i > round then break end
    total = total + 1
  end
end
print(total)

print("-- return from inside hot loops")
local function firstsquareabove(n)
  local i = 0
  while true do
    i = i + 1
    if i * i > n then return i, i * i end
  end
end
print(firstsquareabove(10), firstsquareabove(1000000), firstsquareabove(0))
local function sumuntil(limit)
  local s = 0
  for i = 1, math.huge do
    s = s + i
    if s >= limit then return i, s end
  end
end
for _, lim in ipairs({1, 100, 5000, 123456}) do io.write(table.concat({sumuntil(lim)}, "/"), " ") end
print()
-- return from a nested loop in a function called from a hot loop
local function inner(n)
  for a = 1, n do
    for b = 1, n do
      if a * b == n then return a + b end
    end
  end
  return -1
end
local acc = 0
for n = 1, 300 do acc = acc + inner(n) end
print(acc)

print("-- error from inside hot loops")
local function risky(n)
  local s = 0
  for i = 1, n do
    if i == 777 then error("failed at " .. i, 0) end
    s = s + i
  end
  return s
end
print(pcall(risky, 500))
print(pcall(risky, 1000))
local errs = 0
for i = 1, 300 do
  local ok = pcall(function() if i % 7 == 0 then error("x") end return i end)
  if not ok then errs = errs + 1 end
end
print(errs)
-- runtime errors (not error()) inside a hot loop
local t = {}
for i = 1, 200 do t[i] = i end
t[150] = "str"
print(pcall(function() local s = 0; for i = 1, #t do s = s + t[i] * 2 end return s end))
t[150] = {}
print(pcall(function() local s = 0; for i = 1, #t do s = s + t[i] end return s end))
t[150] = nil
print(pcall(function() local s = 0; for i = 1, 200 do s = s + t[i] end return s end))
-- the state after an error in a hot loop is consistent: locals outside keep their values
local progress = 0
pcall(function() for i = 1, 1000 do progress = i; if i == 600 then error("stop") end end end)
print(progress)

print("-- goto out of and into loop iterations")
local found = {}
for i = 1, 100 do
  for j = 1, 100 do
    if i * j == 391 then found[#found + 1] = i .. "x" .. j; goto next_i end
  end
  ::next_i::
end
print(table.concat(found, " "))
local k = 0
::again::
k = k + 1
if k < 5000 then goto again end
print(k)

print("-- nested hot loops")
local grid = 0
for i = 1, 100 do
  for j = 1, 100 do
    for l = 1, 3 do grid = grid + (i ~ j) % (l + 1) end
  end
end
print(grid)
local tri = 0
for i = 1, 300 do for j = 1, i do tri = tri + 1 end end
print(tri)
local mat = {}
for i = 1, 40 do
  mat[i] = {}
  for j = 1, 40 do mat[i][j] = (i - 1) * 40 + j end
end
local trace = 0
for i = 1, 40 do trace = trace + mat[i][i] end
local prodsum = 0
for i = 1, 40 do for j = 1, 40 do prodsum = prodsum + mat[i][j] * mat[j][i] end end
print(trace, prodsum)

print("-- while and repeat loops with complex exits")
local function collatz(n)
  local steps = 0
  while n ~= 1 do
    if n % 2 == 0 then n = n // 2 else n = 3 * n + 1 end
    steps = steps + 1
  end
  return steps
end
local maxsteps, arg = 0, 0
for n = 1, 3000 do
  local s = collatz(n)
  if s > maxsteps then maxsteps, arg = s, n end
end
print(maxsteps, arg)
local a, b = 0, 1000
repeat
  a = a + 3
  b = b - 2
  if a % 50 == 0 and b % 7 == 0 then break end
until a >= b or (a > 100 and b % 13 == 0)
print(a, b)
local i2, j2 = 0, 0
while i2 < 1000 and (j2 < 500 or i2 % 3 ~= 0) do
  i2 = i2 + 1
  if i2 % 2 == 0 then j2 = j2 + 1 else j2 = j2 + 2 end
end
print(i2, j2)
local r = 0
repeat
  local done = r * r > 5000
  r = r + 1
until done
print(r)
local fib = {1, 1}
local idx = 2
while true do
  local nxt = fib[idx] + fib[idx - 1]
  if nxt > 1e15 then break end
  idx = idx + 1
  fib[idx] = nxt
end
print(idx, fib[idx])

print("-- loops exiting through coroutine yields")
local gen = coroutine.wrap(function()
  for i = 1, 1000 do
    if i % 100 == 0 then coroutine.yield(i) end
  end
  return "end"
end)
local ys = {}
for _ = 1, 11 do ys[#ys + 1] = gen() end
print(table.concat(ys, ","))
