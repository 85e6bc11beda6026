// Reading and writing file handles: the formats of read/lines ("n", "l", "L", "a", counts)
// and write (strings and numbers, numbers as "%d" / "%.14g" like lua's fprintf).

import CLuaRuntime
import LuaText
#if canImport(Glibc)
import Glibc
#endif

/// Longest numeral read_number accepts (lua's L_MAXLENNUM).
private let maxNumeralLength = 200

@inline(__always) private func cIsSpace(_ c: Int32) -> Bool { c == 32 || (c >= 9 && c <= 13) }
@inline(__always) private func cIsDigit(_ c: Int32) -> Bool { c >= 48 && c <= 57 }
@inline(__always) private func cIsXDigit(_ c: Int32) -> Bool {
    cIsDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
}

/// "%.14g" (LUA_NUMBER_FMT) of a float, as io.write prints floats: tostring's text without
/// the ".0" it appends to integral values (a "%g" result itself never ends in ".0").
func formatNumberG14(_ d: Double) -> [UInt8] {
    var b = formatFloat(d)
    if b.count >= 2 && b[b.count - 1] == UInt8(ascii: "0") && b[b.count - 2] == UInt8(ascii: ".") {
        b.removeLast(2)
    }
    return b
}

extension VM {
    // MARK: read

    /// g_read: reads with the formats in args first...count (none = one line); pushes the
    /// results and returns their number.
    func readFormats(_ f: CFile, _ a: Args, first: Int, file: Value) throws -> Int {
        if luaFile(file.userdata).pointee.kind == FileKind.std.rawValue { stdout.flush() }
        clearerr(f)
        var pushed = 0
        var success = true
        if a.count < first {
            success = try readLine(f, chop: true)
            pushed = 1
        } else {
            var n = first
            while n <= a.count && success {
                let v = arg(a, n)
                if v.isNumber {
                    let l = try checkInt(a, n)
                    success = l == 0 ? try testEOF(f) : try readChars(f, l)
                } else {
                    let s = LuaStr.buffer(try checkString(a, n))
                    var k = 0
                    if k < s.count && s[k] == UInt8(ascii: "*") { k += 1 }
                    let c = k < s.count ? s[k] : 0
                    switch c {
                    case UInt8(ascii: "n"): success = try readNumber(f)
                    case UInt8(ascii: "l"): success = try readLine(f, chop: true)
                    case UInt8(ascii: "L"): success = try readLine(f, chop: false)
                    case UInt8(ascii: "a"): try readAll(f); success = true
                    default: throw argError(n, "invalid format")
                    }
                }
                pushed += 1
                n += 1
            }
        }
        if ferror(f) != 0 { return try fileResult(false, nil) }
        if !success { L.pointee.stack[top - 1] = .nilValue }
        return pushed
    }

    /// Reads a line; pushes it ("" at end of file) and returns whether anything was read.
    func readLine(_ f: CFile, chop: Bool) throws -> Bool {
        var line: UnsafeMutablePointer<CChar>? = nil
        var cap = 0
        let n = getline(&line, &cap, f)
        defer { free(line) }
        guard n > 0, let p = line else {
            try push(Value(string: newString(nil, 0)))
            return false
        }
        var len = n
        if chop && p[n - 1] == 10 { len -= 1 }
        let s = UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self)
        try push(Value(string: newString(s, len)))
        return true
    }

    func readAll(_ f: CFile) throws {
        try readBytes(f, limit: Int64.max)
    }

    /// Reads up to n bytes; succeeds if it read at least one.
    func readChars(_ f: CFile, _ n: Int64) throws -> Bool {
        try readBytes(f, limit: n < 0 ? Int64.max : n) > 0
    }

    /// Reads up to `limit` bytes (until end of file) and pushes them as a string.
    @discardableResult
    func readBytes(_ f: CFile, limit: Int64) throws -> Int {
        var cap = Int(min(limit, 1 << 16))
        var buf = malloc(max(cap, 1))!
        defer { free(buf) }
        var len = 0
        while Int64(len) < limit {
            if len == cap {
                cap = Int(min(Int64(cap) * 2, limit))
                buf = realloc(buf, cap)!
            }
            let want = cap - len
            let k = fread(buf + len, 1, want, f)
            len += k
            if k < want { break }
        }
        try push(Value(string: newString(buf.assumingMemoryBound(to: UInt8.self), len)))
        return len
    }

    func testEOF(_ f: CFile) throws -> Bool {
        let c = getc(f)
        ungetc(c, f)
        try push(Value(string: newString(nil, 0)))
        return c != EOF
    }

    /// Reads a numeral the way lua's read_number does (longest prefix that can start a
    /// numeral, at most 200 characters) and converts it; pushes the number or nil.
    func readNumber(_ f: CFile) throws -> Bool {
        var buf: [UInt8] = []
        var overflow = false
        var c: Int32 = getc(f)
        while cIsSpace(c) { c = getc(f) }
        func next() -> Bool {
            if buf.count >= maxNumeralLength { overflow = true; return false }
            buf.append(UInt8(truncatingIfNeeded: c))
            c = getc(f)
            return true
        }
        func test2(_ x: UInt8, _ y: UInt8) -> Bool {
            if c == Int32(x) || c == Int32(y) { return next() }
            return false
        }
        func digits(_ hex: Bool) -> Int {
            var count = 0
            while (hex ? cIsXDigit(c) : cIsDigit(c)) && next() { count += 1 }
            return count
        }
        _ = test2(UInt8(ascii: "-"), UInt8(ascii: "+"))
        var count = 0
        var hex = false
        if test2(UInt8(ascii: "0"), UInt8(ascii: "0")) {
            if test2(UInt8(ascii: "x"), UInt8(ascii: "X")) { hex = true } else { count = 1 }
        }
        count += digits(hex)
        if test2(UInt8(ascii: "."), UInt8(ascii: ".")) { count += digits(hex) }
        if count > 0 && (hex ? test2(UInt8(ascii: "p"), UInt8(ascii: "P")) : test2(UInt8(ascii: "e"), UInt8(ascii: "E"))) {
            _ = test2(UInt8(ascii: "-"), UInt8(ascii: "+"))
            _ = digits(false)
        }
        ungetc(c, f)
        if !overflow, let num = parseNumber(buf) {
            switch num {
            case .int(let i): try push(Value(int: i))
            case .float(let d): try push(Value(float: d))
            }
            return true
        }
        try push(.nilValue)
        return false
    }

    // MARK: write

    /// g_write: writes args first...count to the handle; pushes the handle (or fail triple).
    func writeValues(_ u: UserdataPtr, _ fileVal: Value, _ a: Args, first: Int) throws -> Int {
        let p = luaFile(u)
        if p.pointee.kind == FileKind.vmStdout.rawValue {
            var newline = false
            let line = p.pointee.vbuf == StdoutBuffering.line.rawValue
            var j = first
            while j <= a.count {
                let v = arg(a, j)
                if v.isString {
                    let b = LuaStr.buffer(v.str)
                    if line && !newline && b.contains(10) { newline = true }
                    stdout.write(UnsafeRawBufferPointer(b))
                } else if v.isInt {
                    stdout.write(formatInt(v.i))
                } else if v.isFloat {
                    stdout.write(formatNumberG14(v.n))
                } else {
                    throw argTypeError(a, j, "string")
                }
                j += 1
            }
            if stdoutIsTTY || newline || p.pointee.vbuf == StdoutBuffering.no.rawValue { stdout.flush() }
            try push(fileVal)
            return 1
        }
        guard let f = p.pointee.fp else { throw LuaError.runtime(self, "attempt to use a closed file") }
        if p.pointee.kind == FileKind.std.rawValue { stdout.flush() }
        var status = true
        errno = 0
        var j = first
        while j <= a.count {
            let v = arg(a, j)
            if v.isString {
                let b = LuaStr.buffer(v.str)
                if status && b.count > 0 { status = fwrite(b.baseAddress!, 1, b.count, f) == b.count }
            } else if v.isNumber {
                let b = v.isInt ? formatInt(v.i) : formatNumberG14(v.n)
                if status { status = fwrite(b, 1, b.count, f) == b.count }
            } else {
                throw argTypeError(a, j, "string")
            }
            j += 1
        }
        if status { try push(fileVal); return 1 }
        return try fileResult(false, nil)
    }
}
