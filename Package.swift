// swift-tools-version:6.0
import PackageDescription

// Release builds drop overflow/bounds checks in the VM's own code (Lua semantics are
// implemented with explicit wrapping ops) and skip dynamic exclusivity checks.
let fast: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
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
        // The command links the Swift runtime statically: ~2 MB less resident memory and ~1.5 ms
        // less start-up than loading libswiftCore & co. (lua's own start-up is ~1 ms).
        .executableTarget(name: "luatrace", dependencies: ["LuaTrace"], swiftSettings: fast,
                          linkerSettings: [.unsafeFlags(["-static-stdlib"])]),
        .testTarget(name: "LuaSyntaxTests", dependencies: ["LuaSyntax"]),
        .testTarget(name: "LuaBytecodeTests", dependencies: ["LuaBytecode", "LuaSyntax"]),
        .testTarget(name: "LuaTextTests", dependencies: ["LuaText"]),
        .testTarget(name: "LuaTraceTests", dependencies: ["LuaTrace"], resources: [.copy("scripts")]),
    ]
)
