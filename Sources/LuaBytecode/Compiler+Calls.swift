// Calls, method calls, closures (function bodies) and table constructors.

import LuaSyntax

extension Compiler {

    // MARK: Calls

    /// `fn(args)`: the function goes to the next register, the arguments after it.
    func callExpr(_ fn: Expr, _ args: [Expr], line l: Int) throws -> ExpDesc {
        var f = try expr(fn)
        nearExpr = nil
        try exp2nextreg(&f)
        return try funcArgs(f, args, line: l)
    }

    /// `obj:name(args)`: SELF puts the method and `obj` in two consecutive registers.
    func methodCallExpr(_ obj: Expr, _ name: LuaBytes, _ args: [Expr], line l: Int) throws -> ExpDesc {
        var v = try expr(obj)
        var key = ExpDesc.string(name)
        line = l
        try selfOp(&v, &key)
        return try funcArgs(v, args, line: l)
    }

    /// SELF A B RK(C): R[A+1] := R[B]; R[A] := R[B][RK(C)].
    func selfOp(_ e: inout ExpDesc, _ key: inout ExpDesc) throws {
        try exp2anyreg(&e)
        let ereg = e.info
        freeExp(e)
        e.info = fs.freereg
        e.k = .nonreloc
        try reserveRegs(2)
        try codeABRK(.self, e.info, ereg, &key)
        freeExp(key)
    }

    /// Compiles the arguments and emits CALL (C = 2: one result, adjusted later by the user).
    func funcArgs(_ f: ExpDesc, _ args: [Expr], line l: Int) throws -> ExpDesc {
        var a = ExpDesc(.void)
        if !args.isEmpty {
            a = try exprList(args)
            if a.hasMultRet { try setMultRet(&a) }
        }
        assert(f.k == .nonreloc)
        let base = f.info
        let nparams: Int
        if a.hasMultRet {
            nparams = -1                                // open call: arguments up to the top
        } else {
            if a.k != .void {
                nearExpr = nil
                try exp2nextreg(&a)
            }
            nparams = fs.freereg - (base + 1)
        }
        let pc = codeABC(.call, base, nparams + 1, 2)
        fixLine(l)
        fs.freereg = base + 1      // the call leaves one result (unless changed later)
        return ExpDesc(.call, info: pc)
    }

    // MARK: Closures

    /// `function (params) body end`: compiles the nested function and emits CLOSURE.
    func functionExpr(_ body: FunctionBody) throws -> ExpDesc {
        let child = FunctionProto()
        let parent = fs!
        parent.f.protos.append(child)
        let index = parent.f.protos.count - 1
        child.lineDefined = body.line
        child.lastLineDefined = body.endLine
        // Errors found when the function is closed are reported on the line lua has read by
        // then: the token after `end`.
        var closeLine = body.endLine
        if let tb = tailBody, tb.depth == parent.depth + 1, tb.line == body.line, tb.endLine == body.endLine {
            closeLine = followLine
        }
        let savedFollow = followLine
        let savedTail = tailBody
        openFunc(child)
        line = body.line
        let nparams = body.params.count
        for (i, p) in body.params.enumerated() {
            let near = i + 1 < nparams || body.isVararg ? "','" : "')'"
            try newLocalVar(p, near: near)
        }
        adjustLocalVars(nparams)
        child.numParams = fs.nactvar
        if body.isVararg {
            child.isVararg = true
            codeABC(.varargprep, nparams, 0, 0)
        }
        try reserveRegs(fs.nactvar)
        followLine = body.endLine
        try statList(body.body, closer: "'end'", untilBlock: false)
        line = body.endLine
        try closeFunc(errorLine: closeLine)
        followLine = savedFollow
        tailBody = savedTail
        // back in the parent
        line = body.endLine
        var e = ExpDesc(.reloc, info: codeABx(.closure, 0, index))
        try exp2nextreg(&e)
        return e
    }

    // MARK: Table constructors

    /// `{ fields }`: NEWTABLE + EXTRAARG, hash fields stored as they come, list items
    /// flushed with SETLIST every 50 items.
    func constructor(_ fields: [TableField], line l: Int) throws -> ExpDesc {
        // NEWTABLE keeps the current line (lua: the token before `{`)
        let pc = codeABC(.newtable, 0, 0, 0)
        codeExtraArg(0)
        let t = ExpDesc.nonreloc(fs.freereg)      // the table goes to the top
        try reserveRegs(1)
        var na = 0              // array items already stored
        var nh = 0              // hash items
        var tostore = 0         // array items pending
        var v = ExpDesc(.void)  // last list item read

        for field in fields {
            // close the previous list item
            if v.k != .void {
                try exp2nextreg(&v)
                v = ExpDesc(.void)
                if tostore == Limits.fieldsPerFlush {
                    try setList(t.info, na, tostore)
                    na += tostore
                    tostore = 0
                }
            }
            switch field {
            case .positional(let e):
                v = try expr(e)
                tostore += 1
            case .named(let name, let value):
                try recField(t, .string(name), nil, value)
                nh += 1
            case .keyed(let key, let value):
                try recField(t, nil, key, value)
                nh += 1
            }
        }
        // last list item(s)
        if tostore > 0 {
            if v.hasMultRet {
                try setMultRet(&v)
                try setList(t.info, na, -1)
                na -= 1         // do not count the open item
            } else {
                if v.k != .void { try exp2nextreg(&v) }
                try setList(t.info, na, tostore)
            }
            na += tostore
        }
        setTableSize(pc, t.info, na, nh)
        return t
    }

    /// `name = value` or `[key] = value` inside a constructor.
    private func recField(_ t: ExpDesc, _ nameKey: ExpDesc?, _ keyExpr: Expr?, _ value: Expr) throws {
        let reg = fs.freereg
        var key: ExpDesc
        if let nameKey {
            key = nameKey
        } else {
            key = try expr(keyExpr!)
            try exp2val(&key)
        }
        var tab = t
        try indexed(&tab, &key)
        line = value.line       // lua: the `=` before the value
        var val = try expr(value)
        try storeVar(tab, &val)
        fs.freereg = reg
    }

    /// SETLIST base B=tostore (0: to top) C=nelems (+ EXTRAARG for the high part).
    func setList(_ base: Int, _ nelems: Int, _ tostore: Int) throws {
        assert(tostore != 0 && tostore <= Limits.fieldsPerFlush)
        let b = tostore == -1 ? 0 : tostore
        if nelems <= Inst.maxC {
            codeABC(.setlist, base, b, nelems)
        } else {
            let extra = nelems / (Inst.maxC + 1)
            codeABC(.setlist, base, b, nelems % (Inst.maxC + 1), k: true)
            codeExtraArg(extra)
        }
        fs.freereg = base + 1
    }

    /// Fills in NEWTABLE's size hints (and its EXTRAARG).
    func setTableSize(_ pc: Int, _ ra: Int, _ asize: Int, _ hsize: Int) {
        let rb = hsize != 0 ? ceilLog2(hsize) + 1 : 0
        let extra = asize / (Inst.maxC + 1)
        let rc = asize % (Inst.maxC + 1)
        setInstruction(at: pc, Inst.abc(.newtable, ra, rb, rc, k: extra > 0))
        setInstruction(at: pc + 1, Inst.ax(.extraarg, extra))
    }
}

/// ceil(log2(x)) for x >= 1.
func ceilLog2(_ x: Int) -> Int {
    var l = 0
    var v = x - 1
    while v > 0 { l += 1; v >>= 1 }
    return l
}
