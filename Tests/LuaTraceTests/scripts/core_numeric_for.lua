-- Numeric for loops: integer and float loops, negative steps, overflow edges,
-- loop counts precomputed once, large iteration counts.

local function collect(a, b, c)
  local t = {}
  if c then
    for i = a, b, c do t[#t + 1] = tostring(i); if #t > 20 then t[#t + 1] = "..."; break end end
  else
    for i = a, b do t[#t + 1] = tostring(i); if #t > 20 then t[#t + 1] = "..."; break end end
  end
  return #t .. ": " .. table.concat(t, " ")
end

print("-- integer loops")
print(collect(1, 5))
print(collect(5, 1))
print(collect(5, 1, -1))
print(collect(1, 10, 3))
print(collect(10, 1, -4))
print(collect(0, 0))
print(collect(-3, 3, 2))
print(collect(1, 0))

print("-- float loops")
print(collect(1.0, 3))
print(collect(1, 2, 0.5))
print(collect(0, 1, 0.1))
print(collect(1, 0, -0.25))
print(collect(0.1, 0.5, 0.1))
print(collect(1, 3.5))
print(collect(1, 3.9))
print(collect(3, 1.5, -1))
print(collect(1, math.huge, 2^60) )
print(collect(1.0, -math.huge, -2^61))
for i = 1, 3 do io.write(math.type(i), " ") end
for i = 1.0, 3 do io.write(math.type(i), " ") end
for i = 1, 3.5 do io.write(math.type(i), " ") end
for i = 1, 2, 1.0 do io.write(math.type(i), " ") end
print()

print("-- overflow edges")
local maxi, mini = math.maxinteger, math.mininteger
print(collect(maxi - 2, maxi))
print(collect(mini + 2, mini, -1))
print(collect(maxi - 1, maxi, 2))
print(collect(mini, mini + 4, 3))
print(collect(maxi, maxi))
print(collect(mini, mini, -1))
print(collect(maxi - 5, maxi, maxi))
print(collect(mini, maxi, maxi))
print(collect(0, maxi, maxi // 2))
print(collect(maxi, mini, mini))
print(collect(1, 3, maxi))
print(collect(-1, -3, mini))
-- float limits with integer loops are clipped
print(collect(maxi - 1, 2^63))
print(collect(mini + 1, -2^63, -1))
print(collect(1, 1e300, 1e299 // 1 == 1e299 and maxi or 1))
print(collect(3, 2.5))
print(collect(-3, -2.5, -1))
print(collect(1, -math.huge))
print(collect(1, 0/0))
print(collect(1.0, 0/0))
print(collect(0, 3, 0.0 + 1))

print("-- the loop bounds are evaluated once")
local calls = 0
local function limit() calls = calls + 1; return 5 end
local s = 0
for i = 1, limit() do s = s + i end
print(s, calls)
local n = 3
local iters = 0
for i = 1, n do n = n + 1; iters = iters + 1 end
print(iters, n)
-- modifying the control variable does not affect the iteration count
iters = 0
for i = 1, 5 do
  local before = i
  i = i * 10
  iters = iters + 1
end
print(iters)

print("-- large loop counts")
local sum = 0
for i = 1, 3000000 do sum = sum + i end
print(sum)
local fsum = 0
for i = 0.5, 100000, 0.5 do fsum = fsum + i end
print(fsum)
local down = 0
for i = 1000000, 1, -1 do down = down + (i & 1) end
print(down)
local cnt = 0
for i = maxi - 999, maxi do cnt = cnt + 1 end
print(cnt)
cnt = 0
for i = mini, mini + 999999, 1000 do cnt = cnt + 1 end
print(cnt)

print("-- nested and empty loops")
local t = {}
for i = 1, 3 do for j = i, 3 do t[#t + 1] = i .. j end end
print(table.concat(t, " "))
for i = 1, 0 do error("never") end
for i = 0, -1 do error("never") end
for i = 1.0, 0.5 do error("never") end
print("empty loops ok")

print("-- numeric strings are converted by the for loop (lua5.4 behaviour)")
print(collect("1", 2))
print(collect(1, "2"))
print(collect(1, 2, "1"))
print(collect("0x10", 17))
print(pcall(collect, "one", 2))
