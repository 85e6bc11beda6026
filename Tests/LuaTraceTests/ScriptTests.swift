// The Lua script suite: every `*.lua` file directly under Tests/LuaTraceTests/scripts/ is run
// in-process through the public embedding API (LuaState) in three JIT modes and its output is
// compared with the sibling `<name>.expected` file. Each (script, mode) case runs inside a Swift
// Testing exit-test child process, so a crash or hang fails that case only. A differential test
// runs the same scripts with the reference interpreter `lua5.4` (when it is on PATH) and checks
// that the expected files still agree with it. Conventions: scripts/README.md.

import Foundation
import Testing
import LuaTrace

// MARK: - shared harness (also used by CLITests.swift)

enum ScriptHarness {
    /// The copied `scripts` resource folder.
    static let scriptsFolder: URL = {
        if let u = Bundle.module.url(forResource: "scripts", withExtension: nil) { return u }
        return Bundle.module.bundleURL.appendingPathComponent("scripts")
    }()

    /// File names (`name.lua`) of the scripts directly under the scripts folder, sorted.
    static let scriptNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: scriptsFolder.path)) ?? []
        return names.filter { $0.hasSuffix(".lua") }.sorted()
    }()

    /// Wall-clock limit for one run of one script in one mode (seconds); override with
    /// LUATRACE_SCRIPT_TIMEOUT. The whole suite normally takes well under a minute.
    static let timeout: Double = {
        if let s = ProcessInfo.processInfo.environment["LUATRACE_SCRIPT_TIMEOUT"], let v = Double(s) { return v }
        return 60
    }()

    /// Total wall-clock budget of the in-process script runs (seconds), so that a JIT that
    /// hangs in many scripts cannot stall CI for hours; cases past the budget fail as "not run".
    /// Override with LUATRACE_SCRIPT_BUDGET.
    static let budget: Double = {
        if let s = ProcessInfo.processInfo.environment["LUATRACE_SCRIPT_BUDGET"], let v = Double(s) { return v }
        return 900
    }()

    final class BudgetClock: @unchecked Sendable {
        private let lock = NSLock()
        private var used = 0.0
        func add(_ seconds: Double) { lock.lock(); used += seconds; lock.unlock() }
        var remaining: Double { lock.lock(); defer { lock.unlock() }; return ScriptHarness.budget - used }
    }
    static let budgetClock = BudgetClock()

    /// The full path of an executable found on PATH, if any.
    static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = String(dir) + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static let lua54: String? = onPath("lua5.4")

    // The output convention shared with regen-expected.sh: stdout, then (for an uncaught error)
    // one line `ERROR: <message>` starting on a line of its own -- see render(stdout:error:).

    /// The error message in lua5.4's stderr: without the "lua5.4: " prefix and the traceback.
    static func luaErrorMessage(stderr: String, program: String = "lua5.4") -> String {
        var text = stderr
        for prefix in [program + ": ", "lua5.4: "] where text.hasPrefix(prefix) {
            text.removeFirst(prefix.count)
            break
        }
        if let r = text.range(of: "\nstack traceback:\n") ?? text.range(of: "\nstack traceback:") {
            text = String(text[..<r.lowerBound])
        }
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// A readable report of the first difference between two outputs.
    static func describeDifference(expected: String, actual: String) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var i = 0
        while i < e.count && i < a.count && e[i] == a[i] { i += 1 }
        let exp = i < e.count ? String(e[i]) : "<end of output>"
        let act = i < a.count ? String(a[i]) : "<end of output>"
        var actualText = actual
        if actualText.count > 4000 { actualText = String(actualText.prefix(4000)) + "\n... (truncated)" }
        return """
        first difference at line \(i + 1):
          expected: \(exp)
          actual:   \(act)
        --- full actual output ---
        \(actualText)
        """
    }

    // MARK: subprocesses

    struct ProcessResult {
        var stdoutBytes: [UInt8]
        var stderr: String
        var status: Int32
        var timedOut: Bool
        var stdout: String { String(decoding: stdoutBytes, as: UTF8.self) }
    }

    /// Runs an executable with arguments in `directory`, feeding `stdin` (nil = /dev/null).
    static func runProcess(_ executable: String, _ arguments: [String], directory: URL,
                           stdin: String? = nil, timeout: Double = 120) throws -> ProcessResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.currentDirectoryURL = directory
        let outPipe = Pipe(), errPipe = Pipe()
        p.standardOutput = outPipe
        p.standardError = errPipe
        let inPipe: Pipe?
        if stdin != nil {
            inPipe = Pipe()
            p.standardInput = inPipe
        } else {
            inPipe = nil
            p.standardInput = FileHandle.nullDevice
        }
        try p.run()
        // read both pipes concurrently so a chatty child cannot block on a full pipe
        let group = DispatchGroup()
        final class Box: @unchecked Sendable { var data = Data() }
        let outBox = Box(), errBox = Box()
        for (pipe, box) in [(outPipe, outBox), (errPipe, errBox)] {
            group.enter()
            Thread.detachNewThread {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
        if let inPipe, let stdin {
            inPipe.fileHandleForWriting.write(Data(stdin.utf8))
            try? inPipe.fileHandleForWriting.close()
        }
        var timedOut = false
        if group.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            p.terminate()
            _ = group.wait(timeout: .now() + 10)
        }
        p.waitUntilExit()
        return ProcessResult(stdoutBytes: [UInt8](outBox.data),
                             stderr: String(decoding: errBox.data, as: UTF8.self),
                             status: p.terminationStatus, timedOut: timedOut)
    }

    // MARK: in-process runs

    struct InProcessResult {
        var output: [UInt8]     // rendered with the ERROR-line convention
        var timedOut: Bool
    }

    /// Runs `scripts/<name>` in a fresh LuaState (public API only) with the scripts folder as the
    /// current directory, on a dedicated thread with a known stack size, within `timeout` seconds.
    /// Changes the process's current directory: call it only in an isolated process (exit test)
    /// or from serialized tests.
    static func runInProcess(_ name: String, mode: JITMode, timeout: Double = ScriptHarness.timeout) -> InProcessResult {
        let fm = FileManager.default
        let savedDirectory = fm.currentDirectoryPath
        _ = fm.changeCurrentDirectoryPath(scriptsFolder.path)
        defer { _ = fm.changeCurrentDirectoryPath(savedDirectory) }

        final class Outcome: @unchecked Sendable {
            var bytes: [UInt8] = []
            var error: String? = nil
        }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let worker = Thread {
            let state = LuaState()
            var options = state.jit
            mode.apply(&options)
            state.jit = options
            state.outputSink = { outcome.bytes.append(contentsOf: $0) }
            state.setArgTable(script: name, scriptIndex: 1, argv: ["luatrace", name])
            do {
                try state.runFile(name)
            } catch let e as LuaScriptError {
                outcome.error = e.message
            } catch {
                outcome.error = "non-Lua error: \(error)"
            }
            state.close()       // pending __gc finalizers run (and may print), as in lua_close
            state.flush()
            done.signal()
        }
        worker.stackSize = 64 << 20
        worker.start()
        if done.wait(timeout: .now() + timeout) == .timedOut {
            // The worker cannot be cancelled; it is abandoned.
            return InProcessResult(output: [], timedOut: true)
        }
        return InProcessResult(output: render(stdout: outcome.bytes, error: outcome.error), timedOut: false)
    }

    static func render(stdout: [UInt8], error: String?) -> [UInt8] {
        guard let error else { return stdout }
        var bytes = stdout
        if let last = bytes.last, last != 10 { bytes.append(10) }
        bytes += Array("ERROR: \(error)\n".utf8)
        return bytes
    }

    static func expectedOutput(for name: String) throws -> [UInt8] {
        let url = scriptsFolder.appendingPathComponent(String(name.dropLast(4)) + ".expected")
        return try [UInt8](Data(contentsOf: url))
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Writes to the process's stderr (used by exit-test children to report details).
    static func writeStderr(_ s: String) {
        FileHandle.standardError.write(Data(s.utf8))
    }
}

// MARK: - the three execution modes

enum JITMode: String, CaseIterable, Codable, Sendable, CustomTestStringConvertible {
    case interpreter = "jit off"
    case defaults = "default"
    case compileEverything = "hotloop=1"

    var testDescription: String { rawValue }

    func apply(_ o: inout JITOptions) {
        switch self {
        case .interpreter: o.enabled = false
        case .defaults: break
        case .compileEverything: o.enabled = true; o.hotloop = 1
        }
    }
}

// MARK: - tests

@Suite("Lua scripts", .serialized)
struct ScriptTests {
    /// Set LUATRACE_SCRIPTS_IN_TEST_PROCESS=1 to run scripts in the test process itself (for a
    /// debugger); by default each case runs in an exit-test child process so that a crash or a
    /// hang in one script fails that case only.
    static let inTestProcess = ProcessInfo.processInfo.environment["LUATRACE_SCRIPTS_IN_TEST_PROCESS"] == "1"

    @Test("the script folder is found and every script has an expected file")
    func suiteIsComplete() throws {
        #expect(ScriptHarness.scriptNames.count >= 20,
                "found only \(ScriptHarness.scriptNames.count) scripts in \(ScriptHarness.scriptsFolder.path)")
        for name in ScriptHarness.scriptNames {
            #expect(throws: Never.self, "\(name) has no .expected file") {
                _ = try ScriptHarness.expectedOutput(for: name)
            }
        }
    }

    /// Runs one script in one mode and compares with the expected file; returns a failure
    /// description or nil.
    static func check(_ name: String, _ mode: JITMode, timeout: Double = ScriptHarness.timeout) -> String? {
        let expected: [UInt8]
        do { expected = try ScriptHarness.expectedOutput(for: name) } catch {
            return "cannot read \(name.dropLast(4)).expected: \(error)"
        }
        let result = ScriptHarness.runInProcess(name, mode: mode, timeout: timeout)
        if result.timedOut {
            return "\(name) [\(mode.rawValue)] did not finish within \(Int(timeout)) s"
        }
        if result.output == expected { return nil }
        return """
        \(name) [\(mode.rawValue)] output differs from \(name.dropLast(4)).expected
        \(ScriptHarness.describeDifference(expected: ScriptHarness.text(expected), actual: ScriptHarness.text(result.output)))
        """
    }

    @Test("script output matches .expected", arguments: ScriptHarness.scriptNames, JITMode.allCases)
    func script(_ name: String, mode: JITMode) async throws {
        let remaining = ScriptHarness.budgetClock.remaining
        if remaining <= 0 {
            Issue.record("""
            \(name) [\(mode.rawValue)] not run: the script suite's time budget of \(Int(ScriptHarness.budget)) s \
            is used up (see the time-outs above; LUATRACE_SCRIPT_BUDGET changes it)
            """)
            return
        }
        let limit = min(ScriptHarness.timeout, remaining)
        let started = Date()
        defer { ScriptHarness.budgetClock.add(Date().timeIntervalSince(started)) }
        if Self.inTestProcess {
            if let failure = Self.check(name, mode, timeout: limit) { Issue.record(Comment(rawValue: failure)) }
            return
        }
        // The child always exits 0 after reporting a mismatch on its stdout (behind a marker), so
        // that the parent gets the details; a crash shows up as a failed exit condition (signal).
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent],
                                   "\(name) [\(mode.rawValue)] crashed or exited") { [name, mode, limit = limit as Double] in
            if let failure = ScriptTests.check(name, mode, timeout: limit) {
                FileHandle.standardOutput.write(Data((ScriptTests.failureMarker + failure).utf8))
            }
            // _exit: a timed-out worker thread may still be running
            _exit(0)
        }
        if let result {
            let out = ScriptHarness.text(result.standardOutputContent)
            if let r = out.range(of: Self.failureMarker) {
                var details = String(out[r.upperBound...])
                if details.count > 6000 { details = String(details.prefix(6000)) + "\n... (truncated)" }
                Issue.record(Comment(rawValue: details))
            }
        }
    }

    static let failureMarker = "@@luatrace-script-failure@@\n"

    @Test("lua5.4 agrees with .expected", .enabled(if: ScriptHarness.lua54 != nil, "lua5.4 is not on PATH"),
          arguments: ScriptHarness.scriptNames)
    func differential(_ name: String) throws {
        let lua = try #require(ScriptHarness.lua54)
        let expected = try ScriptHarness.expectedOutput(for: name)
        let r = try ScriptHarness.runProcess(lua, [name], directory: ScriptHarness.scriptsFolder, timeout: 60)
        #expect(!r.timedOut, "lua5.4 \(name) timed out")
        // lua.c prefixes messages with argv[0], which is the full path here
        let error: String? = r.status == 0 ? nil : ScriptHarness.luaErrorMessage(stderr: r.stderr, program: lua)
        let actual = ScriptHarness.render(stdout: r.stdoutBytes, error: error)
        if actual != expected {
            Issue.record("""
            lua5.4 \(name) disagrees with \(name.dropLast(4)).expected (regenerate with \
            Tests/LuaTraceTests/scripts/regen-expected.sh \(name) and review the diff)
            \(ScriptHarness.describeDifference(expected: ScriptHarness.text(expected), actual: ScriptHarness.text(actual)))
            """)
        }
    }
}

// MARK: - the embedding example of README.md

@Suite("README embedding example")
struct EmbeddingExampleTests {
    @Test("the README's LuaState example works as documented")
    func readmeExample() throws {
        let lua = LuaState()
        lua.jit.hotloop = 20
        final class Sink: @unchecked Sendable { var bytes: [UInt8] = [] }
        let printed = Sink()
        lua.outputSink = { printed.bytes += $0 }
        lua.register("twice") { args in
            guard case .integer(let n)? = args.first else { return [.nil] }
            return [.integer(n * 2)]
        }
        let results = try lua.run("local s = 0 for i = 1, 100 do s = s + twice(i) end print('sum', s) return s")
        lua.flush()
        #expect(results == [.integer(10100)])
        #expect(String(decoding: printed.bytes, as: UTF8.self) == "sum\t10100\n")
        let error = #expect(throws: LuaScriptError.self) {
            try lua.run("local t = nil\nreturn t.x", chunkName: "=script")
        }
        #expect(error?.message == "script:2: attempt to index a nil value (local 't')")
    }
}
