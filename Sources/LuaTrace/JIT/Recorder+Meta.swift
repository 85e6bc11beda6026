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

/// What an inlined metamethod's result is for.
enum MetaResult {
    case register(Int)              // arithmetic: the slot of the instruction's R[A]
    case condition(k: Bool)         // EQ/LT/LE: the truth decides the jump (k as in the instruction)
}

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
        guard restart == nil else { throw nyi("metamethod inside a metamethod") }
        guard let h = try findHandler(op.tm, xo, yo, pc: pc) else { throw nyi("arithmetic without a metamethod") }
        return try inlineMetamethod(h, xo.0, yo.0, meta: .register(frame.base + a), pc: pc)
    }

    /// EQ/LT/LE (and their JMP) on two tables through `__eq`/`__lt`/`__le`.
    func recordCompareMetamethod(_ op: Op, _ xo: (IRRef, Value), _ yo: (IRRef, Value), k: Bool, pc: PC) throws -> PC {
        guard restart == nil else { throw nyi("metamethod inside a metamethod") }
        let event: TM = op == .eq ? .eq : (op == .lt ? .lt : .le)
        if op == .eq {
            // the same object is equal without a metamethod
            guardIns(.pne, xo.0, yo.0, pc: pc)
        }
        guard let h = try findHandler(event, xo, yo, pc: pc) else {
            if op != .eq { throw nyi("comparison without a metamethod") }
            return k ? pc + 2 : pc + 2 + (pc + 1).pointee.sJ          // no __eq: different objects differ
        }
        return try inlineMetamethod(h, xo.0, yo.0, meta: .condition(k: k), pc: pc)
    }

    /// The handler for `event` from x's metatable, else y's, with guards that keep that choice
    /// (metatable identities, the handler's presence or absence); nil when neither has one.
    private func findHandler(_ event: TM, _ xo: (IRRef, Value), _ yo: (IRRef, Value), pc: PC) throws -> (IRRef, Value)? {
        let name = Value(string: vm.tmName(event))
        for (r, tv, isFirst) in [(xo.0, xo.1, true), (yo.0, yo.1, false)] {
            if !isFirst && yo.0 == xo.0 { break }
            if type(r) == tInt || type(r) == tNum {
                if vm.typeMetatables[Int(type(r))] != nil { throw nyi("number metatable") }
                continue
            }
            guard type(r) == tTab, tv.isTable else { throw nyi("metamethod of a \(typeName(r))") }
            guard let mt = tv.table.pointee.metatable else {
                guardIns(.peq, emit(.tmeta, tPtr, r), nullRef, pc: pc)
                continue
            }
            let mtRef = kgc(UnsafeMutableRawPointer(mt), tTab)
            guardIns(.peq, emit(.tmeta, tPtr, r), mtRef, pc: pc)
            let (h, hv) = try rawGet(mtRef, mt, keyRef: try kvalue(name), key: name, pc: pc)
            if !hv.isNil { return (h, hv) }
        }
        return nil
    }

    /// Inlines a call of handler h(x, y) as a frame above the current one (where callTM puts
    /// it); recording goes on at the handler's first instruction, restartably.
    private func inlineMetamethod(_ handler: (IRRef, Value), _ x: IRRef, _ y: IRRef, meta: MetaResult, pc: PC) throws -> PC {
        let (h, hv) = handler
        guard hv.tt == UInt64(LT_TLCL) else { throw nyi("metamethod that is not a Lua function") }
        let cl = hv.lclosure
        let p = try guardLuaCallee(h, cl, pc: pc)
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
                            closureRef: h, meta: meta))
        trace.maxSlot = max(trace.maxSlot, funcSlot + 1 + Int(p.pointee.maxstacksize))
        if funcSlot + 1 + Int(p.pointee.maxstacksize) >= slots.count { throw RecordAbort(reason: "frame too deep") }
        return UnsafePointer(p.pointee.code)
    }

    /// The metamethod's frame returned `result`: deliver it as the instruction that called it
    /// would, and leave the restartable region.
    func finishMetamethod(_ m: MetaResult, result: IRRef, callPC: PC) throws -> PC {
        if let r = restart, frames.count <= r.depth { restart = nil }
        switch m {
        case .register(let slot):
            try setSlot(slot, result)
            return callPC + 1
        case .condition(let k):
            // the result's type is known in the trace, so its truth is too
            let truthy = !isFalsyType(type(result))
            return truthy != k ? callPC + 2 : callPC + 2 + (callPC + 1).pointee.sJ
        }
    }
}
