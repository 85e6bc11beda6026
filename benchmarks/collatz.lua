-- collatz: the longest Collatz (3n+1) chain for starting values below N.
-- Exercises: pure integer arithmetic (%, //, *, +) in a tight while loop with a
-- data-dependent branch; uses Lua 5.3+ floor division, so it is lua54-only.
-- Usage: collatz.lua [N]   (default N = 500000)
local N = tonumber(arg and arg[1]) or 500000

local best, bestStart, totalSteps = 0, 1, 0
for start = 1, N - 1 do
  local n, steps = start, 0
  while n ~= 1 do
    if n % 2 == 0 then
      n = n // 2
    else
      n = 3 * n + 1
    end
    steps = steps + 1
  end
  totalSteps = totalSteps + steps
  if steps > best then best, bestStart = steps, start end
end
print(string.format("longest chain below %d starts at %d (%d steps)", N, bestStart, best))
print(string.format("total steps = %d", totalSteps))
