#!/usr/bin/env bash
# Installs the system packages LuaTrace needs on Debian: libtcc-dev and tcc (the JIT's compiler,
# required to build), lua5.4 (reference for the differential tests), luajit (benchmarks), and the
# static C/C++ libraries the luatrace command is linked with (libc6-dev, g++).
# Works as root and, through sudo, as a normal user.
set -euo pipefail
sudo=()
if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y libtcc-dev tcc lua5.4 luajit libc6-dev g++ </dev/null
