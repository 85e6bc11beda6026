// Helpers for native (Swift) library functions: argument access and checks with lua5.4's
// "bad argument" messages, results, tostring/tonumber conversions, library registration.
//
// Conventions for natives (see NativeFn): arguments are stack[args.base ..< args.base+count];
// results are pushed with `push` and their number returned. A native that allocates several
// objects and then calls Lua code must keep them on the stack (GC roots).

import CLuaRuntime
import LuaText

extension VM {
    @inline(__always) func arg(_ a: Args, _ n: Int) -> Value {
        n <= a.count ? L.pointee.stack[a.base + n - 1] : .nilValue
    }

    @inline(__always) func setArg(_ a: Args, _ n: Int, _ v: Value) {
        L.pointee.stack[a.base + n - 1] = v
    }

    func typeNameForArg(_ a: Args, _ n: Int) -> String {
        n > a.count ? "no value" : objTypeName(arg(a, n))
    }

    func argTypeError(_ a: Args, _ n: Int, _ expected: String) -> LuaError {
        argError(n, "?", "\(expected) expected, got \(typeNameForArg(a, n))")
    }

    func argError(_ n: Int, _ msg: String) -> LuaError { argError(n, "?", msg) }

    func checkAny(_ a: Args, _ n: Int) throws {
        if n > a.count { throw argError(n, "value expected") }
    }

    func checkInt(_ a: Args, _ n: Int) throws -> Int64 {
        let v = arg(a, n)
        if v.isInt { return v.i }
        if v.isFloat {
            if let i = Arith.floatToIntExact(v.n) { return i }
            throw argError(n, "number has no integer representation")
        }
        if v.isString, let num = toNumber(v) {
            if num.isInt { return num.i }
            if let i = Arith.floatToIntExact(num.n) { return i }
            throw argError(n, "number has no integer representation")
        }
        throw argTypeError(a, n, "number")
    }

    func optInt(_ a: Args, _ n: Int, _ def: Int64) throws -> Int64 {
        arg(a, n).isNil ? def : try checkInt(a, n)
    }

    func checkNumber(_ a: Args, _ n: Int) throws -> Value {
        let v = arg(a, n)
        if v.isNumber { return v }
        if let num = toNumber(v) { return num }
        throw argTypeError(a, n, "number")
    }

    func checkDouble(_ a: Args, _ n: Int) throws -> Double { try checkNumber(a, n).asDouble }

    /// A string argument; numbers are converted (in place, like lua_tolstring).
    func checkString(_ a: Args, _ n: Int) throws -> StringPtr {
        let v = arg(a, n)
        if v.isString { return v.str }
        if v.isNumber {
            let s = tostringNumber(v)
            setArg(a, n, Value(string: s))
            return s
        }
        throw argTypeError(a, n, "string")
    }

    func optString(_ a: Args, _ n: Int) throws -> StringPtr? {
        arg(a, n).isNil ? nil : try checkString(a, n)
    }

    func checkTable(_ a: Args, _ n: Int) throws -> TablePtr {
        let v = arg(a, n)
        if v.isTable { return v.table }
        throw argTypeError(a, n, "table")
    }

    func checkType(_ a: Args, _ n: Int, _ tt: Int32, _ name: String) throws {
        if arg(a, n).tt != UInt64(tt) { throw argTypeError(a, n, name) }
    }

    /// Native functions' own upvalues (LTNative upvalue slots) of the running native.
    func nativeUpvalue(_ i: Int) -> Value {
        let ci = L.pointee.ci + (Int(L.pointee.nci) - 1)
        let f = L.pointee.stack[Int(ci.pointee.func)]
        return lt_native_upvals(f.native)[i]
    }

    func setNativeUpvalue(_ i: Int, _ v: Value) {
        let ci = L.pointee.ci + (Int(L.pointee.nci) - 1)
        let f = L.pointee.stack[Int(ci.pointee.func)]
        lt_native_upvals(f.native)[i] = v
    }

    func pushString(_ s: String) throws { try push(Value(string: newString(s))) }
    func pushBytes(_ b: [UInt8]) throws { try push(Value(string: newString(b))) }

    /// Converts a LuaTextError (from LuaText algorithms) into a Lua error.
    func textError(_ e: LuaTextError) -> LuaError {
        let msg = String(decoding: e.message, as: UTF8.self)
        if let n = e.argument { return argError(n, msg) }
        return LuaError.runtime(self, msg)
    }

    // MARK: conversions

    /// tostring() semantics: __tostring, __name, default formats.
    func tostring(_ v: Value) throws -> StringPtr {
        if let h = tm(v, .tostring) {
            let r = try call1(h, v, .nilValue)
            if !r.isString {
                if r.isNumber { return tostringNumber(r) }
                throw LuaError.runtime(self, "'__tostring' must return a string")
            }
            return r.str
        }
        return newString(tostringBasic(v))
    }

    /// The default text of a value (no metamethods except __name).
    func tostringBasic(_ v: Value) -> [UInt8] {
        switch Int32(v.tt) {
        case LT_TNIL: return Array("nil".utf8)
        case LT_TFALSE: return Array("false".utf8)
        case LT_TTRUE: return Array("true".utf8)
        case LT_TINT: return formatInt(v.i)
        case LT_TFLOAT: return formatFloat(v.n)
        case LT_TSTRING: return LuaStr.bytes(v.str)
        default:
            let kind = (v.isTable || v.tt == UInt64(LT_TUSERDATA)) ? objTypeName(v) : v.typeName
            let addr = UInt(bitPattern: v.u.p)
            return Array("\(kind): 0x\(String(addr, radix: 16))".utf8)
        }
    }

    /// Registers a library table: fills `t` with the functions, using "lib.name" for messages.
    func register(_ t: TablePtr, lib: String?, _ fns: [(String, NativeEntry)]) {
        for (name, fn) in fns {
            let q = lib.map { "\($0).\(name)" } ?? name
            tableSetStr(t, newString(name), Value(native: newNative(id: registerNative(q, fn))))
        }
    }

    /// Keeps a value alive for the VM's lifetime (internal objects that Swift closures capture,
    /// such as the iterator functions that pairs/ipairs/utf8.codes return).
    @discardableResult
    func permanent(_ v: Value) -> Value {
        hostRoots.append(v)
        return v
    }

    func setGlobal(_ name: String, _ v: Value) {
        tableSetStr(globals, newString(name), v)
    }

    func getGlobal(_ name: String) -> Value {
        tableGetStr(globals, newString(name))
    }
}

extension String {
    func leftPad(_ n: Int) -> String {
        count >= n ? self : String(repeating: "0", count: n - count) + self
    }
}
