// Slow paths of the interpreter: indexing with __index/__newindex, arithmetic with coercions
// and metamethods, comparisons, length, concatenation, to-be-closed variables, numeric for
// preparation. None of these are on the fast path; they may call Lua code (so callers save pc
// before and reload base after).

import CLuaRuntime
import LuaBytecode
import LuaText

/// Where an operand came from, for error messages ("(local 'x')", "(global 'y')", ...).
enum VarInfo {
    case none
    case register(Int)      // register of the running Lua frame
    case upvalue(Int)
    case constant(Int)
}

enum ArithOp: Int {
    case add, sub, mul, mod, pow, div, idiv, band, bor, bxor, shl, shr, unm, bnot

    static func from(_ op: Op) -> ArithOp {
        switch op {
        case .add, .addk, .addi: return .add
        case .sub, .subk: return .sub
        case .mul, .mulk: return .mul
        case .mod, .modk: return .mod
        case .pow, .powk: return .pow
        case .div, .divk: return .div
        case .idiv, .idivk: return .idiv
        case .band, .bandk: return .band
        case .bor, .bork: return .bor
        case .bxor, .bxork: return .bxor
        case .shl, .shli: return .shl
        case .shr, .shri: return .shr
        case .unm: return .unm
        default: return .bnot
        }
    }

    var tm: TM {
        switch self {
        case .add: return .add; case .sub: return .sub; case .mul: return .mul; case .mod: return .mod
        case .pow: return .pow; case .div: return .div; case .idiv: return .idiv; case .band: return .band
        case .bor: return .bor; case .bxor: return .bxor; case .shl: return .shl; case .shr: return .shr
        case .unm: return .unm; case .bnot: return .bnot
        }
    }

    var isBitwise: Bool {
        switch self {
        case .band, .bor, .bxor, .shl, .shr, .bnot: return true
        default: return false
        }
    }
}

extension VM {
    // MARK: arithmetic

    @inline(__always) static func arithNumbers(_ op: ArithOp, _ x: Value, _ y: Value) -> Value? {
        if x.isInt && y.isInt {
            let a = x.i, b = y.i
            switch op {
            case .add: return Value(int: a &+ b)
            case .sub: return Value(int: a &- b)
            case .mul: return Value(int: a &* b)
            case .mod: return b == 0 ? nil : Value(int: Arith.imod(a, b))
            case .idiv: return b == 0 ? nil : Value(int: Arith.idiv(a, b))
            case .pow: return Value(float: Arith.pow(Double(a), Double(b)))
            case .div: return Value(float: Double(a) / Double(b))
            case .band: return Value(int: a & b)
            case .bor: return Value(int: a | b)
            case .bxor: return Value(int: a ^ b)
            case .shl: return Value(int: Arith.shiftLeft(a, b))
            case .shr: return Value(int: Arith.shiftLeft(a, 0 &- b))
            case .unm: return Value(int: 0 &- a)
            case .bnot: return Value(int: ~a)
            }
        }
        guard x.isNumber && y.isNumber else { return nil }
        if op.isBitwise {
            guard let a = x.isInt ? x.i : Arith.floatToIntExact(x.n),
                  let b = y.isInt ? y.i : Arith.floatToIntExact(y.n) else { return nil }
            return arithNumbers(op, Value(int: a), Value(int: b))
        }
        let a = x.asDouble, b = y.asDouble
        switch op {
        case .add: return Value(float: a + b)
        case .sub: return Value(float: a - b)
        case .mul: return Value(float: a * b)
        case .mod: return Value(float: Arith.fmod(a, b))
        case .idiv: return Value(float: Arith.fidiv(a, b))
        case .pow: return Value(float: Arith.pow(a, b))
        case .div: return Value(float: a / b)
        case .unm: return Value(float: -a)
        default: return nil
        }
    }

    /// String -> number coercion for arithmetic (nil if not convertible).
    func toNumber(_ v: Value) -> Value? {
        if v.isNumber { return v }
        if v.isString, let n = parseNumber(LuaStr.buffer(v.str)) {
            switch n {
            case .int(let i): return Value(int: i)
            case .float(let d): return Value(float: d)
            }
        }
        return nil
    }

    @inline(never)
    func arithSlow(_ op: ArithOp, _ x0: Value, _ y0: Value, flip: Bool, infoA: VarInfo, infoB: VarInfo) throws -> Value {
        // operands in source order
        let x = flip ? y0 : x0, y = flip ? x0 : y0
        let ia = flip ? infoB : infoA, ib = flip ? infoA : infoB
        // string coercion (arithmetic only: lua5.4 does not convert strings for bitwise ops)
        let cx = op.isBitwise ? (x.isNumber ? x : nil) : toNumber(x)
        let cy = op.isBitwise ? (y.isNumber ? y : nil) : toNumber(y)
        if let nx = cx, let ny = cy {
            if let r = VM.arithNumbers(op, nx, ny) { return r }
            if op == .mod { throw LuaError.runtime(self, "attempt to perform 'n%0'") }
            if op == .idiv { throw LuaError.runtime(self, "attempt to divide by zero") }
            // bitwise on a float without integer representation: metamethods still get a chance
            if let h = tm(x, op.tm) ?? tm(y, op.tm) { return try callTM(h, x, y) }
            if x.isNumber && y.isNumber {
                let bad = (nx.isInt || Arith.floatToIntExact(nx.n) != nil) ? ib : ia
                throw LuaError.runtime(self, "number\(varInfoText(bad)) has no integer representation")
            }
            let (bv, bi) = !x.isNumber ? (x, ia) : (y, ib)
            throw typeError(bv, "perform bitwise operation on", bi)
        }
        if !x.isString, let h = tm(x, op.tm) { return try callTM(h, x, y) }
        if !op.isBitwise && (x.isString || y.isString) {
            // lua5.4's string arithmetic metamethods
            if !y.isString, let h = tm(y, op.tm) { return try callTM(h, x, y) }
            let name = String(op.tm.eventName.dropFirst(2))
            throw LuaError.runtime(self, "attempt to \(name) a '\(objTypeName(x))' with a '\(objTypeName(y))'")
        }
        if let h = tm(y, op.tm) { return try callTM(h, x, y) }
        if op.isBitwise {
            if x.isNumber && y.isNumber { throw LuaError.runtime(self, "number has no integer representation") }
            let (bv, bi) = !x.isNumber ? (x, ia) : (y, ib)
            throw typeError(bv, "perform bitwise operation on", bi)
        }
        let (bv, bi) = !x.isNumber ? (x, ia) : (y, ib)
        throw typeError(bv, "perform arithmetic on", bi)
    }

    // MARK: indexing

    @inline(never)
    func indexSlow(_ obj: Value, _ key: Value, info: VarInfo) throws -> Value {
        var t = obj
        var first = true
        for _ in 0..<2000 {
            let h: Value
            if t.isTable {
                let v = key.isString ? tableGetStr(t.table, key.str) : tableGet(t.table, key)
                if !v.isNil { return v }
                guard let hh = fastTM(t.table.pointee.metatable, .index) else { return .nilValue }
                h = hh
            } else {
                guard let hh = tm(t, .index) else {
                    throw typeError(t, "index", first ? info : .none, key: key)
                }
                h = hh
            }
            if h.isFunction { return try callTM(h, t, key) }
            t = h
            first = false
        }
        throw LuaError.runtime(self, "'__index' chain too long; possible loop")
    }

    @inline(never)
    func setIndexSlow(_ obj: Value, _ key: Value, _ v: Value, info: VarInfo) throws {
        var t = obj
        var first = true
        for _ in 0..<2000 {
            let h: Value
            if t.isTable {
                let tb = t.table
                let cur = tableGet(tb, key)
                if !cur.isNil { try rawSet(tb, key, v); return }
                guard let hh = fastTM(tb.pointee.metatable, .newindex) else { try rawSet(tb, key, v); return }
                h = hh
            } else {
                guard let hh = tm(t, .newindex) else {
                    throw typeError(t, "index", first ? info : .none, key: key)
                }
                h = hh
            }
            if h.isFunction {
                _ = try callTM(h, t, key, v, nresults: 0)
                return
            }
            t = h
            first = false
        }
        throw LuaError.runtime(self, "'__newindex' chain too long; possible loop")
    }

    /// rawset with key validation ("index is nil" / "index is NaN").
    func rawSet(_ t: TablePtr, _ key: Value, _ v: Value) throws {
        if key.isNil { throw LuaError.runtime(self, "table index is nil") }
        if key.isFloat && key.n.isNaN { throw LuaError.runtime(self, "table index is NaN") }
        tableSet(t, key, v)
    }

    /// Full `obj[key]` with metamethods (library use).
    func index(_ obj: Value, _ key: Value) throws -> Value {
        if obj.isTable {
            let v = tableGet(obj.table, key)
            if !v.isNil || fastTM(obj.table.pointee.metatable, .index) == nil { return v }
        }
        return try indexSlow(obj, key, info: .none)
    }

    /// Full `obj[key] = v` with metamethods (library use).
    func setIndex(_ obj: Value, _ key: Value, _ v: Value) throws {
        if obj.isTable && obj.table.pointee.metatable == nil { try rawSet(obj.table, key, v); return }
        try setIndexSlow(obj, key, v, info: .none)
    }

    // MARK: length, comparison

    @inline(never)
    func lengthSlow(_ x: Value, info: VarInfo) throws -> Value {
        if let h = tm(x, .len) { return try callTM(h, x, x) }
        if x.isString { return Value(int: x.str.pointee.len) }
        if x.isTable { return Value(int: tableLength(x.table)) }
        throw typeError(x, "get length of", info)
    }

    /// `#v` with metamethods (library use).
    func length(_ v: Value) throws -> Value {
        if v.isString { return Value(int: v.str.pointee.len) }
        if v.isTable && fastTM(v.table.pointee.metatable, .len) == nil { return Value(int: tableLength(v.table)) }
        return try lengthSlow(v, info: .none)
    }

    func equalsSlow(_ x: Value, _ y: Value) throws -> Bool {
        if x.tt != y.tt {
            return x.rawEquals(y)
        }
        if x.u.p == y.u.p { return true }
        guard x.isTable || x.tt == UInt64(LT_TUSERDATA) else { return x.rawEquals(y) }
        var h = tm(x, .eq)
        if h == nil { h = tm(y, .eq) }
        guard let hh = h else { return false }
        return try callTM(hh, x, y).isTruthy
    }
    /// LTI/LEI/GTI/GEI on a non-number: metamethods or the comparison error.
    @inline(never)
    func compareImmediateSlow(_ i: UInt32, _ x: Value) throws -> Bool {
        let imm = Int64(i.sB)
        let immV = i.c != 0 ? Value(float: Double(imm)) : Value(int: imm)
        switch Op.from(i) {
        case .lti: return try lessThanSlow(x, immV)
        case .lei: return try lessEqualSlow(x, immV)
        case .gti: return try lessThanSlow(immV, x)
        default: return try lessEqualSlow(immV, x)
        }
    }


    func lessThanSlow(_ x: Value, _ y: Value) throws -> Bool {
        if x.isNumber && y.isNumber { return VM.numLess(x, y) }
        if x.isString && y.isString { return LuaStr.compare(x.str, y.str) < 0 }
        var h = tm(x, .lt)
        if h == nil { h = tm(y, .lt) }
        guard let hh = h else { throw compareError(x, y) }
        return try callTM(hh, x, y).isTruthy
    }

    func lessEqualSlow(_ x: Value, _ y: Value) throws -> Bool {
        if x.isNumber && y.isNumber { return VM.numLessEq(x, y) }
        if x.isString && y.isString { return LuaStr.compare(x.str, y.str) <= 0 }
        var h = tm(x, .le)
        if h == nil { h = tm(y, .le) }
        if let hh = h { return try callTM(hh, x, y).isTruthy }
        // LUA_COMPAT_LT_LE (enabled in the reference lua5.4 build): a <= b is not (b < a)
        var lt = tm(y, .lt)
        if lt == nil { lt = tm(x, .lt) }
        guard let l = lt else { throw compareError(x, y) }
        return try !callTM(l, y, x, extra: 1).isTruthy   // finishOp negates too
    }

    static func numLess(_ x: Value, _ y: Value) -> Bool {
        if x.isInt {
            return y.isInt ? x.i < y.i : Arith.ltIntFloat(x.i, y.n)
        }
        return y.isFloat ? x.n < y.n : Arith.ltFloatInt(x.n, y.i)
    }

    static func numLessEq(_ x: Value, _ y: Value) -> Bool {
        if x.isInt {
            return y.isInt ? x.i <= y.i : Arith.leIntFloat(x.i, y.n)
        }
        return y.isFloat ? x.n <= y.n : Arith.leFloatInt(x.n, y.i)
    }

    // MARK: concatenation

    /// Bytes of a string or number value for concatenation (nil otherwise).
    @inline(__always) func concatPiece(_ v: Value) -> Bool { v.isString || v.isNumber }

    /// The concatenation of strings and numbers (numbers in lua's format), or nil when the
    /// result would be too long. Used by CONCAT and by traces (lt_jit_concat). It allocates but
    /// never collects, so the converted numbers need no other root.
    func concatValues(_ vals: UnsafeBufferPointer<LTValue>) -> StringPtr? {
        withUnsafeTemporaryAllocation(of: StringPtr.self, capacity: vals.count) { buf in
            var total = 0
            for (j, v) in vals.enumerated() {
                let s = v.isNumber ? tostringNumber(v) : v.str
                buf.initializeElement(at: j, to: s)
                total += Int(s.pointee.len)
            }
            if total >= Int.max / 2 { return nil }
            return makeString(count: total) { dst in
                var off = 0
                for s in buf {
                    let l = Int(s.pointee.len)
                    if l > 0 { (dst + off).update(from: LuaStr.data(s), count: l) }
                    off += l
                }
            }
        }
    }

    /// Concatenates stack[first ..< first+count] into stack[first].
    func concat(first: Int, count: Int) throws {
        var n = count
        while n > 1 {
            let th = L!
            let top = first + n       // one past the last operand
            let x = th.pointee.stack[top - 2], y = th.pointee.stack[top - 1]
            if concatPiece(x) && concatPiece(y) {
                // gather the longest run of strings/numbers ending at top-1
                var m = 2
                while m < n && concatPiece(th.pointee.stack[top - m - 1]) { m += 1 }
                guard let s = concatValues(UnsafeBufferPointer(start: th.pointee.stack + (top - m), count: m)) else {
                    throw LuaError.runtime(self, "string length overflow")
                }
                th.pointee.stack[top - m] = Value(string: s)
                n -= m - 1
            } else {
                guard let h = tm(x, .concat) ?? tm(y, .concat) else {
                    let regBase = currentRegisterBase()
                    let badIdx = concatPiece(x) ? top - 1 : top - 2
                    let bad = th.pointee.stack[badIdx]
                    throw typeError(bad, "concatenate", regBase.map { .register(badIdx - $0) } ?? .none)
                }
                // extra = operands left: a resume after a yield continues from there (finishOp)
                let r = try callTM(h, x, y, extra: Int32(n))
                L.pointee.stack[top - 2] = r
                n -= 1
            }
        }
    }

    /// Stack index of register 0 of the running Lua frame, if the running frame is Lua.
    func currentRegisterBase() -> Int? {
        let ci = L.pointee.ci + (Int(L.pointee.nci) - 1)
        guard ci.pointee.callstatus & LT_CIST_LUA != 0 else { return nil }
        return Int(ci.pointee.func) + 1
    }

    func tostringNumber(_ v: Value) -> StringPtr {
        if v.isInt { return newString(formatInt(v.i)) }
        return newString(formatFloat(v.n))
    }

    // MARK: to-be-closed variables and CLOSE

    func markTBC(level: Int) throws {
        let v = L.pointee.stack[level]
        if v.isFalsy { return }
        if tm(v, .close) == nil {
            let name = currentRegisterBase().flatMap { localName(register: level - $0) } ?? "?"
            throw LuaError.runtime(self, "variable '\(name)' got a non-closable value")
        }
        tbcLists[UnsafeMutableRawPointer(L), default: []].append(level)
    }

    /// Closes upvalues and calls __close for tbc variables at or above `level`, innermost first.
    /// `extra` is passed to a yieldable __close call (finishOp: the result count of a RETURN).
    func closeFrom(level: Int, error: Value?, extra: Int32 = 0) throws {
        let th = L!
        closeUpvalues(th, level: level)
        let key = UnsafeMutableRawPointer(th)
        while let last = tbcLists[key]?.last, last >= level {
            tbcLists[key]!.removeLast()
            let v = th.pointee.stack[last]
            guard let h = tm(v, .close) else { continue }
            _ = try callTM(h, v, error ?? .nilValue, nresults: 0, extra: extra)
        }
    }


    // MARK: numeric for

    /// Prepares a numeric for loop at ra; returns true if the loop must be skipped.
    func forPrep(_ ra: StackPtr) throws -> Bool {
        // numeric strings are accepted; an integer loop needs integer init and step values
        let limitV = ra[1], initV = ra[0], stepV = ra[2]
        if initV.isInt && stepV.isInt {
            let ini = initV.i, step = stepV.i
            if step == 0 { throw LuaError.runtime(self, "'for' step is zero") }
            // compute integer limit
            var lim: Int64
            if limitV.isInt {
                lim = limitV.i
            } else {
                guard let lv = toNumber(limitV) else { throw forError("limit", limitV) }
                if lv.isInt { lim = lv.i } else {
                    let d = lv.n
                    if d.isNaN { return true }
                    if step > 0 {
                        if let f = Arith.floatToIntFloor(d) { lim = f } else {
                            if d < 0 { return true }
                            lim = Int64.max
                        }
                    } else {
                        if let f = Arith.floatToIntCeil(d) { lim = f } else {
                            if d > 0 { return true }
                            lim = Int64.min
                        }
                    }
                }
            }
            if step > 0 ? ini > lim : ini < lim { return true }
            let count: UInt64
            if step > 0 {
                count = (UInt64(bitPattern: lim) &- UInt64(bitPattern: ini)) / UInt64(step)
            } else {
                let s = UInt64(bitPattern: 0 &- (step &+ 1)) &+ 1
                count = (UInt64(bitPattern: ini) &- UInt64(bitPattern: lim)) / s
            }
            ra[1] = Value(int: Int64(bitPattern: count))
            ra[3] = Value(int: ini)
            return false
        }
        guard let l = toNumber(limitV) else { throw forError("limit", limitV) }
        guard let s = toNumber(stepV) else { throw forError("step", stepV) }
        guard let i0 = toNumber(initV) else { throw forError("initial", initV) }
        let fl = l.asDouble, fs = s.asDouble, fi = i0.asDouble
        if fs == 0 { throw LuaError.runtime(self, "'for' step is zero") }
        if 0 < fs ? fl < fi : fi < fl { return true }
        ra[0] = Value(float: fi)
        ra[1] = Value(float: fl)
        ra[2] = Value(float: fs)
        ra[3] = Value(float: fi)
        return false
    }

    func forError(_ what: String, _ v: Value) -> LuaError {
        let w = what == "initial" ? "initial value" : what
        return LuaError.runtime(self, "bad 'for' \(w) (number expected, got \(objTypeName(v)))")
    }
}
