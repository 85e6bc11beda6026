import XCTest
@testable import LuaText

/// Hand-written tests of the VM-facing API (callbacks, error shapes, big inputs).
/// Expected values were checked against lua5.4.
final class LuaTextAPITests: XCTestCase {
    func testErrorRendering() {
        let e = LuaTextError("no value", argument: 2)
        XCTAssertEqual(show(e.rendered(function: "format")), show(B("bad argument #2 to 'format' (no value)")))
        let p = LuaTextError("invalid conversion '%y' to 'format'")
        XCTAssertEqual(p.rendered(function: "format"), B("invalid conversion '%y' to 'format'"))
    }

    func testFormatCallbackProtocol() throws {
        var calls: [(Int, FormatNeed)] = []
        let r = try luaFormat(B("%d|%s|%q|%5.1f|%p|%x"), argCount: 6) { i, need in
            calls.append((i, need))
            switch i {
            case 2: return .float(3.0)                 // integral float accepted by %d
            case 3: return .string(B("tostring-result"))
            case 4: return .string(B("a\nb"))
            case 5: return .string(B("2.25"))          // strings coerce for numbers
            case 6: return .pointer(0)
            default: return .int(255)
            }
        }
        XCTAssertEqual(show(r), show(B("3|tostring-result|\"a\\\nb\"|  2.2|(null)|ff")))
        XCTAssertEqual(calls.map { $0.0 }, [2, 3, 4, 5, 6, 7])
        XCTAssertEqual(calls.map { $0.1 }, [.integer, .string, .literal, .number, .pointer, .integer])
    }

    func testFormatPointer() throws {
        // glibc's "%p" of 0x1234 is "0x1234"; lua pads with %s-style flags
        XCTAssertEqual(show(try luaFormat(B("%p|%10p|%-10p|"), [.pointer(0x1234), .pointer(0x1234), .pointer(0xabc)])),
                       show(B("0x1234|    0x1234|0xabc     |")))
        XCTAssertEqual(show(try luaFormat(B("%10p|"), [.int(1)])), show(B("    (null)|")))
        XCTAssertLuaError(try luaFormat(B("%.3p"), [.pointer(1)]), B("invalid conversion specification: '%.3p'"), arg: nil)
    }

    func testFormatCallbackErrorsPropagate() {
        struct VMError: Error {}
        XCTAssertThrowsError(try luaFormat(B("%s"), argCount: 1) { _, _ in throw VMError() }) { e in
            XCTAssertTrue(e is VMError)
        }
        // arguments past argCount are never fetched
        XCTAssertLuaError(try luaFormat(B("%d %d"), argCount: 1) { _, _ in .int(1) }, B("no value"), arg: 3)
    }

    func testFormatOtherTypes() {
        XCTAssertLuaError(try luaFormat(B("%d"), [.other(typeName: B("MyType"))]), B("number expected, got MyType"), arg: 2)
        XCTAssertLuaError(try luaFormat(B("%q"), [.other(typeName: B("table"))]), B("value has no literal form"), arg: 2)
        XCTAssertLuaError(try luaFormat(B("%5s"), [.string(B("a\0b"))]), B("string contains zeros"), arg: 2)
    }

    func testQuotedHelper() {
        var out: [UInt8] = []
        B("\u{1}2\u{1}x\"").withUnsafeBufferPointer { appendQuoted($0, into: &out) }
        XCTAssertEqual(show(out), show(B("\"\\0012\\1x\\\"\"")))
    }

    func testLongSubjectsDoNotRecurse() throws {
        let n = 200_000          // deep enough that per-character recursion would overflow
        let s = [UInt8](repeating: UInt8(ascii: "a"), count: n)
        XCTAssertEqual(try luaFind(s, B("a*$"))?.end, n)
        XCTAssertEqual(try luaMatch(s, B("(.-)$"))?.captures, [.range(0, n)])
        XCTAssertNil(try luaFind(s, B("^.-b")))   // anchored: one linear attempt
        XCTAssertNil(try luaFind(s, B("^a-b")))
        XCTAssertNil(try luaFind(s, B("^(a*)b")))
        XCTAssertEqual(try luaMatch(s, B("^(a+)()"))?.captures, [.range(0, n), .position(n)])
        let (r, count) = try luaGsub(s, B("a"), replacement: B("bb"))
        XCTAssertEqual(count, Int64(n))
        XCTAssertEqual(r.count, 2 * n)
        let (r2, c2) = try luaGsub(s, B(""), replacement: B("-"), maxReplacements: 3)
        XCTAssertEqual(c2, 3)
        XCTAssertEqual(Array(r2.prefix(6)), B("-a-a-a"))
        var it = GMatchIterator(subjectLength: n)
        var matches = 0
        while try it.next(s, B("a")) != nil { matches += 1 }
        XCTAssertEqual(matches, n)
    }

    func testPatternDepthLimit() {
        let s = [UInt8](repeating: UInt8(ascii: "a"), count: 300)
        var p199: [UInt8] = []
        for _ in 0..<199 { p199 += B("a?") }
        XCTAssertEqual(try luaFind(s, p199)?.end, 199)
        XCTAssertLuaError(try luaFind(s, p199 + B("a?")), B("pattern too complex"), arg: nil)
        // deeply nested captures stop at 32
        let deep = [UInt8](repeating: UInt8(ascii: "("), count: 40) + B("a") + [UInt8](repeating: UInt8(ascii: ")"), count: 40)
        XCTAssertLuaError(try luaFind(B("a"), deep), B("too many captures"), arg: nil)
    }

    func testGsubMatchAccessors() throws {
        let s = B("k1=v1;k2=v2")
        var seen: [String] = []
        let (r, n) = try luaGsub(s, B("(%w+)=(%w+)()")) { m in
            seen.append("\(m.start)-\(m.end)-\(m.count)")
            XCTAssertEqual(try m.capture(2).luaPosition, Int64(m.end) + 1)
            XCTAssertLuaError(try m.capture(3), B("invalid capture index %4"), arg: nil)
            guard case .range(let a, let b) = try m.capture(1) else { return nil }
            return Array(s[a..<b])
        }
        XCTAssertEqual(show(r), show(B("v1;v2")))
        XCTAssertEqual(n, 2)
        XCTAssertEqual(seen, ["0-5-3", "6-11-3"])
        // without captures, capture 0 is the whole match
        _ = try luaGsub(B("xy"), B("y")) { m in
            XCTAssertEqual(m.count, 1)
            XCTAssertEqual(try m.capture(0), .range(1, 2))
            return nil
        }
    }

    func testGMatchInitAndAnchor() throws {
        var it = GMatchIterator(subjectLength: 6, init: -3)
        XCTAssertEqual(try it.next(B("abcabc"), B("%a"))?.matchValues, [.range(3, 4)])
        XCTAssertEqual(try it.next(B("abcabc"), B("%a"))?.start, 4)
    }

    func testPlainFindHelpers() {
        func pf(_ h: String, _ n: String, _ from: Int = 0) -> Int? {
            B(h).withUnsafeBufferPointer { hb in B(n).withUnsafeBufferPointer { plainFind(hb, $0, from: from) } }
        }
        XCTAssertEqual(pf("hello", "llo"), 2)
        XCTAssertEqual(pf("hello", ""), 0)
        XCTAssertEqual(pf("hello", "", 5), 5)
        XCTAssertNil(pf("hello", "hello!"))
        XCTAssertEqual(pf("aaab", "ab"), 2)
        XCTAssertEqual(pf("abab", "ab", 1), 2)
        XCTAssertNil(pf("", "a"))
        XCTAssertTrue(B("abc").withUnsafeBufferPointer { patternHasNoSpecials($0) })
        XCTAssertFalse(B("a.c").withUnsafeBufferPointer { patternHasNoSpecials($0) })
    }

    func testUpperLower() {
        XCTAssertEqual(luaUpper(B("abcXYZ09é")), B("ABCXYZ09é"))
        XCTAssertEqual(luaLower(B("ABCxyz09É")), B("abcxyz09É"))
    }

    func testFloatToIntExact() {
        XCTAssertEqual(floatToIntExact(3.0), 3)
        XCTAssertEqual(floatToIntExact(-0.0), 0)
        XCTAssertNil(floatToIntExact(0.5))
        XCTAssertNil(floatToIntExact(9223372036854775808.0))
        XCTAssertEqual(floatToIntExact(-9223372036854775808.0), Int64.min)
        XCTAssertNil(floatToIntExact(.nan))
        XCTAssertNil(floatToIntExact(.infinity))
    }

    func testNaNSign() {
        // lua5.4 on x86-64 glibc: 0/0 -> "-nan", -(0/0) -> "nan"
        let zero = Double(Int.random(in: 0..<1))  // not constant-folded
        XCTAssertEqual(show(formatFloat(zero / zero)), show(B("-nan")))
        XCTAssertEqual(show(formatFloat(-(zero / zero))), show(B("nan")))
    }

    func testPackCallbackIndices() throws {
        var asked: [Int] = []
        let r = try luaPack(B("b x h"), argCount: 2) { i in asked.append(i); return .int(Int64(i)) }
        XCTAssertEqual(r, [2, 0, 3, 0])
        XCTAssertEqual(asked, [2, 3])
        XCTAssertLuaError(try luaPack(B("b b"), argCount: 1) { _ in .int(1) }, B("number expected, got nil"), arg: 3)
    }
}
