-- module used by lib_package.lua: a dotted module name
return {kind = "inner", name = ...}
