// Inlined pieces of the dispatch loop shared by several opcodes (each opcode's case gets its
// own copy, specialised on the operation it passes). They take the loop's hot locals inout;
// being always inlined, those stay in registers.

import CLuaRuntime
import LuaBytecode

extension VM {
    /// A binary arithmetic instruction: integers (when `intOp` is given and gives a result),
    /// two floats, other numbers converted to floats (when `floatOp` is given: bitwise ops have
    /// none, lua converts floats with an integer value for them out of line); strings,
    /// metamethods and errors out of line. Each opcode's case gets its own inlined copy.
    @inline(__always)
    func arith(_ i: UInt32, _ x: Value, _ y: Value, _ op: ArithOp, _ infoB: VarInfo, flip: Bool,
               _ th: ThreadPtr, _ ciIdx: Int, _ ci: inout CallInfoPtr, _ base: inout StackPtr, _ pc: PC,
               _ intOp: ((Int64, Int64) -> Int64?)?, _ floatOp: ((Double, Double) -> Double)?) throws {
        let a = i.a
        if let f = intOp, x.isInt && y.isInt {
            if let r = f(x.i, y.i) { base[a] = Value(int: r); return }
        } else if let g = floatOp, x.isFloat && y.isFloat {
            base[a] = Value(float: g(x.n, y.n)); return
        } else if let g = floatOp, x.isNumber && y.isNumber {
            base[a] = Value(float: g(x.asDouble, y.asDouble)); return
        }
        ci.pointee.savedpc = pc
        let r = try arithSlow(op, x, y, flip: flip, infoA: .register(i.b), infoB: infoB)
        (ci, base) = VM.frameBase(th, ciIdx)
        base[a] = r
    }

    /// FORLOOP's step over the loop's registers (index, count or float limit, step, control
    /// variable): true when the loop goes on (the registers are advanced), false when it ends.
    @inline(__always)
    static func forLoopStep(_ ra: StackPtr) -> Bool {
        let step = ra[2]
        if step.isInt {
            let count = UInt64(bitPattern: ra[1].i)
            guard count > 0 else { return false }
            ra[1] = Value(int: Int64(bitPattern: count - 1))
            let idx = ra[0].i &+ step.i
            ra[0] = Value(int: idx)
            ra[3] = Value(int: idx)
            return true
        }
        let st = step.n
        let idx = ra[0].n + st
        let lim = ra[1].n
        guard st > 0 ? idx <= lim : lim <= idx else { return false }
        ra[0] = Value(float: idx)
        ra[3] = Value(float: idx)
        return true
    }

    /// LTI/LEI/GTI/GEI and the conditional jump after them: inline paths for integers and
    /// floats (each opcode gets its own copy, with its comparison), metamethods out of line.
    @inline(__always)
    func compareImmediate(_ i: UInt32, _ th: ThreadPtr, _ ciIdx: Int, _ ci: inout CallInfoPtr, _ base: inout StackPtr,
                          _ pc: inout PC, _ intOp: (Int64, Int64) -> Bool, _ floatOp: (Double, Double) -> Bool) throws {
        let x = base[Int((i >> 7) & 0xFF)], imm = Int64(i.sB)
        let cond: Bool
        if x.isInt {
            cond = intOp(x.i, imm)
        } else if x.isFloat {
            cond = floatOp(x.n, Double(imm))
        } else {
            ci.pointee.savedpc = pc
            cond = try compareImmediateSlow(i, x)
            (ci, base) = VM.frameBase(th, ciIdx)
        }
        if cond != i.k { pc += 1 } else { pc += pc.pointee.sJ + 1 }
    }

    /// A taken back-edge of a loop without a trace: counts it, and when the loop just became
    /// hot starts recording it. True when recording started: the current instruction (the loop
    /// start, `target`) is saved for the recording copy of the loop to resume at.
    @inline(__always)
    func loopGotHot(_ hot: UnsafeMutablePointer<UInt16>, backedge: PC, target: PC, ciIdx: Int, ci: CallInfoPtr,
                    base: StackPtr, cl: LClosurePtr) -> Bool {
        guard VM.countBackedge(hot, target),
              jitHotLoop(backedge: backedge, target: target, ciIdx: ciIdx, base: base, cl: cl) else { return false }
        ci.pointee.savedpc = target
        return true
    }

    /// A taken back-edge of a loop with a trace: runs it, then reloads the hot state from the
    /// frame the trace left. True when a side-branch recording started (the plain loop must
    /// hand over to the recording copy, at the saved pc).
    @inline(__always)
    func enterTrace(backedge: PC, _ th: ThreadPtr, _ ciIdx: inout Int, _ ci: inout CallInfoPtr, _ cl: inout LClosurePtr,
                    _ k: inout UnsafePointer<LTValue>, _ pc: inout PC, _ base: inout StackPtr) throws -> Bool {
        ci.pointee.savedpc = pc
        let started = try jitEnter(backedge: backedge, proto: cl.pointee.p, base: base, ciIdx: ciIdx)
        (ciIdx, ci, cl, k, pc, base) = VM.topFrameState(th)
        if started { ci.pointee.savedpc = pc }
        return started
    }
}
