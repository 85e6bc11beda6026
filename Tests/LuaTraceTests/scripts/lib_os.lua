-- os library: time/date (UTC formats and local round trips), normalisation, field errors,
-- difftime, clock, getenv, remove/rename/tmpname, execute, setlocale.

local function perr(f, ...)
  local ok, e = pcall(f, ...)
  print(ok, (tostring(e):gsub("^[^:]*:%d+: ", "")))
end

print("-- os.date with UTC")
local t0 = 1000000000
print(os.date("!%Y-%m-%d %H:%M:%S", t0))
print(os.date("!%c|%x|%X|%D|%e|%F|%T|%R|%r|%h", t0))
print(os.date("!%a %A %b %B %p %y %C %g %G %j %u %w %U %W %V %I %M %S %%", t0))
print(os.date("!%Ec|%EC|%Ex|%EX|%Ey|%EY|%Od|%Oe|%OH|%OI|%Om|%OM|%OS|%Ou|%OU|%OV|%Ow|%OW|%Oy", t0))
print(os.date("!%n|%t|", 0))
print(os.date("!plain text without conversions", 0))
print(os.date("!", 0) == "")
print(os.date("!%Y", 0), os.date("!%Y", -86400), os.date("!%Y", 2^40))
print(#os.date("!%c", 0) > 0, type(os.date()), type(os.date("%c")))

print("-- *t tables")
local d = os.date("!*t", t0)
print(d.year, d.month, d.day, d.hour, d.min, d.sec, d.yday, d.wday, d.isdst)
local keys = {}
for k in pairs(d) do keys[#keys + 1] = k end
table.sort(keys)
print(table.concat(keys, " "))
d = os.date("!*t", 0)
print(d.year, d.month, d.day, d.hour, d.min, d.sec, d.yday, d.wday, d.isdst)
print(os.date("*t").year >= 2023, type(os.date("*t", t0).isdst))

print("-- invalid conversions")
perr(function() return os.date("%Ez") end)
perr(function() return os.date("%Ez and more") end)
perr(function() return os.date("%") end)
perr(function() return os.date("abc %") end)
perr(function() return os.date("%Q") end)
perr(function() return os.date("%E") end)
perr(function() return os.date("%O") end)
perr(function() return os.date("%5d") end)
perr(function() return os.date("!%Y", 2^60) end)
perr(function() return os.date("%Y", 1.5) end)
perr(function() return os.date("%Y", "x") end)
perr(function() return os.date({}) end)

print("-- os.time round trips (local time)")
for _, t in ipairs({0, 86399, t0, 1700000000, 2000000000}) do
  print(t, os.time(os.date("*t", t)) == t)
end
print(math.type(os.time()), os.time() > 1600000000)
local lt = os.date("*t", t0)
lt.isdst = nil
print(os.time(lt) == t0)

print("-- normalisation")
local t = {year = 2021, month = 1, day = 15, hour = 12}
local a = os.time(t)
t.day = t.day + 30
local b = os.time(t)
print(b - a, t.year, t.month, t.day, t.hour, t.min, t.sec, t.yday, t.wday)
t = {year = 2020, month = 14, day = 35, hour = 25, min = 61, sec = -1}
os.time(t)
print(t.year, t.month, t.day, t.hour, t.min, t.sec, t.yday, t.wday)
t = {year = 2021, month = 1, day = 0}
os.time(t)
print(t.year, t.month, t.day, t.hour, t.min, t.sec, t.yday, t.wday)
t = {year = "2021", month = "2", day = 3.0, hour = "4"}
os.time(t)
print(t.year, t.month, t.day, t.hour, math.type(t.year))
print(os.time({year = 2021, month = 1, day = 1, hour = 0}) - os.time({year = 2020, month = 12, day = 31, hour = 0}))
print(os.time({year = 2021, month = 3, day = 1}) - os.time({year = 2021, month = 2, day = 28}))

print("-- date table errors")
perr(function() return os.time({}) end)
perr(function() return os.time({year = 2020}) end)
perr(function() return os.time({year = 2020, month = 1}) end)
perr(function() return os.time({year = 2020, month = 1, day = 1.5}) end)
perr(function() return os.time({year = 2020, month = "x", day = 1}) end)
perr(function() return os.time({year = 2020, month = 1, day = 1, hour = {}}) end)
perr(function() return os.time({year = 2020, month = 1, day = 1, min = true}) end)
perr(function() return os.time({year = 2^40, month = 1, day = 1}) end)
perr(function() return os.time({year = 2020, month = 2^31 + 5, day = 1}) end)
perr(function() return os.time(5) end)
perr(function() return os.time("x") end)

print("-- difftime and clock")
print(os.difftime(10, 5), os.difftime(5, 10), os.difftime(0, 0), math.type(os.difftime(1, 0)))
perr(function() return os.difftime(10) end)
perr(function() return os.difftime("a", 1) end)
perr(function() return os.difftime(1.5, 1) end)
local c = os.clock()
print(math.type(c), c >= 0)

print("-- getenv")
print(type(os.getenv("PATH")), os.getenv("LUATRACE_SURELY_UNSET_VARIABLE"))
perr(function() return os.getenv() end)
perr(function() return os.getenv({}) end)

print("-- tmpname, rename, remove")
local n = os.tmpname()
print(type(n), #n > 0)
local f = io.open(n)
print(io.type(f), f and f:read("a"))
if f then f:close() end
print(os.rename(n, n .. ".moved"))
print(io.open(n) == nil, io.open(n .. ".moved") ~= nil)
print(os.remove(n .. ".moved"))
local ok, msg, code = os.remove(n .. ".moved")
print(ok, msg == n .. ".moved: No such file or directory", code)
ok, msg, code = os.rename(n .. ".none", n .. ".other")
print(ok, msg, code)
perr(function() return os.remove() end)
perr(function() return os.rename("a") end)
print(os.tmpname() ~= os.tmpname())

print("-- execute")
print(os.execute())
print(os.execute("true"))
print(os.execute("exit 3"))
print(os.execute("false"))
print(os.execute("kill -9 $$"))

print("-- setlocale")
print(os.setlocale(), os.setlocale(nil, "numeric"), os.setlocale("C"), os.setlocale("C", "time"))
print(os.setlocale("no_such_LOCALE.x"))
perr(function() return os.setlocale("C", "everything") end)
perr(function() return os.setlocale({}) end)
