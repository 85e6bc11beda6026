// Expression descriptors: an expression is compiled lazily into an ExpDesc that says where
// its value is (or how to get it), and is "discharged" into a register only when needed.

import LuaSyntax
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum ExpKind: Equatable {
    case void         // no value (empty expression list)
    case nil_
    case true_
    case false_
    case k            // info = index in K
    case kflt         // nval
    case kint         // ival
    case kstr         // strval
    case jmp          // a test; info = pc of its JMP
    case local        // ridx = register, vidx = function-relative variable index
    case upval        // info = upvalue index
    case const_       // compile-time constant; info = absolute index in Compiler.actvar
    case indexed      // R[indT][R[indIdx]]
    case indexUp      // U[indT][K[indIdx]] (K a string)
    case indexI       // R[indT][indIdx] (integer 0..255)
    case indexStr     // R[indT][K[indIdx]] (K a short string)
    case nonreloc     // value in register info
    case reloc        // instruction at info can put its result in any register (A unset)
    case call         // CALL at info
    case vararg       // VARARG at info
}

struct ExpDesc {
    var k: ExpKind
    var info = 0
    var ival: Int64 = 0
    var nval: Double = 0
    var strval: LuaBytes = []
    var indT = 0
    var indIdx = 0
    var ridx = 0
    var vidx = 0
    var t = noJump                  // patch list of "exit when true"
    var f = noJump                  // patch list of "exit when false"
    var line = 0                    // line for the access instruction emitted on discharge

    init(_ k: ExpKind, info: Int = 0) { self.k = k; self.info = info }

    var hasJumps: Bool { t != f }
    var hasMultRet: Bool { k == .call || k == .vararg }
    var isVar: Bool {
        switch k {
        case .local, .upval, .const_, .indexed, .indexUp, .indexI, .indexStr: return true
        default: return false
        }
    }
    var isIndexed: Bool {
        switch k {
        case .indexed, .indexUp, .indexI, .indexStr: return true
        default: return false
        }
    }
    /// The numeric value of a numeral without jumps.
    var numeral: Constant? {
        if hasJumps { return nil }
        switch k {
        case .kint: return .int(ival)
        case .kflt: return .float(nval)
        default: return nil
        }
    }
    var isNumeral: Bool { numeral != nil }
    /// An integer constant without jumps.
    var isKInt: Bool { k == .kint && !hasJumps }
    /// An integer constant usable as a C operand (0..255).
    var isCInt: Bool { isKInt && UInt64(bitPattern: ival) <= UInt64(Inst.maxC) }
    /// An integer constant usable as a signed (excess-127) operand.
    var isSCInt: Bool { isKInt && fitsSC(ival) }
}

/// Whether i fits a signed 8-bit operand (excess-127: -127...128).
func fitsSC(_ i: Int64) -> Bool {
    i >= -Int64(Inst.offsetSC) && i <= Int64(Inst.maxC - Inst.offsetSC)
}

extension ExpDesc {
    static func nonreloc(_ reg: Int) -> ExpDesc { ExpDesc(.nonreloc, info: reg) }
    static func string(_ s: LuaBytes) -> ExpDesc { var e = ExpDesc(.kstr); e.strval = s; return e }
    static func int(_ i: Int64) -> ExpDesc { var e = ExpDesc(.kint); e.ival = i; return e }
    static func float(_ d: Double) -> ExpDesc { var e = ExpDesc(.kflt); e.nval = d; return e }

    /// The descriptor of a constant value.
    static func constant(_ c: Constant) -> ExpDesc {
        switch c {
        case .nil_: return ExpDesc(.nil_)
        case .bool(let b): return ExpDesc(b ? .true_ : .false_)
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .string(let s): return .string(s)
        }
    }
}

extension Compiler {

    // MARK: Expression dispatch

    func expr(_ e: Expr) throws -> ExpDesc {
        switch e {
        case .nil_(let l):
            line = l
            return ExpDesc(.nil_)
        case .true_(let l):
            line = l
            return ExpDesc(.true_)
        case .false_(let l):
            line = l
            return ExpDesc(.false_)
        case .integer(let i, let l):
            line = l
            return .int(i)
        case .float(let d, let l):
            line = l
            return .float(d)
        case .string(let s, let l):
            line = l
            return .string(s)
        case .vararg(let l):
            line = l
            return ExpDesc(.vararg, info: codeABC(.vararg, 0, 0, 1))
        case .name(let n, let l):
            line = l
            return try singleVar(n, line: l)
        case .index(let obj, let key, let l):
            return try indexExpr(obj, key, line: l)
        case .call(let fn, let args, let l):
            return try callExpr(fn, args, line: l)
        case .method(let obj, let name, let args, let l):
            return try methodCallExpr(obj, name, args, line: l)
        case .function(let body):
            return try functionExpr(body)
        case .binary:
            return try binaryExpr(e)
        case .unary(let op, let operand, let l):
            var v = try expr(operand)
            try prefix(op, &v, line: l)
            return v
        case .paren(let inner):
            var v = try expr(inner)
            try dischargeVars(&v)
            return v
        case .table(let fields, let l):
            return try constructor(fields, line: l)
        }
    }

    /// `obj[key]` / `obj.name`: leaves the access undischarged (it may be an assignment target).
    func indexExpr(_ obj: Expr, _ key: Expr, line l: Int) throws -> ExpDesc {
        var v = try expr(obj)
        try exp2anyregup(&v)
        var k: ExpDesc
        if case .string(let s, _) = key {
            k = .string(s)
        } else {
            k = try expr(key)
            try exp2val(&k)
        }
        line = l
        try indexed(&v, &k)
        v.line = l
        return v
    }

    /// Compiles a non-empty expression list; all but the last go to consecutive registers.
    /// Returns the (undischarged) last expression.
    func exprList(_ es: [Expr]) throws -> ExpDesc {
        var e = try expr(es[0])
        for i in 1..<es.count {
            nearExpr = es[i]
            try exp2nextreg(&e)
            e = try expr(es[i])
        }
        return e
    }

    // MARK: Discharging

    /// Turns a constant-valued expression into a constant descriptor.
    func const2exp(_ v: Constant, _ e: inout ExpDesc) {
        let t = e.t, f = e.f
        e = .constant(v)
        e.t = t; e.f = f
    }

    /// The compile-time value of `e`, if it has one (for `<const>` folding).
    func exp2const(_ e: ExpDesc) -> Constant? {
        if e.hasJumps { return nil }
        switch e.k {
        case .false_: return .bool(false)
        case .true_: return .bool(true)
        case .nil_: return .nil_
        case .kstr: return .string(e.strval)
        case .const_: return actvar[e.info].value
        default: return e.numeral
        }
    }

    /// Emits `op` for a lazily discharged access at the access's own line.
    private func codeAt(_ l: Int, _ op: Op, _ a: Int, _ b: Int, _ c: Int) -> Int {
        let saved = line
        if l > 0 { line = l }
        let pc = codeABC(op, a, b, c)
        line = saved
        return pc
    }

    /// Makes sure a variable's value is available (in a register or a constant).
    func dischargeVars(_ e: inout ExpDesc) throws {
        switch e.k {
        case .const_:
            const2exp(actvar[e.info].value!, &e)
        case .local:
            e.info = e.ridx
            e.k = .nonreloc
        case .upval:
            e.info = codeAt(e.line, .getupval, 0, e.info, 0)
            e.k = .reloc
        case .indexUp:
            e.info = codeAt(e.line, .gettabup, 0, e.indT, e.indIdx)
            e.k = .reloc
        case .indexI:
            freeReg(e.indT)
            e.info = codeAt(e.line, .geti, 0, e.indT, e.indIdx)
            e.k = .reloc
        case .indexStr:
            freeReg(e.indT)
            e.info = codeAt(e.line, .getfield, 0, e.indT, e.indIdx)
            e.k = .reloc
        case .indexed:
            freeRegs(e.indT, e.indIdx)
            e.info = codeAt(e.line, .gettable, 0, e.indT, e.indIdx)
            e.k = .reloc
        case .vararg, .call:
            setOneRet(&e)
        default:
            break
        }
    }

    /// Puts the value of `e` in register `reg` (jumps excepted).
    func discharge2reg(_ e: inout ExpDesc, _ reg: Int) throws {
        try dischargeVars(&e)
        switch e.k {
        case .nil_:
            loadNil(reg, 1)
        case .false_:
            codeABC(.loadfalse, reg, 0, 0)
        case .true_:
            codeABC(.loadtrue, reg, 0, 0)
        case .kstr:
            codeK(reg, stringK(e.strval))
        case .k:
            codeK(reg, e.info)
        case .kflt:
            loadFloat(reg, e.nval)
        case .kint:
            loadInt(reg, e.ival)
        case .reloc:
            setInstruction(at: e.info, instruction(at: e.info).with(a: reg))
        case .nonreloc:
            if reg != e.info { codeABC(.move, reg, e.info, 0) }
        default:
            assert(e.k == .jmp)
            return
        }
        e.info = reg
        e.k = .nonreloc
    }

    func discharge2anyreg(_ e: inout ExpDesc) throws {
        if e.k != .nonreloc {
            try reserveRegs(1)
            try discharge2reg(&e, fs.freereg - 1)
        }
    }

    private func codeLoadBool(_ a: Int, _ op: Op) -> Int {
        getLabel()
        return codeABC(op, a, 0, 0)
    }

    /// Puts the final value of `e` (jumps included) in register `reg`.
    func exp2reg(_ e: inout ExpDesc, _ reg: Int) throws {
        try discharge2reg(&e, reg)
        if e.k == .jmp {
            try concatJumps(&e.t, e.info)
        }
        if e.hasJumps {
            var pf = noJump
            var pt = noJump
            if needValue(e.t) || needValue(e.f) {
                let fj = e.k == .jmp ? noJump : jump()
                pf = codeLoadBool(reg, .lfalseskip)
                pt = codeLoadBool(reg, .loadtrue)
                try patchToHere(fj)
            }
            let final = getLabel()
            try patchListAux(e.f, final, reg, pf)
            try patchListAux(e.t, final, reg, pt)
        }
        e.f = noJump
        e.t = noJump
        e.info = reg
        e.k = .nonreloc
    }

    /// Puts `e` in the next free register.
    func exp2nextreg(_ e: inout ExpDesc) throws {
        try dischargeVars(&e)
        freeExp(e)
        try reserveRegs(1)
        try exp2reg(&e, fs.freereg - 1)
    }

    /// Puts `e` in some register (its own if it has one) and returns it.
    @discardableResult
    func exp2anyreg(_ e: inout ExpDesc) throws -> Int {
        try dischargeVars(&e)
        if e.k == .nonreloc {
            if !e.hasJumps { return e.info }
            if e.info >= nvarstack() {       // not a local: put the final result there
                try exp2reg(&e, e.info)
                return e.info
            }
            // a local with jumps: fall through to a fresh register
        }
        try exp2nextreg(&e)
        return e.info
    }

    /// Like exp2anyreg, but an upvalue may stay an upvalue (for GETTABUP).
    func exp2anyregup(_ e: inout ExpDesc) throws {
        if e.k != .upval || e.hasJumps {
            try exp2anyreg(&e)
        }
    }

    /// Makes `e` a register or a constant.
    func exp2val(_ e: inout ExpDesc) throws {
        if e.hasJumps {
            try exp2anyreg(&e)
        } else {
            try dischargeVars(&e)
        }
    }

    /// Turns a constant expression into a K operand (index <= 255). Returns false otherwise.
    func exp2K(_ e: inout ExpDesc) -> Bool {
        if e.hasJumps { return false }
        let info: Int
        switch e.k {
        case .true_: info = boolK(true)
        case .false_: info = boolK(false)
        case .nil_: info = nilK()
        case .kint: info = intK(e.ival)
        case .kflt: info = numberK(e.nval)
        case .kstr: info = stringK(e.strval)
        case .k: info = e.info
        default: return false
        }
        if info <= Limits.maxIndexRK {
            e.k = .k
            e.info = info
            return true
        }
        return false
    }

    /// An RK operand: true when `e` became a K index, false when it is in a register.
    func exp2RK(_ e: inout ExpDesc) throws -> Bool {
        if exp2K(&e) { return true }
        try exp2anyreg(&e)
        return false
    }

    /// op A B RK(C) with `ec` as the RK operand.
    func codeABRK(_ op: Op, _ a: Int, _ b: Int, _ ec: inout ExpDesc) throws {
        let k = try exp2RK(&ec)
        codeABC(op, a, b, ec.info, k: k)
    }

    func freeExp(_ e: ExpDesc) {
        if e.k == .nonreloc { freeReg(e.info) }
    }

    func freeExps(_ e1: ExpDesc, _ e2: ExpDesc) {
        let r1 = e1.k == .nonreloc ? e1.info : -1
        let r2 = e2.k == .nonreloc ? e2.info : -1
        freeRegs(r1, r2)
    }

    // MARK: Multiple results

    /// Fixes the number of results of an open call or vararg (nresults = -1: all).
    func setReturns(_ e: inout ExpDesc, _ nresults: Int) throws {
        let ins = instruction(at: e.info)
        if e.k == .call {
            setInstruction(at: e.info, ins.with(c: nresults + 1))
        } else {
            assert(e.k == .vararg)
            setInstruction(at: e.info, ins.with(c: nresults + 1).with(a: fs.freereg))
            try reserveRegs(1)
        }
    }

    func setMultRet(_ e: inout ExpDesc) throws { try setReturns(&e, -1) }

    /// Truncates an open call or vararg to one value.
    func setOneRet(_ e: inout ExpDesc) {
        if e.k == .call {
            e.k = .nonreloc
            e.info = instruction(at: e.info).a
        } else if e.k == .vararg {
            setInstruction(at: e.info, instruction(at: e.info).with(c: 2))
            e.k = .reloc
        }
    }

    // MARK: Variables and indexing

    func isKstr(_ e: ExpDesc) -> Bool {
        guard e.k == .k, !e.hasJumps, e.info <= Inst.maxB else { return false }
        if case .string(let s) = fs.f.constants[e.info], s.count <= Limits.maxShortLen { return true }
        return false
    }

    /// Builds the access `t[k]` into `t` (t must be a local, register or upvalue).
    func indexed(_ t: inout ExpDesc, _ k: inout ExpDesc) throws {
        if k.k == .kstr {
            k.info = stringK(k.strval)
            k.k = .k
        }
        assert(!t.hasJumps && (t.k == .local || t.k == .nonreloc || t.k == .upval))
        if t.k == .upval && !isKstr(k) {
            try exp2anyreg(&t)
        }
        if t.k == .upval {
            t.indT = t.info
            t.indIdx = k.info
            t.k = .indexUp
        } else {
            t.indT = t.k == .local ? t.ridx : t.info
            if isKstr(k) {
                t.indIdx = k.info
                t.k = .indexStr
            } else if k.isCInt {
                t.indIdx = Int(k.ival)
                t.k = .indexI
            } else {
                t.indIdx = try exp2anyreg(&k)
                t.k = .indexed
            }
        }
    }

    /// Stores `ex` into variable `v`.
    func storeVar(_ v: ExpDesc, _ ex: inout ExpDesc) throws {
        switch v.k {
        case .local:
            freeExp(ex)
            try exp2reg(&ex, v.ridx)
            return
        case .upval:
            let e = try exp2anyreg(&ex)
            codeABC(.setupval, e, v.info, 0)
        case .indexUp:
            try codeABRK(.settabup, v.indT, v.indIdx, &ex)
        case .indexI:
            try codeABRK(.seti, v.indT, v.indIdx, &ex)
        case .indexStr:
            try codeABRK(.setfield, v.indT, v.indIdx, &ex)
        case .indexed:
            try codeABRK(.settable, v.indT, v.indIdx, &ex)
        default:
            assert(false, "invalid variable kind to store")
        }
        freeExp(ex)
    }

    /// Raises "attempt to assign to const variable 'x'" for const, close and folded locals.
    func checkReadonly(_ e: ExpDesc, line l: Int? = nil) throws {
        var name: LuaBytes? = nil
        switch e.k {
        case .const_:
            name = actvar[e.info].name
        case .local:
            let vd = localVar(e.vidx)
            if vd.kind != .regular { name = vd.name }
        case .upval:
            let up = fs.f.upvalues[e.info]
            if up.kind != .none { name = up.name }
        default:
            return
        }
        if let name {
            throw semError("attempt to assign to const variable '\(String(decoding: name, as: UTF8.self))'", line: l)
        }
    }

    // MARK: Token reconstruction for " near ..." in limit errors

    /// The first token of an expression as lua would quote it in "near ..." (best effort).
    func firstTokenText(_ e: Expr) -> String? {
        switch e {
        case .nil_: return "'nil'"
        case .true_: return "'true'"
        case .false_: return "'false'"
        case .vararg: return "'...'"
        case .integer(let i, _): return "'\(i)'"
        case .float(let d, _): return "'\(formatFloat(d))'"
        case .string(let s, _): return "'\"\(String(decoding: s, as: UTF8.self))\"'"
        case .name(let n, _): return "'\(String(decoding: n, as: UTF8.self))'"
        case .index(let o, _, _), .call(let o, _, _), .method(let o, _, _, _): return firstTokenText(o)
        case .function: return "'function'"
        case .binary(_, let l, _, _): return firstTokenText(l)
        case .unary(let op, _, _):
            switch op {
            case .neg: return "'-'"
            case .not: return "'not'"
            case .len: return "'#'"
            case .bnot: return "'~'"
            }
        case .paren: return "'('"
        case .table: return "'{'"
        }
    }

    /// The first token of a statement (best effort).
    func firstTokenText(_ s: Stat) -> String? {
        switch s {
        case .assign(let targets, _, _): return targets.first.flatMap { firstTokenText($0) }
        case .local, .localFunction: return "'local'"
        case .call(let e, _): return firstTokenText(e)
        case .doBlock: return "'do'"
        case .whileLoop: return "'while'"
        case .repeatLoop: return "'repeat'"
        case .ifStat: return "'if'"
        case .numericFor, .genericFor: return "'for'"
        case .function: return "'function'"
        case .returnStat: return "'return'"
        case .breakStat: return "'break'"
        case .gotoStat: return "'goto'"
        case .label: return "'::'"
        }
    }
}

/// A float as lua prints numerals: `%.14g`, plus ".0" when it looks like an integer.
func formatFloat(_ d: Double) -> String {
    var s = formatG14(d)
    if !s.contains(where: { $0 == "." || $0 == "e" || $0 == "n" || $0 == "i" }) { s += ".0" }
    return s
}

/// C's `%.14g` (LUAI_NUMFFORMAT).
func formatG14(_ d: Double) -> String {
    var buf = [CChar](repeating: 0, count: 64)
    _ = withVaList([d]) { vsnprintf(&buf, 64, "%.14g", $0) }
    return String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
