// The recorder: follows the interpreter through one iteration of a hot loop and emits typed IR.
//
// The interpreter calls `step` BEFORE executing each instruction while recording. The recorder
// reads the live register values to learn types and branch directions, emits IR specialised on
// them (with guards), and predicts where control goes next; if the interpreter then shows up
// anywhere else, recording aborts (a cheap safety net against any disagreement).
//
// Invariants:
// - `slots[s]` is the IR value of stack slot s (relative to the start frame's register 0) as of
//   the current point of the iteration, or nil if the iteration has not touched it yet (reading
//   it then emits an SLOAD: its value at the loop header).
// - `frames` mirrors the interpreter's frames from the start frame up; inlined Lua calls push a
//   virtual frame. Leaving the start frame (returning from it) aborts.
// - Snapshots are taken at every guard: the written slots and the inlined frames at that point.
//   A comparison guard on the same IR values as an earlier one of this recording is not emitted
//   again (SSA values do not change, so it holds).
// - A root recording is one iteration of its loop: control leaving the loop's code in the start
//   frame aborts it. Side branches may leave and come back around an outer loop. Inner loops are
//   unrolled (Recorder+Loops.swift).
// - Nothing the recorder does changes interpreter state; aborting is always safe.

import CLuaRuntime
import LuaBytecode

struct RecordAbort: Error {
    let reason: String
}

final class Recorder {
    struct Frame {
        var base: Int                 // slot of R[0], relative to the start frame's base
        var closure: LClosurePtr
        var proto: ProtoPtr
        var callPC: PC?               // CALL in the caller (nil for the start frame)
        var nresults: Int
        var funcSlot: Int
        var closureRef: IRRef         // IR value of the closure (SLOAD -1 for the start frame)
        var tail = false              // entered by a tail call (Recorder+TailCalls.swift)
        var meta: MetaResult? = nil   // a metamethod's frame: what its one result is for (Recorder+Meta.swift)
    }

    unowned let vm: VM
    let trace: Trace
    let thread: ThreadPtr
    let startFrameIndex: Int          // interpreter frame index of the start frame
    let startBaseIdx: Int             // absolute stack index of the start frame's R[0]
    var slots: [IRRef?] = []
    var frames: [Frame] = []
    var expectedPC: PC
    var recordedCount = 0
    let maxRecord: Int
    var closed = false
    /// After a call keeping all its results: the slot just past them (the interpreter's top).
    var topSlot: Int? = nil
    var pendingTop: Int? = nil
    /// Side-branch recording: the snapshot whose exit it replaces, and what to roll back to.
    var branch: Branch? = nil
    /// Inner-loop back-edges taken so far (unrolled into the trace, see Recorder+Loops.swift).
    var unrolled = 0
    /// While inside an inlined metamethod: the instruction that called it, and the depth of its
    /// frame (see Recorder+Meta.swift).
    var restart: Restart? = nil
    /// Set when a metamethod was just inlined: the interpreter's nested loop for it may record.
    var enteringMetamethod = false
    private var undo = (ir: 0, snapshots: 0, headers: 0, consts: 0)

    init(vm: VM, trace: Trace, thread: ThreadPtr, frameIndex: Int, baseIdx: Int, closure: LClosurePtr, maxRecord: Int) {
        self.vm = vm
        self.trace = trace
        self.thread = thread
        self.startFrameIndex = frameIndex
        self.startBaseIdx = baseIdx
        self.expectedPC = trace.startPC
        self.maxRecord = maxRecord
        let p = closure.pointee.p!
        frames = [Frame(base: 0, closure: closure, proto: p, callPC: nil, nresults: 0, funcSlot: -1, closureRef: -1)]
        slots = Array(repeating: nil, count: 256 + Int(p.pointee.maxstacksize))
        // the running closure: loop-invariant, loaded in the prologue
        let cref = sload(-1, type: UInt8(LT_TLCL))
        frames[0].closureRef = cref
        trace.maxSlot = Int(p.pointee.maxstacksize)
        // A numeric for loop's visible variable R[A+3] always equals its index R[A] at the loop
        // header, so it shares R[A]'s header value instead of being a loop-carried slot of its own.
        if trace.originalBackedge.op == .forloop {
            let a = trace.originalBackedge.a
            forVarSlot = a + 3
            if let r = try? slot(a) { slots[a + 3] = r }
        }
    }

    /// The for loop variable that shares the index's header value (see init), if any.
    private(set) var forVarSlot = -1

    /// Starts recording a side branch of `trace` at the exit of snapshot `snapIdx` (the
    /// interpreter has just restored that exit's state).
    init(vm: VM, trace: Trace, branchFrom snapIdx: Int32, thread: ThreadPtr, frameIndex: Int, baseIdx: Int,
         closure: LClosurePtr, maxRecord: Int) {
        self.vm = vm
        self.trace = trace
        self.thread = thread
        self.startFrameIndex = frameIndex
        self.startBaseIdx = baseIdx
        let snap = trace.snapshots[Int(snapIdx)]
        self.expectedPC = snap.pc
        self.maxRecord = maxRecord
        let p = closure.pointee.p!
        let cref = trace.headerSlots.first(where: { $0.slot == -1 })!.ref
        frames = [Frame(base: 0, closure: closure, proto: p, callPC: nil, nresults: 0, funcSlot: -1, closureRef: cref)]
        slots = Array(repeating: nil, count: 256 + Int(p.pointee.maxstacksize))
        for (s, h) in trace.headerSlots where s >= 0 && s < slots.count { slots[s] = h }
        for (s, r) in snap.slots where s < slots.count { slots[s] = r }
        if trace.originalBackedge.op == .forloop { forVarSlot = trace.originalBackedge.a + 3 }
        undo = (trace.ir.ins.count, trace.snapshots.count, trace.headerSlots.count, trace.gcConstants.count)
        branch = Branch(snap: snapIdx, start: trace.ir.ins.count)
    }

    /// Rolls the trace back to its state before this (aborted) side branch.
    func rollback() {
        guard branch != nil else { return }
        trace.ir.truncate(to: undo.ir)
        trace.snapshots.removeSubrange(undo.snapshots...)
        trace.headerSlots.removeSubrange(undo.headers...)
        trace.gcConstants.removeSubrange(undo.consts...)
    }

    // MARK: slots

    var ir: IRBuffer {
        get { trace.ir }
        _modify { yield &trace.ir }
    }

    /// Runtime value of a slot (relative to the start base).
    func runtimeSlot(_ s: Int) -> Value { thread.pointee.stack[startBaseIdx + s] }

    private func sload(_ s: Int, type: UInt8) -> IRRef {
        let r = ir.emit(IRIns(op: .sload, type: type, k: Int64(s)))
        trace.headerSlots.append((slot: s, ref: r))
        return r
    }

    func slot(_ s: Int) throws -> IRRef {
        if s >= 0, s < slots.count, let r = slots[s] { return r }
        guard s >= 0 && s < slots.count else { throw RecordAbort(reason: "slot out of range") }
        let v = runtimeSlot(s)
        if v.tt > UInt64(LT_TTHREAD) { throw RecordAbort(reason: "unexpected value in slot") }
        let r = sload(s, type: UInt8(v.tt))
        slots[s] = r
        return r
    }

    func setSlot(_ s: Int, _ r: IRRef) throws {
        guard s >= 0 && s < slots.count else { throw RecordAbort(reason: "slot out of range") }
        slots[s] = r
        trace.maxSlot = max(trace.maxSlot, s + 1)
    }

    var frame: Frame { frames[frames.count - 1] }

    /// R[r] of the current frame.
    func reg(_ r: Int) throws -> IRRef { try slot(frame.base + r) }
    func setReg(_ r: Int, _ v: IRRef) throws { try setSlot(frame.base + r, v) }
    /// Runtime value of R[r] in the current frame.
    func rt(_ r: Int) -> Value { runtimeSlot(frame.base + r) }

    func type(_ r: IRRef) -> UInt8 { ir.type(r) }

    // MARK: guards and snapshots

    func snapshot(pc: PC) -> Int32 {
        var entries: [(slot: Int, ref: IRRef)] = []
        for (s, r) in slots.enumerated() {
            if let r = r, ir[r].op != .sload || ir[r].k != Int64(s) { entries.append((slot: s, ref: r)) }
        }
        // inside a metamethod: resume at the instruction that called it, in its frame
        let (resumePC, depth) = restart.map { ($0.pc, $0.depth) } ?? (pc, frames.count)
        var inl: [InlineFrame] = []
        for f in frames[1..<depth] {
            inl.append(InlineFrame(funcSlot: f.funcSlot, proto: f.proto, callPC: f.callPC!, nresults: f.nresults, tail: f.tail))
        }
        trace.snapshots.append(Snapshot(pc: resumePC, frames: inl, slots: entries))
        return Int32(trace.snapshots.count - 1)
    }

    /// Emits a guard instruction exiting to a snapshot taken at `pc` (the instruction to redo).
    @discardableResult
    func guardIns(_ op: IROp, _ a: IRRef, _ b: IRRef = -1, k: Int64 = 0, k2: Int64 = 0, type: UInt8 = UInt8(LT_TNIL), pc: PC) -> IRRef {
        // a comparison of the same SSA values was already guarded in this recording: it holds
        if Recorder.dedupGuards.contains(op) {
            let key = CSEKey(op: op, type: type, a: a, b: b, c: -1, k: k)
            if let r = cse[key] { return r }
            var i = IRIns(op: op, type: type, a: a, b: b, k: k, k2: k2)
            i.snap = snapshot(pc: pc)
            let r = ir.emit(i)
            cse[key] = r
            return r
        }
        var i = IRIns(op: op, type: type, a: a, b: b, k: k, k2: k2)
        i.snap = snapshot(pc: pc)
        return ir.emit(i)
    }

    func emit(_ op: IROp, _ type: UInt8, _ a: IRRef = -1, _ b: IRRef = -1, _ c: IRRef = -1, k: Int64 = 0) -> IRRef {
        guard op.isPure else { return ir.emit(IRIns(op: op, type: type, a: a, b: b, c: c, k: k)) }
        // Common-subexpression elimination for pure ops: an identical earlier instruction of
        // this recording (root or side branch, never across) already holds the value.
        let key = CSEKey(op: op, type: type, a: a, b: b, c: c, k: k)
        if let r = cse[key] { return r }
        let r = ir.emit(IRIns(op: op, type: type, a: a, b: b, c: c, k: k))
        cse[key] = r
        return r
    }

    private static let dedupGuards: Set<IROp> = [.lt, .le, .gt, .ge, .eq, .ne, .peq, .pne, .upeq]

    private struct CSEKey: Hashable {
        let op: IROp, type: UInt8, a: IRRef, b: IRRef, c: IRRef, k: Int64
    }
    private var cse: [CSEKey: IRRef] = [:]

    /// After a metatable store (TSETMETA): earlier TMETA values of table `t` are stale.
    func forgetMetatable(of t: IRRef) {
        cse = cse.filter { !($0.key.op == .tmeta && $0.key.a == t) }
    }

    func kvalue(_ v: Value) throws -> IRRef {
        switch Int32(v.tt) {
        case LT_TNIL, LT_TFALSE, LT_TTRUE: return ir.kpri(UInt8(v.tt))
        case LT_TINT: return ir.kint(v.i)
        case LT_TFLOAT: return ir.knum(v.n)
        case LT_TSTRING:
            if v.str.pointee.isshort == 0 { throw RecordAbort(reason: "NYI: long string constant") }
            return kgc(v.ptr, UInt8(LT_TSTRING))
        default: return kgc(v.ptr, UInt8(v.tt))
        }
    }

    func kgc(_ p: UnsafeMutableRawPointer, _ type: UInt8) -> IRRef {
        let r = ir.kgc(p, type: type)
        if !trace.gcConstants.contains(p) { trace.gcConstants.append(p) }
        return r
    }

    /// Guards that `r` is the given object (skips the guard when it is that constant already).
    func guardIdentity(_ r: IRRef, _ p: UnsafeMutableRawPointer, type: UInt8, pc: PC) {
        let k = kgc(p, type)
        if r == k { return }
        guardIns(.peq, r, k, pc: pc)
    }

    // MARK: driving

    enum StepResult { case recording, closed, aborted }

    /// Called by the interpreter before it executes the instruction at `pc` in frame `ciIndex`.
    func step(pc: PC, ciIndex: Int, base: StackPtr) throws -> StepResult {
        guard vm.L == thread else { throw RecordAbort(reason: "coroutine switch") }
        guard pc == expectedPC else { throw RecordAbort(reason: "unexpected control flow") }
        guard ciIndex == startFrameIndex + frames.count - 1,
              base - thread.pointee.stack == startBaseIdx + frame.base else {
            throw RecordAbort(reason: "unexpected frame")
        }
        if pc == trace.startPC && frames.count == 1 && recordedCount > 0 {
            try closeLoop()
            return .closed
        }
        recordedCount += 1
        if recordedCount > maxRecord || trace.ir.ins.count > maxRecord * 4 {
            throw RecordAbort(reason: "trace too long")
        }
        if frames.count > 16 { throw RecordAbort(reason: "inline depth exceeded") }
        if vm.jitOptions.dump {
            trace.recordedBytecode.append((branch != nil ? "[side] " : "") + vm.describeInstruction(frame.proto, pc, depth: frames.count - 1))
        }
        try recordInstruction(pc)
        return .recording
    }

    /// The loop is closed: decide the header slots and the loop-carried values (of the root
    /// trace, or of the side branch being recorded).
    func closeLoop() throws {
        let p = frames[0].proto
        let nactive = vm.activeLocals(p, pc: Int(trace.startPC - UnsafePointer(p.pointee.code)))
        // written active locals of the start frame that were never read: header slots too
        for s in 0..<nactive where slots[s] != nil && s != forVarSlot {
            if !trace.headerSlots.contains(where: { $0.slot == s }) {
                let r = slots[s]!
                let t = type(r)
                let sl = ir.emit(IRIns(op: .sload, type: t, k: Int64(s)))
                trace.headerSlots.append((slot: s, ref: sl))
            }
        }
        var loopEnd: [(slot: Int, ref: IRRef)] = []
        var stable = true
        for (s, h) in trace.headerSlots where s >= 0 {
            if let r = slots[s], r != h {
                loopEnd.append((slot: s, ref: r))
                if type(r) != type(h) { stable = false }
            }
        }
        let endSnap = stable ? Int32(-1) : snapshot(pc: trace.startPC)
        if var b = branch {
            b.end = trace.ir.ins.count
            b.loopEnd = loopEnd
            b.typeStable = stable
            b.loopEndSnapshot = endSnap
            trace.branchOfSnap[b.snap] = trace.branches.count
            trace.branches.append(b)
            branch = b
        } else {
            trace.loopEnd = loopEnd
            trace.typeStable = stable
            trace.loopEndSnapshot = endSnap
            trace.rootEnd = trace.ir.ins.count
        }
        closed = true
    }
}
