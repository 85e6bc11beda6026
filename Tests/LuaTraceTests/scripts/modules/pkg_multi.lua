-- module used by lib_package.lua: extra return values are dropped
return "first", "second"
