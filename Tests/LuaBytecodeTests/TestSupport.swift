import XCTest
import LuaSyntax
import LuaBytecode

/// Parses and compiles `source` as chunk "=input".
func compileSource(_ source: String, file: StaticString = #filePath, line: UInt = #line) throws -> FunctionProto {
    let chunk = try parseChunk(Array(source.utf8), chunkName: "=input")
    return try compile(chunk)
}

/// The compile error message for `source` (nil when it compiles).
func compileError(_ source: String) -> String? {
    do {
        _ = try compileSource(source)
        return nil
    } catch let e as SyntaxError {
        return e.message
    } catch {
        return "unexpected error: \(error)"
    }
}

/// The instructions of `p` as "OPNAME operands" strings (no index, line or comment), taken from
/// the disassembler listing.
func code(_ p: FunctionProto, comments: Bool = false) -> [String] {
    disassemble(p, recursive: false).split(separator: "\n").compactMap { line -> String? in
        let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
        // "", index, [line], NAME, operands, ; comment
        guard parts.count >= 5, parts[0].isEmpty, Int(parts[1]) != nil, parts[2].hasPrefix("[") else {
            return nil
        }
        var s = trimmed(parts[3])
        let operands = trimmed(parts[4])
        if !operands.isEmpty { s += " " + operands }
        if comments, parts.count > 5 { s += " " + parts[5] }
        return s
    }
}

/// Compiles `source` and returns the main function's instructions.
func mainCode(_ source: String, comments: Bool = false, file: StaticString = #filePath, line: UInt = #line) -> [String] {
    do {
        return code(try compileSource(source), comments: comments)
    } catch {
        XCTFail("compile error: \(error)", file: file, line: line)
        return []
    }
}

/// Compiles `source` and returns the instructions of its first nested function.
func firstFunctionCode(_ source: String, comments: Bool = false, file: StaticString = #filePath,
                       line: UInt = #line) -> [String] {
    do {
        let p = try compileSource(source)
        guard let f = p.protos.first else {
            XCTFail("no nested function", file: file, line: line)
            return []
        }
        return code(f, comments: comments)
    } catch {
        XCTFail("compile error: \(error)", file: file, line: line)
        return []
    }
}

func trimmed(_ t: Substring) -> String {
    var s = t
    while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" { s.removeLast() }
    return String(s)
}
