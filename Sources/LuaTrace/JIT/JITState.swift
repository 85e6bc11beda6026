// JIT bookkeeping shared with the runtime (options live in JITOptions, public).
// The tracing JIT itself (recorder, IR, C emitter, libtcc backend) lives in this folder.

extension VM {
    /// Extra GC roots owned by the JIT (constants baked into traces).
    func markExtraRoots() {}

    /// Per-thread JIT data to mark (none yet).
    func markThreadExtras(_ th: ThreadPtr) {}

    /// A prototype died: drop its traces.
    func jitProtoFreed(_ p: ProtoPtr) {}

    func jitStatisticsText() -> String {
        "JIT: no traces compiled (the trace compiler is not built yet)"
    }
}
