-- Yields inside metamethods called from Lua code (lua 5.4 finishes the interrupted
-- instruction on resume): arithmetic, bitwise, concat, length, index/newindex, comparisons
-- (and their jumps), __close in blocks and returns, pcall around them, nested metamethods,
-- native metamethods that are coroutine.yield, and the non-yieldable cases (metamethods
-- called by library functions).
local Y = coroutine.yield
local mt = {}
for _, e in ipairs{"add","sub","mul","div","mod","pow","unm","idiv","band","bor","bxor","shl","shr","bnot","concat","len"} do
  mt["__" .. e] = function(a, b) return Y(e) end
end
mt.__index = function(t, k) return Y("index " .. tostring(k)) end
mt.__newindex = function(t, k, v) Y("newindex " .. tostring(k)); rawset(t, k, v) end
mt.__eq = function(a, b) return Y("eq") end
mt.__lt = function(a, b) return Y("lt") end
mt.__le = function(a, b) return Y("le") end
mt.__close = function(o, e) Y("close") end
local function run(f)
  local co = coroutine.create(f)
  local v = nil
  local out = {}
  while true do
    local ok, a, b = coroutine.resume(co, v)
    if not ok then out[#out+1] = "ERR " .. tostring(a); break end
    if coroutine.status(co) == "dead" then out[#out+1] = "=> " .. tostring(a) .. " " .. tostring(b); break end
    out[#out+1] = type(a) == "table" and "a table" or tostring(a)
    v = #out
  end
  print(table.concat(out, " | "))
end
local o = setmetatable({}, mt)
local o2 = setmetatable({}, mt)
run(function() return o + 1, 2 - o end)
run(function() local x = 5; return o * x, x / o end)
run(function() return -o, ~o end)
run(function() return o % 3, o ^ 2, o // 4 end)
run(function() return o & 1, o | 2 end)
run(function() return o ~ 3, o << 1 end)
run(function() return o >> 1, 1 << o end)
run(function() return #o, o.x end)
run(function() return o[10], o:method() end)
run(function() o.y = 5; return rawget(o, "y") end)
run(function() o[7] = 5; o[true] = 1; return rawget(o, 7), rawget(o, true) end)
-- pcall in tail position around a yielding metamethod
run(function() return pcall(function() return o + 1 end) end)
run(function() local a = "a" .. o .. "b" .. "c" .. o; return a end)
run(function() return "x" .. 1 .. o .. 2 .. 3 end)
run(function() if o == o2 then return "eq yes" else return "eq no" end end)
run(function() if o ~= o2 then return "ne yes" else return "ne no" end end)
run(function() if o < o2 then return "lt yes" else return "lt no" end end)
run(function() if o <= o2 then return "le yes" else return "le no" end end)
run(function() if o > 1 then return "gt yes" else return "gt no" end end)
run(function() if 1 >= o then return "ge yes" else return "ge no" end end)
run(function() if not (o < 3) then return "nlt yes" else return "nlt no" end end)
run(function() local r = {}; for i = 1, 3 do r[i] = o + i end; return table.concat(r, ",") end)
run(function() do local c <close> = o; Y("inside") end; return "after" end)
run(function() local c <close> = o; local d <close> = o2; return "ret", 42 end)
run(function(...) local c <close> = o; return select("#", ...), ... end)
run(function() local t = setmetatable({}, {__index = function(t, k) return k * 2 end}); return t[21] end)
run(function() local ok, e = pcall(function() return o + 1 end); return ok, e end)
run(function() local ok, e = pcall(function() local v = o + 1; error("after " .. tostring(v)) end); return ok, e end)
run(function() local ok, e = pcall(function() local v = o.k; error({v}) end); return ok, type(e) == "table" and e[1] end)
run(function() local t = setmetatable({}, {__index = function(t, k) Y(k); error("idx err " .. k) end}); local ok, e = pcall(function() return t.zz end) return ok, e end)
-- nested: metamethod inside metamethod
local deep = setmetatable({}, {__index = function(t, k) return o[k] .. "!" end})
run(function() return deep.q end)
-- native metamethod that yields directly
local ny = setmetatable({}, {__index = coroutine.yield, __add = coroutine.yield})
run(function() local a, b = ny.foo, ny + 1; return a, b end)
-- wrap iterating
local gen = coroutine.wrap(function() for i = 1, 3 do local v = o + i; Y(v) end return "end" end)
print(gen(), gen(10), gen(20), gen(30))
-- tostring (native) calling __tostring that yields: not allowed
local ts = setmetatable({}, {__tostring = function() Y() return "s" end})
run(function() return tostring(ts) end)
-- yield across table.sort comparator
run(function() table.sort({3,2,1}, function(a,b) return o < o2 end) end)
-- isyieldable inside metamethod
local iy = setmetatable({}, {__index = function() return coroutine.isyieldable() end})
run(function() return iy.x end)
-- a <= b computed as not (b < a) (LUA_COMPAT_LT_LE) negates the resumed result
local m = setmetatable({}, {__lt = function(a, b) return Y("lt") end})
local co = coroutine.wrap(function()
  local r = {}
  if m <= m then r[1] = "le" else r[1] = "not le" end
  r[2] = tostring(m <= m)
  r[3] = tostring(not (m <= m))
  return table.concat(r, " ")
end)
print(co(), co(true), co(false), co(true))
-- yield inside a metamethod inside a for loop body, many times (loops may be compiled)
local acc = setmetatable({n = 0}, {__index = function(t, k) return Y(k) end})
local loop = coroutine.wrap(function()
  local s = 0
  for i = 1, 200 do s = s + acc.v + i end
  return s
end)
local v, steps = loop(), 0
while type(v) == "string" do steps = steps + 1; v = loop(steps) end
print(steps, v)
-- yield in __eq inside a while condition
local cnt = 0
local E = setmetatable({}, {__eq = function() cnt = cnt + 1; return Y(cnt) end})
local E2 = setmetatable({}, getmetatable(E))
local w = coroutine.wrap(function() local n = 0; while E == E2 do n = n + 1 end; return "loops " .. n end)
local r = w()
while type(r) == "number" do r = w(r < 5) end
print(r)
-- error after resume inside a metamethod, caught by pcall around the instruction
local bad = setmetatable({}, {__add = function() Y("once"); error("mm failed", 0) end})
local pc = coroutine.wrap(function() return pcall(function() return bad + 1 end) end)
print(pc()) print(pc())
-- uncaught: kills the coroutine
local dead = coroutine.create(function() return bad + 1 end)
print(coroutine.resume(dead)) print(coroutine.resume(dead)) print(coroutine.status(dead))
-- errors raised while finishing an instruction after the resume (the rest of a concat) are
-- caught by pcall around it
local o = setmetatable({}, {__concat = function(a, b) return coroutine.yield("c") end})
local co = coroutine.wrap(function()
  local ok, e = pcall(function() return {} .. o .. "x" end)
  local ok2, e2 = pcall(function() local r = {} .. (o .. "x"); return r end)
  return ok, e, ok2, e2
end)
print(co()) print(co("s")) print(co("t"))
local co2 = coroutine.create(function() return {} .. o .. "x" end)
print(coroutine.resume(co2)) print(coroutine.resume(co2, "s"))
local n = setmetatable({}, {__index = coroutine.yield})
local co3 = coroutine.wrap(function()
  local ok, e = pcall(function() local v = n.k .. {} end)
  return ok, e
end)
print(select("#", co3())) print(co3("val"))

-- yields in __close handlers while a failed pcall's callee is being unwound (lua's
-- finishpcallk): the pcall gives its results after all handlers ran; handler errors replace
-- the error
local Y = coroutine.yield   -- (again)
local function closer(name, fail)
  return setmetatable({}, {__close = function(_, e)
    local got = Y(name .. " sees " .. tostring(e))
    if fail then error(name .. " failed (" .. tostring(got) .. ")", 0) end
  end})
end
local function drive(f)
  local co = coroutine.create(f)
  local out, v = {}, 0
  while true do
    local ok, a, b, c = coroutine.resume(co, v)
    v = v + 1
    if not ok then out[#out + 1] = "ERR " .. tostring(a) break end
    if coroutine.status(co) == "dead" then out[#out + 1] = "=> " .. tostring(a) .. " " .. tostring(b) .. " " .. tostring(c) break end
    out[#out + 1] = tostring(a)
  end
  print(table.concat(out, " | "))
end
drive(function()
  return pcall(function() local a <close> = closer("a"); local b <close> = closer("b"); error("boom", 0) end)
end)
drive(function()
  local ok, e = pcall(function() local a <close> = closer("a", true); local b <close> = closer("b", true); error("boom", 0) end)
  return ok, e, "after"
end)
drive(function()
  local ok, e = xpcall(function() local a <close> = closer("a"); error("boom", 0) end, function(m) return "handled " .. m end)
  return ok, e
end)
drive(function()
  for k, v in pcall, function() local a <close> = closer("iter"); error("in iter", 0) end do return k, v end
end)
drive(function()
  local ok, e = pcall(function()
    local ok2, e2 = pcall(function() local a <close> = closer("inner", true); error("x", 0) end)
    local b <close> = closer("outer")
    error("y: " .. e2, 0)
  end)
  return ok, e
end)
drive(function()
  local r = {pcall(function() local a <close> = closer("multi"); error("m", 0) end)}
  return #r, r[1], r[2]
end)
drive(function()
  local ok, e = pcall(function() local a <close> = closer("a"); local t = nil; return t.x end)
  return ok, e
end)
-- non-yieldable context: main thread
print(pcall(function() local a <close> = setmetatable({}, {__close = function(_, e) print("main close", e) end}); error("main", 0) end))
print(pcall(function() local a <close> = setmetatable({}, {__close = function(_, e) error("close err", 0) end}); error("main", 0) end))
local co = coroutine.wrap(function()
  local ok, e = pcall(function()
    local x <close> = setmetatable({}, {__close = function() coroutine.yield("in close") end})
    error("boom", 0)
  end)
  return ok, e
end)
print(pcall(co)) print(pcall(co))
