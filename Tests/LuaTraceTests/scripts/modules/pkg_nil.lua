-- module used by lib_package.lua: returns nothing (require stores true)
pkg_nil_ran = (pkg_nil_ran or 0) + 1
