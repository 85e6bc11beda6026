#!/usr/bin/env lua
-- module used by lib_package.lua: the first line starting with '#' is skipped
return {line = debug.getinfo(1, "l").currentline}
