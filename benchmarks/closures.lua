-- closures: creating and calling closures -- counters sharing upvalues,
-- function composition, stateful iterator closures in generic for loops,
-- higher-order map/filter/fold with lambda arguments, memoization.
-- Exercises: CLOSURE creation, upvalue get/set (open and closed upvalues),
-- calls through function values, vararg-free generic-for iterators.
-- Usage: closures.lua [rounds]   (default rounds = 110000)
local rounds = tonumber(arg and arg[1]) or 110000

local function counter(start)
  local n = start
  local function inc(k) n = n + k; return n end
  local function get() return n end
  return inc, get
end

local function compose(f, g) return function(x) return f(g(x)) end end
local function adder(k) return function(x) return x + k end end

local function range(n)
  local i = 0
  return function()
    i = i + 1
    if i <= n then return i end
  end
end

local function map(t, f)
  local r = {}
  for i = 1, #t do r[i] = f(t[i]) end
  return r
end
local function filter(t, p)
  local r, n = {}, 0
  for i = 1, #t do
    local v = t[i]
    if p(v) then n = n + 1; r[n] = v end
  end
  return r
end
local function fold(t, f, acc)
  for i = 1, #t do acc = f(acc, t[i]) end
  return acc
end

local function memoize(f)
  local cache = {}
  return function(x)
    local v = cache[x]
    if v == nil then v = f(x); cache[x] = v end
    return v
  end
end

local total = 0
local square = memoize(function(x) return x * x % 1009 end)
for r = 1, rounds do
  -- counters: two closures over one upvalue
  local inc, get = counter(r)
  for k = 1, 10 do inc(k) end
  total = total + get()

  -- a chain of composed adders
  local f = adder(1)
  for k = 2, 8 do f = compose(f, adder(k)) end
  total = total + f(r)

  -- iterator closure + map/filter/fold with fresh lambdas capturing r
  local xs = {}
  for i in range(20) do xs[#xs + 1] = i end
  local ys = map(xs, function(x) return x * 3 + r % 7 end)
  local zs = filter(ys, function(y) return y % 2 == 0 end)
  total = total + fold(zs, function(a, b) return a + b end, 0)

  -- loop-local upvalues: each closure captures its own i
  local fns = {}
  for i = 1, 10 do fns[i] = function() return i * r end end
  for i = 1, 10 do total = total + fns[i]() end

  total = (total + square(r % 100)) % 1000000007
end
print(string.format("checksum = %d", total))
