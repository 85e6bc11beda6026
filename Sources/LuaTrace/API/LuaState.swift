// The embedding API: the only public surface of the LuaTrace library.
//
// A LuaState owns one VM. Values cross the boundary as `LuaValue` (copied out of the heap:
// strings become Swift strings/bytes, tables and functions become handles that keep the object
// alive until released). Errors surface as `LuaScriptError` with lua5.4's message text.

import CLuaRuntime
#if canImport(Glibc)
import Glibc
#endif

/// A Lua value as seen by the host.
public enum LuaValue: Equatable, CustomStringConvertible {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string([UInt8])
    /// Tables, functions, userdata, threads: an opaque reference kept alive by the state.
    case reference(LuaReference)

    public var description: String {
        switch self {
        case .nil: return "nil"
        case .boolean(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .number(let d): return String(decoding: formatFloatText(d), as: UTF8.self)
        case .string(let s): return String(decoding: s, as: UTF8.self)
        case .reference(let r): return r.typeName
        }
    }

    /// The string value as Swift text, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return String(decoding: s, as: UTF8.self) }
        return nil
    }
}

/// A host-held reference to a Lua object; the object stays alive while the reference exists.
public final class LuaReference: Equatable {
    let slot: Int
    weak var state: LuaState?
    public let typeName: String

    init(slot: Int, state: LuaState, typeName: String) {
        self.slot = slot; self.state = state; self.typeName = typeName
    }
    deinit { state?.releaseRoot(slot) }

    public static func == (a: LuaReference, b: LuaReference) -> Bool {
        guard let s = a.state, s === b.state else { return false }
        return s.vm.hostRoots[a.slot].rawEquals(s.vm.hostRoots[b.slot])
    }
}

/// An error raised by Lua code (or a syntax error), with lua5.4's message text.
public struct LuaScriptError: Error, CustomStringConvertible {
    public let message: String
    public let traceback: String?
    public var description: String { message }
}

/// JIT settings, in LuaJIT's vocabulary.
public struct JITOptions {
    public var enabled = true
    public var verbose = false
    public var dump = false
    public var hotloop = 56
    /// Exits taken this many times get a side branch recorded (LuaJIT's hotexit).
    public var hotexit = 10
    public var maxtrace = 1000
    public var maxrecord = 4000
    public var stats = false
    public init() {}
}

public final class LuaState {
    let vm: VM
    private var freeRoots: [Int] = []

    /// Creates a state with the standard libraries open.
    public init() {
        vm = VM()
        vm.openLibraries()
    }

    deinit {
        close()
        vm.stdout.flush()
    }

    /// Closes the state as lua_close does: calls the finalizers (__gc) of all objects marked for
    /// finalization (pending ones first, then the rest, newest first), with errors reported as
    /// warnings, and flushes the output. Idempotent; deinit calls it too. The state stays
    /// usable, but objects are no longer marked for finalization.
    public func close() {
        vm.closeState()
    }

    public var jit: JITOptions {
        get { vm.jitOptions }
        set { vm.jitOptions = newValue }
    }

    /// Compiles and runs a chunk; returns its results.
    @discardableResult
    public func run(_ source: String, chunkName: String = "=(host)") throws -> [LuaValue] {
        try run(bytes: Array(source.utf8), chunkName: chunkName, args: [])
    }

    @discardableResult
    public func run(bytes: [UInt8], chunkName: String, args: [String] = []) throws -> [LuaValue] {
        let f: Value
        switch vm.loadBuffer(bytes, chunkName: chunkName, mode: "bt", env: nil) {
        case .failure(let f): throw LuaScriptError(message: f.message, traceback: nil)
        case .success(let v): f = v
        }
        let argv = args.map { Value(string: vm.newString($0)) }
        return try protectedCall(f, argv)
    }

    /// Runs a file as `lua file` would (the first line is skipped when it starts with '#').
    @discardableResult
    public func runFile(_ path: String, args: [String] = []) throws -> [LuaValue] {
        let f: Value
        switch vm.loadFile(path, mode: "bt", env: nil) {
        case .failure(let e): throw LuaScriptError(message: e.message, traceback: nil)
        case .success(let v): f = v
        }
        return try protectedCall(f, args.map { Value(string: vm.newString($0)) })
    }

    /// Compiles a chunk without running it; returns the syntax error message if any.
    public func check(_ source: [UInt8], chunkName: String) -> String? {
        if case .failure(let f) = vm.loadChunk(source, chunkName: chunkName) { return f.message }
        return nil
    }

    /// The bytecode listing of a chunk (like `luac -l -l`), or the syntax error.
    public func disassemble(_ source: [UInt8], chunkName: String) -> String {
        vm.disassembleSource(source, chunkName: chunkName)
    }

    /// Registers a Swift function as a global Lua function.
    public func register(_ name: String, _ fn: @escaping ([LuaValue]) throws -> [LuaValue]) {
        let native: NativeFn = { [unowned self] vm, a in
            var args: [LuaValue] = []
            for j in 1...max(a.count, 1) where j <= a.count { args.append(self.export(vm.arg(a, j))) }
            let results: [LuaValue]
            do { results = try fn(args) } catch let e as LuaScriptError {
                throw LuaError.runtime(vm, e.message)
            }
            for r in results { try vm.push(self.importValue(r)) }
            return results.count
        }
        vm.setGlobal(name, vm.nativeFunction(name, native))
    }

    public func setGlobal(_ name: String, _ value: LuaValue) {
        vm.setGlobal(name, importValue(value))
    }

    public func global(_ name: String) -> LuaValue {
        export(vm.getGlobal(name))
    }

    /// Calls a function value with arguments.
    @discardableResult
    public func call(_ f: LuaValue, _ args: [LuaValue]) throws -> [LuaValue] {
        try protectedCall(importValue(f), args.map(importValue))
    }

    /// Sets the global `arg` table as the `lua` command does.
    public func setArgTable(script: String?, scriptIndex: Int, argv: [String]) {
        // sized like lua.c's createargtable: the script's arguments in the array part, the
        // interpreter, its options and the script name in the hash part
        let t = vm.newTable(narray: max(argv.count - (scriptIndex + 1), 0), nhash: scriptIndex + 1)
        for (i, s) in argv.enumerated() {
            vm.tableSetInt(t, Int64(i - scriptIndex), Value(string: vm.newString(s)))
        }
        vm.setGlobal("arg", Value(table: t))
    }

    /// Where print/io.write output goes: nil = the process's stdout (default).
    public var outputSink: (([UInt8]) -> Void)? {
        get { vm.stdout.sink }
        set { vm.stdout.flush(); vm.stdout.sink = newValue }
    }

    /// Flushes buffered output (print/io.write).
    public func flush() { vm.stdout.flush() }

    /// Trace statistics text (for -jv summaries and the comparison mode).
    public var jitStatistics: String { vm.jitStatisticsText() }

    // MARK: internals

    func protectedCall(_ f: Value, _ args: [Value]) throws -> [LuaValue] {
        let th = vm.L!
        let base = Int(th.pointee.top)
        let savedNci = Int(th.pointee.nci)
        do {
            try vm.ensureStack(th, base + args.count + 1)
            th.pointee.stack[base] = f
            for (j, a) in args.enumerated() { th.pointee.stack[base + 1 + j] = a }
            th.pointee.top = Int64(base + 1 + args.count)
            try vm.call(funcIdx: base, nresults: -1)
            let n = Int(th.pointee.top) - base
            var out: [LuaValue] = []
            for j in 0..<n { out.append(export(th.pointee.stack[base + j])) }
            th.pointee.top = Int64(base)
            return out
        } catch let e as LuaError {
            // message handler at the error point: message text + traceback
            // like lua.c's handler: an error object whose __tostring gives the message gets no
            // traceback
            let (msg, byTostring) = vm.errorMessage(e.value)
            let tb = byTostring ? nil : vm.traceback(message: nil, level: 1)
            _ = vm.unwindTo(th, frames: savedNci, level: base, error: e.value)
            th.pointee.top = Int64(base)
            vm.nativeDepth = 0
            throw LuaScriptError(message: msg, traceback: tb)
        }
    }

    func releaseRoot(_ slot: Int) {
        vm.hostRoots[slot] = .nilValue
        freeRoots.append(slot)
    }

    func export(_ v: Value) -> LuaValue {
        switch Int32(v.tt) {
        case LT_TNIL: return .nil
        case LT_TFALSE: return .boolean(false)
        case LT_TTRUE: return .boolean(true)
        case LT_TINT: return .integer(v.i)
        case LT_TFLOAT: return .number(v.n)
        case LT_TSTRING: return .string(LuaStr.bytes(v.str))
        default:
            let slot: Int
            if let s = freeRoots.popLast() { slot = s; vm.hostRoots[s] = v } else {
                slot = vm.hostRoots.count; vm.hostRoots.append(v)
            }
            return .reference(LuaReference(slot: slot, state: self, typeName: v.typeName))
        }
    }

    func importValue(_ v: LuaValue) -> Value {
        switch v {
        case .nil: return .nilValue
        case .boolean(let b): return Value(bool: b)
        case .integer(let i): return Value(int: i)
        case .number(let d): return Value(float: d)
        case .string(let s): return Value(string: vm.newString(s))
        case .reference(let r): return vm.hostRoots[r.slot]
        }
    }
}
