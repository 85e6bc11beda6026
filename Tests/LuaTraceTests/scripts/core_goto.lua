-- goto and labels: continue idiom, backward loops, nested blocks, closures in goto loops.

-- continue idiom
for i = 1, 10 do
  if i % 3 == 0 then goto continue end
  io.write(i, " ")
  ::continue::
end
print()

-- backward goto loop
local i = 1
::top::
if i <= 5 then
  io.write(i * i, " ")
  i = i + 1
  goto top
end
print()

-- breaking out of nested loops
for a = 1, 3 do
  for b = 1, 3 do
    if a * b == 4 then
      print("found", a, b)
      goto done
    end
  end
end
::done::

-- each backward jump creates a fresh local for closures
local fs = {}
do
  local k = 1
  ::again::
  local captured = k * 10
  fs[#fs + 1] = function() return captured end
  k = k + 1
  if k <= 3 then goto again end
end
print(fs[1](), fs[2](), fs[3]())

-- goto in while/repeat
local n = 0
while true do
  n = n + 1
  if n < 5 then goto cont end
  break
  ::cont::
end
print("n", n)
local r = 0
repeat
  r = r + 1
  if r % 2 == 1 then goto skip end
  io.write(r, ",")
  ::skip::
until r >= 8
print()

-- labels at the end of blocks and same names in different blocks
do goto l1; print("skipped"); ::l1:: end
do goto l1; ::l1:: end
print("labels ok")

-- goto-based state machine
local state, steps = "a", {}
::dispatch::
steps[#steps + 1] = state
if state == "a" then state = "b"; goto dispatch
elseif state == "b" then state = "c"; goto dispatch
end
print(table.concat(steps, "->"))

-- compile errors for bad gotos (checked via load)
print(load("goto nowhere"))
print(load("do local x ::l:: end goto l"))
print(load("goto f; local x; ::f:: print(x)"))
print(load("::a:: ::a::"))
print(load("::a:: do ::a:: end"))
print(load("local x goto f; ::f::") ~= nil)   -- jumping to a label at the end of a block is allowed
print(load("repeat goto cont; local x ::cont:: until x"))
