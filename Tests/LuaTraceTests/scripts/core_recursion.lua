-- Tail calls (unbounded depth), deep non-tail recursion, and catchable stack overflow.

-- proper tail calls: 1e6 deep must not grow the stack
local function loop(n, acc)
  if n == 0 then return acc end
  return loop(n - 1, acc + 1)
end
print(loop(1000000, 0))

-- mutual tail recursion
local even, odd
function even(n) if n == 0 then return true end return odd(n - 1) end
function odd(n) if n == 0 then return false end return even(n - 1) end
print(even(1000001), odd(1000001))

-- tail call through a method and through varargs
local obj = {}
function obj:count(n, ...) if n == 0 then return select('#', ...) end return self:count(n - 1, ...) end
print(obj:count(300000, 1, 2, 3))

-- tail-calling a native function returns its results
local function tc(s) return string.rep(s, 3) end
print(tc("ab"), (function() return select('#', 1, 2) end)())

-- non-tail recursion 200000 deep works
local function depth(n)
  if n == 0 then return 0 end
  return 1 + depth(n - 1)
end
print(depth(200000))

local function build(n)
  if n == 0 then return nil end
  return {next = build(n - 1), v = n}
end
local list = build(100000)
local len, node = 0, list
while node do len = len + 1; node = node.next end
print(len)

-- infinite recursion: a catchable "stack overflow" error
local function inf(n) return 1 + inf(n + 1) end
local ok, msg = pcall(inf, 1)
print(ok, type(msg), (string.find(msg, "stack overflow", 1, true) ~= nil))
print((string.gsub(msg, "^(core_recursion%.lua:%d+: stack overflow).*$", "%1")))

-- the state is usable after a stack overflow, and it can happen again
print(depth(1000), pcall(inf, 1) == false)

-- stack overflow inside a coroutine is also catchable
local co = coroutine.create(function() return inf(1) end)
local cok, cmsg = coroutine.resume(co)
print(cok, (string.find(cmsg, "stack overflow", 1, true) ~= nil), coroutine.status(co))

-- xpcall with a handler sees the stack overflow message
print(xpcall(inf, function(m) return "handled: " .. tostring(string.find(m, "stack overflow", 1, true) ~= nil) end, 1))

-- infinite recursion through a metamethod (__index function)
local mt = {}
mt.__index = function(t, k) return t[k .. "x"] end
local ok2, msg2 = pcall(function() return setmetatable({}, mt).a end)
print(ok2, (string.find(msg2, "stack overflow", 1, true) ~= nil))
