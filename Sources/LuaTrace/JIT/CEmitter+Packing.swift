// Two independent float divisions of the root computed by one DIVPD.
//
// A division occupies the divider for several cycles whether it is scalar (divsd) or packed
// (divpd on two lanes, the same throughput on the CPUs we measured), so a loop with two
// divisions that do not depend on each other spends half the divider time when both are one
// divpd: numerators in the low/high lanes of one register, denominators in another; each lane
// computes exactly what divsd computes (IEEE results, NaN propagation of the first operand), and
// the operand order is never swapped.
//
// The pair (d1 before d2) is computed right after `at`: d1's position, or the later position
// of d2's last operand (constants and header values count as available from the start). d2
// moves up to there; d1 moves down to there, and so does the register arithmetic between d1 and
// `at` that depends on d1 (its "followers", emitted right after the pair in their order). Only
// root register code moves, and a pair qualifies only when moving is invisible:
// - d2 does not depend on d1, and every follower is register arithmetic (float + - * / neg);
//   any other reader of d1 or a follower up to `at` (C code, a store, a guard) rules it out;
// - no guard up to `at` has a snapshot naming d1 or a follower, or jumps to a side branch when
//   a side branch reads one of them;
// - nothing between an operand's old and new reading point assigns the C variable (or pinned
//   register) the operand is read from, so the moved instructions read the same values;
// - neither division is coalesced with a header variable (pinned loop-end values stay put).
// Pairs do not overlap: a later pair starts after the previous pair's second division.

import CLuaRuntime

extension CEmitter {
    /// The pairs (first, second) and the root's emission order, nil when no pair qualifies.
    // swiftlint:disable:next cyclomatic_complexity function_body_length
    func packedDivisions(rootEnd: Int) -> (pairs: [(IRRef, IRRef)], order: [Int])? {
        let ins = trace.ir.ins
        let fl = UInt8(LT_TFLOAT)
        func isFloat(_ r: IRRef) -> Bool { r >= 0 && ins[Int(r)].type == fl }
        let divs = (0..<rootEnd).filter {
            let i = ins[$0]
            return i.op == .div && i.type == fl && isFloat(i.a) && isFloat(i.b) && varOf[IRRef($0)] == nil
        }
        guard divs.count >= 2 else { return nil }
        // root values read by side branches (their code, loop ends and exits)
        var branchReads = Set<IRRef>()
        for b in trace.branches {
            for idx in b.start..<min(b.end, ins.count) {
                let i = ins[idx]
                for o in [i.a, i.b, i.c] where o >= 0 { branchReads.insert(o) }
                if i.snap >= 0 { for (_, r) in trace.snapshots[Int(i.snap)].slots { branchReads.insert(r) } }
            }
            for (_, r) in b.loopEnd { branchReads.insert(r) }
            if b.loopEndSnapshot >= 0 { for (_, r) in trace.snapshots[Int(b.loopEndSnapshot)].slots { branchReads.insert(r) } }
        }
        /// Where the pair (d1 at p1, d2 at p2) can be computed (right after instruction `at`,
        /// which is p1 or the last of d2's operands) and d1's followers, or nil.
        func placement(_ p1: Int, _ p2: Int) -> (at: Int, followers: [Int])? {
            let d2 = ins[p2]
            func def(_ o: IRRef) -> Int { ins[Int(o)].op.isConstant || ins[Int(o)].op == .sload ? -1 : Int(o) }
            let at = max(p1, def(d2.a), def(d2.b))
            var moved: Set<IRRef> = [IRRef(p1)]
            var list: [Int] = []
            for idx in (p1 + 1)..<(at + 1) {
                let i = ins[idx]
                guard [i.a, i.b, i.c].contains(where: { moved.contains($0) }) else { continue }
                guard CEmitter.isFloatArith(i), i.snap < 0, CEmitter.floatOperands(i).allSatisfy(isFloat) else { return nil }
                moved.insert(IRRef(idx))
                list.append(idx)
            }
            if moved.contains(d2.a) || moved.contains(d2.b) { return nil }
            for idx in (p1 + 1)..<(at + 1) where ins[idx].snap >= 0 {
                let snap = ins[idx].snap
                if trace.snapshots[Int(snap)].slots.contains(where: { moved.contains($0.ref) }) { return nil }
                if trace.branchOfSnap[snap] != nil && !branchReads.isDisjoint(with: moved) { return nil }
            }
            /// true when an instruction in `range` (other than the moved ones) assigns the C
            /// variable (or pinned register) o is read from
            func overwritten(_ o: IRRef, _ range: Range<Int>) -> Bool {
                if moved.contains(o) || ins[Int(o)].op.isConstant { return false }
                let ov = varOf[o] ?? o
                return range.contains { !moved.contains(IRRef($0)) && varOf[IRRef($0)] == ov }
            }
            for m in [p1] + list {
                for o in CEmitter.floatOperands(ins[m]) where overwritten(o, (p1 + 1)..<(at + 1)) { return nil }
            }
            // d2 moves up from p2 to right after `at`
            if overwritten(d2.a, (at + 1)..<(p2 + 1)) || overwritten(d2.b, (at + 1)..<(p2 + 1)) { return nil }
            return (at, list)
        }
        var pairs: [(IRRef, IRRef)] = []
        var after: [Int: [Int]] = [:]       // position -> the pair's second division and d1's followers
        var removed = Set<Int>()
        var k = 0
        search: while k < divs.count {
            let p1 = divs[k]
            for k2 in (k + 1)..<divs.count {
                if let pl = placement(p1, divs[k2]) {
                    pairs.append((IRRef(p1), IRRef(divs[k2])))
                    after[pl.at] = [divs[k2]] + pl.followers
                    removed.insert(p1)
                    removed.insert(divs[k2])
                    removed.formUnion(pl.followers)
                    k = k2 + 1
                    continue search
                }
            }
            k += 1
        }
        if pairs.isEmpty { return nil }
        var order: [Int] = []
        for idx in 0..<rootEnd {
            if !removed.contains(idx) { order.append(idx) }
            if let f = after[idx] { order += f }
        }
        return (pairs, order)
    }

    /// The code computing the pair (d1, d2) with one divpd into their registers (and storing
    /// them to their C variables if needed). The registers of d1 and d2 differ from every
    /// operand's (they are allocated while the operands are live).
    func packedDivisionCode(_ d1: IRRef, _ d2: IRRef) -> String {
        let x = regs.reg[d1]!, y = regs.reg[d2]!
        var asm = SSEAsm()
        /// dst = [lo, hi] (low lane lo, high lane hi)
        func lanes(_ dst: Int, _ lo: IRRef, _ hi: IRRef) {
            if let r = xmmReg(lo) { asm.rr(0x66, 0x28, dst, r) } else { asm.mem(0xf2, 0x10, dst, xmmAddr(lo)) }   // movapd / movsd
            if let r = xmmReg(hi) { asm.rr(0x66, 0x14, dst, r) } else { asm.mem(0x66, 0x16, dst, xmmAddr(hi)) }   // unpcklpd / movhpd
        }
        lanes(x, ir[d1].a, ir[d2].a)
        lanes(y, ir[d1].b, ir[d2].b)
        asm.rr(0x66, 0x5e, x, y)        // divpd: x = [d1, d2]
        asm.rr(0x00, 0x12, y, x)        // movhlps: y low = d2
        if regs.store.contains(d1) { asm.mem(0xf2, 0x11, x, "&\(v(d1))") }
        if regs.store.contains(d2) { asm.mem(0xf2, 0x11, y, "&\(v(d2))") }
        return asm.finish()
    }
}
