-- queens: count all solutions of the n-queens puzzle by backtracking.
-- Exercises: recursion with array-part tables used as boolean sets (columns
-- and both diagonals), table stores/loads with computed indices.
-- Usage: queens.lua [n]   (default n = 11; the search runs 15 times)
local n = tonumber(arg and arg[1]) or 11

local colUsed, diagUp, diagDown = {}, {}, {}
for i = 1, 2 * n do colUsed[i] = false; diagUp[i] = false; diagDown[i] = false end
local placement = {}
local solutions, firstSolution = 0, nil

local function place(row)
  if row > n then
    solutions = solutions + 1
    if not firstSolution then
      local parts = {}
      for i = 1, n do parts[i] = placement[i] end
      firstSolution = table.concat(parts, " ")
    end
    return
  end
  for col = 1, n do
    local u, d = row + col, row - col + n
    if not colUsed[col] and not diagUp[u] and not diagDown[d] then
      colUsed[col], diagUp[u], diagDown[d] = true, true, true
      placement[row] = col
      place(row + 1)
      colUsed[col], diagUp[u], diagDown[d] = false, false, false
    end
  end
end

local rounds = 15
for _ = 1, rounds do
  solutions = 0
  place(1)
end
print(string.format("%d-queens: %d solutions", n, solutions))
print("first: " .. firstSolution)
