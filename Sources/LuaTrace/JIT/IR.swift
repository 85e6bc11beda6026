// The trace IR: a typed SSA instruction list, declared once.
//
// Each op's raw value is "<operands> <semantics>"; names and the -jdump listing derive from it.
// Operands: A, B, C are references to earlier instructions; K is the 64-bit literal field.
// Every instruction has a result type, which is an LT_T* tag: LT_TINT (int64_t),
// LT_TFLOAT (double), pointer tags (void*), or nil/false/true (no runtime value: known
// constants). Guards ("G" in the description) exit the trace to their snapshot when they fail.
//
// Invariants:
// - Instructions only refer to earlier instructions (SSA in recording order).
// - Constants are interned: one instruction per distinct (op, type, K).
// - SLOAD instructions denote the value a slot has at the loop header; the C emitter loads
//   them once in the prologue (with their type check) and updates them at the loop back-edge.

import CLuaRuntime

enum IROp: String, CaseIterable {
    // constants
    case kint     = "K integer constant K"
    case knum     = "K float constant (bit pattern in K)"
    case kgc      = "K pointer constant K (a GC object kept alive by the trace)"
    case kpri     = "- nil/false/true constant (the type says which)"
    // slots and upvalues
    case sload    = "K G value of slot K at the loop header, type-checked at trace entry"
    case uref     = "A K pointer to upvalue object K of closure A"
    case fproto   = "A prototype of Lua closure A"
    case upeq     = "A K G guard upvalue object A is open on slot K of the trace's frames"
    case uload    = "A G value of upvalue object A (*A->v), type-checked"
    case ustore   = "AB *A->v = B"
    // integer and float arithmetic (type of the result decides int vs float)
    case add      = "AB A + B (integers wrap)"
    case sub      = "AB A - B (integers wrap)"
    case mul      = "AB A * B (integers wrap)"
    case div      = "AB A / B (floats)"
    case idiv     = "AB G floor(A / B); integers: guard B != 0"
    case mod      = "AB G A % B with the sign of B; integers: guard B != 0"
    case pow      = "AB pow(A, B) (floats)"
    case neg      = "A -A"
    case band     = "AB A & B"
    case bor      = "AB A | B"
    case bxor     = "AB A ~ B"
    case shl      = "AB A << B (lua shift: |B| >= 64 gives 0, negative shifts right)"
    case shr      = "AB A >> B (logical)"
    case bnot     = "A ~A"
    case tonum    = "A (double)A"
    case toint    = "A G integer with the exact value of float A (guard: representable)"
    case fmath    = "A K math function K (floor ceil sqrt abs sin cos tan exp log) of float A"
    case fmath2   = "AB K math function K (atan2 fmod) of floats A, B"
    case imin     = "AB min of integers"
    case imax     = "AB max of integers"
    case nmin     = "AB min of floats (lua's order: A if A <= B)"
    case nmax     = "AB max of floats"
    case iabs     = "A |A| for integers (wraps at mininteger)"
    // guards on values (K = 1 negates the comparison, exactly, also for NaN)
    case lt       = "AB G guard A < B (same numeric type)"
    case le       = "AB G guard A <= B"
    case gt       = "AB G guard A > B"
    case ge       = "AB G guard A >= B"
    case eq       = "AB G guard A == B (numbers)"
    case ne       = "AB G guard A ~= B (numbers)"
    case noopen   = "K G guard no open upvalue at or above slot K"
    case peq      = "AB G guard pointers A == B"
    case pne      = "AB G guard pointers A ~= B"
    // tables
    case tmeta    = "A metatable pointer of table A (NULL if none)"
    case asize    = "A array part size of table A"
    case aload    = "AB G A.array[B-1] after guard 1 <= B <= asize; result type-checked"
    case astore   = "ABC guard 1 <= B <= asize; A.array[B-1] = C"
    case hloadk   = "A K G value at node K.index of table A holding string K.key (guard on the node), type-checked"
    case hstorek  = "AB K guard node K.index of A holds string key K.key; its value = B"
    case tget     = "AB G raw A[B] through lt_tab_get helper; result type-checked"
    case tset     = "ABC raw A[B] = C through the runtime (may resize the table)"
    case tnew     = "K new table with K array and K2 hash slots, through the runtime (never collects)"
    case tcat     = "ABC G string A .. B (.. C) of strings/numbers, through the runtime (never collects)"
    case tnext    = "AB K G next(A, B) through the runtime; guard an entry follows (K = 1: guard the end)"
    case nkey     = "G the key TNEXT found, type-checked"
    case nval     = "G the value TNEXT found, type-checked"
    case tsetmeta = "AB G setmetatable(A, B) through the runtime (B: table or nil); guard A's metatable was not protected"
    case gcstep   = "G guard no collection is due (flag set by TNEW): exit so that the interpreter collects"
    case tlen     = "A #A (border, no __len)"
    case slen     = "A #A for a string"
    case sbyte    = "AB G byte B (1-based) of string A, guard in range"
}

extension IROp {
    var name: String { String(describing: self).uppercased() }
    var semantics: Substring { rawValue.drop(while: { $0 != " " }).dropFirst() }
    var isGuard: Bool { semantics.hasPrefix("G ") || rawValue.split(separator: " ").dropFirst().first == "G" }
    var isConstant: Bool { self == .kint || self == .knum || self == .kgc || self == .kpri }
    /// The result depends only on the operands (no memory that stores can change, no guard):
    /// such instructions may be shared (CSE) and evaluated where they are used.
    var isPure: Bool {
        switch self {
        case .add, .sub, .mul, .div, .pow, .neg, .band, .bor, .bxor, .shl, .shr, .bnot, .tonum,
             .fmath, .fmath2, .imin, .imax, .nmin, .nmax, .iabs, .fproto, .uref, .slen,
             .tmeta:                // changed only by TSETMETA, after which the recorder drops its CSE entries
            return true
        default:
            return false
        }
    }
}

typealias IRRef = Int32

/// Result types the recorder emits most (IRIns.type holds an LT_T* tag).
let tInt = UInt8(LT_TINT)
let tNum = UInt8(LT_TFLOAT)
let tNil = UInt8(LT_TNIL)
let tTab = UInt8(LT_TTABLE)
let tStr = UInt8(LT_TSTRING)
let tPtr = UInt8(LT_TLIGHTUD)

struct IRIns {
    var op: IROp
    var type: UInt8          // LT_T* tag of the result
    var a: IRRef = -1
    var b: IRRef = -1
    var c: IRRef = -1
    var k: Int64 = 0
    var k2: Int64 = 0        // second literal (hloadk/hstorek: the key string pointer)
    var snap: Int32 = -1     // guards: snapshot to exit to
}

/// Which math function fmath/fmath2 compute.
enum MathFn: Int64 {
    case floor, ceil, sqrt, abs, sin, cos, tan, exp, log, atan2, fmod, log2, log10, asin, acos, atan

    var cName: String {
        switch self {
        case .floor: return "floor"; case .ceil: return "ceil"; case .sqrt: return "sqrt"
        case .abs: return "fabs"; case .sin: return "sin"; case .cos: return "cos"; case .tan: return "tan"
        case .exp: return "exp"; case .log: return "log"; case .atan2: return "atan2"; case .fmod: return "fmod"
        case .log2: return "log2"; case .log10: return "log10"; case .asin: return "asin"
        case .acos: return "acos"; case .atan: return "atan"
        }
    }
}

/// The IR of one trace under construction, with constant interning.
struct IRBuffer {
    var ins: [IRIns] = []
    private var constIndex: [ConstKey: IRRef] = [:]

    private struct ConstKey: Hashable { let op: UInt8; let type: UInt8; let k: Int64 }

    @discardableResult
    mutating func emit(_ i: IRIns) -> IRRef {
        ins.append(i)
        return IRRef(ins.count - 1)
    }

    mutating func constant(_ op: IROp, _ type: UInt8, _ k: Int64) -> IRRef {
        let key = ConstKey(op: UInt8(IROp.allCases.firstIndex(of: op)!), type: type, k: k)
        if let r = constIndex[key] { return r }
        let r = emit(IRIns(op: op, type: type, k: k))
        constIndex[key] = r
        return r
    }

    /// Drops instructions from `n` on (an aborted side branch), with their constants.
    mutating func truncate(to n: Int) {
        guard n < ins.count else { return }
        ins.removeSubrange(n...)
        constIndex = constIndex.filter { Int($0.value) < n }
    }

    mutating func kint(_ v: Int64) -> IRRef { constant(.kint, UInt8(LT_TINT), v) }
    mutating func knum(_ v: Double) -> IRRef { constant(.knum, UInt8(LT_TFLOAT), Int64(bitPattern: v.bitPattern)) }
    mutating func kgc(_ p: UnsafeMutableRawPointer, type: UInt8) -> IRRef {
        constant(.kgc, type, Int64(Int(bitPattern: p)))
    }
    mutating func kpri(_ type: UInt8) -> IRRef { constant(.kpri, type, 0) }

    subscript(_ r: IRRef) -> IRIns {
        get { ins[Int(r)] }
        set { ins[Int(r)] = newValue }
    }

    func type(_ r: IRRef) -> UInt8 { ins[Int(r)].type }
    func isConst(_ r: IRRef) -> Bool { ins[Int(r)].op.isConstant }

    /// The integer value of a kint, if r is one.
    func intConst(_ r: IRRef) -> Int64? { ins[Int(r)].op == .kint ? ins[Int(r)].k : nil }
    func numConst(_ r: IRRef) -> Double? {
        ins[Int(r)].op == .knum ? Double(bitPattern: UInt64(bitPattern: ins[Int(r)].k)) : nil
    }
}
