// The lexer: bytes -> tokens, one token at a time (errors must surface in the same order as
// lua5.4's, so there is no pre-tokenisation). Mirrors llex.c, including the exact text of its
// error messages and the `near` excerpts.

private let EOZ = -1

@inline(__always) private func isDigit(_ c: Int) -> Bool { c >= 0x30 && c <= 0x39 }
@inline(__always) private func isAlpha(_ c: Int) -> Bool {
    // lislalpha: ASCII letters and '_' (LUA_UCID is off).
    let l = c | 0x20
    return (l >= 0x61 && l <= 0x7A) || c == 0x5F
}
@inline(__always) private func isAlnum(_ c: Int) -> Bool { isAlpha(c) || isDigit(c) }
@inline(__always) private func isXDigit(_ c: Int) -> Bool {
    let l = c | 0x20
    return isDigit(c) || (l >= 0x61 && l <= 0x66)
}
@inline(__always) private func hexValue(_ c: Int) -> Int {
    isDigit(c) ? c - 0x30 : (c | 0x20) - 0x61 + 10
}
@inline(__always) private func isSpace(_ c: Int) -> Bool {
    c == 0x20 || (c >= 0x09 && c <= 0x0D)
}
@inline(__always) private func isNewline(_ c: Int) -> Bool { c == 0x0A || c == 0x0D }

private enum C {
    static let nl = 0x0A, cr = 0x0D, quote = 0x22, apos = 0x27, backslash = 0x5C
    static let lbracket = 0x5B, rbracket = 0x5D, eq = 0x3D, dot = 0x2E, minus = 0x2D
}

/// Which token lua puts after "near" in a lexical error (its `token` argument to lexerror).
private enum Near { case eos, buffer }

package struct Lexer {
    package let source: [UInt8]
    package let chunkName: String
    private var pos: Int = 0
    /// lua's `ls->linenumber`.
    package private(set) var line: Int = 1
    /// Scratch buffer mirroring luaZ buffer while reading strings with escapes.
    private var buf: [UInt8] = []

    package init(source: [UInt8], chunkName: String) {
        self.source = source
        self.chunkName = chunkName
    }

    @inline(__always) private var current: Int { pos < source.count ? Int(source[pos]) : EOZ }
    @inline(never) private func error(_ msg: String, near: [UInt8]?) -> SyntaxError {
        SyntaxError.make(chunkName: chunkName, line: line, msg: Array(msg.utf8), near: near)
    }
    @inline(never) private func error(_ msg: String, _ near: Near) -> SyntaxError {
        switch near {
        case .eos: return error(msg, near: Array("<eof>".utf8))
        case .buffer: return error(msg, near: Token.quoteBuffer(buf[...]))
        }
    }

    /// inclinenumber: skips '\n', '\r', '\n\r' or '\r\n' and counts one line.
    @inline(__always) private mutating func incLine() {
        let old = current
        pos += 1
        let c = current
        if isNewline(c) && c != old { pos += 1 }
        line += 1
    }

    @inline(__always) private func make(_ kind: TokenKind, _ start: Int) -> Token {
        Token(kind: kind, line: line, start: start, end: pos)
    }

    /// Scans the next token.
    @inline(never) package mutating func next() throws(SyntaxError) -> Token {
        while true {
            let c = current
            let start = pos
            switch c {
            case C.nl, C.cr:
                incLine()
            case 0x20, 0x0C, 0x09, 0x0B:
                pos += 1
            case C.minus:
                pos += 1
                if current != C.minus { return make(.minus, start) }
                pos += 1
                if current == C.lbracket {
                    let sep = skipSep()
                    if sep >= 2 {
                        _ = try readLongString(sep: sep, isComment: true)
                        continue
                    }
                }
                while !isNewline(current) && current != EOZ { pos += 1 }
            case C.lbracket:
                let sep = skipSep()
                if sep >= 2 {
                    var t = make(.string, start)
                    t.text = try readLongString(sep: sep, isComment: false)
                    t.end = pos
                    t.line = line
                    t.longLevel = sep - 2
                    return t
                } else if sep == 0 {
                    buf = Array(source[start..<pos])
                    throw error("invalid long string delimiter", .buffer)
                }
                return make(.lbracket, start)
            case C.eq:
                pos += 1
                if current == C.eq { pos += 1; return make(.eq, start) }
                return make(.assign, start)
            case 0x3C: // <
                pos += 1
                if current == C.eq { pos += 1; return make(.le, start) }
                if current == 0x3C { pos += 1; return make(.shl, start) }
                return make(.lt, start)
            case 0x3E: // >
                pos += 1
                if current == C.eq { pos += 1; return make(.ge, start) }
                if current == 0x3E { pos += 1; return make(.shr, start) }
                return make(.gt, start)
            case 0x2F: // /
                pos += 1
                if current == 0x2F { pos += 1; return make(.idiv, start) }
                return make(.slash, start)
            case 0x7E: // ~
                pos += 1
                if current == C.eq { pos += 1; return make(.ne, start) }
                return make(.tilde, start)
            case 0x3A: // :
                pos += 1
                if current == 0x3A { pos += 1; return make(.dbcolon, start) }
                return make(.colon, start)
            case C.quote, C.apos:
                return try readString(delimiter: c)
            case C.dot:
                pos += 1
                if current == C.dot {
                    pos += 1
                    if current == C.dot { pos += 1; return make(.dots, start) }
                    return make(.concat, start)
                }
                if !isDigit(current) { return make(.dot, start) }
                return try readNumeral(start: start)
            case 0x30...0x39:
                return try readNumeral(start: start)
            case EOZ:
                return make(.eos, start)
            default:
                if isAlpha(c) {
                    repeat { pos += 1 } while isAlnum(current)
                    if let kw = keyword(start, pos - start) { return make(kw, start) }
                    var t = make(.name, start)
                    t.text = Array(source[start..<pos])
                    return t
                }
                pos += 1
                var t = make(singleCharKind(c), start)
                t.byte = UInt8(c)
                return t
            }
        }
    }

    private func singleCharKind(_ c: Int) -> TokenKind {
        switch c {
        case 0x2B: return .plus
        case 0x2A: return .star
        case 0x25: return .percent
        case 0x5E: return .caret
        case 0x23: return .hash
        case 0x26: return .amp
        case 0x7C: return .pipe
        case 0x28: return .lparen
        case 0x29: return .rparen
        case 0x7B: return .lbrace
        case 0x7D: return .rbrace
        case 0x5D: return .rbracket
        case 0x3B: return .semicolon
        case 0x2C: return .comma
        default: return .other
        }
    }

    // MARK: Keywords

    @inline(__always) private func at(_ start: Int, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        let p = word.utf8Start
        for i in 1..<n where source[start + i] != p[i] { return false }   // [0] already matched
        return true
    }

    /// Recognises reserved words without allocating.
    private func keyword(_ s: Int, _ len: Int) -> TokenKind? {
        guard len >= 2 && len <= 8 else { return nil }
        switch source[s] {
        case UInt8(ascii: "a"): return len == 3 && at(s, "and") ? .kwAnd : nil
        case UInt8(ascii: "b"): return len == 5 && at(s, "break") ? .kwBreak : nil
        case UInt8(ascii: "d"): return len == 2 && at(s, "do") ? .kwDo : nil
        case UInt8(ascii: "e"):
            if len == 3 { return at(s, "end") ? .kwEnd : nil }
            if len == 4 { return at(s, "else") ? .kwElse : nil }
            if len == 6 { return at(s, "elseif") ? .kwElseif : nil }
            return nil
        case UInt8(ascii: "f"):
            if len == 3 { return at(s, "for") ? .kwFor : nil }
            if len == 5 { return at(s, "false") ? .kwFalse : nil }
            if len == 8 { return at(s, "function") ? .kwFunction : nil }
            return nil
        case UInt8(ascii: "g"): return len == 4 && at(s, "goto") ? .kwGoto : nil
        case UInt8(ascii: "i"):
            if len != 2 { return nil }
            if source[s + 1] == UInt8(ascii: "f") { return .kwIf }
            if source[s + 1] == UInt8(ascii: "n") { return .kwIn }
            return nil
        case UInt8(ascii: "l"): return len == 5 && at(s, "local") ? .kwLocal : nil
        case UInt8(ascii: "n"):
            if len != 3 { return nil }
            if at(s, "nil") { return .kwNil }
            if at(s, "not") { return .kwNot }
            return nil
        case UInt8(ascii: "o"): return len == 2 && at(s, "or") ? .kwOr : nil
        case UInt8(ascii: "r"):
            if len != 6 { return nil }
            if at(s, "return") { return .kwReturn }
            if at(s, "repeat") { return .kwRepeat }
            return nil
        case UInt8(ascii: "t"):
            if len != 4 { return nil }
            if at(s, "then") { return .kwThen }
            if at(s, "true") { return .kwTrue }
            return nil
        case UInt8(ascii: "u"): return len == 5 && at(s, "until") ? .kwUntil : nil
        case UInt8(ascii: "w"): return len == 5 && at(s, "while") ? .kwWhile : nil
        default: return nil
        }
    }

    // MARK: Long brackets

    /// skip_sep: at '[' or ']'; skips it and any '='. Returns level+2 for a well-formed
    /// bracket, 1 for a lone bracket, 0 for '[=...' not followed by a second bracket.
    private mutating func skipSep() -> Int {
        let s = current
        var count = 0
        pos += 1
        while current == C.eq { pos += 1; count += 1 }
        return current == s ? count + 2 : (count == 0 ? 1 : 0)
    }

    /// read_long_string: positioned at the second bracket of the opening delimiter.
    private mutating func readLongString(sep: Int, isComment: Bool) throws(SyntaxError) -> [UInt8] {
        let startLine = line
        pos += 1                                   // skip 2nd '['
        if isNewline(current) { incLine() }        // skip first newline
        var out: [UInt8] = []
        var seg = pos
        while true {
            switch current {
            case EOZ:
                let what = isComment ? "comment" : "string"
                throw error("unfinished long \(what) (starting at line \(startLine))", .eos)
            case C.rbracket:
                let p = pos
                if skipSep() == sep {
                    if !isComment { out.append(contentsOf: source[seg..<p]) }
                    pos += 1                       // skip 2nd ']'
                    return out
                }
            case C.nl, C.cr:
                if !isComment {
                    out.append(contentsOf: source[seg..<pos])
                    out.append(UInt8(C.nl))
                }
                incLine()
                seg = pos
            default:
                pos += 1
            }
        }
    }

    // MARK: Short strings

    private mutating func readString(delimiter del: Int) throws(SyntaxError) -> Token {
        let start = pos
        pos += 1
        // Fast path: no escapes, no line breaks.
        var p = pos
        let n = source.count
        while p < n {
            let b = Int(source[p])
            if b == del || b == C.backslash || b == C.nl || b == C.cr { break }
            p += 1
        }
        var t = Token(kind: .string, line: line, start: start, end: start)
        t.byte = UInt8(del)
        if p < n && Int(source[p]) == del {
            t.text = Array(source[pos..<p])
            pos = p + 1
            t.end = pos
            return t
        }
        // Slow path, mirroring read_string and its buffer (delimiter kept for messages).
        buf.removeAll(keepingCapacity: true)
        buf.append(UInt8(del))
        buf.append(contentsOf: source[pos..<p])
        pos = p
        while current != del {
            switch current {
            case EOZ:
                throw error("unfinished string", .eos)
            case C.nl, C.cr:
                throw error("unfinished string", .buffer)
            case C.backslash:
                buf.append(UInt8(C.backslash))     // keep '\\' for error messages
                pos += 1
                let e = current
                var c: Int
                switch e {
                case 0x61: c = 0x07                 // \a
                case 0x62: c = 0x08                 // \b
                case 0x66: c = 0x0C                 // \f
                case 0x6E: c = 0x0A                 // \n
                case 0x72: c = 0x0D                 // \r
                case 0x74: c = 0x09                 // \t
                case 0x76: c = 0x0B                 // \v
                case 0x78: c = try readHexEscape()  // \xXX
                case 0x75:                          // \u{XXX}
                    try readUTF8Escape()
                    continue
                case C.nl, C.cr:
                    incLine()
                    buf.removeLast()
                    buf.append(UInt8(C.nl))
                    continue
                case C.backslash, C.quote, C.apos:
                    c = e
                case EOZ:
                    continue                        // error on next iteration
                case 0x7A:                          // \z
                    buf.removeLast()
                    pos += 1
                    while isSpace(current) {
                        if isNewline(current) { incLine() } else { pos += 1 }
                    }
                    continue
                default:
                    try escCheck(isDigit(e), "invalid escape sequence")
                    c = try readDecimalEscape()
                    buf.removeLast()                // remove '\\'
                    buf.append(UInt8(c))
                    continue
                }
                pos += 1                            // read_save
                buf.removeLast()                    // only_save: remove '\\'
                buf.append(UInt8(c))
            default:
                let s = pos
                pos += 1
                while true {
                    let b = current
                    if b == del || b == C.backslash || b == EOZ || isNewline(b) { break }
                    pos += 1
                }
                buf.append(contentsOf: source[s..<pos])
            }
        }
        pos += 1                                    // skip closing delimiter
        t.text = Array(buf[1...])
        t.end = pos
        t.line = line
        return t
    }

    /// esccheck: on failure, adds the current character to the buffer and raises `msg`.
    private mutating func escCheck(_ ok: Bool, _ msg: String) throws(SyntaxError) {
        if !ok {
            if current != EOZ { buf.append(UInt8(current)); pos += 1 }
            throw error(msg, .buffer)
        }
    }

    private mutating func getHexa() throws(SyntaxError) -> Int {
        buf.append(UInt8(current)); pos += 1        // save_and_next
        try escCheck(isXDigit(current), "hexadecimal digit expected")
        return hexValue(current)
    }

    private mutating func readHexEscape() throws(SyntaxError) -> Int {
        var r = try getHexa()
        r = (r << 4) + (try getHexa())
        buf.removeLast(2)
        return r                                    // current is the 2nd digit (read_save skips it)
    }

    private mutating func readUTF8Escape() throws(SyntaxError) {
        var removeCount = 4                         // '\', 'u', '{', and first digit
        buf.append(UInt8(current)); pos += 1        // skip 'u'
        try escCheck(current == 0x7B, "missing '{'")
        var r = UInt32(try getHexa())               // at least one digit
        while true {
            buf.append(UInt8(current)); pos += 1    // save_and_next
            if !isXDigit(current) { break }
            removeCount += 1
            try escCheck(r <= (0x7FFF_FFFF >> 4), "UTF-8 value too large")
            r = (r << 4) + UInt32(hexValue(current))
        }
        try escCheck(current == 0x7D, "missing '}'")
        pos += 1                                    // skip '}'
        buf.removeLast(removeCount)
        appendUTF8(r, to: &buf)
    }

    private mutating func readDecimalEscape() throws(SyntaxError) -> Int {
        var r = 0
        var i = 0
        while i < 3 && isDigit(current) {
            r = 10 * r + current - 0x30
            buf.append(UInt8(current)); pos += 1
            i += 1
        }
        try escCheck(r <= 255, "decimal escape too large")
        buf.removeLast(i)
        return r
    }

    // MARK: Numerals

    /// read_numeral. `start` is where the numeral's text begins (possibly a leading '.').
    private mutating func readNumeral(start: Int) throws(SyntaxError) -> Token {
        var e1 = 0x45, e2 = 0x65                    // "Ee"
        let first = current
        pos += 1
        if first == 0x30 && (current == 0x78 || current == 0x58) {
            pos += 1
            e1 = 0x50; e2 = 0x70                    // "Pp"
        }
        while true {
            let c = current
            if c == e1 || c == e2 {
                pos += 1
                if current == 0x2B || current == C.minus { pos += 1 }
            } else if isXDigit(c) || c == C.dot {
                pos += 1
            } else {
                break
            }
        }
        if isAlpha(current) { pos += 1 }           // numeral touching a letter: force an error
        var t = make(.int, start)
        switch convertNumeral(source[start..<pos]) {
        case .int(let v): t.intValue = v
        case .float(let d): t.kind = .float; t.floatValue = d
        case nil:
            buf = Array(source[start..<pos])
            throw error("malformed number", .buffer)
        }
        return t
    }
}

// MARK: - Numeral conversion (luaO_str2num restricted to what the lexer can produce)

package enum NumeralValue: Equatable, Sendable {
    case int(Int64)
    case float(Double)
}

/// Converts a numeral's text like lua5.4's luaO_str2num: integer if it fits (hex integers
/// wrap around modulo 2^64, decimal integers that overflow become floats), else a float via
/// strtod rules (including hexadecimal floats). Returns nil for malformed text.
/// Leading/trailing spaces and a leading '-' are accepted, as in lua.
package func convertNumeral<S: Collection>(_ text: S) -> NumeralValue? where S.Element == UInt8 {
    let bytes = Array(text)
    if let i = str2int(bytes) { return .int(i) }
    // l_str2d: reject 'inf'/'nan'
    for b in bytes where b == UInt8(ascii: "n") || b == UInt8(ascii: "N") { return nil }
    var lo = 0, hi = bytes.count
    while lo < hi && isSpace(Int(bytes[lo])) { lo += 1 }
    while hi > lo && isSpace(Int(bytes[hi - 1])) { hi -= 1 }
    guard lo < hi else { return nil }
    let s = String(decoding: bytes[lo..<hi], as: UTF8.self)
    guard let d = Double(s) else { return nil }
    return .float(d)
}

private func str2int(_ s: [UInt8]) -> Int64? {
    var i = 0
    let n = s.count
    while i < n && isSpace(Int(s[i])) { i += 1 }
    var neg = false
    if i < n && s[i] == UInt8(ascii: "-") { neg = true; i += 1 }
    else if i < n && s[i] == UInt8(ascii: "+") { i += 1 }
    var a: UInt64 = 0
    var empty = true
    if i + 1 < n && s[i] == 0x30 && (s[i + 1] == 0x78 || s[i + 1] == 0x58) {
        i += 2
        while i < n && isXDigit(Int(s[i])) {
            a = a &* 16 &+ UInt64(hexValue(Int(s[i])))
            empty = false
            i += 1
        }
    } else {
        let maxBy10 = UInt64(Int64.max) / 10
        let maxLastD = UInt64(Int64.max) % 10
        while i < n && isDigit(Int(s[i])) {
            let d = UInt64(s[i] - 0x30)
            if a >= maxBy10 && (a > maxBy10 || d > maxLastD + (neg ? 1 : 0)) { return nil }
            a = a * 10 + d
            empty = false
            i += 1
        }
    }
    while i < n && isSpace(Int(s[i])) { i += 1 }
    if empty || i != n { return nil }
    return Int64(bitPattern: neg ? 0 &- a : a)
}

/// luaO_utf8esc: encodes `x` (<= 0x7FFFFFFF) with lua's extended UTF-8 (up to 6 bytes).
package func appendUTF8(_ value: UInt32, to out: inout [UInt8]) {
    var x = value
    if x < 0x80 { out.append(UInt8(x)); return }
    var tmp: [UInt8] = []
    var mfb: UInt32 = 0x3F                          // maximum that fits in first byte
    repeat {
        tmp.append(UInt8(0x80 | (x & 0x3F)))
        x >>= 6
        mfb >>= 1
    } while x > mfb
    tmp.append(UInt8(truncatingIfNeeded: (~mfb << 1) | x))
    out.append(contentsOf: tmp.reversed())
}
