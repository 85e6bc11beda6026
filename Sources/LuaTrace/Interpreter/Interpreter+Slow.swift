// Out-of-line slow paths of the dispatch loop's table instructions.
//
// A slow path takes only the instruction, its pc and the frame index, and re-reads its
// operands from the frame (registers, constants, upvalues). Keeping the operand values out of
// the call means the dispatch loop has nothing of the fast path to preserve across it: when
// the slow path received the loaded table, key and value, LLVM spilled them to the stack on
// every execution of the fast path (6 stores per GETTABLE), not only when the slow path ran.
//
// Invariant: the caller has not modified any register the instruction reads (the fast path
// only reads), so re-reading gives the same operands; the caller reloads `ci` and `base`
// afterwards (the slow path may run Lua code that reallocates the stack or frames).

import CLuaRuntime
import LuaBytecode

extension VM {
    /// GETTABUP/GETTABLE/GETI/GETFIELD through metamethods, or their errors.
    @inline(never)
    func indexOp(_ i: UInt32, pc: PC, ciIdx: Int) throws {
        let th = L!
        let (ci, cl, k, _, base) = VM.frameState(th, ciIdx)
        ci.pointee.savedpc = pc
        let v: Value
        switch Op.from(i) {
        case .gettabup:
            v = try indexSlow(lt_lcl_upvals(cl)[i.b]!.pointee.v.pointee, k[i.c], info: .upvalue(i.b))
        case .gettable:
            v = try indexSlow(base[i.b], base[i.c], info: .register(i.b))
        case .geti:
            v = try indexSlow(base[i.b], Value(int: Int64(i.c)), info: .register(i.b))
        default:  // GETFIELD
            v = try indexSlow(base[i.b], k[i.c], info: .register(i.b))
        }
        VM.frameBase(th, ciIdx).1[i.a] = v
    }

    /// SETTABUP/SETTABLE/SETI/SETFIELD through metamethods, or their errors.
    @inline(never)
    func newindexOp(_ i: UInt32, pc: PC, ciIdx: Int) throws {
        let th = L!
        let (ci, cl, k, _, base) = VM.frameState(th, ciIdx)
        ci.pointee.savedpc = pc
        let a = i.a
        let v = i.k ? k[i.c] : base[i.c]
        switch Op.from(i) {
        case .settabup:
            try setIndexSlow(lt_lcl_upvals(cl)[a]!.pointee.v.pointee, k[i.b], v, info: .upvalue(a))
        case .settable:
            try setIndexSlow(base[a], base[i.b], v, info: .register(a))
        case .seti:
            try setIndexSlow(base[a], Value(int: Int64(i.b)), v, info: .register(a))
        default:  // SETFIELD
            try setIndexSlow(base[a], k[i.b], v, info: .register(a))
        }
    }
}
