-- table.sort
local E = require("modules.check").E
local function show(t) local o = {} for i = 1, #t do o[i] = tostring(t[i]) end return table.concat(o, " ") end

local t = {5, 2, 8, 1, 9, 3}
table.sort(t); print(show(t))
table.sort(t, function(a, b) return a > b end); print(show(t))
t = {"banana", "apple", "Cherry", "date", "apple"}
table.sort(t); print(show(t))
t = {3.5, 1, 2.25, -1, 0, math.huge, -math.huge, 2}
table.sort(t); print(show(t))
t = {1, 2.0, 1.0, 2, 1}
table.sort(t); print(show(t), math.type(t[1]), math.type(t[3]))
t = {}; table.sort(t); print(#t)
t = {42}; table.sort(t); print(show(t))
t = {2, 1}; table.sort(t); print(show(t))
t = {3, 1, 2}; table.sort(t); print(show(t))

-- stability is not guaranteed; results must still match lua's exact algorithm
local recs = {}
for i = 1, 50 do recs[i] = {k = (i * 7) % 5, id = i} end
table.sort(recs, function(a, b) return a.k < b.k end)
local ids = {}
for i = 1, #recs do ids[i] = recs[i].k .. ":" .. recs[i].id end
print(table.concat(ids, " "))

-- larger arrays, various patterns
local function check(arr, cmp)
  for i = 2, #arr do
    if cmp then
      if cmp(arr[i], arr[i - 1]) then return false end
    elseif arr[i] < arr[i - 1] then return false end
  end
  return true
end
local n = 2000
local asc, desc, same, saw = {}, {}, {}, {}
for i = 1, n do asc[i] = i; desc[i] = n - i; same[i] = 7; saw[i] = i % 17 end
table.sort(asc); table.sort(desc); table.sort(same); table.sort(saw)
print(check(asc), check(desc), check(same), check(saw), desc[1], desc[n], saw[1], saw[n])
local seed = 12345
local function rnd() seed = (seed * 1103515245 + 12345) % 2147483648; return seed end
local r = {}
for i = 1, 5000 do r[i] = rnd() % 1000 end
table.sort(r); print(check(r), r[1], r[2500], r[5000])
local rs = {}
for i = 1, 3000 do rs[i] = tostring(rnd()) end
table.sort(rs); print(check(rs), rs[1], rs[3000])
local rd = {}
for i = 1, 3000 do rd[i] = rnd() / 7 end
local gt = function(a, b) return a > b end
table.sort(rd, gt); print(check(rd, gt))

-- comparator call count equals lua's (same algorithm)
local calls = 0
local arr = {}
for i = 1, 200 do arr[i] = (i * 37) % 101 end
table.sort(arr, function(a, b) calls = calls + 1; return a < b end)
print(calls, check(arr))

-- metamethod __lt
local mt = {__lt = function(a, b) return a.v < b.v end}
local objs = {}
for i, v in ipairs({5, 3, 9, 1}) do objs[i] = setmetatable({v = v}, mt) end
table.sort(objs)
local vs = {}
for i = 1, #objs do vs[i] = objs[i].v end
print(table.concat(vs, " "))

-- proxies with __index/__newindex/__len
local store = {4, 2, 3, 1}
local proxy = setmetatable({}, {__index = store, __newindex = store, __len = function() return #store end})
table.sort(proxy)
print(show(store))

-- errors
E(table.sort, {3, 1, "x"})
E(table.sort, {{}, {}})
E(table.sort, {1, 2, 3}, 1)
E(table.sort, {1, 2, 3}, {})
E(table.sort)
E(table.sort, setmetatable({}, {__len = function() return math.maxinteger end}))
E(table.sort, {1, 2}, "x")
E(table.sort, {1}, "not checked for n < 2")
local bad = {}
for i = 1, 100 do bad[i] = i % 10 end
E(table.sort, bad, function(a, b) return true end)
local bad2 = {}
for i = 1, 100 do bad2[i] = 100 - i end
E(table.sort, bad2, function(a, b) return a <= b end)
local bad3 = {5, 1, 4, 2, 3}
print(pcall(table.sort, bad3, function(a, b) return true end))
E(table.sort, {1, 2, 3}, function(a, b) error("cmp failed") end)
local withnil = {3, nil, 1}
print(pcall(table.sort, withnil))
