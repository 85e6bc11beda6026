-- Tables in hot loops: array growth, hash/array migration, holes, float keys, nested
-- tables; float for-loops and numerical kernels.

print("-- array growth inside loops")
local t = {}
for i = 1, 10000 do t[i] = i * 2 end
print(#t, t[1], t[5000], t[10000])
local u = {}
for i = 1, 5000 do u[#u + 1] = i end
print(#u, u[#u])
local gaps = {}
for i = 1, 2000, 2 do gaps[i] = i end
local gc = 0
for k in pairs(gaps) do gc = gc + 1 end
print(gc, gaps[1999], gaps[2000])
local rev = {}
for i = 3000, 1, -1 do rev[i] = -i end
print(#rev, rev[1], rev[3000])
local cols = {}
for i = 1, 100 do
  local row = {}
  for j = 1, 100 do row[j] = i * j end
  cols[i] = row
end
print(cols[50][50], cols[100][1], #cols, #cols[7])
-- growth by table.insert and shrinking by table.remove in a loop
local q = {}
for i = 1, 3000 do table.insert(q, i) end
local rs = 0
for i = 1, 1000 do rs = rs + table.remove(q) end
print(#q, rs)
for i = 1, 500 do table.insert(q, 1, -i) end
print(#q, q[1], q[500], q[501])

print("-- keys of different types in the same loop")
local mix = {}
for i = 1, 1000 do
  local key
  if i % 4 == 0 then key = i elseif i % 4 == 1 then key = "s" .. i
  elseif i % 4 == 2 then key = i + 0.5 else key = i * 1.0 end
  mix[key] = i
end
local ints, strs, floats = 0, 0, 0
for k in pairs(mix) do
  if math.type(k) == "integer" then ints = ints + 1
  elseif math.type(k) == "float" then floats = floats + 1
  else strs = strs + 1 end
end
print(ints, strs, floats, mix[3], mix[3.0], mix[2.5])

print("-- reading missing entries and holes in hot loops")
local sparse = {}
for i = 1, 1000, 10 do sparse[i] = i end
local present, missing = 0, 0
for i = 1, 1000 do
  if sparse[i] then present = present + 1 else missing = missing + 1 end
end
print(present, missing)
local dflt = setmetatable({}, {__index = function(_, k) return k * 10 end})
for i = 1, 100 do dflt[i * 2] = 0 end
local ds = 0
for i = 1, 300 do ds = ds + dflt[i] end
print(ds)

print("-- float for loops")
local fs = 0
for x = 0, 1, 0.001 do fs = fs + x end
print(string.format("%.6f", fs))
local fcount = 0
for x = 1.0, 0, -0.125 do fcount = fcount + 1 end
print(fcount)
local area = 0
local dx = 1 / 4096
for x = 0, 1 - dx / 2, dx do area = area + (x + dx / 2) ^ 2 * dx end
print(string.format("%.10f", area))
local big = 0
for x = 1e15, 1e15 + 10 do big = big + 1 end
print(big)
local tiny = 0
for x = 0.1, 0.35, 0.05 do tiny = tiny + 1 end
print(tiny)

print("-- numerical kernels")
local function sieve(n)
  local composite = {}
  local count = 0
  for i = 2, n do
    if not composite[i] then
      count = count + 1
      for j = i * i, n, i do composite[j] = true end
    end
  end
  return count
end
print(sieve(30000))
local function mandel(w)
  local inside = 0
  for y = 0, w - 1 do
    local ci = 2 * y / w - 1
    for x = 0, w - 1 do
      local cr = 2.5 * x / w - 2
      local zr, zi, k = 0.0, 0.0, 0
      while k < 50 and zr * zr + zi * zi < 4 do
        zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
        k = k + 1
      end
      if k == 50 then inside = inside + 1 end
    end
  end
  return inside
end
print(mandel(60))
local function fibs(n)
  local a, b = 0, 1
  for _ = 1, n do a, b = b, a + b end
  return a
end
print(fibs(90), fibs(100))    -- the second wraps around
local function matmul(n)
  local A, B, C = {}, {}, {}
  for i = 1, n do
    A[i], B[i], C[i] = {}, {}, {}
    for j = 1, n do A[i][j] = i + j; B[i][j] = i - j; C[i][j] = 0 end
  end
  for i = 1, n do
    for j = 1, n do
      local s = 0
      for k = 1, n do s = s + A[i][k] * B[k][j] end
      C[i][j] = s
    end
  end
  return C[1][1], C[n][n], C[n // 2][3]
end
print(matmul(40))
local hist = {}
for i = 1, 10000 do
  local b = (i * 7919) % 13
  hist[b] = (hist[b] or 0) + 1
end
local hs = {}
for b = 0, 12 do hs[#hs + 1] = hist[b] end
print(table.concat(hs, " "))

print("-- strings built in loops")
local buf = {}
for i = 1, 1000 do buf[i] = string.char(97 + i % 26) end
local str = table.concat(buf)
print(#str, str:sub(1, 30))
local count = 0
for i = 1, #str do if str:byte(i) == 97 then count = count + 1 end end
print(count)
local joined = ""
for i = 1, 200 do joined = joined .. (i % 10) end
print(#joined, joined:sub(-12))
