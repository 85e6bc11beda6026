-- Varargs: select, table.pack/unpack, ... in the main chunk, adjustment rules.

print("main chunk", select('#', ...), ...)
local mainargs = table.pack(...)
print(mainargs.n)

local function count(...) return select('#', ...) end
print(count(), count(nil), count(nil, nil), count(1, nil, 3, nil))
print(select(2, "a", "b", "c"), select(-1, "a", "b", "c"), select(-2, "a", "b", "c"))
print(select('#', select(4, 1, 2, 3)), pcall(select, 0, 1))
print(pcall(select, -5, 1, 2))
print(select(3, 1, 2, 3, 4, 5))

local function pass(...) return ... end
print(pass(1, nil, 3))
print(count(pass(nil, nil, nil)), (pass(1, 2, 3)))
print(pass(1, 2), pass(3, 4))        -- first call truncated to one value
print(({pass(1, 2, 3)})[3], ({pass(1, 2, 3), 4})[3])

local function tail(...) local a, b = ...; return b, a, ... end
print(tail("x", "y", "z"))

local t = table.pack(1, nil, 3, nil)
print(t.n, t[1], t[2], t[3], t[4], #{n = 1})
print(table.unpack({1, 2, 3}))
print(table.unpack({1, 2, 3}, 2))
print(table.unpack({1, 2, 3}, 2, 5))
print(table.unpack({1, 2, 3}, 3, 2))
print(select('#', table.unpack({}, 1, 3)))
print(table.unpack({n = 2, "a", "b", "c"}, 1, t.n))

local function sum(...)
  local s = 0
  for i = 1, select('#', ...) do
    s = s + (select(i, ...) or 0)
  end
  return s
end
print(sum(), sum(1), sum(1, 2, 3, nil, 5))

local function varfirst(a, ...)
  local rest = {...}
  return a, #rest, ...
end
print(varfirst())
print(varfirst(1))
print(varfirst(1, 2, 3))

-- ... in table constructors and in the middle of lists
local function mid(...) return {..., "end"}, {"start", ...} end
local m1, m2 = mid(1, 2, 3)
print(#m1, m1[1], m1[2], #m2, m2[4])

-- ... inside a nested closure must be the inner function's own
local function outerv(...)
  local n = select('#', ...)
  return function(...) return n, select('#', ...) end
end
print(outerv(1, 2, 3)(4))

-- many values
local many = {}
for i = 1, 250 do many[i] = i end
print(count(table.unpack(many)), select(250, table.unpack(many)))
local function manyret() return table.unpack(many) end
local packed = table.pack(manyret())
print(packed.n, packed[1], packed[250])

-- varargs with string.format and print
print(string.format("%s-%s-%s", pass("a", "b", "c")))
print((pass()))
