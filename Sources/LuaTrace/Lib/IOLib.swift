// The io library: io.open/close/read/write/lines/input/output/type/tmpfile/popen/flush and
// the standard handles; file methods live in IOLib+File.swift.
//
// Invariants:
// - A file handle is a userdata whose payload is a LuaFile (a C FILE* and how to close it)
//   and whose metatable is the shared FILE* metatable (also registry["FILE*"]).
// - io.stdout does not write through a FILE*: its output goes to the VM's OutputBuffer
//   (`vm.stdout`), the same buffer print uses, so output order is preserved. Writes to
//   io.stderr, reads from io.stdin and os.exit flush it first; like lua, popen and os.execute
//   do not (a child's output may overtake buffered output, as with C stdio).
// - Every io native and file method carries one upvalue: the io state table, whose array part
//   holds [1] the default input, [2] the default output, [3] the FILE* metatable.
// - Lua-level __gc is never called, but the collector closes unreachable open handles through
//   releaseUserdata (Userdata.swift), and running out of descriptors in io.open/popen/tmpfile
//   triggers a collection and one retry.

import CLuaRuntime
import LuaText
#if canImport(Glibc)
// @preconcurrency: lets stdStreams below read C's stdin/stdout/stderr globals, which Swift 6
// otherwise rejects as unsafe shared state
@preconcurrency import Glibc
#endif

typealias CFile = UnsafeMutablePointer<FILE>

/// How a handle is closed.
enum FileKind: Int32 {
    case closed = 0
    case regular = 1     // fclose
    case pipe = 2        // pclose
    case std = 3         // stdin / stderr: never really closed
    case vmStdout = 4    // io.stdout: writes go to vm.stdout; never closed
}

/// Buffering mode recorded for io.stdout (other files use setvbuf directly).
enum StdoutBuffering: Int32 { case full = 0, line = 1, no = 2 }

/// The payload of a FILE* userdata.
struct LuaFile {
    var fp: CFile?
    var kind: Int32
    var vbuf: Int32
}

/// The C library's standard streams (the FILE*s behind C's stdin/stdout/stderr, shared with
/// Swift's readLine), read directly: luatrace is linked statically, so dlsym cannot find them.
private struct StdStreams: @unchecked Sendable {
    let stdin: CFile?
    let stdout: CFile?
    let stderr: CFile?
}

private let stdStreams = StdStreams(stdin: Glibc.stdin, stdout: Glibc.stdout, stderr: Glibc.stderr)

extension VM {
    func openIO() {
        let state = newTable(narray: 3)
        let up = Value(table: state)
        let mt = newTable()
        tableSetInt(state, 3, Value(table: mt))
        tableSetStr(registry, newString("FILE*"), Value(table: mt))
        tableSetStr(registry, newString("_IO_state"), up)

        // methods and metamethods
        let methods = newTable()
        registerWithUpvalue(methods, lib: nil, up, [
            ("read", NativeEntry { vm, a in
                let (_, f) = try vm.checkOpenFile(a, 1)
                return try vm.readFormats(f, a, first: 2, file: vm.arg(a, 1)) }),
            ("write", NativeEntry { vm, a in
                let (u, _) = try vm.checkOpenFile(a, 1)
                return try vm.writeValues(u, vm.arg(a, 1), a, first: 2) }),
            ("lines", NativeEntry { vm, a in
                _ = try vm.checkOpenFile(a, 1)
                return try vm.makeLinesIterator(a, fileArg: 1, toClose: false) }),
            ("seek", NativeEntry { vm, a in try vm.fileSeek(a) }),
            ("setvbuf", NativeEntry { vm, a in try vm.fileSetvbuf(a) }),
            ("flush", NativeEntry { vm, a in
                let (u, f) = try vm.checkOpenFile(a, 1)
                return try vm.flushFile(u, f) }),
            ("close", NativeEntry { vm, a in
                _ = try vm.checkOpenFile(a, 1)
                return try vm.closeFile(vm.arg(a, 1).userdata) }),
        ])
        tableSetStr(mt, tmName(.index), Value(table: methods))
        tableSetStr(mt, tmName(.name), Value(string: newString("FILE*")))
        registerWithUpvalue(mt, lib: nil, up, [
            ("__tostring", NativeEntry { vm, a in
                let u = try vm.checkFileHandle(a, 1)
                let lf = vm.luaFile(u).pointee
                if lf.kind == FileKind.closed.rawValue { try vm.pushString("file (closed)"); return 1 }
                let addr = UInt(bitPattern: lf.fp.map { UnsafeMutableRawPointer($0) })
                try vm.pushString("file (0x\(String(addr, radix: 16)))"); return 1 }),
            ("__gc", NativeEntry { vm, a in try vm.fileGC(a) }),
            ("__close", NativeEntry { vm, a in try vm.fileGC(a) }),
        ])

        // standard handles
        let io = newTable()
        let hin = newFileHandle(mt, stdStreams.stdin, .std)
        let hout = newFileHandle(mt, stdStreams.stdout, .vmStdout)
        let herr = newFileHandle(mt, stdStreams.stderr, .std)
        tableSetStr(io, newString("stdin"), Value(userdata: hin))
        tableSetStr(io, newString("stdout"), Value(userdata: hout))
        tableSetStr(io, newString("stderr"), Value(userdata: herr))
        tableSetInt(state, 1, Value(userdata: hin))
        tableSetInt(state, 2, Value(userdata: hout))

        registerWithUpvalue(io, lib: "io", up, [
            ("open", NativeEntry { vm, a in try vm.ioOpen(a) }),
            ("close", NativeEntry { vm, a in
                if a.count == 0 {
                    let out = vm.ioDefault(2)
                    _ = try vm.openFileOf(out)
                    return try vm.closeFile(out.userdata)
                }
                _ = try vm.checkOpenFile(a, 1)
                return try vm.closeFile(vm.arg(a, 1).userdata) }),
            ("read", NativeEntry { vm, a in
                let inp = vm.ioDefault(1)
                let f = try vm.defaultFile(inp, "input")
                return try vm.readFormats(f, a, first: 1, file: inp) }),
            ("write", NativeEntry { vm, a in
                let out = vm.ioDefault(2)
                _ = try vm.defaultFile(out, "output")
                return try vm.writeValues(out.userdata, out, a, first: 1) }),
            ("lines", NativeEntry { vm, a in try vm.ioLines(a) }),
            ("input", NativeEntry { vm, a in try vm.ioSetDefault(a, slot: 1, mode: "r") }),
            ("output", NativeEntry { vm, a in try vm.ioSetDefault(a, slot: 2, mode: "w") }),
            ("type", NativeEntry { vm, a in
                try vm.checkAny(a, 1)
                let v = vm.arg(a, 1)
                guard vm.isFileHandle(v) else { try vm.push(.nilValue); return 1 }
                let closed = vm.luaFile(v.userdata).pointee.kind == FileKind.closed.rawValue
                try vm.pushString(closed ? "closed file" : "file"); return 1 }),
            ("flush", NativeEntry { vm, a in
                let out = vm.ioDefault(2)
                let f = try vm.defaultFile(out, "output")
                return try vm.flushFile(out.userdata, f) }),
            ("tmpfile", NativeEntry { vm, a in
                guard let f = vm.openRetryingAfterGC({ tmpfile() }) else { return try vm.fileResult(false, nil) }
                try vm.push(Value(userdata: vm.newFileHandle(vm.fileMetatable(), f, .regular))); return 1 }),
            ("popen", NativeEntry { vm, a in try vm.ioPopen(a) }),
        ])
        tableSetStr(globals, newString("io"), Value(table: io))
        registerLoadedLibraries()
    }

    // MARK: helpers

    /// Like `register`, but every function gets `up` as its single upvalue.
    func registerWithUpvalue(_ t: TablePtr, lib: String?, _ up: Value, _ fns: [(String, NativeEntry)]) {
        for (name, fn) in fns {
            let q = lib.map { "\($0).\(name)" } ?? ""
            tableSetStr(t, newString(name), Value(native: newNative(id: registerNative(q, fn), upvalues: [up])))
        }
    }

    @inline(__always) func luaFile(_ u: UserdataPtr) -> UnsafeMutablePointer<LuaFile> {
        userdataPayload(u).assumingMemoryBound(to: LuaFile.self)
    }

    /// The io state table of the running io native (its upvalue 0).
    @inline(__always) func ioState() -> TablePtr { nativeUpvalue(0).table }

    func fileMetatable() -> TablePtr { tableGetInt(ioState(), 3).table }

    /// Default input (slot 1) or output (slot 2) handle.
    @inline(__always) func ioDefault(_ slot: Int64) -> Value { tableGetInt(ioState(), slot) }

    func newFileHandle(_ mt: TablePtr, _ fp: CFile?, _ kind: FileKind) -> UserdataPtr {
        let u = newUserdata(size: MemoryLayout<LuaFile>.stride, metatable: mt, userValues: 0)
        luaFile(u).pointee = LuaFile(fp: fp, kind: kind.rawValue, vbuf: StdoutBuffering.full.rawValue)
        setUserdataTag(u, .file)
        return u
    }

    /// A collected handle that is still open is closed (what lua's __gc does).
    func releaseFile(_ u: UserdataPtr) {
        let p = luaFile(u)
        guard let f = p.pointee.fp else { return }
        switch FileKind(rawValue: p.pointee.kind) {
        case .regular: fclose(f)
        case .pipe: pclose(f)
        default: return
        }
        p.pointee.fp = nil
        p.pointee.kind = FileKind.closed.rawValue
    }

    /// Runs `open`; when the process is out of descriptors, collects garbage (closing
    /// unreachable handles) and tries once more.
    func openRetryingAfterGC(_ open: () -> CFile?) -> CFile? {
        errno = 0
        if let f = open() { return f }
        guard errno == EMFILE || errno == ENFILE else { return nil }
        fullGC()
        errno = 0
        return open()
    }

    func isFileHandle(_ v: Value) -> Bool {
        v.tt == UInt64(LT_TUSERDATA) && v.userdata.pointee.metatable == fileMetatable()
    }

    /// luaL_checkudata(L, n, "FILE*").
    func checkFileHandle(_ a: Args, _ n: Int) throws -> UserdataPtr {
        let v = arg(a, n)
        guard isFileHandle(v) else { throw argTypeError(a, n, "FILE*") }
        return v.userdata
    }

    /// A handle argument that must be open ("attempt to use a closed file").
    func checkOpenFile(_ a: Args, _ n: Int) throws -> (UserdataPtr, CFile) {
        let u = try checkFileHandle(a, n)
        let lf = luaFile(u).pointee
        guard lf.kind != FileKind.closed.rawValue, let f = lf.fp else {
            throw LuaError.runtime(self, "attempt to use a closed file")
        }
        return (u, f)
    }

    func openFileOf(_ v: Value) throws -> CFile {
        let lf = luaFile(v.userdata).pointee
        guard lf.kind != FileKind.closed.rawValue, let f = lf.fp else {
            throw LuaError.runtime(self, "attempt to use a closed file")
        }
        return f
    }

    /// The FILE* of a default file ("default input file is closed").
    func defaultFile(_ v: Value, _ what: String) throws -> CFile {
        let lf = luaFile(v.userdata).pointee
        guard lf.kind != FileKind.closed.rawValue, let f = lf.fp else {
            throw LuaError.runtime(self, "default \(what) file is closed")
        }
        return f
    }

    /// luaL_fileresult: true, or fail + message + errno.
    func fileResult(_ ok: Bool, _ fname: String?) throws -> Int {
        let en = errno
        if ok { try push(.trueValue); return 1 }
        try push(.nilValue)
        let msg = en != 0 ? String(cString: strerror(en)) : "(no extra info)"
        try pushString(fname.map { "\($0): \(msg)" } ?? msg)
        try push(Value(int: Int64(en)))
        return 3
    }

    /// luaL_execresult: the result of os.execute / closing a pipe.
    func execResult(_ stat: Int32) throws -> Int {
        if stat == -1 && errno != 0 { return try fileResult(false, nil) }
        var code = stat
        var what = "exit"
        if stat & 0x7f == 0 {                     // WIFEXITED
            code = (stat >> 8) & 0xff
        } else if Int8(truncatingIfNeeded: (stat & 0x7f) + 1) >> 1 > 0 {  // WIFSIGNALED
            code = stat & 0x7f
            what = "signal"
        }
        if what == "exit" && code == 0 { try push(.trueValue) } else { try push(.nilValue) }
        try pushString(what)
        try push(Value(int: Int64(code)))
        return 3
    }

    // MARK: io functions

    static func validOpenMode(_ m: [UInt8]) -> Bool {
        guard let c = m.first, c == UInt8(ascii: "r") || c == UInt8(ascii: "w") || c == UInt8(ascii: "a") else {
            return false
        }
        var i = 1
        if i < m.count && m[i] == UInt8(ascii: "+") { i += 1 }
        while i < m.count { if m[i] != UInt8(ascii: "b") { return false }; i += 1 }
        return true
    }

    func ioOpen(_ a: Args) throws -> Int {
        let name = LuaStr.bytes(try checkString(a, 1))
        let mode = try optString(a, 2).map { LuaStr.bytes($0) } ?? Array("r".utf8)
        if !VM.validOpenMode(mode) { throw argError(2, "invalid mode") }
        let fp = openRetryingAfterGC { withCString(name) { n in withCString(mode) { m in fopen(n, m) } } }
        guard let f = fp else { return try fileResult(false, String(decoding: name, as: UTF8.self)) }
        try push(Value(userdata: newFileHandle(fileMetatable(), f, .regular)))
        return 1
    }

    func ioPopen(_ a: Args) throws -> Int {
        let cmd = LuaStr.bytes(try checkString(a, 1))
        let mode = try optString(a, 2).map { LuaStr.bytes($0) } ?? Array("r".utf8)
        if !(mode == [UInt8(ascii: "r")] || mode == [UInt8(ascii: "w")]) { throw argError(2, "invalid mode") }
        let fp = openRetryingAfterGC { withCString(cmd) { c in withCString(mode) { m in popen(c, m) } } }
        guard let f = fp else { return try fileResult(false, String(decoding: cmd, as: UTF8.self)) }
        try push(Value(userdata: newFileHandle(fileMetatable(), f, .pipe)))
        return 1
    }

    /// Opens a file or raises "cannot open file 'x' (reason)".
    func openCheckFile(_ name: [UInt8], _ mode: String) throws -> UserdataPtr {
        let fp = openRetryingAfterGC { withCString(name) { n in fopen(n, mode) } }
        guard let f = fp else {
            let msg = String(cString: strerror(errno))
            throw LuaError.runtime(self, "cannot open file '\(String(decoding: name, as: UTF8.self))' (\(msg))")
        }
        return newFileHandle(fileMetatable(), f, .regular)
    }

    func ioSetDefault(_ a: Args, slot: Int64, mode: String) throws -> Int {
        let v = arg(a, 1)
        if !v.isNil {
            if v.isString || v.isNumber {
                let name = LuaStr.bytes(try checkString(a, 1))
                let u = try openCheckFile(name, mode)
                tableSetInt(ioState(), slot, Value(userdata: u))
            } else {
                _ = try checkOpenFile(a, 1)
                tableSetInt(ioState(), slot, v)
            }
        }
        try push(ioDefault(slot))
        return 1
    }

    func ioLines(_ a: Args) throws -> Int {
        if a.count == 0 { try push(.nilValue) }
        let args = Args(base: a.base, count: max(a.count, 1))
        if arg(args, 1).isNil {
            let inp = ioDefault(1)
            setArg(args, 1, inp)
            _ = try checkOpenFile(args, 1)
            return try makeLinesIterator(args, fileArg: 1, toClose: false)
        }
        let name = LuaStr.bytes(try checkString(args, 1))
        let u = try openCheckFile(name, "r")
        setArg(args, 1, Value(userdata: u))
        _ = try makeLinesIterator(args, fileArg: 1, toClose: true)
        try push(.nilValue)
        try push(.nilValue)
        try push(Value(userdata: u))
        return 4
    }

    /// Pushes the iterator of f:lines / io.lines: a native with upvalues [file, toClose, formats...].
    func makeLinesIterator(_ a: Args, fileArg: Int, toClose: Bool) throws -> Int {
        let nfmt = max(a.count - fileArg, 0)
        if nfmt > 250 { throw argError(252, "too many arguments") }
        var ups: [Value] = [arg(a, fileArg), Value(bool: toClose)]
        for j in 0..<nfmt { ups.append(arg(a, fileArg + 1 + j)) }
        try push(Value(native: newNative(id: linesIteratorID(), upvalues: ups)))
        return 1
    }

    private func linesIteratorID() -> Int {
        let key = newString("_IO_linesid")
        let v = tableGetStr(registry, key)
        if v.isInt { return Int(v.i) }
        let id = registerNative("") { vm, a in try vm.linesStep(a) }
        tableSetStr(registry, key, Value(int: id))
        return id
    }

    /// One step of a lines iterator.
    func linesStep(_ a: Args) throws -> Int {
        let fv = nativeUpvalue(0)
        let lf = luaFile(fv.userdata).pointee
        guard lf.kind != FileKind.closed.rawValue, let f = lf.fp else {
            throw LuaError.runtime(self, "file is already closed")
        }
        let c = L.pointee.stack[Int(L.pointee.ci[Int(L.pointee.nci) - 1].func)].native
        let nfmt = Int(c.pointee.hdr.extra) - 2
        // arguments for the reader: [state, fmt1, fmt2, ...] (formats are args #2...)
        top = a.base
        try push(a.count >= 1 ? arg(a, 1) : .nilValue)
        for j in 0..<nfmt { try push(lt_native_upvals(c)[2 + j]) }
        let args = Args(base: a.base, count: 1 + nfmt)
        let n = try readFormats(f, args, first: 2, file: fv)
        let first = L.pointee.stack[top - n]
        if first.isTruthy { return n }
        if n > 1 {
            let msg = L.pointee.stack[top - n + 1]
            throw LuaError.runtime(self, msg.isString ? LuaStr.string(msg.str) : "?")
        }
        if nativeUpvalue(1).isTruthy {
            let t = top
            _ = try closeFile(fv.userdata)
            top = t
        }
        return 0
    }

    // MARK: closing

    /// Closes a handle (aux_close); pushes the results.
    func closeFile(_ u: UserdataPtr) throws -> Int {
        let p = luaFile(u)
        switch FileKind(rawValue: p.pointee.kind) ?? .closed {
        case .std, .vmStdout:
            if p.pointee.kind == FileKind.vmStdout.rawValue { stdout.flush() }
            try push(.nilValue)
            try pushString("cannot close standard file")
            return 2
        case .regular:
            let f = p.pointee.fp!
            p.pointee.kind = FileKind.closed.rawValue
            p.pointee.fp = nil
            errno = 0
            return try fileResult(fclose(f) == 0, nil)
        case .pipe:
            let f = p.pointee.fp!
            p.pointee.kind = FileKind.closed.rawValue
            p.pointee.fp = nil
            errno = 0
            return try execResult(pclose(f))
        case .closed:
            throw LuaError.runtime(self, "attempt to use a closed file")
        }
    }

    func fileGC(_ a: Args) throws -> Int {
        let u = try checkFileHandle(a, 1)
        let p = luaFile(u)
        if p.pointee.kind != FileKind.closed.rawValue && p.pointee.fp != nil {
            let t = top
            _ = try closeFile(u)
            top = t
        }
        return 0
    }

    func flushFile(_ u: UserdataPtr, _ f: CFile) throws -> Int {
        if luaFile(u).pointee.kind == FileKind.vmStdout.rawValue {
            stdout.flush()
            try push(.trueValue)
            return 1
        }
        errno = 0
        return try fileResult(fflush(f) == 0, nil)
    }

    // MARK: seek / setvbuf

    func checkOption(_ a: Args, _ n: Int, _ def: String?, _ names: [String]) throws -> Int {
        let s: String
        if let d = def, arg(a, n).isNil { s = d } else { s = LuaStr.string(try checkString(a, n)) }
        if let i = names.firstIndex(of: s) { return i }
        throw argError(n, "invalid option '\(s)'")
    }

    func fileSeek(_ a: Args) throws -> Int {
        let (u, f) = try checkOpenFile(a, 1)
        let op = try checkOption(a, 2, "cur", ["set", "cur", "end"])
        let offset = try optInt(a, 3, 0)
        let whence = [SEEK_SET, SEEK_CUR, SEEK_END][op]
        errno = 0
        if luaFile(u).pointee.kind == FileKind.vmStdout.rawValue {
            stdout.flush()
            let r = lseek(1, off_t(offset), whence)
            if r < 0 { return try fileResult(false, nil) }
            try push(Value(int: Int64(r)))
            return 1
        }
        if fseeko(f, off_t(offset), whence) != 0 { return try fileResult(false, nil) }
        try push(Value(int: Int64(ftello(f))))
        return 1
    }

    func fileSetvbuf(_ a: Args) throws -> Int {
        let (u, f) = try checkOpenFile(a, 1)
        let op = try checkOption(a, 2, nil, ["no", "full", "line"])
        let size = try optInt(a, 3, 1024)
        let p = luaFile(u)
        if p.pointee.kind == FileKind.vmStdout.rawValue {
            stdout.flush()
            p.pointee.vbuf = [StdoutBuffering.no, .full, .line][op].rawValue
            try push(.trueValue)
            return 1
        }
        errno = 0
        let mode = [_IONBF, _IOFBF, _IOLBF][op]
        return try fileResult(setvbuf(f, nil, mode, Int(max(size, 0))) == 0, nil)
    }
}

/// Runs `body` with a NUL-terminated copy of the bytes.
func withCString<R>(_ b: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
    var z = b
    z.append(0)
    return z.withUnsafeBufferPointer { p in
        p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: z.count) { body($0) }
    }
}
