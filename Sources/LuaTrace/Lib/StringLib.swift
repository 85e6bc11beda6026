// The string library: len sub upper lower rep reverse byte char format pack unpack packsize,
// plus the string metatable. Pattern functions (find match gmatch gsub) are in
// StringLib+Patterns.swift. Byte algorithms (format, patterns, pack) come from LuaText.
//
// Results are built straight into the final string's buffer (makeString) or into one
// [UInt8] that is copied once; no Swift String or per-character work on the hot paths.

import CLuaRuntime
import LuaText
#if canImport(Glibc)
import Glibc
#endif

/// lstrlib's MAXSIZE on 64-bit Linux: results must stay below INT_MAX bytes.
let stringLibMaxSize: Int = Int(Int32.max)

/// posrelatI: a start position clipped to [1, inf).
@inline(__always) func strPosStart(_ pos: Int64, _ len: Int) -> Int64 {
    if pos > 0 { return pos }
    if pos == 0 { return 1 }
    if pos < -Int64(len) { return 1 }
    return Int64(len) + pos + 1
}

/// getendpos: an end position clipped to [0, len].
@inline(__always) func strPosEnd(_ pos: Int64, _ len: Int) -> Int64 {
    if pos > Int64(len) { return Int64(len) }
    if pos >= 0 { return pos }
    if pos < -Int64(len) { return 0 }
    return Int64(len) + pos + 1
}

extension VM {
    func openString() {
        let t = newTable()
        register(t, lib: "string", [
            ("len", NativeEntry { vm, a in
                let s = try vm.checkString(a, 1)
                try vm.push(Value(int: s.pointee.len)); return 1 }),
            ("sub", NativeEntry { vm, a in try vm.strSub(a) }),
            ("upper", NativeEntry { vm, a in try vm.strMapBytes(a, upper: true) }),
            ("lower", NativeEntry { vm, a in try vm.strMapBytes(a, upper: false) }),
            ("rep", NativeEntry { vm, a in try vm.strRep(a) }),
            ("reverse", NativeEntry { vm, a in
                let s = try vm.checkString(a, 1)
                let n = LuaStr.len(s)
                let src = LuaStr.data(s)
                let r = vm.makeString(count: n) { dst in
                    var i = 0
                    while i < n { dst[i] = src[n - 1 - i]; i += 1 }
                }
                try vm.push(Value(string: r)); return 1 }),
            ("byte", NativeEntry { vm, a in try vm.strByte(a) }),
            ("char", NativeEntry { vm, a in try vm.strChar(a) }),
            ("format", NativeEntry { vm, a in try vm.strFormat(a) }),
            ("find", NativeEntry { vm, a in try vm.strFind(a, find: true) }),
            ("match", NativeEntry { vm, a in try vm.strFind(a, find: false) }),
            ("gsub", NativeEntry { vm, a in try vm.strGsub(a) }),
            ("pack", NativeEntry { vm, a in try vm.strPack(a) }),
            ("unpack", NativeEntry { vm, a in try vm.strUnpack(a) }),
            ("dump", NativeEntry { vm, a in
                let f = vm.arg(a, 1)
                if !f.isFunction { throw vm.argTypeError(a, 1, "function") }
                guard f.tt == UInt64(LT_TLCL) else { throw LuaError.runtime(vm, "unable to dump given function") }
                try vm.pushBytes(vm.dumpFunction(f.lclosure, strip: vm.arg(a, 2).isTruthy))
                return 1 }),
            ("packsize", NativeEntry { vm, a in
                let f = try vm.checkString(a, 1)
                do {
                    try vm.push(Value(int: try luaPackSize(LuaStr.buffer(f))))
                } catch let e as LuaTextError { throw vm.textError(e) }
                return 1 }),
        ])
        // gmatch keeps its iterator's native id as upvalue 1
        let iterID = registerNative("gmatch_iterator") { vm, a in try vm.gmatchStep(a) }
        let gm = registerNative("string.gmatch") { vm, a in try vm.strGmatch(a) }
        tableSetStr(t, newString("gmatch"), Value(native: newNative(id: gm, upvalues: [Value(int: iterID)])))
        setGlobal("string", Value(table: t))
        // strings index the string table: ("x"):rep(3)
        let mt = newTable()
        tableSetStr(mt, tmName(.index), Value(table: t))
        typeMetatables[Int(LT_TSTRING)] = mt
    }

    /// Pushes a new string with the bytes p[0..<n].
    @inline(__always) func pushBytes(_ p: UnsafePointer<UInt8>, _ n: Int) throws {
        try push(Value(string: newString(p, n)))
    }

    // MARK: sub, upper/lower, rep, byte, char

    func strSub(_ a: Args) throws -> Int {
        let s = try checkString(a, 1)
        let l = LuaStr.len(s)
        let start = strPosStart(try checkInt(a, 2), l)
        let end = strPosEnd(try optInt(a, 3, -1), l)
        if start > end {
            try push(Value(string: newString(nil, 0)))
        } else if start == 1 && end == Int64(l) {
            try push(Value(string: s))
        } else {
            try pushBytes(LuaStr.data(s) + Int(start - 1), Int(end - start + 1))
        }
        return 1
    }

    func strMapBytes(_ a: Args, upper: Bool) throws -> Int {
        let s = try checkString(a, 1)
        let n = LuaStr.len(s)
        let src = LuaStr.data(s)
        let r = makeString(count: n) { dst in
            var i = 0
            if upper {
                while i < n { let c = src[i]; dst[i] = c &- 97 < 26 ? c &- 32 : c; i += 1 }
            } else {
                while i < n { let c = src[i]; dst[i] = c &- 65 < 26 ? c &+ 32 : c; i += 1 }
            }
        }
        try push(Value(string: r))
        return 1
    }

    func strRep(_ a: Args) throws -> Int {
        let s = try checkString(a, 1)
        let n = try checkInt(a, 2)
        let sep = try optString(a, 3)
        let l = LuaStr.len(s)
        let lsep = sep.map { LuaStr.len($0) } ?? 0
        if n <= 0 || l + lsep == 0 {
            try push(Value(string: newString(nil, 0)))
            return 1
        }
        if l + lsep > stringLibMaxSize / Int(truncatingIfNeeded: min(n, Int64(Int.max))) {
            throw LuaError.runtime(self, "resulting string too large")
        }
        let count = Int(n)
        let total = count * l + (count - 1) * lsep
        let src = LuaStr.data(s)
        let sepData = sep.map { LuaStr.data($0) }
        let r = makeString(count: total) { dst in
            if l == 1 && lsep == 0 {
                memset(dst, Int32(src[0]), total)
                return
            }
            // one period (s .. sep), then double the filled prefix (a multiple of the period)
            if l > 0 { memcpy(dst, src, l) }
            var filled = l
            if count > 1 && lsep > 0 {
                memcpy(dst + l, sepData!, lsep)
                filled += lsep
            }
            while filled < total {
                let c = min(filled, total - filled)
                memcpy(dst + filled, dst, c)
                filled += c
            }
        }
        try push(Value(string: r))
        return 1
    }

    func strByte(_ a: Args) throws -> Int {
        let s = try checkString(a, 1)
        let l = LuaStr.len(s)
        let pi = try optInt(a, 2, 1)
        let posi = strPosStart(pi, l)
        let pose = strPosEnd(try optInt(a, 3, pi), l)
        if posi > pose { return 0 }
        if pose - posi >= Int64(Int32.max) { throw LuaError.runtime(self, "string slice too long") }
        let n = Int(pose - posi) + 1
        let th = L!
        let t0 = Int(th.pointee.top)
        if t0 + n >= VM.maxStack { throw LuaError.runtime(self, "stack overflow (string slice too long)") }
        try ensureStack(th, t0 + n)
        let st = th.pointee.stack!
        let src = LuaStr.data(s) + Int(posi - 1)
        for i in 0..<n { st[t0 + i] = Value(int: Int64(src[i])) }
        th.pointee.top = Int64(t0 + n)
        return n
    }

    func strChar(_ a: Args) throws -> Int {
        let n = a.count
        if n == 1 {
            let c = try checkInt(a, 1)
            if UInt64(bitPattern: c) > 255 { throw argError(1, "value out of range") }
            var b = UInt8(c)
            try pushBytes(&b, 1)
            return 1
        }
        var bytes = [UInt8](repeating: 0, count: n)
        for i in 0..<n {
            let c = try checkInt(a, i + 1)
            if UInt64(bitPattern: c) > 255 { throw argError(i + 1, "value out of range") }
            bytes[i] = UInt8(c)
        }
        try push(Value(string: newString(bytes)))
        return 1
    }

    // MARK: format

    /// A value as LuaText sees it, without conversions (LuaText applies lauxlib's checks).
    func textArg(_ v: Value) -> TextArg {
        switch Int32(v.tt) {
        case LT_TNIL: return .nilValue
        case LT_TFALSE: return .bool(false)
        case LT_TTRUE: return .bool(true)
        case LT_TINT: return .int(v.i)
        case LT_TFLOAT: return .float(v.n)
        case LT_TSTRING: return .string(LuaStr.bytes(v.str))
        case LT_TLIGHTUD: return .other(typeName: Array("light userdata".utf8))
        default: return .other(typeName: Array(objTypeName(v).utf8))
        }
    }

    func strFormat(_ a: Args) throws -> Int {
        let fmt = try checkString(a, 1)
        do {
            let out = try luaFormat(LuaStr.buffer(fmt), argCount: a.count - 1) { idx, need in
                let v = self.arg(a, idx)
                switch need {
                case .integer, .number, .literal:
                    return self.textArg(v)
                case .string:
                    switch Int32(v.tt) {
                    case LT_TSTRING: return .string(LuaStr.bytes(v.str))
                    case LT_TINT where self.metatable(of: v) == nil: return .int(v.i)
                    case LT_TFLOAT where self.metatable(of: v) == nil: return .float(v.n)
                    default: return .string(LuaStr.bytes(try self.tostring(v)))
                    }
                case .pointer:
                    if v.tt >= UInt64(LT_TSTRING) || v.tt == UInt64(LT_TLIGHTUD) {
                        return .pointer(UInt(bitPattern: v.u.p))
                    }
                    return .pointer(0)
                }
            }
            try push(Value(string: newString(out)))
        } catch let e as LuaTextError {
            throw textError(e)
        }
        return 1
    }

    // MARK: pack, unpack

    func strPack(_ a: Args) throws -> Int {
        let fmt = try checkString(a, 1)
        do {
            let out = try luaPack(LuaStr.buffer(fmt), argCount: a.count - 1) { idx in
                idx <= a.count ? self.textArg(self.arg(a, idx)) : .absent
            }
            try push(Value(string: newString(out)))
        } catch let e as LuaTextError {
            throw textError(e)
        }
        return 1
    }

    func strUnpack(_ a: Args) throws -> Int {
        let fmt = try checkString(a, 1)
        let data = try checkString(a, 2)
        let initPos = try optInt(a, 3, 1)
        let r: (values: [PackValue], next: Int64)
        do {
            r = try luaUnpack(LuaStr.buffer(fmt), LuaStr.buffer(data), init: initPos)
        } catch let e as LuaTextError {
            throw textError(e)
        }
        for v in r.values {
            switch v {
            case .int(let i): try push(Value(int: i))
            case .float(let d): try push(Value(float: d))
            case .string(let b): try push(Value(string: newString(b)))
            }
        }
        try push(Value(int: r.next))
        return r.values.count + 1
    }
}
