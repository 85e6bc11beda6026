// Recording of table accesses, calls, returns and builtins (see Recorder.swift).
//
// Table reads specialise on where the key was found: the array part (bounds-guarded load),
// a hash node for a constant short-string key (guarded on the node still holding that key),
// or a generic lookup. A nil result consults the metatable: absent metatables are guarded,
// and `__index` tables are followed with identity guards on each metatable.

import CLuaRuntime
import LuaBytecode

extension Recorder {
    var nullRef: IRRef { ir.constant(.kgc, tPtr, 0) }

    func guardNoMetatable(_ t: IRRef, runtime: TablePtr, pc: PC) throws {
        if runtime.pointee.metatable != nil { throw nyi("table with a metatable") }
        guardIns(.peq, emit(.tmeta, tPtr, t), nullRef, pc: pc)
    }

    /// Raw lookup specialised on the observed table; returns the value's IR and runtime value.
    func rawGet(_ t: IRRef, _ tv: TablePtr, keyRef: IRRef, key: Value, pc: PC) throws -> (IRRef, Value) {
        let v = vm.tableGet(tv, key)
        if v.tt > UInt64(LT_TTHREAD) { throw nyi("value type") }
        let vt = UInt8(v.tt)
        switch Int32(key.tt) {
        case LT_TINT:
            if type(keyRef) != tInt { throw nyi("key type") }
            if key.i >= 1 && key.i <= Int64(tv.pointee.asize) {
                return (guardIns(.aload, t, keyRef, type: vt, pc: pc), v)
            }
            return (guardIns(.tget, t, keyRef, type: vt, pc: pc), v)
        case LT_TSTRING:
            let ks = key.str
            if ks.pointee.isshort == 0 { throw nyi("long string key") }
            // a node-specialised load is only valid for a constant key (a key from a register
            // can name another field next time): dynamic keys go through the generic lookup
            let idx = ir.isConst(keyRef) ? lt_tab_nodeindex_shortstr(tv, ks) : -1
            if idx >= 0 {
                return (guardIns(.hloadk, t, k: idx, k2: Int64(Int(bitPattern: key.u.p)), type: vt, pc: pc), v)
            }
            return (guardIns(.tget, t, keyRef, type: vt, pc: pc), v)
        default:
            throw nyi("key of type \(key.typeName)")
        }
    }

    func tableGet(_ t: IRRef, runtimeTable tv: Value, key: Value, pc: PC) throws -> IRRef {
        try tableGet(t, runtimeTable: tv, keyRef: try kvalue(key), key: key, pc: pc)
    }

    func tableGet(_ t: IRRef, runtimeTable tv: Value, keyRef: IRRef, key: Value, pc: PC) throws -> IRRef {
        guard type(t) == tTab && tv.isTable else { throw nyi("indexing a \(typeName(t))") }
        var cur = t
        var curV = tv.table
        for _ in 0..<8 {
            let (r, v) = try rawGet(cur, curV, keyRef: keyRef, key: key, pc: pc)
            if !v.isNil { return r }
            guard let mt = curV.pointee.metatable else {
                guardIns(.peq, emit(.tmeta, tPtr, cur), nullRef, pc: pc)
                return r
            }
            guardIns(.peq, emit(.tmeta, tPtr, cur), kgc(UnsafeMutableRawPointer(mt), tTab), pc: pc)
            let mtRef = kgc(UnsafeMutableRawPointer(mt), tTab)
            let ikey = Value(string: vm.tmName(.index))
            let (h, hv) = try rawGet(mtRef, mt, keyRef: try kvalue(ikey), key: ikey, pc: pc)
            if hv.isNil { return r }
            guard hv.isTable else { throw nyi("__index function") }
            cur = h
            curV = hv.table
        }
        throw nyi("long __index chain")
    }

    func tableSet(_ t: IRRef, runtimeTable tv: Value, keyRef: IRRef, key: Value, value: IRRef, pc: PC) throws {
        guard type(t) == tTab && tv.isTable else { throw nyi("indexing a \(typeName(t))") }
        try checkRestartable(store: t)
        let tb = tv.table
        if tb.pointee.metatable != nil {
            // __newindex is only consulted for absent keys: require (and guard) a present value
            let (_, old) = try rawGet(t, tb, keyRef: keyRef, key: key, pc: pc)
            if old.isNil { throw nyi("store into a table with a metatable") }
        } else {
            guardIns(.peq, emit(.tmeta, tPtr, t), nullRef, pc: pc)
        }
        switch Int32(key.tt) {
        case LT_TINT:
            if type(keyRef) != tInt { throw nyi("key type") }
            if key.i >= 1 && key.i <= Int64(tb.pointee.asize) {
                var ins = IRIns(op: .astore, type: tNil, a: t, b: keyRef, c: value)
                ins.snap = snapshot(pc: pc)
                ir.emit(ins)
                return
            }
            _ = emit(.tset, tNil, t, keyRef, value)
        case LT_TSTRING:
            let ks = key.str
            if ks.pointee.isshort == 0 { throw nyi("long string key") }
            let idx = ir.isConst(keyRef) ? lt_tab_nodeindex_shortstr(tb, ks) : -1
            if idx >= 0 {
                var ins = IRIns(op: .hstorek, type: tNil, a: t, b: value, k: idx, k2: Int64(Int(bitPattern: key.u.p)))
                ins.snap = snapshot(pc: pc)
                ir.emit(ins)
                return
            }
            _ = emit(.tset, tNil, t, keyRef, value)
        default:
            throw nyi("store with a key of type \(key.typeName)")
        }
    }

    // MARK: calls

    func recordCall(_ pc: PC, a: Int, b: Int, c: Int) throws -> PC {
        let fref = try reg(a)
        let fv = rt(a)
        let nargs = try valueCount(b == 0 ? nil : b - 1, after: a, "call")
        if fv.tt == UInt64(LT_TLCL) {
            let cl = fv.lclosure
            let p = try guardLuaCallee(fref, cl, pc: pc)
            let newBase = frame.base + a + 1
            let np = Int(p.pointee.numparams)
            if nargs < np { for j in nargs..<np { try setSlot(newBase + j, ir.kpri(tNil)) } }
            frames.append(Frame(base: newBase, closure: cl, proto: p, callPC: pc, nresults: c - 1,
                                funcSlot: frame.base + a, closureRef: fref))
            trace.maxSlot = max(trace.maxSlot, newBase + Int(p.pointee.maxstacksize))
            if newBase + Int(p.pointee.maxstacksize) >= slots.count { throw RecordAbort(reason: "frame too deep") }
            return UnsafePointer(p.pointee.code)
        }
        if fv.tt == UInt64(LT_TNATIVE) {
            guardIdentity(fref, fv.ptr, type: UInt8(LT_TNATIVE), pc: pc)
            let name = vm.nativeNames[Int(fv.native.pointee.fnid)]
            if name == "ipairs" { try recordIpairsCall(a: a, nargs: nargs, c: c); return pc + 1 }
            if name == "pairs" { try recordPairsCall(a: a, nargs: nargs, c: c, pc: pc); return pc + 1 }
            var args: [IRRef] = []
            var vals: [Value] = []
            for j in 0..<nargs { args.append(try reg(a + 1 + j)); vals.append(rt(a + 1 + j)) }
            let r = try recordBuiltin(name, args, vals, pc: pc)
            try setReg(a, r)
            if c - 1 > 1 { for j in 1..<(c - 1) { try setReg(a + j, ir.kpri(tNil)) } }
            if c == 0 { topSlot = frame.base + a + 1 }      // exactly one result
            return pc + 1
        }
        throw nyi("call of a \(fv.typeName) value")
    }

    /// The number of values in R[A+1]... of a CALL/TAILCALL/SETLIST: `n`, or when nil (the
    /// instruction's count field is 0) up to the top the previous call left, known while recording.
    func valueCount(_ n: Int?, after a: Int, _ what: String) throws -> Int {
        if let n = n { return n }
        guard let top = pendingTop, top - (frame.base + a + 1) >= 0 else {
            throw nyi("\(what) with a variable number of values")
        }
        return top - (frame.base + a + 1)
    }

    /// Guards that the callee in `fref` runs the prototype of `cl` (any closure of it runs the
    /// same code, so the trace specialises on the prototype); fixed-parameter callees only.
    func guardLuaCallee(_ fref: IRRef, _ cl: LClosurePtr, pc: PC) throws -> ProtoPtr {
        let p = cl.pointee.p!
        if type(fref) != UInt8(LT_TLCL) { throw nyi("callee type") }
        guardIns(.peq, emit(.fproto, tPtr, fref), kgc(UnsafeMutableRawPointer(p), UInt8(LT_TPROTO)), pc: pc)
        if p.pointee.isvararg != 0 { throw nyi("call of a vararg function") }
        return p
    }

    func recordReturn(a: Int, count n: Int) throws -> PC {
        guard frames.count > 1 else { throw RecordAbort(reason: "return from the loop's function") }
        var vals: [IRRef] = []
        for j in 0..<n { vals.append(try reg(a + j)) }
        return try finishReturn(vals)
    }

    /// Pops the current (inlined) frame, delivering `vals` as its results to the caller.
    func finishReturn(_ vals: [IRRef]) throws -> PC {
        let n = vals.count
        let f = frame
        frames.removeLast()
        if let m = f.meta { return try finishMetamethod(m, result: n > 0 ? vals[0] : ir.kpri(tNil), callPC: f.callPC!) }
        let wanted = f.nresults
        if wanted < 0 {
            // the caller keeps all results: their number is known here
            for j in 0..<n { try setSlot(f.funcSlot + j, vals[j]) }
            topSlot = f.funcSlot + n
        } else {
            for j in 0..<wanted { try setSlot(f.funcSlot + j, j < n ? vals[j] : ir.kpri(tNil)) }
        }
        return f.callPC! + 1
    }

    // MARK: builtins

    func recordBuiltin(_ name: String, _ args: [IRRef], _ vals: [Value], pc: PC) throws -> IRRef {
        func num(_ j: Int) throws -> IRRef {
            guard j < args.count, type(args[j]) == tInt || type(args[j]) == tNum else { throw nyi("\(name) argument") }
            return args[j]
        }
        func fmath(_ f: MathFn, _ x: IRRef) -> IRRef { emit(.fmath, tNum, toFloat(x), k: f.rawValue) }
        switch name {
        case "math.floor", "math.ceil":
            let x = try num(0)
            if type(x) == tInt { return x }
            let f = fmath(name == "math.floor" ? .floor : .ceil, x)
            let d = name == "math.floor" ? vals[0].n.rounded(.down) : vals[0].n.rounded(.up)
            guard Arith.floatToIntExact(d) != nil else { throw nyi("\(name) out of integer range") }
            return guardIns(.toint, f, type: tInt, pc: pc)
        case "math.sqrt": return fmath(.sqrt, try num(0))
        case "math.sin": return fmath(.sin, try num(0))
        case "math.cos": return fmath(.cos, try num(0))
        case "math.tan": return fmath(.tan, try num(0))
        case "math.exp": return fmath(.exp, try num(0))
        case "math.asin": return fmath(.asin, try num(0))
        case "math.acos": return fmath(.acos, try num(0))
        case "math.log":
            if args.count == 1 { return fmath(.log, try num(0)) }
            if args.count == 2, let b = ir.intConst(args[1]) {
                if b == 2 { return fmath(.log2, try num(0)) }
                if b == 10 { return fmath(.log10, try num(0)) }
            }
            throw nyi("math.log with a base")
        case "math.abs":
            let x = try num(0)
            return type(x) == tInt ? emit(.iabs, tInt, x) : fmath(.abs, x)
        case "math.min", "math.max":
            guard args.count == 2 else { throw nyi("\(name) arity") }
            let x = try num(0), y = try num(1)
            let isMin = name == "math.min"
            if type(x) == tInt && type(y) == tInt { return emit(isMin ? .imin : .imax, tInt, x, y) }
            if type(x) == tNum && type(y) == tNum { return emit(isMin ? .nmin : .nmax, tNum, x, y) }
            throw nyi("\(name) of mixed numbers")
        case "string.byte":
            guard args.count >= 1, type(args[0]) == tStr else { throw nyi("string.byte argument") }
            let idx = args.count >= 2 ? args[1] : ir.kint(1)
            guard type(idx) == tInt, args.count <= 2 else { throw nyi("string.byte arguments") }
            let iv = args.count >= 2 ? vals[1].i : 1
            let len = Int64(vals[0].str.pointee.len)
            guard iv >= 1 && iv <= len else { throw nyi("string.byte out of range") }
            return guardIns(.sbyte, args[0], idx, type: tInt, pc: pc)
        case "string.len":
            guard args.count == 1, type(args[0]) == tStr else { throw nyi("string.len argument") }
            return emit(.slen, tInt, args[0])
        case "setmetatable":
            guard args.count == 2, type(args[0]) == tTab, type(args[1]) == tTab || type(args[1]) == tNil else {
                throw nyi("setmetatable arguments")
            }
            try checkRestartable(store: args[0])
            guardIns(.tsetmeta, args[0], args[1], pc: pc)
            forgetMetatable(of: args[0])
            return args[0]
        case "type":
            guard args.count >= 1 else { throw nyi("type()") }
            let s = vm.newString(LTValue.typeNames[Int(type(args[0]))])
            return kgc(UnsafeMutableRawPointer(s), tStr)
        default:
            throw nyi("call to \(name)")
        }
    }
}
