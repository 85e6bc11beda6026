// Resizing tables: lua 5.4's rehash (choosing the array and hash sizes from the integer keys in
// use) and resize (moving the entries, in lua's order, so that the new nodes' placement and so
// `next` order are lua's). See the invariants at the top of Table.swift.

import CLuaRuntime
#if canImport(Glibc)
import Glibc
#endif

/// Array sizes are at most 2^31 (lua's MAXASIZE with 32-bit ints); slices are counted up to it.
private let maxABits = 31

extension VM {
    /// Counts an integer key into nums (nums[i]: keys in (2^(i-1), 2^i], nums[0]: key 1);
    /// returns 1 if it is a candidate for the array part.
    @inline(__always) private func countInt(_ k: Int64, _ nums: UnsafeMutablePointer<Int>) -> Int {
        let u = UInt64(bitPattern: k) &- 1
        if u < UInt64(1) << maxABits {
            nums[u == 0 ? 0 : 64 - u.leadingZeroBitCount] += 1
            return 1
        }
        return 0
    }

    /// Recomputes both parts' sizes for the current contents plus `extraKey` (the key being
    /// inserted), and resizes the table to them.
    func rehash(_ t: TablePtr, extraKey: Value) {
        // the counters live on the stack: a Swift array here cost an allocation and a generic
        // metadata lookup per rehash (17% of a closure-heavy benchmark)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: maxABits + 1) { buf in
            rehash(t, extraKey: extraKey, nums: buf.baseAddress!)
        }
    }

    private func rehash(_ t: TablePtr, extraKey: Value, nums: UnsafeMutablePointer<Int>) {
        nums.initialize(repeating: 0, count: maxABits + 1)
        // the array part, slice by slice
        let asize = Int(t.pointee.asize)
        let arr = t.pointee.array
        var na = 0
        var i = 1
        var ttlg = 1
        for lg in 0...maxABits {
            var lim = ttlg
            if lim > asize {
                lim = asize
                if i > lim { break }
            }
            var lc = 0
            while i <= lim {
                if !arr![i - 1].isNil { lc += 1 }
                i += 1
            }
            nums[lg] += lc
            na += lc
            ttlg *= 2
        }
        var total = na
        // the hash part
        let cap = Int(t.pointee.nodecap)
        if cap > 0 {
            let nodes = t.pointee.node!
            for j in 0..<cap where !nodes[j].val.isNil {
                if nodes[j].keytt == UInt32(LT_TINT) { na += countInt(nodes[j].keyu.i, nums) }
                total += 1
            }
        }
        if extraKey.isInt { na += countInt(extraKey.i, nums) }
        total += 1
        // the array size: the largest power of two n with more than n/2 of 1...n in use
        var a = 0, inArray = 0, optimal = 0
        var twotoi = 1
        var lg = 0
        while lg <= maxABits && na > twotoi / 2 {
            a += nums[lg]
            if a > twotoi / 2 { optimal = twotoi; inArray = a }
            lg += 1
            twotoi *= 2
        }
        tableResize(t, optimal, total - inArray)
    }

    /// Gives the table an array part of exactly newASize slots and a hash part of room for
    /// nhSize keys (rounded up to a power of two; 0 = none), rebuilding the hash part: the
    /// array slots that vanish go into the new hash part first (in index order), then the old
    /// nodes are re-inserted in node order.
    func tableResize(_ t: TablePtr, _ newASize: Int, _ nhSize: Int) {
        let oldASize = Int(t.pointee.asize)
        let oldNodes = t.pointee.node
        let oldCap = Int(t.pointee.nodecap)
        // the new hash part
        if nhSize > 0 {
            var cap = 1
            while cap < nhSize { cap <<= 1 }
            let nodes = UnsafeMutablePointer<LTNode>.allocate(capacity: cap)
            nodes.initialize(repeating: LTNode(val: .nilValue, keyu: LTPayload(i: 0), keytt: UInt32(LT_TNIL), next: 0),
                             count: cap)
            t.pointee.node = nodes
            t.pointee.nodecap = UInt32(cap)
            t.pointee.lastfree = UInt32(cap)
            totalBytes += cap * 32
        } else {
            t.pointee.node = nil
            t.pointee.nodecap = 0
            t.pointee.lastfree = 0
        }
        if newASize < oldASize {
            // the vanishing slice goes into the new hash part (the array still holds it)
            t.pointee.asize = UInt32(newASize)
            t.pointee.alimit = UInt32(newASize)
            let arr = t.pointee.array!
            for j in newASize..<oldASize where !arr[j].isNil {
                tableNewKey(t, Value(int: Int64(j + 1)), arr[j])
            }
        }
        resizeArray(t, from: oldASize, to: newASize)
        if let old = oldNodes {
            // (lua re-inserts with a full set; the keys are distinct and not in the new hash
            // part, so that set is an array store or a new key)
            let asize = UInt64(newASize)
            for j in 0..<oldCap where !old[j].val.isNil {
                let k = old[j].key
                if k.isInt && UInt64(bitPattern: k.i &- 1) < asize {
                    t.pointee.array[Int(k.i - 1)] = old[j].val
                } else {
                    tableNewKey(t, k, old[j].val)
                }
            }
            old.deallocate()
            totalBytes -= oldCap * 32
        }
    }

    /// Reallocates the array part (new slots nil); asize and alimit become n.
    private func resizeArray(_ t: TablePtr, from old: Int, to n: Int) {
        // realloc: a large array grows in place (glibc remaps big blocks) instead of holding
        // the old and the new copy at once
        if n != old {
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
            totalBytes += (n - old) * 16
        }
        t.pointee.asize = UInt32(n)
        t.pointee.alimit = UInt32(n)
    }

    /// SETLIST's preallocation (lua's luaH_resizearray): the array part becomes exactly n slots,
    /// the hash part keeps its size (and is rebuilt).
    func tableResizeArray(_ t: TablePtr, _ n: Int) {
        tableResize(t, n, Int(t.pointee.nodecap))
    }
}
