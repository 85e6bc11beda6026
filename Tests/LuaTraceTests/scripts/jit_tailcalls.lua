-- Tail calls inside compiled loops: `return f(x)` in an inlined function, chains of them,
-- tail calls to builtins, results wanted 1/many/all, a guard failing inside the tail-called
-- function (the rebuilt frame must be marked as a tail call, as tracebacks show), and tail
-- calls the trace does not handle (closing upvalues, vararg callee) still running correctly.

local function sq(x) return x * x end
local function addsq(x, y) return sq(x + y) end          -- one tail call
local function chain3(x) return addsq(x, 1) end           -- two in a row
local s = 0
for i = 1, 300 do s = s + chain3(i) end
print("chain", s)

local function pair(x) return x, x + 1 end
local function viapair(x) return pair(x * 2) end
local a, b, n = 0, 0, 0
for i = 1, 200 do
  local p, q = viapair(i)
  a = a + p; b = b + q
  local t = {viapair(i)}
  n = n + #t
end
print("multi", a, b, n)

local function root(x) return math.sqrt(x) end
local function fl(x) return math.floor(x / 3) end
local function byte(s, i) return string.byte(s, i) end
local fs, is, bs = 0.0, 0, 0
for i = 1, 250 do
  fs = fs + root(i)
  is = is + fl(i)
  bs = bs + byte("abcdefghij", i % 10 + 1)
end
print("builtin", string.format("%.6f", fs), is, bs, math.type(is))

-- a method tail call
local Acc = {}
Acc.__index = Acc
function Acc:add(v) self.total = self.total + v return self.total end
function Acc:addTwice(v) self:add(v) return self:add(v) end
local acc = setmetatable({total = 0}, Acc)
local last
for i = 1, 200 do last = acc:addTwice(i) end
print("method", acc.total, last)

-- the tail-called function's types change mid-loop: its guards fail inside the trace
local function kind(t) return t.v * 2 end
local function viakind(t) return kind(t) end
local box, out = {v = 0}, 0
for i = 1, 120 do
  box.v = i <= 100 and i or i + 0.5
  out = out + viakind(box)
end
print("types", out, math.type(out))

-- a traceback taken in a tail-called function after an exit shows the tail call
local function deep(i)
  if i == 150 then
    local tb = debug.traceback("here", 1)
    local lines = {}
    for l in tb:gmatch("[^\n]+") do lines[#lines + 1] = (l:gsub("^%s+", "")) end
    return table.concat(lines, " | ", 1, math.min(#lines, 4))
  end
  return i
end
local function viadeep(i) return deep(i) end
local seen
for i = 1, 160 do
  local r = viadeep(i)
  if type(r) == "string" then seen = r end
end
print("traceback", seen)

-- tail calls the trace does not take: upvalues to close first, vararg callees
local function closing(x)
  local y = x * 2
  local get = function() return y end
  return sq(get())
end
local function va(...) return select("#", ...) + (...) end
local function viava(x) return va(x, x, x) end
local c, v = 0, 0
for i = 1, 200 do c = c + closing(i); v = v + viava(i) end
print("untraced", c, v)

-- an error raised in a tail-called function inside a compiled loop
local function boom(i) if i == 90 then error("boom at " .. i) end return i end
local function viaboom(i) return boom(i) end
print("error", pcall(function()
  local t = 0
  for i = 1, 100 do t = t + viaboom(i) end
  return t
end))
