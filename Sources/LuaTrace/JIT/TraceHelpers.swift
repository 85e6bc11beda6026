// Runtime helpers that compiled traces call (through symbols registered with libtcc).
//
// Each helper is declared once, in `TraceHelper.all`: its C prototype (put in every trace's
// prelude) and the Swift function behind the symbol.
//
// Invariants:
// - No helper collects garbage: a trace's live values sit in C variables the collector cannot
//   see. Helpers that allocate (lt_jit_tnew, lt_jit_concat) raise `ctx->gcdue` when a
//   collection becomes due; the trace's next GCSTEP guard then leaves at an instruction the
//   interpreter runs and collects at.
// - A helper that cannot do its work without raising a Lua error reports it by its result;
//   the trace exits to the interpreter, which redoes the instruction and raises the error.

import CLuaRuntime

struct TraceHelper: @unchecked Sendable {   // immutable; the pointers are code addresses
    let name: String
    let prototype: String
    let function: UnsafeRawPointer

    static let all: [TraceHelper] = [
        TraceHelper(name: "lt_jit_tset", prototype: "void lt_jit_tset(LTJitCtx *ctx, LTTable *t, LTValue *k, LTValue *v)",
                    function: unsafeBitCast(jitTableSet, to: UnsafeRawPointer.self)),
        TraceHelper(name: "lt_jit_tnew", prototype: "void *lt_jit_tnew(LTJitCtx *ctx, int64_t narray, int64_t nhash)",
                    function: unsafeBitCast(jitTableNew, to: UnsafeRawPointer.self)),
        TraceHelper(name: "lt_jit_concat", prototype: "void *lt_jit_concat(LTJitCtx *ctx, LTValue *vals, int64_t n)",
                    function: unsafeBitCast(jitConcat, to: UnsafeRawPointer.self)),
        TraceHelper(name: "lt_jit_next", prototype: "int64_t lt_jit_next(LTJitCtx *ctx, LTTable *t, LTValue *key)",
                    function: unsafeBitCast(jitNext, to: UnsafeRawPointer.self)),
        TraceHelper(name: "lt_jit_setmeta", prototype: "int64_t lt_jit_setmeta(LTJitCtx *ctx, LTTable *t, LTTable *mt)",
                    function: unsafeBitCast(jitSetMetatable, to: UnsafeRawPointer.self)),
    ]
}

typealias JitCtxPtr = UnsafeMutablePointer<LTJitCtx>

extension LTJitCtx {
    /// The VM that entered the trace.
    var owner: VM { Unmanaged<VM>.fromOpaque(vm).takeUnretainedValue() }
}

/// A raw table store that may resize the table (TSET).
private let jitTableSet: @convention(c) (JitCtxPtr?, TablePtr?, UnsafeMutablePointer<LTValue>?,
                                         UnsafeMutablePointer<LTValue>?) -> Void = { ctx, t, k, v in
    ctx!.pointee.owner.tableSet(t!, k!.pointee, v!.pointee)
}

/// A new table (TNEW, for NEWTABLE).
private let jitTableNew: @convention(c) (JitCtxPtr?, Int64, Int64) -> UnsafeMutableRawPointer? = { ctx, na, nh in
    let vm = ctx!.pointee.owner
    let t = vm.newTable(narray: Int(na), nhash: Int(nh))
    if vm.gcDue { ctx!.pointee.gcdue = 1 }
    return UnsafeMutableRawPointer(t)
}

/// The concatenation of n strings/numbers (TCAT, for CONCAT); NULL when the result would be
/// too long.
private let jitConcat: @convention(c) (JitCtxPtr?, UnsafeMutablePointer<LTValue>?, Int64) -> UnsafeMutableRawPointer? = { ctx, vals, n in
    let vm = ctx!.pointee.owner
    guard let s = vm.concatValues(UnsafeBufferPointer(start: vals, count: Int(n))) else { return nil }
    if vm.gcDue { ctx!.pointee.gcdue = 1 }
    return UnsafeMutableRawPointer(s)
}

/// `next(t, key)` (TNEXT): 1 with the entry in ctx->nk/nv, 0 at the end, -1 for a key that is
/// not in the table.
private let jitNext: @convention(c) (JitCtxPtr?, TablePtr?, UnsafeMutablePointer<LTValue>?) -> Int64 = { ctx, t, k in
    let r: (Value, Value)?
    do { r = try ctx!.pointee.owner.tableNext(t!, k!.pointee) } catch { return -1 }
    guard let (kk, vv) = r else { return 0 }
    ctx!.pointee.nk = kk
    ctx!.pointee.nv = vv
    return 1
}

/// `setmetatable(t, mt)` for a table and a table or nil (TSETMETA): 0 when t's metatable is
/// protected (nothing changed).
private let jitSetMetatable: @convention(c) (JitCtxPtr?, TablePtr?, TablePtr?) -> Int64 = { ctx, t, mt in
    ctx!.pointee.owner.setMetatable(t!, mt) ? 1 : 0
}
