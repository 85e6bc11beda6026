// Lua 5.4 number semantics: integer wraparound, flooring division and modulo, exact
// comparisons between integers and floats, float->integer conversions, shifts.

import CLuaRuntime
#if canImport(Glibc)
import Glibc
#endif

enum Arith {
    /// The integer with exactly this value, if the float is integral and in range.
    @inline(__always) static func floatToIntExact(_ d: Double) -> Int64? {
        // -2^63 <= d < 2^63
        if d >= -9223372036854775808.0 && d < 9223372036854775808.0 {
            let i = Int64(d)
            if Double(i) == d { return i }
        }
        return nil
    }

    /// floor(d) as an integer if it fits (math.floor, for-loop limits, tointeger with mode).
    static func floatToIntFloor(_ d: Double) -> Int64? {
        let f = d.rounded(.down)
        if f >= -9223372036854775808.0 && f < 9223372036854775808.0 { return Int64(f) }
        return nil
    }

    static func floatToIntCeil(_ d: Double) -> Int64? {
        let f = d.rounded(.up)
        if f >= -9223372036854775808.0 && f < 9223372036854775808.0 { return Int64(f) }
        return nil
    }

    @inline(__always) static func eqIntFloat(_ i: Int64, _ f: Double) -> Bool {
        if let fi = floatToIntExact(f) { return fi == i }
        return false
    }

    // i < f
    static func ltIntFloat(_ i: Int64, _ f: Double) -> Bool {
        if i > -(1 << 53) && i < (1 << 53) { return Double(i) < f }
        // f >= 2^63 -> true; f > i iff floor(f) >= i+1 ... use ceil: i < f iff i < ceil(f)
        if f.isNaN { return false }
        if f >= 9223372036854775808.0 { return true }
        if f < -9223372036854775808.0 { return false }
        // f in int range: i < f  <=>  i < ceil(f)
        return i < Int64(f.rounded(.up))
    }

    // i <= f
    static func leIntFloat(_ i: Int64, _ f: Double) -> Bool {
        if i > -(1 << 53) && i < (1 << 53) { return Double(i) <= f }
        if f.isNaN { return false }
        if f >= 9223372036854775808.0 { return true }
        if f < -9223372036854775808.0 { return false }
        return i <= Int64(f.rounded(.down))
    }

    // f < i
    static func ltFloatInt(_ f: Double, _ i: Int64) -> Bool {
        if i > -(1 << 53) && i < (1 << 53) { return f < Double(i) }
        if f.isNaN { return false }
        if f >= 9223372036854775808.0 { return false }
        if f < -9223372036854775808.0 { return true }
        return Int64(f.rounded(.down)) < i
    }

    // f <= i
    static func leFloatInt(_ f: Double, _ i: Int64) -> Bool {
        if i > -(1 << 53) && i < (1 << 53) { return f <= Double(i) }
        if f.isNaN { return false }
        if f >= 9223372036854775808.0 { return false }
        if f < -9223372036854775808.0 { return true }
        return Int64(f.rounded(.up)) <= i
    }

    /// Integer floor division; the caller has checked b != 0 (shared with traces).
    @inline(__always) static func idiv(_ a: Int64, _ b: Int64) -> Int64 { lt_idiv(a, b) }

    /// Integer modulo with the sign of the divisor; the caller has checked b != 0.
    @inline(__always) static func imod(_ a: Int64, _ b: Int64) -> Int64 { lt_imod(a, b) }

    @inline(__always) static func fmod(_ a: Double, _ b: Double) -> Double {
        var r = Glibc.fmod(a, b)
        if r != 0 && (r > 0) != (b > 0) { r += b }
        return r
    }

    @inline(__always) static func fidiv(_ a: Double, _ b: Double) -> Double {
        (a / b).rounded(.down)
    }

    @inline(__always) static func shiftLeft(_ x: Int64, _ n: Int64) -> Int64 { lt_shl(x, n) }

    @inline(__always) static func pow(_ a: Double, _ b: Double) -> Double {
        if b == 2 { return a * a }
        return Glibc.pow(a, b)
    }
}
