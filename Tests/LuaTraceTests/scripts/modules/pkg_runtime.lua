-- module used by lib_package.lua: fails while running
local t = nil
return t.field
