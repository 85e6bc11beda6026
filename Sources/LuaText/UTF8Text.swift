// UTF-8 algorithms of lua5.4's utf8 library (lutf8lib.c semantics).
//
// Positions in the library-level helpers are Lua positions (1-based, negative =
// from the end) exactly as passed by the user; results are Lua positions too.

package let utf8MaxUnicode: UInt32 = 0x10FFFF
package let utf8MaxUTF: UInt32 = 0x7FFF_FFFF

@inline(__always) func isCont(_ c: UInt8) -> Bool { c & 0xC0 == 0x80 }

/// Byte at `i`, or 0 past the end (C's terminating NUL).
@inline(__always) private func byteAt(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt8 {
    i < s.count ? s[i] : 0
}

/// Appends the (extended, up to 6-byte) UTF-8 encoding of `code` (<= 0x7FFFFFFF).
package func utf8Encode(_ code: UInt32, into out: inout [UInt8]) {
    var x = code
    if x < 0x80 { out.append(UInt8(x)); return }
    var buf: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0)
    var n = 0
    withUnsafeMutableBytes(of: &buf) { b in
        var mfb: UInt32 = 0x3F  // max that fits in the first byte
        repeat {
            b[7 - n] = UInt8(truncatingIfNeeded: 0x80 | (x & 0x3F))
            n += 1
            x >>= 6
            mfb >>= 1
        } while x > mfb
        b[7 - n] = UInt8(truncatingIfNeeded: (~mfb << 1) | x)
        n += 1
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[(8 - n)...]))
    }
}

package func utf8Encode(_ code: UInt32) -> [UInt8] {
    var out: [UInt8] = []
    utf8Encode(code, into: &out)
    return out
}

/// utf8_decode: decodes the sequence starting at `at`. Returns the code point and
/// the index just past the sequence, or nil for an invalid sequence. `strict`
/// additionally rejects code points above 0x10FFFF and surrogates. Overlong forms
/// are always rejected; continuation bytes past the end count as invalid.
package func utf8Decode(_ s: UnsafeBufferPointer<UInt8>, at: Int, strict: Bool) -> (code: UInt32, next: Int)? {
    var c = UInt32(byteAt(s, at))
    var res: UInt32 = 0
    var count = 0
    if c < 0x80 {
        res = c
    } else {
        while c & 0x40 != 0 {
            count += 1
            let cc = UInt32(byteAt(s, at + count))
            if cc & 0xC0 != 0x80 { return nil }
            res = (res &<< 6) | (cc & 0x3F)
            c <<= 1
        }
        if count > 5 { return nil }
        res |= (c & 0x7F) &<< UInt32(count * 5)
        let limits: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
            (~0, 0x80, 0x800, 0x10000, 0x200000, 0x4000000)
        let limit: UInt32
        switch count {
        case 0: limit = limits.0
        case 1: limit = limits.1
        case 2: limit = limits.2
        case 3: limit = limits.3
        case 4: limit = limits.4
        default: limit = limits.5
        }
        if res > utf8MaxUTF || res < limit { return nil }
    }
    if strict && (res > utf8MaxUnicode || (0xD800...0xDFFF).contains(res)) { return nil }
    return (res, at + count + 1)
}

/// u_posrelat
@inline(__always) private func uPosRelat(_ pos: Int64, _ len: Int) -> Int64 {
    if pos >= 0 { return pos }
    if 0 &- UInt64(bitPattern: pos) > UInt64(len) { return 0 }
    return Int64(len) + pos + 1
}

// MARK: - Library-level helpers

/// utf8.char for one argument: checks the range ("value out of range" on argument
/// `arg`) and appends the encoding.
package func utf8CharAppend(_ code: Int64, arg: Int, into out: inout [UInt8]) throws {
    guard UInt64(bitPattern: code) <= UInt64(utf8MaxUTF) else {
        throw LuaTextError("value out of range", argument: arg)
    }
    utf8Encode(UInt32(code), into: &out)
}

package enum UTF8LenResult: Equatable {
    case count(Int64)
    /// fail + Lua position of the first invalid byte.
    case invalid(position: Int64)
}

/// utf8.len(s [, i [, j [, lax]]]); `i` defaults to 1 and `j` to -1.
package func utf8Len(_ s: UnsafeBufferPointer<UInt8>, i: Int64 = 1, j: Int64 = -1, lax: Bool = false) throws -> UTF8LenResult {
    let len = s.count
    var posi = uPosRelat(i, len)
    var posj = uPosRelat(j, len)
    guard 1 <= posi else { throw LuaTextError("initial position out of bounds", argument: 2) }
    posi -= 1
    guard posi <= Int64(len) else { throw LuaTextError("initial position out of bounds", argument: 2) }
    posj -= 1
    guard posj < Int64(len) else { throw LuaTextError("final position out of bounds", argument: 3) }
    var n: Int64 = 0
    var p = Int(posi)
    let last = Int(posj)
    while p <= last {
        // ASCII fast path
        if s[p] < 0x80 { p += 1; n += 1; continue }
        guard let (_, next) = utf8Decode(s, at: p, strict: !lax) else {
            return .invalid(position: Int64(p) + 1)
        }
        p = next
        n += 1
    }
    return .count(n)
}

/// utf8.codepoint(s [, i [, j [, lax]]]); `i` defaults to 1, `j` to (normalised) i.
/// Errors: "bad argument #2/#3 ... (out of bounds)", "invalid UTF-8 code".
package func utf8Codepoints(_ s: UnsafeBufferPointer<UInt8>, i: Int64 = 1, j: Int64? = nil, lax: Bool = false) throws -> [Int64] {
    let len = s.count
    let posi = uPosRelat(i, len)
    let pose = j.map { uPosRelat($0, len) } ?? posi
    guard posi >= 1 else { throw LuaTextError("out of bounds", argument: 2) }
    guard pose <= Int64(len) else { throw LuaTextError("out of bounds", argument: 3) }
    if posi > pose { return [] }
    if pose - posi >= Int64(Int32.max) { throw LuaTextError("string slice too long") }
    var out: [Int64] = []
    out.reserveCapacity(Int(pose - posi) + 1)
    var p = Int(posi) - 1
    let se = Int(pose)
    while p < se {
        guard let (code, next) = utf8Decode(s, at: p, strict: !lax) else {
            throw LuaTextError("invalid UTF-8 code")
        }
        out.append(Int64(code))
        p = next
    }
    return out
}

/// utf8.offset(s, n [, i]); returns the Lua position or nil (fail).
/// Errors: "bad argument #3 ... (position out of bounds)",
/// "initial position is a continuation byte".
package func utf8Offset(_ s: UnsafeBufferPointer<UInt8>, n nIn: Int64, i: Int64? = nil) throws -> Int64? {
    let len = s.count
    var n = nIn
    let defaultI: Int64 = n >= 0 ? 1 : Int64(len) + 1
    var posi = uPosRelat(i ?? defaultI, len)
    guard 1 <= posi else { throw LuaTextError("position out of bounds", argument: 3) }
    posi -= 1
    guard posi <= Int64(len) else { throw LuaTextError("position out of bounds", argument: 3) }
    var p = Int(posi)
    if n == 0 {
        while p > 0 && isCont(byteAt(s, p)) { p -= 1 }
    } else {
        if isCont(byteAt(s, p)) { throw LuaTextError("initial position is a continuation byte") }
        if n < 0 {
            while n < 0 && p > 0 {
                repeat { p -= 1 } while p > 0 && isCont(s[p])
                n += 1
            }
        } else {
            n -= 1
            while n > 0 && p < len {
                repeat { p += 1 } while isCont(byteAt(s, p))
                n -= 1
            }
        }
    }
    return n == 0 ? Int64(p) + 1 : nil
}

/// One step of the utf8.codes iterator. `control` is the iterator's control value
/// (the previous Lua position, 0 initially). Returns (position, code) or nil when
/// the iteration is over; throws "invalid UTF-8 code".
package func utf8CodesStep(_ s: UnsafeBufferPointer<UInt8>, control: Int64, lax: Bool) throws -> (position: Int64, code: Int64)? {
    let len = UInt64(s.count)
    var n = UInt64(bitPattern: control)
    if n < len {
        while n < len && isCont(s[Int(n)]) { n += 1 }
    }
    if n >= len { return nil }
    guard let (code, _) = utf8Decode(s, at: Int(n), strict: !lax) else {
        throw LuaTextError("invalid UTF-8 code")
    }
    return (Int64(n) + 1, Int64(code))
}

// [UInt8] conveniences
package func utf8Len(_ s: [UInt8], i: Int64 = 1, j: Int64 = -1, lax: Bool = false) throws -> UTF8LenResult {
    try withBytes(s) { try utf8Len($0, i: i, j: j, lax: lax) }
}
package func utf8Codepoints(_ s: [UInt8], i: Int64 = 1, j: Int64? = nil, lax: Bool = false) throws -> [Int64] {
    try withBytes(s) { try utf8Codepoints($0, i: i, j: j, lax: lax) }
}
package func utf8Offset(_ s: [UInt8], n: Int64, i: Int64? = nil) throws -> Int64? {
    try withBytes(s) { try utf8Offset($0, n: n, i: i) }
}
package func utf8CodesStep(_ s: [UInt8], control: Int64, lax: Bool) throws -> (position: Int64, code: Int64)? {
    try withBytes(s) { try utf8CodesStep($0, control: control, lax: lax) }
}
package func utf8Decode(_ s: [UInt8], at: Int, strict: Bool) -> (code: UInt32, next: Int)? {
    withBytes(s) { utf8Decode($0, at: at, strict: strict) }
}
