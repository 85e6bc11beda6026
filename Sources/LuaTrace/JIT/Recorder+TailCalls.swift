// Tail calls inside a trace: `return f(args)` in an inlined frame.
//
// The interpreter's TAILCALL moves the callee and its arguments down to the calling frame's
// function slot and reuses that frame (same caller, same wanted results, CIST_TAIL set). The
// recorder does the same to its virtual frame: the callee's values are written to the frame's
// function slot and up, and the frame is replaced by the callee's, keeping `callPC` and
// `nresults`. A native callee (a recorded builtin) returns its result at once, as a RETURN of
// the calling frame would.
//
// Invariants:
// - Only inlined frames tail-call in a trace: a tail call from the loop's own function leaves
//   the loop (aborts), like a return from it.
// - Not handled (abort): closing upvalues or to-be-closed variables first (TAILCALL's k), the
//   caller being vararg (C != 0), a vararg callee.
// - Snapshots of a tail-called frame say so (`tail`), so that frames rebuilt at an exit carry
//   CIST_TAIL as the interpreter's would (tracebacks show "(...tail calls...)").

import CLuaRuntime
import LuaBytecode

extension Recorder {
    func recordTailCall(_ pc: PC, a: Int, b: Int, k: Bool, c: Int) throws -> PC {
        guard frames.count > 1 else { throw RecordAbort(reason: "tail call from the loop's function") }
        if k { throw nyi("tail call closing upvalues") }
        if c != 0 { throw nyi("tail call from a vararg function") }
        let nargs = try valueCount(b == 0 ? nil : b - 1, after: a, "tail call")
        let fref = try reg(a)
        let fv = rt(a)
        var args: [IRRef] = []
        for j in 0..<nargs { args.append(try reg(a + 1 + j)) }
        let cur = frame
        if fv.tt == UInt64(LT_TLCL) {
            let cl = fv.lclosure
            let p = try guardLuaCallee(fref, cl, pc: pc)
            let dst = cur.funcSlot
            try setSlot(dst, fref)
            for j in 0..<nargs { try setSlot(dst + 1 + j, args[j]) }
            let np = Int(p.pointee.numparams)
            if nargs < np { for j in nargs..<np { try setSlot(dst + 1 + j, ir.kpri(tNil)) } }
            frames[frames.count - 1] = Frame(base: dst + 1, closure: cl, proto: p, callPC: cur.callPC, nresults: cur.nresults,
                                             funcSlot: dst, closureRef: fref, tail: true, meta: cur.meta)
            trace.maxSlot = max(trace.maxSlot, dst + 1 + Int(p.pointee.maxstacksize))
            if dst + 1 + Int(p.pointee.maxstacksize) >= slots.count { throw RecordAbort(reason: "frame too deep") }
            return UnsafePointer(p.pointee.code)
        }
        if fv.tt == UInt64(LT_TNATIVE) {
            guardIdentity(fref, fv.ptr, type: UInt8(LT_TNATIVE), pc: pc)
            let name = vm.nativeNames[Int(fv.native.pointee.fnid)]
            var vals: [Value] = []
            for j in 0..<nargs { vals.append(rt(a + 1 + j)) }
            let r = try recordBuiltin(name, args, vals, pc: pc)
            return try finishReturn([r])
        }
        throw nyi("tail call of a \(fv.typeName) value")
    }
}
