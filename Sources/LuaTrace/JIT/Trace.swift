// A recorded trace and its snapshots.
//
// Snapshot invariants (what an exit must restore):
// - `pc` is the instruction the interpreter resumes at, in the innermost frame of `frames`
//   (or in the trace's start frame when `frames` is empty).
// - `slots` maps stack slots (relative to the start frame's register 0) to IR references: the
//   slots written in the current iteration before the guard. Together with the trace's header
//   slots (SLOADs, whose C variables hold their current value) this is everything an exit
//   writes back; every other slot still holds the value it had at trace entry.
// - `frames` lists the Lua calls inlined at the guard, outermost first: the interpreter pushes
//   a call frame for each before resuming. The closure of each sits in its func slot, which is
//   part of `slots`.
// - Exit 0 is the prologue's exit (a header slot had an unexpected type or the stack was too
//   small): nothing was written and the interpreter resumes at the loop start.

import CLuaRuntime

struct InlineFrame {
    var funcSlot: Int               // slot of the closure, relative to the start frame's base
    var proto: ProtoPtr              // the callee's prototype (its closure sits in funcSlot)
    var callPC: PC                  // the CALL instruction in the caller
    var nresults: Int               // results the caller wants (-1 = all)
    var tail: Bool                  // entered by a tail call: the rebuilt frame gets CIST_TAIL
}

struct Snapshot {
    var pc: PC
    var frames: [InlineFrame]
    var slots: [(slot: Int, ref: IRRef)]
}

/// A side branch of a trace tree: recorded from a hot exit of the trace to the loop's end,
/// compiled into the same C function (the guard jumps to it instead of exiting).
struct Branch {
    var snap: Int32                 // the snapshot (guard) it replaces
    var start = 0                   // IR instructions of the branch: start ..< end
    var end = 0
    var loopEnd: [(slot: Int, ref: IRRef)] = []
    var typeStable = true
    var loopEndSnapshot: Int32 = -1
}

/// A call frame an exit rebuilds (an inlined call active at the guard), precomputed.
struct ExitFrame {
    var funcSlot: Int               // relative to the start frame's base
    var maxStack: Int               // the callee's maxstacksize
    var resume: PC                  // where the frame resumes (the next frame's call + 1, or the exit pc)
    var nresults: Int32
    var tail: Bool
}

/// What the interpreter needs on every trace entry and exit, in unmanaged memory so that the
/// hot path touches no Swift objects (no reference counting, no copies of snapshots).
struct TraceRT {
    var fn: LTTraceFn?
    var number: Int
    var startPC: PC
    var nexits: Int                              // snapshots + 1 (exit 0 = prologue)
    var exitCounts: UnsafeMutablePointer<Int32>
    var exitPC: UnsafeMutablePointer<PC?>        // resume pc of exits without inlined frames
    var exitFlags: UnsafeMutablePointer<UInt8>   // bit 0: has inlined frames; bit 1: may grow a branch
    var exitFrames: UnsafeMutablePointer<UnsafeMutablePointer<ExitFrame>?>   // exits with frames: outermost first
    var exitFrameCount: UnsafeMutablePointer<Int32>
}

final class Trace {
    let number: Int
    let proto: ProtoPtr             // where the loop is
    let startPC: PC                 // first instruction of the loop body (trace entry)
    let backedgePC: PC              // the loop's back-edge instruction (patched to J-variant)
    let originalBackedge: UInt32
    var ir = IRBuffer()
    var snapshots: [Snapshot] = []
    /// Slots whose value at the loop header is kept in a C variable (SLOAD ref per slot).
    var headerSlots: [(slot: Int, ref: IRRef)] = []
    /// The IR value each header slot has at the end of an iteration (loop-carried).
    var loopEnd: [(slot: Int, ref: IRRef)] = []
    /// Stack slots (relative to base) the trace may touch, for the prologue's stack check.
    var maxSlot = 0
    /// False when a header slot changes type over an iteration: the loop end exits instead.
    var typeStable = true
    var loopEndSnapshot: Int32 = -1
    /// Snapshots of GCSTEP guards: their exits only let the interpreter collect (no branches).
    var gcSnapshots = Set<Int32>()
    /// IR instructions of the root (the recorded iteration): 0 ..< rootEnd.
    var rootEnd = 0
    var branches: [Branch] = []
    /// Snapshot -> index of the branch that replaces its exit.
    var branchOfSnap: [Int32: Int] = [:]
    /// Exits whose branch recording failed (not retried beyond a few attempts).
    var branchFailures: [Int32: Int] = [:]
    var cSource = ""
    var function: LTTraceFn? = nil
    var compileSeconds = 0.0
    var recordedBytecode: [String] = []
    /// GC objects referenced by the trace's constants (roots while the trace lives).
    var gcConstants: [UnsafeMutableRawPointer] = []
    /// Set when the proto died: the trace can never be entered again.
    var dead = false
    /// The unmanaged entry/exit data, rebuilt whenever the trace is (re)compiled.
    var rt: UnsafeMutablePointer<TraceRT>? = nil

    /// Builds (or rebuilds, keeping exit counts) the unmanaged entry/exit data.
    func buildRuntimeData(hotexitAllowed: (Int32) -> Bool) {
        let n = snapshots.count + 1
        let counts = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        counts.initialize(repeating: 0, count: n)
        let pcs = UnsafeMutablePointer<PC?>.allocate(capacity: n)
        pcs.initialize(repeating: nil, count: n)
        let flags = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
        flags.initialize(repeating: 0, count: n)
        let frames = UnsafeMutablePointer<UnsafeMutablePointer<ExitFrame>?>.allocate(capacity: n)
        frames.initialize(repeating: nil, count: n)
        let nframes = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        nframes.initialize(repeating: 0, count: n)
        for (i, snap) in snapshots.enumerated() {
            if snap.frames.isEmpty {
                pcs[i + 1] = snap.pc
            } else {
                flags[i + 1] |= 1
                let fs = UnsafeMutablePointer<ExitFrame>.allocate(capacity: snap.frames.count)
                for (j, f) in snap.frames.enumerated() {
                    let resume = j + 1 < snap.frames.count ? snap.frames[j + 1].callPC + 1 : snap.pc
                    fs[j] = ExitFrame(funcSlot: f.funcSlot, maxStack: Int(f.proto.pointee.maxstacksize), resume: resume,
                                      nresults: Int32(f.nresults), tail: f.tail)
                }
                frames[i + 1] = fs
                nframes[i + 1] = Int32(snap.frames.count)
                pcs[i + 1] = snap.frames[0].callPC + 1       // the start frame's resume point
            }
            if hotexitAllowed(Int32(i)) { flags[i + 1] |= 2 }
        }
        let data = TraceRT(fn: function, number: number, startPC: startPC, nexits: n, exitCounts: counts, exitPC: pcs,
                           exitFlags: flags, exitFrames: frames, exitFrameCount: nframes)
        if let old = rt {
            for i in 0..<min(old.pointee.nexits, n) { counts[i] = old.pointee.exitCounts[i] }
            old.pointee.exitCounts.deallocate()
            old.pointee.exitPC.deallocate()
            old.pointee.exitFlags.deallocate()
            for i in 0..<old.pointee.nexits { old.pointee.exitFrames[i]?.deallocate() }
            old.pointee.exitFrames.deallocate()
            old.pointee.exitFrameCount.deallocate()
            old.pointee = data
        } else {
            let p = UnsafeMutablePointer<TraceRT>.allocate(capacity: 1)
            p.initialize(to: data)
            rt = p
        }
    }

    init(number: Int, proto: ProtoPtr, startPC: PC, backedgePC: PC) {
        self.number = number
        self.proto = proto
        self.startPC = startPC
        self.backedgePC = backedgePC
        self.originalBackedge = backedgePC.pointee
    }
}
