-- string.format
local function E(f, ...)
  local r = table.pack(pcall(f, ...))
  if r[1] then
    print("ok", table.unpack(r, 2, r.n))
  else
    print("error", (string.gsub(tostring(r[2]), "^[^:]*:%d+: ", "POS: ")))
  end
end
local F = string.format

print(F("%d %i %u", 42, -7, 3), F("%5d|%-5d|%05d|%+d|% d", 1, 2, 3, 4, 5))
print(F("%d", 3.0), F("%d", "10"), F("%x %X %o", 255, 255, 8), F("%#x %#o", 255, 8))
print(F("%.3d", 7), F("%c%c%c", 76, 117, 97), F("%5.1f|%-8.3f|%e|%E", 3.14159, 2.5, 12345.678, 0.001))
print(F("%g %g %g %G", 1e20, 0.1, 100, 1e-10), F("%.14g", 0.1 + 0.2), F("%.0f %.10f", 2.5, 1/3))
print(F("%a %A", 1.0, 0.5))
print(F("%s %s %s %s", "str", 12, 1.5, nil), F("%s %s", true, false))
print(F("%10s|%-10s|%.2s|%5.1s|", "right", "left", "truncate", "xy"))
print(F("%%"), F("100%% sure"), F("no specs"), F(""))
print(F("%q", "line\nnew \"quoted\" \\ tab\t nul\0 ctrl\1 end"))
print(F("%q", 1/0), F("%q", -1/0), F("%q", 0/0), F("%q", math.mininteger), F("%q", 42), F("%q", 0.5))
print(F("%q", nil), F("%q", true), F("%q", "\r\n"), F("%q", "\0001"))
print(F("%s", setmetatable({}, {__tostring = function() return "custom!" end})))
print(F("%5s|", setmetatable({}, {__tostring = function() return "ab" end})))
print(F("%s", setmetatable({}, {__name = "MyType"})):match("^MyType: ") ~= nil)
print(F("%d items at %.2f each = %s", 3, 1.5, "4.50"))
print(F("%-3d|%3s|", 1, "a"), F("%.0s", "gone") .. "|")
print(F("%i", -0), F("%d", math.mininteger), F("%d", math.maxinteger), F("%x", -1))
print(F("%.3f", 2/3), F("%10.4f|", math.pi), F("%-10.2e|", 123456))
print(F("%s", 1e100), F("%s", -0.0), F("%s", 100 // 1), F("%s", 7 / 2))
print(F("%.20s", "short"), #F("%099d", 1), #F("%.99f", 1))
print(F("%p", 1), F("%p", nil), F("%p", true))
local t = {}
print(F("%p", t) == F("%p", t), F("%p", t) ~= F("%p", {}))
print(F("%s %s", 1, 2, 3))
print(#F("%s", string.rep("x", 1000)), #F("%-99s", "x"), #F("%5s", string.rep("x", 200)))
E(F, "%-200s", "x")

E(F, "%d", 1.5)
E(F, "%d", "x")
E(F, "%d")
E(F, "%s")
E(F, "%y", 1)
E(F, "%", 1)
E(F, "%10.123f", 1)
E(F, "%100d", 1)
E(F, "%q", {})
E(F, "%-q", "x")
E(F, "%d %d", 1)
E(F, "%c", "a")
E(F, "%f", "x")
E(F, "%f", {})
E(F, "%#d", 1)
E(F, "%10s", "a\0b")
E(F)
E(F, {})
E(F, "%s", setmetatable({}, {__tostring = function() return 1 end}))
E(F, "%s", setmetatable({}, {__tostring = function() return {} end}))
E(function() return ("%d"):format("z") end)

-- format in a loop
local acc = 0
for i = 1, 1000 do acc = acc + #F("%d:%s:%5.2f", i, "v", i / 3) end
print(acc)
