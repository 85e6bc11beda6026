// Resuming a coroutine whose yield happened inside a metamethod (lua's unroll/luaV_finishOp).
//
// A metamethod that the interpreter calls on a coroutine runs in a frame marked FINISHOP (see
// callTM). If it yields, the Swift frames between the interpreter loop and resume are gone, but
// the coroutine's frames stay:
//
//     body (FRESH) ... F (Lua, interrupted; savedpc after the instruction) M (FINISHOP) ... yield
//
// On resume, `unroll` runs the frames from the top: each run stops when the topmost fresh frame
// returns; if that frame was FINISHOP, the instruction of the frame below it is finished with
// the metamethod's result (`finishOp`), and unrolling continues with that frame.
//
// Invariants:
// - The frame below a FINISHOP frame is the Lua frame whose instruction called the metamethod;
//   its savedpc points just after that instruction.
// - When a FINISHOP frame returns, its first result (if it wanted one) is at top - 1.
// - FINISHOP frame's `extra`: CONCAT = operands not yet concatenated when the metamethod was
//   called; RETURN = number of results being returned; comparisons: bit 0 = negate (a <= b
//   computed as not (b < a)).

import CLuaRuntime
import LuaBytecode

extension VM {
    /// Runs the running thread's frames until frame `bottom` (a fresh frame) has returned,
    /// finishing instructions interrupted by yields in metamethods on the way. `finish` is a
    /// first instruction to finish (when the yield itself was the metamethod): (frame, extra).
    func unroll(bottom: Int, finish: (Int, Int32)? = nil) throws {
        let th = L!
        if let (fi, extra) = finish {
            do {
                try finishOp(frame: fi, extra: extra)
            } catch let err as LuaError {
                try propagate(err, inUnitOf: fi, bottom: bottom)
            }
        }
        while Int(th.pointee.nci) > bottom {
            let e = topmostFresh(from: Int(th.pointee.nci) - 1, downTo: bottom)
            let status = th.pointee.ci[e].callstatus
            let extra = th.pointee.ci[e].extra
            do {
                try execute(entry: e)
            } catch let err as LuaError {
                // the error escaped frame e (execute found no protected call above it)
                try propagate(err, escaped: e, bottom: bottom)
                continue
            }
            if e > bottom && status & LT_CIST_FINISHOP != 0 {
                do {
                    try finishOp(frame: e - 1, extra: extra)
                } catch let err as LuaError {
                    try propagate(err, inUnitOf: e - 1, bottom: bottom)
                }
            }
        }
    }

    /// An error raised while frame `fi` runs (outside execute): a protected call between the
    /// fresh frame that frame belongs to and the top catches it, else it escapes that frame.
    private func propagate(_ err: LuaError, inUnitOf fi: Int, bottom: Int) throws {
        let unit = topmostFresh(from: fi, downTo: bottom)
        if let pf = findProtectedFrame(from: Int(L.pointee.nci) - 1, downTo: unit) {
            try recoverProtected(frame: pf, error: err)
            return
        }
        try propagate(err, escaped: unit, bottom: bottom)
    }

    /// The callee slot and wanted result count of the pcall/xpcall made by instruction `inst`
    /// (CALL, TAILCALL or TFORCALL) of a frame with registers at `base`.
    static func protectedCallSlots(_ inst: Instruction, base: Int) -> (Int, Int) {
        switch inst.op {
        case .call: return (base + inst.a + 1, inst.c - 1)
        case .tforcall: return (base + inst.a + 5, inst.c)
        default: return (base + inst.a + 1, -1)
        }
    }

    /// An error escaped fresh frame `lo`: the protected call that the Swift frames below it
    /// would have found before the yield catches it; the frame that called pcall then continues
    /// (unroll's loop resumes it). Rethrows when nothing down to `bottom` catches it.
    private func propagate(_ err: LuaError, escaped: Int, bottom: Int) throws {
        var lo = escaped
        while true {
            if lo == bottom { throw err }
            let th = L!
            if th.pointee.ci[lo].callstatus & LT_CIST_FINISHOP != 0 {
                // a __close handler of a pcall's recovery failed after a resume: the same
                // pcall catches it (its error replaces the previous one), as finishProtected's
                // loop does without yields
                let ci = th.pointee.ci + (lo - 1)
                let inst = (ci.pointee.savedpc! - 1).pointee
                if ci.pointee.callstatus & LT_CIST_LUA != 0 && (inst.op == .call || inst.op == .tailcall || inst.op == .tforcall) {
                    let (orig, wanted) = VM.protectedCallSlots(inst, base: Int(ci.pointee.func) + 1)
                    th.pointee.nci = Int64(lo)
                    th.pointee.stack[orig] = err.value
                    try finishProtected(orig: orig, wanted: wanted)
                    return
                }
            }
            let below = topmostFresh(from: lo - 1, downTo: bottom)
            if let pf = findProtectedFrame(from: Int(L.pointee.nci) - 1, downTo: below) {
                try recoverProtected(frame: pf, error: err)
                return
            }
            lo = below
        }
    }

    /// The highest frame index in [downTo, from] marked FRESH (downTo if none).
    func topmostFresh(from: Int, downTo: Int) -> Int {
        var i = from
        while i > downTo {
            if L.pointee.ci[i].callstatus & LT_CIST_FRESH != 0 { return i }
            i -= 1
        }
        return downTo
    }

    /// Finishes the instruction of Lua frame `fi` that called a metamethod which yielded and
    /// has now returned (its result, if any, at top - 1). Afterwards the frame continues at its
    /// savedpc.
    func finishOp(frame fi: Int, extra: Int32) throws {
        let th = L!
        let ci = th.pointee.ci + fi
        let base = Int(ci.pointee.func) + 1
        let pc = ci.pointee.savedpc!
        let inst = (pc - 1).pointee
        let st = th.pointee.stack!
        let top = Int(th.pointee.top)
        switch inst.op {
        case .gettabup, .gettable, .geti, .getfield, .`self`,
             .addi, .addk, .subk, .mulk, .modk, .powk, .divk, .idivk, .bandk, .bork, .bxork, .shri, .shli,
             .add, .sub, .mul, .mod, .pow, .div, .idiv, .band, .bor, .bxor, .shl, .shr,
             .unm, .bnot, .len:
            st[base + inst.a] = st[top - 1]
        case .eq, .lt, .le, .lti, .lei, .gti, .gei:
            var cond = st[top - 1].isTruthy
            if extra & 1 != 0 { cond = !cond }
            // the next instruction is the JMP taken when cond == k; skip it otherwise
            if cond != inst.k { ci.pointee.savedpc = pc + 1 }
        case .concat:
            let first = base + inst.a
            var n = Int(extra)
            st[first + n - 2] = st[top - 1]
            n -= 1
            th.pointee.top = Int64(first + n)
            try concat(first: first, count: n)       // the rest (may call metamethods again)
        case .call, .tailcall, .tforcall:
            // a __close handler of a failed pcall's callee yielded: close the rest, then give
            // the pcall's results (these instructions call no other yieldable metamethods)
            let (orig, wanted) = VM.protectedCallSlots(inst, base: base)
            try finishProtected(orig: orig, wanted: wanted)
            return
        case .close:
            ci.pointee.savedpc = pc - 1               // run it again for the remaining variables
        case .return:
            // run it again: the remaining variables are closed, then the frame returns
            th.pointee.top = Int64(base + inst.a + Int(extra))
            ci.pointee.savedpc = pc - 1
            return
        default:
            break       // SETTABUP/SETTABLE/SETI/SETFIELD: nothing left to do
        }
        th.pointee.top = ci.pointee.top
    }
}
