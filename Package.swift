// swift-tools-version:6.0
import PackageDescription

// Release builds drop overflow/bounds checks in the VM's own code (Lua semantics are
// implemented with explicit wrapping ops) and skip dynamic exclusivity checks. Each function
// gets its own section, so the luatrace link can drop unused ones and order the rest (below).
// Functions start on 64-byte boundaries: the interpreter's shared dispatch block (executed for
// every bytecode) then sits at a fixed place in a cache line instead of wherever the link
// order puts it; builds where it straddled two lines ran float loops ~30% slower.
let fast: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked", "-Xfrontend", "-function-sections",
                  "-Xllvm", "-align-all-functions=6"],
                 .when(configuration: .release)),
]

// How the `luatrace` command is linked, for a small resident set (its peak RSS is compared with
// lua5.4's, ~2.5 MB for a small script):
// - fully static (Swift runtime, glibc, libstdc++, libtcc): no ld.so, no relocation of
//   libc/libm/libstdc++ at start-up, no PIE relocations (which dirtied ~0.5 MB of data) and
//   only the used parts of the C libraries; needs the static libraries of libc6-dev and
//   libstdc++-dev, which the Swift toolchain depends on anyway (libtcc and the Swift runtime
//   reference dlopen, which static glibc cannot serve; luatrace never reaches it). libm.a
//   differs from the shared libm in the NaN that acos/asin/log10 return outside their domain,
//   so Sources/luatrace/LibmCompat.swift restores the shared libm's behaviour (lua5.4's);
// - by lld, which places the functions listed in Sources/luatrace/luatrace.order (what start-up
//   and the benchmarks execute, most widely used first; regenerate with
//   scripts/link-order.py) at the start of .text. Linux maps file pages 64 KiB around each
//   touched code page (fault-around), so without the order the few hundred KB of code a run
//   executes, scattered over 5 MB of Swift runtime and stdlib, made ~4 MB resident.
// A stale order file is harmless: unknown names are ignored, unlisted functions go after.
let orderFile = Context.packageDirectory + "/Sources/luatrace/luatrace.order"
let commandLinking: [LinkerSetting] = [
    .unsafeFlags(["-static-executable", "-use-ld=lld"]),
    .unsafeFlags(["-Xlinker", "--symbol-ordering-file=" + orderFile, "-Xlinker", "--no-warn-symbol-ordering"],
                 .when(configuration: .release)),
]

let package = Package(
    name: "LuaTrace",
    products: [
        .library(name: "LuaTrace", targets: ["LuaTrace"]),
        .executable(name: "luatrace", targets: ["luatrace"]),
    ],
    targets: [
        // The one layout contract shared by Swift and generated trace C.
        .target(name: "CLuaRuntime", path: "runtime-c"),
        // Debian's libtcc-dev.
        .systemLibrary(name: "CTCC", path: "Sources/CTCC"),
        // Front end: lexer, AST, parser (pure Swift).
        .target(name: "LuaSyntax", swiftSettings: fast),
        // Bytecode: op list, compiler AST -> register bytecode, disassembler.
        .target(name: "LuaBytecode", dependencies: ["LuaSyntax"], swiftSettings: fast),
        // Byte-string algorithms for the string library (patterns, format, pack, numbers).
        .target(name: "LuaText", swiftSettings: fast),
        // Runtime: values, GC heap, tables, interpreter, libraries, JIT.
        .target(name: "LuaTrace", dependencies: ["CLuaRuntime", "CTCC", "LuaSyntax", "LuaBytecode", "LuaText"],
                swiftSettings: fast),
        // The command is linked statically and in profile order (commandLinking above).
        .executableTarget(name: "luatrace", dependencies: ["LuaTrace"], exclude: ["luatrace.order"],
                          swiftSettings: fast, linkerSettings: commandLinking),
        .testTarget(name: "LuaSyntaxTests", dependencies: ["LuaSyntax"]),
        .testTarget(name: "LuaBytecodeTests", dependencies: ["LuaBytecode", "LuaSyntax"]),
        .testTarget(name: "LuaTextTests", dependencies: ["LuaText"]),
        .testTarget(name: "LuaTraceTests", dependencies: ["LuaTrace"], resources: [.copy("scripts")]),
    ]
)
