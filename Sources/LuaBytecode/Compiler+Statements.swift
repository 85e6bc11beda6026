// Statements: blocks, assignment, locals, control structures, goto/labels, return.

import LuaSyntax

extension Compiler {

    // MARK: Statement lists and blocks

    /// Compiles the statements of a block body. `closer` is the (formatted) token that ends the
    /// block, `untilBlock` is true for a repeat-until body (a label before `until` is not "last").
    func statList(_ b: Block, closer: String, untilBlock: Bool) throws {
        let savedFollowLine = followLine
        let savedFollowStat = followStat
        let savedFollowCloser = followCloser
        defer { followLine = savedFollowLine; followStat = savedFollowStat; followCloser = savedFollowCloser }
        let stats = b.stats
        var i = 0
        while i < stats.count {
            let s = stats[i]
            followLine = i + 1 < stats.count ? statLine(stats[i + 1]) : b.endLine
            followStat = i + 1 < stats.count ? stats[i + 1] : nil
            followCloser = closer
            if case .label = s {
                // lua skips the no-op statements that follow a label before creating it, so a
                // run of labels is created back to front, and at the end of a block the labels
                // see the variables of the block as already out of scope.
                var j = i
                while j + 1 < stats.count, case .label = stats[j + 1] { j += 1 }
                let last = j == stats.count - 1 && !untilBlock
                let errLine = j + 1 < stats.count ? statLine(stats[j + 1]) : b.endLine
                for k in stride(from: j, through: i, by: -1) {
                    guard case .label(let name, let l) = stats[k] else { continue }
                    try labelStat(name, line: l, last: last, errLine: errLine)
                }
                fs.freereg = nvarstack()
                i = j + 1
                continue
            }
            try statement(s)
            assert(fs.f.maxStackSize >= fs.freereg && fs.freereg >= nvarstack())
            fs.freereg = nvarstack()
            i += 1
        }
    }

    /// `do ... end` and other plain blocks.
    func block(_ b: Block, closer: String = "'end'") throws {
        enterBlock(isLoop: false)
        try statList(b, closer: closer, untilBlock: false)
        try leaveBlock()
    }

    func statLine(_ s: Stat) -> Int {
        switch s {
        case .assign(_, _, let l), .local(_, _, _, let l), .call(_, let l), .doBlock(_, let l),
             .whileLoop(_, _, let l), .repeatLoop(_, _, let l), .ifStat(_, _, _, let l),
             .numericFor(_, _, _, _, _, let l), .genericFor(_, _, _, let l), .function(_, _, let l),
             .localFunction(_, _, let l), .returnStat(_, let l), .breakStat(let l),
             .gotoStat(_, let l), .label(_, let l):
            return l
        }
    }

    /// The function body that is the last syntactic element of a statement, if any.
    private func tailFunction(_ s: Stat) -> FunctionBody? {
        switch s {
        case .function(_, let b, _), .localFunction(_, let b, _):
            return b
        case .local(_, _, let values, _), .assign(_, let values, _), .returnStat(let values, _):
            if case .function(let b)? = values.last { return b }
            return nil
        default:
            return nil
        }
    }

    func statement(_ s: Stat) throws {
        if let b = tailFunction(s) {
            tailBody = (fs.depth + 1, b.line, b.endLine)
        } else {
            tailBody = nil
        }
        line = statLine(s)
        nearExpr = nil
        switch s {
        case .assign(let targets, let values, _):
            try assignStat(targets, values)
        case .local(let names, let attribs, let values, _):
            try localStat(names, attribs, values)
        case .call(let e, _):
            let v = try expr(e)
            guard v.k == .call else { throw syntaxError("syntax error") }
            setInstruction(at: v.info, instruction(at: v.info).with(c: 1))  // no results
        case .doBlock(let b, _):
            try block(b)
            line = b.endLine
        case .whileLoop(let cond, let body, let l):
            try whileStat(cond, body, line: l)
        case .repeatLoop(let body, let cond, let l):
            try repeatStat(body, cond, line: l)
        case .ifStat(let conds, let blocks, let elseBlock, _):
            try ifStat(conds, blocks, elseBlock)
        case .numericFor(let v, let start, let limit, let step, let body, let l):
            try numericFor(v, start, limit, step, body, line: l)
        case .genericFor(let names, let exprs, let body, let l):
            try genericFor(names, exprs, body, line: l)
        case .function(let target, let body, let l):
            try funcStat(target, body, line: l)
        case .localFunction(let name, let body, let l):
            try localFunc(name, body, line: l)
        case .returnStat(let values, _):
            try retStat(values)
        case .breakStat(let l):
            newGotoEntry(Compiler.breakName, line: l, pc: jump())
        case .gotoStat(let name, let l):
            try gotoStat(name, line: l)
        case .label(let name, let l):
            try labelStat(name, line: l, last: false, errLine: followLine)
        }
    }

    // MARK: Assignment

    /// `t1, t2, ... = e1, e2, ...`: targets are evaluated left to right, then the values,
    /// then the stores happen from the last target to the first.
    func assignStat(_ targets: [Expr], _ values: [Expr]) throws {
        var lhs: [ExpDesc] = []
        lhs.reserveCapacity(targets.count)
        for (i, t) in targets.enumerated() {
            let v = try expr(t)
            guard v.isVar else { throw syntaxError("syntax error") }
            if i > 0 && !v.isIndexed { try checkConflict(&lhs, v) }
            try checkReadonly(v)
            lhs.append(v)
        }
        let nvars = targets.count
        let nexps = values.count
        var e = try exprList(values)
        var next: Int
        if nexps != nvars {
            try adjustAssign(nvars, nexps, &e)
            next = nvars - 1
        } else {
            setOneRet(&e)
            try storeVar(lhs[nvars - 1], &e)
            next = nvars - 2
        }
        while next >= 0 {
            var d = ExpDesc.nonreloc(fs.freereg - 1)
            try storeVar(lhs[next], &d)
            next -= 1
        }
    }

    /// In a multiple assignment, a previous target indexing a local/upvalue that is assigned
    /// later must use a copy of its old value (`a, a.x = ...`, `t[i], i = ...`).
    private func checkConflict(_ lhs: inout [ExpDesc], _ v: ExpDesc) throws {
        let extra = fs.freereg
        var conflict = false
        for i in lhs.indices where lhs[i].isIndexed {
            if lhs[i].k == .indexUp {
                if v.k == .upval && lhs[i].indT == v.info {
                    conflict = true
                    lhs[i].k = .indexStr
                    lhs[i].indT = extra
                }
            } else {
                if v.k == .local && lhs[i].indT == v.ridx {
                    conflict = true
                    lhs[i].indT = extra
                }
                if lhs[i].k == .indexed && v.k == .local && lhs[i].indIdx == v.ridx {
                    conflict = true
                    lhs[i].indIdx = extra
                }
            }
        }
        if conflict {
            if v.k == .local {
                codeABC(.move, extra, v.ridx, 0)
            } else {
                codeABC(.getupval, extra, v.info, 0)
            }
            try reserveRegs(1)
        }
    }

    /// Adjusts `nexps` values (the last one `e`) to `nvars` registers.
    func adjustAssign(_ nvars: Int, _ nexps: Int, _ e: inout ExpDesc) throws {
        let needed = nvars - nexps
        if e.hasMultRet {
            let extra = max(needed + 1, 0)
            try setReturns(&e, extra)
        } else {
            if e.k != .void { try exp2nextreg(&e) }
            if needed > 0 { loadNil(fs.freereg, needed) }
        }
        if needed > 0 {
            try reserveRegs(needed)
        } else {
            fs.freereg += needed
        }
    }

    // MARK: Locals

    func localStat(_ names: [LuaBytes], _ attribs: [LocalAttrib], _ values: [Expr]) throws {
        var toclose = -1
        var vidx = 0
        for (i, name) in names.enumerated() {
            let attrib = i < attribs.count ? attribs[i] : .none
            var near: String?
            var nearLine: Int? = nil
            if attrib != .none {
                near = "'<'"
            } else if i + 1 < names.count {
                near = "','"
            } else if !values.isEmpty {
                near = "'='"
            } else {
                near = followToken          // the token after the statement
                nearLine = followLine
            }
            vidx = try newLocalVar(name, near: near, nearLine: nearLine)
            switch attrib {
            case .none: break
            case .const: actvar[fs.firstLocal + vidx].kind = .constant
            case .close:
                actvar[fs.firstLocal + vidx].kind = .toClose
                if toclose != -1 {
                    throw semError("multiple to-be-closed variables in local list")
                }
                toclose = fs.nactvar + i
            }
        }
        let nvars = names.count
        let nexps = values.count
        var e = nexps > 0 ? try exprList(values) : ExpDesc(.void)
        let last = fs.firstLocal + vidx
        if nvars == nexps, actvar[last].kind == .constant, let k = exp2const(e) {
            // the last variable is a compile-time constant: no register
            actvar[last].kind = .compileTimeConst
            actvar[last].value = k
            adjustLocalVars(nvars - 1)
            fs.nactvar += 1
        } else {
            try adjustAssign(nvars, nexps, &e)
            adjustLocalVars(nvars)
        }
        if toclose != -1 {
            markToBeClosed()
            codeABC(.tbc, regLevel(toclose), 0, 0)
        }
    }

    /// `local function f`: f is in scope inside its own body.
    func localFunc(_ name: LuaBytes, _ body: FunctionBody, line l: Int) throws {
        let fvar = fs.nactvar
        try newLocalVar(name, near: "'('")
        adjustLocalVars(1)
        _ = try functionExpr(body)
        // debug information sees the variable only after the closure exists
        let pidx = localVar(fvar).pidx
        fs.f.locals[pidx].startPC = fs.pc
    }

    /// `function a.b.c:m() end`
    func funcStat(_ target: Expr, _ body: FunctionBody, line l: Int) throws {
        let v = try expr(target)
        guard v.isVar else { throw syntaxError("syntax error") }
        var b = try functionExpr(body)
        try checkReadonly(v, line: followLine)
        try storeVar(v, &b)
        fixLine(l)          // the definition "happens" on the line of `function`
    }

    // MARK: Return

    func retStat(_ values: [Expr]) throws {
        var first = nvarstack()
        var nret = values.count
        if !values.isEmpty {
            var e = try exprList(values)
            if e.hasMultRet {
                try setMultRet(&e)
                if e.k == .call && values.count == 1 && !fs.blocks[fs.blocks.count - 1].insideTBC {
                    let ins = instruction(at: e.info)
                    assert(ins.a == nvarstack())
                    setInstruction(at: e.info, (ins & ~0x7F) | UInt32(Op.tailcall.number))
                }
                nret = -1
            } else if values.count == 1 {
                first = try exp2anyreg(&e)
            } else {
                try exp2nextreg(&e)
                assert(nret == fs.freereg - first)
            }
        }
        try ret(first: first, nret: nret)
    }

    // MARK: Control structures

    /// A condition: returns the list of jumps taken when it is false.
    func condExpr(_ c: Expr) throws -> Int {
        var v = try expr(c)
        if v.k == .nil_ { v.k = .false_ }       // all falses are equal here
        try goIfTrue(&v)
        return v.f
    }

    func whileStat(_ cond: Expr, _ body: Block, line l: Int) throws {
        let whileInit = getLabel()
        let condExit = try condExpr(cond)
        enterBlock(isLoop: true)
        try block(body)
        try jumpTo(whileInit)
        line = body.endLine
        try leaveBlock()
        try patchToHere(condExit)
    }

    func repeatStat(_ body: Block, _ cond: Expr, line l: Int) throws {
        let repeatInit = getLabel()
        enterBlock(isLoop: true)       // loop block
        enterBlock(isLoop: false)      // scope block (the condition sees the body's locals)
        try statList(body, closer: "'until'", untilBlock: true)
        line = body.endLine
        var condExit = try condExpr(cond)
        let scope = fs.blocks[fs.blocks.count - 1]
        try leaveBlock()
        if scope.upval {
            let exit = jump()                     // normal exit jumps over the fix
            try patchToHere(condExit)             // repetition must close upvalues
            codeABC(.close, regLevel(scope.nactvar), 0, 0)
            condExit = jump()                     // repeat after closing upvalues
            try patchToHere(exit)
        }
        try patchList(condExit, repeatInit)
        try leaveBlock()
    }

    func ifStat(_ conds: [Expr], _ blocks: [Block], _ elseBlock: Block?) throws {
        var escapeList = noJump
        for i in conds.indices {
            let followedByElse = i + 1 < conds.count || elseBlock != nil
            let closer = i + 1 < conds.count ? "'elseif'" : (elseBlock != nil ? "'else'" : "'end'")
            try testThenBlock(conds[i], blocks[i], &escapeList, followedByElse: followedByElse, closer: closer)
        }
        if let eb = elseBlock {
            try block(eb)
        }
        line = (elseBlock ?? blocks[blocks.count - 1]).endLine
        try patchToHere(escapeList)
    }

    private func testThenBlock(_ cond: Expr, _ blk: Block, _ escapeList: inout Int,
                               followedByElse: Bool, closer: String) throws {
        var v = try expr(cond)
        let jf: Int
        if case .breakStat(let bl)? = blk.stats.first {
            // `if cond then break`: jump straight out of the loop when cond is true
            line = bl
            try goIfFalse(&v)
            enterBlock(isLoop: false)
            newGotoEntry(Compiler.breakName, line: bl, pc: v.t)
            if blk.stats.count == 1 {
                try leaveBlock()
                return          // the jump is the entire block
            }
            jf = jump()         // must skip over the `then` part if the condition is false
            let rest = Block(stats: Array(blk.stats.dropFirst()), endLine: blk.endLine)
            try statList(rest, closer: closer, untilBlock: false)
        } else {
            try goIfTrue(&v)
            enterBlock(isLoop: false)
            jf = v.f
            try statList(blk, closer: closer, untilBlock: false)
        }
        try leaveBlock()
        if followedByElse {
            try concatJumps(&escapeList, jump())    // must jump over the else part
        }
        try patchToHere(jf)
    }

    static let forState: LuaBytes = Array("(for state)".utf8)

    func numericFor(_ name: LuaBytes, _ start: Expr, _ limit: Expr, _ step: Expr?, _ body: Block,
                    line l: Int) throws {
        enterBlock(isLoop: true)
        let base = fs.freereg
        for _ in 0..<3 { try newLocalVar(Compiler.forState, near: "'='") }
        try newLocalVar(name, near: "'='")
        try exp1(start)
        try exp1(limit)
        if let step {
            try exp1(step)
        } else {
            loadInt(fs.freereg, 1)
            try reserveRegs(1)
        }
        adjustLocalVars(3)
        try forBody(base, line: l, nvars: 1, isGeneric: false, body)
        line = body.endLine
        try leaveBlock()
    }

    func genericFor(_ names: [LuaBytes], _ exprs: [Expr], _ body: Block, line l: Int) throws {
        enterBlock(isLoop: true)
        let base = fs.freereg
        let firstNear = names.count > 1 ? "','" : "'in'"
        for _ in 0..<4 { try newLocalVar(Compiler.forState, near: firstNear) }
        for (i, n) in names.enumerated() {
            try newLocalVar(n, near: i + 1 < names.count ? "','" : "'in'")
        }
        let forLine = exprs.first?.line ?? l
        var e = try exprList(exprs)
        try adjustAssign(4, exprs.count, &e)
        adjustLocalVars(4)
        markToBeClosed()            // the closing value must be closed
        try checkStack(3)           // extra space to call the generator
        try forBody(base, line: forLine, nvars: names.count, isGeneric: true, body)
        line = body.endLine
        try leaveBlock()
    }

    private func exp1(_ e: Expr) throws {
        var v = try expr(e)
        try exp2nextreg(&v)
    }

    private func forBody(_ base: Int, line l: Int, nvars: Int, isGeneric: Bool, _ body: Block) throws {
        let prep = codeABx(isGeneric ? .tforprep : .forprep, base, 0)
        enterBlock(isLoop: false)          // scope of the declared variables
        adjustLocalVars(nvars)
        try reserveRegs(nvars)
        try block(body)
        try leaveBlock()
        try fixForJump(prep, getLabel(), back: false, errLine: body.endLine)
        if isGeneric {
            codeABC(.tforcall, base, 0, nvars)
            fixLine(l)
        }
        let endFor = codeABx(isGeneric ? .tforloop : .forloop, base, 0)
        try fixForJump(endFor, prep + 1, back: true, errLine: body.endLine)
        fixLine(l)
    }

    private func fixForJump(_ pc: Int, _ dest: Int, back: Bool, errLine: Int) throws {
        var offset = dest - (pc + 1)
        if back { offset = -offset }
        if offset > Inst.maxBx {
            throw syntaxError("control structure too long", line: errLine, near: "'end'")
        }
        setInstruction(at: pc, instruction(at: pc).with(bx: offset))
    }

    // MARK: Goto and labels

    func newGotoEntry(_ name: LuaBytes, line l: Int, pc: Int) {
        gotos.append(LabelDesc(name: name, pc: pc, line: l, nactvar: fs.nactvar, close: false))
    }

    func findLabel(_ name: LuaBytes) -> LabelDesc? {
        var i = fs.firstLabel
        while i < labels.count {
            if labels[i].name == name { return labels[i] }
            i += 1
        }
        return nil
    }

    func gotoStat(_ name: LuaBytes, line l: Int) throws {
        if let lb = findLabel(name) {
            // backward jump: resolved now
            let lblevel = regLevel(lb.nactvar)
            if nvarstack() > lblevel {          // leaving the scope of some variable?
                codeABC(.close, lblevel, 0, 0)
            }
            try patchList(jump(), lb.pc)
        } else {
            // forward jump: resolved when the label is declared
            newGotoEntry(name, line: l, pc: jump())
        }
    }

    func labelStat(_ name: LuaBytes, line l: Int, last: Bool, errLine: Int) throws {
        if let lb = findLabel(name) {
            throw semError("label '\(String(decoding: name, as: UTF8.self))' already defined on line \(lb.line)",
                           line: errLine)
        }
        line = l
        _ = try createLabel(name, line: l, last: last, errLine: errLine)
    }

    /// Creates a label here and resolves the pending gotos to it. Returns true when a CLOSE
    /// was emitted (some goto left the scope of a captured variable).
    @discardableResult
    func createLabel(_ name: LuaBytes, line l: Int, last: Bool, errLine: Int? = nil) throws -> Bool {
        var lb = LabelDesc(name: name, pc: getLabel(), line: l, nactvar: fs.nactvar, close: false)
        if last {
            // the label is the last no-op statement of its block: its locals are out of scope
            lb.nactvar = fs.blocks[fs.blocks.count - 1].nactvar
        }
        labels.append(lb)
        if try solveGotos(lb, errLine: errLine) {
            codeABC(.close, nvarstack(), 0, 0)
            return true
        }
        return false
    }

    private func solveGotos(_ lb: LabelDesc, errLine: Int?) throws -> Bool {
        var i = fs.blocks[fs.blocks.count - 1].firstGoto
        var needsClose = false
        while i < gotos.count {
            if gotos[i].name == lb.name {
                let gt = gotos[i]
                needsClose = needsClose || gt.close
                if gt.nactvar < lb.nactvar {
                    let varName = String(decoding: localVar(gt.nactvar).name, as: UTF8.self)
                    let gname = String(decoding: gt.name, as: UTF8.self)
                    throw semError("<goto \(gname)> at line \(gt.line) jumps into the scope of local '\(varName)'",
                                   line: errLine)
                }
                try patchList(gt.pc, lb.pc)
                gotos.remove(at: i)
            } else {
                i += 1
            }
        }
        return needsClose
    }
}
