// The JIT driver: hot-loop detection, starting/stopping the recorder, compiling and
// installing traces, entering them and handling their exits; -jv / -jdump / statistics.
//
// Invariants:
// - Hotness is counted only on loop back-edges (FORLOOP, backward JMP) in a small hashed
//   counter table, indexed by the back-edge's target (VM.countBackedge); nothing is counted
//   when the JIT is off. A numeric for loop in its last iteration does not start recording.
// - A compiled trace is installed by patching its loop's back-edge instruction to the J-variant
//   (FORLOOP -> JFORLOOP, JMP -> JLOOP); the proto's `traces` table maps that pc to the trace.
// - At most one recording is active; it is abandoned whenever the interpreter leaves the
//   recording's `run` activation (errors, re-entry from native code, coroutine switches).
// - A loop whose recording aborts `maxAborts` times is blacklisted and never recorded again
//   ("loop left during recording" aborts count a quarter); retries start a few iterations later
//   after each abort.

import CLuaRuntime
import LuaBytecode
#if canImport(Glibc)
import Glibc
#endif

final class JITState {
    static let hotSize = 4096
    let hotcounts: UnsafeMutablePointer<UInt16>
    var traces: [Trace] = []
    var recorder: Recorder? = nil
    var aborts: [UnsafeRawPointer: Int] = [:]      // weighted: 4 per abort (see jitAbort)
    var blacklisted = Set<UnsafeRawPointer>()
    lazy var backend = TCCBackend()
    var ctx = LTJitCtx(L: nil, vm: nil, stackbase: 0, gcdue: 0, nk: LTValue(), nv: LTValue())
    // statistics
    var nAborted = 0
    var nBlacklisted = 0
    var compileTimes: [Double] = []
    var exitsTaken = 0
    var entries = 0
    static let maxAborts = 4

    init(hotloop: Int) {
        hotcounts = .allocate(capacity: JITState.hotSize)
        hotcounts.initialize(repeating: UInt16(clamping: hotloop), count: JITState.hotSize)
    }

    deinit { hotcounts.deallocate() }
}

extension VM {
    @inline(__always) static func hotIndex(_ pc: PC) -> Int {
        (Int(bitPattern: UInt(bitPattern: pc)) >> 2) & (JITState.hotSize - 1)
    }

    private func jitLog(_ s: String) {
        if jitOptions.verbose {
            stdout.flush()
            writeStderr(s + "\n")
        }
    }

    func location(_ p: ProtoPtr, _ pc: PC) -> String {
        let idx = pc - UnsafePointer(p.pointee.code!)
        return "\(shortSource(p)):\(lineOf(p, pc: idx))"
    }

    /// A back-edge's counter reached zero: maybe start recording. Returns true if recording.
    @inline(never)
    func jitHotLoop(backedge: PC, target: PC, ciIdx: Int, base: StackPtr, cl: LClosurePtr) -> Bool {
        let j = jit
        // the interpreter counts on the back-edge's target (see VM.countBackedge)
        let hidx = VM.hotIndex(target)
        j.hotcounts[hidx] = UInt16(clamping: max(jitOptions.hotloop, 1))
        if j.recorder != nil { return false }
        let key = UnsafeRawPointer(backedge)
        if j.blacklisted.contains(key) {
            j.hotcounts[hidx] = UInt16.max
            return false
        }
        // A numeric for loop in its last iteration would be left while recording it (an abort):
        // wait for the next back-edge of this loop, in a later run of it, instead.
        let bi = backedge.pointee
        if bi.op == .forloop && base[bi.a + 2].isInt && base[bi.a + 1].i == 0 {
            j.hotcounts[hidx] = 1
            return false
        }
        if j.traces.count >= jitOptions.maxtrace { return false }
        let th = L!
        let tr = Trace(number: j.traces.count + 1, proto: cl.pointee.p, startPC: target, backedgePC: backedge)
        j.recorder = Recorder(vm: self, trace: tr, thread: th, frameIndex: ciIdx, baseIdx: base - th.pointee.stack,
                              closure: cl, maxRecord: jitOptions.maxrecord)

        return true
    }

    /// Called before each instruction while recording; returns whether recording goes on.
    @inline(never)
    func jitRecordStep(pc: PC, ciIdx: Int, base: StackPtr) -> Bool {
        guard let rec = jit.recorder else { return false }
        do {
            switch try rec.step(pc: pc, ciIndex: ciIdx, base: base) {
            case .recording: return true
            case .closed:
                jit.recorder = nil
                if rec.branch != nil { finishBranch(rec) } else { finishTrace(rec.trace) }
                return false
            case .aborted:
                jitAbort("aborted")
                return false
            }
        } catch let e as RecordAbort {
            jitAbort(e.reason, at: pc)
            return false
        } catch {
            jitAbort("\(error)")
            return false
        }
    }

    /// Abandons the active recording (if any).
    func jitAbort(_ reason: String, at pc: PC? = nil) {
        guard let rec = jit.recorder else { return }
        jit.recorder = nil
        let tr = rec.trace
        if let b = rec.branch {
            rec.rollback()
            tr.branchFailures[b.snap, default: 0] += 1
            jitLog("[TRACE --- \(tr.number) exit \(b.snap + 1) -- side branch aborted: \(reason)]")
            return
        }
        jit.nAborted += 1
        let key = UnsafeRawPointer(tr.backedgePC)
        // a recording that happened to start in a loop's last iteration says nothing about the
        // loop: such aborts count a quarter (the retry starts at a different iteration)
        let weight = reason == "loop left during recording" ? 1 : 4
        let n4 = (jit.aborts[key] ?? 0) + weight
        jit.aborts[key] = n4
        // retry after a different number of iterations (a loop aborting at the same point of a
        // periodic pattern, e.g. a short loop's last iteration, would otherwise abort every time)
        jit.hotcounts[VM.hotIndex(tr.startPC)] = UInt16(clamping: max(jitOptions.hotloop, 1) + 3 * n4)
        var whereText = ""
        if let pc = pc, let f = rec.frames.last { whereText = " at \(location(f.proto, pc))" }
        jitLog("[TRACE --- \(location(tr.proto, tr.startPC)) -- \(reason)\(whereText)]")
        if n4 >= 4 * JITState.maxAborts {
            jit.blacklisted.insert(key)
            jit.nBlacklisted += 1
            jitLog("[TRACE --- \(location(tr.proto, tr.startPC)) -- blacklisted]")
        }
    }

    /// Emits C for a closed recording, compiles it and installs it on the loop's back-edge.
    func finishTrace(_ tr: Trace) {
        var em = CEmitter(trace: tr)
        tr.cSource = em.generate(name: "trace_\(tr.number)")
        var t0 = timespec(), t1 = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t0)
        let result = jit.backend.compile(tr.cSource, name: "trace_\(tr.number)")
        clock_gettime(CLOCK_MONOTONIC, &t1)
        tr.compileSeconds = Double(t1.tv_sec - t0.tv_sec) + Double(t1.tv_nsec - t0.tv_nsec) / 1e9
        if jitOptions.dump { dumpTrace(tr) }
        switch result {
        case .failure(let e):
            jit.recorder = nil
            jitAbortCompile(tr, e.message)
        case .success(let fn):
            tr.function = fn
            jit.traces.append(tr)
            jit.compileTimes.append(tr.compileSeconds)
            install(tr)
            jitLog("[TRACE \(String(tr.number).leftPadSpaces(3)) \(location(tr.proto, tr.startPC)) loop]")
        }
    }

    /// A side branch closed: recompile the whole trace tree with it.
    func finishBranch(_ rec: Recorder) {
        let tr = rec.trace
        var em = CEmitter(trace: tr)
        let source = em.generate(name: "trace_\(tr.number)")
        var t0 = timespec(), t1 = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t0)
        let result = jit.backend.compile(source, name: "trace_\(tr.number)")
        clock_gettime(CLOCK_MONOTONIC, &t1)
        let secs = Double(t1.tv_sec - t0.tv_sec) + Double(t1.tv_nsec - t0.tv_nsec) / 1e9
        let snap = rec.branch!.snap
        switch result {
        case .failure(let e):
            tr.branches.removeLast()
            tr.branchOfSnap[snap] = nil
            rec.rollback()
            tr.branchFailures[snap, default: 0] += 10
            jitLog("[TRACE --- \(tr.number) exit \(snap + 1) -- libtcc error: \(e.message)]")
        case .success(let fn):
            tr.cSource = source
            tr.compileSeconds = secs
            tr.function = fn
            jit.compileTimes.append(secs)
            tr.buildRuntimeData { self.branchAllowed(tr, $0) }
            jitLog("[TRACE \(String(tr.number).leftPadSpaces(3)) \(location(tr.proto, tr.startPC)) side branch from exit \(snap + 1)]")
            if jitOptions.dump { dumpTrace(tr) }
        }
    }

    private func jitAbortCompile(_ tr: Trace, _ msg: String) {
        jit.nAborted += 1
        let key = UnsafeRawPointer(tr.backedgePC)
        jit.aborts[key] = 4 * JITState.maxAborts
        jit.blacklisted.insert(key)
        jit.nBlacklisted += 1
        jitLog("[TRACE --- \(location(tr.proto, tr.startPC)) -- libtcc error: \(msg)]")
    }

    private func install(_ tr: Trace) {
        let p = tr.proto
        if p.pointee.traces == nil {
            let n = Int(p.pointee.ncode)
            let t = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: n)
            t.initialize(repeating: nil, count: n)
            p.pointee.traces = t
        }
        let idx = tr.backedgePC - UnsafePointer(p.pointee.code!)
        tr.buildRuntimeData { self.branchAllowed(tr, $0) }
        p.pointee.traces[idx] = UnsafeMutableRawPointer(tr.rt!)
        let ins = tr.originalBackedge
        let newOp: Op
        switch ins.op {
        case .forloop: newOp = .jforloop
        case .tforloop: newOp = .jtforloop
        default: newOp = .jloop
        }
        p.pointee.code[idx] = (ins & ~0x7F) | UInt32(newOp.number)
    }

    /// Whether exit `snap` of `tr` may still get a side branch.
    func branchAllowed(_ tr: Trace, _ snap: Int32) -> Bool {
        tr.branchOfSnap[snap] == nil && tr.branchFailures[snap, default: 0] < 3 && tr.branches.count < 16
            && tr.cSource.utf8.count < 150_000 && snap != tr.loopEndSnapshot && !tr.gcSnapshots.contains(snap)
    }

    /// Runs the trace installed on the back-edge at `backedge` (the interpreter has already
    /// taken the back-edge) and reconstructs the interpreter state at its exit.
    /// Returns true when a side-branch recording was started at the exit.
    @inline(never)
    func jitEnter(backedge: PC, proto: ProtoPtr, base: StackPtr, ciIdx: Int) throws -> Bool {
        let th = L!
        let idx = backedge - UnsafePointer(proto.pointee.code!)
        let rt = proto.pointee.traces[idx]!.assumingMemoryBound(to: TraceRT.self)
        let baseIdx = base - th.pointee.stack
        let j = jit
        j.ctx.L = th
        j.ctx.vm = Unmanaged.passUnretained(self).toOpaque()
        j.ctx.stackbase = Int64(baseIdx)
        j.ctx.gcdue = gcDue ? 1 : 0
        j.entries &+= 1
        let exitNo = Int(rt.pointee.fn!(base, &j.ctx))
        let counts = rt.pointee.exitCounts
        counts[exitNo] &+= 1
        let ci = th.pointee.ci + ciIdx
        if exitNo == 0 {
            ci.pointee.savedpc = rt.pointee.startPC
            return false
        }
        let flags = rt.pointee.exitFlags[exitNo]
        if flags & 1 == 0 {
            ci.pointee.savedpc = rt.pointee.exitPC[exitNo]!
            th.pointee.top = ci.pointee.top
            if flags & 2 == 0 || counts[exitNo] < Int32(clamping: jitOptions.hotexit) { return false }
        }
        return try jitExitSlow(rt, exitNo: exitNo, ciIdx: ciIdx, baseIdx: baseIdx)
    }

    /// Exits that rebuild inlined frames, and hot exits that may start a side branch.
    @inline(never)
    func jitExitSlow(_ rt: UnsafeMutablePointer<TraceRT>, exitNo: Int, ciIdx: Int, baseIdx: Int) throws -> Bool {
        let th = L!
        let ci = th.pointee.ci + ciIdx
        if let fs = rt.pointee.exitFrames[exitNo] {
            // rebuild the inlined calls' frames from the precomputed records (no Swift objects)
            ci.pointee.savedpc = rt.pointee.exitPC[exitNo]!
            for j in 0..<Int(rt.pointee.exitFrameCount[exitNo]) {
                let f = fs[j]
                let funcIdx = baseIdx + f.funcSlot
                try ensureStack(th, funcIdx + 1 + f.maxStack)
                let ni = try pushFrame(th)
                th.pointee.ci[ni] = LTCallInfo(func: Int64(funcIdx), top: Int64(funcIdx + 1 + f.maxStack), savedpc: f.resume,
                                               nresults: f.nresults, callstatus: LT_CIST_LUA | (f.tail ? LT_CIST_TAIL : 0),
                                               nextraargs: 0, extra: 0)
            }
            th.pointee.top = th.pointee.ci[Int(th.pointee.nci) - 1].top
            return false
        }
        let tr = jit.traces[rt.pointee.number - 1]
        // a hot exit gets a side branch recorded from here to the loop's end
        let snapIdx = Int32(exitNo - 1)
        guard jit.recorder == nil else { return false }
        guard branchAllowed(tr, snapIdx) else {
            rt.pointee.exitFlags[exitNo] &= ~2
            return false
        }
        let cl = th.pointee.stack[Int(ci.pointee.func)].lclosure
        jit.recorder = Recorder(vm: self, trace: tr, branchFrom: snapIdx, thread: th, frameIndex: ciIdx,
                                baseIdx: baseIdx, closure: cl, maxRecord: jitOptions.maxrecord)
        return true
    }

    // MARK: -jdump and statistics

    func describeInstruction(_ p: ProtoPtr, _ pc: PC, depth: Int) -> String {
        let idx = pc - UnsafePointer(p.pointee.code!)
        let i = pc.pointee
        var ops: String
        switch i.op.format {
        case .iABC: ops = "\(i.a) \(i.b) \(i.c)\(i.k ? "k" : "")"
        case .iABx: ops = "\(i.a) \(i.bx)"
        case .iAsBx: ops = "\(i.a) \(i.sBx)"
        case .iAx: ops = "\(i.ax)"
        case .isJ: ops = "\(i.sJ)"
        }
        let indent = String(repeating: ". ", count: depth)
        return "\(String(idx + 1).leftPadSpaces(4)) \(indent)\(i.op.name.padding(10)) \(ops)   ; \(location(p, pc))"
    }

    func dumpTrace(_ tr: Trace) {
        var out = "---- TRACE \(tr.number) start \(location(tr.proto, tr.startPC))\n"
        out += "---- TRACE \(tr.number) bytecode\n"
        for l in tr.recordedBytecode { out += l + "\n" }
        out += "---- TRACE \(tr.number) IR\n"
        let snapAt = Dictionary(tr.ir.ins.enumerated().compactMap { $0.element.snap >= 0 ? ($0.offset, $0.element.snap) : nil },
                                uniquingKeysWith: { a, _ in a })
        for (idx, ins) in tr.ir.ins.enumerated() {
            var line = "\(String(format4(idx))) \(LTValue.typeNames[Int(ins.type)].padding(8)) \(ins.op.name.padding(7))"
            if ins.a >= 0 { line += " \(format4(Int(ins.a)))" }
            if ins.b >= 0 { line += " \(format4(Int(ins.b)))" }
            if ins.c >= 0 { line += " \(format4(Int(ins.c)))" }
            switch ins.op {
            case .kint, .sload, .uref, .upeq, .noopen, .hloadk, .hstorek: line += "  #\(ins.k)"
            case .knum: line += "  \(Double(bitPattern: UInt64(bitPattern: ins.k)))"
            case .kgc: line += "  0x\(String(UInt(bitPattern: Int(ins.k)), radix: 16))"
            case .fmath, .fmath2: line += "  \(MathFn(rawValue: ins.k)!.cName)"
            case .lt, .le, .gt, .ge, .eq, .ne: if ins.k != 0 { line += "  (negated)" }
            default: break
            }
            if let s = snapAt[idx] {
                let snap = tr.snapshots[Int(s)]
                line += "   -> exit \(s + 1) [" + snap.slots.map { "\($0.slot)=\($0.ref)" }.joined(separator: " ") + "]"
                if !snap.frames.isEmpty { line += " frames \(snap.frames.count)" }
            }
            out += line + "\n"
        }
        out += "---- TRACE \(tr.number) header slots: " + tr.headerSlots.map { "\($0.slot)=\($0.ref)" }.joined(separator: " ") + "\n"
        out += "---- TRACE \(tr.number) loop-carried: " + tr.loopEnd.map { "\($0.slot)<-\($0.ref)" }.joined(separator: " ")
        out += tr.typeStable ? "\n" : " (type-unstable: leaves at the loop end)\n"
        out += "---- TRACE \(tr.number) C (compiled in \(fixedMs(tr.compileSeconds)) ms)\n" + tr.cSource
        out += "---- TRACE \(tr.number) stop\n"
        stdout.flush()
        writeStderr(out)
    }

    private func format4(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    func fixedMs(_ s: Double) -> String {
        let ms = (s * 1000 * 1000).rounded() / 1000
        return "\(ms)"
    }

    func jitStatisticsText() -> String {
        guard jitOptions.enabled else { return "JIT: off" }
        let j = jit
        let times = j.compileTimes.sorted()
        let median = times.isEmpty ? 0 : times[times.count / 2]
        let total = times.reduce(0, +)
        var s = "JIT: \(j.traces.count) traces compiled, \(j.nAborted) aborted recordings, \(j.nBlacklisted) loops blacklisted\n"
        s += "JIT: compile time total \(fixedMs(total)) ms, median \(fixedMs(median)) ms\n"
        var exits = 0
        for tr in j.traces { if let rt = tr.rt { for i in 0..<rt.pointee.nexits { exits += Int(rt.pointee.exitCounts[i]) } } }
        s += "JIT: \(j.entries) trace entries, \(exits) exits"
        // the busiest traces: how often each is entered and where it is left
        var busy: [(n: Int, tr: Trace)] = []
        for tr in j.traces { if let rt = tr.rt { busy.append(((0..<rt.pointee.nexits).reduce(0) { $0 + Int(rt.pointee.exitCounts[$1]) }, tr)) } }
        for (n, tr) in busy.sorted(by: { $0.n > $1.n }).prefix(8) where n > 0 {
            let rt = tr.rt!
            let top = (0..<rt.pointee.nexits).map { (e: $0, c: Int(rt.pointee.exitCounts[$0])) }.filter { $0.c > 0 }
                .sorted { $0.c > $1.c }.prefix(3).map { "exit \($0.e) \($0.c)" }.joined(separator: ", ")
            s += "\nJIT:   trace \(tr.number) (\(location(tr.proto, tr.startPC))): \(n) entries; \(top)"
        }
        return s
    }

    /// Marks the GC objects that compiled traces refer to.
    func markTraceConstants() {
        guard let j = jitIfCreated else { return }
        for tr in j.traces where !tr.dead {
            for p in tr.gcConstants { markObject(p.assumingMemoryBound(to: LTGCHeader.self)) }
        }
        if let rec = j.recorder {
            for p in rec.trace.gcConstants { markObject(p.assumingMemoryBound(to: LTGCHeader.self)) }
        }
    }
}

extension String {
    func leftPadSpaces(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
    func padding(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
