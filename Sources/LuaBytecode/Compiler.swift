// The bytecode compiler: AST (LuaSyntax) -> FunctionProto.
//
// The compiler is a single pass over the AST that mirrors the structure of lua5.4's one-pass
// parser/code generator, so that it produces the same register allocation and instruction
// patterns (the runtime's debug machinery recovers variable names from those patterns):
//
// - Compiler.swift               function state, registers, constants, scopes, variables, errors
// - Compiler+Jumps.swift         jump lists, conditional jumps, TEST/TESTSET patching
// - Compiler+Expressions.swift   expression descriptors, discharging, stores, indexing
// - Compiler+Operators.swift     unary/binary operators, constant folding
// - Compiler+Calls.swift         calls, method calls, closures, table constructors
// - Compiler+Statements.swift    statements, blocks, loops, goto/labels, locals, assignment
//
// Differences from lua5.4 (the op set has no MMBIN/MMBINI/MMBINK ops, so every arithmetic
// instruction must carry enough information for its own metamethod fallback):
// - `x - imm` is SUBK with the constant in K (lua5.4: ADDI with -imm + MMBINI), and
// - `x << imm` is SHL with the immediate loaded into a register (lua5.4: SHRI with -imm +
//   MMBINI), because a negated immediate would call the wrong metamethod (__add / __shr).

import LuaSyntax

/// Compiles a parsed chunk into its main function prototype.
/// Throws `SyntaxError` for compile-time semantic errors (lua5.4's wording and position).
package func compile(_ chunk: Chunk) throws -> FunctionProto {
    let c = Compiler(chunkName: chunk.chunkName)
    return try c.compileMain(chunk.body)
}

// MARK: - Limits (lua5.4's values)

enum Limits {
    static let maxVars = 200            // MAXVARS: local variables per function
    static let maxUpvalues = 255        // MAXUPVAL
    static let maxRegs = 255            // MAXREGS: registers per function (exclusive)
    static let maxShortLen = 40         // LUAI_MAXSHORTLEN: GETFIELD/SETFIELD keys
    static let fieldsPerFlush = 50      // LFIELDS_PER_FLUSH
    static let maxIndexRK = 255         // MAXINDEXRK: largest K index usable as an RK operand
}

/// End of a jump list.
let noJump = -1
/// "No register" for TESTSET (turned into TEST when patched).
let noReg = Inst.maxA

// MARK: - Compile-time bookkeeping

enum VarKind: Equatable {
    case regular
    case constant           // <const> kept in a register
    case toClose            // <close>
    case compileTimeConst   // <const> folded to a constant (no register)
}

struct VarDesc {
    var name: LuaBytes
    var kind: VarKind = .regular
    var ridx: Int = 0                 // register holding the variable
    var pidx: Int = -1                // index in FunctionProto.locals
    var value: Constant? = nil        // value of a compile-time constant
}

/// A label or a pending goto.
struct LabelDesc {
    var name: LuaBytes
    var pc: Int                       // label position, or the goto's jump list
    var line: Int
    var nactvar: Int                  // number of active variables at that position
    var close: Bool                   // goto leaves the scope of a captured/tbc variable
}

struct BlockScope {
    var firstLabel: Int
    var firstGoto: Int
    var nactvar: Int
    var upval = false                 // some variable of the block is captured (or tbc)
    var isLoop: Bool
    var insideTBC: Bool
}

/// Constant-table key: floats by bit pattern so that 1 and 1.0 (or 0.0 and -0.0) stay apart.
enum KKey: Hashable {
    case nil_, bool(Bool), int(Int64), flt(UInt64), str(LuaBytes)
}

final class FuncState {
    let f: FunctionProto
    let prev: FuncState?
    var blocks: [BlockScope] = []
    var lastTarget = 0                // last pc that is a jump target
    var kCache: [KKey: Int] = [:]
    let firstLocal: Int               // index in Compiler.actvar of this function's first local
    let firstLabel: Int               // index in Compiler.labels of this function's first label
    var nactvar = 0                   // active local variables (compile-time constants included)
    var freereg = 0                   // first free register
    var needClose = false             // returns must close upvalues / tbc variables
    let depth: Int                    // nesting depth (main = 0)

    init(f: FunctionProto, prev: FuncState?, firstLocal: Int, firstLabel: Int) {
        self.f = f; self.prev = prev; self.firstLocal = firstLocal; self.firstLabel = firstLabel
        self.depth = (prev?.depth ?? -1) + 1
    }

    var pc: Int { f.code.count }
}

// MARK: - Compiler

final class Compiler {
    let chunkName: String
    var fs: FuncState! = nil
    /// Declared local variables of all active functions (lua's Dyndata.actvar).
    var actvar: [VarDesc] = []
    var gotos: [LabelDesc] = []
    var labels: [LabelDesc] = []

    /// Line given to emitted instructions (approximates lua's `lastline`).
    var line = 1
    /// Line of the token that follows the statement being compiled (approximates lua's
    /// `linenumber` for errors raised after a statement's last token has been read).
    var followLine = 1
    /// What follows the statement being compiled: the next statement, or the block's closer.
    var followStat: Stat? = nil
    var followCloser: String? = nil
    /// The (formatted) first token after the statement being compiled, when known.
    var followToken: String? {
        if let s = followStat { return firstTokenText(s) }
        return followCloser
    }
    /// The expression whose first token is lua's current token while an expression list is
    /// compiled (for " near ..." in limit errors).
    var nearExpr: Expr? = nil
    /// The function body that ends the current statement (its closing errors are reported at
    /// `followLine`, like lua, which has read the next token by then).
    var tailBody: (depth: Int, line: Int, endLine: Int)? = nil

    init(chunkName: String) { self.chunkName = chunkName }

    // MARK: Errors

    /// A semantic error: `chunk:line: msg` (lua's luaK_semerror drops the "near" part).
    func semError(_ msg: String, line l: Int? = nil) -> SyntaxError {
        SyntaxError.make(chunkName: chunkName, line: l ?? line, msg: msg, near: nil)
    }

    /// A syntax-style error that carries " near <token>" when the token is known.
    func syntaxError(_ msg: String, line l: Int? = nil, near: String? = nil) -> SyntaxError {
        let nearText = near ?? nearExpr.flatMap { firstTokenText($0) }
        return SyntaxError.make(chunkName: chunkName, line: l ?? line, msg: msg, near: nearText)
    }

    /// lua's errorlimit: "too many <what> (limit is N) in <main function|function at line N>".
    func limitError(_ limit: Int, _ what: String, line l: Int? = nil, near: String? = nil) -> SyntaxError {
        let defined = fs.f.lineDefined
        let whereText = defined == 0 ? "main function" : "function at line \(defined)"
        return syntaxError("too many \(what) (limit is \(limit)) in \(whereText)", line: l, near: near)
    }

    // MARK: Code emission

    @discardableResult
    func code(_ i: Instruction) -> Int {
        let f = fs.f
        f.code.append(i)
        f.lineInfo.append(Int32(truncatingIfNeeded: line))
        return f.code.count - 1
    }

    @discardableResult
    func codeABC(_ op: Op, _ a: Int, _ b: Int, _ c: Int, k: Bool = false) -> Int {
        assert(a >= 0 && a <= Inst.maxA && b >= 0 && b <= Inst.maxB && c >= 0 && c <= Inst.maxC)
        return code(Inst.abc(op, a, b, c, k: k))
    }

    @discardableResult
    func codeABx(_ op: Op, _ a: Int, _ bx: Int) -> Int {
        assert(bx >= 0 && bx <= Inst.maxBx)
        return code(Inst.abx(op, a, bx))
    }

    @discardableResult
    func codeAsBx(_ op: Op, _ a: Int, _ sbx: Int) -> Int {
        code(Inst.asbx(op, a, sbx))
    }

    @discardableResult
    func codeExtraArg(_ ax: Int) -> Int {
        assert(ax >= 0 && ax <= Inst.maxAx)
        return code(Inst.ax(.extraarg, ax))
    }

    /// R[reg] := K[k], with LOADKX when k does not fit Bx.
    @discardableResult
    func codeK(_ reg: Int, _ k: Int) -> Int {
        if k <= Inst.maxBx {
            return codeABx(.loadk, reg, k)
        }
        let p = codeABx(.loadkx, reg, 0)
        codeExtraArg(k)
        return p
    }

    /// Changes the line of the last instruction.
    func fixLine(_ l: Int) {
        let f = fs.f
        f.lineInfo[f.lineInfo.count - 1] = Int32(truncatingIfNeeded: l)
    }

    func removeLastInstruction() {
        fs.f.code.removeLast()
        fs.f.lineInfo.removeLast()
    }

    func instruction(at pc: Int) -> Instruction { fs.f.code[pc] }
    func setInstruction(at pc: Int, _ i: Instruction) { fs.f.code[pc] = i }

    /// The previous instruction, or nil when the current position is a jump target
    /// (then no optimisation may look at it).
    func previousInstruction() -> Instruction? {
        if fs.pc > fs.lastTarget { return fs.f.code[fs.pc - 1] }
        return nil
    }

    /// R[from..from+n-1] := nil, merged into a previous LOADNIL when possible.
    func loadNil(_ from: Int, _ n: Int) {
        var from = from
        var l = from + n - 1
        if let prev = previousInstruction(), prev.op == .loadnil {
            let pfrom = prev.a
            let pl = pfrom + prev.b
            if (pfrom <= from && from <= pl + 1) || (from <= pfrom && pfrom <= l + 1) {
                if pfrom < from { from = pfrom }
                if pl > l { l = pl }
                setInstruction(at: fs.pc - 1, prev.with(a: from).with(b: l - from))
                return
            }
        }
        codeABC(.loadnil, from, n - 1, 0)
    }

    /// R[reg] := integer i (LOADI when it fits sBx).
    func loadInt(_ reg: Int, _ i: Int64) {
        if fitsBx(i) {
            codeAsBx(.loadi, reg, Int(i))
        } else {
            codeK(reg, intK(i))
        }
    }

    /// R[reg] := float f (LOADF when it has an exact integral value that fits sBx).
    func loadFloat(_ reg: Int, _ f: Double) {
        if let i = exactInt(f), fitsBx(i) {
            codeAsBx(.loadf, reg, Int(i))
        } else {
            codeK(reg, numberK(f))
        }
    }

    func fitsBx(_ i: Int64) -> Bool {
        i >= -Int64(Inst.offsetSBx) && i <= Int64(Inst.maxBx - Inst.offsetSBx)
    }

    // MARK: Registers

    /// Number of registers used by active local variables (compile-time constants use none).
    func regLevel(_ nvar: Int) -> Int {
        var n = nvar
        while n > 0 {
            n -= 1
            let vd = actvar[fs.firstLocal + n]
            if vd.kind != .compileTimeConst { return vd.ridx + 1 }
        }
        return 0
    }

    func nvarstack() -> Int { regLevel(fs.nactvar) }

    func checkStack(_ n: Int) throws {
        let newStack = fs.freereg + n
        if newStack > fs.f.maxStackSize {
            if newStack >= Limits.maxRegs {
                throw syntaxError("function or expression needs too many registers")
            }
            fs.f.maxStackSize = newStack
        }
    }

    func reserveRegs(_ n: Int) throws {
        try checkStack(n)
        fs.freereg += n
    }

    func freeReg(_ reg: Int) {
        if reg >= nvarstack() {
            fs.freereg -= 1
            assert(reg == fs.freereg, "freeing register out of order")
        }
    }

    /// Frees two registers in the proper (descending) order.
    func freeRegs(_ r1: Int, _ r2: Int) {
        if r1 > r2 {
            freeReg(r1); freeReg(r2)
        } else {
            freeReg(r2); freeReg(r1)
        }
    }

    // MARK: Constants

    func addK(_ key: KKey, _ v: Constant) -> Int {
        if let i = fs.kCache[key] { return i }
        let i = fs.f.constants.count
        fs.f.constants.append(v)
        fs.kCache[key] = i
        return i
    }

    func stringK(_ s: LuaBytes) -> Int { addK(.str(s), .string(s)) }
    func intK(_ i: Int64) -> Int { addK(.int(i), .int(i)) }
    func numberK(_ d: Double) -> Int { addK(.flt(d.bitPattern), .float(d)) }
    func boolK(_ b: Bool) -> Int { addK(.bool(b), .bool(b)) }
    func nilK() -> Int { addK(.nil_, .nil_) }

    func constantK(_ c: Constant) -> Int {
        switch c {
        case .nil_: return nilK()
        case .bool(let b): return boolK(b)
        case .int(let i): return intK(i)
        case .float(let d): return numberK(d)
        case .string(let s): return stringK(s)
        }
    }

    // MARK: Local variables

    /// Index (relative to the function) of local variable `vidx`'s descriptor in `actvar`.
    func localVar(_ vidx: Int) -> VarDesc { actvar[fs.firstLocal + vidx] }

    /// Declares a new local variable (not yet active). Returns its function-relative index.
    @discardableResult
    func newLocalVar(_ name: LuaBytes, near: String? = nil, nearLine: Int? = nil) throws -> Int {
        if actvar.count + 1 - fs.firstLocal > Limits.maxVars {
            throw limitError(Limits.maxVars, "local variables", line: nearLine, near: near)
        }
        actvar.append(VarDesc(name: name))
        return actvar.count - 1 - fs.firstLocal
    }

    /// Activates the last `nvars` declared variables, assigning registers and debug entries.
    func adjustLocalVars(_ nvars: Int) {
        var reg = nvarstack()
        for _ in 0..<nvars {
            let vidx = fs.nactvar
            fs.nactvar += 1
            let i = fs.firstLocal + vidx
            actvar[i].ridx = reg
            reg += 1
            actvar[i].pidx = registerLocalVar(actvar[i].name)
        }
    }

    func registerLocalVar(_ name: LuaBytes) -> Int {
        fs.f.locals.append(LocalVarInfo(name: name, startPC: fs.pc, endPC: fs.pc))
        return fs.f.locals.count - 1
    }

    /// Closes the scope of the variables above `toLevel`.
    func removeVars(_ toLevel: Int) {
        let pc = fs.pc
        while fs.nactvar > toLevel {
            fs.nactvar -= 1
            let vd = localVar(fs.nactvar)
            if vd.kind != .compileTimeConst {
                fs.f.locals[vd.pidx].endPC = pc
            }
        }
        actvar.removeSubrange((fs.firstLocal + toLevel)...)
    }

    // MARK: Variable resolution

    func searchUpvalue(_ f: FuncState, _ name: LuaBytes) -> Int? {
        f.f.upvalues.firstIndex(where: { $0.name == name })
    }

    /// Creates an upvalue of `f` for variable `v` found in the enclosing function.
    func newUpvalue(_ f: FuncState, _ name: LuaBytes, _ v: ExpDesc) throws -> Int {
        if f.f.upvalues.count + 1 > Limits.maxUpvalues {
            let saved = fs
            fs = f
            defer { fs = saved }
            throw limitError(Limits.maxUpvalues, "upvalues")
        }
        let prev = f.prev!
        let desc: UpvalueDesc
        if v.k == .local {
            let vd = actvar[prev.firstLocal + v.vidx]
            desc = UpvalueDesc(name: name, inStack: true, index: v.ridx, kind: attrib(of: vd.kind))
        } else {
            let up = prev.f.upvalues[v.info]
            desc = UpvalueDesc(name: name, inStack: false, index: v.info, kind: up.kind)
        }
        f.f.upvalues.append(desc)
        return f.f.upvalues.count - 1
    }

    func attrib(of kind: VarKind) -> LocalAttrib {
        switch kind {
        case .regular: return .none
        case .constant, .compileTimeConst: return .const
        case .toClose: return .close
        }
    }

    /// Looks `name` up among the active locals of `f`.
    func searchVar(_ f: FuncState, _ name: LuaBytes) -> ExpDesc? {
        var i = f.nactvar - 1
        while i >= 0 {
            let vd = actvar[f.firstLocal + i]
            if vd.name == name {
                if vd.kind == .compileTimeConst {
                    return ExpDesc(.const_, info: f.firstLocal + i)
                }
                var e = ExpDesc(.local)
                e.vidx = i
                e.ridx = vd.ridx
                return e
            }
            i -= 1
        }
        return nil
    }

    /// Marks the block where local `level` lives as having a captured variable.
    func markUpval(_ f: FuncState, _ level: Int) {
        var b = f.blocks.count - 1
        while f.blocks[b].nactvar > level { b -= 1 }
        f.blocks[b].upval = true
        f.needClose = true
    }

    func markToBeClosed() {
        fs.blocks[fs.blocks.count - 1].upval = true
        fs.blocks[fs.blocks.count - 1].insideTBC = true
        fs.needClose = true
    }

    /// Resolves `name` in `f` and its enclosing functions: local, upvalue, constant, or
    /// `.void` for a global.
    func singleVarAux(_ f: FuncState?, _ name: LuaBytes, base: Bool) throws -> ExpDesc {
        guard let f else { return ExpDesc(.void) }
        if let v = searchVar(f, name) {
            if v.k == .local && !base { markUpval(f, v.vidx) }
            return v
        }
        if let idx = searchUpvalue(f, name) {
            return ExpDesc(.upval, info: idx)
        }
        let v = try singleVarAux(f.prev, name, base: false)
        if v.k == .local || v.k == .upval {
            return ExpDesc(.upval, info: try newUpvalue(f, name, v))
        }
        return v   // global or compile-time constant: nothing to do at this level
    }

    static let envName: LuaBytes = Array("_ENV".utf8)

    /// A variable reference: local, upvalue, constant, or `_ENV.name`.
    func singleVar(_ name: LuaBytes, line l: Int) throws -> ExpDesc {
        var v = try singleVarAux(fs, name, base: true)
        if v.k == .void {
            v = try singleVarAux(fs, Compiler.envName, base: true)
            assert(v.k != .void, "_ENV must exist")
            v.line = l
            try exp2anyregup(&v)
            var key = ExpDesc(.kstr)
            key.strval = name
            try indexed(&v, &key)
        }
        v.line = l
        return v
    }

    // MARK: Blocks

    func enterBlock(isLoop: Bool) {
        let inside = fs.blocks.last?.insideTBC ?? false
        fs.blocks.append(BlockScope(firstLabel: labels.count, firstGoto: gotos.count,
                                    nactvar: fs.nactvar, isLoop: isLoop, insideTBC: inside))
        assert(fs.freereg == nvarstack())
    }

    /// Leaves the current block. `errorLine` is where an undefined goto of a function's
    /// outermost block is reported.
    func leaveBlock(errorLine: Int? = nil) throws {
        let bl = fs.blocks[fs.blocks.count - 1]
        let stkLevel = regLevel(bl.nactvar)
        // Which variables leaving this block are in registers (needed to update pending gotos).
        let leaving: [Bool] = bl.firstGoto < gotos.count
            ? actvar[(fs.firstLocal + bl.nactvar)..<(fs.firstLocal + fs.nactvar)].map { $0.kind != .compileTimeConst }
            : []
        removeVars(bl.nactvar)
        var hasClose = false
        if bl.isLoop {
            hasClose = try createLabel(Compiler.breakName, line: 0, last: false)
        }
        let isNested = fs.blocks.count > 1
        if !hasClose && isNested && bl.upval {
            codeABC(.close, stkLevel, 0, 0)
        }
        fs.freereg = stkLevel
        labels.removeSubrange(bl.firstLabel...)
        fs.blocks.removeLast()
        if isNested {
            // Move pending gotos to the enclosing block.
            for i in bl.firstGoto..<gotos.count {
                let n = gotos[i].nactvar - bl.nactvar
                if n > 0 && leaving[0..<n].contains(true) {
                    gotos[i].close = gotos[i].close || bl.upval
                }
                gotos[i].nactvar = bl.nactvar
            }
        } else if bl.firstGoto < gotos.count {
            throw undefinedGoto(gotos[bl.firstGoto], line: errorLine)
        }
    }

    static let breakName: LuaBytes = Array("break".utf8)

    func undefinedGoto(_ gt: LabelDesc, line l: Int?) -> SyntaxError {
        if gt.name == Compiler.breakName {
            return semError("break outside loop at line \(gt.line)", line: l)
        }
        return semError("no visible label '\(String(decoding: gt.name, as: UTF8.self))' for <goto> at line \(gt.line)",
                        line: l)
    }

    // MARK: Functions

    /// Starts compiling `f` (already linked into its parent's `protos`).
    func openFunc(_ f: FunctionProto) {
        let nfs = FuncState(f: f, prev: fs, firstLocal: actvar.count, firstLabel: labels.count)
        f.source = chunkName
        f.maxStackSize = 2
        fs = nfs
        enterBlock(isLoop: false)
    }

    /// Finishes the current function: final return, scope exit, fix-ups.
    func closeFunc(errorLine: Int) throws {
        try ret(first: nvarstack(), nret: 0)
        try leaveBlock(errorLine: errorLine)
        assert(fs.blocks.isEmpty)
        try finish()
        fs = fs.prev
    }

    /// RETURN0 / RETURN1 / RETURN (final fix-ups happen in `finish`).
    func ret(first: Int, nret: Int) throws {
        switch nret {
        case 0: codeABC(.return0, first, 1, 0)
        case 1: codeABC(.return1, first, 2, 0)
        default: codeABC(.return, first, nret + 1, 0)
        }
    }

    /// Final pass: RETURN flags for vararg functions / functions that must close, and jumps to
    /// jumps collapsed to their final targets.
    func finish() throws {
        let p = fs.f
        for i in 0..<p.code.count {
            var ins = p.code[i]
            switch ins.op {
            case .return0, .return1, .return, .tailcall:
                if ins.op == .return0 || ins.op == .return1 {
                    if !(fs.needClose || p.isVararg) { continue }
                    ins = Inst.abc(.return, ins.a, ins.b, 0)
                }
                if fs.needClose { ins = ins.with(k: true) }
                if p.isVararg { ins = ins.with(c: p.numParams + 1) }
                p.code[i] = ins
            case .jmp:
                try fixJump(i, finalTarget(i))
            default:
                break
            }
        }
    }

    /// Follows a chain of jumps (at most 100) to its final destination.
    func finalTarget(_ start: Int) -> Int {
        let code = fs.f.code
        var i = start
        for _ in 0..<100 {
            let ins = code[i]
            if ins.op != .jmp { break }
            i += ins.sJ + 1
        }
        return i
    }

    // MARK: Main

    func compileMain(_ body: Block) throws -> FunctionProto {
        let f = FunctionProto()
        f.lineDefined = 0
        openFunc(f)
        f.isVararg = true
        f.numParams = 0
        line = 1
        codeABC(.varargprep, 0, 0, 0)
        f.upvalues.append(UpvalueDesc(name: Compiler.envName, inStack: true, index: 0, kind: .none))
        followLine = body.endLine
        try statList(body, closer: "<eof>", untilBlock: false)
        f.lastLineDefined = 0
        try closeFunc(errorLine: body.endLine)
        return f
    }
}

// MARK: - Numeric helpers

/// The exact integer value of `d`, if it has one representable as Int64.
func exactInt(_ d: Double) -> Int64? {
    guard d.isFinite, d == d.rounded(.towardZero) else { return nil }
    // Int64 range: [-2^63, 2^63)
    guard d >= -9223372036854775808.0 && d < 9223372036854775808.0 else { return nil }
    return Int64(d)
}
