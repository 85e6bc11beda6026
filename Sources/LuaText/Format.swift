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

/// A parsed conversion: `form` is "%<span><spec>" exactly like lstrlib's buffer.
private struct Spec {
    var form: [UInt8]  // '%', span bytes, spec byte

    var spanCount: Int { form.count - 2 }
    var hasModifiers: Bool { form.count > 2 }

    /// Form up to (excluding) the first NUL, as lua prints it with "%s".
    var printable: [UInt8] {
        if let z = form.firstIndex(of: 0) { return Array(form[..<z]) }
        return form
    }

    /// checkformat(): flags from `flags`, up to two width digits (not starting with
    /// '0'), optionally '.' and up to two precision digits, then the specifier.
    func check(_ flags: StaticString, precision: Bool) throws {
        var k = 1
        while k < form.count && inSet(form[k], flags) { k += 1 }
        if form[k] != UInt8(ascii: "0") {
            if isDigit(form[k]) { k += 1; if isDigit(form[k]) { k += 1 } }
            if form[k] == UInt8(ascii: ".") && precision {
                k += 1
                if isDigit(form[k]) { k += 1; if isDigit(form[k]) { k += 1 } }
            }
        }
        if !isAlpha(form[k]) {
            var m = Array("invalid conversion specification: '".utf8)
            m.append(contentsOf: printable)
            m.append(UInt8(ascii: "'"))
            throw LuaTextError(m)
        }
    }

    /// Width, precision and '-' for conversions LuaText pads itself (%s, %p).
    var padding: (left: Bool, width: Int, precision: Int?) {
        // Valid (checked) form: '-' flags, width digits, ['.' precision digits], spec.
        var k = 1
        var left = false
        while form[k] == UInt8(ascii: "-") { left = true; k += 1 }
        var width = 0
        while k < form.count - 1 && isDigit(form[k]) { width = width * 10 + Int(form[k] &- 48); k += 1 }
        var prec: Int? = nil
        if k < form.count - 1 && form[k] == UInt8(ascii: ".") {
            k += 1
            var p = 0
            while k < form.count - 1 && isDigit(form[k]) { p = p * 10 + Int(form[k] &- 48); k += 1 }
            prec = p
        }
        return (left, width, prec)
    }

    /// vsnprintf with this form, `lenMod` inserted before the specifier.
    func printf(_ lenMod: StaticString, _ arg: CArg, into out: inout [UInt8]) {
        let total = form.count + lenMod.utf8CodeUnitCount + 1
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: total) { tmp in
            let p = tmp.baseAddress!
            var k = 0
            for b in form.dropLast() { p[k] = CChar(bitPattern: b); k += 1 }
            let lm = lenMod.utf8Start
            for t in 0..<lenMod.utf8CodeUnitCount { p[k] = CChar(bitPattern: lm[t]); k += 1 }
            p[k] = CChar(bitPattern: form[form.count - 1]); k += 1
            p[k] = 0
            cFormat(p, arg, into: &out)
        }
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

        var form: [UInt8] = [UInt8(ascii: "%")]
        form.append(contentsOf: UnsafeBufferPointer(rebasing: fmt[i..<j]))
        form.append(specByte)
        let spec = Spec(form: form)
        i = j + 1

        switch specByte {
        case UInt8(ascii: "c"):
            try spec.check(flagsC, precision: false)
            let v = try fetch(argIndex, .integer).checkInteger(argIndex)
            spec.printf("", .int(v), into: &out)
        case UInt8(ascii: "d"), UInt8(ascii: "i"):
            let v = try fetch(argIndex, .integer).checkInteger(argIndex)
            try spec.check(flagsI, precision: true)
            spec.printf("ll", .int(v), into: &out)
        case UInt8(ascii: "u"):
            let v = try fetch(argIndex, .integer).checkInteger(argIndex)
            try spec.check(flagsU, precision: true)
            spec.printf("ll", .int(v), into: &out)
        case UInt8(ascii: "o"), UInt8(ascii: "x"), UInt8(ascii: "X"):
            let v = try fetch(argIndex, .integer).checkInteger(argIndex)
            try spec.check(flagsX, precision: true)
            spec.printf("ll", .int(v), into: &out)
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
            let p = spec.padding
            text.withUnsafeBufferPointer { pad($0, left: p.left, width: p.width, into: &out) }
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
            if !spec.form.contains(UInt8(ascii: ".")) && s.count >= 100 {
                out.append(contentsOf: s)  // no precision and too long: keep whole string
            } else {
                let p = spec.padding
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
