// The hash part of tables: lua 5.4's chained scatter table with Brent's variation (see the
// invariants at the top of Table.swift). Lookups of integer and short-string keys are in
// runtime-c (shared with traces); this file has the generic lookup and the insertion of new
// keys.

import CLuaRuntime
#if canImport(Glibc)
import Glibc
#endif

extension VM {
    // MARK: main positions

    /// lua's l_hashfloat: mantissa and exponent mixed into a non-negative 32-bit int.
    static func floatHash(_ n: Double) -> Int {
        var e: Int32 = 0
        let m = frexp(n, &e) * 2147483648.0
        // inf (and NaN, which is never a key) hash to 0
        guard m >= -9223372036854775808.0 && m < 9223372036854775808.0 else { return 0 }
        let u = UInt32(truncatingIfNeeded: e) &+ UInt32(truncatingIfNeeded: Int64(m))
        return u <= UInt32(Int32.max) ? Int(u) : Int(~u)
    }

    /// Index of the node where a chain holding `key` starts, in a hash part of cap (> 0) nodes.
    @inline(__always) func mainPosition(_ key: Value, _ cap: Int) -> Int {
        switch key.tt {
        case UInt64(LT_TINT): return Int(lt_tab_mpint(UInt32(cap), key.i))
        case UInt64(LT_TSTRING): return Int(stringHash(key.str)) & (cap - 1)
        case UInt64(LT_TFLOAT): return VM.floatHash(key.n) % ((cap - 1) | 1)
        case UInt64(LT_TFALSE): return 0
        case UInt64(LT_TTRUE): return 1 & (cap - 1)
        default:
            let u = UInt32(truncatingIfNeeded: UInt(bitPattern: key.u.p))
            return Int(u % UInt32((cap - 1) | 1))
        }
    }

    // MARK: lookup

    /// Index of the node holding `key` (live or dead), if any. With deadOK, a collected key
    /// (LT_TDEADKEY, left by the GC in weak tables) matches its old object (for `next`).
    func findNode(_ t: TablePtr, _ key: Value, deadOK: Bool = false) -> Int? {
        let cap = Int(t.pointee.nodecap)
        if cap == 0 { return nil }
        if key.isString && key.str.pointee.isshort != 0 {     // interned: compare pointers
            let n = lt_tab_nodeindex_shortstr(t, key.str)
            return n < 0 ? nil : Int(n)
        }
        let nodes = t.pointee.node!
        var i = mainPosition(key, cap)
        while true {
            if VM.keyEquals(nodes[i].key, key) { return i }
            if deadOK && nodes[i].keytt == UInt32(LT_TDEADKEY) && key.isCollectable && nodes[i].keyu.p == key.u.p {
                return i
            }
            let nx = Int(nodes[i].next)
            if nx == 0 { return nil }
            i += nx
        }
    }

    // MARK: insertion

    /// A free node (nil key) below lastfree, moving lastfree down; nil when there is none.
    @inline(__always) private func freePosition(_ t: TablePtr) -> Int? {
        let nodes = t.pointee.node!
        var lf = Int(t.pointee.lastfree)
        while lf > 0 {
            lf -= 1
            if nodes[lf].keytt == UInt32(LT_TNIL) {
                t.pointee.lastfree = UInt32(lf)
                return lf
            }
        }
        t.pointee.lastfree = 0
        return nil
    }

    /// Inserts a key that is not in the table (lua's luaH_newkey). The key is valid and
    /// normalised (an integral float is an integer); a nil value inserts nothing. Rehashes the
    /// table when the hash part has no free node left.
    func tableNewKey(_ t: TablePtr, _ key: Value, _ v: Value) {
        if v.isNil { return }
        let cap = Int(t.pointee.nodecap)
        if cap == 0 {
            rehash(t, extraKey: key)
            tableSet(t, key, v)
            return
        }
        let nodes = t.pointee.node!
        var mp = mainPosition(key, cap)
        if !nodes[mp].val.isNil {
            // the main position is taken: a free node is needed
            guard let f = freePosition(t) else {
                rehash(t, extraKey: key)
                tableSet(t, key, v)
                return
            }
            var other = mainPosition(nodes[mp].key, cap)
            if other != mp {
                // the colliding node is out of its main position: it moves to the free node
                // and the new key takes its place
                while other + Int(nodes[other].next) != mp { other += Int(nodes[other].next) }
                nodes[other].next = Int32(f - other)
                nodes[f] = nodes[mp]
                if nodes[mp].next != 0 {
                    nodes[f].next += Int32(mp - f)
                    nodes[mp].next = 0
                }
                nodes[mp].val = .nilValue
            } else {
                // the colliding node is in its main position: the new key goes to the free
                // node, chained right after it
                if nodes[mp].next != 0 { nodes[f].next = Int32(mp + Int(nodes[mp].next) - f) }
                nodes[mp].next = Int32(f - mp)
                mp = f
            }
        }
        nodes[mp].key = key
        nodes[mp].val = v
    }
}
