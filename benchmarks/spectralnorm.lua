-- spectralnorm: the spectral norm of the infinite matrix
-- A(i,j) = 1 / ((i+j)(i+j+1)/2 + i + 1), by the power method on A^T A.
-- Exercises: float division/multiply-add in doubly nested numeric-for loops,
-- array-part float loads and stores, small function calls in the inner loop.
-- Usage: spectralnorm.lua [n]   (default n = 750)
local n = tonumber(arg and arg[1]) or 750

local function A(i, j)
  local ij = i + j - 2 -- i, j are 1-based here
  return 1.0 / (ij * (ij + 1) / 2 + i)
end

local function mulAv(v, out)
  for i = 1, n do
    local s = 0.0
    for j = 1, n do s = s + A(i, j) * v[j] end
    out[i] = s
  end
end

local function mulAtv(v, out)
  for i = 1, n do
    local s = 0.0
    for j = 1, n do s = s + A(j, i) * v[j] end
    out[i] = s
  end
end

local tmp = {}
local function mulAtAv(v, out)
  mulAv(v, tmp)
  mulAtv(tmp, out)
end

local u, v = {}, {}
for i = 1, n do u[i] = 1.0; v[i] = 0.0; tmp[i] = 0.0 end
for _ = 1, 10 do
  mulAtAv(u, v)
  mulAtAv(v, u)
end
local vBv, vv = 0.0, 0.0
for i = 1, n do
  vBv = vBv + u[i] * v[i]
  vv = vv + v[i] * v[i]
end
print(string.format("%0.9f", math.sqrt(vBv / vv)))
