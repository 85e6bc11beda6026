-- Arithmetic metamethods in compiled loops: the metamethod is inlined; an exit from inside it
-- makes the interpreter run the arithmetic instruction again from the start, so nothing the
-- metamethod did before the exit may be observable. Covered: fresh result objects, constant
-- operands on either side, unary minus, guards failing inside the metamethod (a field turning
-- into a float, then into a string), metamethods with outside effects (counters in upvalues
-- and tables: not restartable, so not compiled, but still exact), errors raised inside, a
-- metamethod calling another one, and the second operand supplying the metamethod.

local V = {}
V.__index = V
local function v2(x, y) return setmetatable({x = x, y = y}, V) end
V.__add = function(a, b) return v2(a.x + b.x, a.y + b.y) end
V.__sub = function(a, b) return v2(a.x - b.x, a.y - b.y) end
V.__mul = function(a, b)
  if type(a) == "number" then return v2(a * b.x, a * b.y) end
  if type(b) == "number" then return v2(a.x * b, a.y * b) end
  return a.x * b.x + a.y * b.y
end
V.__unm = function(a) return v2(-a.x, -a.y) end
V.__div = function(a, b) return v2(a.x / b, a.y / b) end

local acc = v2(0, 0)
for i = 1, 3000 do
  local p = v2(i, -i)
  acc = acc + p * 2 - (-p) + 3 * p / 4
end
print("sum", acc.x, acc.y)

local dot = 0
for i = 1, 2000 do dot = dot + v2(i, 1) * v2(1, i) end
print("dot", dot, math.type(dot))

-- a field type changes inside the metamethod's work: integer, then float, then a string
local q = v2(1, 1)
local out = {}
for i = 1, 300 do
  local w = v2(i, 2)
  if i > 200 then w.x = i + 0.5 end
  if i == 290 then w.y = "7" end
  local r = q + w
  out[#out + 1] = r.x + r.y
end
print("types", #out, out[1], out[250], out[290], out[300])

-- an outside effect inside the metamethod: a counter in an upvalue and one in a table
local calls, log = 0, {n = 0}
local C = {}
C.__add = function(a, b)
  calls = calls + 1
  log.n = log.n + 1
  return setmetatable({v = a.v + b.v}, C)
end
local c = setmetatable({v = 0}, C)
for i = 1, 500 do
  local r = c + setmetatable({v = i}, C)
  if i % 100 == 0 then c = r end
end
print("effects", calls, log.n, c.v)

-- errors raised inside a metamethod
print(pcall(function()
  local s = v2(0, 0)
  for i = 1, 100 do s = s + (i == 77 and v2(nil, 1) or v2(i, i)) end
  return s.x
end))

-- a metamethod using another metamethod, and the second operand supplying it
local W = {}
local function pv(o) if type(o) == "table" then return o.p end return o end
W.__add = function(a, b) return setmetatable({p = pv(a) + pv(b)}, W) end
W.__mul = function(a, b) return (a + b) + a end
local z = setmetatable({p = 1}, W)
local zs = 0
for i = 1, 200 do
  zs = zs + (z * setmetatable({p = i}, W)).p + (i + z).p
end
print("nested", zs)

-- comparison metamethods: __eq (not called for the same object), __lt, __le, with both
-- operand orders, a result that is not a boolean, and a metatable without __eq
local P = {}
P.__eq = function(a, b) return a.k == b.k end
P.__lt = function(a, b) return a.k < b.k end
P.__le = function(a, b) if a.k <= b.k then return 1 end return nil end
local function pt(k) return setmetatable({k = k}, P) end
local same, less, lesseq, ident = 0, 0, 0, 0
local base = pt(50)
for i = 1, 300 do
  local o = pt(i % 100)
  if o == base then same = same + 1 end
  if o ~= pt(i % 100) then same = same + 1000 end
  if o < base then less = less + 1 end
  if base < o then less = less + 100 end
  if o <= base then lesseq = lesseq + 1 end
  if o == o then ident = ident + 1 end
end
print("compare", same, less, lesseq, ident)
local plain = setmetatable({}, {})
local peq = 0
for i = 1, 200 do if plain == setmetatable({}, {}) then peq = peq + 1 end end
print("no __eq", peq)
