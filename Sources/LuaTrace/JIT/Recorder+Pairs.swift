// `pairs`/`next` loops in traces.
//
// `pairs(t)` on a table without a metatable is recorded as its three results (next, t, nil:
// constants but for t). A TFORCALL of `next` calls the runtime's `next` (TNEXT, through
// lt_jit_next, which leaves the entry in the trace context) and loads the key and the value
// with type guards (NKEY, NVAL): the trace is specialised on the types of the entry it saw.
//
// Invariants:
// - All guards of a TFORCALL snapshot at the TFORCALL (nothing was written yet), so an exit
//   lets the interpreter call `next` again: `next` has no side effects.
// - A key `next` does not accept (-1) exits too; the interpreter raises the error.
// - The end of the table only ends an inner loop (the trace's own loop ending leaves it).

import CLuaRuntime
import LuaBytecode

extension Recorder {
    func recordPairsCall(a: Int, nargs: Int, c: Int, pc: PC) throws {
        guard nargs >= 1, vm.nextFunction.tt == UInt64(LT_TNATIVE) else { throw nyi("pairs argument") }
        let t = try reg(a + 1), tv = rt(a + 1)
        guard type(t) == tTab, tv.isTable else { throw nyi("pairs over a \(typeName(t))") }
        // a metatable may have __pairs: only tables without one are recorded
        try guardNoMetatable(t, runtime: tv.table, pc: pc)
        try setReg(a, kgc(vm.nextFunction.ptr, UInt8(LT_TNATIVE)))
        try setReg(a + 1, t)
        try setReg(a + 2, ir.kpri(tNil))
        if c - 1 > 3 { for j in 3..<(c - 1) { try setReg(a + j, ir.kpri(tNil)) } }
        if c == 0 { topSlot = frame.base + a + 3 }
    }

    func recordNextCall(a: Int, c: Int, pc: PC) throws {
        let f = try reg(a), fv = rt(a)
        guardIdentity(f, fv.ptr, type: UInt8(LT_TNATIVE), pc: pc)
        let t = try reg(a + 1), tv = rt(a + 1)
        let key = try reg(a + 2), kv = rt(a + 2)
        guard type(t) == tTab, tv.isTable else { throw nyi("next over a \(typeName(t))") }
        let found: (Value, Value)?
        do { found = try vm.tableNext(tv.table, kv) } catch { throw nyi("next with a key not in the table") }
        guard let (k, v) = found else {
            if isOwnBackedge(pc + 1) && branch == nil { throw RecordAbort(reason: "loop left during recording") }
            var ins = IRIns(op: .tnext, type: tNil, a: t, b: key, k: 1)
            ins.snap = snapshot(pc: pc)
            ir.emit(ins)
            for j in 0..<max(c, 1) { try setReg(a + 4 + j, ir.kpri(tNil)) }
            return
        }
        guard k.tt <= UInt64(LT_TTHREAD), v.tt <= UInt64(LT_TTHREAD) else { throw nyi("next: entry type") }
        var ins = IRIns(op: .tnext, type: tNil, a: t, b: key)
        ins.snap = snapshot(pc: pc)
        ir.emit(ins)
        let kr = guardIns(.nkey, -1, type: UInt8(k.tt), pc: pc)
        let vr = guardIns(.nval, -1, type: UInt8(v.tt), pc: pc)
        try setReg(a + 4, kr)
        if c >= 2 { try setReg(a + 5, vr) }
        if c > 2 { for j in 2..<c { try setReg(a + 4 + j, ir.kpri(tNil)) } }
    }
}
