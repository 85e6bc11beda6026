import XCTest
@testable import LuaSyntax

final class ParserTests: XCTestCase {
    func parse(_ src: String, file: StaticString = #filePath, line: UInt = #line) -> Chunk? {
        do {
            return try parseChunk(Array(src.utf8), chunkName: "=input")
        } catch {
            XCTFail("unexpected error: \(error.message)", file: file, line: line)
            return nil
        }
    }

    /// S-expression of the whole chunk.
    func dump(_ src: String, lines: Bool = false, file: StaticString = #filePath, line: UInt = #line) -> String {
        guard let c = parse(src, file: file, line: line) else { return "<error>" }
        return ASTDump(lines: lines).chunk(c)
    }

    /// S-expression of the expression in `return <e>`.
    func expr(_ e: String, lines: Bool = false, file: StaticString = #filePath, line: UInt = #line) -> String {
        guard let c = parse("return " + e, file: file, line: line),
              case .returnStat(let vs, _) = c.body.stats.first, vs.count == 1 else { return "<error>" }
        return ASTDump(lines: lines).expr(vs[0])
    }

    // MARK: Expressions

    func testLiterals() {
        XCTAssertEqual(expr("nil"), "nil")
        XCTAssertEqual(expr("true"), "true")
        XCTAssertEqual(expr("false"), "false")
        XCTAssertEqual(expr("..."), "...")
        XCTAssertEqual(expr("42"), "42")
        XCTAssertEqual(expr("0xffffffffffffffff"), "-1")
        XCTAssertEqual(expr("1.5"), "1.5f")
        XCTAssertEqual(expr("'a\\65'"), "\"aA\"")
        XCTAssertEqual(expr("-1"), "(neg 1)")               // negative numerals are unary minus
        XCTAssertEqual(expr("- -1"), "(neg (neg 1))")
    }

    func testPrecedence() {
        XCTAssertEqual(expr("1 + 2 * 3"), "(add 1 (mul 2 3))")
        XCTAssertEqual(expr("1 * 2 + 3"), "(add (mul 1 2) 3)")
        XCTAssertEqual(expr("1 - 2 - 3"), "(sub (sub 1 2) 3)")          // left assoc
        XCTAssertEqual(expr("a .. b .. c"), "(concat a (concat b c))")  // right assoc
        XCTAssertEqual(expr("2 ^ 3 ^ 2"), "(pow 2 (pow 3 2))")          // right assoc
        XCTAssertEqual(expr("-x ^ 2"), "(neg (pow x 2))")                // ^ binds tighter than unary
        XCTAssertEqual(expr("2 ^ -3"), "(pow 2 (neg 3))")
        XCTAssertEqual(expr("-2 ^ -3 ^ 2"), "(neg (pow 2 (neg (pow 3 2))))")
        XCTAssertEqual(expr("not a == b"), "(eq (not a) b)")
        XCTAssertEqual(expr("#t + 1"), "(add (len t) 1)")
        XCTAssertEqual(expr("a or b and c"), "(or a (and b c))")
        XCTAssertEqual(expr("a and b or c and d"), "(or (and a b) (and c d))")
        XCTAssertEqual(expr("a < b == c"), "(eq (lt a b) c)")
        XCTAssertEqual(expr("a == b and c ~= d"), "(and (eq a b) (ne c d))")
        XCTAssertEqual(expr("a | b ~ c & d << e .. f + g * h ^ i"),
                       "(bor a (bxor b (band c (shl d (concat e (add f (mul g (pow h i))))))))")
        XCTAssertEqual(expr("a .. b < c"), "(lt (concat a b) c)")
        XCTAssertEqual(expr("a << b >> c"), "(shr (shl a b) c)")
        XCTAssertEqual(expr("1 .. 2 + 3"), "(concat 1 (add 2 3))")
        XCTAssertEqual(expr("a // b % c / d"), "(div (mod (idiv a b) c) d)")
        XCTAssertEqual(expr("~a ~ b"), "(bxor (bnot a) b)")
        XCTAssertEqual(expr("a ~ ~b"), "(bxor a (bnot b))")
        XCTAssertEqual(expr("a <= b >= c > d"), "(gt (ge (le a b) c) d)")
        XCTAssertEqual(expr("(a + b) * c"), "(mul (paren (add a b)) c)")
        XCTAssertEqual(expr("not not a"), "(not (not a))")
        XCTAssertEqual(expr("- - a"), "(neg (neg a))")
        XCTAssertEqual(expr("-a.b"), "(neg (index a \"b\"))")
        XCTAssertEqual(expr("#a:b()"), "(len (method a b))")
    }

    func testSuffixes() {
        XCTAssertEqual(expr("a.b.c"), "(index (index a \"b\") \"c\")")
        XCTAssertEqual(expr("a[1][b]"), "(index (index a 1) b)")
        XCTAssertEqual(expr("f(1, 2)"), "(call f 1 2)")
        XCTAssertEqual(expr("f()"), "(call f)")
        XCTAssertEqual(expr("f'x'"), "(call f \"x\")")
        XCTAssertEqual(expr("f[[x]]"), "(call f \"x\")")
        XCTAssertEqual(expr("f{1}"), "(call f (table 1))")
        XCTAssertEqual(expr("o:m(1)"), "(method o m 1)")
        XCTAssertEqual(expr("o:m'x'"), "(method o m \"x\")")
        XCTAssertEqual(expr("o:m{}"), "(method o m (table))")
        XCTAssertEqual(expr("f(1)(2):m(3).x[4]"), "(index (index (method (call (call f 1) 2) m 3) \"x\") 4)")
        XCTAssertEqual(expr("(f)()"), "(call (paren f))")
        XCTAssertEqual(expr("(f())"), "(paren (call f))")
        XCTAssertEqual(expr("(...)"), "(paren ...)")
        XCTAssertEqual(expr("('s'):rep(2)"), "(method (paren \"s\") rep 2)")
    }

    func testTables() {
        XCTAssertEqual(expr("{}"), "(table)")
        XCTAssertEqual(expr("{1, 2; 3,}"), "(table 1 2 3)")
        XCTAssertEqual(expr("{x = 1, [2] = 3, y}"), "(table (x= 1) ([2]= 3) y)")
        XCTAssertEqual(expr("{x == 1}"), "(table (eq x 1))")
        XCTAssertEqual(expr("{f(), ...}"), "(table (call f) ...)")
        XCTAssertEqual(expr("{{}}"), "(table (table))")
    }

    func testFunctionExpressions() {
        XCTAssertEqual(expr("function() end"), "(function () [])")
        XCTAssertEqual(expr("function(a, b) return a end"), "(function (a b) [(return a)])")
        XCTAssertEqual(expr("function(...) return ... end"), "(function (...) [(return ...)])")
        XCTAssertEqual(expr("function(a, ...) end"), "(function (a ...) [])")
    }

    // MARK: Statements

    func testAssignmentsAndCalls() {
        XCTAssertEqual(dump("x = 1"), "[(set (x) (1))]")
        XCTAssertEqual(dump("a, b.c, d[1] = 1, 2"), "[(set (a (index b \"c\") (index d 1)) (1 2))]")
        XCTAssertEqual(dump("f()"), "[(do (call f))]")
        XCTAssertEqual(dump("o:m()"), "[(do (method o m))]")
        XCTAssertEqual(dump("f\n(g)"), "[(do (call f g))]")         // a call, not two statements
        XCTAssertEqual(dump(";;x = 1;;"), "[(set (x) (1))]")
    }

    func testLocals() {
        XCTAssertEqual(dump("local a"), "[(local (a) ())]")
        XCTAssertEqual(dump("local a, b = 1"), "[(local (a b) (1))]")
        XCTAssertEqual(dump("local a <const>, b <close>, c = 1, 2, 3"), "[(local (a<const> b<close> c) (1 2 3))]")
        XCTAssertEqual(dump("local function f(a) end"), "[(localfun f (function :name f (a) []))]")
    }

    func testControlStructures() {
        XCTAssertEqual(dump("do x = 1 end"), "[(block [(set (x) (1))])]")
        XCTAssertEqual(dump("while a do f() end"), "[(while a [(do (call f))])]")
        XCTAssertEqual(dump("repeat local x until x"), "[(repeat [(local (x) ())] x)]")
        XCTAssertEqual(dump("if a then f() end"), "[(if a [(do (call f))])]")
        XCTAssertEqual(dump("if a then elseif b then else end"), "[(if a [] b [] else [])]")
        XCTAssertEqual(dump("if a then break end"), "[(if a [break])]")
        XCTAssertEqual(dump("for i = 1, 10 do end"), "[(fornum i 1 10 [])]")
        XCTAssertEqual(dump("for i = 1, 10, 2 do end"), "[(fornum i 1 10 2 [])]")
        XCTAssertEqual(dump("for k, v in pairs(t) do end"), "[(forin (k v) ((call pairs t)) [])]")
        XCTAssertEqual(dump("for k in a, b, c do end"), "[(forin (k) (a b c) [])]")
        XCTAssertEqual(dump("while true do break end"), "[(while true [break])]")
        XCTAssertEqual(dump("goto done ::done::"), "[(goto done) (label done)]")
        XCTAssertEqual(dump("::a:: ; ::b::"), "[(label a) (label b)]")
    }

    func testReturn() {
        XCTAssertEqual(dump("return"), "[(return)]")
        XCTAssertEqual(dump("return;"), "[(return)]")
        XCTAssertEqual(dump("return 1, ..."), "[(return 1 ...)]")
        XCTAssertEqual(dump("do return end x = 1"), "[(block [(return)]) (set (x) (1))]")
        XCTAssertEqual(dump("if a then return 1 else return 2 end"), "[(if a [(return 1)] else [(return 2)])]")
    }

    func testFunctionStatements() {
        XCTAssertEqual(dump("function f() end"), "[(fundef f (function :name f () []))]")
        XCTAssertEqual(dump("function a.b.c() end"),
                       "[(fundef (index (index a \"b\") \"c\") (function :name a.b.c () []))]")
        XCTAssertEqual(dump("function a.b:m(x, ...) end"),
                       "[(fundef (index (index a \"b\") \"m\") (function :name a.b:m :method (self x ...) []))]")
        guard let c = parse("function t:m() end"),
              case .function(_, let body, _) = c.body.stats[0] else { return XCTFail() }
        XCTAssertTrue(body.isMethod)
        XCTAssertEqual(body.params, [Array("self".utf8)])
        XCTAssertFalse(body.isVararg)
    }

    func testVarargFlags() {
        guard let c = parse("local f = function(a, ...) end"),
              case .local(_, _, let vals, _) = c.body.stats[0],
              case .function(let body) = vals[0] else { return XCTFail() }
        XCTAssertTrue(body.isVararg)
        XCTAssertEqual(body.params, [Array("a".utf8)])
    }

    // MARK: Lines

    func testLines() {
        // Calls report the line where the call chain starts (what lua5.4 reports for errors).
        XCTAssertEqual(dump("f\n(\n1\n)", lines: true), "[(do@1 (call@1 f@1 1@3))]@4")
        XCTAssertEqual(dump("x = a\n.b\n.c()", lines: true),
                       "[(set@1 (x@1) ((call@1 (index@3 (index@2 a@1 \"b\"@2) \"c\"@3))))]@3")
        XCTAssertEqual(dump("a:\nb\n()", lines: true), "[(do@1 (method@1 a@1 b))]@3")
        // Binary and unary operators carry the operator's line.
        XCTAssertEqual(dump("x = a\n+\nb", lines: true), "[(set@1 (x@1) ((add@2 a@1 b@3)))]@3")
        XCTAssertEqual(dump("x = -\na", lines: true), "[(set@1 (x@1) ((neg@1 a@2)))]@2")
        // Index by [k]: the line of the closing bracket.
        XCTAssertEqual(dump("x = t\n[\n1\n]", lines: true), "[(set@1 (x@1) ((index@4 t@1 1@3)))]@4")
        // Tables: line of '{'.
        XCTAssertEqual(dump("x = {\n1\n}", lines: true), "[(set@1 (x@1) ((table@1 1@2)))]@3")
        // Statement lines are the line of their first token; blocks end at their closing token.
        XCTAssertEqual(dump("\nwhile x do\n\nend\n", lines: true), "[(while@2 x@2 []@4)]@5")
        XCTAssertEqual(dump("goto\nlbl", lines: true), "[(goto@2 lbl)]@2")   // lua uses the name's line
        XCTAssertEqual(dump("if a then\nbreak\nend", lines: true), "[(if@1 a@1 [break@2]@3)]@3")
    }

    func testFunctionLines() {
        // linedefined as lua5.4 computes it: `function` statements use the keyword's line,
        // `local function` and anonymous functions the line of the token after the name/keyword.
        XCTAssertEqual(dump("function\nf\n()\nend", lines: true), "[(fundef@1 f@2 (function@1-4 :name f () []@4))]@4")
        XCTAssertEqual(dump("local function\nf\n()\nend", lines: true),
                       "[(localfun@1 f (function@3-4 :name f () []@4))]@4")
        XCTAssertEqual(dump("x = function\n\n()\nend", lines: true),
                       "[(set@1 (x@1) ((function@3-4 () []@4)))]@4")
    }

    func testLookaheadLineQuirk() {
        // Inside a table, lua scans a lookahead after a name, which advances its line counter:
        // the name and the call then get the lookahead token's line.
        XCTAssertEqual(dump("t = {f\n(1)}", lines: true), "[(set@1 (t@1) ((table@1 (call@2 f@2 1@2))))]@2")
    }

    // MARK: Misc

    func testShebang() {
        XCTAssertEqual(skipShebang(Array("#!/usr/bin/lua\nx = 1".utf8)), Array("\nx = 1".utf8))
        XCTAssertEqual(skipShebang(Array("#!lua".utf8)), Array("\n".utf8))
        XCTAssertEqual(skipShebang(Array("x = 1".utf8)), Array("x = 1".utf8))
        XCTAssertEqual(skipBOMAndShebang([0xEF, 0xBB, 0xBF] + Array("# c\nx".utf8)), Array("\nx".utf8))
        XCTAssertEqual(skipBOMAndShebang([0xEF, 0xBB, 0xBF] + Array("x".utf8)), Array("x".utf8))
        // Line numbers stay right.
        let src = skipShebang(Array("#!/bin/lua\nx = = 1".utf8))
        XCTAssertThrowsError(try parseChunk(src, chunkName: "@s.lua")) { e in
            XCTAssertEqual((e as? SyntaxError)?.message, "s.lua:2: unexpected symbol near '='")
        }
    }

    func testChunkName() {
        XCTAssertEqual(parse("x = 1")?.chunkName, "=input")
    }

    func testChunkLines() {
        // endLine is the <eof> line; lastTokenLine the line of the last token (lua's lastline).
        XCTAssertEqual(parse("x=1\n\n\n").map { [$0.body.endLine, $0.lastTokenLine] }, [4, 1])
        XCTAssertEqual(parse("local x = [[\n\n]] -- c\n").map { [$0.body.endLine, $0.lastTokenLine] }, [4, 3])
        XCTAssertEqual(parse("").map { [$0.body.endLine, $0.lastTokenLine] }, [1, 1])
        XCTAssertEqual(parse("\n\n").map { [$0.body.endLine, $0.lastTokenLine] }, [3, 1])
    }

    func testLargeInput() {
        // ~1 MB of code parses (and is freed) without trouble.
        var src = ""
        let unit = "local t = {a = 1, b = 'two', [3] = f(x, y):m(z)} if t.a > 0 then t.b = t.b .. 'x' end\n"
        var n = 0
        while src.utf8.count < 1_000_000 { src += "do " + unit + "end\n"; n += 1 }
        let bytes = Array(src.utf8)
        let c = try? parseChunk(bytes, chunkName: "=big")
        XCTAssertEqual(c?.body.stats.count, n)
    }
}
