import XCTest
@testable import LuaText

/// Helpers used by the generated pattern tests: they call the LuaText library
/// functions and convert results to Lua values the way the VM will.
extension PatternGeneratedTests {
    func findValues(_ s: [UInt8], _ p: [UInt8], _ initPos: Int64?, _ plain: Bool) throws -> [LV]? {
        guard let r = try luaFind(s, p, init: initPos ?? 1, plain: plain) else { return nil }
        return [.i(Int64(r.start) + 1), .i(Int64(r.end))] + lvs(r.captures, s)
    }

    func find(_ s: [UInt8], _ p: [UInt8], _ initPos: Int64?, _ plain: Bool, _ expect: [LV]?,
              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNoThrow(XCTAssertEqual(try findValues(s, p, initPos, plain), expect, file: file, line: line),
                         file: file, line: line)
    }

    func findErr(_ s: [UInt8], _ p: [UInt8], _ initPos: Int64?, _ plain: Bool, _ msg: [UInt8], arg: Int?,
                 file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLuaError(try findValues(s, p, initPos, plain), msg, arg: arg, file: file, line: line)
    }

    func matchValues(_ s: [UInt8], _ p: [UInt8], _ initPos: Int64?) throws -> [LV]? {
        guard let r = try luaMatch(s, p, init: initPos ?? 1) else { return nil }
        return lvs(r.matchValues, s)
    }

    func match(_ s: [UInt8], _ p: [UInt8], _ initPos: Int64?, _ expect: [LV]?,
               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNoThrow(XCTAssertEqual(try matchValues(s, p, initPos), expect, file: file, line: line),
                         file: file, line: line)
    }

    func matchErr(_ s: [UInt8], _ p: [UInt8], _ initPos: Int64?, _ msg: [UInt8], arg: Int?,
                  file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLuaError(try matchValues(s, p, initPos), msg, arg: arg, file: file, line: line)
    }

    func gmatchValues(_ s: [UInt8], _ p: [UInt8], _ initPos: Int64?) throws -> [[LV]] {
        var it = GMatchIterator(subjectLength: s.count, init: initPos ?? 1)
        var out: [[LV]] = []
        while let r = try it.next(s, p) {
            out.append(lvs(r.matchValues, s))
            if out.count > 10_000 { break }
        }
        // exhausted iterators stay exhausted
        XCTAssertNil(try it.next(s, p))
        return out
    }

    func gmatch(_ s: [UInt8], _ p: [UInt8], _ initPos: Int64?, _ expect: [[LV]],
                file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNoThrow(XCTAssertEqual(try gmatchValues(s, p, initPos), expect, file: file, line: line),
                         file: file, line: line)
    }

    func gmatchErr(_ s: [UInt8], _ p: [UInt8], _ initPos: Int64?, _ msg: [UInt8], arg: Int?,
                   file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLuaError(try gmatchValues(s, p, initPos), msg, arg: arg, file: file, line: line)
    }

    func gsub(_ s: [UInt8], _ p: [UInt8], _ r: [UInt8], _ n: Int64?, _ expect: [UInt8], _ count: Int64,
              file: StaticString = #filePath, line: UInt = #line) {
        do {
            let (res, c) = try luaGsub(s, p, replacement: r, maxReplacements: n)
            XCTAssertEqual(show(res), show(expect), file: file, line: line)
            XCTAssertEqual(res, expect, file: file, line: line)
            XCTAssertEqual(c, count, file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    func gsubErr(_ s: [UInt8], _ p: [UInt8], _ r: [UInt8], _ n: Int64?, _ msg: [UInt8], arg: Int?,
                 file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLuaError(try luaGsub(s, p, replacement: r, maxReplacements: n), msg, arg: arg, file: file, line: line)
    }

    /// Swift mirrors of the Lua replacement functions used by the generator.
    func runGsubFn(_ s: [UInt8], _ p: [UInt8], _ name: String, _ n: Int64?) throws -> ([UInt8], Int64) {
        func text(_ c: Capture) -> [UInt8] {
            switch c {
            case .range(let a, let b): return Array(s[a..<b])
            case .position(let q): return B(String(q + 1))
            }
        }
        return try luaGsub(s, p, maxReplacements: n) { m in
            switch name {
            case "upper": return luaUpper(text(try m.capture(0)))
            case "keep", "no": return nil
            case "join":
                let parts = try m.captures().map(text)
                XCTAssertEqual(parts.count, m.count)
                return B("[") + Array(parts.joined(separator: B(","))) + B("]")
            case "num":
                guard case .range(let a, let b) = try m.capture(0) else { return nil }
                return formatInt(Int64(b - a))
            case "tbl":
                let table: [[UInt8]: [UInt8]?] = [B("o"): B("0"), B("l"): nil, B("h"): B("H"), B("w"): formatFloat(1.5)]
                return table[text(try m.capture(0))] ?? nil
            default:
                XCTFail("unknown function \(name)")
                return nil
            }
        }
    }

    func gsubFn(_ s: [UInt8], _ p: [UInt8], _ name: String, _ n: Int64?, _ expect: [UInt8], _ count: Int64,
                file: StaticString = #filePath, line: UInt = #line) {
        do {
            let (res, c) = try runGsubFn(s, p, name, n)
            XCTAssertEqual(show(res), show(expect), file: file, line: line)
            XCTAssertEqual(c, count, file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    func gsubFnErr(_ s: [UInt8], _ p: [UInt8], _ name: String, _ n: Int64?, _ msg: [UInt8], arg: Int?,
                   file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLuaError(try runGsubFn(s, p, name, n), msg, arg: arg, file: file, line: line)
    }
}

/// Expected outcome of one library call in the differential (fuzz) tests.
enum Outcome: Equatable {
    case ok([LV]), fail, error([UInt8])
}

extension PatternGeneratedTests {
    private func outcome(_ body: () throws -> [LV]?) -> Outcome {
        do {
            guard let r = try body() else { return .fail }
            return .ok(r)
        } catch let e as LuaTextError {
            return .error(e.message)
        } catch {
            return .error(B("\(error)"))
        }
    }

    /// One random case: string.find(s, p, init), gsub(s, p, "<%0>") and the
    /// values of gmatch(s, p) flattened.
    func fz(_ s: [UInt8], _ p: [UInt8], _ initPos: Int64?, _ find: Outcome, _ gsub: Outcome, _ gmatch: Outcome,
            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(outcome { try findValues(s, p, initPos, false) }, find, "find", file: file, line: line)
        let g = outcome {
            let (r, n) = try luaGsub(s, p, replacement: B("<%0>"))
            return [.s(r), .i(n)]
        }
        XCTAssertEqual(g, gsub, "gsub", file: file, line: line)
        XCTAssertEqual(outcome { try gmatchValues(s, p, nil).flatMap { $0 } }, gmatch, "gmatch", file: file, line: line)
    }
}
