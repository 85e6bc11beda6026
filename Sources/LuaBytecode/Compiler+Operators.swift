// Unary and binary operators: constant folding, immediate/constant operand forms,
// comparisons and concatenation.

import LuaSyntax
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Operations that may be constant-folded.
enum FoldOp {
    case add, sub, mul, mod, pow, div, idiv, band, bor, bxor, shl, shr, unm, bnot

    var isBitwise: Bool {
        switch self {
        case .band, .bor, .bxor, .shl, .shr, .bnot: return true
        default: return false
        }
    }

    init?(_ op: BinaryOp) {
        switch op {
        case .add: self = .add
        case .sub: self = .sub
        case .mul: self = .mul
        case .div: self = .div
        case .idiv: self = .idiv
        case .mod: self = .mod
        case .pow: self = .pow
        case .band: self = .band
        case .bor: self = .bor
        case .bxor: self = .bxor
        case .shl: self = .shl
        case .shr: self = .shr
        default: return nil
        }
    }
}

extension Compiler {

    // MARK: Expression trees

    /// A binary expression. Left-nested chains (`a + b + c + ...`) are compiled iteratively,
    /// in the same order as lua's operator-precedence loop, so long chains need no deep
    /// recursion.
    func binaryExpr(_ e: Expr) throws -> ExpDesc {
        var spine: [(op: BinaryOp, rhs: Expr, line: Int)] = []
        var cur = e
        while case .binary(let op, let lhs, let rhs, let l) = cur {
            spine.append((op, rhs, l))
            cur = lhs
        }
        var v = try expr(cur)
        for (op, rhs, l) in spine.reversed() {
            line = l
            try infix(op, &v)
            var v2 = try expr(rhs)
            try posfix(op, &v, &v2, line: l)
        }
        return v
    }

    // MARK: Unary operators

    func prefix(_ op: UnaryOp, _ e: inout ExpDesc, line l: Int) throws {
        try dischargeVars(&e)
        switch op {
        case .neg:
            if constFolding(.unm, &e, .int(0)) { return }
            try codeUnExpVal(.unm, &e, line: l)
        case .bnot:
            if constFolding(.bnot, &e, .int(0)) { return }
            try codeUnExpVal(.bnot, &e, line: l)
        case .len:
            try codeUnExpVal(.len, &e, line: l)
        case .not:
            try codeNot(&e)
        }
    }

    func codeUnExpVal(_ op: Op, _ e: inout ExpDesc, line l: Int) throws {
        let r = try exp2anyreg(&e)
        freeExp(e)
        e.info = codeABC(op, 0, r, 0)
        e.k = .reloc
        fixLine(l)
    }

    func codeNot(_ e: inout ExpDesc) throws {
        switch e.k {
        case .nil_, .false_:
            e.k = .true_
        case .k, .kflt, .kint, .kstr, .true_:
            e.k = .false_
        case .jmp:
            negateCondition(e)
        case .reloc, .nonreloc:
            try discharge2anyreg(&e)
            freeExp(e)
            e.info = codeABC(.not, 0, e.info, 0)
            e.k = .reloc
        default:
            assert(false, "cannot negate this expression")
        }
        swap(&e.f, &e.t)
        removeValues(e.f)
        removeValues(e.t)
    }

    // MARK: Binary operators

    /// Prepares the first operand before the second one is compiled.
    func infix(_ op: BinaryOp, _ v: inout ExpDesc) throws {
        try dischargeVars(&v)
        switch op {
        case .and:
            try goIfTrue(&v)
        case .or:
            try goIfFalse(&v)
        case .concat:
            try exp2nextreg(&v)        // operands must be consecutive on the stack
        case .add, .sub, .mul, .div, .idiv, .mod, .pow, .band, .bor, .bxor, .shl, .shr:
            if !v.isNumeral { try exp2anyreg(&v) }   // numerals may fold or be immediates
        case .eq, .ne:
            if !v.isNumeral { _ = try exp2RK(&v) }
        case .lt, .le, .gt, .ge:
            var isFloat = false
            if isSCNumber(v, &isFloat) == nil { try exp2anyreg(&v) }
        }
    }

    /// Finishes `e1 op e2`; the result is left in e1.
    func posfix(_ op: BinaryOp, _ e1: inout ExpDesc, _ e2: inout ExpDesc, line l: Int) throws {
        try dischargeVars(&e2)
        if let fop = FoldOp(op), constFolding(fop, &e1, e2) { return }
        switch op {
        case .and:
            assert(e1.t == noJump)
            try concatJumps(&e2.f, e1.f)
            e1 = e2
        case .or:
            assert(e1.f == noJump)
            try concatJumps(&e2.t, e1.t)
            e1 = e2
        case .concat:
            try exp2nextreg(&e2)
            try codeConcat(&e1, &e2, line: l)
        case .add, .mul:
            try codeCommutative(op, &e1, &e2, line: l)
        case .sub, .div, .idiv, .mod, .pow:
            // `x - imm` stays SUBK (not ADDI -imm): without MMBINI the VM could not call __sub.
            try codeArith(op, &e1, &e2, flip: false, line: l)
        case .band, .bor, .bxor:
            try codeBitwise(op, &e1, &e2, line: l)
        case .shl:
            if e1.isSCInt {
                swap(&e1, &e2)
                try codeBinI(.shli, &e1, &e2, flip: true, line: l)      // imm << x
            } else {
                // `x << imm` uses registers (not SHRI -imm): the VM must be able to call __shl.
                try codeBinExpVal(.shl, &e1, &e2, line: l)
            }
        case .shr:
            if e2.isSCInt {
                try codeBinI(.shri, &e1, &e2, flip: false, line: l)
            } else {
                try codeBinExpVal(.shr, &e1, &e2, line: l)
            }
        case .eq, .ne:
            try codeEq(op, &e1, &e2)
        case .gt, .ge:
            // (a > b) <=> (b < a); (a >= b) <=> (b <= a)
            swap(&e1, &e2)
            try codeOrder(op == .gt ? .lt : .le, &e1, &e2)
        case .lt, .le:
            try codeOrder(op, &e1, &e2)
        }
    }

    /// Emits `op A B C` with B = e1's register and C = v2; result relocatable.
    private func finishBinExpVal(_ e1: inout ExpDesc, _ e2: inout ExpDesc, _ op: Op, _ v2: Int,
                                 flip: Bool, line l: Int) throws {
        let v1 = try exp2anyreg(&e1)
        let pc = codeABC(op, 0, v1, v2, k: flip)
        freeExps(e1, e2)
        e1.info = pc
        e1.k = .reloc
        e1.t = noJump
        e1.f = noJump
        fixLine(l)
    }

    /// Both operands in registers.
    func codeBinExpVal(_ op: Op, _ e1: inout ExpDesc, _ e2: inout ExpDesc, line l: Int) throws {
        let v2 = try exp2anyreg(&e2)
        try finishBinExpVal(&e1, &e2, op, v2, flip: false, line: l)
    }

    /// Second operand an immediate (sC).
    private func codeBinI(_ op: Op, _ e1: inout ExpDesc, _ e2: inout ExpDesc, flip: Bool, line l: Int) throws {
        assert(e2.k == .kint)
        let v2 = Int(e2.ival) + Inst.offsetSC
        try finishBinExpVal(&e1, &e2, op, v2, flip: flip, line: l)
    }

    /// Second operand a numeric constant in K (e2 already a K expression).
    private func codeBinK(_ op: BinaryOp, _ e1: inout ExpDesc, _ e2: inout ExpDesc, flip: Bool, line l: Int) throws {
        let kop: Op
        switch op {
        case .add: kop = .addk
        case .sub: kop = .subk
        case .mul: kop = .mulk
        case .mod: kop = .modk
        case .pow: kop = .powk
        case .div: kop = .divk
        case .idiv: kop = .idivk
        case .band: kop = .bandk
        case .bor: kop = .bork
        case .bxor: kop = .bxork
        default: fatalError("no K form for \(op)")
        }
        try finishBinExpVal(&e1, &e2, kop, e2.info, flip: flip, line: l)
    }

    private func registerOp(_ op: BinaryOp) -> Op {
        switch op {
        case .add: return .add
        case .sub: return .sub
        case .mul: return .mul
        case .div: return .div
        case .idiv: return .idiv
        case .mod: return .mod
        case .pow: return .pow
        case .band: return .band
        case .bor: return .bor
        case .bxor: return .bxor
        case .shl: return .shl
        case .shr: return .shr
        default: fatalError("not an arithmetic operator")
        }
    }

    /// Arithmetic with a possible numeric K operand on the right.
    private func codeArith(_ op: BinaryOp, _ e1: inout ExpDesc, _ e2: inout ExpDesc, flip: Bool, line l: Int) throws {
        if e2.isNumeral && exp2K(&e2) {
            try codeBinK(op, &e1, &e2, flip: flip, line: l)
        } else {
            if flip { swap(&e1, &e2) }       // back to the source order
            try codeBinExpVal(registerOp(op), &e1, &e2, line: l)
        }
    }

    /// + and *: a numeral on the left is swapped to the right (flip), ADDI for small integers.
    private func codeCommutative(_ op: BinaryOp, _ e1: inout ExpDesc, _ e2: inout ExpDesc, line l: Int) throws {
        var flip = false
        if e1.isNumeral {
            swap(&e1, &e2)
            flip = true
        }
        if op == .add && e2.isSCInt {
            try codeBinI(.addi, &e1, &e2, flip: flip, line: l)
        } else {
            try codeArith(op, &e1, &e2, flip: flip, line: l)
        }
    }

    /// & | ~: integer constants go to K (either side; k = flipped when it was on the left).
    private func codeBitwise(_ op: BinaryOp, _ e1: inout ExpDesc, _ e2: inout ExpDesc, line l: Int) throws {
        var flip = false
        if e1.k == .kint {
            swap(&e1, &e2)
            flip = true
        }
        if e2.k == .kint && exp2K(&e2) {
            try codeBinK(op, &e1, &e2, flip: flip, line: l)
        } else {
            if flip { swap(&e1, &e2) }
            try codeBinExpVal(registerOp(op), &e1, &e2, line: l)
        }
    }

    /// If `e` is a numeral with an integral value fitting sB/sC, returns the encoded operand
    /// (excess-127) and sets isFloat when the literal was a float.
    func isSCNumber(_ e: ExpDesc, _ isFloat: inout Bool) -> Int? {
        if e.hasJumps { return nil }
        let i: Int64
        var flt = false
        if e.k == .kint {
            i = e.ival
        } else if e.k == .kflt, let x = exactInt(e.nval) {
            i = x
            flt = true
        } else {
            return nil
        }
        guard fitsSC(i) else { return nil }
        isFloat = flt
        return Int(i) + Inst.offsetSC
    }

    /// == and ~=: EQI for small numerals, EQK for other constants, EQ otherwise.
    private func codeEq(_ opr: BinaryOp, _ e1: inout ExpDesc, _ e2: inout ExpDesc) throws {
        if e1.k != .nonreloc {
            // e1 is a constant (K or numeral): put the other operand first
            swap(&e1, &e2)
        }
        let r1 = try exp2anyreg(&e1)
        var isFloat = false
        let op: Op
        let r2: Int
        if let im = isSCNumber(e2, &isFloat) {
            op = .eqi
            r2 = im
        } else if try exp2RK(&e2) {
            op = .eqk
            r2 = e2.info
        } else {
            op = .eq
            r2 = try exp2anyreg(&e2)
        }
        freeExps(e1, e2)
        e1.info = condJump(op, r1, r2, isFloat ? 1 : 0, k: opr == .eq)
        e1.k = .jmp
        e1.t = noJump
        e1.f = noJump
    }

    /// < and <= (> and >= arrive swapped): immediate forms LTI/LEI, or GTI/GEI when the
    /// numeral is on the left.
    private func codeOrder(_ opr: BinaryOp, _ e1: inout ExpDesc, _ e2: inout ExpDesc) throws {
        let isLT = opr == .lt
        var isFloat = false
        let op: Op
        let r1: Int
        let r2: Int
        if let im = isSCNumber(e2, &isFloat) {
            r1 = try exp2anyreg(&e1)
            r2 = im
            op = isLT ? .lti : .lei
        } else if let im = isSCNumber(e1, &isFloat) {
            r1 = try exp2anyreg(&e2)
            r2 = im
            op = isLT ? .gti : .gei
        } else {
            r1 = try exp2anyreg(&e1)
            r2 = try exp2anyreg(&e2)
            op = isLT ? .lt : .le
        }
        freeExps(e1, e2)
        e1.info = condJump(op, r1, r2, isFloat ? 1 : 0, k: true)
        e1.k = .jmp
        e1.t = noJump
        e1.f = noJump
    }

    /// e1 .. e2 (both already in consecutive registers); merges with a CONCAT that e2 produced.
    private func codeConcat(_ e1: inout ExpDesc, _ e2: inout ExpDesc, line l: Int) throws {
        if let ie2 = previousInstruction(), ie2.op == .concat {
            let n = ie2.b
            assert(e1.info + 1 == ie2.a)
            freeExp(e2)
            setInstruction(at: fs.pc - 1, ie2.with(a: e1.info).with(b: n + 1))
        } else {
            codeABC(.concat, e1.info, 2, 0)
            freeExp(e2)
            fixLine(l)
        }
    }

    // MARK: Constant folding

    /// Folds `e1 op e2` when both are numerals and the operation is safe to do at compile time
    /// (no division by zero, no NaN or zero float result, exact integers for bitwise ops).
    func constFolding(_ op: FoldOp, _ e1: inout ExpDesc, _ e2: ExpDesc) -> Bool {
        guard let v1 = e1.numeral, let v2 = e2.numeral, validOp(op, v1, v2),
              let res = rawArith(op, v1, v2) else { return false }
        switch res {
        case .int(let i):
            e1.k = .kint
            e1.ival = i
        case .float(let n):
            if n.isNaN || n == 0 { return false }
            e1.k = .kflt
            e1.nval = n
        default:
            return false
        }
        return true
    }

    private func validOp(_ op: FoldOp, _ v1: Constant, _ v2: Constant) -> Bool {
        if op.isBitwise {
            return toInteger(v1) != nil && toInteger(v2) != nil
        }
        switch op {
        case .div, .idiv, .mod:
            return toNumber(v2) != 0
        default:
            return true
        }
    }
}

// MARK: - Lua arithmetic on constants (luaO_rawarith)

func toInteger(_ v: Constant) -> Int64? {
    switch v {
    case .int(let i): return i
    case .float(let d): return exactInt(d)
    default: return nil
    }
}

func toNumber(_ v: Constant) -> Double {
    switch v {
    case .int(let i): return Double(i)
    case .float(let d): return d
    default: return .nan
    }
}

func rawArith(_ op: FoldOp, _ v1: Constant, _ v2: Constant) -> Constant? {
    switch op {
    case .band, .bor, .bxor, .shl, .shr, .bnot:
        guard let i1 = toInteger(v1), let i2 = toInteger(v2) else { return nil }
        return .int(intArith(op, i1, i2))
    case .div, .pow:
        return .float(floatArith(op, toNumber(v1), toNumber(v2)))
    default:
        if case .int(let i1) = v1, case .int(let i2) = v2 {
            return .int(intArith(op, i1, i2))
        }
        return .float(floatArith(op, toNumber(v1), toNumber(v2)))
    }
}

func shiftLeft(_ x: Int64, _ y: Int64) -> Int64 {
    if y < 0 {
        if y <= -64 { return 0 }
        return Int64(bitPattern: UInt64(bitPattern: x) >> UInt64(-y))
    }
    if y >= 64 { return 0 }
    return Int64(bitPattern: UInt64(bitPattern: x) << UInt64(y))
}

func intArith(_ op: FoldOp, _ a: Int64, _ b: Int64) -> Int64 {
    switch op {
    case .add: return a &+ b
    case .sub: return a &- b
    case .mul: return a &* b
    case .mod:
        if b == 0 || b == -1 { return 0 }     // b == 0 never folded
        let r = a % b
        return (r != 0 && (r ^ b) < 0) ? r + b : r
    case .idiv:
        if b == 0 || b == -1 { return 0 &- a }
        var q = a / b
        if (a ^ b) < 0 && a % b != 0 { q -= 1 }
        return q
    case .band: return a & b
    case .bor: return a | b
    case .bxor: return a ^ b
    case .shl: return shiftLeft(a, b)
    case .shr: return shiftLeft(a, 0 &- b)
    case .unm: return 0 &- a
    case .bnot: return ~a
    case .pow, .div: fatalError("float operation")
    }
}

func floatArith(_ op: FoldOp, _ a: Double, _ b: Double) -> Double {
    switch op {
    case .add: return a + b
    case .sub: return a - b
    case .mul: return a * b
    case .div: return a / b
    case .pow: return b == 2 ? a * a : pow(a, b)
    case .idiv: return (a / b).rounded(.down)
    case .unm: return -a
    case .mod:
        var m = fmod(a, b)
        if (m > 0) ? b < 0 : (m < 0 && b > 0) { m += b }   // signs differ: floor, not trunc
        return m
    default: fatalError("integer operation")
    }
}
