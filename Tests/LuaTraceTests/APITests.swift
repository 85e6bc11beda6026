// The public embedding API: running chunks, values crossing the boundary, host functions,
// errors, output capture.

import XCTest
import LuaTrace

final class APITests: XCTestCase {
    func testRunReturnsValues() throws {
        let s = LuaState()
        let r = try s.run("return 1, 2.5, 'x', true, nil")
        XCTAssertEqual(r.count, 5)
        XCTAssertEqual(r[0], .integer(1))
        XCTAssertEqual(r[1], .number(2.5))
        XCTAssertEqual(r[2].stringValue, "x")
        XCTAssertEqual(r[3], .boolean(true))
        XCTAssertEqual(r[4], .nil)
    }

    func testGlobalsAndHostFunctions() throws {
        let s = LuaState()
        s.setGlobal("base", .integer(40))
        s.register("add2") { args in
            guard case .integer(let i)? = args.first else { return [.nil] }
            return [.integer(i + 2)]
        }
        let r = try s.run("return add2(base)")
        XCTAssertEqual(r, [.integer(42)])
        XCTAssertEqual(s.global("base"), .integer(40))
    }

    func testCallingLuaFunctionsFromSwift() throws {
        let s = LuaState()
        try s.run("function mul(a, b) return a * b end")
        let f = s.global("mul")
        XCTAssertEqual(try s.call(f, [.integer(6), .integer(7)]), [.integer(42)])
        XCTAssertEqual(try s.call(f, [.number(0.5), .integer(3)]), [.number(1.5)])
    }

    func testErrorsCarryLuaMessages() {
        let s = LuaState()
        XCTAssertThrowsError(try s.run("local t = nil; return t.x", chunkName: "=chunk")) { e in
            let err = e as? LuaScriptError
            XCTAssertEqual(err?.message, "chunk:1: attempt to index a nil value (local 't')")
            XCTAssertTrue(err?.traceback?.hasPrefix("stack traceback:") ?? false)
        }
        XCTAssertThrowsError(try s.run("x = = 1", chunkName: "=chunk")) { e in
            XCTAssertEqual((e as? LuaScriptError)?.message, "chunk:1: unexpected symbol near '='")
        }
        // the state stays usable after an error
        XCTAssertEqual(try s.run("return 1 + 1"), [.integer(2)])
    }

    func testOutputCapture() throws {
        let s = LuaState()
        var out: [UInt8] = []
        s.outputSink = { out += $0 }
        try s.run("print('a', 1, 2.0) io.write('b', 3, '\\n')")
        s.flush()
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "a\t1\t2.0\nb3\n")
    }

    func testReferencesKeepObjectsAlive() throws {
        let s = LuaState()
        let t = try s.run("return {answer = 42}")[0]
        try s.run("collectgarbage() collectgarbage()")
        let getter = try s.run("return function(t) return t.answer end")[0]
        XCTAssertEqual(try s.call(getter, [t]), [.integer(42)])
    }

    func testDisassemblyListsBytecode() {
        let s = LuaState()
        let listing = s.disassemble(Array("local x = 1 while x < 10 do x = x + 1 end".utf8), chunkName: "=d")
        XCTAssertTrue(listing.contains("ADDI"))
        XCTAssertTrue(listing.contains("JMP"))
    }
}
