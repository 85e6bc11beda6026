// Lua values: the 16-byte LTValue declared in runtime-c, with Swift conveniences.
//
// Values are trivial structs (no ARC). A collectable value's payload is a raw pointer to an
// object in the GC heap; holding an LTValue in a Swift local does NOT keep the object alive,
// so any value that must survive a possible collection has to be reachable from a root
// (a thread's stack, the registry, ...). Collections only happen at the interpreter's safe
// points (see Heap.swift).

import CLuaRuntime

typealias Value = LTValue

extension LTValue {
    // computed, not stored: a stored static of a C-union struct is lazily initialised and
    // would cost a swift_once check on every use in the interpreter loop
    @inline(__always) static var nilValue: LTValue { LTValue(u: LTPayload(i: 0), tt: UInt64(LT_TNIL)) }
    @inline(__always) static var falseValue: LTValue { LTValue(u: LTPayload(i: 0), tt: UInt64(LT_TFALSE)) }
    @inline(__always) static var trueValue: LTValue { LTValue(u: LTPayload(i: 1), tt: UInt64(LT_TTRUE)) }

    @inline(__always) init(int i: Int64) { self.init(u: LTPayload(i: i), tt: UInt64(LT_TINT)) }
    @inline(__always) init(int i: Int) { self.init(u: LTPayload(i: Int64(i)), tt: UInt64(LT_TINT)) }
    @inline(__always) init(float n: Double) { self.init(u: LTPayload(n: n), tt: UInt64(LT_TFLOAT)) }
    @inline(__always) init(bool b: Bool) { self = b ? .trueValue : .falseValue }
    @inline(__always) init(string s: UnsafeMutablePointer<LTString>) {
        self.init(u: LTPayload(p: UnsafeMutableRawPointer(s)), tt: UInt64(LT_TSTRING))
    }
    @inline(__always) init(table t: UnsafeMutablePointer<LTTable>) {
        self.init(u: LTPayload(p: UnsafeMutableRawPointer(t)), tt: UInt64(LT_TTABLE))
    }
    @inline(__always) init(lclosure c: UnsafeMutablePointer<LTLClosure>) {
        self.init(u: LTPayload(p: UnsafeMutableRawPointer(c)), tt: UInt64(LT_TLCL))
    }
    @inline(__always) init(native c: UnsafeMutablePointer<LTNative>) {
        self.init(u: LTPayload(p: UnsafeMutableRawPointer(c)), tt: UInt64(LT_TNATIVE))
    }
    @inline(__always) init(userdata u: UnsafeMutablePointer<LTUserdata>) {
        self.init(u: LTPayload(p: UnsafeMutableRawPointer(u)), tt: UInt64(LT_TUSERDATA))
    }
    @inline(__always) init(thread t: UnsafeMutablePointer<LTThread>) {
        self.init(u: LTPayload(p: UnsafeMutableRawPointer(t)), tt: UInt64(LT_TTHREAD))
    }
    @inline(__always) init(lightuserdata p: UnsafeMutableRawPointer?) {
        self.init(u: LTPayload(p: p), tt: UInt64(LT_TLIGHTUD))
    }

    @inline(__always) var isNil: Bool { tt == UInt64(LT_TNIL) }
    @inline(__always) var isFalsy: Bool { tt <= UInt64(LT_TFALSE) }
    @inline(__always) var isTruthy: Bool { tt > UInt64(LT_TFALSE) }
    @inline(__always) var isInt: Bool { tt == UInt64(LT_TINT) }
    @inline(__always) var isFloat: Bool { tt == UInt64(LT_TFLOAT) }
    @inline(__always) var isNumber: Bool { tt == UInt64(LT_TINT) || tt == UInt64(LT_TFLOAT) }
    @inline(__always) var isString: Bool { tt == UInt64(LT_TSTRING) }
    @inline(__always) var isTable: Bool { tt == UInt64(LT_TTABLE) }
    @inline(__always) var isFunction: Bool { tt == UInt64(LT_TLCL) || tt == UInt64(LT_TNATIVE) }
    @inline(__always) var isCollectable: Bool { tt >= UInt64(LT_TSTRING) }

    @inline(__always) var i: Int64 { u.i }
    @inline(__always) var n: Double { u.n }
    @inline(__always) var ptr: UnsafeMutableRawPointer { u.p! }
    @inline(__always) var str: UnsafeMutablePointer<LTString> { u.p!.assumingMemoryBound(to: LTString.self) }
    @inline(__always) var table: UnsafeMutablePointer<LTTable> { u.p!.assumingMemoryBound(to: LTTable.self) }
    @inline(__always) var lclosure: UnsafeMutablePointer<LTLClosure> { u.p!.assumingMemoryBound(to: LTLClosure.self) }
    @inline(__always) var native: UnsafeMutablePointer<LTNative> { u.p!.assumingMemoryBound(to: LTNative.self) }
    @inline(__always) var userdata: UnsafeMutablePointer<LTUserdata> { u.p!.assumingMemoryBound(to: LTUserdata.self) }
    @inline(__always) var thread: UnsafeMutablePointer<LTThread> { u.p!.assumingMemoryBound(to: LTThread.self) }
    @inline(__always) var gc: UnsafeMutablePointer<LTGCHeader> { u.p!.assumingMemoryBound(to: LTGCHeader.self) }

    /// The number as a Double (int or float); only valid when isNumber.
    @inline(__always) var asDouble: Double { tt == UInt64(LT_TINT) ? Double(u.i) : u.n }

    /// Lua's type name as `type()` returns it.
    var typeName: String { LTValue.typeNames[Int(tt)] }

    static let typeNames = ["nil", "boolean", "boolean", "number", "number", "userdata", "string",
                            "table", "function", "function", "userdata", "thread", "proto", "upvalue"]

    /// Raw equality (no metamethods): same type and same value; int/float compare mathematically.
    @inline(__always) func rawEquals(_ o: LTValue) -> Bool {
        if tt == o.tt {
            switch tt {
            case UInt64(LT_TNIL), UInt64(LT_TFALSE), UInt64(LT_TTRUE): return true
            case UInt64(LT_TFLOAT): return u.n == o.u.n
            case UInt64(LT_TSTRING): return u.p == o.u.p || LuaStr.equalLong(str, o.str)
            default: return u.i == o.u.i
            }
        }
        if tt == UInt64(LT_TINT) && o.tt == UInt64(LT_TFLOAT) { return Arith.eqIntFloat(u.i, o.u.n) }
        if tt == UInt64(LT_TFLOAT) && o.tt == UInt64(LT_TINT) { return Arith.eqIntFloat(o.u.i, u.n) }
        return false
    }
}

extension UnsafeMutablePointer where Pointee == LTValue {
    /// Copies a value as two 8-byte halves (see lt_copyval): use it where a copy reads a
    /// register the previous instructions are likely to have just computed (MOVE, returns).
    @inline(__always) func copyValue(from src: UnsafeMutablePointer<LTValue>) {
        lt_copyval(self, src)
    }
}
