// Arithmetic metamethods in traces (`a + b` on tables with `__add`, ...).
//
// The metamethod (a Lua function) is inlined as a virtual frame above the calling frame's
// registers, where the interpreter's callTM puts it; its one result goes to the register of
// the arithmetic instruction (Frame.resultSlot). An exit from inside it does not rebuild the
// metamethod's frame (the interpreter's would be a nested native call): every guard inside
// snapshots the state *before* the arithmetic instruction, at that instruction, so the
// interpreter runs it again from the start ("restart").
//
// Invariants (what makes restarting exact):
// - Nothing observable is done inside before the last guard could fail: stores go only to
//   tables created inside (`Restart.fresh`: constructors, their fields and metatables); other
//   table stores, upvalue stores and nested metamethods abort the recording. Allocation,
//   loads, arithmetic and pure builtins can be done again.
// - The metamethod's slots lie above the calling frame's registers; exits may write them
//   (they are dead for the interpreter, which puts the call there again).

import CLuaRuntime
import LuaBytecode

struct Restart {
    var pc: PC                      // the arithmetic instruction an exit resumes at
    var depth: Int                  // index of the metamethod's frame in `frames`
    var fresh = Set<IRRef>()        // tables created inside: stores to them are restartable
}

extension Recorder {
    /// Aborts when a store inside a metamethod could not be done again by a restart.
    func checkRestartable(store t: IRRef) throws {
        if let r = restart, !r.fresh.contains(t) { throw nyi("store to an outside table in a metamethod") }
    }

    /// R[A] = x op y (or -x) where an operand is a table: calls its metamethod (lua: the first
    /// operand's, else the second's), inlined.
    func recordArithMetamethod(_ op: ArithOp, a: Int, _ xo: (IRRef, Value), _ yo: (IRRef, Value), pc: PC) throws -> PC {
        let (x, y) = (xo.0, yo.0)
        guard restart == nil else { throw nyi("metamethod inside a metamethod") }
        let event = Value(string: vm.tmName(op.tm))
        // the handler: from x's metatable if it has one with the event, else from y's
        var handler: (IRRef, Value)? = nil
        for (r, tv, isFirst) in [(x, xo.1, true), (y, yo.1, false)] where handler == nil {
            if !isFirst && y == x { break }
            if type(r) == tInt || type(r) == tNum {
                if vm.typeMetatables[Int(type(r))] != nil { throw nyi("number metatable") }
                continue
            }
            guard type(r) == tTab else { throw nyi("arithmetic on a \(typeName(r))") }
            guard tv.isTable, let mt = tv.table.pointee.metatable else { throw nyi("arithmetic on a table without metatable") }
            let mtRef = kgc(UnsafeMutableRawPointer(mt), tTab)
            guardIns(.peq, emit(.tmeta, tPtr, r), mtRef, pc: pc)
            let (h, hv) = try rawGet(mtRef, mt, keyRef: try kvalue(event), key: event, pc: pc)
            if !hv.isNil { handler = (h, hv) } else if !isFirst { throw nyi("arithmetic without a metamethod") }
        }
        guard let (h, hv) = handler, hv.tt == UInt64(LT_TLCL) else { throw nyi("metamethod that is not a Lua function") }
        let cl = hv.lclosure
        let p = cl.pointee.p!
        guardIns(.peq, emit(.fproto, tPtr, h), kgc(UnsafeMutableRawPointer(p), UInt8(LT_TPROTO)), pc: pc)
        if p.pointee.isvararg != 0 { throw nyi("vararg metamethod") }
        let cur = frame
        let funcSlot = cur.base + Int(cur.proto.pointee.maxstacksize)
        try setSlot(funcSlot, h)
        try setSlot(funcSlot + 1, x)
        try setSlot(funcSlot + 2, y)
        let np = Int(p.pointee.numparams)
        if np > 2 { for j in 2..<np { try setSlot(funcSlot + 1 + j, ir.kpri(tNil)) } }
        restart = Restart(pc: pc, depth: frames.count)
        enteringMetamethod = true
        frames.append(Frame(base: funcSlot + 1, closure: cl, proto: p, callPC: pc, nresults: 1, funcSlot: funcSlot,
                            closureRef: h, resultSlot: cur.base + a))
        trace.maxSlot = max(trace.maxSlot, funcSlot + 1 + Int(p.pointee.maxstacksize))
        if funcSlot + 1 + Int(p.pointee.maxstacksize) >= slots.count { throw RecordAbort(reason: "frame too deep") }
        return UnsafePointer(p.pointee.code)
    }
}
