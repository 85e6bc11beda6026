-- strbuild: building strings three ways -- repeated '..' concatenation in a
-- loop, collecting pieces and joining with table.concat, and string.rep --
-- plus string.sub/string.byte/#s to check what was built.
-- Exercises: string creation and interning, concatenation of numbers and
-- strings, table.concat, string.rep, string.sub, string.byte, GC of strings.
-- Usage: strbuild.lua [rounds]   (default rounds = 14000)
local rounds = tonumber(arg and arg[1]) or 14000

local function digest(s, acc)
  -- sample a few bytes so the checksum depends on the content, not only the length
  local n = #s
  acc = (acc * 31 + n) % 1000000007
  local step = math.floor(n / 7) + 1
  for i = 1, n, step do acc = (acc * 31 + s:byte(i)) % 1000000007 end
  return acc
end

local words = { "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta" }
local sum, totalLen = 0, 0
for r = 1, rounds do
  -- 1) naive '..' accumulation (quadratic copying, kept short)
  local s = ""
  for i = 1, 60 do
    s = s .. words[(i + r) % #words + 1] .. i .. ","
  end
  sum = digest(s, sum)
  totalLen = totalLen + #s

  -- 2) table.concat of many small pieces
  local parts = {}
  for i = 1, 200 do
    parts[i] = words[(i * r) % #words + 1] .. "=" .. (i * r) % 1000
  end
  local joined = table.concat(parts, "&")
  sum = digest(joined, sum)
  totalLen = totalLen + #joined

  -- 3) string.rep and slicing
  local bar = string.rep("-=", 50 + r % 50) .. string.rep("x", r % 13)
  local mid = bar:sub(10, -10)
  sum = digest(mid, sum)
  totalLen = totalLen + #bar + #mid

  -- 4) upper/lower/reverse of a built line
  local line = table.concat({ words[r % 8 + 1], tostring(r), s:sub(1, 40) }, " ")
  sum = digest(line:upper() .. line:reverse(), sum)
end
print(string.format("total length = %d", totalLen))
print(string.format("checksum = %d", sum))
