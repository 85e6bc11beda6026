// The garbage-collected heap: every Lua object is malloc'ed, linked into `allgc`, and freed only
// by the collector. Stop-the-world mark & sweep; it collects cycles.
//
// Invariants:
// - Collection runs only at safe points: `checkGC()` is called by the interpreter after
//   instructions that allocate (NEWTABLE, CONCAT, CLOSURE, VARARG, SETLIST, native calls, and a
//   SETTABLE that grew its table, so a loop filling a big table can reuse an older one) and
//   never while a Swift caller holds the only reference to a fresh object. A native that
//   allocates several objects and then calls back into Lua must first put them on the stack.
// - Roots: the registry (which holds the main thread and the globals), the metatables of basic
//   types, the metamethod names, host roots, the running thread and objects queued for
//   finalization. A thread marks its stack up to its top (or, if its current frame is a Lua
//   frame, that frame's top when higher) and its open upvalues.
// - Weak tables (__mode with 'k' and/or 'v') are traversed specially: weak values are not
//   marked; weak keys are ephemerons (the value is marked only when the key is). After marking,
//   entries whose weak part died are removed. Strings count as values, never as weak garbage.
// - Objects with finalizers found unreachable are resurrected (marked) after weak values are
//   cleared and before weak keys are; the collector itself never runs Lua code: checkGC (and
//   collectgarbage) call the queued finalizers afterwards (Finalizers.swift).
// - Marks are cleared by the sweep, so outside a collection every live object has marked == 0.

import CLuaRuntime
#if canImport(Glibc)
import Glibc
#endif

extension VM {
    func allocObject(_ size: Int, tt: Int32) -> UnsafeMutableRawPointer {
        let p = malloc(size)!
        let h = p.assumingMemoryBound(to: LTGCHeader.self)
        h.pointee = LTGCHeader(gcnext: allgc, tt: UInt8(tt), marked: 0, flags: 0, pad: 0, extra: 0)
        allgc = h
        totalBytes += size
        return p
    }

    /// True when a collection is due.
    @inline(__always) var gcDue: Bool { totalBytes >= gcThreshold }

    /// Collects if due, and runs pending finalizers. Call only at safe points where Lua code
    /// may run (the interpreter's).
    @inline(__always) func checkGC() {
        if totalBytes >= gcThreshold { gcSafePoint() }
    }

    @inline(never) func gcSafePoint() {
        if totalBytes >= gcCollectAt {
            if gcRunning { fullGC() } else { gcCollectAt = totalBytes + VM.gcMinimum }
        }
        if gcRunning { runPendingFinalizers() }     // a stopped collector leaves them pending (lua)
        updateGCThreshold()
    }

    /// checkGC triggers at the next collection, or at once while finalizers are pending.
    func updateGCThreshold() {
        gcThreshold = hasPendingFinalizers && !runningFinalizers && gcRunning ? 0 : gcCollectAt
    }

    /// A full collection. It never runs Lua code: objects with finalizers that it finds
    /// unreachable are queued, and their finalizers run at the next safe point (checkGC) or
    /// right after collectgarbage's collection.
    func fullGC() {
        if gcInProgress { return }
        gcInProgress = true
        defer { gcInProgress = false }
        markRoots()
        propagateAll()
        convergeEphemerons()
        // like lua's atomic phase: weak values referring to objects about to be finalized are
        // cleared before those are resurrected, weak keys only after (the entries of keys being
        // finalized stay until the objects are really collected)
        clearWeakValues(from: 0)
        let weakBefore = weakTables.count
        if separateUnreachableFinalizable() || hasPendingFinalizers {
            markBeingFinalized()
            propagateAll()
            convergeEphemerons()
        }
        clearWeakKeys()
        clearWeakValues(from: weakBefore)      // weak tables reached only through resurrection
        clearDeadKeys()
        closeDeadThreads()
        sweepStringTable()
        sweep()
        weakTables.removeAll(keepingCapacity: true)
        ephemerons.removeAll(keepingCapacity: true)
        gcCollectAt = gcStress ? 0 : max(totalBytes * 2, VM.gcMinimum)
        updateGCThreshold()
    }

    /// Ephemerons: re-traverses them until no new marks.
    func convergeEphemerons() {
        var changed = true
        while changed {
            changed = false
            for t in ephemerons where traverseEphemeron(t) { changed = true }
            if changed { propagateAll() }
        }
    }

    // MARK: marking

    @inline(__always) func markValue(_ v: Value) {
        if v.tt >= UInt64(LT_TSTRING) { markObject(v.gc) }
    }

    @inline(__always) func markObject(_ o: GCPtr) {
        if o.pointee.marked != 0 { return }
        o.pointee.marked = 1
        if o.pointee.tt == UInt8(LT_TSTRING) { return }
        grayStack.append(o)
    }

    func markRoots() {
        markObject(GCPtr(OpaquePointer(registry)))
        for mt in typeMetatables { if let mt = mt { markObject(GCPtr(OpaquePointer(mt))) } }
        for s in tmNames { markObject(GCPtr(OpaquePointer(s))) }
        for v in hostRoots { markValue(v) }
        markBeingFinalized()         // queued by an earlier cycle, finalizers not run yet
        markObject(GCPtr(OpaquePointer(L)))
        markObject(GCPtr(OpaquePointer(mainThread)))
        for th in allThreads where th.pointee.status == ThreadStatus.running.rawValue
            || th.pointee.status == ThreadStatus.normal.rawValue {
            markObject(GCPtr(OpaquePointer(th)))
        }
        markExtraRoots()
    }

    func propagateAll() {
        while let o = grayStack.popLast() { traverse(o) }
    }

    func traverse(_ o: GCPtr) {
        switch Int32(o.pointee.tt) {
        case LT_TTABLE: traverseTable(TablePtr(OpaquePointer(o)))
        case LT_TLCL:
            let c = LClosurePtr(OpaquePointer(o))
            markObject(GCPtr(OpaquePointer(c.pointee.p)))
            let n = Int(c.pointee.hdr.extra)
            let ups = lt_lcl_upvals(c)!
            for i in 0..<n { if let u = ups[i] { markObject(GCPtr(OpaquePointer(u))) } }
        case LT_TNATIVE:
            let c = NativePtr(OpaquePointer(o))
            if let nm = c.pointee.name { markObject(GCPtr(OpaquePointer(nm))) }
            let n = Int(c.pointee.hdr.extra)
            let ups = lt_native_upvals(c)!
            for i in 0..<n { markValue(ups[i]) }
        case LT_TUPVAL:
            let u = UpValPtr(OpaquePointer(o))
            markValue(u.pointee.v.pointee)
        case LT_TPROTO:
            let p = ProtoPtr(OpaquePointer(o))
            for i in 0..<Int(p.pointee.nk) { markValue(p.pointee.k[i]) }
            for i in 0..<Int(p.pointee.np) { markObject(GCPtr(OpaquePointer(p.pointee.p[i]!))) }
            if let s = p.pointee.source { markObject(GCPtr(OpaquePointer(s))) }
        case LT_TUSERDATA:
            let u = UnsafeMutablePointer<LTUserdata>(OpaquePointer(o))
            if let mt = u.pointee.metatable { markObject(GCPtr(OpaquePointer(mt))) }
            markValue(u.pointee.uservalue)
        case LT_TTHREAD:
            traverseThread(ThreadPtr(OpaquePointer(o)))
        default:
            break
        }
    }

    func traverseThread(_ th: ThreadPtr) {
        guard let stack = th.pointee.stack else { return }
        // a running Lua frame's registers reach its ci.top (the interpreter sets top = ci.top at
        // its safe points, or higher for open results); a native frame's values end at top, and
        // what lies above (dead registers of returned calls) must not keep objects alive
        var top = Int(th.pointee.top)
        if th.pointee.nci > 0 {
            let ci = th.pointee.ci[Int(th.pointee.nci) - 1]
            if ci.callstatus & LT_CIST_LUA != 0 { top = max(top, Int(ci.top)) }
        }
        top = min(top, Int(th.pointee.stacksize))
        for i in 0..<top { markValue(stack[i]) }
        // dead part of the stack: clear it so stale pointers can never be marked later
        let size = Int(th.pointee.stacksize)
        if top < size { (stack + top).update(repeating: .nilValue, count: size - top) }
        var u = th.pointee.openupval
        while let up = u { markObject(GCPtr(OpaquePointer(up))); u = up.pointee.opennext }
        if let e = deadCoroutineErrors[th] { markValue(e) }
        markThreadExtras(th)
    }

    /// Weak mode of a table's metatable: (weakKeys, weakValues).
    func weakMode(_ t: TablePtr) -> (Bool, Bool) {
        guard let mt = t.pointee.metatable, let m = fastTM(mt, .mode), m.isString else { return (false, false) }
        let b = LuaStr.buffer(m.str)
        return (b.contains(UInt8(ascii: "k")), b.contains(UInt8(ascii: "v")))
    }

    func traverseTable(_ t: TablePtr) {
        if let mt = t.pointee.metatable { markObject(GCPtr(OpaquePointer(mt))) }
        let (wk, wv) = weakMode(t)
        let asize = Int(t.pointee.asize)
        let cap = Int(t.pointee.nodecap)
        if wk || wv { weakTables.append(t) }
        if !wv { for i in 0..<asize { markValue(t.pointee.array[i]) } }
        if wk && !wv {
            ephemerons.append(t)
            _ = traverseEphemeron(t)
            return
        }
        for i in 0..<cap {
            let n = t.pointee.node[i]
            if n.keytt == UInt32(LT_TNIL) || n.keytt == UInt32(LT_TDEADKEY) { continue }
            if !wk || n.key.isString { markValue(n.key) }
            if !wv || n.val.isString { markValue(n.val) }
        }
    }

    /// Marks values whose keys are marked; returns true if it marked anything new.
    func traverseEphemeron(_ t: TablePtr) -> Bool {
        var marked = false
        let cap = Int(t.pointee.nodecap)
        for i in 0..<cap {
            let n = t.pointee.node[i]
            if n.val.isNil { continue }
            if n.key.isString { markValue(n.key) }
            if isAlive(n.key) && n.val.isCollectable && n.val.gc.pointee.marked == 0 {
                markValue(n.val)
                marked = true
            }
        }
        return marked
    }

    @inline(__always) func isAlive(_ v: Value) -> Bool {
        !v.isCollectable || v.isString || v.gc.pointee.marked != 0
    }

    /// Removes entries with dead values from the weak-value tables in weakTables[from...].
    func clearWeakValues(from: Int) {
        for t in weakTables[from...] where weakMode(t).1 {
            for i in 0..<Int(t.pointee.asize) where !isAlive(t.pointee.array[i]) {
                t.pointee.array[i] = .nilValue
            }
            for i in 0..<Int(t.pointee.nodecap) {
                let n = t.pointee.node[i]
                if !isAlive(n.val) { t.pointee.node[i].val = .nilValue }
            }
        }
    }

    /// Removes entries with dead keys from the weak-key tables.
    func clearWeakKeys() {
        for t in weakTables where weakMode(t).0 {
            for i in 0..<Int(t.pointee.nodecap) {
                let n = t.pointee.node[i]
                if !n.val.isNil && !isAlive(n.key) { t.pointee.node[i].val = .nilValue }
            }
        }
    }

    /// Dead keys must not dangle: removed entries whose key object dies keep its address under
    /// the LT_TDEADKEY tag, which no lookup matches (only `next` compares the address).
    func clearDeadKeys() {
        for t in weakTables {
            for i in 0..<Int(t.pointee.nodecap) {
                let n = t.pointee.node[i]
                if n.val.isNil && n.keytt != UInt32(LT_TDEADKEY) && n.key.isCollectable && !isAlive(n.key) {
                    t.pointee.node[i].keytt = UInt32(LT_TDEADKEY)
                }
            }
        }
    }

    // MARK: sweeping

    func sweep() {
        var prev: GCPtr? = nil
        var cur = allgc
        while let o = cur {
            let next = o.pointee.gcnext
            if let n = next { lt_prefetch(n) }   // overlaps the miss on the next header with this one's free
            if o.pointee.marked != 0 {
                o.pointee.marked = 0
                prev = o
            } else {
                if let p = prev { p.pointee.gcnext = next } else { allgc = next }
                freeObject(o)
            }
            cur = next
        }
    }

    func freeObject(_ o: GCPtr) {
        switch Int32(o.pointee.tt) {
        case LT_TSTRING:
            let s = StringPtr(OpaquePointer(o))
            totalBytes -= MemoryLayout<LTString>.stride + Int(s.pointee.len) + 1
        case LT_TTABLE:
            freeTable(TablePtr(OpaquePointer(o)))
        case LT_TLCL:
            let c = LClosurePtr(OpaquePointer(o))
            totalBytes -= MemoryLayout<LTLClosure>.stride + 8 * Int(c.pointee.hdr.extra)
        case LT_TNATIVE:
            let c = NativePtr(OpaquePointer(o))
            totalBytes -= MemoryLayout<LTNative>.stride + 16 * Int(c.pointee.hdr.extra)
        case LT_TUPVAL:
            totalBytes -= MemoryLayout<LTUpVal>.stride
        case LT_TPROTO:
            freeProto(ProtoPtr(OpaquePointer(o)))
        case LT_TUSERDATA:
            let u = UnsafeMutablePointer<LTUserdata>(OpaquePointer(o))
            releaseUserdata(u)
            totalBytes -= MemoryLayout<LTUserdata>.stride + Int(u.pointee.len)
        case LT_TTHREAD:
            freeThread(ThreadPtr(OpaquePointer(o)))
        default:
            break
        }
        free(o)
    }

    /// Frees everything (VM teardown).
    func freeAll() {
        var cur = allgc
        while let o = cur {
            cur = o.pointee.gcnext
            freeObject(o)
        }
        allgc = nil
    }
}
