// The libtcc backend: compiles a trace's C in memory and relocates it into executable memory
// that we own.
//
// Invariants:
// - Each compile uses a fresh TCCState with -nostdlib; every external symbol the generated
//   code may reference (libm functions, memmove/memcpy/memset, the runtime helpers of
//   TraceHelpers.swift) is registered with tcc_add_symbol.
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

        """ + TraceHelper.all.map { $0.prototype + ";\n" }.joined()
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
        for h in TraceHelper.all { add(h.name, h.function) }
    }
}

struct TraceCompileError: Error {
    let message: String
}
