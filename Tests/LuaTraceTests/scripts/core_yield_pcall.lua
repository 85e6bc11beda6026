-- pcall(coroutine.yield, ...) yields through the pcall; resume values come back as pcall results.
local co = coroutine.create(function(a)
  local ok, x, y = pcall(coroutine.yield, a + 1)
  print("in", ok, x, y)
  local r = {pcall(coroutine.yield)}
  print("in2", #r, r[1], r[2])
  return "done"
end)
print(coroutine.resume(co, 1))
print(coroutine.resume(co, "p", "q"))
print(coroutine.resume(co, 7))
print(coroutine.status(co))
print(pcall(coroutine.yield, 1))
