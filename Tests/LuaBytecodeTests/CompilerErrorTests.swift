import XCTest
import LuaSyntax
import LuaBytecode

/// Compile-time semantic errors: wording and position as printed by lua5.4
/// (`lua5.4 -e 'print(load(src, "=input"))'`).
final class CompilerErrorTests: XCTestCase {

    private func check(_ src: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(compileError(src), expected, file: file, line: line)
    }

    func testAssignToConst() {
        check("local x <const> = 1; x = 2", "input:1: attempt to assign to const variable 'x'")
        check("local x <close> = nil; x = 1", "input:1: attempt to assign to const variable 'x'")
        check("local x <const> = {}; local function f() x = 1 end",
              "input:1: attempt to assign to const variable 'x'")
        check("local x <const> = 1; local function f() x = 1 end",
              "input:1: attempt to assign to const variable 'x'")
        check("local t = {} ; local a <const> = 3; a, t.x = 1, 2",
              "input:1: attempt to assign to const variable 'a'")
        check("local x <const> = 1\nx.y = 2\nx = 3", "input:3: attempt to assign to const variable 'x'")
        // `function x()` is checked after the body: lua reports the token after `end`
        check("local x <const> = 1\n function x() \nend\nprint(1)",
              "input:4: attempt to assign to const variable 'x'")
        check("return function() local x <const> = 5; return function() x = 6 end end",
              "input:1: attempt to assign to const variable 'x'")
        XCTAssertNil(compileError("local t <const> = {}\nt.x = 1\nfunction t.f() end"))
    }

    func testBreakOutsideLoop() {
        check("break", "input:1: break outside loop at line 1")
        check("do break end", "input:1: break outside loop at line 1")
        // reported when the function ends (here: at the end of the chunk)
        check("for i=1,2 do end break\nlocal z = 1", "input:2: break outside loop at line 1")
        check("local function f()\n break\nend", "input:3: break outside loop at line 2")
        XCTAssertNil(compileError("while true do break end repeat break until true for i=1,2 do break end"))
    }

    func testUndefinedGoto() {
        check("goto x", "input:1: no visible label 'x' for <goto> at line 1")
        check("local function f()\n goto x\nend\n\nprint(1)", "input:5: no visible label 'x' for <goto> at line 2")
        check("goto l; do ::l:: end", "input:1: no visible label 'l' for <goto> at line 1")
        check("local x = function() goto y end", "input:1: no visible label 'y' for <goto> at line 1")
    }

    func testRepeatedLabel() {
        check("::a:: ::a::", "input:1: label 'a' already defined on line 1")
        check("local a,b,c\n::l:: ::l::", "input:2: label 'l' already defined on line 2")
        check("::l:: do ::l:: end", "input:1: label 'l' already defined on line 1")
        XCTAssertNil(compileError("do ::l:: end ::l::"))
    }

    func testJumpIntoScope() {
        check("goto f; local x; ::f:: print(x)", "input:1: <goto f> at line 1 jumps into the scope of local 'x'")
        check("repeat goto l; local x; ::l:: until x", "input:1: <goto l> at line 1 jumps into the scope of local 'x'")
        check("do\n goto l\n local x = 1\n ::l::\n print(x)\nend\n",
              "input:5: <goto l> at line 2 jumps into the scope of local 'x'")
        check("repeat goto cont; local x; ::cont:: until true",
              "input:1: <goto cont> at line 1 jumps into the scope of local 'x'")
        // a label at the end of its block sees the block's locals as out of scope
        XCTAssertNil(compileError("do\n goto l\n local x = 1\n ::l::\nend\n"))
        XCTAssertNil(compileError("while 1 do goto cont; local x; ::cont:: end"))
    }

    func testMultipleToBeClosed() {
        check("local a <close>, b <close> = 1, 2", "input:1: multiple to-be-closed variables in local list")
    }

    func testTooManyLocals() {
        func locals(_ n: Int, _ sep: String) -> String {
            "local " + (1...n).map { "a\($0)" }.joined(separator: sep)
        }
        check(locals(201, ", "), "input:1: too many local variables (limit is 200) in main function near <eof>")
        check(locals(201, ";local ") + " x = 1",
              "input:1: too many local variables (limit is 200) in main function near 'x'")
        check(locals(201, ";local ") + "\n\n x = 1",
              "input:3: too many local variables (limit is 200) in main function near 'x'")
        check("local function f()\n" + locals(201, ", ") + " = 1 end",
              "input:2: too many local variables (limit is 200) in function at line 1 near '='")
        check("local function f(" + String(repeating: "a,", count: 200) + "b) end",
              "input:1: too many local variables (limit is 200) in function at line 1 near ')'")
        check("local " + String(repeating: "a,", count: 150) + "b; local " + String(repeating: "c,", count: 100) + "d",
              "input:1: too many local variables (limit is 200) in main function near ','")
        // a numeric for declares 4 locals (3 hidden ones)
        check("for i = 1, 2 do " + locals(197, ",") + " end",
              "input:1: too many local variables (limit is 200) in main function near 'end'")
        check("for i = 1, 2 do " + locals(198, ",") + " end",
              "input:1: too many local variables (limit is 200) in main function near ','")
        // compile-time constants count too
        check("local a <const> = 1; " + locals(200, ","),
              "input:1: too many local variables (limit is 200) in main function near <eof>")
    }

    func testTooManyRegisters() {
        check("return f(" + String(repeating: "1,", count: 300) + "1)",
              "input:1: function or expression needs too many registers near '1'")
        check("a = f(x" + String(repeating: ",x", count: 260) + ")",
              "input:1: function or expression needs too many registers near 'x'")
        // table constructors flush every 50 items, so they never run out
        XCTAssertNil(compileError("return {" + String(repeating: "f(),", count: 300) + "1}"))
    }

    func testTooManyUpvalues() {
        var src = ""
        for i in 1...150 { src += "local v\(i) = \(i)\n" }
        src += "local function g()\n"
        for i in 151...300 { src += "local v\(i) = \(i)\n" }
        src += "return function() return " + (1...256).map { "v\($0)" }.joined(separator: "+") + " end end"
        let msg = compileError(src)
        XCTAssertNotNil(msg)
        XCTAssertTrue(msg?.hasPrefix("input:302: too many upvalues (limit is 255) in function at line 302") ?? false,
                      msg ?? "")
    }

    func testForLoopBodyTooLong() {
        // FORPREP/FORLOOP offsets are 17-bit: a body of more than 131071 instructions is an error
        // (AST built by hand: parsing 132000 statements would only slow the test down)
        let a = Array("a".utf8)
        let inc = Stat.assign(targets: [.name(a, line: 2)],
                              values: [.binary(.add, .name(a, line: 2), .integer(1, line: 2), line: 2)], line: 2)
        let loop = Stat.numericFor(name: Array("i".utf8), start: .integer(1, line: 1), limit: .integer(2, line: 1),
                                   step: nil, body: Block(stats: Array(repeating: inc, count: 132_000), endLine: 3),
                                   line: 1)
        let chunk = Chunk(body: Block(stats: [
            .local(names: [a], attribs: [.none], values: [.integer(0, line: 1)], line: 1), loop,
        ], endLine: 3), chunkName: "=input")
        XCTAssertThrowsError(try compile(chunk)) { error in
            XCTAssertEqual((error as? SyntaxError)?.message, "input:3: control structure too long near 'end'")
        }
    }
}
