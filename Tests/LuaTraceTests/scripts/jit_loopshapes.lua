-- Loop shapes around unrolled inner loops and side branches leaving a loop (Recorder+Loops.swift):
-- early returns from loops in inlined calls, goto loops, repeat/until with goto continue,
-- breaks out of nested loops, float steps, empty ipairs, and yields from inside unrolled loops.
local function find(t, v)
  for i = 1, #t do if t[i] == v then return i end end
  return nil
end
local function g1(n)
  local t = {5, 3, 8, 1, 9, 2}
  local s = 0
  for k = 1, n do
    local idx = find(t, (k % 10))
    s = s + (idx or -1)
  end
  return s
end
print("g1", g1(300))
local function g2(n)
  local s = 0
  for k = 1, n do
    local i = 0
    ::top::
    i = i + 1
    if i < (k % 5) then s = s + i goto top end
    repeat
      local j = i
      if j % 2 == 0 then goto cont end
      s = s + j
      ::cont::
      i = i - 1
    until i <= 0
  end
  return s
end
print("g2", g2(300))
local function g3(n)
  local s = 0
  local k = 0
  while k < n do
    k = k + 1
    for i = 1, 3 do
      for j = 1, 2 do
        if (i + j + k) % 7 == 0 then break end
        s = s + i * j
      end
      if k % 11 == 0 then goto next end
    end
    s = s + 1
    ::next::
  end
  return s
end
print("g3", g3(500))
local function inner(a)
  local r = 0
  while a > 1 do
    if a % 2 == 0 then a = a // 2 else return r + a end
    r = r + 1
  end
  return r
end
local function g4(n)
  local s = 0
  for k = 1, n do
    s = s + inner(k) + inner(k * 3)
  end
  return s
end
print("g4", g4(400))
local function g5(n)
  local s = 0.0
  for k = 1, n do
    for x = k, k + 1, 0.5 do s = s + x end
    for x = 3, 1, -1 do s = s - x end
    for _, v in ipairs({}) do s = s + v end
  end
  return s
end
print("g5", g5(300))
local co = coroutine.wrap(function()
  local s = 0
  for k = 1, 200 do
    for i = 1, 3 do
      s = s + i
      if k % 50 == 0 and i == 2 then coroutine.yield(s) end
    end
  end
  return s
end)
print("co", co(), co(), co(), co(), co())
