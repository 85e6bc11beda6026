// Loop-carried integers kept in general-purpose registers.
//
// tcc keeps every C variable in a stack slot, so a numeric for loop's counters (the remaining
// count `v22 = v22 - 1` and the index `v1 = v1 + step`) and a while loop's `x = x + 1` form a
// chain store -> load -> add -> store through memory each iteration (about 8 cycles per link on
// the CPUs we measured once floatsum's float chains were in xmm registers). Here such a chain
// moves into a register: a loop-carried integer header h ("pinned") whose loop-end value e is
// `h + x`, `x + h` or `h - x` (x a constant, another pinned value, or any integer C value) lives
// in its own register; e is computed by an emitted add/sub into the same register (wraparound
// arithmetic, exactly lua's integer + and -).
//
// Registers: rbx, r12, r13, r14, r15. tcc (0.9.27, x86_64) allocates only rax, rcx, rdx, rsi,
// rdi, r8-r11 (and xmm0-7) for expressions and calls and never saves or uses callee-saved
// registers in its own prologue/epilogue (push rbp; mov rsp,rbp; ...; leave; ret). Verified by
// compiling every trace of the test scripts and benchmarks (553 traces, with calls, tables,
// concatenation, libm) to an object with tcc -c and disassembling it: no rbx/r12-r15 (or their
// 32/16/8-bit parts) appear. They are callee-saved in the SysV ABI, so:
// - the trace saves the ones it uses into locals (s<reg>) at entry, after the prologue's
//   `return 0` checks and before anything writes them, and every exit restores them right
//   before its `return` (exits are the only returns after the prologue; side branches and
//   loop-end exits of type-unstable paths leave through exit blocks too);
// - every function a trace calls (lt_jit_tset, lt_jit_tnew, lt_jit_concat, libm, the header's
//   helpers compiled by tcc) preserves them, so pinned integers survive calls: unlike the float
//   registers, roots with calls qualify;
// - a longjmp through the trace (an error raised in a helper) restores them from the jmp_buf,
//   which holds the caller's values.
//
// Invariants (mirroring the float registers of CEmitter+Registers.swift):
// - Only for a type-stable root. h is an SLOAD of integer type coalesced with e (one C
//   variable v<h>); coalescing guarantees h has no reader (code, snapshot, branch, back-edge
//   copy) after e, so the register holds h from the top of the iteration until e, then e.
// - "store" mode (h or e is read by root C code or a root back-edge copy): e's instruction also
//   stores the register to v<h>, so v<h> always equals the register in the root and C code reads
//   it as before; nothing is spilled. Otherwise v<h> is stale in the root and is written from the
//   register (`spill`) before every root guard's jump out of the root (exits, side branches) -
//   unless that would take more than maxIntSpills spills per root copy: tcc emits each guard's
//   spills inline, and in long roots (fannkuch's unrolled reversal, ~120 guards) that code cost
//   more than the one store per iteration store mode pays (measured ~3%); all are stored then.
// - A header whose C variable another root value shares (coalesced for a side branch's loop
//   end) is not pinned.
// - Side branches read and write C variables only; their back-edges go to `loopr`, where the
//   pinned registers are reloaded from the C variables (the saves come before `loopr`).
// - x not in a register is a memory operand ("m": tcc substitutes the variable's frame address,
//   so x's C variable is never fused away); constants that fit in a sign-extended 32-bit
//   immediate are immediates, larger ones are passed in rax. Saves, loads, spills and stores
//   address their C variables the same way ("m" / "=m").
// - Comparisons, conversions and every other use stay C code reading v<h> (store mode).

import CLuaRuntime

extension CEmitter {
    /// Which loop-carried integers live in general-purpose registers (empty when none).
    struct IntRegPlan {
        var pinned: [IRRef: Int] = [:]      // loop-carried header value -> its register
        var endReg: [IRRef: Int] = [:]      // its loop-end value -> the same register
        var headerOfEnd: [IRRef: IRRef] = [:]
        var store = Set<IRRef>()            // loop-end values also stored into v<h>
        var stale: [(h: IRRef, reg: Int)] = []  // pinned headers whose C variable is stale in the root
        var memOperands = Set<IRRef>()      // operands passed by value (kept in a C variable)
        var active: Bool { !pinned.isEmpty }
        /// The registers to save and restore.
        var used: [Int] { pinned.values.sorted() }
    }

    static let gprPool = [3, 12, 13, 14, 15]
    /// At most this many spill statements per root copy (stale registers x root guards), else
    /// every pinned value is in store mode.
    static let maxIntSpills = 8

    static func gprName(_ r: Int) -> String { r == 3 ? "%%rbx" : "%%r\(r)" }

    /// `movq` of register r into C lvalue `dst`.
    static func gprStore(_ r: Int, _ dst: String) -> String {
        "  __asm__ volatile(\"movq \(gprName(r)), %0\" : \"=m\"(\(dst)));\n"
    }

    /// `movq` of C lvalue `src` into register r.
    static func gprLoad(_ r: Int, _ src: String) -> String {
        "  __asm__ volatile(\"movq %0, \(gprName(r))\" :: \"m\"(\(src)));\n"
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    func planIntRegisters() -> IntRegPlan {
        var plan = IntRegPlan()
        guard trace.typeStable else { return plan }
        let ins = trace.ir.ins
        let n = ins.count
        let rootEnd = min(trace.rootEnd, n)
        let it = UInt8(LT_TINT)
        let headerOf = Dictionary(trace.headerSlots.map { ($0.slot, $0.ref) }, uniquingKeysWith: { a, _ in a })
        let pairs = loopCarried(it, rootEnd: rootEnd).filter { slot, h, e in
            let i = ins[Int(e)]
            guard (i.op == .add && (i.a == h || i.b == h)) || (i.op == .sub && i.a == h) else { return false }
            let x = i.a == h ? i.b : i.a
            return x >= 0 && Int(x) < n && ins[Int(x)].type == it && !sharesVariable(h, except: e, rootEnd: rootEnd)
        }.sorted { $0.e < $1.e }
        var pool = CEmitter.gprPool
        for p in pairs where !pool.isEmpty {
            let r = pool.removeFirst()
            plan.pinned[p.h] = r
            plan.endReg[p.e] = r
            plan.headerOfEnd[p.e] = p.h
        }
        guard plan.active else { return plan }
        // operands of the register code not in a register
        for (e, _) in plan.endReg {
            let i = ins[Int(e)]
            let h = plan.headerOfEnd[e]!
            let x = i.a == h ? i.b : i.a
            if plan.pinned[x] != nil || plan.endReg[x] != nil { continue }
            if ins[Int(x)].op == .kint { continue }
            plan.memOperands.insert(x)
        }
        // who reads the pinned values as C variables in the root
        var rootCUse = Set<IRRef>()
        for idx in 0..<rootEnd where plan.endReg[IRRef(idx)] == nil {
            let i = ins[idx]
            for o in [i.a, i.b, i.c] where o >= 0 { rootCUse.insert(o) }
        }
        for (slot, r) in trace.loopEnd where plan.endReg[r] == nil || headerOf[slot] != plan.headerOfEnd[r] {
            rootCUse.insert(r)
        }
        // stale mode saves a store per iteration but puts a spill on every root guard's jump
        // out; with many guards that code (inline in tcc's output) costs more than the stores
        let guards = (0..<rootEnd).filter { ins[$0].snap >= 0 }.count
        var stale: [(h: IRRef, reg: Int)] = []
        for (e, h) in plan.headerOfEnd {
            if rootCUse.contains(h) || rootCUse.contains(e) {
                plan.store.insert(e)
            } else {
                stale.append((h, plan.pinned[h]!))
            }
        }
        if stale.count * guards <= CEmitter.maxIntSpills {
            plan.stale = stale.sorted { $0.h < $1.h }
        } else {
            plan.store = Set(plan.headerOfEnd.keys)     // every pinned value
        }
        return plan
    }

    /// Saves the callee-saved registers the trace uses (once, at entry).
    var intRegisterSaves: String {
        intRegs.used.map { "  int64_t s\($0);\n" + CEmitter.gprStore($0, "s\($0)") }.joined()
    }

    /// Loads the pinned registers from their C variables (at `loopr`).
    var intRegisterLoads: String {
        intRegs.pinned.sorted(by: { $0.key < $1.key }).map { CEmitter.gprLoad($0.value, "v\($0.key)") }.joined()
    }

    /// Restores the saved callee-saved registers (before every return after the prologue).
    var intRegisterRestores: String {
        intRegs.used.map { CEmitter.gprLoad($0, "s\($0)") }.joined()
    }

    /// Stores the pinned registers whose C variable is stale (before leaving the root).
    var intSpill: String {
        intRegs.stale.map { CEmitter.gprStore($0.reg, "v\($0.h)") }.joined()
    }

    /// The code computing pinned loop-end value e in its register (and storing it to v<h>).
    /// C variables are "m" operands: tcc substitutes their frame address (-N(%rbp)).
    func intRegisterCode(_ e: IRRef) -> String {
        let i = ir[e]
        let h = intRegs.headerOfEnd[e]!
        let d = CEmitter.gprName(intRegs.endReg[e]!)
        let x = i.a == h ? i.b : i.a
        let mn = i.op == .add ? "addq" : "subq"
        let store = intRegs.store.contains(e)
        let outputs = store ? "\"=m\"(v\(h))" : ""
        var inputs = ""
        var code: String
        if let xr = intRegs.pinned[x] ?? intRegs.endReg[x] {
            code = "\(mn) \(CEmitter.gprName(xr)), \(d)"
        } else if ir[x].op == .kint && ir[x].k >= Int64(Int32.min) && ir[x].k <= Int64(Int32.max) {
            code = "\(mn) $\(ir[x].k), \(d)"
        } else if ir[x].op == .kint {
            code = "\(mn) %%rax, \(d)"
            inputs = "\"a\"(\(v(x)))"
        } else {
            code = "\(mn) %\(store ? 1 : 0), \(d)"
            inputs = "\"m\"(\(v(x)))"
        }
        if store { code += "; movq \(d), %0" }
        // always extended asm (with the operand colons): tcc reads `%%` as `%` only there
        return "  __asm__ volatile(\"\(code)\" : \(outputs) : \(inputs));\n"
    }
}
