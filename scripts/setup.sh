#!/usr/bin/env bash
# Installs the system packages LuaTrace needs on Debian: libtcc-dev and tcc (the JIT's compiler,
# required to build), lua5.4 (reference for the differential tests), luajit (benchmarks).
# Works as root and, through sudo, as a normal user.
set -euo pipefail
sudo=()
if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y libtcc-dev tcc lua5.4 luajit </dev/null
