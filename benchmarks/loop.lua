-- loop: the motivating micro-benchmark -- a bare integer while loop.
-- Exercises: the interpreter dispatch loop (compare, add, jump) and, with the
-- JIT on, trace recording/compilation of the simplest possible hot loop.
-- Usage: loop.lua [N]   (default N = 100000000)
local N = tonumber(arg and arg[1]) or 100000000
local x = 1
while x < N do x = x + 1 end
print(string.format("x = %d", x))
