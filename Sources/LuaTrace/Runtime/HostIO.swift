// Host I/O used by the runtime: reading files and stdin, writing stderr.

import LuaText
#if canImport(Glibc)
import Glibc
#endif

func formatFloatText(_ d: Double) -> [UInt8] { formatFloat(d) }

func writeStderr(_ s: String) {
    var s = s
    s.withUTF8 { b in _ = Glibc.write(2, b.baseAddress, b.count) }
}

extension VM {
    func readFile(_ path: String) -> [UInt8]? {
        try? readFileChecked(path).get()
    }

    func readAllStdin() -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = Glibc.read(0, &buf, buf.count)
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    /// lua skips a first line starting with '#' in files (keeping the newline for line numbers).
    func skipFirstLineIfComment(_ src: [UInt8]) -> [UInt8] {
        guard src.first == UInt8(ascii: "#") else { return src }
        if let nl = src.firstIndex(of: 10) { return Array(src[nl...]) }
        return []
    }

    /// lua.c's msghandler text for an error value.
    func errorMessageText(_ v: Value) -> String { errorMessage(v).text }

    /// The message text, and whether it came from the object's `__tostring` (lua.c's handler
    /// then adds no traceback).
    func errorMessage(_ v: Value) -> (text: String, byTostring: Bool) {
        if v.isString { return (LuaStr.string(v.str), false) }
        if v.isNumber { return (String(decoding: tostringBasic(v), as: UTF8.self), false) }
        if let h = tm(v, .tostring), let r = try? call1(h, v, .nilValue), r.isString {
            return (LuaStr.string(r.str), true)
        }
        return ("(error object is a \(objTypeName(v)) value)", false)
    }
}
