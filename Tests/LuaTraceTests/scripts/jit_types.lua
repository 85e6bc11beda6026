-- Type instability inside hot loops: a tracing JIT specialises on the types it saw while
-- recording, so every change of type must leave the trace correctly.

print("-- integer accumulator turning into a float mid-loop")
local acc = 0
for i = 1, 2000 do
  if i == 1000 then acc = acc + 0.5 else acc = acc + 1 end
end
print(acc, math.type(acc))
acc = 0
for i = 1, 2000 do acc = acc + (i > 1500 and 1.0 or 1) end
print(acc, math.type(acc))
local x = 1
for i = 1, 200 do x = x * 2 end            -- integer wraps to 0 after 64 doublings
print(x, math.type(x))
local y = 1.0
for i = 1, 200 do y = y * 2 end
print(y, math.type(y))
-- float turning back into an integer through floor division/ tointeger
local z = 0.0
for i = 1, 1000 do z = (z + 1) // 1; if i == 500 then z = math.tointeger(z) end end
print(z, math.type(z))

print("-- integer overflow wrapping inside a hot loop")
local big = math.maxinteger - 500
for i = 1, 1000 do big = big + 1 end
print(big, big == math.mininteger + 499)
local prod = 1
for i = 1, 100 do prod = prod * 3 end
print(prod)
local neg = math.mininteger + 10
for i = 1, 100 do neg = neg - 1 end
print(neg)
local h = 0
for i = 1, 5000 do h = h * 31 + i end
print(h)
local m = 0
for i = 1, 1000 do m = (m + math.maxinteger) % 1000003 end
print(m)
local u = 0
for i = 1, 3000 do u = -u - i end
print(u)

print("-- a loop variable that becomes nil or changes type")
local t = {}
for i = 1, 300 do t[i] = i end
t[250] = nil
local sum, nils = 0, 0
for i = 1, 300 do
  local v = t[i]
  if v == nil then nils = nils + 1 else sum = sum + v end
end
print(sum, nils)
local mixed = {}
for i = 1, 400 do
  if i % 100 == 0 then mixed[i] = tostring(i)
  elseif i % 97 == 0 then mixed[i] = i + 0.5
  elseif i == 333 then mixed[i] = false
  else mixed[i] = i end
end
local counts = {integer = 0, float = 0, string = 0, other = 0}
local total = 0
for i = 1, 400 do
  local v = mixed[i]
  local mt = math.type(v)
  if mt then counts[mt] = counts[mt] + 1; total = total + v
  elseif type(v) == "string" then counts.string = counts.string + 1; total = total + tonumber(v)
  else counts.other = counts.other + 1 end
end
print(counts.integer, counts.float, counts.string, counts.other, total)
-- a value that is a string in some iterations: arithmetic coerces it
local s = 0
for i = 1, 300 do
  local v = (i % 50 == 0) and tostring(i) or i
  s = s + v
end
print(s, math.type(s))
-- string concatenation of numbers inside loops
local parts = {}
for i = 1, 300 do parts[#parts + 1] = i .. "" end
print(#table.concat(parts))
local fl = {}
for i = 1, 200 do fl[#fl + 1] = (i / 4) .. "" end
print(fl[1], fl[4], fl[200])

print("-- loop variable reassigned to nil inside while")
local node = nil
for i = 1, 500 do node = {next = node, v = i} end
local cnt, vs = 0, 0
while node do cnt = cnt + 1; vs = vs + node.v; node = node.next end
print(cnt, vs, node)

print("-- comparisons that flip type")
local flips = 0
local prev = 0
for i = 1, 1000 do
  local cur = (i % 3 == 0) and i + 0.0 or i
  if cur > prev then flips = flips + 1 end
  prev = cur
end
print(flips)
local eqs = 0
for i = 1, 1000 do if i == i + 0.0 then eqs = eqs + 1 end end
print(eqs)
local strs = 0
for i = 1, 500 do if ("k" .. (i % 5)) == "k3" then strs = strs + 1 end end
print(strs)

print("-- booleans and nil in hot conditions")
local truthy = 0
local vals = {0, "", false, nil, {}, 0.0}
for i = 1, 600 do
  if vals[(i % 6) + 1] then truthy = truthy + 1 end
end
print(truthy)

print("-- division results")
local dsum = 0
for i = 1, 1000 do dsum = dsum + i // 7 + i % 7 + (i / 8) end
print(dsum)
local negmod = 0
for i = -500, 500 do negmod = negmod + i % 7 + i // 7 + (i % -3) end
print(negmod)
local fm = 0.0
for i = -50, 50 do fm = fm + (i + 0.5) % 3 + (i + 0.5) // 3 end
print(fm)
