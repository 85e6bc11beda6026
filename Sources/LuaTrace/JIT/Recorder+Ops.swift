// Recording of individual bytecode instructions (see Recorder.swift for the invariants).
// Anything not handled here aborts the trace with a reason ("NYI: ...").

import CLuaRuntime
import LuaBytecode

extension Recorder {
    func nyi(_ what: String) -> RecordAbort { RecordAbort(reason: "NYI: \(what)") }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    func recordInstruction(_ pc: PC) throws {
        // the trace's own back-edge may already be patched to its J-variant
        let i = pc == trace.backedgePC ? trace.originalBackedge : pc.pointee
        let a = i.a
        // a top set by the previous instruction is only valid for this one
        pendingTop = topSlot
        topSlot = nil
        let p = frame.proto
        let kst = p.pointee.k!
        var next = pc + 1
        switch i.op {
        case .move:
            try setReg(a, try reg(i.b))
        case .loadi:
            try setReg(a, ir.kint(Int64(i.sBx)))
        case .loadf:
            try setReg(a, ir.knum(Double(i.sBx)))
        case .loadk:
            try setReg(a, try kvalue(kst[i.bx]))
        case .loadkx:
            try setReg(a, try kvalue(kst[(pc + 1).pointee.ax]))
            next = pc + 2
        case .loadfalse:
            try setReg(a, ir.kpri(UInt8(LT_TFALSE)))
        case .lfalseskip:
            try setReg(a, ir.kpri(UInt8(LT_TFALSE)))
            next = pc + 2
        case .loadtrue:
            try setReg(a, ir.kpri(UInt8(LT_TTRUE)))
        case .loadnil:
            for j in 0...i.b { try setReg(a + j, ir.kpri(tNil)) }
        case .getupval:
            try setReg(a, try upvalueGet(i.b, pc: pc))
        case .setupval:
            try upvalueSet(i.b, try reg(a), pc: pc)
        case .gettabup:
            let env = try upvalueGet(i.b, pc: pc)
            try setReg(a, try tableGet(env, runtimeTable: upvalueRuntime(i.b), key: kst[i.c], pc: pc))
        case .gettable:
            try setReg(a, try tableGet(try reg(i.b), runtimeTable: rt(i.b), keyRef: try reg(i.c), key: rt(i.c), pc: pc))
        case .geti:
            let kv = Value(int: Int64(i.c))
            try setReg(a, try tableGet(try reg(i.b), runtimeTable: rt(i.b), keyRef: ir.kint(kv.i), key: kv, pc: pc))
        case .getfield:
            try setReg(a, try tableGet(try reg(i.b), runtimeTable: rt(i.b), key: kst[i.c], pc: pc))
        case .settabup:
            let env = try upvalueGet(a, pc: pc)
            let v = i.k ? try kvalue(kst[i.c]) : try reg(i.c)
            try tableSet(env, runtimeTable: upvalueRuntime(a), keyRef: try kvalue(kst[i.b]), key: kst[i.b], value: v, pc: pc)
        case .settable:
            let v = i.k ? try kvalue(kst[i.c]) : try reg(i.c)
            try tableSet(try reg(a), runtimeTable: rt(a), keyRef: try reg(i.b), key: rt(i.b), value: v, pc: pc)
        case .seti:
            let v = i.k ? try kvalue(kst[i.c]) : try reg(i.c)
            try tableSet(try reg(a), runtimeTable: rt(a), keyRef: ir.kint(Int64(i.b)), key: Value(int: Int64(i.b)), value: v, pc: pc)
        case .setfield:
            let v = i.k ? try kvalue(kst[i.c]) : try reg(i.c)
            try tableSet(try reg(a), runtimeTable: rt(a), keyRef: try kvalue(kst[i.b]), key: kst[i.b], value: v, pc: pc)
        case .`self`:
            let obj = try reg(i.b)
            let key = i.k ? kst[i.c] : rt(i.c)
            let m = try tableGet(obj, runtimeTable: rt(i.b), key: key, pc: pc)
            try setReg(a + 1, obj)
            try setReg(a, m)

        case .addi:
            try setReg(a, try arith(.add, try reg(i.b), ir.kint(Int64(i.sC)), pc: pc))
        case .addk, .subk, .mulk, .modk, .powk, .divk, .idivk, .bandk, .bork, .bxork:
            if type(try reg(i.b)) == tTab {
                let rb = (try reg(i.b), rt(i.b)), kc = (try kvalue(kst[i.c]), kst[i.c])
                let (x, y) = i.k ? (kc, rb) : (rb, kc)
                next = try recordArithMetamethod(ArithOp.from(i.op), a: a, x, y, pc: pc)
                break
            }
            try setReg(a, try arith(ArithOp.from(i.op), try reg(i.b), try kvalue(kst[i.c]), pc: pc))
        case .shri:
            try setReg(a, try arith(.shr, try reg(i.b), ir.kint(Int64(i.sC)), pc: pc))
        case .shli:
            try setReg(a, try arith(.shl, ir.kint(Int64(i.sC)), try reg(i.b), pc: pc))
        case .add, .sub, .mul, .mod, .pow, .div, .idiv, .band, .bor, .bxor, .shl, .shr:
            let (rb, rc) = (try reg(i.b), try reg(i.c))
            if type(rb) == tTab || type(rc) == tTab {
                next = try recordArithMetamethod(ArithOp.from(i.op), a: a, (try reg(i.b), rt(i.b)), (try reg(i.c), rt(i.c)), pc: pc)
                break
            }
            try setReg(a, try arith(ArithOp.from(i.op), try reg(i.b), try reg(i.c), pc: pc))
        case .unm:
            let x = try reg(i.b)
            if type(x) == tTab {
                next = try recordArithMetamethod(.unm, a: a, (x, rt(i.b)), (x, rt(i.b)), pc: pc)
                break
            }
            switch type(x) {
            case tInt:
                if let c = ir.intConst(x) { try setReg(a, ir.kint(0 &- c)) } else { try setReg(a, emit(.neg, tInt, x)) }
            case tNum: try setReg(a, emit(.neg, tNum, x))
            default: throw nyi("unary minus on \(typeName(x))")
            }
        case .bnot:
            let x = try reg(i.b)
            guard type(x) == tInt else { throw nyi("bitwise not on \(typeName(x))") }
            try setReg(a, emit(.bnot, tInt, x))
        case .not:
            let x = try reg(i.b)
            try setReg(a, ir.kpri(isFalsyType(type(x)) ? UInt8(LT_TTRUE) : UInt8(LT_TFALSE)))
        case .len:
            let x = try reg(i.b)
            switch type(x) {
            case tStr: try setReg(a, emit(.slen, tInt, x))
            case tTab:
                try guardNoMetatable(x, runtime: rt(i.b).table, pc: pc)
                try setReg(a, emit(.tlen, tInt, x))
            default: throw nyi("length of \(typeName(x))")
            }

        case .jmp, .jloop:
            next = pc + 1 + i.sJ
            if i.sJ < 0 && !(next == trace.startPC && frames.count == 1) {
                try takeUnrolledBackedge()          // an inner while/repeat loop: unrolled
            }
        case .eq, .lt, .le:
            next = try compare(i.op, try reg(a), rt(a), try reg(i.b), rt(i.b), k: i.k, pc: pc)
        case .eqk:
            next = try compare(.eq, try reg(a), rt(a), try kvalue(kst[i.b]), kst[i.b], k: i.k, pc: pc)
        case .eqi, .lti, .lei, .gti, .gei:
            let x = try reg(a)
            let immV: Value = i.c != 0 ? Value(float: Double(i.sB)) : Value(int: Int64(i.sB))
            let imm = try kvalue(immV)
            switch i.op {
            case .eqi: next = try compare(.eq, x, rt(a), imm, immV, k: i.k, pc: pc)
            case .lti: next = try compare(.lt, x, rt(a), imm, immV, k: i.k, pc: pc)
            case .lei: next = try compare(.le, x, rt(a), imm, immV, k: i.k, pc: pc)
            case .gti: next = try compare(.lt, imm, immV, x, rt(a), k: i.k, pc: pc)
            default: next = try compare(.le, imm, immV, x, rt(a), k: i.k, pc: pc)
            }
        case .test:
            let x = try reg(a)
            let falsy = isFalsyType(type(x))
            next = (falsy == i.k) ? pc + 2 : pc + 2 + (pc + 1).pointee.sJ
        case .testset:
            let x = try reg(i.b)
            let falsy = isFalsyType(type(x))
            if falsy == i.k {
                next = pc + 2
            } else {
                try setReg(a, x)
                next = pc + 2 + (pc + 1).pointee.sJ
            }

        case .concat:
            try recordConcat(pc, a: a, n: i.b)
        case .newtable:
            next = try recordNewTable(pc, a: a, i: i)
        case .setlist:
            next = try recordSetList(pc, a: a, i: i)
        case .call:
            next = try recordCall(pc, a: a, b: i.b, c: i.c)
        case .tailcall:
            next = try recordTailCall(pc, a: a, b: i.b, k: i.k, c: i.c)
        case .return0, .return1, .return:
            var n: Int
            switch i.op {
            case .return0: n = 0
            case .return1: n = 1
            default:
                n = i.b - 1
                if n < 0 { throw nyi("return of a variable number of values") }
                if i.c != 0 { throw nyi("return from a vararg function") }
            }
            next = try recordReturn(a: a, count: n)

        case .forloop, .jforloop:
            // (a side branch may leave the trace's own loop: it goes on around an outer loop)
            guard isOwnBackedge(pc) && !(branch != nil && forLoopEnds(a)) else {
                next = try recordInnerForLoop(a: a, bx: i.bx, pc: pc)
                break
            }
            try recordForLoop(a: a, pc: pc)
            next = pc + 1 - i.bx
        case .close:
            guardNoOpenUpvalues(level: frame.base + a, pc: pc)
        case .forprep:
            next = try recordForPrep(a: a, bx: i.bx, pc: pc)
        case .tforprep:
            next = try recordTForPrep(a: a, bx: i.bx, pc: pc)
        case .tforcall:
            try recordIteratorCall(a: a, c: i.c, pc: pc)
        case .tforloop, .jtforloop:
            let ctlEnds = type(try reg(a + 4)) == tNil
            guard isOwnBackedge(pc) && !(branch != nil && ctlEnds) else {
                next = try recordInnerTForLoop(a: a, bx: i.bx, pc: pc)
                break
            }
            let ctl = try reg(a + 4)
            if type(ctl) == tNil { throw RecordAbort(reason: "loop left during recording") }
            try setReg(a + 2, ctl)
            next = pc + 1 - i.bx
        case .varargprep, .vararg:
            throw nyi("varargs")
        case .extraarg:
            break
        default:
            throw nyi("bytecode \(i.op.name)")
        }
        // A root trace is one iteration of its loop: leaving the loop's code in the loop's own
        // frame (a while loop's condition failing) ends it. Side branches may leave (and come
        // back around an outer loop).
        if branch == nil && frames.count == 1 && (next < trace.startPC || next > trace.backedgePC) {
            throw RecordAbort(reason: "loop left during recording")
        }
        expectedPC = next
    }

    func isFalsyType(_ t: UInt8) -> Bool { t == tNil || t == UInt8(LT_TFALSE) }

    /// `ipairs(t)` for a table: its three results are the iterator, t and 0 (constants).
    func recordIpairsCall(a: Int, nargs: Int, c: Int) throws {
        guard nargs >= 1, type(try reg(a + 1)) == tTab, vm.ipairsIterator.tt == UInt64(LT_TNATIVE) else {
            throw nyi("ipairs argument")
        }
        let t = try reg(a + 1)
        try setReg(a, kgc(vm.ipairsIterator.ptr, UInt8(LT_TNATIVE)))
        try setReg(a + 1, t)
        try setReg(a + 2, ir.kint(0))
        if c - 1 > 3 { for j in 3..<(c - 1) { try setReg(a + j, ir.kpri(tNil)) } }
        if c == 0 { topSlot = frame.base + a + 3 }
    }

    /// TFORCALL of a generic for: only the ipairs iterator is recorded (an array walk).
    func recordIteratorCall(a: Int, c: Int, pc: PC) throws {
        let f = try reg(a), fv = rt(a)
        if fv.tt == UInt64(LT_TNATIVE), vm.nativeNames[Int(fv.native.pointee.fnid)] == "next" {
            try recordNextCall(a: a, c: c, pc: pc)
            return
        }
        guard fv.tt == UInt64(LT_TNATIVE), vm.nativeNames[Int(fv.native.pointee.fnid)] == "ipairs_iterator" else {
            throw nyi("generic for with this iterator")
        }
        guardIdentity(f, fv.ptr, type: UInt8(LT_TNATIVE), pc: pc)
        let t = try reg(a + 1), tv = rt(a + 1)
        let ctl = try reg(a + 2), cv = rt(a + 2)
        guard type(t) == tTab, tv.isTable, type(ctl) == tInt else { throw nyi("ipairs over a \(typeName(t))") }
        let idx = try arith(.add, ctl, ir.kint(1), pc: pc)
        let key = Value(int: cv.i &+ 1)
        let (v, vv) = try rawGet(t, tv.table, keyRef: idx, key: key, pc: pc)
        if vv.isNil {
            // the end of the array: only an inner loop may end here (the trace's own would leave)
            if isOwnBackedge(pc + 1) && branch == nil { throw RecordAbort(reason: "loop left during recording") }
            try guardNoMetatable(t, runtime: tv.table, pc: pc)
            for j in 0..<max(c, 1) { try setReg(a + 4 + j, ir.kpri(tNil)) }
            return
        }
        try setReg(a + 4, idx)
        if c >= 2 { try setReg(a + 5, v) }
        if c > 2 { for j in 2..<c { try setReg(a + 4 + j, ir.kpri(tNil)) } }
    }

    func typeName(_ r: IRRef) -> String { LTValue.typeNames[Int(type(r))] }

    // MARK: arithmetic

    func toFloat(_ x: IRRef) -> IRRef {
        if type(x) == tNum { return x }
        if let c = ir.intConst(x) { return ir.knum(Double(c)) }
        return emit(.tonum, tNum, x)
    }

    func arith(_ op: ArithOp, _ x: IRRef, _ y: IRRef, pc: PC) throws -> IRRef {
        let tx = type(x), ty = type(y)
        guard (tx == tInt || tx == tNum) && (ty == tInt || ty == tNum) else {
            throw nyi("arithmetic on \(typeName(x)) and \(typeName(y))")
        }
        let ints = tx == tInt && ty == tInt
        switch op {
        case .add, .sub, .mul:
            let o: IROp = op == .add ? .add : (op == .sub ? .sub : .mul)
            if ints {
                if let a = ir.intConst(x), let b = ir.intConst(y) {
                    return ir.kint(op == .add ? a &+ b : (op == .sub ? a &- b : a &* b))
                }
                return emit(o, tInt, x, y)
            }
            return emit(o, tNum, toFloat(x), toFloat(y))
        case .div:
            return emit(.div, tNum, toFloat(x), toFloat(y))
        case .pow:
            return emit(.pow, tNum, toFloat(x), toFloat(y))
        case .idiv, .mod:
            let o: IROp = op == .idiv ? .idiv : .mod
            if ints {
                if let b = ir.intConst(y), b != 0 { return emit(o, tInt, x, y) }
                return guardIns(o, x, y, type: tInt, pc: pc)
            }
            return emit(o, tNum, toFloat(x), toFloat(y))
        case .band, .bor, .bxor, .shl, .shr:
            guard ints else { throw nyi("bitwise operation on floats") }
            let o: IROp
            switch op {
            case .band: o = .band
            case .bor: o = .bor
            case .bxor: o = .bxor
            case .shl: o = .shl
            default: o = .shr
            }
            return emit(o, tInt, x, y)
        case .unm, .bnot:
            throw nyi("unary arithmetic")
        }
    }

    // MARK: comparisons

    /// Records a conditional test followed by its JMP; returns the next pc taken.
    func compare(_ op: Op, _ x: IRRef, _ xv: Value, _ y: IRRef, _ yv: Value, k: Bool, pc: PC) throws -> PC {
        let cond: Bool
        let tx = type(x), ty = type(y)
        let numeric = (tx == tInt || tx == tNum) && (ty == tInt || ty == tNum)
        switch op {
        case .eq:
            if numeric {
                cond = xv.rawEquals(yv)
                try guardCompare(.eq, x, y, holds: cond, pc: pc)
            } else if tx != ty {
                cond = false                                   // different types: never equal
            } else if tx == tNil || tx == UInt8(LT_TFALSE) || tx == UInt8(LT_TTRUE) {
                cond = true                                    // same constant type
            } else if tx == tStr {
                if xv.str.pointee.isshort == 0 || yv.str.pointee.isshort == 0 { throw nyi("long string comparison") }
                cond = xv.u.p == yv.u.p
                guardIns(cond ? .peq : .pne, x, y, pc: pc)
            } else {
                if tx == tTab || tx == UInt8(LT_TUSERDATA) {
                    if xv.u.p != yv.u.p && (vm.metatable(of: xv) != nil || vm.metatable(of: yv) != nil) {
                        guard tx == tTab else { throw nyi("__eq metamethod of a userdata") }
                        return try recordCompareMetamethod(.eq, (x, xv), (y, yv), k: k, pc: pc)
                    }
                    if xv.u.p != yv.u.p {
                        // no metatables now; they must stay absent for the result to hold
                        try guardNoMetatable(x, runtime: xv.table, pc: pc)
                        try guardNoMetatable(y, runtime: yv.table, pc: pc)
                    }
                }
                cond = xv.u.p == yv.u.p
                guardIns(cond ? .peq : .pne, x, y, pc: pc)
            }
        case .lt, .le:
            if tx == tTab || ty == tTab { return try recordCompareMetamethod(op, (x, xv), (y, yv), k: k, pc: pc) }
            guard numeric else { throw nyi("comparison of \(typeName(x)) and \(typeName(y))") }
            cond = op == .lt ? VM.numLess(xv, yv) : VM.numLessEq(xv, yv)
            try guardCompare(op == .lt ? .lt : .le, x, y, holds: cond, pc: pc)
        default:
            throw nyi("comparison")
        }
        return cond != k ? pc + 2 : pc + 2 + (pc + 1).pointee.sJ
    }

    /// Guards that `x op y` is `holds` (k = 1 encodes the negation, NaN-exact).
    func guardCompare(_ op: IROp, _ x: IRRef, _ y: IRRef, holds: Bool, pc: PC) throws {
        var xx = x, yy = y
        if type(x) != type(y) { xx = toFloat(x); yy = toFloat(y) }
        if ir.intConst(xx) != nil && ir.intConst(yy) != nil { return }      // both constant: nothing to guard
        guardIns(op, xx, yy, k: holds ? 0 : 1, pc: pc)
    }

    // MARK: for loops

    func recordForLoop(a: Int, pc: PC) throws {
        let step = try reg(a + 2)
        if type(step) == tInt {
            if rt(a + 1).i == 0 { throw RecordAbort(reason: "loop left during recording") }
            let count = try reg(a + 1)
            guard type(count) == tInt else { throw nyi("for loop count type") }
            // continue while the unsigned count is non-zero
            guardIns(.ne, count, ir.kint(0), pc: pc)
            try setReg(a + 1, emit(.sub, tInt, count, ir.kint(1)))
            let idx = emit(.add, tInt, try reg(a), step)
            try setReg(a, idx)
            try setReg(a + 3, idx)
        } else {
            let idx0 = try reg(a), lim = try reg(a + 1)
            guard type(idx0) == tNum && type(lim) == tNum && type(step) == tNum else { throw nyi("for loop types") }
            let idx = emit(.add, tNum, idx0, step)
            let positive = rt(a + 2).n > 0
            let nextIdx = rt(a).n + rt(a + 2).n
            if !(positive ? nextIdx <= rt(a + 1).n : rt(a + 1).n <= nextIdx) {
                throw RecordAbort(reason: "loop left during recording")
            }
            if ir.numConst(step) == nil {
                guardIns(.gt, step, ir.knum(0), k: positive ? 0 : 1, pc: pc)
            }
            if positive { guardIns(.le, idx, lim, pc: pc) } else { guardIns(.le, lim, idx, pc: pc) }
            try setReg(a, idx)
            try setReg(a + 3, idx)
        }
    }

    // MARK: upvalues

    func upvalueObject(_ idx: Int) -> UpValPtr { lt_lcl_upvals(frame.closure)[idx]! }

    func upvalueRuntime(_ idx: Int) -> Value { upvalueObject(idx).pointee.v.pointee }

    /// Slot aliased by an open upvalue pointing into the trace's frames, if any.
    func aliasedSlot(_ uv: UpValPtr) -> Int? {
        let st = thread.pointee.stack!
        let p = uv.pointee.v!
        if p >= st + startBaseIdx && p < st + startBaseIdx + slots.count { return p - (st + startBaseIdx) }
        return nil
    }

    /// IR for the upvalue object, loaded from the running closure (traces specialise on
    /// prototypes, not closure identity, so closures made at run time share a trace).
    func upvalueRef(_ idx: Int) -> IRRef {
        emit(.uref, tPtr, frame.closureRef, k: Int64(idx))
    }

    func upvalueGet(_ idx: Int, pc: PC) throws -> IRRef {
        let uv = upvalueObject(idx)
        if let s = aliasedSlot(uv) {
            guardIns(.upeq, upvalueRef(idx), k: Int64(s), pc: pc)
            return try slot(s)
        }
        let v = uv.pointee.v.pointee
        if v.tt > UInt64(LT_TTHREAD) { throw nyi("upvalue type") }
        return guardIns(.uload, upvalueRef(idx), type: UInt8(v.tt), pc: pc)
    }

    func upvalueSet(_ idx: Int, _ val: IRRef, pc: PC) throws {
        if restart != nil { throw nyi("upvalue store in a metamethod") }
        let uv = upvalueObject(idx)
        if let s = aliasedSlot(uv) {
            guardIns(.upeq, upvalueRef(idx), k: Int64(s), pc: pc)
            try setSlot(s, val)
            return
        }
        _ = emit(.ustore, tNil, upvalueRef(idx), val)
    }

    func guardNoOpenUpvalues(level: Int, pc: PC) {
        guardIns(.noopen, -1, k: Int64(level), pc: pc)
    }
}
