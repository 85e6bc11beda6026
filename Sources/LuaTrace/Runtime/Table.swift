// Tables: a hybrid of an array part and a hash part, laid out as LTTable in runtime-c so that
// compiled traces can read both parts directly. The algorithms are lua 5.4's (ltable.c,
// reimplemented from its description), so that observable behaviour that lua5.4 makes
// deterministic is the same here: `next`/pairs order for non-string keys, and the border `#t`
// picks in a table with holes.
//
// Invariants:
// - Keys are never nil or NaN; float keys with an integral value are stored as integers
//   (callers normalise with `normalizeKey`).
// - Integer keys 1...asize live in the array part; every other key lives in the hash part.
// - The hash part (Table+Hash.swift) has nodecap nodes, a power of two, or 0 ("dummy": no hash
//   part). It is a chained scatter table with Brent's variation: each key is in the chain that
//   starts at its main position (lua's hash functions: integers and floats modulo
//   (nodecap-1)|1, booleans and strings masked; string hashes are our own), chained through the
//   nodes' `next` offsets. A key not in its main position is only ever in a node whose main
//   position is taken by a key that is in its own main position.
// - A node with a nil key is free; free nodes are taken from below `lastfree`, which only
//   moves down. A node with a key and a nil value is a dead entry: assigning nil keeps the key
//   (so `next` works while fields are cleared during a traversal); it is not free, but a new key
//   whose main position it is takes it over. When no free node is left, the table is rehashed
//   (Table+Resize.swift): the array size becomes the largest power of two n such that more than
//   n/2 of the slots 1...n would be in use, and the hash part gets room for the other keys.
//   Tables never shrink otherwise.
// - alimit <= asize is lua's `alimit`: a hint for `#` (lt_tab_len in runtime-c) that `#`
//   lowers and that any integer access (tableGetInt/tableSetInt, lt_tab_getint, traces' array
//   loads and stores) of a key k with alimit < k <= asize raises to k. Every resize sets it to
//   asize. Only `next`, the GC and constructors' SETLIST touch the array without updating it.
// - hdr.flags caches absent metamethods (bit TM.rawValue set = absent) for the first 6 events;
//   any store of a string key clears it.
// - The array part is one malloc'ed block (grown with realloc, so a big array is remapped rather
//   than copied next to its old self).

import CLuaRuntime
#if canImport(Glibc)
import Glibc
#endif

extension LTNode {
    /// The node's key as a value (stored split into payload and a 32-bit tag).
    @inline(__always) var key: Value {
        get { Value(u: keyu, tt: UInt64(keytt)) }
        set { keyu = newValue.u; keytt = UInt32(truncatingIfNeeded: newValue.tt) }
    }
}

extension VM {
    func newTable(narray: Int = 0, nhash: Int = 0) -> TablePtr {
        let raw = allocObject(MemoryLayout<LTTable>.stride, tt: LT_TTABLE)
        let t = raw.assumingMemoryBound(to: LTTable.self)
        t.pointee.asize = 0
        t.pointee.alimit = 0
        t.pointee.array = nil
        t.pointee.node = nil
        t.pointee.nodecap = 0
        t.pointee.lastfree = 0
        t.pointee.metatable = nil
        if narray > 0 || nhash > 0 { tableResize(t, narray, nhash) }
        return t
    }

    func freeTable(_ t: TablePtr) {
        if let a = t.pointee.array { free(a) }
        if let n = t.pointee.node { n.deallocate() }
        totalBytes -= Int(t.pointee.asize) * 16 + Int(t.pointee.nodecap) * 32 + MemoryLayout<LTTable>.stride
    }

    @inline(__always) static func keyEquals(_ a: Value, _ b: Value) -> Bool {
        if a.tt != b.tt { return false }
        if a.u.i == b.u.i { return true }
        if a.tt == UInt64(LT_TSTRING) { return LuaStr.equalLong(a.str, b.str) }
        if a.tt == UInt64(LT_TFLOAT) { return a.n == b.n }     // +0.0 / -0.0
        return false
    }

    // MARK: lookups (raw)

    /// t[key] (lua's luaH_getint: raises alimit for an array slot above it).
    @inline(__always) func tableGetInt(_ t: TablePtr, _ key: Int64) -> Value {
        let idx = UInt64(bitPattern: key &- 1)
        if idx < UInt64(t.pointee.alimit) { return t.pointee.array[Int(idx)] }
        if idx < UInt64(t.pointee.asize) {
            t.pointee.alimit = UInt32(truncatingIfNeeded: key)
            return t.pointee.array[Int(idx)]
        }
        return tableGetIntHash(t, key)
    }

    @inline(never) func tableGetIntHash(_ t: TablePtr, _ key: Int64) -> Value {
        if let v = lt_tab_hash_getint(t, key) { return v.pointee }
        return .nilValue
    }

    /// Lookup with an interned short string key (the chain walk is shared with traces).
    @inline(__always) func tableGetShortStr(_ t: TablePtr, _ key: StringPtr) -> Value {
        if let v = lt_tab_getshortstr(t, key) { return v.pointee }
        return .nilValue
    }

    @inline(__always) func tableGetStr(_ t: TablePtr, _ key: StringPtr) -> Value {
        if key.pointee.isshort != 0 { return tableGetShortStr(t, key) }
        return tableGetHash(t, Value(string: key))
    }

    /// `t[key]` for a string key where no metamethod needs calling: short strings follow
    /// `__index` tables (indexChainShortStr); nil means the caller's slow path decides.
    @inline(__always) func indexStrFast(_ t: TablePtr, _ key: StringPtr) -> Value? {
        if key.pointee.isshort != 0 { return indexChainShortStr(t, key) }
        let v = tableGetHash(t, Value(string: key))
        return !v.isNil || fastTM(t.pointee.metatable, .index) == nil ? v : nil
    }

    /// `t[key]` for a short-string key following `__index` tables (the usual class/prototype
    /// chain), without calling anything. nil when the chain reaches an `__index` function or
    /// a non-table, or is deeper than a few levels: then the caller takes its slow path (which
    /// starts over, so nothing is done twice observably: lookups have no side effects).
    @inline(__always) func indexChainShortStr(_ t: TablePtr, _ key: StringPtr) -> Value? {
        var t = t
        for _ in 0..<4 {
            let v = tableGetShortStr(t, key)
            if !v.isNil { return v }
            guard let h = fastTM(t.pointee.metatable, .index) else { return .nilValue }
            guard h.isTable else { return nil }
            t = h.table
        }
        return nil
    }

    /// Raw get with any key (normalises float keys).
    func tableGet(_ t: TablePtr, _ key: Value) -> Value {
        switch key.tt {
        case UInt64(LT_TINT): return tableGetInt(t, key.i)
        case UInt64(LT_TSTRING): return tableGetStr(t, key.str)
        case UInt64(LT_TNIL): return .nilValue
        case UInt64(LT_TFLOAT):
            if let i = Arith.floatToIntExact(key.n) { return tableGetInt(t, i) }
            if key.n.isNaN { return .nilValue }
            return tableGetHash(t, key)
        default: return tableGetHash(t, key)
        }
    }

    func tableGetHash(_ t: TablePtr, _ key: Value) -> Value {
        if let i = findNode(t, key) { return t.pointee.node[i].val }
        return .nilValue
    }

    // MARK: stores (raw)

    /// Returns true when the key was new to the hash part (the store may have grown the table).
    @discardableResult
    @inline(__always) func tableSetInt(_ t: TablePtr, _ key: Int64, _ v: Value) -> Bool {
        let idx = UInt64(bitPattern: key &- 1)
        if idx < UInt64(t.pointee.alimit) { t.pointee.array[Int(idx)] = v; return false }
        if idx < UInt64(t.pointee.asize) {
            t.pointee.alimit = UInt32(truncatingIfNeeded: key)
            t.pointee.array[Int(idx)] = v
            return false
        }
        return tableSetIntHash(t, key, v)
    }

    @inline(never) func tableSetIntHash(_ t: TablePtr, _ key: Int64, _ v: Value) -> Bool {
        if let slot = lt_tab_hash_getint(t, key) { slot.pointee = v; return false }
        tableNewKey(t, Value(int: key), v)
        return true
    }

    @inline(__always) func tableSetStr(_ t: TablePtr, _ key: StringPtr, _ v: Value) {
        t.pointee.hdr.flags = 0
        if key.pointee.isshort != 0 {
            // in place when the key has a node (live or dead), else a new key (not looked up
            // again through findNode)
            if let slot = lt_tab_getshortstr(t, key) { slot.pointee = v } else { tableNewKey(t, Value(string: key), v) }
            return
        }
        tableSetHash(t, Value(string: key), v)
    }

    /// Raw set; the key must be valid (not nil, not NaN). Float keys are normalised here.
    func tableSet(_ t: TablePtr, _ key: Value, _ v: Value) {
        switch key.tt {
        case UInt64(LT_TINT): tableSetInt(t, key.i, v)
        case UInt64(LT_TSTRING): tableSetStr(t, key.str, v)
        case UInt64(LT_TFLOAT):
            if let i = Arith.floatToIntExact(key.n) { tableSetInt(t, i, v) } else { tableSetHash(t, key, v) }
        default: tableSetHash(t, key, v)
        }
    }

    /// Stores into the hash part (the key is not an array-part index): in place when the key
    /// has a node (live or dead), else as a new key.
    func tableSetHash(_ t: TablePtr, _ key: Value, _ v: Value) {
        if let i = findNode(t, key) { t.pointee.node[i].val = v; return }
        tableNewKey(t, key, v)
    }

    // MARK: length and traversal

    /// A border of the table (the `#` operator without __len); shared with traces.
    @inline(__always) func tableLength(_ t: TablePtr) -> Int64 { lt_tab_len(t) }

    /// `next`: the entry after `key` (nil key = first): the array part in order, then the
    /// nodes in order. Returns nil at the end; throws for a key that is not in the table.
    func tableNext(_ t: TablePtr, _ key: Value) throws -> (Value, Value)? {
        let asize = Int(t.pointee.asize)
        var i: Int          // position to start scanning: 0..<asize array, asize... nodes
        // like lua, a float key is not converted: next(t, 2.0) is an invalid key
        if key.isNil {
            i = 0
        } else if key.isInt && key.i >= 1 && key.i <= Int64(asize) {
            i = Int(key.i)
        } else if let n = findNode(t, key, deadOK: true) {
            i = asize + n + 1
        } else {
            throw LuaError.plain(self, "invalid key to 'next'")  // raised inside 'next': no position (lua)
        }
        while i < asize {
            if !t.pointee.array[i].isNil { return (Value(int: Int64(i + 1)), t.pointee.array[i]) }
            i += 1
        }
        let cap = Int(t.pointee.nodecap)
        var n = i - asize
        while n < cap {
            let node = t.pointee.node[n]
            if !node.val.isNil { return (node.key, node.val) }
            n += 1
        }
        return nil
    }

    // MARK: metatables

    /// Metamethod lookup with the absence cache (for the cached events).
    @inline(__always) func fastTM(_ mt: TablePtr?, _ e: TM) -> Value? {
        guard let mt = mt else { return nil }
        if mt.pointee.hdr.flags & (1 << UInt8(e.rawValue)) != 0 { return nil }
        return slowTM(mt, e)
    }

    @inline(__always) func slowTM(_ mt: TablePtr, _ e: TM) -> Value? {
        let v = tableGetShortStr(mt, tmNames[e.rawValue])
        if v.isNil {
            if e.rawValue < 6 { mt.pointee.hdr.flags |= 1 << UInt8(e.rawValue) }
            return nil
        }
        return v
    }

    func metatable(of v: Value) -> TablePtr? {
        switch v.tt {
        case UInt64(LT_TTABLE): return v.table.pointee.metatable
        case UInt64(LT_TUSERDATA): return v.userdata.pointee.metatable
        default: return typeMetatables[Int(v.tt)]
        }
    }

    /// Metamethod of any value for an event (nil if absent).
    func tm(_ v: Value, _ e: TM) -> Value? {
        guard let mt = metatable(of: v) else { return nil }
        return fastTM(mt, e)
    }
}
