// C-locale <ctype.h> predicates on bytes, as used by lstrlib.c / lctype.c.
// Pure arithmetic (no tables) so they inline into the matchers' hot loops.

@inline(__always) func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }
@inline(__always) func isLower(_ c: UInt8) -> Bool { c &- 97 < 26 }
@inline(__always) func isUpper(_ c: UInt8) -> Bool { c &- 65 < 26 }
@inline(__always) func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) &- 97 < 26 }
@inline(__always) func isAlnum(_ c: UInt8) -> Bool { isAlpha(c) || isDigit(c) }
/// ' ', '\t', '\n', '\v', '\f', '\r'
@inline(__always) func isSpace(_ c: UInt8) -> Bool { c == 32 || c &- 9 < 5 }
@inline(__always) func isCntrl(_ c: UInt8) -> Bool { c < 32 || c == 127 }
/// Printable except space: 0x21...0x7E.
@inline(__always) func isGraph(_ c: UInt8) -> Bool { c &- 33 < 94 }
@inline(__always) func isPunct(_ c: UInt8) -> Bool { isGraph(c) && !isAlnum(c) }
@inline(__always) func isXDigit(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20) &- 97 < 6 }

/// Value of a hex digit (caller guarantees `isXDigit(c)`).
@inline(__always) func hexValue(_ c: UInt8) -> Int {
    isDigit(c) ? Int(c &- 48) : Int((c | 0x20) &- 87)
}

@inline(__always) func toUpperByte(_ c: UInt8) -> UInt8 { isLower(c) ? c &- 32 : c }
@inline(__always) func toLowerByte(_ c: UInt8) -> UInt8 { isUpper(c) ? c &+ 32 : c }

/// string.upper (C locale).
package func luaUpper(_ s: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: s.count) { out, n in
        for i in 0..<s.count { out[i] = toUpperByte(s[i]) }
        n = s.count
    }
}

/// string.lower (C locale).
package func luaLower(_ s: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: s.count) { out, n in
        for i in 0..<s.count { out[i] = toLowerByte(s[i]) }
        n = s.count
    }
}

package func luaUpper(_ s: [UInt8]) -> [UInt8] { s.withUnsafeBufferPointer { luaUpper($0) } }
package func luaLower(_ s: [UInt8]) -> [UInt8] { s.withUnsafeBufferPointer { luaLower($0) } }

/// Runs `body` with a buffer view of `a`; an empty array gets a valid (dangling-safe)
/// base address so matchers can use raw pointers unconditionally.
@inline(__always)
func withBytes<R>(_ a: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try a.withUnsafeBufferPointer { buf in
        if buf.baseAddress != nil { return try body(buf) }
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { tmp in
            try body(UnsafeBufferPointer(start: tmp.baseAddress!, count: 0))
        }
    }
}
