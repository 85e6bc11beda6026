-- String concatenation in compiled loops: strings with integers and floats (lua's number
-- formats), chains of several values, results kept and dropped (collections while the loop
-- runs), and operands that stop being strings or numbers mid-loop (metamethods, errors).

local parts = {}
for i = 1, 2000 do
  parts[#parts + 1] = "k" .. i .. "=" .. (i * 0.5) .. ";"
end
print(#parts, parts[1], parts[2], parts[2000])

local s = ""
for i = 1, 3000 do s = s .. (i % 10) end
print(#s, s:sub(1, 12), s:sub(-5))

-- garbage strings: memory stays bounded
local n = 0
for i = 1, 300000 do
  local t = "row " .. i .. ": " .. (i / 7)
  n = n + #t
end
print("total", n, collectgarbage("count") < 64 * 1024)

-- special numbers and integer/float distinctions
local out = {}
local vals = {1, -0.0, 1e100, 2^63, -7, 0.1, 1/0, -1/0, math.mininteger, 3.0}
for i = 1, 40 do
  local v = vals[i % #vals + 1]
  out[#out + 1] = "[" .. v .. "]"
end
print(table.concat(out, "", 1, 10))

-- an operand with a __concat metamethod appears mid-loop, then one that cannot concatenate
local mt = {__concat = function(a, b)
  local x = type(a) == "table" and "T" or a
  local y = type(b) == "table" and "T" or b
  return x .. y
end}
local obj = setmetatable({}, mt)
local acc = {}
for i = 1, 100 do
  local v = i < 90 and i or obj
  acc[#acc + 1] = "<" .. v
end
print(acc[1], acc[89], acc[90], acc[100])
print(pcall(function()
  local r = ""
  for i = 1, 100 do
    local v = i < 95 and i or {}
    r = "x" .. v
  end
  return r
end))
