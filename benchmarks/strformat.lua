-- strformat: report-style formatting in a loop -- string.format with integer,
-- float, string, hex, padding and precision conversions, tostring/tonumber
-- round trips, building fixed-width table rows.
-- Exercises: string.format's conversion engine (%d %5d %-8s %08.3f %x %X %e
-- %g %c %%), number<->string conversion, short-string creation.
-- Usage: strformat.lua [rows]   (default rows = 260000)
local rows = tonumber(arg and arg[1]) or 260000

local names = { "apple", "banana", "cherry", "damson", "elder", "fig", "grape", "hazel" }
local function h(acc, s)
  -- length plus first/last byte keeps the checksum cheap but content-sensitive
  return (acc * 131 + #s * 7 + s:byte(1) + s:byte(-1)) % 1000000007
end

local acc, totalLen = 0, 0
local price = 0.5
for i = 1, rows do
  local name = names[i % #names + 1]
  price = price * 1.000003 + 0.01
  local qty = (i * 37) % 1000
  local row = string.format("|%6d|%-8s|%5d|%10.2f|%08.3f|%x|%X|", i, name, qty, price * qty, price, i * 2654435 % 4294967296, qty * 255)
  local sci = string.format("%e %g %.3g %c%c %5.1f%%", price * 1e6, price, (i + 0.1234) / 7, 65 + i % 26, 97 + i % 26, (qty / 10))
  local back = tonumber(string.format("%.6f", price))
  local id = string.format("%s-%04d-%s", name:sub(1, 3), i % 10000, tostring(qty))
  acc = h(h(h(acc, row), sci), id)
  totalLen = totalLen + #row + #sci + #id
  if back > price + 1e-6 or back < price - 1e-6 then acc = acc + 1 end
end
print(string.format("rows=%d length=%d", rows, totalLen))
print(string.format("checksum = %d", acc))
print(string.format("last price = %.6f", price))
