// The table library: insert remove concat unpack pack move sort (lua5.4 ltablib semantics).
//
// Element access honours __index/__newindex (and #t honours __len) like lua_geti/lua_seti/
// luaL_len; a table without a metatable takes the raw fast paths. Values held across calls
// that may run Lua code (metamethods, sort comparators) are kept on the stack (GC roots).

import CLuaRuntime
import LuaText
#if canImport(Glibc)
import Glibc
#endif

private let tabR = 1, tabW = 2, tabL = 4

extension VM {
    func openTable() {
        let t = newTable()
        register(t, lib: "table", [
            ("insert", NativeEntry { vm, a in try vm.tabInsert(a) }),
            ("remove", NativeEntry { vm, a in try vm.tabRemove(a) }),
            ("concat", NativeEntry { vm, a in try vm.tabConcat(a) }),
            ("unpack", NativeEntry { vm, a in try vm.tabUnpack(a) }),
            ("pack", NativeEntry { vm, a in
                let n = a.count
                let t = vm.newTable(narray: n, nhash: 1)
                for i in 0..<n { vm.tableSetInt(t, Int64(i + 1), vm.arg(a, i + 1)) }
                vm.tableSetStr(t, vm.newString("n"), Value(int: n))
                try vm.push(Value(table: t)); return 1 }),
            ("move", NativeEntry { vm, a in try vm.tabMove(a) }),
            ("sort", NativeEntry { vm, a in try vm.tabSort(a) }),
        ])
        setGlobal("table", Value(table: t))
    }

    // MARK: helpers

    /// checktab: a table, or a value whose metatable has the needed metamethods.
    func checkTab(_ a: Args, _ n: Int, _ what: Int) throws {
        let v = arg(a, n)
        if v.isTable { return }
        if let mt = metatable(of: v),
           what & tabR == 0 || !tableGetShortStr(mt, tmName(.index)).isNil,
           what & tabW == 0 || !tableGetShortStr(mt, tmName(.newindex)).isNil,
           what & tabL == 0 || !tableGetShortStr(mt, tmName(.len)).isNil {
            return
        }
        throw argTypeError(a, n, "table")
    }

    /// luaL_len: #v with __len, which must be an integer.
    func lenInteger(_ v: Value) throws -> Int64 {
        if v.isTable && v.table.pointee.metatable == nil { return tableLength(v.table) }
        let l = try length(v)
        if l.isInt { return l.i }
        if let n = toNumber(l) {
            if n.isInt { return n.i }
            if let i = Arith.floatToIntExact(n.n) { return i }
        }
        throw LuaError.runtime(self, "object length is not an integer")
    }

    /// aux_getn
    func auxGetN(_ a: Args, _ n: Int, _ what: Int) throws -> Int64 {
        try checkTab(a, n, what | tabL)
        return try lenInteger(arg(a, n))
    }

    /// lua_geti
    @inline(__always) func getI(_ t: Value, _ i: Int64) throws -> Value {
        if t.isTable {
            let tb = t.table
            let v = tableGetInt(tb, i)
            if !v.isNil || tb.pointee.metatable == nil { return v }
        }
        return try index(t, Value(int: i))
    }

    /// lua_seti
    @inline(__always) func setI(_ t: Value, _ i: Int64, _ v: Value) throws {
        if t.isTable && t.table.pointee.metatable == nil { tableSetInt(t.table, i, v); return }
        try setIndex(t, Value(int: i), v)
    }

    @inline(__always) func isPlainTable(_ v: Value) -> Bool {
        v.isTable && v.table.pointee.metatable == nil
    }

    // MARK: insert, remove, move

    func tabInsert(_ a: Args) throws -> Int {
        let t = arg(a, 1)
        let e = (try auxGetN(a, 1, tabR | tabW)) &+ 1    // first empty element
        let pos: Int64
        switch a.count {
        case 2:
            pos = e
        case 3:
            pos = try checkInt(a, 2)
            if UInt64(bitPattern: pos) &- 1 >= UInt64(bitPattern: e) {
                throw argError(2, "position out of bounds")
            }
            if isPlainTable(t) && e > pos {
                let tb = t.table
                tableSetInt(tb, e, tableGetInt(tb, e - 1))      // may resize the array part
                let asize = Int64(tb.pointee.asize)
                if e - 1 <= asize {
                    // elements pos ..< e-1 move up by one inside the array part
                    let arr = tb.pointee.array!
                    let cnt = Int(e - 1 - pos)
                    if cnt > 0 { memmove(arr + Int(pos), arr + Int(pos - 1), cnt * 16) }
                } else {
                    var i = e - 1
                    while i > pos { tableSetInt(tb, i, tableGetInt(tb, i - 1)); i -= 1 }
                }
            } else {
                var i = e
                while i > pos { try setI(t, i, try getI(t, i - 1)); i -= 1 }
            }
        default:
            throw LuaError.runtime(self, "wrong number of arguments to 'insert'")
        }
        try setI(t, pos, arg(a, a.count))
        return 0
    }

    func tabRemove(_ a: Args) throws -> Int {
        let t = arg(a, 1)
        let size = try auxGetN(a, 1, tabR | tabW)
        var pos = try optInt(a, 2, size)
        if pos != size && UInt64(bitPattern: pos) &- 1 > UInt64(bitPattern: size) {
            throw argError(1, "position out of bounds")     // lua5.4.4 blames argument #1
        }
        try push(try getI(t, pos))      // the result, kept on the stack
        if isPlainTable(t) {
            let tb = t.table
            let asize = Int64(tb.pointee.asize)
            if pos >= 1 && pos < size && size <= asize {
                let arr = tb.pointee.array!
                memmove(arr + Int(pos - 1), arr + Int(pos), Int(size - pos) * 16)
                pos = size
            }
            while pos < size { tableSetInt(tb, pos, tableGetInt(tb, pos + 1)); pos += 1 }
            tableSetInt(tb, pos, .nilValue)
        } else {
            while pos < size { try setI(t, pos, try getI(t, pos + 1)); pos += 1 }
            try setI(t, pos, .nilValue)
        }
        return 1
    }

    func tabMove(_ a: Args) throws -> Int {
        let f = try checkInt(a, 2)
        let e = try checkInt(a, 3)
        let t = try checkInt(a, 4)
        let tt = arg(a, 5).isNil ? 1 : 5
        try checkTab(a, 1, tabR)
        try checkTab(a, tt, tabW)
        let src = arg(a, 1), dst = arg(a, tt)
        if e >= f {
            if !(f > 0 || e < Int64.max &+ f) { throw argError(3, "too many elements to move") }
            let n = e - f + 1
            if !(t <= Int64.max - n + 1) { throw argError(4, "destination wrap around") }
            let forward: Bool
            if t > e || t <= f {
                forward = true
            } else if tt != 1 {
                forward = !(try equalsSlow(src, dst))
            } else {
                forward = false
            }
            if forward {
                var i: Int64 = 0
                while i < n { try setI(dst, t + i, try getI(src, f + i)); i += 1 }
            } else {
                var i = n - 1
                while i >= 0 { try setI(dst, t + i, try getI(src, f + i)); i -= 1 }
            }
        }
        try push(dst)
        return 1
    }

    // MARK: concat, unpack

    func tabConcat(_ a: Args) throws -> Int {
        let t = arg(a, 1)
        var last = try auxGetN(a, 1, tabR)
        let sep = try optString(a, 2)
        var i = try optInt(a, 3, 1)
        last = try optInt(a, 4, last)
        let sepBuf = sep.map { LuaStr.buffer($0) } ?? UnsafeBufferPointer(start: nil, count: 0)
        if i > last {
            try push(Value(string: newString(nil, 0)))
            return 1
        }
        // fast path: a plain table whose fields are all strings: size, then fill once
        if isPlainTable(t) && last - i < Int64(Int32.max) {
            let tb = t.table
            var total = 0
            var k = i
            var allStrings = true
            while true {
                let v = tableGetInt(tb, k)
                if !v.isString { allStrings = false; break }
                total += LuaStr.len(v.str)
                if k == last { break }
                k += 1
            }
            if allStrings {
                total += Int(last - i) * sepBuf.count
                if total >= stringLibMaxSize { throw LuaError.runtime(self, "resulting string too large") }
                let first = i
                let r = makeString(count: total) { dst in
                    var off = 0
                    var k = first
                    while true {
                        let s = self.tableGetInt(tb, k).str
                        let l = LuaStr.len(s)
                        if l > 0 { memcpy(dst + off, LuaStr.data(s), l) }
                        off += l
                        if k == last { break }
                        if sepBuf.count > 0 { memcpy(dst + off, sepBuf.baseAddress!, sepBuf.count); off += sepBuf.count }
                        k += 1
                    }
                }
                try push(Value(string: r))
                return 1
            }
        }
        var out: [UInt8] = []
        while true {
            let v = try getI(t, i)
            if v.isString {
                out.append(contentsOf: LuaStr.buffer(v.str))
            } else if v.isInt {
                appendInt(v.i, to: &out)
            } else if v.isFloat {
                appendFloat(v.n, to: &out)
            } else {
                throw LuaError.runtime(self, "invalid value (\(v.typeName)) at index \(i) in table for 'concat'")
            }
            if i == last { break }
            out.append(contentsOf: sepBuf)
            i += 1
        }
        try push(Value(string: newString(out)))
        return 1
    }

    func tabUnpack(_ a: Args) throws -> Int {
        let t = arg(a, 1)
        var i = try optInt(a, 2, 1)
        let e = arg(a, 3).isNil ? try lenInteger(t) : try checkInt(a, 3)
        if i > e { return 0 }
        let n = UInt64(bitPattern: e) &- UInt64(bitPattern: i)      // count - 1
        let th = L!
        let top0 = Int(th.pointee.top)
        if n >= UInt64(Int32.max) || top0 + Int(n) + 1 + 5 > VM.maxStack {
            throw LuaError.runtime(self, "too many results to unpack")
        }
        let count = Int(n) + 1
        if isPlainTable(t) {
            try ensureStack(th, top0 + count)
            let st = th.pointee.stack!
            let tb = t.table
            for k in 0..<count { st[top0 + k] = tableGetInt(tb, i &+ Int64(k)) }
            th.pointee.top = Int64(top0 + count)
            return count
        }
        while i < e { try push(try getI(t, i)); i += 1 }
        try push(try getI(t, e))
        return count
    }

    // MARK: sort

    func tabSort(_ a: Args) throws -> Int {
        let n = try auxGetN(a, 1, tabR | tabW)
        if n > 1 {
            if n >= Int64(Int32.max) { throw argError(1, "array too big") }
            let f = arg(a, 2)
            if !f.isNil && !f.isFunction { throw argTypeError(a, 2, "function") }
            // settop(2), then three slots that keep the values being compared alive
            if a.count < 2 { L.pointee.stack[a.base + 1] = .nilValue }
            top = a.base + 2
            let slots = top
            try push(.nilValue); try push(.nilValue); try push(.nilValue)
            var s = TableSorter(vm: self, t: arg(a, 1), cmp: f.isNil ? nil : f, slots: slots)
            try s.sort(1, Int(n))
        }
        return 0
    }
}

/// Quicksort over t[lo..up] with a median-of-three pivot (lua's algorithm shape, so that
/// results for inconsistent comparators and "invalid order function" errors match lua5.4).
private struct TableSorter {
    let vm: VM
    let t: Value
    let cmp: Value?
    /// Stack slots: [pivot, a[i], a[j]].
    let slots: Int
    var rnd: UInt32 = 0
    var rndState: UInt32 = 0x9E3779B9

    init(vm: VM, t: Value, cmp: Value?, slots: Int) {
        self.vm = vm; self.t = t; self.cmp = cmp; self.slots = slots
    }

    @inline(__always) func get(_ i: Int, root: Int) throws -> Value {
        let v = try vm.getI(t, Int64(i))
        vm.L.pointee.stack[slots + root] = v
        return v
    }

    @inline(__always) func set(_ i: Int, _ v: Value) throws { try vm.setI(t, Int64(i), v) }

    @inline(__always) func less(_ x: Value, _ y: Value) throws -> Bool {
        if let f = cmp {
            let th = vm.L!
            let fi = Int(th.pointee.top)
            try vm.ensureStack(th, fi + 3)
            let st = th.pointee.stack!
            st[fi] = f; st[fi + 1] = x; st[fi + 2] = y
            th.pointee.top = Int64(fi + 3)
            try vm.call(funcIdx: fi, nresults: 1)
            let t2 = vm.L!
            let r = t2.pointee.stack[fi]
            t2.pointee.top = Int64(fi)
            return r.isTruthy
        }
        if x.isInt && y.isInt { return x.i < y.i }
        if x.isNumber && y.isNumber { return VM.numLess(x, y) }
        if x.isString && y.isString { return LuaStr.compare(x.str, y.str) < 0 }
        if vm.tm(x, .lt) == nil && vm.tm(y, .lt) == nil { throw vm.compareError(x, y, position: false) }
        return try vm.lessThanSlow(x, y)
    }

    func orderError() -> LuaError { LuaError.runtime(vm, "invalid order function for sorting") }

    mutating func sort(_ loIn: Int, _ upIn: Int) throws {
        var lo = loIn, up = upIn
        while lo < up {
            // order a[lo] and a[up]
            let x = try get(lo, root: 1), y = try get(up, root: 2)
            if try less(y, x) { try set(lo, y); try set(up, x) }
            if up - lo == 1 { break }
            var p: Int
            if up - lo < 100 || rnd == 0 {
                p = (lo + up) / 2
            } else {
                let r4 = UInt32(truncatingIfNeeded: (up - lo) / 4)
                p = Int(rnd % (r4 &* 2)) + lo + Int(r4)
            }
            // median of a[lo], a[p], a[up] goes to p
            let ap = try get(p, root: 0), alo = try get(lo, root: 1)
            if try less(ap, alo) {
                try set(p, alo); try set(lo, ap)
            } else {
                let aup = try get(up, root: 2)
                if try less(aup, ap) { try set(p, aup); try set(up, ap) }
            }
            if up - lo == 2 { break }
            let pivot = try get(p, root: 0)
            let aup1 = try get(up - 1, root: 1)
            try set(p, aup1); try set(up - 1, pivot)
            p = try partition(lo, up, pivot)
            let small: Int
            if p - lo < up - p {
                try sort(lo, p - 1)
                small = p - lo
                lo = p + 1
            } else {
                try sort(p + 1, up)
                small = up - p
                up = p - 1
            }
            if (up - lo) / 128 > small { rnd = nextRandom() }
        }
    }

    /// Partitions a[lo..up] around the pivot P (= a[up-1]); returns P's final index.
    mutating func partition(_ lo: Int, _ up: Int, _ pivot: Value) throws -> Int {
        var i = lo, j = up - 1
        while true {
            i += 1
            var ai = try get(i, root: 1)
            while try less(ai, pivot) {
                if i == up - 1 { throw orderError() }
                i += 1
                ai = try get(i, root: 1)
            }
            j -= 1
            var aj = try get(j, root: 2)
            while try less(pivot, aj) {
                if j < i { throw orderError() }
                j -= 1
                aj = try get(j, root: 2)
            }
            if j < i {
                try set(up - 1, ai); try set(i, pivot)
                return i
            }
            try set(i, aj); try set(j, ai)
        }
    }

    mutating func nextRandom() -> UInt32 {
        // xorshift32; any nonzero sequence will do for pivot randomisation
        var x = rndState
        x ^= x << 13; x ^= x >> 17; x ^= x << 5
        rndState = x
        return x == 0 ? 1 : x
    }
}
