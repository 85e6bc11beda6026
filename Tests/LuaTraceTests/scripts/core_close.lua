-- <const> and <close> variables: order of __close calls, errors in close, interaction
-- with break/return/goto/errors/coroutines.

local log = {}
local function closer(name)
  return setmetatable({name = name}, {__close = function(self, err)
    log[#log + 1] = name .. (err ~= nil and ("(" .. tostring(err) .. ")") or "")
  end})
end
local function flush(label)
  print(label, table.concat(log, " "))
  log = {}
end

-- <const>
local K <const> = 10
local S <const> = "str"
print(K * 2, S .. "!")
print(load("local x <const> = 1; x = 2"))
print(load("local x <close>, y <close> = nil, nil"))
print(load("local x <foo> = 1"))
print(load("local c <const> = {}; c.field = 1; return c.field")())

-- closing order: reverse declaration order at block exit
do
  local a <close> = closer("a")
  local b <close> = closer("b")
  local c <close> = closer("c")
end
flush("block")

-- nil and false are allowed and ignored
do
  local n <close> = nil
  local f <close> = false
  local x <close> = closer("x")
end
flush("nil/false")

-- closing on break, return and goto
for i = 1, 3 do
  local c <close> = closer("loop" .. i)
  if i == 2 then break end
end
flush("break")
local function early()
  local c1 <close> = closer("r1")
  do
    local c2 <close> = closer("r2")
    return "returned"
  end
end
print(early())
flush("return")
do
  local i = 0
  ::again::
  do
    local c <close> = closer("g" .. i)
    i = i + 1
    if i < 3 then goto again end
  end
end
flush("goto")

-- the return values are computed before closing
local function retval()
  local t = {v = 1}
  local c <close> = setmetatable({}, {__close = function() t.v = 2 end})
  return t.v, t
end
local v, t = retval()
print(v, t.v)

-- errors: close handlers see the error object, error propagates
print(pcall(function()
  local a <close> = closer("e1")
  local b <close> = closer("e2")
  error("boom", 0)
end))
flush("error")

-- an error inside __close replaces the original error; other closers still run
print(pcall(function()
  local a <close> = closer("c1")
  local b <close> = setmetatable({}, {__close = function(_, e) error("close error", 0) end})
  local c <close> = closer("c3")
  error("original", 0)
end))
flush("error in close")
print(pcall(function()
  local a <close> = closer("n1")
  local b <close> = setmetatable({}, {__close = function() error("only close error", 0) end})
  return "not reached"
end))
flush("error in close, normal exit")

-- a non-closable value is an error at declaration
print(pcall(function() local x <close> = {} end))
print(pcall(function() local x <close> = 42 end))

-- closing within a coroutine: coroutine.close runs pending closers
local co = coroutine.create(function()
  local a <close> = closer("co-a")
  local b <close> = closer("co-b")
  coroutine.yield(1)
  return 2
end)
print(coroutine.resume(co))
print(coroutine.close(co), coroutine.status(co))
flush("coroutine.close")

-- a coroutine that finishes normally closes its variables
co = coroutine.wrap(function()
  local a <close> = closer("w")
  coroutine.yield("y")
  return "end"
end)
print(co(), co())
flush("coroutine end")

-- closing in a generic for: the 4th value is closed when the loop ends (also on break)
local function iter(n)
  local i = 0
  return function() i = i + 1; if i <= n then return i end end, nil, nil, closer("for" .. n)
end
for i in iter(2) do io.write(i, " ") end
print()
flush("for end")
for i in iter(5) do if i == 3 then break end end
flush("for break")
print(pcall(function() for i in iter(4) do if i == 2 then error("in for", 0) end end end))
flush("for error")

-- __close is looked up when the variable is closed... and the value given must have it at declaration
local mtc = {__close = function() log[#log + 1] = "late" end}
do
  local obj <close> = setmetatable({}, mtc)
  mtc.__close = function() log[#log + 1] = "replaced" end
end
flush("metamethod change")
