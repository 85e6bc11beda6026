// string.format with lua5.4's exact behaviour (lstrlib.c str_format):
// conversions %d %i %u %c %x %X %o %e %E %f %g %G %a %A %p %q %s %%, the per-
// conversion flag sets, width/precision of at most two digits, and lua's messages.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a conversion needs from its argument.
package enum FormatNeed: Equatable, Sendable {
    /// %d %i %u %c %o %x %X: return the raw value (.int/.float/.string/...);
    /// LuaText applies luaL_checkinteger.
    case integer
    /// %a %A %e %E %f %g %G: raw value; LuaText applies luaL_checknumber.
    case number
    /// %s: the result of luaL_tolstring (honouring __tostring / __name) as .string.
    /// (.int/.float/.nilValue/.bool are also accepted and converted by LuaText.)
    case string
    /// %q: the raw value (.string/.int/.float/.nilValue/.bool, anything else
    /// -> .other, which raises "value has no literal form").
    case literal
    /// %p: .pointer(lua_topointer(value)) (0 for non-pointer values).
    case pointer
}

// Flag sets of lstrlib.c
private let flagsF: StaticString = "-+ #0"   // a A e E f F g G
private let flagsX: StaticString = "-#0"     // o x X
private let flagsI: StaticString = "-+ 0"    // d i
private let flagsU: StaticString = "-0"      // u
private let flagsC: StaticString = "-"       // c p s

/// MAX_FORMAT in lstrlib.c; a spec of (MAX_FORMAT - 10) bytes or more is "too long".
private let maxFormat = 32

@inline(__always) private func isSpanChar(_ c: UInt8) -> Bool {
    // L_FMTFLAGSF "123456789." plus '0' (which is one of the flags)
    switch c {
    case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: " "), UInt8(ascii: "#"),
         UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    default:
        return false
    }
}

@inline(__always) private func inSet(_ c: UInt8, _ set: StaticString) -> Bool {
    let p = set.utf8Start
    for k in 0..<set.utf8CodeUnitCount where p[k] == c { return true }
    return false
}

/// A parsed conversion: the virtual bytes "%<span><conv>", i.e. lstrlib's `form`
/// buffer, viewed in place (no allocation): span = fmt[lo..<hi].
private struct Spec {
    let fmt: UnsafeBufferPointer<UInt8>
    let lo: Int
    let hi: Int
    let conv: UInt8

    /// Number of bytes of the form ('%' + span + conversion).
    var count: Int { hi - lo + 2 }
    var hasModifiers: Bool { hi > lo }

    @inline(__always) subscript(k: Int) -> UInt8 {
        if k == 0 { return UInt8(ascii: "%") }
        let i = lo + k - 1
        return i < hi ? fmt[i] : conv
    }

    var hasPrecision: Bool {
        for i in lo..<hi where fmt[i] == UInt8(ascii: ".") { return true }
        return false
    }

    /// Form up to (excluding) the first NUL, as lua prints it with "%s".
    var printable: [UInt8] {
        var r: [UInt8] = []
        for k in 0..<count {
            let c = self[k]
            if c == 0 { break }
            r.append(c)
        }
        return r
    }

    /// checkformat(): flags from `flags`, up to two width digits (not starting with
    /// '0'), optionally '.' and up to two precision digits, then the specifier.
    func check(_ flags: StaticString, precision: Bool) throws {
        var k = 1
        while k < count && inSet(self[k], flags) { k += 1 }
        if self[k] != UInt8(ascii: "0") {
            if isDigit(self[k]) { k += 1; if isDigit(self[k]) { k += 1 } }
            if self[k] == UInt8(ascii: ".") && precision {
                k += 1
                if isDigit(self[k]) { k += 1; if isDigit(self[k]) { k += 1 } }
            }
        }
        if !isAlpha(self[k]) {
            var m = Array("invalid conversion specification: '".utf8)
            m.append(contentsOf: printable)
            m.append(UInt8(ascii: "'"))
            throw LuaTextError(m)
        }
    }

    /// Flags, width and precision of a checked form.
    var flags: FormatFlags {
        var f = FormatFlags()
        var k = 1
        let last = count - 1
        flagLoop: while k < last {
            switch self[k] {
            case UInt8(ascii: "-"): f.left = true
            case UInt8(ascii: "+"): f.plus = true
            case UInt8(ascii: " "): f.space = true
            case UInt8(ascii: "#"): f.alt = true
            case UInt8(ascii: "0"): f.zero = true
            default: break flagLoop
            }
            k += 1
        }
        while k < last && isDigit(self[k]) { f.width = f.width * 10 + Int(self[k] &- 48); k += 1 }
        if k < last && self[k] == UInt8(ascii: ".") {
            k += 1
            var p = 0
            while k < last && isDigit(self[k]) { p = p * 10 + Int(self[k] &- 48); k += 1 }
            f.precision = p
        }
        return f
    }

    /// vsnprintf with this form, `lenMod` inserted before the specifier.
    func printf(_ lenMod: StaticString, _ arg: CArg, into out: inout [UInt8]) {
        let total = count + lenMod.utf8CodeUnitCount + 1
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: total) { tmp in
            let p = tmp.baseAddress!
            var k = 0
            for t in 0..<(count - 1) { p[k] = CChar(bitPattern: self[t]); k += 1 }
            let lm = lenMod.utf8Start
            for t in 0..<lenMod.utf8CodeUnitCount { p[k] = CChar(bitPattern: lm[t]); k += 1 }
            p[k] = CChar(bitPattern: conv); k += 1
            p[k] = 0
            cFormat(p, arg, into: &out)
        }
    }
}

/// printf flags of one conversion.
private struct FormatFlags {
    var left = false, plus = false, space = false, alt = false, zero = false
    var width = 0
    var precision: Int? = nil
}

@inline(__always) private func appendSpaces(_ n: Int, to out: inout [UInt8]) {
    var k = n
    while k > 0 { out.append(UInt8(ascii: " ")); k -= 1 }
}

/// C's %d %i %u %o %x %X (with "ll") for one 64-bit value, natively.
private func appendInteger(_ v: Int64, conv: UInt8, _ f: FormatFlags, into out: inout [UInt8]) {
    var u: UInt64
    var sign: UInt8 = 0
    var base: UInt64 = 10
    switch conv {
    case UInt8(ascii: "d"), UInt8(ascii: "i"):
        u = v.magnitude
        if v < 0 { sign = UInt8(ascii: "-") } else if f.plus { sign = UInt8(ascii: "+") } else if f.space { sign = UInt8(ascii: " ") }
    case UInt8(ascii: "o"):
        u = UInt64(bitPattern: v); base = 8
    case UInt8(ascii: "x"), UInt8(ascii: "X"):
        u = UInt64(bitPattern: v); base = 16
    default:
        u = UInt64(bitPattern: v)
    }
    let hexDigits: StaticString = conv == UInt8(ascii: "X") ? "0123456789ABCDEF" : "0123456789abcdef"
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { tmp in
        let end = tmp.baseAddress! + 24
        var p = end
        let precision = f.precision ?? 1
        if !(u == 0 && precision == 0) {
            let hd = hexDigits.utf8Start
            repeat {
                p -= 1
                p.pointee = hd[Int(u % base)]
                u /= base
            } while u != 0
        }
        let nd = end - p
        var zeros = max(0, precision - nd)
        if f.alt && conv == UInt8(ascii: "o") && zeros == 0 && (nd == 0 || p.pointee != UInt8(ascii: "0")) {
            zeros = 1
        }
        var prefix = 0  // "0x"/"0X"
        if f.alt && base == 16 && v != 0 { prefix = 2 }
        let body = (sign != 0 ? 1 : 0) + prefix + zeros + nd
        let pad = max(0, f.width - body)
        let zeroPad = f.zero && !f.left && f.precision == nil
        if !f.left && !zeroPad { appendSpaces(pad, to: &out) }
        if sign != 0 { out.append(sign) }
        if prefix != 0 { out.append(UInt8(ascii: "0")); out.append(conv) }
        if zeroPad { zeros += pad }
        while zeros > 0 { out.append(UInt8(ascii: "0")); zeros -= 1 }
        out.append(contentsOf: UnsafeBufferPointer(start: p, count: nd))
        if f.left { appendSpaces(pad, to: &out) }
    }
}

private func pad(_ s: UnsafeBufferPointer<UInt8>, left: Bool, width: Int, into out: inout [UInt8]) {
    let fill = width - s.count
    if fill > 0 && !left { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: fill)) }
    out.append(contentsOf: s)
    if fill > 0 && left { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: fill)) }
}

/// string.format.
///
/// - Parameters:
///   - fmt: the format string bytes (Lua argument #1).
///   - argCount: number of arguments after the format string.
///   - arg: fetches Lua argument `index` (2...argCount+1) for the given need; see
///     `FormatNeed` for what to return. May throw VM errors (e.g. from __tostring),
///     which propagate unchanged.
/// - Throws: `LuaTextError` with lua5.4's messages; argument errors carry the Lua
///   argument index (e.g. message "no value", argument 2 ->
///   "bad argument #2 to 'format' (no value)").
package func luaFormat(_ fmt: UnsafeBufferPointer<UInt8>, argCount: Int,
                       arg fetch: (_ index: Int, _ need: FormatNeed) throws -> TextArg) throws -> [UInt8] {
    let n = fmt.count
    var out: [UInt8] = []
    out.reserveCapacity(n + 16)
    var i = 0
    var argIndex = 1
    let top = argCount + 1
    while i < n {
        let c = fmt[i]
        if c != UInt8(ascii: "%") {
            var j = i + 1
            while j < n && fmt[j] != UInt8(ascii: "%") { j += 1 }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: fmt[i..<j]))
            i = j
            continue
        }
        i += 1
        if i < n && fmt[i] == UInt8(ascii: "%") {
            out.append(UInt8(ascii: "%"))
            i += 1
            continue
        }
        argIndex += 1
        if argIndex > top { throw LuaTextError("no value", argument: argIndex) }
        // getformat
        var j = i
        while j < n && isSpanChar(fmt[j]) { j += 1 }
        let specByte: UInt8 = j < n ? fmt[j] : 0
        let spanLen = j - i
        if spanLen + 1 >= maxFormat - 10 { throw LuaTextError("invalid format (too long)") }

        // Fast paths: no modifiers.
        if spanLen == 0 {
            switch specByte {
            case UInt8(ascii: "d"), UInt8(ascii: "i"):
                let v = try fetch(argIndex, .integer).checkInteger(argIndex)
                appendInt(v, to: &out)
                i = j + 1
                continue
            case UInt8(ascii: "s"):
                let v = try fetch(argIndex, .string)
                try appendToString(v, argIndex, into: &out)
                i = j + 1
                continue
            default:
                break
            }
        }

        let spec = Spec(fmt: fmt, lo: i, hi: j, conv: specByte)
        i = j + 1

        switch specByte {
        case UInt8(ascii: "c"):
            try spec.check(flagsC, precision: false)
            let v = try fetch(argIndex, .integer).checkInteger(argIndex)
            let f = spec.flags
            if !f.left { appendSpaces(f.width - 1, to: &out) }
            out.append(UInt8(truncatingIfNeeded: v))  // (int) then unsigned char
            if f.left { appendSpaces(f.width - 1, to: &out) }
        case UInt8(ascii: "d"), UInt8(ascii: "i"):
            let v = try fetch(argIndex, .integer).checkInteger(argIndex)
            try spec.check(flagsI, precision: true)
            appendInteger(v, conv: specByte, spec.flags, into: &out)
        case UInt8(ascii: "u"):
            let v = try fetch(argIndex, .integer).checkInteger(argIndex)
            try spec.check(flagsU, precision: true)
            appendInteger(v, conv: specByte, spec.flags, into: &out)
        case UInt8(ascii: "o"), UInt8(ascii: "x"), UInt8(ascii: "X"):
            let v = try fetch(argIndex, .integer).checkInteger(argIndex)
            try spec.check(flagsX, precision: true)
            appendInteger(v, conv: specByte, spec.flags, into: &out)
        case UInt8(ascii: "a"), UInt8(ascii: "A"):
            try spec.check(flagsF, precision: true)
            let v = try fetch(argIndex, .number).checkNumber(argIndex)
            spec.printf("", .double(v), into: &out)
        case UInt8(ascii: "f"), UInt8(ascii: "e"), UInt8(ascii: "E"),
             UInt8(ascii: "g"), UInt8(ascii: "G"):
            let v = try fetch(argIndex, .number).checkNumber(argIndex)
            try spec.check(flagsF, precision: true)
            spec.printf("", .double(v), into: &out)
        case UInt8(ascii: "p"):
            let v = try fetch(argIndex, .pointer)
            try spec.check(flagsC, precision: false)
            var address: UInt = 0
            if case .pointer(let a) = v { address = a }
            let text: [UInt8]
            if address == 0 {
                text = Array("(null)".utf8)
            } else {
                var t: [UInt8] = [UInt8(ascii: "0"), UInt8(ascii: "x")]
                appendHex(UInt64(address), into: &t)
                text = t
            }
            let f = spec.flags
            text.withUnsafeBufferPointer { pad($0, left: f.left, width: f.width, into: &out) }
        case UInt8(ascii: "q"):
            if spec.hasModifiers { throw LuaTextError("specifier '%q' cannot have modifiers") }
            let v = try fetch(argIndex, .literal)
            try appendLiteral(v, argIndex, into: &out)
        case UInt8(ascii: "s"):
            let v = try fetch(argIndex, .string)
            var s: [UInt8] = []
            try appendToString(v, argIndex, into: &s)
            // (spec always has modifiers here: the plain case took the fast path)
            if s.contains(0) { throw LuaTextError("string contains zeros", argument: argIndex) }
            try spec.check(flagsC, precision: true)
            if !spec.hasPrecision && s.count >= 100 {
                out.append(contentsOf: s)  // no precision and too long: keep whole string
            } else {
                let p = spec.flags
                s.withUnsafeBufferPointer { b in
                    let shown = p.precision.map { UnsafeBufferPointer(rebasing: b[..<min($0, b.count)]) } ?? b
                    pad(shown, left: p.left, width: p.width, into: &out)
                }
            }
        default:
            var m = Array("invalid conversion '".utf8)
            m.append(contentsOf: spec.printable)
            m.append(contentsOf: Array("' to 'format'".utf8))
            throw LuaTextError(m)
        }
    }
    return out
}

package func luaFormat(_ fmt: [UInt8], argCount: Int,
                       arg fetch: (_ index: Int, _ need: FormatNeed) throws -> TextArg) throws -> [UInt8] {
    try withBytes(fmt) { try luaFormat($0, argCount: argCount, arg: fetch) }
}

/// Convenience for tests and simple callers: format with already-known values
/// (values[0] is Lua argument #2). For %s, .other values raise an error since their
/// tostring needs the VM.
package func luaFormat(_ fmt: [UInt8], _ values: [TextArg]) throws -> [UInt8] {
    try luaFormat(fmt, argCount: values.count) { index, need in
        let v = values[index - 2]
        if need == .pointer {
            if case .pointer = v { return v }
            return .pointer(0)
        }
        return v
    }
}

/// luaL_tolstring for the values LuaText can print itself.
private func appendToString(_ v: TextArg, _ arg: Int, into out: inout [UInt8]) throws {
    switch v {
    case .string(let s): out.append(contentsOf: s)
    case .int(let i): appendInt(i, to: &out)
    case .float(let d): appendFloat(d, to: &out)
    case .nilValue: out.append(contentsOf: Array("nil".utf8))
    case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
    case .absent: throw LuaTextError("value expected", argument: arg)
    case .pointer, .other:
        // The VM must convert these itself for FormatNeed.string.
        throw LuaTextError.typeError(arg, expected: "string", got: v.typeNameForError)
    }
}

private func appendHex(_ v: UInt64, into out: inout [UInt8]) {
    let digits: StaticString = "0123456789abcdef"
    var shift = 60
    while shift > 0 && (v >> UInt64(shift)) & 0xF == 0 { shift -= 4 }
    while shift >= 0 {
        out.append(digits.utf8Start[Int((v >> UInt64(shift)) & 0xF)])
        shift -= 4
    }
}

/// %q (addliteral).
private func appendLiteral(_ v: TextArg, _ arg: Int, into out: inout [UInt8]) throws {
    switch v {
    case .string(let s):
        s.withUnsafeBufferPointer { appendQuoted($0, into: &out) }
    case .int(let i):
        if i == Int64.min {
            out.append(contentsOf: Array("0x8000000000000000".utf8))
        } else {
            appendInt(i, to: &out)
        }
    case .float(let d):
        if d == Double.infinity {
            out.append(contentsOf: Array("1e9999".utf8))
        } else if d == -Double.infinity {
            out.append(contentsOf: Array("-1e9999".utf8))
        } else if d.isNaN {
            out.append(contentsOf: Array("(0/0)".utf8))
        } else {
            cFormat("%a", .double(d), into: &out)
        }
    case .nilValue:
        out.append(contentsOf: Array("nil".utf8))
    case .bool(let b):
        out.append(contentsOf: Array((b ? "true" : "false").utf8))
    case .pointer, .other, .absent:
        throw LuaTextError("value has no literal form", argument: arg)
    }
}

/// addquoted: a Lua string literal that reads back as the same bytes.
package func appendQuoted(_ s: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
    out.reserveCapacity(out.count + s.count + 2)
    out.append(UInt8(ascii: "\""))
    let n = s.count
    var i = 0
    while i < n {
        let c = s[i]
        if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c == UInt8(ascii: "\n") {
            out.append(UInt8(ascii: "\\"))
            out.append(c)
        } else if isCntrl(c) {
            out.append(UInt8(ascii: "\\"))
            let nextIsDigit = i + 1 < n && isDigit(s[i + 1])
            let v = Int(c)
            if nextIsDigit {
                out.append(UInt8(48 + v / 100))
                out.append(UInt8(48 + (v / 10) % 10))
                out.append(UInt8(48 + v % 10))
            } else {
                if v >= 100 { out.append(UInt8(48 + v / 100)) }
                if v >= 10 { out.append(UInt8(48 + (v / 10) % 10)) }
                out.append(UInt8(48 + v % 10))
            }
        } else {
            out.append(c)
        }
        i += 1
    }
    out.append(UInt8(ascii: "\""))
}
