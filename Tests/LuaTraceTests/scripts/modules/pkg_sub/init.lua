-- module used by lib_package.lua: found through ?/init.lua
return {kind = "init", name = ..., inner = require("pkg_sub.inner")}
