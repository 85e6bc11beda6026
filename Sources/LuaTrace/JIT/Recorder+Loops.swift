// Recording of loops other than the trace's own: inner loops are unrolled into the trace.
//
// When the recorded iteration runs an inner loop (a numeric or generic `for`, or a `while` /
// `repeat` / backward `goto`), the recorder follows it like straight-line code: FORPREP computes
// the loop's count in IR, every back-edge becomes a guard on the outcome it had while recording
// (the loop went on, or it ended), and the loop body is recorded again for every iteration.
// A loop whose trip count is the same every time (nbody's 5 bodies, a copy loop over a fixed
// size) then runs without a single exit; one whose trip count changes leaves through the guard
// of the back-edge that went the other way, where the interpreter resumes exactly at that
// back-edge instruction (and may grow a side branch there).
//
// Invariants:
// - Only back-edges of loops other than the trace's own loop (in the trace's start frame) are
//   unrolled; the trace's own back-edge still closes the trace (Recorder.step / closeLoop).
// - At most `maxUnroll` inner back-edges are taken per recording (root or side branch); beyond
//   that the recording aborts with "inner loop", as it did before unrolling existed: a loop with
//   many inner iterations is better served by the inner loop's own trace.
// - Loops whose inner loop already has a trace (JFORLOOP / JLOOP / JTFORLOOP) are unrolled the
//   same way: while recording, the interpreter executes those as the plain instructions.
// - FORPREP is recorded for integer loops (a constant step of ±2^k, or a variable step whose
//   sign is guarded) and float loops with a constant non-zero step; the values the
//   interpreter's forPrep would store (count, converted floats, the visible variable) are stored
//   to the same registers, and the decision to skip the loop is guarded like a comparison.

import CLuaRuntime
import LuaBytecode

extension Recorder {
    static let maxUnroll = 40

    /// The back-edge at `pc` belongs to the trace's own loop (closes the trace).
    func isOwnBackedge(_ pc: PC) -> Bool { pc == trace.backedgePC && frames.count == 1 }

    /// One more inner back-edge is taken while recording.
    func takeUnrolledBackedge() throws {
        unrolled += 1
        if unrolled > Recorder.maxUnroll { throw RecordAbort(reason: "inner loop") }
    }

    /// FORPREP of an inner loop; returns the next pc.
    func recordForPrep(a: Int, bx: Int, pc: PC) throws -> PC {
        let skipPC = pc + bx + 2
        // the trace's own loop, entered again from an outer loop (a side branch going around
        // it): its iterations are not unrolled, the trace closes at its first instruction
        let ownLoop = isOwnBackedge(pc + bx + 1)
        let ini = try reg(a), lim = try reg(a + 1), st = try reg(a + 2)
        let tI = type(ini), tL = type(lim), tS = type(st)
        guard (tI == tInt || tI == tNum) && (tL == tInt || tL == tNum) && (tS == tInt || tS == tNum) else {
            throw nyi("for loop over \(typeName(ini)), \(typeName(lim)), \(typeName(st))")
        }
        if tI == tInt && tS == tInt {
            guard tL == tInt else { throw nyi("integer for loop with a float limit") }
            let sv = rt(a + 2).i
            guard sv != 0 else { throw nyi("for loop with a zero step") }
            let constStep = ir.intConst(st)
            // |step| as a positive integer; a variable step is guarded to keep its sign (and
            // not to be the minimum integer, whose magnitude does not fit)
            var mag = st
            if constStep == nil {
                if sv < 0 { mag = emit(.neg, tInt, st) }
                try guardCompare(.lt, ir.kint(0), mag, holds: sv != Int64.min, pc: pc)
                if sv == Int64.min { throw nyi("for loop step") }
            }
            let iv = rt(a).i, lv = rt(a + 1).i
            let skip = sv > 0 ? iv > lv : iv < lv
            if sv > 0 { try guardCompare(.le, ini, lim, holds: !skip, pc: pc) } else { try guardCompare(.le, lim, ini, holds: !skip, pc: pc) }
            if skip { return skipPC }
            let diff = sv > 0 ? try arith(.sub, lim, ini, pc: pc) : try arith(.sub, ini, lim, pc: pc)
            let m = sv > 0 ? UInt64(sv) : UInt64(bitPattern: 0 &- sv)
            let udiff = sv > 0 ? UInt64(bitPattern: lv) &- UInt64(bitPattern: iv) : UInt64(bitPattern: iv) &- UInt64(bitPattern: lv)
            // an inner loop running more iterations than are left to unroll: give up right away
            if udiff / m >= UInt64(Recorder.maxUnroll - unrolled) && !ownLoop { throw RecordAbort(reason: "inner loop") }
            var count = diff
            if constStep != nil && m & (m - 1) == 0 {
                if m > 1 {
                    let sh = Int64(m.trailingZeroBitCount)
                    if let d = ir.intConst(diff) {
                        count = ir.kint(Int64(bitPattern: UInt64(bitPattern: d) >> UInt64(sh)))
                    } else {
                        count = emit(.shr, tInt, diff, ir.kint(sh))
                    }
                }
            } else {
                // unsigned (limit - init) / |step| is a signed floor division while the
                // difference fits: guard that
                guard udiff <= UInt64(Int64.max) else { throw nyi("for loop range") }
                try guardCompare(.le, ir.kint(0), diff, holds: true, pc: pc)
                if constStep != nil { mag = ir.kint(Int64(m)) }          // not a power of two: m < 2^63
                count = emit(.idiv, tInt, diff, mag)
            }
            try setReg(a + 1, count)
            try setReg(a + 3, ini)
            return pc + 1
        }
        // float loop: all three values converted to floats
        let fi = toFloat(ini), fl = toFloat(lim), fs = toFloat(st)
        guard let sv = ir.numConst(fs), sv != 0, !sv.isNaN else { throw nyi("for loop with a variable step") }
        let iv = rt(a).isInt ? Double(rt(a).i) : rt(a).n
        let lv = rt(a + 1).isInt ? Double(rt(a + 1).i) : rt(a + 1).n
        let skip = 0 < sv ? lv < iv : iv < lv
        if 0 < sv { try guardCompare(.lt, fl, fi, holds: skip, pc: pc) } else { try guardCompare(.lt, fi, fl, holds: skip, pc: pc) }
        if skip { return skipPC }
        if !((lv - iv) / sv < Double(Recorder.maxUnroll - unrolled)) && !ownLoop { throw RecordAbort(reason: "inner loop") }
        try setReg(a, fi)
        try setReg(a + 1, fl)
        try setReg(a + 2, fs)
        try setReg(a + 3, fi)
        return pc + 1
    }

    /// Whether the FORLOOP of the numeric for at R[a] is about to end its loop (read from the
    /// registers before the instruction runs).
    func forLoopEnds(_ a: Int) -> Bool {
        let st = rt(a + 2)
        if st.isInt { return rt(a + 1).i == 0 }
        let next = rt(a).n + st.n
        return !(st.n > 0 ? next <= rt(a + 1).n : rt(a + 1).n <= next)
    }

    /// FORLOOP of an inner loop: guard the outcome seen now; returns the next pc.
    func recordInnerForLoop(a: Int, bx: Int, pc: PC) throws -> PC {
        let step = try reg(a + 2)
        if type(step) == tInt {
            let count = try reg(a + 1)
            guard type(count) == tInt else { throw nyi("for loop count type") }
            let goesOn = rt(a + 1).i != 0
            try guardCompare(.ne, count, ir.kint(0), holds: goesOn, pc: pc)
            if !goesOn { return pc + 1 }
            try takeUnrolledBackedge()
            try setReg(a + 1, try arith(.sub, count, ir.kint(1), pc: pc))
            let idx = try arith(.add, try reg(a), step, pc: pc)
            try setReg(a, idx)
            try setReg(a + 3, idx)
            return pc + 1 - bx
        }
        let idx0 = try reg(a), lim = try reg(a + 1)
        guard type(idx0) == tNum && type(lim) == tNum && type(step) == tNum else { throw nyi("for loop types") }
        let idx = emit(.add, tNum, idx0, step)
        let positive = rt(a + 2).n > 0
        let nextIdx = rt(a).n + rt(a + 2).n
        let goesOn = positive ? nextIdx <= rt(a + 1).n : rt(a + 1).n <= nextIdx
        if ir.numConst(step) == nil {
            guardIns(.gt, step, ir.knum(0), k: positive ? 0 : 1, pc: pc)
        }
        if positive {
            guardIns(.le, idx, lim, k: goesOn ? 0 : 1, pc: pc)
        } else {
            guardIns(.le, lim, idx, k: goesOn ? 0 : 1, pc: pc)
        }
        if !goesOn { return pc + 1 }
        try takeUnrolledBackedge()
        try setReg(a, idx)
        try setReg(a + 3, idx)
        return pc + 1 - bx
    }

    /// TFORPREP: only a nil to-be-closed value is recorded (the usual case).
    func recordTForPrep(a: Int, bx: Int, pc: PC) throws -> PC {
        let c = try reg(a + 3)
        guard isFalsyType(type(c)) else { throw nyi("generic for with a to-be-closed value") }
        return pc + 1 + bx
    }

    /// TFORLOOP of an inner generic for: the control value's type says whether it goes on.
    func recordInnerTForLoop(a: Int, bx: Int, pc: PC) throws -> PC {
        let ctl = try reg(a + 4)
        if type(ctl) == tNil { return pc + 1 }
        try takeUnrolledBackedge()
        try setReg(a + 2, ctl)
        return pc + 1 - bx
    }
}
