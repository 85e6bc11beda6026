// The math library (lua5.4 lmathlib semantics): integer/float results as lua returns them,
// and a xoshiro256** generator seeded the way lua5.4 seeds it, so that
// math.randomseed(n) gives lua5.4's sequence.

import CLuaRuntime
import LuaText
#if canImport(Glibc)
import Glibc
#endif

/// xoshiro256** state (one per VM, captured by random/randomseed).
final class MathRandom {
    var s: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    @inline(__always) static func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 { (x << n) | (x >> (64 - n)) }

    @inline(__always) func next() -> UInt64 {
        let s1 = s.1
        let result = MathRandom.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = MathRandom.rotl(s.3, 45)
        return result
    }

    func seed(_ n1: UInt64, _ n2: UInt64) {
        s = (n1, 0xff, n2, 0)
        for _ in 0..<16 { _ = next() }
    }

    /// A value in [0, n], uniformly (rejection sampling over the smallest 2^b - 1 >= n).
    func project(_ ran: UInt64, _ n: UInt64) -> UInt64 {
        if n & (n &+ 1) == 0 { return ran & n }
        var lim = n
        lim |= lim >> 1; lim |= lim >> 2; lim |= lim >> 4
        lim |= lim >> 8; lim |= lim >> 16; lim |= lim >> 32
        var r = ran & lim
        while r > n { r = next() & lim }
        return r
    }
}

extension VM {
    /// pushnumint: an integral float as an integer when it fits, else as a float.
    @inline(__always) func numInt(_ d: Double) -> Value {
        if let i = Arith.floatToIntExact(d) { return Value(int: i) }
        return Value(float: d)
    }

    /// The float argument of a one-argument math function (fast path for numbers).
    @inline(__always) func mathArg(_ a: Args) throws -> Double {
        let v = arg(a, 1)
        if v.isFloat { return v.n }
        if v.isInt { return Double(v.i) }
        return try checkDouble(a, 1)
    }

    func openMath() {
        let m = newTable()
        let rng = MathRandom()
        rng.seed(UInt64(bitPattern: Int64(time(nil))), UInt64(UInt(bitPattern: Unmanaged.passUnretained(rng).toOpaque())))
        register(m, lib: "math", [
            ("abs", NativeEntry { vm, a in
                let v = vm.arg(a, 1)
                if v.isInt { try vm.push(Value(int: v.i < 0 ? 0 &- v.i : v.i)); return 1 }
                try vm.push(Value(float: Swift.abs(try vm.checkDouble(a, 1)))); return 1 }),
            ("ceil", NativeEntry { vm, a in
                let v = vm.arg(a, 1)
                if v.isInt { try vm.push(v); return 1 }
                try vm.push(vm.numInt((try vm.checkDouble(a, 1)).rounded(.up))); return 1 }),
            ("floor", NativeEntry { vm, a in
                let v = vm.arg(a, 1)
                if v.isInt { try vm.push(v); return 1 }
                try vm.push(vm.numInt((try vm.checkDouble(a, 1)).rounded(.down))); return 1 }),
            ("fmod", NativeEntry { vm, a in
                let x = vm.arg(a, 1), y = vm.arg(a, 2)
                if x.isInt && y.isInt {
                    let d = y.i
                    if UInt64(bitPattern: d) &+ 1 <= 1 {        // 0 or -1
                        if d == 0 { throw vm.argError(2, "zero") }
                        try vm.push(Value(int: 0))
                    } else {
                        try vm.push(Value(int: x.i % d))
                    }
                    return 1
                }
                let fx = try vm.checkDouble(a, 1), fy = try vm.checkDouble(a, 2)
                try vm.push(Value(float: Glibc.fmod(fx, fy))); return 1 }),
            ("modf", NativeEntry { vm, a in
                let v = vm.arg(a, 1)
                if v.isInt { try vm.push(v); try vm.push(Value(float: 0)); return 2 }
                let n = try vm.checkDouble(a, 1)
                let ip = n < 0 ? n.rounded(.up) : n.rounded(.down)
                try vm.push(vm.numInt(ip))
                try vm.push(Value(float: n == ip ? 0.0 : n - ip))
                return 2 }),
            ("sqrt", NativeEntry { vm, a in try vm.push(Value(float: try vm.mathArg(a).squareRoot())); return 1 }),
            ("exp", NativeEntry { vm, a in try vm.push(Value(float: Glibc.exp(try vm.mathArg(a)))); return 1 }),
            ("sin", NativeEntry { vm, a in try vm.push(Value(float: Glibc.sin(try vm.mathArg(a)))); return 1 }),
            ("cos", NativeEntry { vm, a in try vm.push(Value(float: Glibc.cos(try vm.mathArg(a)))); return 1 }),
            ("tan", NativeEntry { vm, a in try vm.push(Value(float: Glibc.tan(try vm.mathArg(a)))); return 1 }),
            ("asin", NativeEntry { vm, a in try vm.push(Value(float: Glibc.asin(try vm.mathArg(a)))); return 1 }),
            ("acos", NativeEntry { vm, a in try vm.push(Value(float: Glibc.acos(try vm.mathArg(a)))); return 1 }),
            ("atan", NativeEntry { vm, a in
                let y = try vm.checkDouble(a, 1)
                let x = vm.arg(a, 2).isNil ? 1.0 : try vm.checkDouble(a, 2)
                try vm.push(Value(float: Glibc.atan2(y, x))); return 1 }),
            ("deg", NativeEntry { vm, a in try vm.push(Value(float: try vm.mathArg(a) * (180.0 / Double.pi))); return 1 }),
            ("rad", NativeEntry { vm, a in try vm.push(Value(float: try vm.mathArg(a) * (Double.pi / 180.0))); return 1 }),
            // LUA_COMPAT_MATHLIB functions, present in the reference lua5.4 build
            ("cosh", NativeEntry { vm, a in try vm.push(Value(float: Glibc.cosh(try vm.mathArg(a)))); return 1 }),
            ("sinh", NativeEntry { vm, a in try vm.push(Value(float: Glibc.sinh(try vm.mathArg(a)))); return 1 }),
            ("tanh", NativeEntry { vm, a in try vm.push(Value(float: Glibc.tanh(try vm.mathArg(a)))); return 1 }),
            ("log10", NativeEntry { vm, a in try vm.push(Value(float: Glibc.log10(try vm.mathArg(a)))); return 1 }),
            ("pow", NativeEntry { vm, a in
                let x = try vm.checkDouble(a, 1), y = try vm.checkDouble(a, 2)
                try vm.push(Value(float: Glibc.pow(x, y))); return 1 }),
            ("frexp", NativeEntry { vm, a in
                var e: Int32 = 0
                let m = Glibc.frexp(try vm.mathArg(a), &e)
                try vm.push(Value(float: m)); try vm.push(Value(int: Int64(e))); return 2 }),
            ("ldexp", NativeEntry { vm, a in
                let x = try vm.checkDouble(a, 1)
                let e = Int32(truncatingIfNeeded: try vm.checkInt(a, 2))
                try vm.push(Value(float: Glibc.ldexp(x, e))); return 1 }),
            ("log", NativeEntry { vm, a in
                let x = try vm.checkDouble(a, 1)
                let r: Double
                if vm.arg(a, 2).isNil {
                    r = Glibc.log(x)
                } else {
                    let b = try vm.checkDouble(a, 2)
                    if b == 2 { r = Glibc.log2(x) } else if b == 10 { r = Glibc.log10(x) } else {
                        r = Glibc.log(x) / Glibc.log(b)
                    }
                }
                try vm.push(Value(float: r)); return 1 }),
            ("tointeger", NativeEntry { vm, a in
                let v = vm.arg(a, 1)
                if v.isInt { try vm.push(v); return 1 }
                if let n = v.isFloat ? v : (v.isString ? vm.toNumber(v) : nil) {
                    if n.isInt { try vm.push(n); return 1 }
                    if let i = Arith.floatToIntExact(n.n) { try vm.push(Value(int: i)); return 1 }
                }
                try vm.checkAny(a, 1)
                try vm.push(.nilValue); return 1 }),
            ("type", NativeEntry { vm, a in
                try vm.checkAny(a, 1)
                let v = vm.arg(a, 1)
                if v.isInt { try vm.pushString("integer") } else if v.isFloat { try vm.pushString("float") } else {
                    try vm.push(.nilValue)
                }
                return 1 }),
            ("ult", NativeEntry { vm, a in
                let x = try vm.checkInt(a, 1), y = try vm.checkInt(a, 2)
                try vm.push(Value(bool: UInt64(bitPattern: x) < UInt64(bitPattern: y))); return 1 }),
            ("max", NativeEntry { vm, a in try vm.mathMinMax(a, max: true) }),
            ("min", NativeEntry { vm, a in try vm.mathMinMax(a, max: false) }),
            ("random", NativeEntry { vm, a in
                let rv = rng.next()
                var low: Int64 = 1, up: Int64
                switch a.count {
                case 0:
                    try vm.push(Value(float: Double(rv >> 11) * 0x1.0p-53)); return 1
                case 1:
                    up = try vm.checkInt(a, 1)
                    if up == 0 { try vm.push(Value(int: Int64(bitPattern: rv))); return 1 }
                case 2:
                    low = try vm.checkInt(a, 1)
                    up = try vm.checkInt(a, 2)
                default:
                    throw LuaError.runtime(vm, "wrong number of arguments")
                }
                if low > up { throw vm.argError(1, "interval is empty") }
                let p = rng.project(rv, UInt64(bitPattern: up) &- UInt64(bitPattern: low))
                try vm.push(Value(int: Int64(bitPattern: p &+ UInt64(bitPattern: low)))); return 1 }),
            ("randomseed", NativeEntry { vm, a in
                let n1: UInt64, n2: UInt64
                if a.count == 0 {
                    n1 = UInt64(bitPattern: Int64(time(nil)))
                    n2 = UInt64(UInt(bitPattern: Unmanaged.passUnretained(rng).toOpaque())) ^ rng.next()
                } else {
                    n1 = UInt64(bitPattern: try vm.checkInt(a, 1))
                    n2 = UInt64(bitPattern: try vm.optInt(a, 2, 0))
                }
                rng.seed(n1, n2)
                try vm.push(Value(int: Int64(bitPattern: n1)))
                try vm.push(Value(int: Int64(bitPattern: n2)))
                return 2 }),
        ])
        tableSetStr(m, newString("atan2"), tableGetStr(m, newString("atan")))   // compat alias
        tableSetStr(m, newString("pi"), Value(float: Double.pi))
        tableSetStr(m, newString("huge"), Value(float: Double.infinity))
        tableSetStr(m, newString("maxinteger"), Value(int: Int64.max))
        tableSetStr(m, newString("mininteger"), Value(int: Int64.min))
        setGlobal("math", Value(table: m))
    }

    func mathMinMax(_ a: Args, max: Bool) throws -> Int {
        let n = a.count
        if n < 1 { throw argError(1, "value expected") }
        var best = 1
        var bv = arg(a, 1)
        if n >= 2 {
            for i in 2...n {
                let v = arg(a, i)
                let better: Bool
                if bv.isInt && v.isInt {
                    better = max ? bv.i < v.i : v.i < bv.i
                } else if bv.isNumber && v.isNumber {
                    better = max ? VM.numLess(bv, v) : VM.numLess(v, bv)
                } else {
                    better = max ? try lessThanSlow(bv, v) : try lessThanSlow(v, bv)
                }
                if better { best = i; bv = v }
            }
        }
        try push(arg(a, best))
        return 1
    }
}
