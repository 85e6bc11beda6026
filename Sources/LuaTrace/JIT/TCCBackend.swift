// The libtcc backend: compiles a trace's C in memory and relocates it into executable memory
// that we own.
//
// Invariants:
// - Each compile uses a fresh TCCState with -nostdlib; every external symbol the generated
//   code may reference (libm functions, memmove/memcpy/memset, runtime helpers) is registered
//   with tcc_add_symbol.
// - Code is relocated into a bump arena of large RWX mappings owned here (never freed while
//   the VM lives), so the number of kernel mappings stays small however many traces exist.
// - libtcc is used from one thread only (the VM's).
// - A compile error never crashes: it is returned as text for -jv.

import CLuaRuntime
import CTCC
#if canImport(Glibc)
import Glibc
#endif

final class TCCBackend {
    private var arena: UnsafeMutableRawPointer? = nil
    private var arenaUsed = 0
    private var arenaSize = 0
    private static let chunk = 16 << 20
    /// Errors reported by libtcc through the callback during the current compile.
    fileprivate var messages: [String] = []
    private let prelude: String
    private static let injectFailure = getenv("LUATRACE_TCC_FAIL") != nil

    init() {
        prelude = "#define LT_TRACE_PRELUDE 1\n" + String(cString: lt_rt_header()) + """

        double floor(double); double ceil(double); double sqrt(double); double fabs(double);
        double sin(double); double cos(double); double tan(double); double exp(double);
        double log(double); double log2(double); double log10(double); double pow(double, double);
        double fmod(double, double); double atan2(double, double); double asin(double);
        double acos(double); double atan(double);
        void lt_jit_tset(LTJitCtx *ctx, LTTable *t, LTValue *k, LTValue *v);
        void *lt_jit_tnew(LTJitCtx *ctx, int64_t narray, int64_t nhash);
        void *lt_jit_concat(LTJitCtx *ctx, LTValue *vals, int64_t n);
        int64_t lt_jit_next(LTJitCtx *ctx, LTTable *t, LTValue *key);
        int64_t lt_jit_setmeta(LTJitCtx *ctx, LTTable *t, LTTable *mt);

        """
    }

    deinit {
        // arenas live as long as the process (traces may still be referenced); nothing to do
    }

    private func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
        let need = (size + 63) & ~63
        if arena == nil || arenaUsed + need > arenaSize {
            let n = max(TCCBackend.chunk, need)
            let p = mmap(nil, n, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            guard let p = p, p != MAP_FAILED else { return nil }
            arena = p
            arenaSize = n
            arenaUsed = 0
        }
        let p = arena! + arenaUsed
        arenaUsed += need
        return p
    }

    /// Compiles `source` and returns the address of function `name`, or the error text.
    func compile(_ source: String, name: String) -> Result<LTTraceFn, TraceCompileError> {
        guard let s = tcc_new() else { return .failure(TraceCompileError(message: "tcc_new failed")) }
        defer { tcc_delete(s) }
        messages.removeAll()
        let opaque = Unmanaged.passUnretained(self).toOpaque()
        tcc_set_error_func(s, opaque) { op, msg in
            guard let op = op, let msg = msg else { return }
            Unmanaged<TCCBackend>.fromOpaque(op).takeUnretainedValue().messages.append(String(cString: msg))
        }
        tcc_set_options(s, "-nostdlib")
        tcc_set_output_type(s, TCC_OUTPUT_MEMORY)
        // LUATRACE_TCC_FAIL=1 injects a compile error (to test that failures stay harmless)
        let full = (TCCBackend.injectFailure ? "#error injected failure\n" : "") + prelude + source
        if tcc_compile_string(s, full) == -1 {
            return .failure(TraceCompileError(message: messages.joined(separator: "; ")))
        }
        TCCBackend.registerSymbols(s)
        let size = tcc_relocate(s, nil)
        guard size > 0, let mem = allocate(Int(size)) else {
            return .failure(TraceCompileError(message: "relocation failed: " + messages.joined(separator: "; ")))
        }
        if tcc_relocate(s, mem) < 0 {
            return .failure(TraceCompileError(message: "relocation failed: " + messages.joined(separator: "; ")))
        }
        guard let sym = tcc_get_symbol(s, name) else {
            return .failure(TraceCompileError(message: "symbol \(name) not found"))
        }
        return .success(unsafeBitCast(sym, to: LTTraceFn.self))
    }

    private static func registerSymbols(_ s: OpaquePointer) {
        func add(_ name: String, _ p: UnsafeRawPointer) { _ = tcc_add_symbol(s, name, p) }
        typealias F1 = @convention(c) (Double) -> Double
        typealias F2 = @convention(c) (Double, Double) -> Double
        let f1: [(String, F1)] = [("floor", floor), ("ceil", ceil), ("sqrt", sqrt), ("fabs", fabs), ("sin", sin),
                                   ("cos", cos), ("tan", tan), ("exp", exp), ("log", log), ("log2", log2),
                                   ("log10", log10), ("asin", asin), ("acos", acos), ("atan", atan)]
        for (n, f) in f1 { add(n, unsafeBitCast(f, to: UnsafeRawPointer.self)) }
        let f2: [(String, F2)] = [("pow", pow), ("fmod", fmod), ("atan2", atan2)]
        for (n, f) in f2 { add(n, unsafeBitCast(f, to: UnsafeRawPointer.self)) }
        typealias Mem = @convention(c) (UnsafeMutableRawPointer, UnsafeRawPointer, Int) -> UnsafeMutableRawPointer?
        let mm: Mem = memmove, mc: Mem = memcpy
        add("memmove", unsafeBitCast(mm, to: UnsafeRawPointer.self))
        add("memcpy", unsafeBitCast(mc, to: UnsafeRawPointer.self))
        typealias MS = @convention(c) (UnsafeMutableRawPointer, Int32, Int) -> UnsafeMutableRawPointer?
        let ms: MS = memset
        add("memset", unsafeBitCast(ms, to: UnsafeRawPointer.self))
        add("lt_jit_tset", unsafeBitCast(jitTableSet, to: UnsafeRawPointer.self))
        add("lt_jit_tnew", unsafeBitCast(jitTableNew, to: UnsafeRawPointer.self))
        add("lt_jit_concat", unsafeBitCast(jitConcat, to: UnsafeRawPointer.self))
        add("lt_jit_next", unsafeBitCast(jitNext, to: UnsafeRawPointer.self))
        add("lt_jit_setmeta", unsafeBitCast(jitSetMetatable, to: UnsafeRawPointer.self))
    }
}

struct TraceCompileError: Error {
    let message: String
}

/// Runtime helper for traces: a raw table store that may resize the table.
let jitTableSet: @convention(c) (UnsafeMutablePointer<LTJitCtx>?, UnsafeMutablePointer<LTTable>?,
                                  UnsafeMutablePointer<LTValue>?, UnsafeMutablePointer<LTValue>?) -> Void = { ctx, t, k, v in
    let vm = Unmanaged<VM>.fromOpaque(ctx!.pointee.vm).takeUnretainedValue()
    vm.tableSet(t!, k!.pointee, v!.pointee)
}

/// Runtime helper for traces: a new table (NEWTABLE). It never collects: the trace's values
/// live in C variables the collector cannot see. When a collection becomes due it raises
/// `ctx->gcdue`, and the next GCSTEP guard leaves the trace at a NEWTABLE, which the
/// interpreter then runs (and collects at).
let jitTableNew: @convention(c) (UnsafeMutablePointer<LTJitCtx>?, Int64, Int64) -> UnsafeMutableRawPointer? = { ctx, na, nh in
    let vm = Unmanaged<VM>.fromOpaque(ctx!.pointee.vm).takeUnretainedValue()
    let t = vm.newTable(narray: Int(na), nhash: Int(nh))
    if vm.gcDue { ctx!.pointee.gcdue = 1 }
    return UnsafeMutableRawPointer(t)
}

/// Runtime helper for traces: the concatenation of n strings/numbers (CONCAT), as a new
/// string. Like lt_jit_tnew it never collects and raises `ctx->gcdue`. NULL when the result
/// would be too long (the trace exits and the interpreter raises the error).
let jitConcat: @convention(c) (UnsafeMutablePointer<LTJitCtx>?, UnsafeMutablePointer<LTValue>?, Int64) -> UnsafeMutableRawPointer? = { ctx, vals, n in
    let vm = Unmanaged<VM>.fromOpaque(ctx!.pointee.vm).takeUnretainedValue()
    guard let s = vm.concatValues(UnsafeBufferPointer(start: vals, count: Int(n))) else { return nil }
    if vm.gcDue { ctx!.pointee.gcdue = 1 }
    return UnsafeMutableRawPointer(s)
}

/// Runtime helper for traces: `next(t, key)` (TNEXT). 1 with the entry in ctx->nk/nv, 0 at
/// the end, -1 for a key that is not in the table (the trace exits; the interpreter raises).
let jitNext: @convention(c) (UnsafeMutablePointer<LTJitCtx>?, UnsafeMutablePointer<LTTable>?,
                             UnsafeMutablePointer<LTValue>?) -> Int64 = { ctx, t, k in
    let vm = Unmanaged<VM>.fromOpaque(ctx!.pointee.vm).takeUnretainedValue()
    let r: (Value, Value)?
    do { r = try vm.tableNext(t!, k!.pointee) } catch { return -1 }
    guard let (kk, vv) = r else { return 0 }
    ctx!.pointee.nk = kk
    ctx!.pointee.nv = vv
    return 1
}

/// Runtime helper for traces: `setmetatable(t, mt)` for a table and a table or nil
/// (TSETMETA). 0 when t's metatable is protected (`__metatable`): nothing is changed, the trace
/// exits and the interpreter raises the error.
let jitSetMetatable: @convention(c) (UnsafeMutablePointer<LTJitCtx>?, UnsafeMutablePointer<LTTable>?,
                                     UnsafeMutablePointer<LTTable>?) -> Int64 = { ctx, t, mt in
    let vm = Unmanaged<VM>.fromOpaque(ctx!.pointee.vm).takeUnretainedValue()
    let t = t!
    if let old = t.pointee.metatable, !vm.tableGetShortStr(old, vm.tmName(.metatable)).isNil { return 0 }
    t.pointee.metatable = mt
    vm.checkFinalizer(GCPtr(OpaquePointer(t)), mt)
    return 1
}
