// JIT hooks the runtime calls (GC roots, proto death); the JIT itself is in JIT.swift.

extension VM {
    /// The JIT state, created on first use.
    var jit: JITState {
        if let j = jitIfCreated { return j }
        let j = JITState(hotloop: jitOptions.hotloop)
        jitIfCreated = j
        return j
    }

    /// Whether a trace is being recorded. The interpreter asks on every entry into `run` (every
    /// Lua call made from native code or a metamethod): this reads the state without creating it
    /// and without the reference counting of `jit`.
    @inline(__always) var jitRecordingActive: Bool {
        guard let j = jitIfCreated else { return false }
        return withExtendedLifetime(j) { j.recorder != nil }
    }

    /// True (once) when the recorder has just inlined a metamethod call whose nested
    /// interpreter loop is starting: that loop records too.
    func jitTakeNestedEntry() -> Bool {
        guard let r = jitIfCreated?.recorder, r.enteringMetamethod else { return false }
        r.enteringMetamethod = false
        return true
    }

    /// The hot-loop counters (the JIT state is created on first use).
    @inline(__always) var jitHotcounts: UnsafeMutablePointer<UInt16> {
        if let j = jitIfCreated { return j.hotcounts }
        return jit.hotcounts
    }

    /// Extra GC roots owned by the JIT (objects that compiled traces refer to).
    func markExtraRoots() { markTraceConstants() }

    /// Per-thread JIT data to mark (none).
    func markThreadExtras(_ th: ThreadPtr) {}

    /// A prototype died: its traces can never run again.
    func jitProtoFreed(_ p: ProtoPtr) {
        guard let j = jitIfCreated else { return }
        for tr in j.traces where tr.proto == p { tr.dead = true }
    }
}
