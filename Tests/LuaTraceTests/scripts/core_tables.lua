-- Tables: constructors, length of sequences, key normalisation, growth and shrinking.

print("-- constructors")
local t = {1, 2, 3, [10] = 10, x = "x", ["y z"] = "yz", [1.5] = "f"; 4, 5}
print(#t, t[4], t[5], t[10], t.x, t["y z"], t[1.5])
local nested = {{1, 2}, {3, {4, 5}}}
print(nested[2][2][2], #nested, #nested[2])
local function mr() return 7, 8, 9 end
print(#{mr()}, #{mr(), mr()}, #{(mr())}, #{mr(), 1})
print(#{}, #{nil}, #{n = 1}, #{1, 2, 3, nil})

print("-- length of sequences")
local seq = {}
for i = 1, 100 do seq[i] = i end
print(#seq)
seq[#seq + 1] = 101
print(#seq)
seq[#seq] = nil
print(#seq)
for i = 100, 51, -1 do seq[i] = nil end
print(#seq)
table.insert(seq, "x")
print(#seq, seq[51])
print(table.remove(seq), #seq)
local grow = {}
for i = 1, 1000 do grow[#grow + 1] = i end
print(#grow, grow[1000])
while #grow > 0 do grow[#grow] = nil end
print(#grow, next(grow))
local str = {}
for i = 1, 5 do str[i] = ("x"):rep(i) end
print(#str, str[5])
-- sequence built backwards (goes to the hash part first)
local back = {}
for i = 10, 1, -1 do back[i] = i end
print(#back)
-- length of a table with only hash keys
print(#{a = 1, b = 2})

print("-- key normalisation")
local k = {}
k[1] = "int"; k[1.0] = "float one"
print(k[1], #k)
k[2^53] = "big"
print(k[2^53 | 0], k[9007199254740992])
k["1"] = "string one"
print(k[1], k["1"])
k[-0.0] = "zero"
print(k[0], k[0.0])
k[true] = "t"; k[false] = "f"
print(k[true], k[false])
local fk = function() end
k[fk] = "function key"
print(k[fk])
k[k] = "self"
print(k[k])
print(pcall(function() k[nil] = 1 end))
print(pcall(function() k[0/0] = 1 end))
print(k[nil], k[0/0])
-- floats that are not integers stay floats
k[1.25] = "q"
print(k[1.25], k[5 / 4])

print("-- many keys, deletion, re-insertion")
local h = {}
for i = 1, 5000 do h["key" .. i] = i end
local cnt = 0
for _ in pairs(h) do cnt = cnt + 1 end
print(cnt)
for i = 1, 5000, 2 do h["key" .. i] = nil end
cnt = 0
for _ in pairs(h) do cnt = cnt + 1 end
print(cnt, h.key1, h.key2)
for i = 1, 5000 do h["key" .. i] = -i end
cnt = 0
local sum = 0
for _, v in pairs(h) do cnt = cnt + 1; sum = sum + v end
print(cnt, sum)
-- mixed integer keys with holes
local holes = {}
for i = 1, 100, 3 do holes[i] = i end
local hc = 0
for k2 in pairs(holes) do hc = hc + 1 end
print(hc, holes[97], holes[98])
-- negative and zero indices are hash keys
local neg = {[0] = "zero", [-1] = "minus one"}
neg[1] = "one"
print(#neg, neg[0], neg[-1])

print("-- table library basics")
local list = {5, 2, 8, 1, 9, 3}
table.sort(list)
print(table.concat(list, ","))
table.sort(list, function(a, b) return a > b end)
print(table.concat(list, ","))
table.insert(list, 1, 0)
table.insert(list, 100)
print(table.concat(list, ","), #list)
print(table.remove(list, 1), table.concat(list, ","))
print(table.concat({}, ","), table.concat({1, "a", 2.5}, "-"), table.concat({1, 2, 3}, ",", 2, 3))
print(pcall(table.concat, {1, {}, 3}))
print(table.unpack(table.move({1, 2, 3}, 1, 3, 2)))
print(select('#', table.unpack({}, 1, 0)))
