#!/usr/bin/env bash
# Builds LuaTrace and runs every test: unit tests of the front end / bytecode compiler / text
# library, the Lua script suite (each script in three JIT modes, compared with its .expected
# file), the differential check of those .expected files against lua5.4, and the CLI tests.
#
# Usage: scripts/test.sh [extra `swift test` arguments, e.g. --filter ScriptTests]
# Environment:
#   LUATRACE_SCRATCH            build folder (default: SwiftPM's .build)
#   LUATRACE_SCRIPT_TIMEOUT     per-script, per-mode time limit in seconds (default 60)
#   LUATRACE_SCRIPT_BUDGET      time limit of the whole script suite in seconds (default 900)
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=()
if [ -n "${LUATRACE_SCRATCH:-}" ]; then scratch=(--scratch-path "$LUATRACE_SCRATCH"); fi

if ! command -v lua5.4 >/dev/null; then
    echo "test.sh: warning: lua5.4 is not on PATH; the differential tests will be skipped" >&2
fi

# `swift build` builds the luatrace executable the CLI tests run; `swift test` adds the tests.
swift build "${scratch[@]}"
swift test "${scratch[@]}" "$@"
