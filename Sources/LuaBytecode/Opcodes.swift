// The bytecode instruction set, declared once.
//
// Each case's raw value is "<format> <semantics>"; names, the disassembler and the format table
// are all derived from this one list. The encoding is 32 bits, Lua 5.4 style:
//
//   iABC   op:7 | A:8 | k:1 | B:8 | C:8        (bits 0-6 op, 7-14 A, 15 k, 16-23 B, 24-31 C)
//   iABx   op:7 | A:8 | Bx:17                  (Bx unsigned)
//   iAsBx  op:7 | A:8 | sBx:17                 (sBx = Bx - 65535)
//   iAx    op:7 | Ax:25
//   isJ    op:7 | sJ:25                        (sJ = raw - 16777215)
//
// Signed 8-bit operands (sB, sC) are stored excess-127: sC = C - 127.
// Notation: R[x] register x of the current frame, K[x] constant x, U[x] upvalue x,
// RK(C) = k ? K[C] : R[C]. Conditional tests skip the next instruction (always a JMP) when the
// condition does NOT hold, exactly as in Lua 5.4: `if (cond ~= k) then pc++`.
//
// Arithmetic ops with an immediate or constant operand (ADDI, ADDK, ..., SHRI, SHLI) carry the
// "flip" flag in k: when set, the source expression had the constant on the LEFT, so a
// metamethod fallback must receive the operands in swapped order. There are no MMBIN ops: every
// arithmetic op falls back to metamethods itself.
//
// Loop back-edges are FORLOOP, TFORLOOP and backward JMPs; the JIT counts hotness there.

package enum OpFormat: UInt8, Sendable {
    case iABC, iABx, iAsBx, iAx, isJ
}

@usableFromInline
package enum Op: String, CaseIterable, Sendable {
    case move       = "iABC R[A] := R[B]"
    case loadi      = "iAsBx R[A] := sBx (integer)"
    case loadf      = "iAsBx R[A] := (float)sBx"
    case loadk      = "iABx R[A] := K[Bx]"
    case loadkx     = "iABx R[A] := K[extra arg] (next instruction is EXTRAARG)"
    case loadfalse  = "iABC R[A] := false"
    case lfalseskip = "iABC R[A] := false; pc++"
    case loadtrue   = "iABC R[A] := true"
    case loadnil    = "iABC R[A], R[A+1], ..., R[A+B] := nil"
    case getupval   = "iABC R[A] := U[B]"
    case setupval   = "iABC U[B] := R[A]"

    case gettabup   = "iABC R[A] := U[B][K[C]] (K[C] a string)"
    case gettable   = "iABC R[A] := R[B][R[C]]"
    case geti       = "iABC R[A] := R[B][C] (C an integer 0..255)"
    case getfield   = "iABC R[A] := R[B][K[C]] (K[C] a string)"
    case settabup   = "iABC U[A][K[B]] := RK(C) (K[B] a string)"
    case settable   = "iABC R[A][R[B]] := RK(C)"
    case seti       = "iABC R[A][B] := RK(C) (B an integer 0..255)"
    case setfield   = "iABC R[A][K[B]] := RK(C) (K[B] a string)"
    case newtable   = "iABC R[A] := {} (B: 0 or log2(hash size)+1; array size = C + 256 * EXTRAARG.Ax; EXTRAARG always follows)"
    case `self`     = "iABC R[A+1] := R[B]; R[A] := R[B][RK(C)] (RK(C) a string)"

    case addi       = "iABC R[A] := R[B] + sC (k: flipped)"
    case addk       = "iABC R[A] := R[B] + K[C] (K[C] a number; k: flipped)"
    case subk       = "iABC R[A] := R[B] - K[C] (K[C] a number)"
    case mulk       = "iABC R[A] := R[B] * K[C] (K[C] a number; k: flipped)"
    case modk       = "iABC R[A] := R[B] % K[C] (K[C] a number)"
    case powk       = "iABC R[A] := R[B] ^ K[C] (K[C] a number)"
    case divk       = "iABC R[A] := R[B] / K[C] (K[C] a number)"
    case idivk      = "iABC R[A] := R[B] // K[C] (K[C] a number)"
    case bandk      = "iABC R[A] := R[B] & K[C] (K[C] an integer; k: flipped)"
    case bork       = "iABC R[A] := R[B] | K[C] (K[C] an integer; k: flipped)"
    case bxork      = "iABC R[A] := R[B] ~ K[C] (K[C] an integer; k: flipped)"
    case shri       = "iABC R[A] := R[B] >> sC"
    case shli       = "iABC R[A] := sC << R[B] (the immediate is the LEFT operand; always flipped)"

    case add        = "iABC R[A] := R[B] + R[C]"
    case sub        = "iABC R[A] := R[B] - R[C]"
    case mul        = "iABC R[A] := R[B] * R[C]"
    case mod        = "iABC R[A] := R[B] % R[C]"
    case pow        = "iABC R[A] := R[B] ^ R[C]"
    case div        = "iABC R[A] := R[B] / R[C]"
    case idiv       = "iABC R[A] := R[B] // R[C]"
    case band       = "iABC R[A] := R[B] & R[C]"
    case bor        = "iABC R[A] := R[B] | R[C]"
    case bxor       = "iABC R[A] := R[B] ~ R[C]"
    case shl        = "iABC R[A] := R[B] << R[C]"
    case shr        = "iABC R[A] := R[B] >> R[C]"

    case unm        = "iABC R[A] := -R[B]"
    case bnot       = "iABC R[A] := ~R[B]"
    case not        = "iABC R[A] := not R[B]"
    case len        = "iABC R[A] := #R[B] (length operator)"
    case concat     = "iABC R[A] := R[A] .. ... .. R[A+B-1]"

    case close      = "iABC close all upvalues and to-be-closed variables >= R[A]"
    case tbc        = "iABC mark R[A] as to-be-closed"
    case jmp        = "isJ pc += sJ"
    case eq         = "iABC if ((R[A] == R[B]) ~= k) then pc++"
    case lt         = "iABC if ((R[A] <  R[B]) ~= k) then pc++"
    case le         = "iABC if ((R[A] <= R[B]) ~= k) then pc++"
    case eqk        = "iABC if ((R[A] == K[B]) ~= k) then pc++"
    case eqi        = "iABC if ((R[A] == sB) ~= k) then pc++ (C: 1 if the literal was a float)"
    case lti        = "iABC if ((R[A] < sB) ~= k) then pc++ (C: 1 if the literal was a float)"
    case lei        = "iABC if ((R[A] <= sB) ~= k) then pc++ (C: 1 if the literal was a float)"
    case gti        = "iABC if ((R[A] > sB) ~= k) then pc++ (C: 1 if the literal was a float)"
    case gei        = "iABC if ((R[A] >= sB) ~= k) then pc++ (C: 1 if the literal was a float)"
    case test       = "iABC if (not R[A] == k) then pc++"
    case testset    = "iABC if (not R[B] == k) then pc++ else R[A] := R[B]"

    case call       = "iABC R[A], ..., R[A+C-2] := R[A](R[A+1], ..., R[A+B-1]) (B=0: args to top; C=0: keep all results, set top)"
    case tailcall   = "iABC return R[A](R[A+1], ..., R[A+B-1]) (B=0: args to top; k: close upvalues first)"
    case `return`   = "iABC return R[A], ..., R[A+B-2] (B=0: to top; k: close upvalues/tbc first; C>0: vararg function, C-1 fixed params)"
    case return0    = "iABC return"
    case return1    = "iABC return R[A]"

    case forloop    = "iABx update counters; if loop continues then pc -= Bx (back-edge)"
    case forprep    = "iABx check values and prepare counters; if not to run then pc += Bx + 1"
    case tforprep   = "iABx create upvalue for R[A + 3]; pc += Bx"
    case tforcall   = "iABC R[A+4], ..., R[A+3+C] := R[A](R[A+1], R[A+2])"
    case tforloop   = "iABx if R[A+4] ~= nil then { R[A+2] := R[A+4]; pc -= Bx } (back-edge)"

    case setlist    = "iABC R[A][C+i] := R[A+i], 1 <= i <= B (B=0: to top; if k, EXTRAARG holds C's high part)"
    case closure    = "iABx R[A] := closure(KPROTO[Bx])"
    case vararg     = "iABC R[A], R[A+1], ..., R[A+C-2] = vararg (C=0: all, set top)"
    case varargprep = "iABC adjust vararg parameters (A: number of fixed parameters)"
    case extraarg   = "iAx extra (larger) argument for the previous opcode"

    // Installed by the JIT in place of a loop's back-edge once a trace exists for the loop.
    case jforloop   = "iABx FORLOOP whose loop has a compiled trace: when the loop continues, run the trace"
    case jloop      = "isJ backward JMP whose loop has a compiled trace: pc += sJ, then run the trace"
    case jtforloop  = "iABx TFORLOOP whose loop has a compiled trace: when the loop continues, run the trace"

    /// Opcode number (the case index). Enum cases without payload are stored as their index.
    @inlinable @inline(__always) package var number: UInt8 { unsafeBitCast(self, to: UInt8.self) }

    @inlinable @inline(__always) package static func from(_ n: UInt32) -> Op {
        unsafeBitCast(UInt8(truncatingIfNeeded: n & 0x7F), to: Op.self)
    }

    /// Upper-case mnemonic, e.g. "GETTABUP".
    package var name: String { String(describing: self).uppercased() }

    package var format: OpFormat {
        let f = rawValue.prefix(while: { $0 != " " })
        switch f {
        case "iABC": return .iABC
        case "iABx": return .iABx
        case "iAsBx": return .iAsBx
        case "iAx": return .iAx
        default: return .isJ
        }
    }

    /// The one-line semantics.
    package var semantics: Substring { rawValue.drop(while: { $0 != " " }).dropFirst() }

    /// True for instructions that test a condition and skip the following JMP.
    package var isTest: Bool {
        switch self {
        case .eq, .lt, .le, .eqk, .eqi, .lti, .lei, .gti, .gei, .test, .testset: return true
        default: return false
        }
    }
}

// MARK: - Encoding

@usableFromInline
package typealias Instruction = UInt32

@usableFromInline
package enum Inst {
    @usableFromInline package static let maxA = 255
    @usableFromInline package static let maxB = 255
    @usableFromInline package static let maxC = 255
    @usableFromInline package static let maxBx = (1 << 17) - 1
    @usableFromInline package static let offsetSBx = maxBx >> 1           // 65535
    @usableFromInline package static let maxAx = (1 << 25) - 1
    @usableFromInline package static let offsetSJ = maxAx >> 1            // 16777215
    @usableFromInline package static let offsetSC = 127                   // sB / sC are excess-127

    @inlinable package static func abc(_ op: Op, _ a: Int, _ b: Int, _ c: Int, k: Bool = false) -> Instruction {
        UInt32(op.number) | UInt32(a) << 7 | (k ? 1 << 15 : 0) | UInt32(b) << 16 | UInt32(c) << 24
    }
    @inlinable package static func abx(_ op: Op, _ a: Int, _ bx: Int) -> Instruction {
        UInt32(op.number) | UInt32(a) << 7 | UInt32(bx) << 15
    }
    @inlinable package static func asbx(_ op: Op, _ a: Int, _ sbx: Int) -> Instruction {
        abx(op, a, sbx + offsetSBx)
    }
    @inlinable package static func ax(_ op: Op, _ ax: Int) -> Instruction {
        UInt32(op.number) | UInt32(ax) << 7
    }
    @inlinable package static func sj(_ op: Op, _ sj: Int) -> Instruction {
        UInt32(op.number) | UInt32(sj + offsetSJ) << 7
    }
}

extension Instruction {
    @inlinable @inline(__always) package var op: Op { Op.from(self) }
    @inlinable @inline(__always) package var a: Int { Int((self >> 7) & 0xFF) }
    @inlinable @inline(__always) package var k: Bool { (self >> 15) & 1 != 0 }
    @inlinable @inline(__always) package var b: Int { Int((self >> 16) & 0xFF) }
    @inlinable @inline(__always) package var c: Int { Int(self >> 24) }
    @inlinable @inline(__always) package var sB: Int { b - Inst.offsetSC }
    @inlinable @inline(__always) package var sC: Int { c - Inst.offsetSC }
    @inlinable @inline(__always) package var bx: Int { Int(self >> 15) }
    @inlinable @inline(__always) package var sBx: Int { bx - Inst.offsetSBx }
    @inlinable @inline(__always) package var ax: Int { Int(self >> 7) }
    @inlinable @inline(__always) package var sJ: Int { Int(self >> 7) - Inst.offsetSJ }

    /// Returns this instruction with field A / B / C / Bx / sJ replaced (used when patching jumps).
    package func with(a: Int) -> Instruction { (self & ~(0xFF << 7)) | UInt32(a) << 7 }
    package func with(b: Int) -> Instruction { (self & ~(0xFF << 16)) | UInt32(b) << 16 }
    package func with(c: Int) -> Instruction { (self & ~(0xFF << 24)) | UInt32(c) << 24 }
    package func with(k: Bool) -> Instruction { (self & ~(1 << 15)) | (k ? 1 << 15 : 0) }
    package func with(bx: Int) -> Instruction { (self & 0x7FFF) | UInt32(bx) << 15 }
    package func with(sJ: Int) -> Instruction { (self & 0x7F) | UInt32(sJ + Inst.offsetSJ) << 7 }
}
