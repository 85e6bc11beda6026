// Tables: a hybrid of an array part and a hash part, laid out as LTTable in runtime-c so that
// compiled traces can read the array part directly.
//
// Invariants:
// - Keys are never nil or NaN; float keys with an integral value are stored as integers
//   (callers normalise with `normalizeKey`).
// - Integer keys 1...asize live in the array part; every other key lives in the hash part.
// - The hash part uses open addressing with linear probing over nodecap (a power of two) nodes.
//   A node whose key is nil is empty and ends a probe; a node whose value is nil is dead and
//   keeps its key so that `next` keeps working while fields are cleared during a traversal.
// - nodeused counts non-empty nodes (live or dead) and never exceeds 3/4 of nodecap; inserting
//   past that rehashes, recomputing the array size Lua-style (the largest n such that more
//   than n/2 of the slots 1..n would be in use).
// - hdr.flags caches absent metamethods (bit TM.rawValue set = absent) for the first 6 events;
//   any store of a string key clears it.
// - The array part is one malloc'ed block (grown with realloc, so a big array is remapped rather
//   than copied next to its old self). `lenhint` is only a hint for `#` (any value is safe: the
//   border search checks it before trusting it).
// - String keys probe from `hash & mask`; string hashes end with an avalanche step (LuaStr.swift)
//   because linear probing needs well-spread low bits.

import CLuaRuntime
#if canImport(Glibc)
import Glibc
#endif

extension VM {
    func newTable(narray: Int = 0, nhash: Int = 0) -> TablePtr {
        let raw = allocObject(MemoryLayout<LTTable>.stride, tt: LT_TTABLE)
        let t = raw.assumingMemoryBound(to: LTTable.self)
        t.pointee.asize = 0
        t.pointee.nodecap = 0
        t.pointee.array = nil
        t.pointee.node = nil
        t.pointee.nodeused = 0
        t.pointee.lenhint = 0
        t.pointee.metatable = nil
        if narray > 0 { resizeArray(t, narray) }
        if nhash > 0 { allocNodes(t, capacityFor(nhash)) }
        return t
    }

    func freeTable(_ t: TablePtr) {
        if let a = t.pointee.array { free(a) }
        if let n = t.pointee.node { n.deallocate() }
        totalBytes -= Int(t.pointee.asize) * 16 + Int(t.pointee.nodecap) * 32 + MemoryLayout<LTTable>.stride
    }

    // MARK: hashing

    @inline(__always) static func mixInt(_ i: UInt64) -> Int {
        Int(truncatingIfNeeded: lt_mix_int(i))
    }

    @inline(__always) func hashKey(_ k: Value) -> Int {
        switch k.tt {
        case UInt64(LT_TSTRING): return Int(stringHash(k.str))
        case UInt64(LT_TINT): return VM.mixInt(UInt64(bitPattern: k.i))
        case UInt64(LT_TFLOAT): return VM.mixInt(k.n.bitPattern ^ 0x5555)
        case UInt64(LT_TTRUE): return 1
        case UInt64(LT_TFALSE): return 2
        default: return VM.mixInt(UInt64(UInt(bitPattern: k.u.p)) >> 3)
        }
    }

    @inline(__always) static func keyEquals(_ a: Value, _ b: Value) -> Bool {
        if a.tt != b.tt { return false }
        if a.u.i == b.u.i { return true }
        if a.tt == UInt64(LT_TSTRING) { return LuaStr.equalLong(a.str, b.str) }
        if a.tt == UInt64(LT_TFLOAT) { return a.n == b.n }     // +0.0 / -0.0
        return false
    }

    // MARK: lookups (raw)

    @inline(__always) func tableGetInt(_ t: TablePtr, _ key: Int64) -> Value {
        let idx = UInt64(bitPattern: key &- 1)
        if idx < UInt64(t.pointee.asize) { return t.pointee.array[Int(idx)] }
        return tableGetIntHash(t, key)
    }

    @inline(never) func tableGetIntHash(_ t: TablePtr, _ key: Int64) -> Value {
        if let v = lt_tab_hash_getint(t, key) { return v.pointee }
        return .nilValue
    }

    /// Lookup with an interned short string key (the probe loop is shared with traces).
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

    /// Index of the node holding `key` (live or dead), if any.
    func findNode(_ t: TablePtr, _ key: Value) -> Int? {
        let cap = Int(t.pointee.nodecap)
        if cap == 0 { return nil }
        if key.isString && key.str.pointee.isshort != 0 {     // interned: compare pointers
            let n = lt_tab_nodeindex_shortstr(t, key.str)
            return n < 0 ? nil : Int(n)
        }
        let mask = cap - 1
        var i = hashKey(key) & mask
        let nodes = t.pointee.node!
        while true {
            if VM.keyEquals(nodes[i].key, key) { return i }
            if nodes[i].key.tt == UInt64(LT_TNIL) { return nil }
            i = (i + 1) & mask
        }
    }

    // MARK: stores (raw)

    /// Returns true when the store went to the hash part (which may have grown the table).
    @discardableResult
    @inline(__always) func tableSetInt(_ t: TablePtr, _ key: Int64, _ v: Value) -> Bool {
        let idx = UInt64(bitPattern: key &- 1)
        if idx < UInt64(t.pointee.asize) { t.pointee.array[Int(idx)] = v; return false }
        tableSetHash(t, Value(int: key), v)
        return true
    }

    @inline(__always) func tableSetStr(_ t: TablePtr, _ key: StringPtr, _ v: Value) {
        t.pointee.hdr.flags = 0
        // fast path: the key already has a node (live or dead): store in place
        if key.pointee.isshort != 0, let slot = lt_tab_getshortstr(t, key) {
            slot.pointee = v
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

    /// Stores into the hash part (the key is not an array-part index).
    func tableSetHash(_ t: TablePtr, _ key: Value, _ v: Value) {
        let cap = Int(t.pointee.nodecap)
        if cap > 0 {
            let mask = cap - 1
            var i = hashKey(key) & mask
            let nodes = t.pointee.node!
            var firstDead = -1
            while true {
                let nk = nodes[i].key
                if VM.keyEquals(nk, key) { nodes[i].val = v; return }
                if nk.tt == UInt64(LT_TNIL) { break }
                if firstDead < 0 && nodes[i].val.tt == UInt64(LT_TNIL) { firstDead = i }
                i = (i + 1) & mask
            }
            if v.isNil { return }                      // assigning nil to an absent key: no-op
            if firstDead >= 0 {                         // reuse a dead node in the chain
                nodes[firstDead].key = key
                nodes[firstDead].val = v
                return
            }
            if Int(t.pointee.nodeused) + 1 <= cap - cap / 4 {
                nodes[i].key = key
                nodes[i].val = v
                t.pointee.nodeused += 1
                return
            }
        } else if v.isNil {
            return
        }
        rehash(t, extraKey: key)
        tableSet(t, key, v)
    }

    // MARK: resizing

    private func capacityFor(_ n: Int) -> Int {
        var c = 4
        while c - c / 4 < n { c <<= 1 }
        return c
    }

    private func allocNodes(_ t: TablePtr, _ cap: Int) {
        let nodes = UnsafeMutablePointer<LTNode>.allocate(capacity: cap)
        nodes.initialize(repeating: LTNode(val: .nilValue, key: .nilValue), count: cap)
        t.pointee.node = nodes
        t.pointee.nodecap = UInt32(cap)
        t.pointee.nodeused = 0
        totalBytes += cap * 32
    }

    func resizeArray(_ t: TablePtr, _ n: Int) {
        let old = Int(t.pointee.asize)
        if n == old { return }
        // realloc: a large array grows in place (glibc remaps big blocks) instead of holding
        // the old and the new copy at once
        if n == 0 {
            if let a = t.pointee.array { free(a) }
            t.pointee.array = nil
        } else {
            guard let raw = realloc(t.pointee.array, n * MemoryLayout<LTValue>.stride) else {
                fatalError("luatrace: out of memory")
            }
            let na = raw.assumingMemoryBound(to: LTValue.self)
            if n > old { (na + old).initialize(repeating: .nilValue, count: n - old) }
            t.pointee.array = na
        }
        t.pointee.asize = UInt32(n)
        totalBytes += (n - old) * 16
    }

    /// Recomputes both parts' sizes for the current contents plus `extraKey`, and moves entries.
    func rehash(_ t: TablePtr, extraKey: Value) {
        // the counters live on the stack: a Swift array here cost an allocation and a generic
        // metadata lookup per rehash (17% of a closure-heavy benchmark)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 65) { buf in
            rehash(t, extraKey: extraKey, nums: buf.baseAddress!)
        }
    }

    private func rehash(_ t: TablePtr, extraKey: Value, nums: UnsafeMutablePointer<Int>) {
        // nums[i] = number of integer keys k with 2^(i-1) < k <= 2^i (nums[0]: k == 1)
        nums.initialize(repeating: 0, count: 65)
        var totalInt = 0
        var total = 0
        func countInt(_ k: Int64) {
            if k >= 1 && k <= Int64(1) << 40 {
                let lg = k == 1 ? 0 : (64 - (UInt64(k - 1)).leadingZeroBitCount)
                nums[lg] += 1
                totalInt += 1
            }
        }
        let asize = Int(t.pointee.asize)
        for i in 0..<asize where !t.pointee.array[i].isNil {
            countInt(Int64(i + 1)); total += 1
        }
        let cap = Int(t.pointee.nodecap)
        for i in 0..<cap {
            let n = t.pointee.node[i]
            if n.key.tt != UInt64(LT_TNIL) && !n.val.isNil {
                if n.key.isInt { countInt(n.key.i) }
                total += 1
            }
        }
        if extraKey.isInt { countInt(extraKey.i) }
        total += 1
        // optimal array size
        var a = 0, na = 0, optimal = 0
        var twotoi = 1
        var i = 0
        while i < 64 && twotoi > 0 && totalInt > twotoi / 2 {
            a += nums[i]
            if a > twotoi / 2 { optimal = twotoi; na = a }
            i += 1
            twotoi <<= 1
        }
        let hashCount = total - na
        // move things around
        let oldNodes = t.pointee.node
        let oldCap = cap
        if optimal > asize { resizeArray(t, optimal) }
        var overflow: [(Int64, Value)] = []
        if optimal < asize {
            for j in optimal..<asize where !t.pointee.array[j].isNil {
                overflow.append((Int64(j + 1), t.pointee.array[j]))
            }
            resizeArray(t, optimal)
        }
        t.pointee.node = nil
        t.pointee.nodecap = 0
        t.pointee.nodeused = 0
        if hashCount > 0 { allocNodes(t, capacityFor(hashCount)) }
        if let old = oldNodes {
            for j in 0..<oldCap where old[j].key.tt != UInt64(LT_TNIL) && !old[j].val.isNil {
                tableSetRawNoRehash(t, old[j].key, old[j].val)
            }
            old.deallocate()
            totalBytes -= oldCap * 32
        }
        for (k, v) in overflow { tableSetRawNoRehash(t, Value(int: k), v) }
    }

    /// Insert used while rehashing: capacity is known to suffice.
    private func tableSetRawNoRehash(_ t: TablePtr, _ key: Value, _ v: Value) {
        if key.isInt {
            let idx = UInt64(bitPattern: key.i &- 1)
            if idx < UInt64(t.pointee.asize) { t.pointee.array[Int(idx)] = v; return }
        }
        let mask = Int(t.pointee.nodecap) - 1
        var i = hashKey(key) & mask
        let nodes = t.pointee.node!
        while nodes[i].key.tt != UInt64(LT_TNIL) { i = (i + 1) & mask }
        nodes[i].key = key
        nodes[i].val = v
        t.pointee.nodeused += 1
    }

    // MARK: length and traversal

    /// A border of the table (the `#` operator without __len); shared with traces.
    @inline(__always) func tableLength(_ t: TablePtr) -> Int64 { lt_tab_len(t) }

    /// `next`: the entry after `key` (nil key = first). Returns nil at the end; throws for a
    /// key that is not in the table.
    func tableNext(_ t: TablePtr, _ key: Value) throws -> (Value, Value)? {
        let asize = Int(t.pointee.asize)
        var i: Int          // position to start scanning: 0..<asize array, asize... nodes
        var key = key
        if key.isFloat, let k = Arith.floatToIntExact(key.n) { key = Value(int: k) }
        if key.isNil {
            i = 0
        } else if key.isInt && key.i >= 1 && key.i <= Int64(asize) {
            i = Int(key.i)
        } else if let n = findNode(t, key) {
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
            if node.key.tt != UInt64(LT_TNIL) && !node.val.isNil { return (node.key, node.val) }
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
