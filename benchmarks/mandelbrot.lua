-- mandelbrot: escape-time iteration over an n x n grid of the complex plane.
-- Exercises: float multiply/add/compare in a while loop with an early exit,
-- integer counters, nested numeric-for loops; no tables at all.
-- Usage: mandelbrot.lua [n]   (default n = 1150; 50 iterations per point)
local n = tonumber(arg and arg[1]) or 1150
local maxIter = 50

local inside, iterations = 0, 0
for py = 0, n - 1 do
  local ci = 2.0 * py / n - 1.0
  for px = 0, n - 1 do
    local cr = 2.0 * px / n - 1.5
    local zr, zi, zr2, zi2 = 0.0, 0.0, 0.0, 0.0
    local k = 0
    while k < maxIter and zr2 + zi2 <= 4.0 do
      zi = 2.0 * zr * zi + ci
      zr = zr2 - zi2 + cr
      zr2 = zr * zr
      zi2 = zi * zi
      k = k + 1
    end
    iterations = iterations + k
    if zr2 + zi2 <= 4.0 then inside = inside + 1 end
  end
end
print(string.format("%dx%d: %d points inside, %d iterations", n, n, inside, iterations))
