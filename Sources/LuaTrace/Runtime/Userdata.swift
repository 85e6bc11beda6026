// Full userdata: an LTUserdata header followed by `len` bytes of payload, in the GC heap.
//
// Invariants:
// - The payload starts right after the LTUserdata header (8-byte aligned) and is zeroed at
//   creation. Library userdata get their metatable directly (not through setmetatable), so
//   they are never marked for Lua-level finalization; instead `swiftref` holds a UserdataTag
//   and the collector calls releaseUserdata before freeing the block, so payloads that own C
//   resources (FILE*) release them. Payloads never own Swift objects.
// - The metatable and the user value are marked by the collector (Heap.swift). hdr.extra is the
//   number of user values (0 or 1).

import CLuaRuntime
#if canImport(Glibc)
import Glibc
#endif

typealias UserdataPtr = UnsafeMutablePointer<LTUserdata>

/// What a userdata's payload is, stored in LTUserdata.swiftref as a small integer.
enum UserdataTag: Int {
    case plain = 0
    case file = 1       // IOLib's LuaFile
}

extension VM {
    /// Allocates a userdata with `size` zeroed payload bytes and an optional metatable.
    /// `userValues` (0 or 1, kept in hdr.extra) says whether it has a user value slot, as
    /// lua_newuserdatauv's count does (debug.getuservalue/setuservalue check it).
    func newUserdata(size: Int, metatable: TablePtr? = nil, userValues: Int = 1) -> UserdataPtr {
        let header = MemoryLayout<LTUserdata>.stride
        let raw = allocObject(header + size, tt: LT_TUSERDATA)
        let u = raw.assumingMemoryBound(to: LTUserdata.self)
        u.pointee.hdr.extra = UInt32(min(max(userValues, 0), 1))
        u.pointee.metatable = metatable
        u.pointee.len = Int64(size)
        u.pointee.uservalue = .nilValue
        u.pointee.swiftref = nil
        if size > 0 { memset(raw + header, 0, size) }
        return u
    }

    func setUserdataTag(_ u: UserdataPtr, _ tag: UserdataTag) {
        u.pointee.swiftref = UnsafeMutableRawPointer(bitPattern: tag.rawValue)
    }

    /// Called by the collector (and at VM teardown) just before a userdata is freed.
    func releaseUserdata(_ u: UserdataPtr) {
        switch UserdataTag(rawValue: Int(bitPattern: u.pointee.swiftref)) {
        case .file: releaseFile(u)
        default: break
        }
    }
}

/// The payload bytes of a userdata.
@inline(__always) func userdataPayload(_ u: UserdataPtr) -> UnsafeMutableRawPointer {
    UnsafeMutableRawPointer(u) + MemoryLayout<LTUserdata>.stride
}
