-- module used by lib_package.lua: returns a table describing how it was loaded
local name, file = ...
local M = {}
M.name = name
M.file = file
M.nargs = select("#", ...)
M.loads = (pkg_simple_loads or 0) + 1
pkg_simple_loads = M.loads
function M.hello() return "hello from " .. name end
return M
