-- module used by lib_package.lua: returns false
return false
