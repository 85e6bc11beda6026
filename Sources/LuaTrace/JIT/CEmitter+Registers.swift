// Loop-carried floats kept in SSE registers across iterations ("pinning").
//
// tcc keeps every C variable in a stack slot, so a loop-carried float updated each iteration
// (`acc = acc + x`, `sign = -sign`) forms a store -> load -> op -> store chain through memory
// that costs about 10 cycles per iteration on the CPUs we measured (store-to-load forwarding of
// xmm values is slow; integer values are cheap there thanks to memory renaming, so integers are
// not pinned: the experiments showed no gain). Pinning moves the chain into a register.
//
// Invariants:
// - Pinning is only done for a single-path (no side branches), type-stable trace whose body
//   calls nothing that could clobber xmm6-15 (libm functions, lt_jit_tset; the header's static
//   inline helpers are compiled by tcc, which only uses xmm0-5 for the statements we emit).
// - A pinned header value h is coalesced with its loop-end value e (one C variable v<h>), and e
//   is `h op x` (op = + - * /), `x op h` (op = + *, which commute exactly in IEEE arithmetic) or
//   `-h`. The register holds h from the top of the iteration until e is computed, then e.
// - "store" mode (h or e has another reader in the loop body): the register is also stored
//   into v<h> right after each update, so v<h> always holds the same value as the register and
//   C code (other instructions, fused expressions, exits) reads it as usual; the store is off
//   the loop-carried chain. Otherwise v<h> is stale inside the loop and is written from the
//   register at every exit (spillPinned) before the exit reads it.
// - Registers: xmm7, xmm6, xmm8..xmm15 (tcc never allocates xmm8-15 and only uses xmm6/7 when
//   explicitly needed, which the statements we emit never do). When a negation is pinned,
//   xmm15 holds the sign mask (0x8000000000000000) instead, loaded in the prologue.
// - SSE instructions are emitted as bytes (tcc's assembler lacks SSE mnemonics); memory
//   operands are addressed through rax ("a" input) and rcx ("c" input).

import CLuaRuntime

extension CEmitter {
    /// How a pinned loop-end value is computed in its header's register.
    struct PinnedUpdate {
        let acc: IRRef      // the pinned header value
        let other: IRRef    // the other operand (-1: negation)
        let op: UInt8       // SSE opcode byte: 0x58 add, 0x5c sub, 0x59 mul, 0x5e div, 0x57 xorpd (negation)
        let store: Bool     // also store the register into the C variable after each update
    }

    static let callingOps: Set<IROp> = [.fmath, .fmath2, .pow, .tset, .mod, .idiv]

    mutating func computePinning() {
        guard trace.branches.isEmpty, trace.typeStable else { return }
        let ins = trace.ir.ins
        if ins.contains(where: { CEmitter.callingOps.contains($0.op) && ($0.type == UInt8(LT_TFLOAT) || $0.op == .tset
                                                                          || $0.op == .fmath || $0.op == .fmath2 || $0.op == .pow) }) {
            return
        }
        var uses = [Int](repeating: 0, count: ins.count)
        for i in ins {
            for r in [i.a, i.b, i.c] where r >= 0 { uses[Int(r)] += 1 }
        }
        let headerOf = Dictionary(trace.headerSlots.map { ($0.slot, $0.ref) }, uniquingKeysWith: { a, _ in a })
        var found: [(h: IRRef, e: IRRef, update: PinnedUpdate)] = []
        for (slot, e) in trace.loopEnd where coalesced.contains(PathSlot(path: 0, slot: slot)) {
            guard let h = headerOf[slot], h != e else { continue }
            let ei = ins[Int(e)]
            guard ei.type == UInt8(LT_TFLOAT), ins[Int(h)].type == UInt8(LT_TFLOAT), ins[Int(h)].op == .sload else { continue }
            let store = uses[Int(h)] > 1 || uses[Int(e)] > 0
            switch ei.op {
            case .add, .sub, .mul, .div:
                let other: IRRef
                if ei.a == h && ei.b != h {
                    other = ei.b
                } else if ei.b == h && ei.a != h && (ei.op == .add || ei.op == .mul) {
                    other = ei.a        // + and * commute exactly in IEEE arithmetic
                } else {
                    continue
                }
                let op: UInt8 = ei.op == .add ? 0x58 : (ei.op == .sub ? 0x5c : (ei.op == .mul ? 0x59 : 0x5e))
                found.append((h, e, PinnedUpdate(acc: h, other: other, op: op, store: store)))
            case .neg where ei.a == h:
                found.append((h, e, PinnedUpdate(acc: h, other: -1, op: 0x57, store: store)))
            default:
                continue
            }
        }
        var regs = [7, 6, 8, 9, 10, 11, 12, 13, 14, 15]
        if found.contains(where: { $0.update.other < 0 }) {
            signMaskReg = regs.removeLast()
        }
        for f in found where !regs.isEmpty {
            // a negation needs the mask register: it was reserved above
            pinned[f.h] = regs.removeFirst()
            pinnedUpdate[f.e] = f.update
        }
    }

    /// The bytes of an SSE instruction `prefix 0f op` between xmm`reg` and either the double
    /// at the address in rax (rm 0) / rcx (rm 1), or xmm`rm` when `regToReg`.
    static func sseBytes(_ prefix: UInt8, _ op: UInt8, _ reg: Int, rm: Int, regToReg: Bool = false) -> String {
        let modrm = (regToReg ? 0xc0 : 0x00) | ((reg & 7) << 3) | (rm & 7)
        let rexBits = (reg >= 8 ? 4 : 0) | (regToReg && rm >= 8 ? 1 : 0)
        var bytes: [UInt8] = [prefix]
        if rexBits != 0 { bytes.append(UInt8(0x40 | rexBits)) }
        bytes += [0x0f, op, UInt8(modrm)]
        return ".byte " + bytes.map { "0x" + String($0, radix: 16) }.joined(separator: ",")
    }

    /// Machine code for op (0x10 load, 0x58 add, 0x11 store, ...) between xmm`reg` and the
    /// double at `addr` (passed in rax).
    static func sse(_ op: UInt8, _ reg: Int, _ addr: String) -> String {
        "  __asm__ volatile(\"\(sseBytes(0xf2, op, reg, rm: 0))\" :: \"a\"(\(addr)));\n"
    }

    /// Loads the pinned registers (and the sign mask) at the end of the prologue.
    var pinnedPrologue: String {
        var s = ""
        if let m = signMaskReg {
            s += "  { int64_t mk = ((int64_t)(-9223372036854775807LL - 1));\n" + CEmitter.sse(0x10, m, "&mk") + "  }\n"
        }
        for (h, reg) in pinned.sorted(by: { $0.key < $1.key }) { s += CEmitter.sse(0x10, reg, "&v\(h)") }
        // constant operands live in locals set once (the asm needs an address)
        for k in Set(pinnedUpdate.values.map { $0.other }.filter { $0 >= 0 && ir[$0].op.isConstant }).sorted() {
            s += "  double k\(k) = \(v(k));\n"
        }
        return s
    }

    /// Stores the pinned registers whose C variable is stale back to it (before exits).
    var spillPinned: String {
        let stale = Set(pinnedUpdate.values.filter { !$0.store }.map { $0.acc })
        return pinned.sorted(by: { $0.key < $1.key }).filter { stale.contains($0.key) }
            .map { CEmitter.sse(0x11, $0.value, "&v\($0.key)") }.joined()
    }

    /// The C code of pinned loop-end value r: the update in the register, then (store mode)
    /// the store into the header's C variable.
    func pinnedUpdateCode(_ r: IRRef) -> String {
        let p = pinnedUpdate[r]!
        let reg = pinned[p.acc]!
        let storeBytes = p.store ? "; " + CEmitter.sseBytes(0xf2, 0x11, reg, rm: 1) : ""
        let storeInput = p.store ? ", \"c\"(&v\(p.acc))" : ""
        if p.other < 0 {
            let xor = CEmitter.sseBytes(0x66, 0x57, reg, rm: signMaskReg!, regToReg: true)
            let inputs = p.store ? " :: \"c\"(&v\(p.acc))" : ""
            return "  __asm__ volatile(\"\(xor)\(storeBytes)\"\(inputs));\n"
        }
        let opBytes = CEmitter.sseBytes(0xf2, p.op, reg, rm: 0)
        let addr = ir[p.other].op.isConstant ? "&k\(p.other)" : "&\(v(p.other))"
        return "  __asm__ volatile(\"\(opBytes)\(storeBytes)\" :: \"a\"(\(addr))\(storeInput));\n"
    }
}
