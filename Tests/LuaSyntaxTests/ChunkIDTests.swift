import XCTest
@testable import LuaSyntax

/// Expected values checked against lua5.4's messages (luaO_chunkid, LUA_IDSIZE 60).
final class ChunkIDTests: XCTestCase {
    func testLiteralNames() {
        XCTAssertEqual(chunkID("=foo"), "foo")
        XCTAssertEqual(chunkID("="), "")
        let b59 = String(repeating: "b", count: 59)
        XCTAssertEqual(chunkID("=" + b59), b59)
        XCTAssertEqual(chunkID("=" + String(repeating: "b", count: 60)), b59)
        XCTAssertEqual(chunkID("=" + String(repeating: "b", count: 100)), b59)
    }

    func testFileNames() {
        XCTAssertEqual(chunkID("@foo.lua"), "foo.lua")
        let b59 = String(repeating: "b", count: 59)
        XCTAssertEqual(chunkID("@" + b59), b59)
        XCTAssertEqual(chunkID("@" + String(repeating: "b", count: 60)), "..." + String(repeating: "b", count: 56))
        XCTAssertEqual(chunkID("@" + String(repeating: "a", count: 50) + String(repeating: "c", count: 56)),
                       "..." + String(repeating: "c", count: 56))
    }

    func testStringSources() {
        XCTAssertEqual(chunkID("x="), #"[string "x="]"#)
        XCTAssertEqual(chunkID(""), #"[string ""]"#)
        XCTAssertEqual(chunkID("x\ny="), #"[string "x..."]"#)
        XCTAssertEqual(chunkID("\nx="), #"[string "..."]"#)
        XCTAssertEqual(chunkID("abc\r"), "[string \"abc\r\"]")
        let a44 = String(repeating: "a", count: 44)
        XCTAssertEqual(chunkID(a44), "[string \"\(a44)\"]")
        XCTAssertEqual(chunkID(a44 + "="), "[string \"\(a44)=...\"]")
        XCTAssertEqual(chunkID(String(repeating: "a", count: 100) + "="),
                       "[string \"\(String(repeating: "a", count: 45))...\"]")
        XCTAssertEqual(chunkID("short\nsecond line"), #"[string "short..."]"#)
    }
}
