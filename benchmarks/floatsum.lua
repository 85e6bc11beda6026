-- floatsum: a numeric for loop accumulating floats.
-- Exercises: the numeric-for loop with float accumulators (harmonic series,
-- alternating series for pi/4, a scaled running sum); int->float conversion.
-- Usage: floatsum.lua [N]   (default N = 50000000)
local N = tonumber(arg and arg[1]) or 50000000

local harmonic, leibniz, scaled = 0.0, 0.0, 0.0
local sign = 1.0
for i = 1, N do
  harmonic = harmonic + 1.0 / i
  leibniz = leibniz + sign / (2 * i - 1)
  sign = -sign
  scaled = scaled + i * 0.5
end
print(string.format("harmonic = %.10f", harmonic))
print(string.format("4*leibniz = %.10f", 4 * leibniz))
print(string.format("scaled = %.1f", scaled))
