-- Bitwise operators on integers, floats with exact integer values and numeric strings.

print(5 & 3, 5 | 3, 5 ~ 3, ~5, ~0, ~-1)
print(1 << 0, 1 << 1, 1 << 62, 1 << 63, 1 << 64, 1 << -1, 2 >> -1)
print(-1 >> 1, -1 >> 63, -1 >> 64, -1 << 64, 0xff >> 4, 0xff << 60)
print(1 << 100, 1 >> 100, -1 >> -100, math.mininteger >> 63)
print(0xF0 & 0x3C, 0xF0 | 0x3C, 0xF0 ~ 0x3C, 0xF0 & ~0x30)
print(3.0 & 1, 2^62 | 0, -0.0 | 0, 2^53 ~ 1)
print(math.maxinteger & math.mininteger, math.maxinteger ~ math.mininteger, ~math.maxinteger)
print(1 | 2 ~ 3 & 4 << 1, (1 | 2) ~ 3, 1 | 2 & 3, 1 << 2 + 1, ~1 + 1)
print(pcall(function() return 1.5 & 1 end))
print(pcall(function() return "1.5" & 1 end))
print(pcall(function() return {} | 1 end))
print(pcall(function() return 1 << nil end))
print(pcall(function() return 1e100 >> 1 end))
print(pcall(function() return "a" ~ 1 end))

-- a small checksum over many values keeps the operators honest in loops
local h = 0
for i = 1, 2000 do
  h = ((h << 5) ~ (h >> 3) ~ i * 2654435761) & 0xffffffff
end
print(h)
local popcount = 0
local x = 0x123456789abcdef0
while x ~= 0 do
  popcount = popcount + (x & 1)
  x = x >> 1
end
print(popcount)
-- string.format of results
print(string.format("%x %x %x", -1, 1 << 63, 0xdeadbeef ~ 0xffffffff))
