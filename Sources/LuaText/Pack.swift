// string.pack / string.unpack / string.packsize (lua5.4 lstrlib.c semantics on
// x86-64 Linux: native little endian, default max alignment 8, int = 4 bytes,
// long/size_t/lua_Integer/lua_Number = 8 bytes).

/// A value produced by string.unpack.
package enum PackValue: Equatable, Sendable {
    case int(Int64)
    case float(Double)
    case string([UInt8])
}

private let maxIntSize = 16
private let szInt = 8                 // sizeof(lua_Integer)
private let nativeMaxAlign = 8        // offsetof(struct cD, u)
private let maxSize = Int(Int32.max)  // MAXSIZE (INT_MAX)

private enum KOption {
    case int, uint, float, number, double, char, string, zstr, padding, paddAlign, nop
}

/// Format-string reader with the Header state (endianness, max alignment).
private struct PackFormat {
    let fmt: UnsafeBufferPointer<UInt8>
    let end: Int  // first NUL or count: lua reads the format as a C string
    var pos = 0
    var isLittle = true
    var maxAlign = 1

    init(_ fmt: UnsafeBufferPointer<UInt8>) {
        self.fmt = fmt
        var e = 0
        while e < fmt.count && fmt[e] != 0 { e += 1 }
        end = e
    }

    var atEnd: Bool { pos >= end }
    @inline(__always) var peek: UInt8 { pos < end ? fmt[pos] : 0 }

    mutating func getNum(_ df: Int) -> Int {
        if !isDigit(peek) { return df }
        var a = 0
        repeat {
            a = a * 10 + Int(fmt[pos] &- 48)
            pos += 1
        } while isDigit(peek) && a <= (maxSize - 9) / 10
        return a
    }

    mutating func getNumLimit(_ df: Int) throws -> Int {
        let sz = getNum(df)
        if sz > maxIntSize || sz <= 0 {
            throw LuaTextError(Array("integral size (\(sz)) out of limits [1,\(maxIntSize)]".utf8))
        }
        return sz
    }

    mutating func getOption(_ size: inout Int) throws -> KOption {
        let opt = fmt[pos]
        pos += 1
        size = 0
        switch opt {
        case UInt8(ascii: "b"): size = 1; return .int
        case UInt8(ascii: "B"): size = 1; return .uint
        case UInt8(ascii: "h"): size = 2; return .int
        case UInt8(ascii: "H"): size = 2; return .uint
        case UInt8(ascii: "l"): size = 8; return .int
        case UInt8(ascii: "L"): size = 8; return .uint
        case UInt8(ascii: "j"): size = 8; return .int
        case UInt8(ascii: "J"): size = 8; return .uint
        case UInt8(ascii: "T"): size = 8; return .uint
        case UInt8(ascii: "f"): size = 4; return .float
        case UInt8(ascii: "n"): size = 8; return .number
        case UInt8(ascii: "d"): size = 8; return .double
        case UInt8(ascii: "i"): size = try getNumLimit(4); return .int
        case UInt8(ascii: "I"): size = try getNumLimit(4); return .uint
        case UInt8(ascii: "s"): size = try getNumLimit(8); return .string
        case UInt8(ascii: "c"):
            size = getNum(-1)
            if size == -1 { throw LuaTextError("missing size for format option 'c'") }
            return .char
        case UInt8(ascii: "z"): return .zstr
        case UInt8(ascii: "x"): size = 1; return .padding
        case UInt8(ascii: "X"): return .paddAlign
        case UInt8(ascii: " "): break
        case UInt8(ascii: "<"): isLittle = true
        case UInt8(ascii: ">"): isLittle = false
        case UInt8(ascii: "="): isLittle = true  // native
        case UInt8(ascii: "!"): maxAlign = try getNumLimit(nativeMaxAlign)
        default:
            var m = Array("invalid format option '".utf8)
            m.append(opt)
            m.append(UInt8(ascii: "'"))
            throw LuaTextError(m)
        }
        return .nop
    }

    /// getdetails: next option, its size and the padding needed before it.
    mutating func getDetails(_ totalSize: Int) throws -> (KOption, size: Int, toAlign: Int) {
        var size = 0
        let opt = try getOption(&size)
        var align = size
        if opt == .paddAlign {
            if try atEnd || getOption(&align) == .char || align == 0 {
                throw LuaTextError("invalid next option for option 'X'", argument: 1)
            }
        }
        var toAlign = 0
        if !(align <= 1 || opt == .char) {
            if align > maxAlign { align = maxAlign }
            if align & (align - 1) != 0 {
                throw LuaTextError("format asks for alignment not power of 2", argument: 1)
            }
            toAlign = (align - (totalSize & (align - 1))) & (align - 1)
        }
        return (opt, size, toAlign)
    }
}

@inline(__always)
private func appendZeros(_ n: Int, to out: inout [UInt8]) {
    if n <= 16 {
        for _ in 0..<n { out.append(0) }
    } else {
        out.append(contentsOf: [UInt8](repeating: 0, count: n))
    }
}

@inline(__always)
private func packInt(_ n: UInt64, little: Bool, size: Int, neg: Bool, into out: inout [UInt8]) {
    let ext: UInt8 = neg ? 0xFF : 0  // sign extension beyond 8 bytes
    if little {
        for i in 0..<size {
            out.append(i < szInt ? UInt8(truncatingIfNeeded: n >> UInt64(8 * i)) : ext)
        }
    } else {
        var i = size - 1
        while i >= 0 {
            out.append(i < szInt ? UInt8(truncatingIfNeeded: n >> UInt64(8 * i)) : ext)
            i -= 1
        }
    }
}

@inline(__always)
private func packBits(_ bits: UInt64, size: Int, little: Bool, into out: inout [UInt8]) {
    for i in 0..<size {
        let shift = little ? i : size - 1 - i
        out.append(UInt8(truncatingIfNeeded: bits >> UInt64(8 * shift)))
    }
}

/// string.pack(fmt, v1, v2, ...).
/// - Parameters:
///   - argCount: number of values after the format.
///   - arg: fetches Lua argument `index` (2...argCount+1) as a raw TextArg; LuaText
///     applies luaL_checkinteger / checknumber / checklstring itself.
/// - Throws: LuaTextError, e.g. argument 2 "integer overflow",
///   argument 1 "format asks for alignment not power of 2", or plain
///   "invalid format option 'y'".
package func luaPack(_ fmtBytes: UnsafeBufferPointer<UInt8>, argCount: Int,
                     arg fetch: (_ index: Int) throws -> TextArg) throws -> [UInt8] {
    var h = PackFormat(fmtBytes)
    var out: [UInt8] = []
    out.reserveCapacity(32)
    var arg = 1
    var totalSize = 0
    // lua pushes a nil after the arguments, so the first missing one is "nil"
    func value(_ i: Int) throws -> TextArg { i <= argCount + 1 ? try fetch(i) : .nilValue }
    while !h.atEnd {
        let (opt, size, toAlign) = try h.getDetails(totalSize)
        totalSize += toAlign + size
        if toAlign > 0 { appendZeros(toAlign, to: &out) }
        arg += 1
        switch opt {
        case .int:
            let n = try value(arg).checkInteger(arg)
            if size < szInt {
                let lim = Int64(1) << (size * 8 - 1)
                if !(-lim <= n && n < lim) { throw LuaTextError("integer overflow", argument: arg) }
            }
            packInt(UInt64(bitPattern: n), little: h.isLittle, size: size, neg: n < 0, into: &out)
        case .uint:
            let n = try value(arg).checkInteger(arg)
            if size < szInt && UInt64(bitPattern: n) >= UInt64(1) << UInt64(size * 8) {
                throw LuaTextError("unsigned overflow", argument: arg)
            }
            packInt(UInt64(bitPattern: n), little: h.isLittle, size: size, neg: false, into: &out)
        case .float:
            let f = Float(try value(arg).checkNumber(arg))
            packBits(UInt64(f.bitPattern), size: 4, little: h.isLittle, into: &out)
        case .number, .double:
            let d = try value(arg).checkNumber(arg)
            packBits(d.bitPattern, size: 8, little: h.isLittle, into: &out)
        case .char:
            let s = try value(arg).checkString(arg)
            if s.count > size { throw LuaTextError("string longer than given size", argument: arg) }
            out.append(contentsOf: s)
            if s.count < size { appendZeros(size - s.count, to: &out) }
        case .string:
            let s = try value(arg).checkString(arg)
            if !(size >= 8 || UInt64(s.count) < UInt64(1) << UInt64(size * 8)) {
                throw LuaTextError("string length does not fit in given size", argument: arg)
            }
            packInt(UInt64(s.count), little: h.isLittle, size: size, neg: false, into: &out)
            out.append(contentsOf: s)
            totalSize += s.count
        case .zstr:
            let s = try value(arg).checkString(arg)
            if s.contains(0) { throw LuaTextError("string contains zeros", argument: arg) }
            out.append(contentsOf: s)
            out.append(0)
            totalSize += s.count + 1
        case .padding:
            out.append(0)
            arg -= 1
        case .paddAlign, .nop:
            arg -= 1
        }
    }
    return out
}

package func luaPack(_ fmt: [UInt8], argCount: Int, arg fetch: (_ index: Int) throws -> TextArg) throws -> [UInt8] {
    try withBytes(fmt) { try luaPack($0, argCount: argCount, arg: fetch) }
}

/// Convenience: values[0] is Lua argument #2.
package func luaPack(_ fmt: [UInt8], _ values: [TextArg]) throws -> [UInt8] {
    try luaPack(fmt, argCount: values.count) { values[$0 - 2] }
}

/// string.packsize(fmt).
package func luaPackSize(_ fmtBytes: UnsafeBufferPointer<UInt8>) throws -> Int64 {
    var h = PackFormat(fmtBytes)
    var totalSize = 0
    while !h.atEnd {
        var (opt, size, toAlign) = try h.getDetails(totalSize)
        if opt == .string || opt == .zstr {
            throw LuaTextError("variable-length format", argument: 1)
        }
        size += toAlign
        if !(totalSize <= maxSize - size) {
            throw LuaTextError("format result too large", argument: 1)
        }
        totalSize += size
    }
    return Int64(totalSize)
}

package func luaPackSize(_ fmt: [UInt8]) throws -> Int64 {
    try withBytes(fmt) { try luaPackSize($0) }
}

private func unpackInt(_ d: UnsafeBufferPointer<UInt8>, at: Int, little: Bool, size: Int, signed: Bool) throws -> Int64 {
    var res: UInt64 = 0
    let limit = min(size, szInt)
    var i = limit - 1
    while i >= 0 {
        res <<= 8
        res |= UInt64(d[at + (little ? i : size - 1 - i)])
        i -= 1
    }
    if size < szInt {
        if signed {
            let mask = UInt64(1) << UInt64(size * 8 - 1)
            res = (res ^ mask) &- mask
        }
    } else if size > szInt {
        let mask: UInt8 = (!signed || Int64(bitPattern: res) >= 0) ? 0 : 0xFF
        for k in limit..<size where d[at + (little ? k : size - 1 - k)] != mask {
            throw LuaTextError(Array("\(size)-byte integer does not fit into Lua Integer".utf8))
        }
    }
    return Int64(bitPattern: res)
}

@inline(__always)
private func readBits(_ d: UnsafeBufferPointer<UInt8>, at: Int, size: Int, little: Bool) -> UInt64 {
    var v: UInt64 = 0
    for i in 0..<size {
        let b = UInt64(d[at + i])
        let shift = little ? i : size - 1 - i
        v |= b << UInt64(8 * shift)
    }
    return v
}

/// string.unpack(fmt, data [, init]). Returns the values and the next position
/// (the last Lua result).
/// - Throws: argument 2 "data string too short", argument 3 "initial position out
///   of string", "unfinished string for format 'z'", plain
///   "N-byte integer does not fit into Lua Integer", format errors as for pack.
package func luaUnpack(_ fmtBytes: UnsafeBufferPointer<UInt8>, _ data: UnsafeBufferPointer<UInt8>,
                       init initPos: Int64 = 1) throws -> (values: [PackValue], next: Int64) {
    var h = PackFormat(fmtBytes)
    let ld = data.count
    let p0 = posRelatStart(initPos, ld) - 1
    if p0 > Int64(ld) { throw LuaTextError("initial position out of string", argument: 3) }
    var pos = Int(p0)
    var values: [PackValue] = []
    values.reserveCapacity(4)
    while !h.atEnd {
        let (opt, size, toAlign) = try h.getDetails(pos)
        if toAlign + size > ld - pos { throw LuaTextError("data string too short", argument: 2) }
        pos += toAlign
        switch opt {
        case .int, .uint:
            values.append(.int(try unpackInt(data, at: pos, little: h.isLittle, size: size, signed: opt == .int)))
        case .float:
            let bits = UInt32(truncatingIfNeeded: readBits(data, at: pos, size: 4, little: h.isLittle))
            values.append(.float(Double(Float(bitPattern: bits))))
        case .number, .double:
            values.append(.float(Double(bitPattern: readBits(data, at: pos, size: 8, little: h.isLittle))))
        case .char:
            values.append(.string(Array(UnsafeBufferPointer(rebasing: data[pos..<(pos + size)]))))
        case .string:
            let len = UInt64(bitPattern: try unpackInt(data, at: pos, little: h.isLittle, size: size, signed: false))
            if len > UInt64(ld - pos - size) { throw LuaTextError("data string too short", argument: 2) }
            let start = pos + size
            values.append(.string(Array(UnsafeBufferPointer(rebasing: data[start..<(start + Int(len))]))))
            pos += Int(len)
        case .zstr:
            var e = pos
            while e < ld && data[e] != 0 { e += 1 }
            if e >= ld { throw LuaTextError("unfinished string for format 'z'", argument: 2) }
            values.append(.string(Array(UnsafeBufferPointer(rebasing: data[pos..<e]))))
            pos = e + 1
        case .paddAlign, .padding, .nop:
            break
        }
        pos += size
    }
    return (values, Int64(pos) + 1)
}

package func luaUnpack(_ fmt: [UInt8], _ data: [UInt8], init initPos: Int64 = 1) throws -> (values: [PackValue], next: Int64) {
    try withBytes(fmt) { f in try withBytes(data) { d in try luaUnpack(f, d, init: initPos) } }
}
