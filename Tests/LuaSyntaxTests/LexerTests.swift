import XCTest
@testable import LuaSyntax

final class LexerTests: XCTestCase {
    /// All tokens of `src` (up to and including <eof>).
    func tokens(_ src: String) throws -> [Token] {
        var lex = Lexer(source: Array(src.utf8), chunkName: "=input")
        var out: [Token] = []
        while true {
            let t = try lex.next()
            out.append(t)
            if t.kind == .eos { return out }
        }
    }

    func kinds(_ src: String) throws -> [TokenKind] { try tokens(src).map(\.kind) }

    func single(_ src: String) throws -> Token {
        let ts = try tokens(src)
        XCTAssertEqual(ts.count, 2, "expected one token in \(src)")
        return ts[0]
    }

    func lexError(_ src: [UInt8]) -> String? {
        var lex = Lexer(source: src, chunkName: "=input")
        do {
            while try lex.next().kind != .eos {}
            return nil
        } catch {
            return error.message
        }
    }

    func lexError(_ src: String) -> String? { lexError(Array(src.utf8)) }

    // MARK: Symbols and keywords

    func testOperators() throws {
        XCTAssertEqual(try kinds("+ - * / // % ^ # & ~ | << >> == ~= <= >= < > = ( ) { } [ ] :: ; : , . .. ..."),
                       [.plus, .minus, .star, .slash, .idiv, .percent, .caret, .hash, .amp, .tilde, .pipe,
                        .shl, .shr, .eq, .ne, .le, .ge, .lt, .gt, .assign, .lparen, .rparen, .lbrace, .rbrace,
                        .lbracket, .rbracket, .dbcolon, .semicolon, .colon, .comma, .dot, .concat, .dots, .eos])
        // Maximal munch without spaces.
        XCTAssertEqual(try kinds("a<<=b>>=c....d"),
                       [.name, .shl, .assign, .name, .shr, .assign, .name, .dots, .dot, .name, .eos])
        XCTAssertEqual(try kinds("~==:::"), [.ne, .assign, .dbcolon, .colon, .eos])
        XCTAssertEqual(try kinds("///"), [.idiv, .slash, .eos])
    }

    func testKeywords() throws {
        let src = "and break do else elseif end false for function goto if in local nil not or repeat return then true until while"
        XCTAssertEqual(try kinds(src),
                       [.kwAnd, .kwBreak, .kwDo, .kwElse, .kwElseif, .kwEnd, .kwFalse, .kwFor, .kwFunction,
                        .kwGoto, .kwIf, .kwIn, .kwLocal, .kwNil, .kwNot, .kwOr, .kwRepeat, .kwReturn, .kwThen,
                        .kwTrue, .kwUntil, .kwWhile, .eos])
        // Near-keywords are names.
        for n in ["andx", "an", "End", "ends", "iff", "i", "nill", "no", "ors", "whilst", "_", "_G", "x1", "functions", "gotos", "repeats"] {
            let t = try single(n)
            XCTAssertEqual(t.kind, .name, n)
            XCTAssertEqual(t.text, Array(n.utf8))
        }
    }

    func testOtherBytes() throws {
        let t = try single("@")
        XCTAssertEqual(t.kind, .other)
        XCTAssertEqual(t.byte, UInt8(ascii: "@"))
        XCTAssertEqual(t.nearText(source: Array("@".utf8)), Array("'@'".utf8))
        var lex = Lexer(source: [0x01, 0xC3], chunkName: "=x")
        let a = try lex.next(), b = try lex.next()
        XCTAssertEqual(a.nearText(source: []), Array("'<\\1>'".utf8))
        XCTAssertEqual(b.nearText(source: []), Array("'<\\195>'".utf8))
    }

    // MARK: Numerals

    func int(_ s: String) throws -> Int64? {
        let t = try single(s)
        return t.kind == .int ? t.intValue : nil
    }

    func flt(_ s: String) throws -> Double? {
        let t = try single(s)
        return t.kind == .float ? t.floatValue : nil
    }

    func testIntegers() throws {
        XCTAssertEqual(try int("0"), 0)
        XCTAssertEqual(try int("00012"), 12)
        XCTAssertEqual(try int("9223372036854775807"), Int64.max)
        XCTAssertEqual(try int("0xA"), 10)
        XCTAssertEqual(try int("0Xa"), 10)
        XCTAssertEqual(try int("0x7fffffffffffffff"), Int64.max)
        XCTAssertEqual(try int("0x8000000000000000"), Int64.min)
        XCTAssertEqual(try int("0xffffffffffffffff"), -1)          // wraps around
        XCTAssertEqual(try int("0x10000000000000001"), 1)          // modulo 2^64
    }

    func testFloats() throws {
        XCTAssertEqual(try flt("9223372036854775808"), 9223372036854775808.0)   // overflow -> float
        XCTAssertEqual(try flt("18446744073709551616"), 18446744073709551616.0)
        XCTAssertEqual(try flt("1e2"), 100)
        XCTAssertEqual(try flt("1E+2"), 100)
        XCTAssertEqual(try flt("2.5e-3"), 0.0025)
        XCTAssertEqual(try flt(".5"), 0.5)
        XCTAssertEqual(try flt("3."), 3)
        XCTAssertEqual(try flt("3.e2"), 300)
        XCTAssertEqual(try flt("0.1"), 0.1)
        XCTAssertEqual(try flt("1e400"), .infinity)
        XCTAssertEqual(try flt("1e-400"), 0)
        XCTAssertEqual(try flt("0x1p4"), 16)
        XCTAssertEqual(try flt("0x.8"), 0.5)
        XCTAssertEqual(try flt("0xA.8p1"), 21)
        XCTAssertEqual(try flt("0x1P-2"), 0.25)
        XCTAssertEqual(try flt("0x1.8"), 1.5)
        XCTAssertEqual(try flt("0x1p-1074"), Double.leastNonzeroMagnitude)
        XCTAssertEqual(try flt("2.2250738585072014e-308"), 2.2250738585072014e-308)
        XCTAssertEqual(try flt("0.30000000000000004"), 0.30000000000000004)
    }

    func testMalformedNumbers() {
        XCTAssertEqual(lexError("3x"), "input:1: malformed number near '3x'")
        XCTAssertEqual(lexError("1e"), "input:1: malformed number near '1e'")
        XCTAssertEqual(lexError("1e+"), "input:1: malformed number near '1e+'")
        XCTAssertEqual(lexError("0x"), "input:1: malformed number near '0x'")
        XCTAssertEqual(lexError("0x1p"), "input:1: malformed number near '0x1p'")
        XCTAssertEqual(lexError("0x.p1"), "input:1: malformed number near '0x.p1'")
        XCTAssertEqual(lexError("1..2"), "input:1: malformed number near '1..2'")
        XCTAssertEqual(lexError(".5."), "input:1: malformed number near '.5.'")
        XCTAssertEqual(lexError("0xep"), "input:1: malformed number near '0xep'")
        XCTAssertEqual(lexError("3abcg"), "input:1: malformed number near '3abcg'")
    }

    func testConvertNumeral() {
        XCTAssertEqual(convertNumeral(Array(" 10 ".utf8)), .int(10))
        XCTAssertEqual(convertNumeral(Array("-0x10".utf8)), .int(-16))
        XCTAssertEqual(convertNumeral(Array("-9223372036854775808".utf8)), .int(Int64.min))
        XCTAssertEqual(convertNumeral(Array("9223372036854775808".utf8)), .float(9223372036854775808.0))
        XCTAssertEqual(convertNumeral(Array("1e1".utf8)), .float(10))
        XCTAssertNil(convertNumeral(Array("inf".utf8)))
        XCTAssertNil(convertNumeral(Array("nan".utf8)))
        XCTAssertNil(convertNumeral(Array("".utf8)))
        XCTAssertNil(convertNumeral(Array("1x".utf8)))
    }

    // MARK: Strings

    func str(_ s: String) throws -> [UInt8] {
        let t = try single(s)
        XCTAssertEqual(t.kind, .string)
        return t.text
    }

    func testShortStrings() throws {
        XCTAssertEqual(try str("'abc'"), Array("abc".utf8))
        XCTAssertEqual(try str("\"a'b\""), Array("a'b".utf8))
        XCTAssertEqual(try str("'a\"b'"), Array("a\"b".utf8))
        XCTAssertEqual(try str("''"), [])
        XCTAssertEqual(try str(#"'\a\b\f\n\r\t\v\\\"\''"#), [7, 8, 12, 10, 13, 9, 11, 92, 34, 39])
        XCTAssertEqual(try str(#"'\x41\xff\x00\xFf'"#), [0x41, 0xFF, 0, 0xFF])
        XCTAssertEqual(try str(#"'\65\0\00\000\0000\255\1234'"#), [65, 0, 0, 0, 0, 48, 255, 123, 52])
        XCTAssertEqual(try str("'a\\\nb'"), Array("a\nb".utf8))
        XCTAssertEqual(try str("'a\\\r\nb'"), Array("a\nb".utf8))       // \r\n is one line break
        XCTAssertEqual(try str("'a\\\n\rb'"), Array("a\nb".utf8))
        XCTAssertEqual(try str("'a\\z  \n\t\r\n  b'"), Array("ab".utf8))
        XCTAssertEqual(try str("'a\\zb'"), Array("ab".utf8))
    }

    func testUTF8Escapes() throws {
        XCTAssertEqual(try str(#"'\u{41}'"#), [0x41])
        XCTAssertEqual(try str(#"'\u{0}'"#), [0])
        XCTAssertEqual(try str(#"'\u{7FF}\u{800}\u{FFFF}\u{10000}'"#),
                       [223, 191, 224, 160, 128, 239, 191, 191, 240, 144, 128, 128])
        XCTAssertEqual(try str(#"'\u{10FFFF}'"#), [244, 143, 191, 191])
        XCTAssertEqual(try str(#"'\u{80000}'"#), [242, 128, 128, 128])
        XCTAssertEqual(try str(#"'\u{3FFFFFF}'"#), [251, 191, 191, 191, 191])
        XCTAssertEqual(try str(#"'\u{4000000}'"#), [252, 132, 128, 128, 128, 128])
        XCTAssertEqual(try str(#"'\u{7FFFFFFF}'"#), [253, 191, 191, 191, 191, 191])
        XCTAssertEqual(try str(#"'\u{00000041}'"#), [0x41])
    }

    func testStringErrors() {
        XCTAssertEqual(lexError(#"x = "a\qb""#), #"input:1: invalid escape sequence near '"a\q'"#)
        XCTAssertEqual(lexError(#"x = "a\x4g""#), #"input:1: hexadecimal digit expected near '"a\x4g'"#)
        XCTAssertEqual(lexError(#"x = "a\x""#), #"input:1: hexadecimal digit expected near '"a\x"'"#)
        XCTAssertEqual(lexError(#"x = "a\300""#), #"input:1: decimal escape too large near '"a\300"'"#)
        XCTAssertEqual(lexError(#"x = "a\256"#), #"input:1: decimal escape too large near '"a\256'"#)
        XCTAssertEqual(lexError(#"x = "a\u{110000000}""#), #"input:1: UTF-8 value too large near '"a\u{110000000'"#)
        XCTAssertEqual(lexError(#"x = "a\u{80000000}""#), #"input:1: UTF-8 value too large near '"a\u{80000000'"#)
        XCTAssertEqual(lexError(#"x = "a\u{}""#), #"input:1: hexadecimal digit expected near '"a\u{}'"#)
        XCTAssertEqual(lexError(#"x = "a\u{12""#), #"input:1: missing '}' near '"a\u{12"'"#)
        XCTAssertEqual(lexError(#"x = "a\u12""#), #"input:1: missing '{' near '"a\u1'"#)
        XCTAssertEqual(lexError(#"x = "a\u"#), #"input:1: missing '{' near '"a\u'"#)
        XCTAssertEqual(lexError(#"x = "a\"#), "input:1: unfinished string near <eof>")
        XCTAssertEqual(lexError(#"x = "a"#), "input:1: unfinished string near <eof>")
        XCTAssertEqual(lexError("x = \"a\nb\""), #"input:1: unfinished string near '"a'"#)
        XCTAssertEqual(lexError("x = \"a\\tb\\65\nb\""), "input:1: unfinished string near '\"a\tbA'")
        XCTAssertEqual(lexError("x = \"a\\z \n\n b\n"), "input:3: unfinished string near '\"ab'")
        // A NUL ends the excerpt, as with C's %s.
        XCTAssertEqual(lexError([0x22, 0x61, 0x00, 0x62, 0x0A]), #"input:1: unfinished string near '"a'"#)
    }

    // MARK: Long brackets

    func testLongStrings() throws {
        XCTAssertEqual(try str("[[abc]]"), Array("abc".utf8))
        XCTAssertEqual(try str("[[\nabc]]"), Array("abc".utf8))              // first newline skipped
        XCTAssertEqual(try str("[[\r\nabc]]"), Array("abc".utf8))
        XCTAssertEqual(try str("[[\n\nabc]]"), Array("\nabc".utf8))
        XCTAssertEqual(try str("[==[a]]b]=]c]==]"), Array("a]]b]=]c".utf8))
        XCTAssertEqual(try str("[=[a\r\nb\n\rc\rd]=]"), Array("a\nb\nc\nd".utf8))
        XCTAssertEqual(try str("[[a\\n]]"), Array("a\\n".utf8))              // no escapes
        let t = try single("[==[x\ny]==]")
        XCTAssertEqual(t.longLevel, 2)
        XCTAssertEqual(t.line, 2)
        XCTAssertEqual(t.nearText(source: []), Array("'[==[x\ny]==]'".utf8))
    }

    func testLongBracketErrors() {
        XCTAssertEqual(lexError("x = [==[abc]=]"), "input:1: unfinished long string (starting at line 1) near <eof>")
        XCTAssertEqual(lexError("x = [[\n\nabc"), "input:3: unfinished long string (starting at line 1) near <eof>")
        XCTAssertEqual(lexError("--[==[ abc\n\n"), "input:3: unfinished long comment (starting at line 1) near <eof>")
        XCTAssertEqual(lexError("x = [=abc"), "input:1: invalid long string delimiter near '[='")
        XCTAssertEqual(lexError("x = [==abc"), "input:1: invalid long string delimiter near '[=='")
    }

    func testComments() throws {
        XCTAssertEqual(try kinds("a -- comment\nb"), [.name, .name, .eos])
        XCTAssertEqual(try kinds("a --[[ long\n comment ]] b"), [.name, .name, .eos])
        XCTAssertEqual(try kinds("a --[==[ ]] ]=] ]==] b"), [.name, .name, .eos])
        XCTAssertEqual(try kinds("a --[ not long\nb"), [.name, .name, .eos])
        XCTAssertEqual(try kinds("a --[= not long\nb"), [.name, .name, .eos])
        XCTAssertEqual(try kinds("a - - b"), [.name, .minus, .minus, .name, .eos])
        XCTAssertEqual(try kinds("-- only a comment"), [.eos])
    }

    // MARK: Lines

    func testLineCounting() throws {
        let ts = try tokens("a\nb\r\nc\n\rd\re\n\nf\r\rg")
        XCTAssertEqual(ts.map(\.line), [1, 2, 3, 4, 5, 7, 9, 9])
        let ls = try tokens("a --[[\n\n]] b [[\n]] c")
        XCTAssertEqual(ls.map(\.line), [1, 3, 4, 4, 4])
        let esc = try tokens("'a\\\nb\\z\n\n' c")
        XCTAssertEqual(esc.map(\.line), [4, 4, 4])
    }

    func testNearText() throws {
        let src = Array("foo 0x1F 'a\\tb' [=[x]=] ==".utf8)
        var lex = Lexer(source: src, chunkName: "=x")
        var near: [String] = []
        while true {
            let t = try lex.next()
            near.append(String(decoding: t.nearText(source: src) ?? [], as: UTF8.self))
            if t.kind == .eos { break }
        }
        XCTAssertEqual(near, ["'foo'", "'0x1F'", "'\'a\tb\''", "'[=[x]=]'", "'=='", "<eof>"])
    }

    func testUTF8Encoder() {
        var out: [UInt8] = []
        appendUTF8(0x7F, to: &out)
        appendUTF8(0x80, to: &out)
        appendUTF8(0x7FFFFFFF, to: &out)
        XCTAssertEqual(out, [0x7F, 0xC2, 0x80, 253, 191, 191, 191, 191, 191])
    }
}
