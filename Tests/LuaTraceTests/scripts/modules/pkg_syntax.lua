-- module used by lib_package.lua: a syntax error
local x = = 1
