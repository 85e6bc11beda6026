-- Table layout observable without string keys: pairs/next order for integer, float and
-- boolean keys, and the border '#' picks in tables with holes. lua5.4 is deterministic for
-- these (its ltable.c algorithms); the expected output is lua5.4's.

local function keys(t)
  local out = {}
  for k, v in pairs(t) do out[#out + 1] = tostring(k) .. "=" .. tostring(v) end
  return table.concat(out, " ")
end

-- pairs order: hash part main positions and collisions
local t = {}
t[10] = 1 t[20] = 2 t[30] = 3 t[-5] = 4 t[100] = 5 t[3.5] = 6 t[true] = 7
print(keys(t))
local u = {1, 2, 3}
u[7] = 7 u[9] = 9 u[false] = 0
print(keys(u))
local w = {}
for i = 1, 10 do w[i * i] = i end
print(keys(w))
local f = {}
for i = 1, 12 do f[i / 4] = i end
print(keys(f))
local big = {}
big[math.maxinteger] = 1 big[math.mininteger] = 2 big[1 << 40] = 3 big[-1] = 4 big[2^53] = 5
big[math.huge] = 6 big[-math.huge] = 7 big[0.1] = 8
print(keys(big))

-- deletions keep dead keys; reinsertion and rehash
local d = {}
for i = 1, 20 do d[i * 7] = i end
for i = 1, 20, 3 do d[i * 7] = nil end
for i = 100, 110 do d[i] = i end
print(keys(d))
for k in pairs(d) do if k % 2 == 0 then d[k] = nil end end
d[1000] = 1 d[2000] = 2
print(keys(d))

-- constructors and SETLIST
local function pack(...) return {...} end
print(keys({1, nil, 3}), #{1, nil, 3})
print(keys({nil, nil, 3}), #{nil, nil, 3})
print(keys(pack(1, nil, 3, nil)), #pack(1, nil, 3, nil))
print(keys({[1] = 1, [2] = 2, [4] = 4, [8] = 8}))
print(keys({[3] = 3, 1, 2, [-1] = -1, [2.5] = 2.5}))

-- borders
local m = {} for i = 5, 14 do m[i] = i end print(#m)
local m5 = {} for i = 2, 20 do m5[i] = i end print(#m5)
local h = {1, 2, 3, nil, 5, nil, nil, 8} print(#h)
h[4] = 4 print(#h) h[6] = 6 print(#h) h[7] = 7 print(#h)
local g = {} for i = 1, 16 do g[i] = i end
g[16] = nil g[15] = nil print(#g) g[9] = nil print(#g) local _ = g[12] print(#g)
g[12] = nil g[13] = nil print(#g) g[8] = nil print(#g)
local r = {}
for i = 1, 64 do r[i] = i end
for i = 64, 1, -5 do r[i] = nil end
local seq = {}
for i = 1, 12 do seq[#seq + 1] = #r; r[#r + 1] = i end
print(table.concat(seq, " "))

-- a hot loop (traces) that reads, writes and measures
local acc = {}
local z = {}
for i = 1, 300 do
  if i % 7 ~= 0 then z[i] = i end
  if i % 11 == 0 then z[i - 3] = nil end
  if i % 13 == 0 then acc[#acc + 1] = #z end
  local _ = z[i + 5]
end
print(table.concat(acc, " "))
local y = {}
for i = 1, 200 do y[(i * 37) % 101] = i; if i % 50 == 0 then y[i // 2] = nil end end
print(keys(y))

-- table library on tables with holes
local tl = {1, 2, 3, nil, 5, 6}
table.insert(tl, 7) print(#tl, keys(tl))
print(table.remove(tl), #tl, keys(tl))
table.move(tl, 1, 3, 10) print(#tl, keys(tl))
print(select("#", table.unpack(tl)), table.concat({1, 2, 3}, ",", 1, 3))

-- next from a given key
local nx = {}
for i = 1, 8 do nx[i * 3] = i end
nx[true] = 0
local k, v = next(nx, 9)
print(k, v)
print(pcall(next, {10, 20}, 1.0))
