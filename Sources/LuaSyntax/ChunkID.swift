// Chunk identifiers for error messages, following lua5.4's luaO_chunkid (lobject.c).

/// LUA_IDSIZE: maximum size of a chunk id in messages, including the terminating NUL of C.
package let luaIDSize = 60

/// Formats a chunk name the way lua5.4 prints it in messages:
/// - `"@file"` -> `"file"`, or `"..."` + the last part of the name when too long;
/// - `"=name"` -> `"name"`, truncated to 59 bytes;
/// - anything else (source text) -> `[string "first line..."]`.
package func chunkID(_ chunkName: String) -> String {
    String(decoding: chunkIDBytes(Array(chunkName.utf8)), as: UTF8.self)
}

/// Byte-level version of `chunkID(_:)` (chunk names may hold arbitrary bytes).
package func chunkIDBytes(_ source: [UInt8]) -> [UInt8] {
    // C treats the source as a NUL-terminated string in several places below; an embedded NUL
    // ends the text just as it does for lua's `%s` formatting.
    let srclen = source.count
    var out: [UInt8] = []
    out.reserveCapacity(luaIDSize + 4)
    if let first = source.first, first == UInt8(ascii: "=") {
        if srclen <= luaIDSize {
            out.append(contentsOf: source[1...])
        } else {
            out.append(contentsOf: source[1..<luaIDSize])
        }
    } else if let first = source.first, first == UInt8(ascii: "@") {
        if srclen <= luaIDSize {
            out.append(contentsOf: source[1...])
        } else {
            // "..." followed by the last (LUA_IDSIZE - 4) bytes of the name.
            out.append(contentsOf: [0x2E, 0x2E, 0x2E])
            let keep = luaIDSize - 3 - 1
            out.append(contentsOf: source[(srclen - keep)...])
        }
    } else {
        // [string "source"]
        out.append(contentsOf: Array("[string \"".utf8))
        let avail = luaIDSize - (9 + 3 + 2) - 1   // prefix + "..." + suffix + NUL
        // strchr stops at the first NUL as well as the first newline.
        var nl: Int? = nil
        for (i, b) in source.enumerated() {
            if b == 0 { break }
            if b == 0x0A { nl = i; break }
        }
        if srclen < avail && nl == nil {
            out.append(contentsOf: source)
        } else {
            var len = srclen
            if let nl { len = nl }
            if len > avail { len = avail }
            out.append(contentsOf: source[0..<len])
            out.append(contentsOf: [0x2E, 0x2E, 0x2E])
        }
        out.append(contentsOf: [0x22, 0x5D])   // "]
    }
    if let z = out.firstIndex(of: 0) { out.removeSubrange(z...) }
    return out
}
