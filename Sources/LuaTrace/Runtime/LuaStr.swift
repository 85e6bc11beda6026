// Strings: immutable byte strings in the GC heap.
//
// Invariants:
// - Short strings (len <= LT_MAXSHORTLEN) are interned in the VM's string table, so two short
//   strings are equal iff they are the same object; their hash is set at creation.
// - Long strings are never interned; equality compares bytes, and the hash is computed lazily
//   (hdr.flags bit 0 says it is valid).
// - Every string's data is followed by a NUL byte (handy for C interop).
// - The string table holds its entries weakly: the sweeper removes dead short strings.

import CLuaRuntime
#if canImport(Glibc)
import Glibc
#endif

enum LuaStr {
    @inline(__always) static func data(_ s: StringPtr) -> UnsafeMutablePointer<UInt8> {
        UnsafeMutableRawPointer(s + 1).assumingMemoryBound(to: UInt8.self)
    }
    @inline(__always) static func len(_ s: StringPtr) -> Int { Int(s.pointee.len) }
    @inline(__always) static func buffer(_ s: StringPtr) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: data(s), count: len(s))
    }
    static func bytes(_ s: StringPtr) -> [UInt8] { Array(buffer(s)) }
    static func string(_ s: StringPtr) -> String { String(decoding: buffer(s), as: UTF8.self) }

    /// Content equality for two strings known to be different objects (long strings only can
    /// be equal then).
    @inline(__always) static func equalLong(_ a: StringPtr, _ b: StringPtr) -> Bool {
        if a.pointee.isshort != 0 || b.pointee.isshort != 0 { return false }
        let n = a.pointee.len
        return n == b.pointee.len && memcmp(data(a), data(b), Int(n)) == 0
    }

    static func hashBytes(_ p: UnsafePointer<UInt8>, _ n: Int, seed: UInt32) -> UInt32 {
        var h = seed ^ UInt32(truncatingIfNeeded: n)
        var i = 0
        while i < n {
            h ^= (h << 5) &+ (h >> 2) &+ UInt32(p[i])
            i += 1
        }
        // final avalanche (murmur3's fmix32): a table's main position for a string is
        // `hash & mask`, and the shift-add loop alone leaves similar keys ("k1", "k2", ...)
        // clustered in the low bits (long collision chains)
        h ^= h >> 16
        h = h &* 0x85eb_ca6b
        h ^= h >> 13
        h = h &* 0xc2b2_ae35
        h ^= h >> 16
        return h
    }

    /// Compares two strings as lua does (strcoll in the C locale = byte order).
    static func compare(_ a: StringPtr, _ b: StringPtr) -> Int {
        let la = len(a), lb = len(b)
        let r = memcmp(data(a), data(b), min(la, lb))
        if r != 0 { return Int(r) }
        return la < lb ? -1 : (la > lb ? 1 : 0)
    }
}

extension VM {
    /// Creates (or finds the interned) string with these bytes.
    func newString(_ p: UnsafePointer<UInt8>?, _ n: Int) -> StringPtr {
        if n <= Int(LT_MAXSHORTLEN) { return internBytes(p, n) }
        let s = allocString(n)
        if n > 0 { memcpy(LuaStr.data(s), p!, n) }
        return s
    }

    func newString(_ bytes: [UInt8]) -> StringPtr {
        bytes.withUnsafeBufferPointer { newString($0.baseAddress, $0.count) }
    }

    func newString(_ bytes: ArraySlice<UInt8>) -> StringPtr {
        bytes.withUnsafeBufferPointer { newString($0.baseAddress, $0.count) }
    }

    func newString(_ s: String) -> StringPtr {
        var s = s
        return s.withUTF8 { newString($0.baseAddress, $0.count) }
    }

    func internString(_ s: String) -> StringPtr { newString(s) }

    /// Allocates an uninitialised (long, not interned) string of n bytes; the caller fills it.
    /// For n <= LT_MAXSHORTLEN use newString instead so that interning holds.
    func allocString(_ n: Int) -> StringPtr {
        let raw = allocObject(MemoryLayout<LTString>.stride + n + 1, tt: LT_TSTRING)
        let s = raw.assumingMemoryBound(to: LTString.self)
        s.pointee.len = Int64(n)
        s.pointee.hash = 0
        s.pointee.isshort = 0
        s.pointee.hnext = nil
        LuaStr.data(s)[n] = 0
        return s
    }

    /// Builds a string from a buffer filled by `fill` (n bytes), interning when short.
    func makeString(count n: Int, _ fill: (UnsafeMutablePointer<UInt8>) -> Void) -> StringPtr {
        if n <= Int(LT_MAXSHORTLEN) {
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(n, 1)) { buf in
                fill(buf.baseAddress!)
                return internBytes(buf.baseAddress, n)
            }
        }
        let s = allocString(n)
        fill(LuaStr.data(s))
        return s
    }

    private func internBytes(_ p: UnsafePointer<UInt8>?, _ n: Int) -> StringPtr {
        let h = n == 0 ? hashSeed : LuaStr.hashBytes(p!, n, seed: hashSeed)
        var cur = strBuckets[Int(h) & strMask]
        while let s = cur {
            if s.pointee.hash == h && s.pointee.len == n && (n == 0 || memcmp(LuaStr.data(s), p!, n) == 0) {
                return s
            }
            cur = s.pointee.hnext
        }
        let s = allocString(n)
        if n > 0 { memcpy(LuaStr.data(s), p!, n) }
        s.pointee.hash = h
        s.pointee.isshort = 1
        let b = Int(h) & strMask
        s.pointee.hnext = strBuckets[b]
        strBuckets[b] = s
        strCount += 1
        if strCount > strMask + 1 { resizeStringTable((strMask + 1) * 2) }
        return s
    }

    func resizeStringTable(_ newSize: Int) {
        let nb = UnsafeMutablePointer<StringPtr?>.allocate(capacity: newSize)
        nb.initialize(repeating: nil, count: newSize)
        for i in 0...strMask {
            var cur = strBuckets[i]
            while let s = cur {
                cur = s.pointee.hnext
                let b = Int(s.pointee.hash) & (newSize - 1)
                s.pointee.hnext = nb[b]
                nb[b] = s
            }
        }
        strBuckets.deallocate()
        strBuckets = nb
        strMask = newSize - 1
    }

    /// Hash of any string (computes and caches a long string's hash).
    @inline(__always) func stringHash(_ s: StringPtr) -> UInt32 {
        if s.pointee.isshort != 0 || s.pointee.hdr.flags & 1 != 0 { return s.pointee.hash }
        return longStringHash(s)
    }

    @inline(never) func longStringHash(_ s: StringPtr) -> UInt32 {
        let h = LuaStr.hashBytes(LuaStr.data(s), LuaStr.len(s), seed: hashSeed)
        s.pointee.hash = h
        s.pointee.hdr.flags |= 1
        return h
    }

    /// Removes strings not marked in this cycle from the intern table (called before sweep).
    func sweepStringTable() {
        for i in 0...strMask {
            var prev: StringPtr? = nil
            var cur = strBuckets[i]
            while let s = cur {
                let next = s.pointee.hnext
                if s.pointee.hdr.marked == 0 {
                    if let p = prev { p.pointee.hnext = next } else { strBuckets[i] = next }
                    strCount -= 1
                } else {
                    prev = s
                }
                cur = next
            }
        }
    }
}

/// The hash and the short-string flag live in the GC header's spare fields (a string header
/// is 32 bytes: lua's is 24).
extension LTString {
    var hash: UInt32 {
        @inline(__always) get { hdr.extra }
        @inline(__always) set { hdr.extra = newValue }
    }
    var isshort: UInt32 {
        @inline(__always) get { UInt32(hdr.pad) }
        @inline(__always) set { hdr.pad = UInt8(truncatingIfNeeded: newValue) }
    }
}
