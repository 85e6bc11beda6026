// Number <-> text conversions with lua5.4 semantics:
//   formatInt / formatFloat   = tostring (LUAI_NUMFFORMAT "%.14g" + ".0" rule)
//   parseNumber               = luaO_str2num (string -> number coercion, tonumber(s))
//   parseInt(_:base:)         = tonumber(s, base)

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

package enum LuaNumber: Equatable, Sendable {
    case int(Int64)
    case float(Double)
}

// MARK: - Integer formatting

/// Writes the decimal digits of `i` ending just before `end`; returns the start.
@inline(__always)
private func writeDecimal(_ i: Int64, end: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
    var p = end
    var u = i.magnitude
    repeat {
        let q = u / 10
        p -= 1
        p.pointee = UInt8(truncatingIfNeeded: u &- q &* 10) &+ 48
        u = q
    } while u != 0
    if i < 0 {
        p -= 1
        p.pointee = UInt8(ascii: "-")
    }
    return p
}

/// tostring of an integer ("%lld").
package func formatInt(_ i: Int64) -> [UInt8] {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { tmp in
        let end = tmp.baseAddress! + 24
        let start = writeDecimal(i, end: end)
        return Array(UnsafeBufferPointer(start: start, count: end - start))
    }
}

/// Appends the decimal form of `i` to `out`.
package func appendInt(_ i: Int64, to out: inout [UInt8]) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { tmp in
        let end = tmp.baseAddress! + 24
        let start = writeDecimal(i, end: end)
        out.append(contentsOf: UnsafeBufferPointer(start: start, count: end - start))
    }
}

// MARK: - Float formatting

/// The single argument of a C conversion, passed to vsnprintf without going through
/// `withVaList` (whose per-argument dynamic casts dominate tight string.format loops).
enum CArg {
    case int(Int64)      // also %c's int: va_arg(int) reads the low half of the slot
    case double(Double)
}

#if arch(x86_64) && os(Linux)
/// The System V x86-64 `va_list` record. With every register slot marked as used,
/// va_arg reads all arguments from `overflowArgArea`, 8 bytes each.
private struct SysVVaList {
    var gpOffset: UInt32 = 48       // 6 general registers * 8
    var fpOffset: UInt32 = 176      // 48 + 8 vector registers * 16
    var overflowArgArea: UnsafeMutableRawPointer?
    var regSaveArea: UnsafeMutableRawPointer? = nil
}
#endif

/// Runs `body` with a va_list holding exactly `arg`.
@inline(__always)
func withCArg<R>(_ arg: CArg, _ body: (CVaListPointer) -> R) -> R {
#if arch(x86_64) && os(Linux)
    var slot: UInt64
    switch arg {
    case .int(let i): slot = UInt64(bitPattern: i)
    case .double(let d): slot = d.bitPattern
    }
    return withUnsafeMutablePointer(to: &slot) { sp in
        var va = SysVVaList(overflowArgArea: UnsafeMutableRawPointer(sp))
        return withUnsafeMutablePointer(to: &va) { vp in
            body(CVaListPointer(_fromUnsafeMutablePointer: UnsafeMutableRawPointer(vp)))
        }
    }
#else
    switch arg {
    case .int(let i): return withVaList([i]) { body($0) }
    case .double(let d): return withVaList([d]) { body($0) }
    }
#endif
}

/// vsnprintf of one C conversion, appending exactly the bytes it produced to `out`
/// (NUL bytes produced by e.g. "%c" with 0 are kept, as lua does).
func cFormat(_ spec: UnsafePointer<CChar>, _ arg: CArg, into out: inout [UInt8]) {
    let n: Int = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { tmp in
        let n = withCArg(arg) { va in Int(vsnprintf(tmp.baseAddress!, 256, spec, va)) }
        if n > 0 && n < 256 {
            tmp.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: n) { p in
                out.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
            }
        }
        return n
    }
    if n < 256 { return }
    // Long result (e.g. "%99.99f" of 1e308): format directly into the array.
    let old = out.count
    out.append(contentsOf: repeatElement(0, count: n + 1))
    out.withUnsafeMutableBufferPointer { buf in
        let base = UnsafeMutableRawPointer(buf.baseAddress! + old).assumingMemoryBound(to: CChar.self)
        _ = withCArg(arg) { va in vsnprintf(base, n + 1, spec, va) }
    }
    out.removeLast()  // the NUL terminator
}

/// tostring of a float: "%.14g", plus ".0" if the result looks like an integer.
/// inf -> "inf", -inf -> "-inf", NaN -> "nan" or "-nan" depending on its sign bit
/// (glibc prints the sign of NaNs; x86's 0/0 has the sign bit set -> "-nan").
package func formatFloat(_ d: Double) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(24)
    appendFloat(d, to: &out)
    return out
}

/// Appends tostring(d) to `out`.
package func appendFloat(_ d: Double, to out: inout [UInt8]) {
    if d.isNaN {
        if d.sign == .minus { out.append(UInt8(ascii: "-")) }
        out.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "a"), UInt8(ascii: "n")])
        return
    }
    if d.isInfinite {
        if d < 0 { out.append(UInt8(ascii: "-")) }
        out.append(contentsOf: [UInt8(ascii: "i"), UInt8(ascii: "n"), UInt8(ascii: "f")])
        return
    }
    // Integral values below 1e14 print all their digits with %.14g: fast path.
    if d.magnitude < 1e14 && d.rounded(.towardZero) == d {
        if d == 0 && d.sign == .minus { out.append(UInt8(ascii: "-")) }
        appendInt(Int64(d), to: &out)
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0"))
        return
    }
    let start = out.count
    appendG14(d, to: &out)
    // Looks like an int? (only '-' and digits) -> add ".0"
    var looksInt = true
    for i in start..<out.count {
        let c = out[i]
        if !(isDigit(c) || c == UInt8(ascii: "-")) { looksInt = false; break }
    }
    if looksInt {
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0"))
    }
}

/// "%.14g" of a finite double.
private func appendG14(_ d: Double, to out: inout [UInt8]) {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 40) { tmp in
        let n = withCArg(.double(d)) { va in
            Int(vsnprintf(tmp.baseAddress!, 40, "%.14g", va))
        }
        tmp.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: 40) { p in
            out.append(contentsOf: UnsafeBufferPointer(start: p, count: min(n, 39)))
        }
    }
}

/// tostring of a number.
package func formatNumber(_ n: LuaNumber) -> [UInt8] {
    switch n {
    case .int(let i): return formatInt(i)
    case .float(let d): return formatFloat(d)
    }
}

// MARK: - Float <-> integer

/// lua_numbertointeger with F2Ieq: the integer with exactly this value, if any.
@inline(__always)
package func floatToIntExact(_ d: Double) -> Int64? {
    // -2^63 <= d < 2^63 and integral (NaN fails both comparisons).
    guard d >= -9223372036854775808.0 && d < 9223372036854775808.0 else { return nil }
    let i = Int64(d.rounded(.towardZero))
    return Double(i) == d ? i : nil
}

// MARK: - String -> number (luaO_str2num)

/// Exact powers of ten representable as doubles (Clinger's fast path).
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

/// lua's string -> number coercion (lua_stringtonumber): optional surrounding
/// whitespace, optional sign, decimal integers (overflow -> float), hexadecimal
/// integers (wrapping modulo 2^64), decimal and hexadecimal floats. No "inf"/"nan",
/// no embedded NULs. Returns nil if the whole string is not a numeral.
package func parseNumber(_ s: UnsafeBufferPointer<UInt8>) -> LuaNumber? {
    if let i = parseLuaInteger(s) { return .int(i) }
    if let d = parseLuaFloat(s) { return .float(d) }
    return nil
}

package func parseNumber(_ s: [UInt8]) -> LuaNumber? {
    withBytes(s) { parseNumber($0) }
}

package func parseNumber<C: Collection>(_ s: C) -> LuaNumber? where C.Element == UInt8 {
    if let r = s.withContiguousStorageIfAvailable({ parseNumber($0) }) { return r }
    return parseNumber(Array(s))
}

/// l_str2int: decimal (no overflow) or hexadecimal (wrapping) integer.
private func parseLuaInteger(_ s: UnsafeBufferPointer<UInt8>) -> Int64? {
    let n = s.count
    var i = 0
    while i < n && isSpace(s[i]) { i += 1 }
    var neg = false
    if i < n && s[i] == UInt8(ascii: "-") { neg = true; i += 1 }
    else if i < n && s[i] == UInt8(ascii: "+") { i += 1 }
    var a: UInt64 = 0
    var empty = true
    if i + 1 < n && s[i] == UInt8(ascii: "0") && (s[i + 1] | 0x20) == UInt8(ascii: "x") {
        i += 2
        while i < n && isXDigit(s[i]) {
            a = a &* 16 &+ UInt64(hexValue(s[i]))
            empty = false
            i += 1
        }
    } else {
        let maxBy10: UInt64 = UInt64(Int64.max) / 10
        let maxLastD: UInt64 = UInt64(Int64.max) % 10
        while i < n && isDigit(s[i]) {
            let d = UInt64(s[i] &- 48)
            if a >= maxBy10 && (a > maxBy10 || d > maxLastD + (neg ? 1 : 0)) {
                return nil  // overflow: not accepted as an integer
            }
            a = a * 10 + d
            empty = false
            i += 1
        }
    }
    while i < n && isSpace(s[i]) { i += 1 }
    if empty || i != n { return nil }
    return Int64(bitPattern: neg ? 0 &- a : a)
}

/// l_str2d: the strtod grammar (decimal or hex), whole string, no inf/nan.
private func parseLuaFloat(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
    let n = s.count
    var i = 0
    while i < n && isSpace(s[i]) { i += 1 }
    let signStart = i
    var neg = false
    if i < n && (s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+")) {
        neg = s[i] == UInt8(ascii: "-")
        i += 1
    }
    let isHex = i + 1 < n && s[i] == UInt8(ascii: "0") && (s[i + 1] | 0x20) == UInt8(ascii: "x")
    if isHex {
        i += 2
        var digits = 0
        while i < n && isXDigit(s[i]) { i += 1; digits += 1 }
        if i < n && s[i] == UInt8(ascii: ".") {
            i += 1
            while i < n && isXDigit(s[i]) { i += 1; digits += 1 }
        }
        if digits == 0 { return nil }
        if i < n && (s[i] | 0x20) == UInt8(ascii: "p") {
            i += 1
            if i < n && (s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+")) { i += 1 }
            var expDigits = 0
            while i < n && isDigit(s[i]) { i += 1; expDigits += 1 }
            if expDigits == 0 { return nil }
        }
        let numEnd = i
        while i < n && isSpace(s[i]) { i += 1 }
        if i != n { return nil }
        return strtodSlice(s, signStart, numEnd)
    }
    // Decimal: digits [. digits] | . digits, then optional exponent.
    var mant: UInt64 = 0
    var mantDigits = 0      // significant digits accumulated into mant
    var dropped = false     // nonzero digits beyond what mant can hold
    var exp10 = 0
    var digits = 0
    while i < n && isDigit(s[i]) {
        let d = UInt64(s[i] &- 48)
        if mantDigits < 19 {
            if mant != 0 || d != 0 { mant = mant * 10 + d; mantDigits += mant != 0 ? 1 : 0 }
        } else {
            exp10 += 1
            if d != 0 { dropped = true }
        }
        digits += 1
        i += 1
    }
    if i < n && s[i] == UInt8(ascii: ".") {
        i += 1
        while i < n && isDigit(s[i]) {
            let d = UInt64(s[i] &- 48)
            if mantDigits < 19 {
                if mant != 0 || d != 0 { mant = mant * 10 + d; mantDigits += 1 }
                exp10 -= 1
            } else if d != 0 {
                dropped = true
            }
            digits += 1
            i += 1
        }
    }
    if digits == 0 { return nil }
    if i < n && (s[i] | 0x20) == UInt8(ascii: "e") {
        i += 1
        var eneg = false
        if i < n && (s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+")) {
            eneg = s[i] == UInt8(ascii: "-")
            i += 1
        }
        var e = 0
        var expDigits = 0
        while i < n && isDigit(s[i]) {
            if e < 100_000 { e = e * 10 + Int(s[i] &- 48) }
            expDigits += 1
            i += 1
        }
        if expDigits == 0 { return nil }
        exp10 += eneg ? -e : e
    }
    let numEnd = i
    while i < n && isSpace(s[i]) { i += 1 }
    if i != n { return nil }
    // Clinger's fast path: exact mantissa and exact power of ten.
    if !dropped && mant <= (1 << 53) && exp10 >= -22 && exp10 <= 22 {
        var v = Double(mant)
        if exp10 < 0 { v /= exactPowersOfTen[-exp10] } else { v *= exactPowersOfTen[exp10] }
        return neg ? -v : v
    }
    return strtodSlice(s, signStart, numEnd)
}

/// strtod over s[from..<to] (already validated as a complete numeral).
private func strtodSlice(_ s: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Double {
    let len = to - from
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: len + 1) { tmp in
        let p = tmp.baseAddress!
        for k in 0..<len { p[k] = CChar(bitPattern: s[from + k]) }
        p[len] = 0
        return strtod(p, nil)
    }
}

// MARK: - tonumber(s, base)

/// tonumber(s, base) for a string `s`: whitespace around, optional '-' or '+',
/// one or more base-`base` digits (letters case-insensitive), wrapping on overflow.
/// Returns nil for an invalid numeral or a base outside 2...36 (the VM should raise
/// "bad argument #2 to 'tonumber' (base out of range)" itself before calling).
package func parseInt(_ s: UnsafeBufferPointer<UInt8>, base: Int) -> Int64? {
    guard base >= 2 && base <= 36 else { return nil }
    let n = s.count
    var i = 0
    while i < n && isSpace(s[i]) { i += 1 }
    var neg = false
    if i < n && s[i] == UInt8(ascii: "-") { neg = true; i += 1 }
    else if i < n && s[i] == UInt8(ascii: "+") { i += 1 }
    guard i < n && isAlnum(s[i]) else { return nil }
    var acc: UInt64 = 0
    let b = UInt64(base)
    repeat {
        let c = s[i]
        let digit = isDigit(c) ? UInt64(c &- 48) : UInt64(toUpperByte(c) &- 65) + 10
        if digit >= b { return nil }
        acc = acc &* b &+ digit
        i += 1
    } while i < n && isAlnum(s[i])
    while i < n && isSpace(s[i]) { i += 1 }
    if i != n { return nil }
    return Int64(bitPattern: neg ? 0 &- acc : acc)
}

package func parseInt(_ s: [UInt8], base: Int) -> Int64? {
    withBytes(s) { parseInt($0, base: base) }
}

package func parseInt<C: Collection>(_ s: C, base: Int) -> Int64? where C.Element == UInt8 {
    if let r = s.withContiguousStorageIfAvailable({ parseInt($0, base: base) }) { return r }
    return parseInt(Array(s), base: base)
}
