-- matmul: dense n x n float matrix multiplication, C = A * B, with tables of rows.
-- Exercises: triply nested numeric-for loops, two-level table indexing, float
-- multiply-add, row allocation.
-- Usage: matmul.lua [n]   (default n = 340)
local n = tonumber(arg and arg[1]) or 340

local function build(f)
  local m = {}
  for i = 1, n do
    local row = {}
    for j = 1, n do row[j] = f(i, j) end
    m[i] = row
  end
  return m
end

local function multiply(a, b)
  local c = {}
  for i = 1, n do
    local ai = a[i]
    local ci = {}
    for j = 1, n do
      local s = 0.0
      for k = 1, n do s = s + ai[k] * b[k][j] end
      ci[j] = s
    end
    c[i] = ci
  end
  return c
end

local a = build(function(i, j) return (i - j) * (i + j) / (n * n) end)
local b = build(function(i, j) return ((i * 7 + j * 3) % 11) / 10.0 - 0.5 end)
local c = multiply(a, b)

local trace, total = 0.0, 0.0
for i = 1, n do
  trace = trace + c[i][i]
  local row = c[i]
  for j = 1, n do total = total + row[j] end
end
print(string.format("trace = %.6f", trace))
print(string.format("sum = %.6f", total))
print(string.format("c[1][n] = %.6f", c[1][n]))
