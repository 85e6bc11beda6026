#!/usr/bin/env bash
# Regenerates <name>.expected for every *.lua script in this folder (or only for the scripts
# named on the command line) by running the reference interpreter, lua5.4.
#
# Convention (shared with ScriptTests.swift, see README.md):
#   - each script runs with this folder as the current directory, as `lua5.4 <name>.lua`
#     (no arguments), so chunk names and error positions read "<name>.lua:<line>:";
#   - the expected text is the script's stdout; if the script ends with an uncaught error,
#     one extra line "ERROR: <message>" follows, where <message> is lua5.4's stderr without the
#     leading "lua5.4: " and without the "stack traceback:" part (a newline is inserted first
#     if stdout does not end with one).
#
# Review the diff (git diff -- '*.expected') before committing regenerated files.
set -euo pipefail

cd "$(dirname "$0")"
LUA=${LUA:-lua5.4}
command -v "$LUA" >/dev/null || { echo "regen-expected.sh: $LUA not found on PATH" >&2; exit 1; }

if [ "$#" -gt 0 ]; then
    scripts=("$@")
else
    shopt -s nullglob
    scripts=(*.lua)
fi

err=$(mktemp)
trap 'rm -f "$err"' EXIT

for script in "${scripts[@]}"; do
    script=$(basename "$script")
    name=${script%.lua}
    out="$name.expected"
    rc=0
    timeout 60 "$LUA" "$script" >"$out.tmp" 2>"$err" </dev/null || rc=$?
    if [ "$rc" -ne 0 ]; then
        if [ "$rc" -eq 124 ]; then
            echo "regen-expected.sh: $script timed out" >&2
            rm -f "$out.tmp"
            exit 1
        fi
        # the ERROR line starts on a line of its own
        if [ -s "$out.tmp" ] && [ -n "$(tail -c1 "$out.tmp")" ]; then echo >>"$out.tmp"; fi
        msg=$(sed -e '1s/^lua5\.4: //' -e '/^stack traceback:$/,$d' "$err")
        printf 'ERROR: %s\n' "$msg" >>"$out.tmp"
    fi
    mv "$out.tmp" "$out"
    if [ "$rc" -ne 0 ]; then echo "$out (script exited with status $rc)"; else echo "$out"; fi
done
