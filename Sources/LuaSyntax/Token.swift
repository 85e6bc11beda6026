// Tokens produced by the lexer.

package enum TokenKind: UInt8, Sendable {
    // Reserved words (same order as lua5.4's llex.h).
    case kwAnd, kwBreak, kwDo, kwElse, kwElseif, kwEnd, kwFalse, kwFor, kwFunction, kwGoto, kwIf,
         kwIn, kwLocal, kwNil, kwNot, kwOr, kwRepeat, kwReturn, kwThen, kwTrue, kwUntil, kwWhile
    // Multi-character symbols.
    case idiv       // //
    case concat     // ..
    case dots       // ...
    case eq         // ==
    case ge         // >=
    case le         // <=
    case ne         // ~=
    case shl        // <<
    case shr        // >>
    case dbcolon    // ::
    case eos        // end of stream
    // Tokens with a value.
    case float, int, name, string
    // Single-character symbols.
    case plus, minus, star, slash, percent, caret, hash, amp, tilde, pipe, lt, gt, assign,
         lparen, rparen, lbrace, rbrace, lbracket, rbracket, semicolon, colon, comma, dot
    /// Any other single byte (e.g. '@', '$', control characters); `Token.byte` holds it.
    case other

    /// The single byte of a single-character token kind.
    package var singleByte: UInt8? {
        switch self {
        case .plus: return UInt8(ascii: "+")
        case .minus: return UInt8(ascii: "-")
        case .star: return UInt8(ascii: "*")
        case .slash: return UInt8(ascii: "/")
        case .percent: return UInt8(ascii: "%")
        case .caret: return UInt8(ascii: "^")
        case .hash: return UInt8(ascii: "#")
        case .amp: return UInt8(ascii: "&")
        case .tilde: return UInt8(ascii: "~")
        case .pipe: return UInt8(ascii: "|")
        case .lt: return UInt8(ascii: "<")
        case .gt: return UInt8(ascii: ">")
        case .assign: return UInt8(ascii: "=")
        case .lparen: return UInt8(ascii: "(")
        case .rparen: return UInt8(ascii: ")")
        case .lbrace: return UInt8(ascii: "{")
        case .rbrace: return UInt8(ascii: "}")
        case .lbracket: return UInt8(ascii: "[")
        case .rbracket: return UInt8(ascii: "]")
        case .semicolon: return UInt8(ascii: ";")
        case .colon: return UInt8(ascii: ":")
        case .comma: return UInt8(ascii: ",")
        case .dot: return UInt8(ascii: ".")
        default: return nil
        }
    }

    /// The spelling lua uses in messages (luaX_tokens), without quotes.
    package var spelling: String {
        switch self {
        case .kwAnd: return "and"
        case .kwBreak: return "break"
        case .kwDo: return "do"
        case .kwElse: return "else"
        case .kwElseif: return "elseif"
        case .kwEnd: return "end"
        case .kwFalse: return "false"
        case .kwFor: return "for"
        case .kwFunction: return "function"
        case .kwGoto: return "goto"
        case .kwIf: return "if"
        case .kwIn: return "in"
        case .kwLocal: return "local"
        case .kwNil: return "nil"
        case .kwNot: return "not"
        case .kwOr: return "or"
        case .kwRepeat: return "repeat"
        case .kwReturn: return "return"
        case .kwThen: return "then"
        case .kwTrue: return "true"
        case .kwUntil: return "until"
        case .kwWhile: return "while"
        case .idiv: return "//"
        case .concat: return ".."
        case .dots: return "..."
        case .eq: return "=="
        case .ge: return ">="
        case .le: return "<="
        case .ne: return "~="
        case .shl: return "<<"
        case .shr: return ">>"
        case .dbcolon: return "::"
        case .eos: return "<eof>"
        case .float: return "<number>"
        case .int: return "<integer>"
        case .name: return "<name>"
        case .string: return "<string>"
        case .other: return "?"
        default: return String(UnicodeScalar(singleByte!))
        }
    }

    /// lua5.4's luaX_token2str: symbols and reserved words quoted, `<eof>`/`<name>`/... bare.
    package var token2str: String {
        switch self {
        case .eos, .float, .int, .name, .string: return spelling
        default: return "'" + spelling + "'"
        }
    }
}

/// One token. `line` is the lexer's line counter right after scanning the token (lua's
/// `ls->linenumber` while this token is current), i.e. the line where the token ends.
package struct Token: Sendable {
    package var kind: TokenKind
    package var line: Int
    /// Byte range of the token's source text (names and numerals use it for messages).
    package var start: Int
    package var end: Int
    /// Name bytes, or the decoded contents of a string literal.
    package var text: LuaBytes = []
    package var intValue: Int64 = 0
    package var floatValue: Double = 0
    /// For `.other`: the byte. For short strings: the delimiter.
    package var byte: UInt8 = 0
    /// For strings: -1 for a short string, else the level (number of '=') of the long bracket.
    package var longLevel: Int = -1

    package init(kind: TokenKind, line: Int, start: Int, end: Int) {
        self.kind = kind; self.line = line; self.start = start; self.end = end
    }

    /// The text lua5.4 shows after "near" for this token (txtToken in llex.c): names,
    /// numerals and strings show the scanned text in quotes (strings with escapes decoded),
    /// everything else uses token2str. Returns nil for a NUL byte token (lua omits the whole
    /// "near" part then, because the token's code is 0).
    package func nearText(source: [UInt8]) -> [UInt8]? {
        switch kind {
        case .name, .int, .float:
            return Token.quoteBuffer(source[start..<end])
        case .string:
            var out: [UInt8] = []
            if longLevel < 0 {
                out.append(byte); out.append(contentsOf: text); out.append(byte)
            } else {
                out.append(UInt8(ascii: "["))
                out.append(contentsOf: repeatElement(UInt8(ascii: "="), count: longLevel))
                out.append(UInt8(ascii: "["))
                out.append(contentsOf: text)
                out.append(UInt8(ascii: "]"))
                out.append(contentsOf: repeatElement(UInt8(ascii: "="), count: longLevel))
                out.append(UInt8(ascii: "]"))
            }
            return Token.quoteBuffer(out[...])
        case .other:
            return byte == 0 ? nil : Token.quoteChar(byte)
        default:
            return Array(kind.token2str.utf8)
        }
    }

    /// `'text'`, cut at the first NUL like C's `%s`.
    package static func quoteBuffer(_ text: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "'")]
        if let z = text.firstIndex(of: 0) { out.append(contentsOf: text[..<z]) } else { out.append(contentsOf: text) }
        out.append(UInt8(ascii: "'"))
        return out
    }

    /// `'c'` for printable ASCII, `'<\N>'` for anything else (like luaX_token2str).
    package static func quoteChar(_ c: UInt8) -> [UInt8] {
        if c >= 0x20 && c < 0x7F { return [UInt8(ascii: "'"), c, UInt8(ascii: "'")] }
        return Array("'<\\\(c)>'".utf8)
    }
}
