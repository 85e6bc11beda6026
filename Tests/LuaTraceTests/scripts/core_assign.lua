-- Multiple assignment and multiple results: adjustment, evaluation order, swaps.

local function three() return 1, 2, 3 end
local function none() end

local a, b, c, d = three()
print(a, b, c, d)
a, b, c, d = three(), 10
print(a, b, c, d)
a, b, c, d = 0, three()
print(a, b, c, d)
a, b = (three())
print(a, b)
a, b, c = none(), 5
print(a, b, c)
a, b, c = 5, none()
print(a, b, c)
local x, y = 1
print(x, y)
x, y = 1, 2, 3, print("extra expressions are evaluated")
print(x, y)

-- swap and rotate
a, b = 1, 2
a, b = b, a
print(a, b)
a, b, c = 1, 2, 3
a, b, c = c, a, b
print(a, b, c)

-- evaluation: all expressions are evaluated before assignment
local t = {1, 2, 3}
local i = 1
i, t[i] = i + 1, 20
print(i, t[1], t[2])
t = {}
t.x, t.y, t.x = 1, 2, 3    -- order of assignment is undefined in the manual; check only y
print(t.y)

-- results in various positions
local function ret(...) return ... end
print(ret(three()))
print(ret(three(), three()))
print((ret(three())))
print(#{three()}, #{three(), three()}, #{(three())}, #{three(), nil})
print(three() + 10, -three(), #tostring(three()))
t = {three(), three(), k = three()}
print(#t, t.k)

-- returning from nested calls and adjustments to 0/1/many
local function wrap(f, ...) return f(...) end
print(wrap(three))
print(select('#', wrap(none)), select('#', (wrap(none))))
local s = string.format("%d %d %d", three())
print(s)

-- method call results
local obj = {v = 7}
function obj:get() return self.v, self.v * 2 end
print(obj:get())
local p, q = obj:get()
print(p + q)

-- global multiple assignment
G1, G2, G3 = three()
print(G1, G2, G3)
G1, G2 = G2, G1
print(G1, G2)

-- many locals and a long return list
local function long() return 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 end
local l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13, l14, l15, l16, l17, l18, l19, l20, l21 = long()
print(l1, l10, l20, l21)
print(select('#', long()), (select(20, long())))

-- nested functions returning multiple values through pcall
print(pcall(three))
print(pcall(pcall, three))
print(select('#', pcall(none)))
