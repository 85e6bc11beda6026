// The C emitter: one trace becomes one C function over the runtime-c layouts.
//
//   int64_t trace_N(LTValue *base, LTJitCtx *ctx)
//
// Shape of the generated code:
//   prologue  - stack-size check and the header loads (SLOADs) with their type checks; any
//               failure returns 0 (nothing changed, resume at the loop start);
//   loop:     - the recorded iteration, IR instruction by instruction, values in C locals;
//               guards `goto xN` on failure;
//               then the loop-carried header variables are updated and control jumps back
//               (or, for a type-unstable loop, leaves through the loop-end exit);
//   xN:       - exit N writes back every header slot changed by the loop and the snapshot's
//               slots, boxing unboxed values with their static type tag, and returns N.
//
// Values of type nil/false/true have no C variable: they are constants by construction.
// Loop-carried floats may live in SSE registers instead (CEmitter+Registers.swift): their C
// variable is then either kept equal to the register or written from it before every exit.
// Loop-carried integers updated by add/sub may likewise live in callee-saved general-purpose
// registers (CEmitter+IntRegisters.swift), saved at entry and restored before every return.

import CLuaRuntime
#if canImport(Glibc)
import Glibc
#endif

struct CEmitter {
    let trace: Trace
    private var body = ""
    private var usedExits = Set<Int32>()
    /// C variable of each IR value: loop-carried values are coalesced with their header
    /// variable when the header value is dead by the time the new value is computed, so the
    /// back-edge needs no copy (tcc keeps every variable in memory; copies cost).
    var varOf: [IRRef: IRRef] = [:]
    var coalesced = Set<PathSlot>()
    /// Loop-carried floats and the float arithmetic on them kept in SSE registers (see
    /// CEmitter+Registers.swift).
    var regs = RegPlan()
    /// Loop-carried integers kept in general-purpose registers (see CEmitter+IntRegisters.swift).
    var intRegs = IntRegPlan()
    /// True while the root's instructions are emitted (a jump out of them spills registers).
    private var emittingRoot = false
    /// (table, node) and (table, index) pairs whose node key / array bound is already checked in
    /// the straight-line code being emitted: only `tset` (lt_jit_tset may resize or rehash, or
    /// move a node), `tlen` (for array bounds: '#' may lower alimit) and the start of a path
    /// segment forget them.
    private var checked = Set<[Int64]>()

    /// Pure values with a single use in the same path segment, computed inside their user's C
    /// expression instead of into a variable of their own (each variable is a store and a load
    /// for tcc; see computeFusion).
    private var fused = Set<IRRef>()

    init(trace: Trace) {
        self.trace = trace
        computeCoalescing()
        computeRegisters()
        intRegs = planIntRegisters()
        computeFusion()
    }

    /// Ops whose C form is one side-effect-free expression of their operands (each operand
    /// appearing once) - candidates for fusion into their user.
    private static let fusableOps: Set<IROp> = [.add, .sub, .mul, .div, .neg, .tonum, .band, .bor, .bxor, .bnot,
                                                 .fproto, .uref, .fmath, .pow]

    /// Decides which values are fused. A value r qualifies when it is pure, used exactly once,
    /// by an instruction u of the same path segment (not by a snapshot, a back-edge copy or a
    /// pinned accumulator's memory operand), and no C variable r's expression reads is assigned
    /// between r and the point where the expression is finally evaluated (u, or u's own user if
    /// u is fused too): then evaluating it there gives the value it had at r.
    private mutating func computeFusion() {
        let ins = trace.ir.ins
        let n = ins.count
        var insUses = [Int](repeating: 0, count: n), otherUses = [Int](repeating: 0, count: n)
        var user = [Int](repeating: -1, count: n)
        for (idx, i) in ins.enumerated() {
            for r in [i.a, i.b, i.c] where r >= 0 && Int(r) < n { insUses[Int(r)] += 1; user[Int(r)] = idx }
        }
        for snap in trace.snapshots { for (_, r) in snap.slots where r >= 0 && Int(r) < n { otherUses[Int(r)] += 1 } }
        for p in paths { for (_, e) in p.loopEnd where e >= 0 && Int(e) < n { otherUses[Int(e)] += 1 } }
        for (_, h) in trace.headerSlots where h >= 0 && Int(h) < n { otherUses[Int(h)] += 1 }
        for r in regs.memOperands where Int(r) < n { otherUses[Int(r)] += 1 }
        for r in intRegs.memOperands where Int(r) < n { otherUses[Int(r)] += 1 }
        var segment = [Int](repeating: -1, count: n)
        for idx in 0..<min(trace.rootEnd, n) { segment[idx] = 0 }
        for (bi, b) in trace.branches.enumerated() { for idx in b.start..<min(b.end, n) { segment[idx] = bi + 1 } }
        // the C variable each instruction assigns (nil: none)
        func assigned(_ idx: Int) -> IRRef? {
            let i = ins[idx]
            guard !i.op.isConstant, i.op != .sload, CEmitter.cType(i.type) != nil,
                  i.op != .ustore, i.op != .tset, i.op != .astore, i.op != .hstorek else { return nil }
            return varOf[IRRef(idx)] ?? IRRef(idx)
        }
        var evalAt = [Int](repeating: -1, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            let i = ins[r]
            guard CEmitter.fusableOps.contains(i.op), insUses[r] == 1, otherUses[r] == 0, user[r] > r,
                  segment[r] >= 0, segment[r] == segment[user[r]], varOf[IRRef(r)] == nil,
                  regs.reg[IRRef(r)] == nil, regs.pinned[IRRef(r)] == nil,
                  !(i.op == .neg && i.type == UInt8(LT_TFLOAT)) else { continue }
            let u = user[r]
            let at = fused.contains(IRRef(u)) ? evalAt[u] : u
            var ok = true
            for o in [i.a, i.b, i.c] where o >= 0 && !ins[Int(o)].op.isConstant {
                // a register value's C variable may be stale
                if regs.stale.contains(where: { $0.h == o }) || intRegs.stale.contains(where: { $0.h == o }) || (regs.reg[o] != nil && !regs.store.contains(o)) { ok = false; break }
                let ov = varOf[o] ?? o
                for idx in (r + 1)..<at where assigned(idx) == ov && !fused.contains(IRRef(idx)) { ok = false; break }
                if !ok { break }
            }
            if ok {
                fused.insert(IRRef(r))
                evalAt[r] = at
            }
        }
    }

    /// Every path's loop end: the root's, then each side branch's (nil = leaves through an exit).
    private var paths: [(end: Int, loopEnd: [(slot: Int, ref: IRRef)], stable: Bool, endSnap: Int32)] {
        var p = [(end: trace.rootEnd, loopEnd: trace.loopEnd, stable: trace.typeStable, endSnap: trace.loopEndSnapshot)]
        for b in trace.branches { p.append((end: b.end, loopEnd: b.loopEnd, stable: b.typeStable, endSnap: b.loopEndSnapshot)) }
        return p
    }

    /// Header slots some path changes (exits must write them back).
    private var changedSlots: Set<Int> {
        var s = Set<Int>()
        for p in paths { for (slot, _) in p.loopEnd { s.insert(slot) } }
        return s
    }

    private mutating func computeCoalescing() {
        let ins = trace.ir.ins
        let n = ins.count
        var lastUse = [Int](repeating: -1, count: n)
        // For the root's values a use inside a side branch happens where the branch leaves the
        // root (its guard, or the root guard its parent branch leaves from): lastUse0.
        var lastUse0 = [Int](repeating: -1, count: n)
        let rootEnd = min(trace.rootEnd, n)
        var guardPos: [Int32: Int] = [:]
        for (idx, i) in ins.enumerated() where i.snap >= 0 && guardPos[i.snap] == nil { guardPos[i.snap] = idx }
        func rootPos(_ idx: Int) -> Int {
            var g = idx, steps = 0
            while g >= rootEnd {
                guard steps < 64, let b = trace.branches.first(where: { g >= $0.start && g < $0.end }),
                      let p = guardPos[b.snap] else { return n }
                g = p
                steps += 1
            }
            return g
        }
        var rootPosOf = [Int](repeating: 0, count: n)
        for idx in 0..<n { rootPosOf[idx] = idx < rootEnd ? idx : rootPos(idx) }
        func use(_ r: IRRef, _ at: Int, root at0: Int? = nil) {
            guard r >= 0 && Int(r) < n else { return }
            lastUse[Int(r)] = max(lastUse[Int(r)], at)
            lastUse0[Int(r)] = max(lastUse0[Int(r)], at0 ?? (at < n ? rootPosOf[at] : at))
        }
        let headerOf = Dictionary(trace.headerSlots.map { ($0.slot, $0.ref) }, uniquingKeysWith: { a, _ in a })
        let changed = changedSlots
        for (idx, i) in ins.enumerated() {
            use(i.a, idx); use(i.b, idx); use(i.c, idx)
            if i.snap >= 0 {
                let snap = trace.snapshots[Int(i.snap)]
                let inSnap = Set(snap.slots.map { $0.slot })
                for (_, r) in snap.slots { use(r, idx) }
                for slot in changed where !inSnap.contains(slot) { if let h = headerOf[slot] { use(h, idx) } }
            }
        }
        // values read by each path's back-edge copies (or its loop-end exit) are used at its end
        for (pi, p) in paths.enumerated() {
            // for the root, a branch's end happens where the branch leaves the root
            let at0 = pi == 0 ? rootEnd : (guardPos[trace.branches[pi - 1].snap].map { rootPos($0) } ?? n)
            for (_, e) in p.loopEnd { use(e, p.end, root: at0) }
            if p.endSnap >= 0 { for (_, r) in trace.snapshots[Int(p.endSnap)].slots { use(r, p.end, root: at0) } }
        }
        var taken = Set<IRRef>()
        for (pi, p) in paths.enumerated() where p.stable {
            for (slot, e) in p.loopEnd {
                guard let h = headerOf[slot], ins[Int(e)].op != .sload, !ins[Int(e)].op.isConstant,
                      ins[Int(e)].type == ins[Int(h)].type, !taken.contains(e) else { continue }
                // the header value must be dead once e is computed (its own operand use is fine)
                if (pi == 0 ? lastUse0[Int(h)] : lastUse[Int(h)]) <= Int(e) {
                    varOf[e] = h
                    taken.insert(e)
                    coalesced.insert(PathSlot(path: pi, slot: slot))
                }
            }
        }
    }

    struct PathSlot: Hashable { let path: Int; let slot: Int }

    private func name(_ r: IRRef) -> String { "v\(varOf[r] ?? r)" }

    var ir: IRBuffer { trace.ir }

    static func cType(_ t: UInt8) -> String? {
        switch Int32(t) {
        case LT_TNIL, LT_TFALSE, LT_TTRUE: return nil
        case LT_TINT: return "int64_t"
        case LT_TFLOAT: return "double"
        default: return "void *"
        }
    }

    static func field(_ t: UInt8) -> String {
        switch Int32(t) {
        case LT_TINT: return "i"
        case LT_TFLOAT: return "n"
        default: return "p"
        }
    }

    static func floatLiteral(_ d: Double) -> String {
        if d.isNaN { return "(0.0/0.0)" }
        if d.isInfinite { return d > 0 ? "(1.0/0.0)" : "(-1.0/0.0)" }
        var buf = [CChar](repeating: 0, count: 64)
        _ = withVaList([d]) { vsnprintf(&buf, 64, "%.17g", $0) }
        var s = String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if !s.contains(".") && !s.contains("e") && !s.contains("n") { s += ".0" }
        return "(" + s + ")"
    }

    /// C expression for the value of IR ref r.
    func v(_ r: IRRef) -> String {
        let i = ir[r]
        switch i.op {
        case .kint:
            if i.k == Int64.min { return "((int64_t)(-9223372036854775807LL - 1))" }
            return "((int64_t)\(i.k)LL)"
        case .knum: return CEmitter.floatLiteral(Double(bitPattern: UInt64(bitPattern: i.k)))
        case .kgc: return "((void *)0x\(String(UInt(bitPattern: Int(i.k)), radix: 16)))"
        case .kpri: return "0"
        default:
            if fused.contains(r), let e = pureExpr(i) { return "(" + e + ")" }
            return name(r)
        }
    }

    /// The C expression of a fusable instruction (see fusableOps).
    private func pureExpr(_ i: IRIns) -> String? {
        let a = i.a >= 0 ? v(i.a) : "", b = i.b >= 0 ? v(i.b) : ""
        let isInt = i.type == UInt8(LT_TINT)
        switch i.op {
        case .add, .sub, .mul:
            let o = i.op == .add ? "+" : (i.op == .sub ? "-" : "*")
            return isInt ? "(int64_t)((uint64_t)\(a) \(o) (uint64_t)\(b))" : "\(a) \(o) \(b)"
        case .div: return "\(a) / \(b)"
        case .neg: return isInt ? "(int64_t)(0 - (uint64_t)\(a))" : "-\(a)"
        case .band: return "\(a) & \(b)"
        case .bor: return "\(a) | \(b)"
        case .bxor: return "\(a) ^ \(b)"
        case .bnot: return "~\(a)"
        case .tonum: return "(double)\(a)"
        case .fproto: return "(void *)((LTLClosure *)\(a))->p"
        case .uref: return "(void *)lt_lcl_upvals((LTLClosure *)\(a))[\(i.k)]"
        case .fmath: return "\(MathFn(rawValue: i.k)!.cName)(\(a))"
        case .pow: return "pow(\(a), \(b))"
        default: return nil
        }
    }

    private func exitLabel(_ snap: Int32) -> String { "x\(snap + 1)" }

    /// The bounds guard of an array access (ix = key - 1 < asize), which also raises the
    /// table's alimit to the key like lua's luaH_getint (the border `#` picks depends on it):
    /// one compare against alimit (<= asize) on the usual path.
    private mutating func arrayBoundsCheck(_ snap: Int32) {
        body += "  if (ix >= t->alimit) { if (ix >= t->asize) \(leave(snap)) t->alimit = (uint32_t)(ix + 1); }\n"
    }

    private mutating func guardFail(_ cond: String, _ snap: Int32) {
        body += "  if (\(cond)) \(leave(snap))\n"
    }

    /// The jump taken when the guard of `snap` fails: to its side branch or to its exit, after
    /// writing stale registers back when leaving the root.
    private mutating func leave(_ snap: Int32) -> String {
        let target: String
        if let b = trace.branchOfSnap[snap] {
            target = "b\(b + 1)"
        } else {
            usedExits.insert(snap)
            target = exitLabel(snap)
        }
        let spill = emittingRoot ? spillRegisters : ""
        return spill.isEmpty ? "goto \(target);" : "{\n" + spill + "  goto \(target); }"
    }

    /// Stores IR value r into the LTValue at C lvalue `dst`.
    func store(_ dst: String, _ r: IRRef) -> String {
        let t = ir.type(r)
        switch Int32(t) {
        case LT_TNIL, LT_TFALSE: return "\(dst).u.i = 0; \(dst).tt = \(t);"
        case LT_TTRUE: return "\(dst).u.i = 1; \(dst).tt = \(t);"
        default: return "\(dst).u.\(CEmitter.field(t)) = \(v(r)); \(dst).tt = \(t);"
        }
    }

    /// Loads a typed value from LTValue pointer expression `q` into v<r>, guarding the tag.
    private mutating func typedLoad(_ r: IRRef, _ q: String, _ snap: Int32) {
        let t = ir.type(r)
        guardFail("(\(q))->tt != \(t)", snap)
        if CEmitter.cType(t) != nil { body += "  \(name(r)) = (\(q))->u.\(CEmitter.field(t));\n" }
    }

    mutating func generate(name: String) -> String {
        var decls = ""
        for (idx, ins) in ir.ins.enumerated() where !ins.op.isConstant {
            if let ct = CEmitter.cType(ins.type), ins.op != .ustore, ins.op != .tset, ins.op != .astore, ins.op != .hstorek,
               varOf[IRRef(idx)] == nil, !fused.contains(IRRef(idx)) {
                decls += "  \(ct) v\(idx);\n"
            }
        }
        var prologue = ""
        prologue += "  if (ctx->L->stacksize - ctx->stackbase < \(trace.maxSlot + 2)) return 0;\n"
        for (slot, ref) in trace.headerSlots {
            let t = ir.type(ref)
            prologue += "  if (base[\(slot)].tt != \(t)) return 0;\n"
            if CEmitter.cType(t) != nil { prologue += "  v\(ref) = base[\(slot)].u.\(CEmitter.field(t));\n" }
        }
        prologue += registerPrologue
        let allPaths = paths
        emittingRoot = true
        checked = []
        let rootOrder = regs.order.isEmpty ? Array(0..<trace.rootEnd) : regs.order
        for idx in rootOrder { emitIns(IRRef(idx), ir.ins[idx]) }
        // The root is unrolled once: the back-edge copies, then the iteration again. Every copy
        // exits through the same snapshots and side branches (they describe the state relative to
        // an iteration's start, and read only C variables), and tcc's code pays much less per
        // iteration without the jump.
        if trace.typeStable && trace.rootEnd < 300 {
            body += tail(path: 0, allPaths[0], jump: false)
            checked = []
            for idx in rootOrder { emitIns(IRRef(idx), ir.ins[idx]) }
        }
        body += tail(path: 0, allPaths[0])
        emittingRoot = false
        for (bi, b) in trace.branches.enumerated() {
            body += "b\(bi + 1):\n"
            checked = []
            for idx in b.start..<b.end { emitIns(IRRef(idx), ir.ins[idx]) }
            body += tail(path: bi + 1, allPaths[bi + 1])
        }
        // exits
        var exits = ""
        let changedHeaders = changedSlots.sorted()
        let headerOf = Dictionary(trace.headerSlots.map { ($0.slot, $0.ref) }, uniquingKeysWith: { a, _ in a })
        for snapIdx in usedExits.sorted() {
            let snap = trace.snapshots[Int(snapIdx)]
            exits += "\(exitLabel(snapIdx)):\n"
            let inSnap = Set(snap.slots.map { $0.slot })
            for slot in changedHeaders where !inSnap.contains(slot) {
                if let h = headerOf[slot] { exits += "  \(store("base[\(slot)]", h))\n" }
            }
            for (slot, ref) in snap.slots {
                exits += "  \(store("base[\(slot)]", ref))\n"
            }
            exits += intRegisterRestores
            exits += "  return \(snapIdx + 1);\n"
        }
        return """
        int64_t \(name)(LTValue *base, LTJitCtx *ctx) {
        \(decls)\(prologue)loop:
        \(body)\(exits)}

        """
    }

    /// The back-edge of one path: update the loop-carried header variables (as a parallel
    /// assignment) and jump to the loop, or leave through the path's loop-end exit.
    private mutating func tail(path pi: Int, _ p: (end: Int, loopEnd: [(slot: Int, ref: IRRef)], stable: Bool, endSnap: Int32),
                               jump: Bool = true) -> String {
        guard p.stable else {
            usedExits.insert(p.endSnap)
            return "  goto \(exitLabel(p.endSnap));\n"
        }
        let headerOf = Dictionary(trace.headerSlots.map { ($0.slot, $0.ref) }, uniquingKeysWith: { a, _ in a })
        var temps = "", direct = "", fromTemps = ""
        // a value whose C variable is one this parallel assignment overwrites (a header's own
        // variable, or a header variable a value was coalesced into) is read into a temporary first
        var assignedVars = Set<IRRef>()
        for (slot, _) in p.loopEnd where !coalesced.contains(PathSlot(path: pi, slot: slot)) {
            if let h = headerOf[slot], CEmitter.cType(ir.type(h)) != nil { assignedVars.insert(h) }
        }
        for (slot, end) in p.loopEnd where !coalesced.contains(PathSlot(path: pi, slot: slot)) {
            guard let h = headerOf[slot], let ct = CEmitter.cType(ir.type(h)) else { continue }
            let src = varOf[end] ?? end
            if ir[end].op == .sload || (assignedVars.contains(src) && src != h && !ir[end].op.isConstant && !fused.contains(end)) {
                temps += "  \(ct) t\(h) = \(v(end));\n"
                fromTemps += "  v\(h) = t\(h);\n"
            } else {
                direct += "  v\(h) = \(v(end));\n"
            }
        }
        let back = jump ? (pi > 0 && (regs.active || intRegs.active) ? "  goto loopr;\n" : "  goto loop;\n") : ""
        if temps.isEmpty { return direct + back }
        return "  {\n" + temps + direct + fromTemps + "  }\n" + back
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private mutating func emitIns(_ r: IRRef, _ i: IRIns) {
        let a = i.a >= 0 ? v(i.a) : "", b = i.b >= 0 ? v(i.b) : ""
        let isInt = i.type == UInt8(LT_TINT)
        let me = name(r)
        func set(_ e: String) -> String { "  \(me) = \(e);\n" }
        if fused.contains(r) { return }
        if regs.reg[r] != nil {
            body += registerCode(r)
            return
        }
        if intRegs.endReg[r] != nil {
            body += intRegisterCode(r)
            return
        }
        if i.op == .neg && !isInt {
            // flip the sign bit (also of a NaN, as lua does; tcc's -x is -0.0 - x, which keeps a
            // NaN's sign)
            body += set(a) + "  __asm__ volatile(\"btcq $63, (%%rax)\" :: \"a\"(&\(me)));\n"
            return
        }
        if CEmitter.fusableOps.contains(i.op), let e = pureExpr(i) {
            body += set(e)
            return
        }
        switch i.op {
        case .kint, .knum, .kgc, .kpri, .sload:
            break
        case .uref:
            body += set("(void *)lt_lcl_upvals((LTLClosure *)\(a))[\(i.k)]")
        case .fproto:
            body += set("(void *)((LTLClosure *)\(a))->p")
        case .upeq:
            guardFail("((LTUpVal *)\(a))->v != base + \(i.k)", i.snap)
        case .uload:
            typedLoad(r, "((LTUpVal *)\(a))->v", i.snap)
        case .ustore:
            body += "  { LTValue *q = ((LTUpVal *)\(a))->v; \(store("(*q)", i.b)) }\n"
        case .add, .sub, .mul:
            let o = i.op == .add ? "+" : (i.op == .sub ? "-" : "*")
            body += set(isInt ? "(int64_t)((uint64_t)\(a) \(o) (uint64_t)\(b))" : "\(a) \(o) \(b)")
        case .div:
            body += set("\(a) / \(b)")
        case .idiv:
            if isInt {
                if i.snap >= 0 { guardFail("\(b) == 0", i.snap) }
                body += set("lt_idiv(\(a), \(b))")
            } else {
                body += set("floor(\(a) / \(b))")
            }
        case .mod:
            if isInt {
                if i.snap >= 0 { guardFail("\(b) == 0", i.snap) }
                body += set("lt_imod(\(a), \(b))")
            } else {
                body += "  { double m = fmod(\(a), \(b)); if (m != 0 && ((m > 0) != (\(b) > 0))) m += \(b); \(me) = m; }\n"
            }
        case .pow:
            body += set("pow(\(a), \(b))")
        case .neg:
            body += set("(int64_t)(0 - (uint64_t)\(a))")
        case .band: body += set("\(a) & \(b)")
        case .bor: body += set("\(a) | \(b)")
        case .bxor: body += set("\(a) ^ \(b)")
        case .shl: body += set("lt_shl(\(a), \(b))")
        case .shr: body += set("(\(b) == (int64_t)(-9223372036854775807LL - 1)) ? 0 : lt_shl(\(a), -\(b))")
        case .bnot: body += set("~\(a)")
        case .tonum: body += set("(double)\(a)")
        case .toint:
            body += "  { double d = \(a); if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) \(leave(i.snap))\n"
            body += "    \(me) = (int64_t)d; if ((double)\(me) != d) \(leave(i.snap)) }\n"
        case .fmath:
            body += set("\(MathFn(rawValue: i.k)!.cName)(\(a))")
        case .fmath2:
            body += set("\(MathFn(rawValue: i.k)!.cName)(\(a), \(b))")
        case .imin: body += set("\(a) < \(b) ? \(a) : \(b)")
        case .imax: body += set("\(a) < \(b) ? \(b) : \(a)")
        case .nmin: body += set("\(b) < \(a) ? \(b) : \(a)")
        case .nmax: body += set("\(a) < \(b) ? \(b) : \(a)")
        case .iabs: body += set("\(a) < 0 ? (int64_t)(0 - (uint64_t)\(a)) : \(a)")
        case .lt, .le, .gt, .ge, .eq, .ne:
            let o: String
            switch i.op {
            case .lt: o = "<"; case .le: o = "<="; case .gt: o = ">"; case .ge: o = ">="
            case .eq: o = "=="; default: o = "!="
            }
            let cond = "\(a) \(o) \(b)"
            guardFail(i.k == 0 ? "!(\(cond))" : "\(cond)", i.snap)
        case .peq:
            guardFail("(void *)\(a) != (void *)\(b)", i.snap)
        case .pne:
            guardFail("(void *)\(a) == (void *)\(b)", i.snap)
        case .noopen:
            guardFail("ctx->L->openupval && ctx->L->openupval->v >= base + \(i.k)", i.snap)
        case .tmeta:
            body += set("(void *)((LTTable *)\(a))->metatable")
        case .asize:
            body += set("(int64_t)((LTTable *)\(a))->asize")
        case .aload:
            body += "  { LTTable *t = (LTTable *)\(a); uint64_t ix = (uint64_t)\(b) - 1;\n"
            if checked.insert([0, Int64(i.a), Int64(i.b)]).inserted { arrayBoundsCheck(i.snap) }
            typedLoad(r, "&t->array[ix]", i.snap)
            body += "  }\n"
        case .astore:
            body += "  { LTTable *t = (LTTable *)\(a); uint64_t ix = (uint64_t)\(b) - 1;\n"
            if checked.insert([0, Int64(i.a), Int64(i.b)]).inserted { arrayBoundsCheck(i.snap) }
            body += "  \(store("t->array[ix]", i.c)) }\n"
        case .hloadk, .hstorek:
            body += "  { LTTable *t = (LTTable *)\(a);\n"
            let fresh = checked.insert([1, Int64(i.a), i.k, i.k2]).inserted
            if fresh { guardFail("(uint64_t)\(i.k) >= t->nodecap", i.snap) }
            body += "  LTNode *nd = &t->node[\(i.k)];\n"
            if fresh {
                guardFail("nd->keyu.p != (void *)0x\(String(UInt(bitPattern: Int(i.k2)), radix: 16)) || nd->keytt != \(LT_TSTRING)", i.snap)
            }
            if i.op == .hloadk { typedLoad(r, "&nd->val", i.snap) } else { body += "  \(store("nd->val", i.b))\n" }
            body += "  }\n"
        case .tget:
            let kt = ir.type(i.b)
            body += "  { LTTable *t = (LTTable *)\(a); LTValue *q;\n"
            if kt == UInt8(LT_TINT) {
                body += "  q = lt_tab_getint(t, \(b));\n"
            } else {
                // only interned (short) strings can be found by pointer: a long key exits
                if !ir.isConst(i.b) { guardFail("lt_str_isshort((LTString *)\(b)) == 0", i.snap) }
                body += "  q = lt_tab_getshortstr(t, (LTString *)\(b));\n"
            }
            if i.type == UInt8(LT_TNIL) {
                guardFail("q != 0 && q->tt != \(LT_TNIL)", i.snap)
            } else {
                guardFail("q == 0", i.snap)
                typedLoad(r, "q", i.snap)
            }
            body += "  }\n"
        case .tset:
            checked = []
            body += "  { LTValue kk, vv; \(store("kk", i.b)) \(store("vv", i.c)) lt_jit_tset(ctx, (LTTable *)\(a), &kk, &vv); }\n"
        case .tnew:
            body += set("lt_jit_tnew(ctx, \(i.k), \(i.k2))")
        case .gcstep:
            guardFail("ctx->gcdue", i.snap)
        case .tnext:
            body += "  { LTValue kk; \(store("kk", i.b)) int64_t nr = lt_jit_next(ctx, (LTTable *)\(a), &kk);\n"
            guardFail(i.k == 0 ? "nr != 1" : "nr != 0", i.snap)
            body += "  }\n"
        case .tsetmeta:
            let mt = ir.type(i.b) == UInt8(LT_TTABLE) ? "(LTTable *)\(b)" : "(LTTable *)0"
            guardFail("!lt_jit_setmeta(ctx, (LTTable *)\(a), \(mt))", i.snap)
        case .nkey:
            typedLoad(r, "&ctx->nk", i.snap)
        case .nval:
            typedLoad(r, "&ctx->nv", i.snap)
        case .tcat:
            let n = i.c >= 0 ? 3 : 2
            body += "  { LTValue cv[\(n)]; \(store("cv[0]", i.a)) \(store("cv[1]", i.b))"
                + (n == 3 ? " \(store("cv[2]", i.c))" : "") + " \(me) = lt_jit_concat(ctx, cv, \(n)); }\n"
            guardFail("\(me) == 0", i.snap)
        case .tlen:
            // '#' may lower alimit: later array accesses check (and raise) it again
            checked = checked.filter { $0[0] != 0 }
            body += set("lt_tab_len((LTTable *)\(a))")
        case .slen:
            body += set("((LTString *)\(a))->len")
        case .sbyte:
            body += "  { LTString *s = (LTString *)\(a); uint64_t ix = (uint64_t)\(b) - 1;\n"
            guardFail("ix >= (uint64_t)s->len", i.snap)
            body += "  \(me) = ((unsigned char *)(s + 1))[ix]; }\n"
        }
    }
}
