// The `luatrace` command: behaves like `lua` (script + arg, -e, -l, -i, -v, -, --, exit codes,
// "luatrace: msg" + traceback on stderr) and takes LuaJIT-style JIT flags
// (-joff, -jon, -jv, -jdump, -jstats, -O<param>=<n>), plus:
//   -bl file.lua     list the bytecode of a file (like `luac -l -l`)
//   --compare file   run a script interpreted and compiled and print both times

import LuaTrace
#if canImport(Glibc)
import Glibc
#endif

let progName = "luatrace"
let versionText = "LuaTrace 0.1 (Lua 5.4 compatible, tracing JIT via libtcc)"

func eprint(_ s: String) {
    var s = s + "\n"
    s.withUTF8 { b in _ = write(2, b.baseAddress, b.count) }
}

func usage(_ badOption: String?) -> Never {
    if let b = badOption {
        if b.hasPrefix("-e") || b.hasPrefix("-l") {
            eprint("\(progName): '\(b)' needs argument")
        } else {
            eprint("\(progName): unrecognized option '\(b)'")
        }
    }
    eprint("""
    usage: \(progName) [options] [script [args]]
    Available options are:
      -e stat   execute string 'stat'
      -i        enter interactive mode after executing 'script'
      -l mod    require library 'mod' into global 'mod'
      -l g=mod  require library 'mod' into global 'g'
      -v        show version information
      -E        ignore environment variables
      -W        turn warnings on
      --        stop handling options
      -         stop handling options and execute stdin
    JIT options (LuaJIT style):
      -joff / -jon   turn the trace compiler off / on
      -jv            report trace starts, compiles, aborts, blacklists
      -jdump         dump recorded bytecode, IR and generated C per trace
      -jstats        print trace statistics at exit
      -O<param>=<n>  set hotloop, maxtrace or maxrecord
      -bl file       list the bytecode of a file
      --compare file run a script with -joff and with the JIT; print both times
    """)
    exit(1)
}

/// Reports an error the way lua.c does and returns the exit status.
func report(_ e: LuaScriptError, state: LuaState?) -> Int32 {
    state?.flush()
    var text = "\(progName): \(e.message)"
    if let tb = e.traceback { text += "\n" + tb }
    eprint(text)
    return 1
}

var argv = CommandLine.arguments
var state = LuaState()
var jit = JITOptions()
var interactive = false
var showVersion = false
var scriptIndex: Int? = nil
var actions: [(String, String)] = []     // ("e", stat) or ("l", mod)
var i = 1
var compareFile: String? = nil
var compareArgs: [String] = []
var listFile: String? = nil

/// Ends the program as lua.c does: closes the state (which calls pending __gc finalizers, like
/// lua_close), flushes the output and exits.
@MainActor func finish(_ status: Int32) -> Never {
    state.close()
    state.flush()
    if jit.stats { eprint(state.jitStatistics) }
    exit(status)
}

while i < argv.count {
    let a = argv[i]
    if !a.hasPrefix("-") { scriptIndex = i; break }
    if a == "--" { i += 1; if i < argv.count { scriptIndex = i }; break }
    if a == "-" { scriptIndex = i; break }
    switch a {
    case "-i": interactive = true; showVersion = true
    case "-v": showVersion = true
    case "-E": break
    case "-W": actions.append(("W", ""))
    case "-joff": jit.enabled = false
    case "-jon": jit.enabled = true
    case "-jv": jit.verbose = true
    case "-jdump": jit.dump = true
    case "-jstats": jit.stats = true
    case "--list-ops":
        out(InstructionTables.markdown)
        exit(0)
    case "-bl":
        i += 1
        if i >= argv.count { usage(a) }
        listFile = argv[i]
    case "--compare":
        i += 1
        if i >= argv.count { usage(a) }
        compareFile = argv[i]
        compareArgs = Array(argv[(i + 1)...])
        i = argv.count
    default:
        if a.hasPrefix("-e") || a.hasPrefix("-l") {
            var v = String(a.dropFirst(2))
            if v.isEmpty {
                i += 1
                if i >= argv.count || argv[i].hasPrefix("-") && argv[i] != "-" && !a.hasPrefix("-e") { usage(a) }
                if i >= argv.count { usage(a) }
                v = argv[i]
            }
            actions.append((String(a.dropFirst().prefix(1)), v))
        } else if a.hasPrefix("-O") {
            let spec = a.dropFirst(2)
            let parts = spec.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let n = Int(parts[1]) {
                switch parts[0] {
                case "hotloop": jit.hotloop = max(1, n)
                case "hotexit": jit.hotexit = max(1, n)
                case "maxtrace": jit.maxtrace = n
                case "maxrecord": jit.maxrecord = n
                default: eprint("\(progName): unknown JIT parameter '\(parts[0])'"); exit(1)
                }
            } else if spec.isEmpty || Int(spec) != nil {
                // -O / -O<level>: accepted, like LuaJIT
            } else {
                usage(a)
            }
        } else if a.hasPrefix("-j") {
            eprint("\(progName): unknown JIT flag '\(a)'"); exit(1)
        } else {
            usage(a)
        }
    }
    i += 1
}

state.jit = jit

if let f = listFile {
    guard let data = readFileBytes(f) else { eprint("\(progName): cannot open \(f)"); exit(1) }
    var listing = state.disassemble(data, chunkName: "@" + f)
    listing.withUTF8 { b in _ = write(1, b.baseAddress, b.count) }
    exit(0)
}

if let f = compareFile {
    exit(runComparison(file: f, args: compareArgs, jit: jit))
}

if showVersion { out(versionText) }

// (no closure here: a closure formed in top-level code is main-actor isolated, and calling it
// runs a dynamic executor check that makes every script run touch the Concurrency runtime)
let scriptName: String? = scriptIndex != nil ? argv[scriptIndex!] : nil
state.setArgTable(script: scriptName, scriptIndex: scriptIndex ?? 0, argv: argv)

var status: Int32 = 0
for (kind, value) in actions {
    do {
        switch kind {
        case "e": try state.run(value, chunkName: "=(command line)")
        case "l":
            // like lua.c's dolibrary: require called directly (no Lua caller, so the error
            // message has no position), the result stored in the global
            let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
            let (g, mod) = parts.count == 2 ? (parts[0], parts[1]) : (value, value)
            let r = try state.call(state.global("require"), [.string(Array(mod.utf8))])
            state.setGlobal(g, r.first ?? .nil)
        case "W": try state.run("warn('@on')", chunkName: "=(command line)")
        default: break
        }
    } catch let e as LuaScriptError {
        finish(report(e, state: state))
    } catch { finish(1) }
}

if let si = scriptIndex {
    let name = argv[si]
    let scriptArgs = Array(argv[(si + 1)...])
    do {
        if name == "-" {
            let data = readStdinBytes()
            try state.run(bytes: skipShebangLine(data), chunkName: "=stdin", args: scriptArgs)
        } else {
            try state.runFile(name, args: scriptArgs)
        }
    } catch let e as LuaScriptError {
        status = report(e, state: state)
    } catch { status = 1 }
    state.flush()
    if status != 0 { finish(status) }
} else if actions.isEmpty && !interactive {
    if isatty(0) != 0 {
        out(versionText)
        interactive = true
    } else {
        do {
            try state.run(bytes: readStdinBytes(), chunkName: "=stdin")
        } catch let e as LuaScriptError {
            finish(report(e, state: state))
        } catch { finish(1) }
    }
}

if interactive {
    runREPL(state)
}
finish(status)
