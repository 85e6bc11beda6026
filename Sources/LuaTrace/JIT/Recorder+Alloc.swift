// Allocation in traces: table constructors (NEWTABLE, SETLIST).
//
// A trace's live values sit in C variables the collector cannot see, so nothing a trace
// runs may collect. TNEW allocates through the runtime without collecting; when that makes a
// collection due it raises a flag in the trace context, and a GCSTEP guard placed before every
// TNEW then exits (its snapshot resumes the interpreter at that NEWTABLE, which allocates and
// collects at its own safe point). So a loop that allocates runs at most one iteration's worth
// of allocations past the point where a collection became due.
//
// Invariants:
// - GCSTEP snapshots never grow side branches (Trace.gcSnapshots): they are not a path of
//   the program, only a pause.
// - SETLIST is recorded for a known count of values stored into the array part (bounds-
//   guarded stores, like SETI); other cases abort.

import CLuaRuntime
import LuaBytecode

extension Recorder {
    func recordNewTable(_ pc: PC, a: Int, i: UInt32) throws -> PC {
        let asz = i.c + (pc + 1).pointee.ax * 256
        let nhash = i.b > 0 ? 1 << (i.b - 1) : 0
        let g = guardIns(.gcstep, -1, pc: pc)
        trace.gcSnapshots.insert(ir[g].snap)
        let t = ir.emit(IRIns(op: .tnew, type: tTab, k: Int64(asz), k2: Int64(nhash)))
        restart?.fresh.insert(t)
        try setReg(a, t)
        return pc + 2                   // NEWTABLE is followed by its EXTRAARG
    }

    func recordSetList(_ pc: PC, a: Int, i: UInt32) throws -> PC {
        if i.k { throw nyi("SETLIST with an extra argument") }
        let n = try valueCount(i.b == 0 ? nil : i.b, after: a, "SETLIST")
        let t = try reg(a)
        let tv = rt(a)
        guard type(t) == tTab, tv.isTable else { throw nyi("SETLIST on a \(typeName(t))") }
        try checkRestartable(store: t)
        // the interpreter grows the array part first: the stores below must find room
        if i.c + n > Int(tv.table.pointee.asize) { throw nyi("SETLIST growing the array part") }
        for j in 1...max(n, 1) where j <= n {
            var ins = IRIns(op: .astore, type: tNil, a: t, b: ir.kint(Int64(i.c + j)), c: try reg(a + j))
            ins.snap = snapshot(pc: pc)
            ir.emit(ins)
        }
        return pc + 1
    }
}

extension Recorder {
    /// CONCAT of strings and numbers (no metamethods): folded from the right in groups of up
    /// to three (the result is the same string), each through the runtime (TCAT), after a
    /// GCSTEP guard like a table constructor's.
    func recordConcat(_ pc: PC, a: Int, n: Int) throws {
        var refs: [IRRef] = []
        for j in 0..<n {
            let r = try reg(a + j)
            let t = type(r)
            guard t == tStr || t == tInt || t == tNum else { throw nyi("concatenation of a \(typeName(r))") }
            refs.append(r)
        }
        let g = guardIns(.gcstep, -1, pc: pc)
        trace.gcSnapshots.insert(ir[g].snap)
        var acc = refs.removeLast()
        while !refs.isEmpty {
            var ins: IRIns
            if refs.count >= 2 {
                let y = refs.removeLast(), x = refs.removeLast()
                ins = IRIns(op: .tcat, type: tStr, a: x, b: y, c: acc)
            } else {
                ins = IRIns(op: .tcat, type: tStr, a: refs.removeLast(), b: acc)
            }
            ins.snap = snapshot(pc: pc)
            acc = ir.emit(ins)
        }
        try setReg(a, acc)
    }
}
