import XCTest
@testable import LuaText

/// Bytes of a Swift string literal (ASCII/UTF-8).
func B(_ s: String) -> [UInt8] { Array(s.utf8) }

/// A Lua value as returned to Lua code, for comparing library results.
enum LV: Equatable, CustomStringConvertible {
    case s([UInt8]), i(Int64), f(Double), b(Bool), none

    static func == (a: LV, b: LV) -> Bool {
        switch (a, b) {
        case (.s(let x), .s(let y)): return x == y
        case (.i(let x), .i(let y)): return x == y
        case (.f(let x), .f(let y)): return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
        case (.b(let x), .b(let y)): return x == y
        case (.none, .none): return true
        default: return false
        }
    }

    var description: String {
        switch self {
        case .s(let x): return "s(\(String(decoding: x, as: UTF8.self).debugDescription))"
        case .i(let x): return "i(\(x))"
        case .f(let x): return "f(\(x))"
        case .b(let x): return "b(\(x))"
        case .none: return "nil"
        }
    }
}

/// Lua values of captures (position captures are 1-based integers).
func lvs(_ caps: [Capture], _ subject: [UInt8]) -> [LV] {
    caps.map { c in
        switch c {
        case .range(let a, let b): return .s(Array(subject[a..<b]))
        case .position(let p): return .i(Int64(p) + 1)
        }
    }
}

func lv(_ v: PackValue) -> LV {
    switch v {
    case .int(let i): return .i(i)
    case .float(let d): return .f(d)
    case .string(let s): return .s(s)
    }
}

func show(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self).debugDescription }

/// Asserts that `body` throws a LuaTextError with this message and argument index.
func XCTAssertLuaError<T>(_ body: @autoclosure () throws -> T, _ message: [UInt8], arg: Int?,
                          file: StaticString = #filePath, line: UInt = #line) {
    do {
        let r = try body()
        XCTFail("expected error \(show(message)), got \(r)", file: file, line: line)
    } catch let e as LuaTextError {
        XCTAssertEqual(show(e.message), show(message), file: file, line: line)
        XCTAssertEqual(e.message, message, file: file, line: line)
        XCTAssertEqual(e.argument, arg, "argument index", file: file, line: line)
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}
