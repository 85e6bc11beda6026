// __gc finalizers, with lua 5.4's rules:
// - An object (table or full userdata) is marked for finalization when a metatable whose raw
//   __gc field is non-nil is set on it (setmetatable / debug.setmetatable). Adding __gc to the
//   metatable later does not mark it.
// - A collection that finds a marked object unreachable resurrects it (it and everything it
//   refers to stay alive for this cycle) and queues it; the finalizer (the __gc of its metatable
//   at that time) is called later at a safe point, never during the sweep. Objects queued in
//   the same cycle are finalized in the reverse order of their marking.
// - After its finalizer ran, an object is normal again: it is freed by the next collection
//   that finds it unreachable, unless setmetatable marks it again.
// - Finalizers cannot yield; an error in one becomes a warning ("error in __gc (...)").
// - Closing the state (LuaState.close, its deinit, the luatrace command's exit) calls the pending
//   finalizers and then those of every object still marked, in reverse order of marking.
//
// Invariants:
// - `finobj` holds the marked objects not yet queued, in marking order; `tobefnz` the queued
//   ones, in calling order. Each object is in at most one of them, and exactly then its
//   header's `pad` has finBit set.
// - Queued objects are GC roots until their finalizer has been called.

import CLuaRuntime

extension VM {
    static let finBit: UInt8 = 1

    /// setmetatable on a table (the native and traces' lt_jit_setmeta): false, changing
    /// nothing, when its metatable is protected by a `__metatable` field.
    func setMetatable(_ t: TablePtr, _ mt: TablePtr?) -> Bool {
        if let old = t.pointee.metatable, !tableGetShortStr(old, tmName(.metatable)).isNil { return false }
        t.pointee.metatable = mt
        checkFinalizer(GCPtr(OpaquePointer(t)), mt)
        return true
    }

    /// setmetatable: marks `o` for finalization if `mt` has a __gc field (lua's
    /// luaC_checkfinalizer).
    func checkFinalizer(_ o: GCPtr, _ mt: TablePtr?) {
        guard let mt = mt, o.pointee.pad & VM.finBit == 0, !closingState,
              !tableGetShortStr(mt, tmName(.gc)).isNil else { return }
        o.pointee.pad |= VM.finBit
        finobj.append(o)
    }

    /// During a collection, after marking: queues the marked-for-finalization objects that were
    /// not reached (newest first). Returns whether any were queued.
    func separateUnreachableFinalizable() -> Bool {
        var keep: [GCPtr] = []
        keep.reserveCapacity(finobj.count)
        var found: [GCPtr] = []
        for o in finobj {
            if o.pointee.marked != 0 { keep.append(o) } else { found.append(o) }
        }
        if found.isEmpty { return false }
        finobj = keep
        tobefnz.append(contentsOf: found.reversed())
        return true
    }

    /// Marks the queued objects (roots until finalized).
    func markBeingFinalized() {
        for o in tobefnz[tobefnzHead...] { markObject(o) }
    }

    var hasPendingFinalizers: Bool { tobefnzHead < tobefnz.count }

    /// Calls the queued finalizers (not re-entrantly: a finalizer that collects leaves new ones
    /// to this loop).
    func runPendingFinalizers() {
        guard hasPendingFinalizers && !runningFinalizers else { return }
        runningFinalizers = true
        defer {
            runningFinalizers = false
            updateGCThreshold()
        }
        while tobefnzHead < tobefnz.count {
            let o = tobefnz[tobefnzHead]
            tobefnzHead += 1
            if tobefnzHead == tobefnz.count {
                tobefnz.removeAll(keepingCapacity: true)
                tobefnzHead = 0
            }
            o.pointee.pad &= ~VM.finBit
            let v: Value
            switch Int32(o.pointee.tt) {
            case LT_TTABLE: v = Value(table: TablePtr(OpaquePointer(o)))
            case LT_TUSERDATA: v = Value(userdata: UnsafeMutablePointer<LTUserdata>(OpaquePointer(o)))
            default: continue
            }
            callFinalizer(v)
        }
    }

    /// Calls v's __gc (the one of its current metatable) with v, without yields; errors become
    /// warnings.
    func callFinalizer(_ v: Value) {
        guard let mt = metatable(of: v) else { return }
        let h = tableGetShortStr(mt, tmName(.gc))
        if h.isNil { return }
        let th = L!
        let savedTop = th.pointee.top
        let savedNci = Int(th.pointee.nci)
        var fi = Int(th.pointee.top)
        if savedNci > 0 { fi = max(fi, Int(th.pointee.ci[savedNci - 1].top)) }
        do {
            try ensureStack(th, fi + 3)
            th.pointee.stack[fi] = h
            th.pointee.stack[fi + 1] = v
            th.pointee.top = Int64(fi + 2)
            if !h.isFunction && tm(h, .call) == nil {
                throw LuaError.plain(self, "attempt to call a \(objTypeName(h)) value (metamethod '__gc')")
            }
            try call(funcIdx: fi, nresults: 0)
        } catch let e as LuaError {
            th.pointee.stack[fi] = e.value        // keep it reachable while unwinding
            let err = unwindTo(th, frames: savedNci, level: fi, error: e.value)
            let msg = err.isString ? LuaStr.string(err.str) : "error object is not a string"
            emitWarning("error in __gc (\(msg))")
        } catch {
            th.pointee.nci = Int64(savedNci)      // not reached: finalizers run non-yieldable
        }
        th.pointee.nci = Int64(savedNci)
        th.pointee.top = savedTop
    }

    /// A warning from the runtime (lua's luaE_warning): printed only when warnings are on.
    func emitWarning(_ text: String) {
        if warningsOn {
            stdout.flush()
            writeStderr("Lua warning: \(text)\n")
        }
    }

    /// State teardown (lua_close): runs the pending finalizers, then those of all objects still
    /// marked for finalization, newest first. Afterwards no object gets marked any more.
    func closeState() {
        if closingState { return }
        closingState = true
        L = mainThread
        runPendingFinalizers()
        while !finobj.isEmpty {
            tobefnz.append(contentsOf: finobj.reversed())
            finobj.removeAll()
            runPendingFinalizers()
        }
        stdout.flush()
    }
}
