// Loop-carried floats, and the float expressions computing them, kept in SSE registers.
//
// tcc keeps every C variable in a stack slot, so a loop-carried float updated each iteration
// (`acc = acc + x`, mandelbrot's `zr = zr2 - zi2 + cr; zr2 = zr * zr`) forms a chain of
// store -> load -> op -> store through memory, about 7 cycles per link on the CPUs we measured
// (store-to-load forwarding of xmm values is slow; integers are cheap there thanks to memory
// renaming. But once floatsum's two divisions are paired, its for-loop counter's store -> load
// -> add chain, about 8 cycles, is what bounds that loop: loop-carried integers are kept in
// general-purpose registers by CEmitter+IntRegisters.swift.)
// Here the chain moves into registers: each loop-carried float header ("pinned") lives in its
// own xmm register, and every float + - * / and negation of the root iteration that depends on a
// pinned value is computed by emitted SSE instructions from registers, constants and C variables
// (memory operands) into a register, allocated by a linear scan over the root. Two independent float divisions of the
// root may also be computed together by one divpd (CEmitter+Packing.swift); they then join the
// register code even when they depend on no pinned value, as does whatever float + - * / neg
// depends on them, and the root is emitted in a slightly different order (RegPlan.order).
//
// Invariants:
// - Only for a type-stable root whose instructions call nothing that could clobber xmm6-15
//   (libm functions, lt_jit_tset; the header's static inline helpers are compiled by tcc, which
//   only uses xmm0-5 for the statements we emit). Side branches may call anything: registers
//   are written to their C variables before a root guard jumps to a branch or to an exit, and a
//   branch's back-edge goes to `loopr`, which reloads the pinned registers from their C
//   variables before the loop.
// - A pinned header h is coalesced with its loop-end value e (one C variable v<h>); the register
//   holds h from the top of the iteration until e is computed (into the same register), then e.
//   Coalescing guarantees h has no reader after e.
// - "store" mode (h or e is read by root C code or a root back-edge copy, or another root value
//   shares the C variable v<h> through a side branch's coalescing): the register is also stored
//   into v<h> after e is computed, and nothing spills it. Otherwise v<h> is stale in the root
//   and is written from the register (`spill`) right before every root guard's jump out of the
//   root (exits and side branches), which are the only other readers.
// - A register-computed value that is not a pinned loop-end value is stored into its C variable
//   right after it is computed when anything but register code reads it (C code, snapshots,
//   back-edge copies, side branches); its register is free after its last register reader.
// - A trace qualifies with pinned headers, or with paired divisions only (then nothing is
//   pinned and registers hold temporaries within one iteration).
// - Paired divisions: the emission order differs from the IR order only by moving register code
//   (the first division and its register-code followers down, the second division up, to one
//   point; see CEmitter+Packing.swift for when that is invisible). The linear scan runs in
//   emission order; both results get registers while every operand is still live, so they never
//   share a register with an operand. The pair needs two registers at that point: when the scan
//   runs out, the plan is made again without pairing (the code before pairing existed).
// - Operands read from memory have a C variable (they are never fused); float constants are read
//   from locals k<ref> set once in the prologue.
// - Registers: xmm6-xmm15 (tcc never allocates xmm8-15 and only uses xmm6/7 when explicitly
//   needed, which the statements we emit never do). xmm15 holds the sign mask when a negation is
//   computed in registers; xmm14 is a scratch register when a loop-end value is `x op h` with a
//   non-commutative op. Operand order is never swapped (NaN operands keep lua's result).
// - SSE instructions are emitted as bytes (tcc's assembler lacks SSE mnemonics); memory
//   operands are addressed through rax, rcx and rdx ("a", "c", "d" inputs).

import CLuaRuntime

extension CEmitter {
    /// Which values live in xmm registers (empty when the trace does not qualify).
    struct RegPlan {
        var pinned: [IRRef: Int] = [:]      // loop-carried header value -> its register
        var reg: [IRRef: Int] = [:]         // value computed by register code -> its register
        var store = Set<IRRef>()            // register values also stored to their C variable
        var stale: [(h: IRRef, reg: Int)] = []  // pinned headers whose C variable is stale in the root
        var memOperands = Set<IRRef>()      // non-constant operands register code reads from memory
        var consts: [IRRef] = []            // float constants read from k<ref> locals
        var signMask: Int? = nil
        var scratch: Int? = nil
        var packed: [IRRef: IRRef] = [:]    // second division of a pair -> the first (one divpd)
        var order: [Int] = []               // the root's emission order (empty: 0 ..< rootEnd)
        var active: Bool { !reg.isEmpty }
    }

    /// Ops whose C code calls a function that may clobber xmm6-15 (float `mod`/`idiv` too).
    static let xmmClobberingOps: Set<IROp> = [.fmath, .fmath2, .pow, .tset, .tnew, .tcat, .tnext, .tsetmeta]
    static let regOps: Set<IROp> = [.add, .sub, .mul, .div, .neg]

    /// Float + - * / or negation: what register code computes.
    static func isFloatArith(_ i: IRIns) -> Bool { i.type == UInt8(LT_TFLOAT) && regOps.contains(i.op) }

    /// The operands register code reads for float arithmetic i.
    static func floatOperands(_ i: IRIns) -> [IRRef] {
        if i.op == .neg { return [i.a] }
        return i.a == i.b ? [i.a] : [i.a, i.b]
    }

    /// The root's loop-carried values of type t: header h (an SLOAD) coalesced with its loop-end
    /// value e (a root instruction of type t), in loop-end order.
    func loopCarried(_ t: UInt8, rootEnd: Int) -> [(slot: Int, h: IRRef, e: IRRef)] {
        let ins = trace.ir.ins
        let headerOf = Dictionary(trace.headerSlots.map { ($0.slot, $0.ref) }, uniquingKeysWith: { a, _ in a })
        return trace.loopEnd.compactMap { slot, e in
            guard coalesced.contains(PathSlot(path: 0, slot: slot)), let h = headerOf[slot], h != e, e >= 0, Int(e) < rootEnd,
                  ins[Int(h)].op == .sload, ins[Int(h)].type == t, ins[Int(e)].type == t else { return nil }
            return (slot, h, e)
        }
    }

    /// True when a root value other than e is written to v<h> (coalesced for a side branch's loop end).
    func sharesVariable(_ h: IRRef, except e: IRRef, rootEnd: Int) -> Bool {
        (0..<rootEnd).contains { IRRef($0) != e && varOf[IRRef($0)] == h }
    }

    mutating func computeRegisters() {
        // with paired divisions if any can be paired, else (or when registers run out) without
        if let plan = planRegisters(pack: true) { regs = plan } else if let plan = planRegisters(pack: false) { regs = plan }
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private func planRegisters(pack: Bool) -> RegPlan? {
        guard trace.typeStable else { return nil }
        let ins = trace.ir.ins
        let n = ins.count
        let rootEnd = min(trace.rootEnd, n)
        let fl = UInt8(LT_TFLOAT)
        if ins[0..<rootEnd].contains(where: { CEmitter.xmmClobberingOps.contains($0.op) || (($0.op == .mod || $0.op == .idiv) && $0.type == fl) }) {
            return nil
        }
        let pairs = loopCarried(fl, rootEnd: rootEnd).filter { CEmitter.isFloatArith(ins[Int($0.e)]) }
        var plan = RegPlan()
        if pack, let p = packedDivisions(rootEnd: rootEnd) {
            plan.order = p.order
            for (d1, d2) in p.pairs { plan.packed[d2] = d1 }
        }
        if pairs.isEmpty && plan.packed.isEmpty { return nil }
        if pack && plan.packed.isEmpty { return nil }      // the same as without packing
        // values computed in registers: the loop-end values, the paired divisions and whatever
        // depends on a header or on those
        let candH = Set(pairs.map { $0.h })
        var inT = [Bool](repeating: false, count: n)
        for (d2, d1) in plan.packed { inT[Int(d1)] = true; inT[Int(d2)] = true }
        for idx in 0..<rootEnd where CEmitter.isFloatArith(ins[idx]) {
            let i = ins[idx]
            for o in [i.a, i.b] where o >= 0 && (candH.contains(o) || inT[Int(o)]) { inT[idx] = true }
        }
        for p in pairs { inT[Int(p.e)] = true }
        func operands(_ idx: Int) -> [IRRef] { CEmitter.floatOperands(ins[idx]) }
        var consts = Set<IRRef>()
        for idx in 0..<rootEnd where inT[idx] {
            for o in operands(idx) {
                guard o >= 0, ins[Int(o)].type == fl else { return nil }
                if ins[Int(o)].op.isConstant { consts.insert(o) }
            }
        }
        plan.consts = consts.sorted()
        // registers: sign mask and scratch first, then the headers, the rest for temporaries
        var pool = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
        if (0..<rootEnd).contains(where: { inT[$0] && ins[$0].op == .neg }) { plan.signMask = pool.removeLast() }
        /// `x op h`: computed in the scratch register (h's register holds the second operand)
        func needsScratch(_ p: (slot: Int, h: IRRef, e: IRRef)) -> Bool {
            let i = ins[Int(p.e)]
            return i.op != .neg && i.b == p.h && i.a != p.h
        }
        if pairs.contains(where: needsScratch) { plan.scratch = pool.removeLast() }
        var pinnedE: [IRRef: Int] = [:]
        var pinnedSlotOfE: [IRRef: Int] = [:]
        for p in pairs where pool.count > 2 {
            let r = pool.removeFirst()
            plan.pinned[p.h] = r
            pinnedE[p.e] = r
            pinnedSlotOfE[p.e] = p.slot
        }
        // a pair left without a register: its loop-end value is an ordinary temporary (stored)
        if plan.scratch != nil && !pairs.contains(where: { pinnedE[$0.e] != nil && needsScratch($0) }) {
            pool.append(plan.scratch!)
            plan.scratch = nil
        }
        // linear scan over the root, in emission order (a paired first division is computed
        // where its second division is), for the temporaries
        let order = plan.order.isEmpty ? Array(0..<rootEnd) : plan.order
        var pos = [Int](repeating: -1, count: n)
        for (p, idx) in order.enumerated() { pos[idx] = p }
        for (d2, d1) in plan.packed { pos[Int(d1)] = pos[Int(d2)] }
        var lastRegUse = [Int](repeating: -1, count: n)
        for idx in 0..<rootEnd where inT[idx] {
            for o in operands(idx) where inT[Int(o)] { lastRegUse[Int(o)] = max(lastRegUse[Int(o)], pos[idx]) }
        }
        var free = pool
        for idx in order where inT[idx] {
            let group = plan.packed[IRRef(idx)].map { [Int($0), idx] } ?? [idx]
            for m in group {
                let r = IRRef(m)
                if let reg = pinnedE[r] {
                    plan.reg[r] = reg
                } else {
                    guard !free.isEmpty else { return nil }     // out of registers: no register code at all
                    plan.reg[r] = free.removeFirst()
                }
            }
            var done = Set<IRRef>()
            for m in group {
                for o in operands(m) where inT[Int(o)] && pinnedE[o] == nil && lastRegUse[Int(o)] == pos[idx] && done.insert(o).inserted {
                    free.append(plan.reg[o]!)
                }
            }
            for m in group where lastRegUse[m] < 0 && pinnedE[IRRef(m)] == nil { free.append(plan.reg[IRRef(m)]!) }
        }
        // who reads what outside register code
        var rootCUse = [Bool](repeating: false, count: n)     // root C code or the root's back-edge copies
        var otherUse = [Bool](repeating: false, count: n)     // side branches, snapshots, branch back-edges
        for (idx, i) in ins.enumerated() where !(idx < rootEnd && inT[idx]) {
            for o in [i.a, i.b, i.c] where o >= 0 && Int(o) < n {
                if idx < rootEnd { rootCUse[Int(o)] = true } else { otherUse[Int(o)] = true }
            }
        }
        for snap in trace.snapshots { for (_, r) in snap.slots where r >= 0 && Int(r) < n { otherUse[Int(r)] = true } }
        for (slot, r) in trace.loopEnd where r >= 0 && Int(r) < n && pinnedSlotOfE[r] != slot { rootCUse[Int(r)] = true }
        for b in trace.branches { for (_, r) in b.loopEnd where r >= 0 && Int(r) < n { otherUse[Int(r)] = true } }
        for (r, _) in plan.reg where pinnedE[r] == nil {
            if rootCUse[Int(r)] || otherUse[Int(r)] { plan.store.insert(r) }
        }
        for p in pairs {
            guard let reg = plan.pinned[p.h] else { continue }
            // another root value sharing v<h> (coalesced for a side branch's loop end) is
            // written there in the root: a spill of the register would overwrite it
            if rootCUse[Int(p.h)] || rootCUse[Int(p.e)] || sharesVariable(p.h, except: p.e, rootEnd: rootEnd) {
                plan.store.insert(p.e)
            } else {
                plan.stale.append((p.h, reg))
            }
        }
        for (r, _) in plan.reg {
            for o in operands(Int(r)) where plan.reg[o] == nil && plan.pinned[o] == nil && !ins[Int(o)].op.isConstant {
                plan.memOperands.insert(o)
            }
        }
        plan.stale.sort { $0.h < $1.h }
        return plan
    }

    /// The bytes of an SSE instruction `prefix 0f op` (no prefix when 0) between xmm`reg` and
    /// either the double at the address in rax (rm 0) / rcx (rm 1) / rdx (rm 2), or xmm`rm` when
    /// `regToReg`.
    static func sseBytes(_ prefix: UInt8, _ op: UInt8, _ reg: Int, rm: Int, regToReg: Bool = false) -> String {
        let modrm = (regToReg ? 0xc0 : 0x00) | ((reg & 7) << 3) | (rm & 7)
        let rexBits = (reg >= 8 ? 4 : 0) | (regToReg && rm >= 8 ? 1 : 0)
        var bytes: [UInt8] = prefix == 0 ? [] : [prefix]
        if rexBits != 0 { bytes.append(UInt8(0x40 | rexBits)) }
        bytes += [0x0f, op, UInt8(modrm)]
        return ".byte " + bytes.map { "0x" + String($0, radix: 16) }.joined(separator: ",")
    }

    /// SSE instructions as `__asm__` statements, memory operands addressed through rax, rcx and
    /// rdx (a statement holds up to three; a fourth address starts the next statement).
    struct SSEAsm {
        private static let names = ["a", "c", "d"]
        private var code: [String] = []
        private var addrs: [String] = []
        private var statements = ""

        /// `prefix 0f op` between xmm`reg` and the double at `addr`.
        mutating func mem(_ prefix: UInt8, _ op: UInt8, _ reg: Int, _ addr: String) {
            if addrs.count == SSEAsm.names.count { flush() }
            addrs.append(addr)
            code.append(CEmitter.sseBytes(prefix, op, reg, rm: addrs.count - 1))
        }

        /// `prefix 0f op` between xmm`reg` and xmm`rm`.
        mutating func rr(_ prefix: UInt8, _ op: UInt8, _ reg: Int, _ rm: Int) {
            code.append(CEmitter.sseBytes(prefix, op, reg, rm: rm, regToReg: true))
        }

        private mutating func flush() {
            guard !code.isEmpty else { return }
            let inputs = addrs.enumerated().map { "\"\(SSEAsm.names[$0.offset])\"(\($0.element))" }.joined(separator: ", ")
            statements += "  __asm__ volatile(\"\(code.joined(separator: "; "))\"\(inputs.isEmpty ? "" : " :: " + inputs));\n"
            code = []
            addrs = []
        }

        /// The statements.
        mutating func finish() -> String {
            flush()
            return statements
        }
    }

    /// Machine code for op (0x10 load, 0x11 store) between xmm`reg` and the double at `addr`.
    static func sse(_ op: UInt8, _ reg: Int, _ addr: String) -> String {
        var asm = SSEAsm()
        asm.mem(0xf2, op, reg, addr)
        return asm.finish()
    }

    /// The xmm register holding float value o, if any.
    func xmmReg(_ o: IRRef) -> Int? { regs.pinned[o] ?? regs.reg[o] }

    /// The address register code reads float value o from when it is in no register.
    func xmmAddr(_ o: IRRef) -> String { ir[o].op.isConstant ? "&k\(o)" : "&\(v(o))" }

    /// The end of the prologue: constants, then (at `loopr`, where side branches come back) the
    /// sign mask and the pinned registers.
    /// The callee-saved registers pinned integers use are saved before `loopr` and loaded after it
    /// (CEmitter+IntRegisters.swift).
    var registerPrologue: String {
        guard regs.active || intRegs.active else { return "" }
        var s = ""
        for k in regs.consts { s += "  double k\(k) = \(v(k));\n" }
        s += intRegisterSaves
        if !trace.branches.isEmpty { s += "loopr:\n" }
        s += intRegisterLoads
        if let m = regs.signMask {
            s += "  { int64_t mk = ((int64_t)(-9223372036854775807LL - 1));\n" + CEmitter.sse(0x10, m, "&mk") + "  }\n"
        }
        for (h, reg) in regs.pinned.sorted(by: { $0.key < $1.key }) { s += CEmitter.sse(0x10, reg, "&v\(h)") }
        return s
    }

    /// Stores the pinned registers whose C variable is stale (before leaving the root).
    var spillRegisters: String {
        regs.stale.map { CEmitter.sse(0x11, $0.reg, "&v\($0.h)") }.joined() + intSpill
    }

    /// The code computing register value r (and storing it to its C variable if needed).
    func registerCode(_ r: IRRef) -> String {
        if let first = regs.packed[r] { return packedDivisionCode(first, r) }
        let i = ir[r]
        let d = regs.reg[r]!
        var asm = SSEAsm()
        /// xmm`x` = o
        func load(_ x: Int, _ o: IRRef) {
            if let y = xmmReg(o) {
                if y != x { asm.rr(0x66, 0x28, x, y) }      // movapd
            } else {
                asm.mem(0xf2, 0x10, x, xmmAddr(o))          // movsd load
            }
        }
        /// xmm`x` = xmm`x` op o
        func arith(_ op: UInt8, _ x: Int, _ o: IRRef) {
            if let y = xmmReg(o) { asm.rr(0xf2, op, x, y) } else { asm.mem(0xf2, op, x, xmmAddr(o)) }
        }
        if i.op == .neg {
            load(d, i.a)
            asm.rr(0x66, 0x57, d, regs.signMask!)        // xorpd: flips NaN signs too
        } else {
            let op: UInt8 = i.op == .add ? 0x58 : (i.op == .sub ? 0x5c : (i.op == .mul ? 0x59 : 0x5e))
            if xmmReg(i.b) == d && xmmReg(i.a) != d {
                // d holds the second operand: compute in the scratch register (never d), then move
                let s = regs.scratch!
                load(s, i.a)
                arith(op, s, i.b)
                asm.rr(0x66, 0x28, d, s)                  // movapd
            } else {
                load(d, i.a)
                arith(op, d, i.b)
            }
        }
        if regs.store.contains(r) { asm.mem(0xf2, 0x11, d, "&\(v(r))") }
        return asm.finish()
    }
}
