-- Table keys that come from registers must be looked up at run time, never specialised on the
-- key seen while recording (regression: a dynamic string key read the recorded key's field).
local keys = {"a", "b", "c"}
local h = {a = 1, b = 20, c = 300}
local total = 0
for i = 1, 300 do total = total + h[keys[(i % 3) + 1]] end
print("dynamic get", total)

for i = 1, 300 do h[keys[(i % 3) + 1]] = i end
print("dynamic set", h.a, h.b, h.c)

-- long string keys are not interned: they must still be found
local long = string.rep("k", 50)
local g = {[long] = 5, short = 1}
local ks = {"short", string.rep("k", 25) .. string.rep("k", 25)}
local s = 0
for i = 1, 100 do s = s + g[ks[(i % 2) + 1]] end
print("long keys", s)

-- constant keys stay specialised, even when the field is rewritten in the loop
local o = {x = 0, y = 0}
for i = 1, 200 do o.x = o.x + 1; if i % 50 == 0 then o.y = o.y + o.x end end
print("fields", o.x, o.y)
