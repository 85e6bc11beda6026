// Tests of the `luatrace` command line: run the built executable as a subprocess and compare
// with what `lua5.4` does for the same command ("lua5.4: ..." on our side reads "luatrace: ...").

import Foundation
import Testing

enum CLIHarness {
    /// The built `luatrace` executable: next to the test bundle (same build folder), or
    /// LUATRACE_BIN, or one of the usual build folders of the package.
    static let executable: String? = {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["LUATRACE_BIN"], fm.isExecutableFile(atPath: env) {
            return env
        }
        var candidates: [URL] = [
            Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("luatrace"),
            Bundle.main.bundleURL.appendingPathComponent("luatrace"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("luatrace"),
        ]
        // <package>/Tests/LuaTraceTests/CLITests.swift -> <package>
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        for scratch in [".build-tests", ".build"] {
            for config in ["debug", "release"] {
                candidates.append(root.appendingPathComponent("\(scratch)/\(config)/luatrace"))
            }
        }
        return candidates.map(\.path).first { fm.isExecutableFile(atPath: $0) }
    }()

    /// A fresh folder with the small scripts the CLI tests run.
    static func makeWorkFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("luatrace-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let files: [String: String] = [
            "args.lua": "print(arg[0], arg[1], arg[2], #arg, arg[-1] ~= nil)\nprint(select('#', ...), ...)\n",
            "err.lua": "local x = nil\nprint(\"before\")\nx.y = 1\n",
            "tab.lua": "error({})\n",
            "tostr.lua": "error(setmetatable({}, {__tostring = function() return 'custom object' end}))\n",
            "syn.lua": "x = = 1\n",
            "hello.lua": "print(\"hi\")\nlocal t = {}\nfor i = 1, 3 do t[i] = i end\nreturn t\n",
            "loop.lua": "local s = 0\nfor i = 1, 10000 do s = s + i end\nprint(s)\n",
            "shebang.lua": "#!/usr/bin/env lua\nprint('after shebang')\n",
            "ok.lua": "io.write('written')\n",
        ]
        for (name, text) in files {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return dir
    }

    static func run(_ args: [String], in dir: URL, stdin: String? = nil) throws -> ScriptHarness.ProcessResult {
        let exe = try #require(executable, "the luatrace executable was not found; build it with `swift build`")
        let r = try ScriptHarness.runProcess(exe, args, directory: dir, stdin: stdin, timeout: 120)
        #expect(!r.timedOut, "luatrace \(args) timed out")
        return r
    }

    static func runLua(_ args: [String], in dir: URL, stdin: String? = nil) throws -> ScriptHarness.ProcessResult {
        let lua = try #require(ScriptHarness.lua54)
        return try ScriptHarness.runProcess(lua, args, directory: dir, stdin: stdin, timeout: 60)
    }

    static func lines(_ s: String) -> [String] {
        s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}

/// A command line that must behave like lua5.4: same stdout, same exit status, and stderr whose
/// first line equals lua5.4's with the program name replaced (plus a traceback when lua5.4 prints one).
struct CLICase: Sendable, CustomTestStringConvertible {
    var args: [String]
    var stdin: String? = nil
    var testDescription: String { (["luatrace"] + args).joined(separator: " ") + (stdin != nil ? " < stdin" : "") }
}

@Suite("luatrace command")
struct CLITests {
    @Test("the luatrace executable is found")
    func executableExists() {
        #expect(CLIHarness.executable != nil, "luatrace not found next to the test bundle or in .build*/debug|release")
    }

    @Test("-v prints the version and exits 0")
    func version() throws {
        let dir = try CLIHarness.makeWorkFolder()
        let r = try CLIHarness.run(["-v"], in: dir)
        #expect(r.status == 0)
        #expect(r.stdout.contains("LuaTrace"), "stdout: \(r.stdout)")
        #expect(r.stdout.contains("Lua 5.4"), "stdout: \(r.stdout)")
    }

    @Test("-e executes a statement")
    func executeString() throws {
        let dir = try CLIHarness.makeWorkFolder()
        let r = try CLIHarness.run(["-e", "print(1)"], in: dir)
        #expect(r.status == 0)
        #expect(r.stdout == "1\n")
        #expect(r.stderr == "")
        let joined = try CLIHarness.run(["-eprint(2+3)"], in: dir)
        #expect(joined.stdout == "5\n")
    }

    @Test("script arguments: arg[0], arg[1], ...")
    func scriptArguments() throws {
        let dir = try CLIHarness.makeWorkFolder()
        let r = try CLIHarness.run(["args.lua", "a", "b"], in: dir)
        #expect(r.status == 0)
        #expect(r.stdout == "args.lua\ta\tb\t2\ttrue\n2\ta\tb\n")
    }

    @Test("- reads the chunk from stdin")
    func stdinChunk() throws {
        let dir = try CLIHarness.makeWorkFolder()
        let r = try CLIHarness.run(["-", "x", "y"], in: dir, stdin: "print('stdin', ...)\nprint(arg[0])\n")
        #expect(r.status == 0)
        #expect(r.stdout == "stdin\tx\ty\n-\n")
        let noArgs = try CLIHarness.run([], in: dir, stdin: "print(1 + 1)\n")
        #expect(noArgs.stdout == "2\n")
    }

    @Test("-- stops option handling")
    func doubleDash() throws {
        let dir = try CLIHarness.makeWorkFolder()
        let r = try CLIHarness.run(["--", "args.lua", "-x"], in: dir)
        #expect(r.status == 0)
        #expect(r.stdout == "args.lua\t-x\tnil\t1\ttrue\n1\t-x\n")
    }

    @Test("uncaught runtime error: exit 1, message and traceback on stderr")
    func runtimeError() throws {
        let dir = try CLIHarness.makeWorkFolder()
        let r = try CLIHarness.run(["err.lua"], in: dir)
        #expect(r.status == 1)
        #expect(r.stdout == "before\n")
        let l = CLIHarness.lines(r.stderr)
        #expect(l.first == "luatrace: err.lua:3: attempt to index a nil value (local 'x')", "stderr: \(r.stderr)")
        #expect(l.count > 1 && l[1] == "stack traceback:", "stderr: \(r.stderr)")
    }

    @Test("error objects that are not strings")
    func tableErrorObject() throws {
        let dir = try CLIHarness.makeWorkFolder()
        let r = try CLIHarness.run(["tab.lua"], in: dir)
        #expect(r.status == 1)
        #expect(CLIHarness.lines(r.stderr).first == "luatrace: (error object is a table value)", "stderr: \(r.stderr)")
        let t = try CLIHarness.run(["tostr.lua"], in: dir)
        #expect(t.status == 1)
        #expect(CLIHarness.lines(t.stderr).first == "luatrace: custom object", "stderr: \(t.stderr)")
        // like lua.c: a message made by __tostring gets no traceback; a table without one does
        #expect(!t.stderr.contains("stack traceback:"), "stderr: \(t.stderr)")
        #expect(r.stderr.contains("stack traceback:"), "stderr: \(r.stderr)")
    }

    @Test("syntax error in the script")
    func syntaxError() throws {
        let dir = try CLIHarness.makeWorkFolder()
        let r = try CLIHarness.run(["syn.lua"], in: dir)
        #expect(r.status == 1)
        #expect(CLIHarness.lines(r.stderr).first == "luatrace: syn.lua:1: unexpected symbol near '='", "stderr: \(r.stderr)")
        let e = try CLIHarness.run(["-e", "x = = 1"], in: dir)
        #expect(e.status == 1)
        #expect(CLIHarness.lines(e.stderr).first == "luatrace: (command line):1: unexpected symbol near '='",
                "stderr: \(e.stderr)")
    }

    @Test("a nonexistent script")
    func missingScript() throws {
        let dir = try CLIHarness.makeWorkFolder()
        let r = try CLIHarness.run(["nonexist.lua"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("luatrace: cannot open nonexist.lua"), "stderr: \(r.stderr)")
        #expect(r.stdout == "")
    }

    @Test("JIT flags are accepted", arguments: [["-joff"], ["-jon"], ["-jv"], ["-Ohotloop=1"], ["-jon", "-Ohotloop=1"], ["-O"]])
    func jitFlags(_ flags: [String]) throws {
        let dir = try CLIHarness.makeWorkFolder()
        let r = try CLIHarness.run(flags + ["loop.lua"], in: dir)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout == "50005000\n")
        let e = try CLIHarness.run(flags + ["-e", "print(1)"], in: dir)
        #expect(e.status == 0, "stderr: \(e.stderr)")
        #expect(e.stdout == "1\n")
    }

    @Test("-bl lists bytecode")
    func bytecodeListing() throws {
        let dir = try CLIHarness.makeWorkFolder()
        let r = try CLIHarness.run(["-bl", "hello.lua"], in: dir)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("GETTABUP"), "listing: \(r.stdout)")
        #expect(r.stdout.contains("RETURN"), "listing: \(r.stdout)")
        #expect(r.stdout.contains("FORPREP"), "listing: \(r.stdout)")
        #expect(!r.stdout.contains("after shebang"))
    }

    @Test("docs/opcodes.md is what --list-ops prints (regenerate it when an op is declared)")
    func opcodeTableIsCurrent() throws {
        let dir = try CLIHarness.makeWorkFolder()
        let r = try CLIHarness.run(["--list-ops"], in: dir)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/opcodes.md"), encoding: .utf8)
        #expect(r.stdout == doc, "docs/opcodes.md is stale: run `luatrace --list-ops > docs/opcodes.md`")
    }

    static let luaCompatibleCases: [CLICase] = [
        CLICase(args: ["-e", "print(1)"]),
        CLICase(args: ["-e", "x = 10", "-e", "print(x * 2)"]),
        CLICase(args: ["args.lua", "a", "b"]),
        CLICase(args: ["args.lua"]),
        CLICase(args: ["-e", "print(#arg, arg[0])", "args.lua", "q"]),
        CLICase(args: ["-", "x", "y"], stdin: "print('stdin', ...)\n"),
        CLICase(args: [], stdin: "print(1 + 1)\n"),
        CLICase(args: ["--", "args.lua", "-x"]),
        CLICase(args: ["shebang.lua"]),
        CLICase(args: ["ok.lua"]),
        CLICase(args: ["err.lua"]),
        CLICase(args: ["tab.lua"]),
        CLICase(args: ["tostr.lua"]),
        CLICase(args: ["syn.lua"]),
        CLICase(args: ["nonexist.lua"]),
        CLICase(args: ["-e", "error('boom')"]),
        CLICase(args: ["-e", "error('no position', 0)"]),
        CLICase(args: ["-e", "error()"]),
        CLICase(args: ["-e", "x = = 1"]),
        CLICase(args: ["-e", "os.exit(3)"]),
        CLICase(args: ["-e", "os.exit(true)"]),
        CLICase(args: ["-e", "os.exit(false)"]),
        CLICase(args: ["-e", "io.write('no newline') os.exit(0)"]),
        CLICase(args: ["-x"]),
        CLICase(args: ["-e"]),
        CLICase(args: ["-l"]),
        CLICase(args: ["-l", "nonexistentmodule"]),
        CLICase(args: ["-E", "-e", "print('E')"]),
        CLICase(args: ["-W", "-e", "warn('hello') print('done')"]),
        CLICase(args: ["-e", "warn('hidden') print('done')"]),
        CLICase(args: ["-", "a"], stdin: "#!shebang line\nprint(...)\n"),
    ]

    @Test("behaves like lua5.4", .enabled(if: ScriptHarness.lua54 != nil, "lua5.4 is not on PATH"),
          arguments: luaCompatibleCases)
    func sameAsLua(_ c: CLICase) throws {
        let dir = try CLIHarness.makeWorkFolder()
        let ours = try CLIHarness.run(c.args, in: dir, stdin: c.stdin)
        let lua = try CLIHarness.runLua(c.args, in: dir, stdin: c.stdin)
        #expect(ours.stdout == lua.stdout, "stdout differs from lua5.4")
        #expect(ours.status == lua.status, "exit status differs from lua5.4 (stderr: \(ours.stderr))")
        let luaLines = CLIHarness.lines(lua.stderr)
        let ourLines = CLIHarness.lines(ours.stderr)
        // lua.c prefixes messages with its argv[0] (here the full path of lua5.4)
        var expectedFirst = luaLines.first ?? ""
        for prefix in [(ScriptHarness.lua54 ?? "lua5.4") + ": ", "lua5.4: "] where expectedFirst.hasPrefix(prefix) {
            expectedFirst = "luatrace: " + expectedFirst.dropFirst(prefix.count)
            break
        }
        #expect(ourLines.first == expectedFirst, "first stderr line differs from lua5.4's")
        if luaLines.count > 1 && luaLines[1] == "stack traceback:" {
            #expect(ourLines.count > 1 && ourLines[1] == "stack traceback:", "no traceback: \(ours.stderr)")
        }
    }
}
