-- Generic for with pairs/ipairs/next and __pairs; iteration order of hash keys is
-- unspecified, so keys are collected and sorted before printing.

local function sortedkeys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks, function(a, b)
    if type(a) == type(b) and (type(a) == "number" or type(a) == "string") then return a < b end
    return type(a) < type(b)
  end)
  return ks
end
local function show(t)
  local parts = {}
  for _, k in ipairs(sortedkeys(t)) do parts[#parts + 1] = tostring(k) .. "=" .. tostring(t[k]) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

print("-- ipairs")
for i, v in ipairs({"a", "b", "c", nil, "e"}) do io.write(i, ":", v, " ") end
print()
for i, v in ipairs({}) do print("never") end
local proxied = setmetatable({}, {__index = function(_, i) if i <= 4 then return i * 10 end end})
for i, v in ipairs(proxied) do io.write(i, "=", v, " ") end
print()
local iter, state, init = ipairs({})
print(type(iter), type(state), init)

print("-- pairs")
local t = {10, 20, 30, x = 1, y = 2, [1.5] = "f", [true] = "b"}
print(show(t))
local count = 0
for k, v in pairs(t) do count = count + 1 end
print(count)
-- array part is traversed in order by pairs for a pure sequence
local seq = {}
for i = 1, 10 do seq[i] = i * i end
local order = {}
for k, v in pairs(seq) do order[#order + 1] = k end
print(table.concat(order, " "))

print("-- next")
print(next({}), next({}, nil), next({5}))
print(rawequal(next, pairs({})))
local single = {k = "v"}
print(next(single), next(single, "k"))
print(pcall(next, {}, "nokey"))
print(pcall(next, 1))

print("-- modifying during traversal (assigning existing fields and clearing is allowed)")
local m = {}
for i = 1, 20 do m["k" .. i] = i end
for k, v in pairs(m) do
  if v % 2 == 0 then m[k] = nil else m[k] = v * 10 end
end
print(show(m))

print("-- __pairs")
local logged = setmetatable({}, {__pairs = function(self)
  local i = 0
  return function(_, k)
    i = i + 1
    if i <= 3 then return i, "v" .. i end
  end, self, nil
end})
for k, v in pairs(logged) do io.write(k, "=", v, " ") end
print()
local pmt = setmetatable({a = 1}, {__pairs = function(t) return next, {z = 26}, nil end})
for k, v in pairs(pmt) do print(k, v) end
-- next ignores __pairs
print(next(pmt))
-- __index is not used by pairs
local withidx = setmetatable({}, {__index = {hidden = true}})
print(next(withidx), withidx.hidden)

print("-- custom stateless iterators")
local function evens(max)
  return function(m, i)
    i = i + 2
    if i <= m then return i end
  end, max, 0
end
for i in evens(10) do io.write(i, " ") end
print()
local function chars(s)
  return function(str, i)
    i = i + 1
    if i <= #str then return i, str:sub(i, i) end
  end, s, 0
end
for i, c in chars("hey") do io.write(i, c, " ") end
print()
-- the control variable is a fresh local; assigning to it does not affect iteration
for i, v in ipairs({1, 2, 3}) do i = i * 100; io.write(i, " ") end
print()
-- iterator receiving extra values (4th value is the closing value)
for a, b, c in function(s, c) if c < 3 then return c + 1, s, "x" end end, "state", 0 do
  io.write(a, b, c, " ")
end
print()

print("-- large tables")
local big = {}
for i = 1, 10000 do big[i] = i end
for i = 1, 10000, 2 do big["s" .. i] = i end
local n, sum = 0, 0
for k, v in pairs(big) do n = n + 1; sum = sum + v end
print(n, sum)
local isum = 0
for _, v in ipairs(big) do isum = isum + v end
print(isum)
-- removing every entry while iterating
for k in pairs(big) do big[k] = nil end
print(next(big))
