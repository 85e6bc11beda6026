// The interactive loop (as lua's: expressions print their values, incomplete statements
// continue on a '>>' prompt) and the interpreted-vs-compiled comparison mode.

import LuaTrace
#if canImport(Glibc)
import Glibc
#endif

func readFileBytes(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n > 0 { out.append(contentsOf: buf[0..<n]) }
        if n < buf.count { break }
    }
    return out
}

func readStdinBytes() -> [UInt8] {
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(0, &buf, buf.count)
        if n <= 0 { break }
        out.append(contentsOf: buf[0..<n])
    }
    return out
}

func skipShebangLine(_ src: [UInt8]) -> [UInt8] {
    guard src.first == UInt8(ascii: "#") else { return src }
    if let nl = src.firstIndex(of: 10) { return Array(src[nl...]) }
    return []
}

func runREPL(_ state: LuaState) {
    var pending = ""
    while true {
        let prompt = pending.isEmpty ? "> " : ">> "
        var p = prompt
        p.withUTF8 { b in _ = write(1, b.baseAddress, b.count) }
        guard let line = readLine(strippingNewline: true) else { out(""); break }
        var text = pending.isEmpty ? line : pending + "\n" + line
        if pending.isEmpty && text.hasPrefix("=") { text = "return " + text.dropFirst() }
        // first try as an expression
        let asExpr = Array(("return " + text).utf8)
        var chunk = Array(text.utf8)
        if state.check(asExpr, chunkName: "=stdin") == nil {
            chunk = asExpr
        } else if let err = state.check(chunk, chunkName: "=stdin") {
            if err.hasSuffix("<eof>") {
                pending = text
                continue
            }
            eprint(err)
            pending = ""
            continue
        }
        pending = ""
        do {
            let results = try state.run(bytes: chunk, chunkName: "=stdin")
            state.flush()
            if !results.isEmpty {
                let printFn = state.global("print")
                try state.call(printFn, results)
                state.flush()
            }
        } catch let e as LuaScriptError {
            state.flush()
            var t = e.message
            if let tb = e.traceback { t += "\n" + tb }
            eprint(t)
        } catch {}
    }
}

/// Runs a script with the trace compiler off and on, prints both times and the speedup.
func runComparison(file: String, args: [String], jit: JITOptions) -> Int32 {
    func timed(_ enabled: Bool) -> (Double, String?) {
        let s = LuaState()
        var opts = jit
        opts.enabled = enabled
        s.jit = opts
        s.setArgTable(script: file, scriptIndex: 0, argv: [file] + args)
        var t0 = timespec(), t1 = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t0)
        var err: String? = nil
        do { try s.runFile(file, args: args) } catch let e as LuaScriptError { err = e.message } catch {}
        s.flush()
        clock_gettime(CLOCK_MONOTONIC, &t1)
        let secs = Double(t1.tv_sec - t0.tv_sec) + Double(t1.tv_nsec - t0.tv_nsec) / 1e9
        if enabled { eprint(s.jitStatistics) }
        return (secs, err)
    }
    let (ti, ei) = timed(false)
    let (tc, ec) = timed(true)
    if let e = ei ?? ec { eprint("\(progName): \(e)"); return 1 }
    let speedup = tc > 0 ? ti / tc : 0
    eprint("interpreted: \(fixed(ti, 3)) s\ncompiled:    \(fixed(tc, 3)) s\nspeedup:     \(fixed(speedup, 2))x")
    return 0
}

/// A number with `digits` decimals (no Foundation).
func fixed(_ d: Double, _ digits: Int) -> String {
    var buf = [CChar](repeating: 0, count: 64)
    _ = withVaList([d]) { vsnprintf(&buf, 64, "%.\(digits)f", $0) }
    return String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Writes to stdout without Swift's buffering (the VM writes to fd 1 directly).
func out(_ s: String) {
    var s = s + "\n"
    s.withUTF8 { b in _ = write(1, b.baseAddress, b.count) }
}
