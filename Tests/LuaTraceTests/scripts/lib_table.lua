-- table library: insert remove concat unpack pack move (sort in lib_table_sort.lua)
local E = require("modules.check").E
local function show(t, n) local o = {} for i = 1, n or #t do o[i] = tostring(t[i]) end return "{" .. table.concat(o, ",") .. "}" end

-- insert
local t = {}
table.insert(t, "a"); table.insert(t, "b"); table.insert(t, 1, "c"); table.insert(t, 2, "d")
print(show(t), #t)
table.insert(t, #t + 1, "e")
print(show(t))
table.insert(t, 3, nil)
print(show(t, 6), #t == 6 or #t == 2)
E(table.insert, {1, 2}, 5, "x")
E(table.insert, {1, 2}, 0, "x")
E(table.insert, {1, 2}, -1, "x")
E(table.insert, {}, 1, 2, 3)
E(table.insert, {})
E(table.insert, nil, 1)
E(table.insert, {}, "x", 1)
E(table.insert, {}, 1.5, 1)
E(function() table.insert({1, 2}, 1, 2, 3) end)
local big = {}
for i = 1, 1000 do table.insert(big, 1, i) end
print(#big, big[1], big[1000], big[500])
for i = 1, 10 do table.insert(big, 500, -i) end
print(#big, big[499], big[500], big[509], big[510])

-- remove
t = {1, 2, 3, 4, 5}
print(table.remove(t), show(t))
print(table.remove(t, 1), show(t))
print(table.remove(t, 2), show(t))
print(table.remove(t, #t + 1), show(t))
t = {}
print(table.remove(t), table.remove(t, 0), table.remove(t, 1), #t)
t = {n = 1, [0] = "zero"}
print(table.remove(t, 0), t[0])
E(table.remove, {1, 2, 3}, 5)
E(table.remove, {1, 2, 3}, -1)
E(table.remove, {}, 2)
E(table.remove)
while #big > 0 do table.remove(big, 1) end
print(#big)

-- concat
print(table.concat({1, 2, 3}), table.concat({1, 2, 3}, ", "), table.concat({}, "x"), table.concat({"a"}, "x"))
print(table.concat({"a", "b", "c"}, "-", 2), table.concat({"a", "b", "c"}, "-", 2, 3), table.concat({"a", "b"}, "-", 3))
print(table.concat({1.5, 2, "x", -0.0}, " "), table.concat({"a", "b", "c"}, "", 3, 2), table.concat({[5] = "five"}, "", 5, 5))
print(table.concat({"x", "y"}, 0), table.concat({"a", "b"}, "", "1", "2.0"))
E(table.concat, {1, {}, 3})
E(table.concat, {1, 2, nil, 4}, ",", 1, 4)
E(table.concat, {true})
E(table.concat, {}, {})
E(table.concat, "abc")
E(table.concat, {}, "", 1, 1)
local words = {}
for i = 1, 10000 do words[i] = "w" .. i end
local joined = table.concat(words, " ")
print(#joined, joined:sub(1, 20), joined:sub(-10))

-- pack / unpack
local p = table.pack(1, nil, 3, nil)
print(p.n, p[1], p[2], p[3], p[4], #table.pack())
print(table.pack().n, table.pack(nil).n)
print(table.unpack({1, 2, 3}))
print(table.unpack({1, 2, 3}, 2), table.unpack({1, 2, 3}, 2, 3))
print(table.unpack({1, 2, 3}, -1, 1))
print(select("#", table.unpack({}, 1, 0)), select("#", table.unpack({}, 5, 1)), select("#", table.unpack({n = 3}, 1, 3)))
print(table.unpack({"a", "b"}, "1", 2.0))
print(select("#", table.unpack({}, math.maxinteger, math.maxinteger)), select("#", table.unpack({}, math.mininteger, math.mininteger)))
E(table.unpack, {}, 1, 1e8)
E(table.unpack, {}, math.mininteger, math.maxinteger)
E(table.unpack, nil)
E(table.unpack, {}, 1.5)
local many = {}
for i = 1, 5000 do many[i] = i end
print(select("#", table.unpack(many)), select(5000, table.unpack(many)))

-- move
local a = {1, 2, 3, 4, 5}
print(show(table.move(a, 2, 4, 1)))
a = {1, 2, 3, 4, 5}
print(show(table.move(a, 1, 3, 3)))
a = {1, 2, 3}
local b = table.move(a, 1, 3, 2, {})
print(show(b, 4), b[1])
print(show(table.move({1, 2, 3}, 1, 0, 5)), show(table.move({}, 1, 3, 1, {9, 9, 9, 9}), 4))
print(show(table.move({1, 2, 3}, -1, 1, 1), 3))
E(table.move, {}, 1, math.maxinteger, 2)
E(table.move, {}, -1, math.maxinteger, 2)
E(table.move, {1}, 1, 2, math.maxinteger)
E(table.move, {}, 1, 2)
E(table.move, 1, 1, 2, 3)
E(table.move, {}, 1, 2, 3, 4)

-- metamethods: __index / __newindex / __len
local log = {}
local proxy = setmetatable({}, {
  __index = function(_, k) return "v" .. k end,
  __len = function() return 3 end,
})
print(table.concat(proxy, ","), table.unpack(proxy))
print(table.unpack(proxy, 2, 4))
local store = {}
local w = setmetatable({}, {
  __index = store,
  __newindex = function(_, k, v) log[#log + 1] = tostring(k) .. "=" .. tostring(v); rawset(store, k, v) end,
  __len = function() return #store end,
})
table.insert(w, "x"); table.insert(w, "y"); table.insert(w, 1, "z")
print(table.concat(log, " "), show(store))
log = {}
print(table.remove(w, 1), table.concat(log, " "), show(store))
local lenobj = setmetatable({}, {__len = function() return "2" end, __index = function(_, i) return i * 10 end})
print(table.unpack(lenobj), table.concat(lenobj, "+"))
E(table.unpack, setmetatable({}, {__len = function() return 1.5 end}))
E(table.insert, setmetatable({}, {__len = function() return "x" end}), 1)
-- userdata-like non-table with metamethods: strings index the string table
print(table.unpack("abc", 1, 2))
E(table.insert, "abc", 1)
E(table.concat, setmetatable({}, {__len = function() return 2 end}))
