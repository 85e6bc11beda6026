import XCTest
@testable import LuaSyntax

/// Error messages compared byte for byte with what lua5.4 prints.
final class ErrorMessageTests: XCTestCase {
    func message(_ src: [UInt8], _ chunkName: String = "=input") -> [UInt8] {
        do {
            _ = try parseChunk(src, chunkName: chunkName)
            return Array("OK".utf8)
        } catch {
            return error.messageBytes
        }
    }

    func message(_ src: String, _ chunkName: String = "=input") -> String {
        String(decoding: message(Array(src.utf8), chunkName), as: UTF8.self)
    }

    func testGeneratedCases() {
        XCTAssertGreaterThan(luaErrorCases.count, 100)
        for (src, expected) in luaErrorCases {
            XCTAssertEqual(message(src), expected, "source: \(src.debugDescription)")
        }
        for (src, expected) in luaErrorByteCases {
            XCTAssertEqual(message(src), expected, "source: \(src)")
        }
    }

    func testChunkNamesInMessages() {
        XCTAssertEqual(message("x=", "x="), #"[string "x="]:1: unexpected symbol near <eof>"#)
        XCTAssertEqual(message("x =", "x ="), #"[string "x ="]:1: unexpected symbol near <eof>"#)
        XCTAssertEqual(message("x=", "=foo"), "foo:1: unexpected symbol near <eof>")
        XCTAssertEqual(message("x=", "@foo.lua"), "foo.lua:1: unexpected symbol near <eof>")
        XCTAssertEqual(message("x\ny=", "x\ny="), #"[string "x..."]:2: syntax error near 'y'"#)
    }

    func testSpecificMessages() {
        XCTAssertEqual(message("x = 1 +"), "input:1: unexpected symbol near <eof>")
        XCTAssertEqual(message("local t = {\n1,\n2\n"), "input:4: '}' expected (to close '{' at line 1) near <eof>")
        XCTAssertEqual(message("f(\n"), "input:2: unexpected symbol near <eof>")
        XCTAssertEqual(message("f(1\n"), "input:2: ')' expected (to close '(' at line 1) near <eof>")
        XCTAssertEqual(message("function f()\n"), "input:2: 'end' expected (to close 'function' at line 1) near <eof>")
        XCTAssertEqual(message("if x then\nelse\n"), "input:3: 'end' expected (to close 'if' at line 1) near <eof>")
        XCTAssertEqual(message("return 1 x"), "input:1: <eof> expected near 'x'")
        XCTAssertEqual(message("x = ..."), "OK")                    // main chunk is vararg
        XCTAssertEqual(message("function f() return ... end"),
                       "input:1: cannot use '...' outside a vararg function near '...'")
        XCTAssertEqual(message("local x <foo> = 1"), "input:1: unknown attribute 'foo'")
        XCTAssertEqual(message("local a <close>, b <close> = 1"),
                       "input:1: multiple to-be-closed variables in local list")
        XCTAssertEqual(message("f\n(\n)"), "OK")                   // not ambiguous in 5.4
        XCTAssertEqual(message("x = 1 \0"), "input:1: unexpected symbol")   // NUL token: no "near"
    }

    func testStackOverflow() {
        let deep = "x = " + String(repeating: "(", count: 300) + "1" + String(repeating: ")", count: 300)
        do {
            _ = try parseChunk(Array(deep.utf8), chunkName: "=input")
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.message, "C stack overflow")
            XCTAssertTrue(error.isStackOverflow)
        }
        // The base level shifts the limit by one, like lua loading a file (1) vs calling load (2).
        let edge = "x = " + String(repeating: "(", count: 196) + "1" + String(repeating: ")", count: 196)
        XCTAssertNotNil(try? parseChunk(Array(edge.utf8), chunkName: "=x", cLevelBase: 1))
        XCTAssertNil(try? parseChunk(Array(edge.utf8), chunkName: "=x", cLevelBase: 2))
        // Thousands of nested blocks must not crash.
        let blocks = String(repeating: "do ", count: 100_000) + String(repeating: "end ", count: 100_000)
        XCTAssertEqual(message(blocks), "C stack overflow")
        let unary = "x = " + String(repeating: "- ", count: 100_000) + "1"
        XCTAssertEqual(message(unary), "C stack overflow")
    }

    func testSyntaxDepthLimit() {
        // Left-associative chains are iterative in lua and unbounded there; the AST is capped.
        let sum = "x = 1" + String(repeating: " + 1", count: 100_000)
        XCTAssertEqual(message(sum), "input:1: too many syntax levels (limit is 1000) in main function near '+'")
        let fields = "function f()\nreturn a" + String(repeating: ".b", count: 2000) + "\nend"
        XCTAssertEqual(message(fields),
                       "input:2: too many syntax levels (limit is 1000) in function at line 1 near '.'")
        let calls = "f" + String(repeating: "()", count: 900)
        XCTAssertEqual(message(calls), "OK")
        XCTAssertNil(try? parseChunk(Array(calls.utf8), chunkName: "=x", maxSyntaxDepth: 500))
    }

    func testMakeHelper() {
        let e = SyntaxError.make(chunkName: "=input", line: 7, msg: "attempt to assign to const variable 'x'")
        XCTAssertEqual(e.message, "input:7: attempt to assign to const variable 'x'")
        let e2 = SyntaxError.make(chunkName: "local x = 1", line: 3, msg: "too many local variables", near: "'='")
        XCTAssertEqual(e2.message, #"[string "local x = 1"]:3: too many local variables near '='"#)
        let e3 = SyntaxError.make(chunkName: "@a.lua", line: 1, msg: Array("x".utf8), near: [0x27, 0xFF, 0x27])
        XCTAssertEqual(e3.messageBytes, Array("a.lua:1: x near '".utf8) + [0xFF, 0x27])
    }
}
