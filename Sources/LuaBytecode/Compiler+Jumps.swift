// Jump lists and conditional code.
//
// Pending jumps form linked lists threaded through their own sJ fields: a JMP whose offset
// is -1 (it points to itself) ends the list. Conditional tests (EQ ... TESTSET) are always
// followed by the JMP that the list links; the test "controls" that jump.

import LuaSyntax

extension Compiler {

    /// Destination of the jump at `pc`, or noJump at the end of a list.
    func getJump(_ pc: Int) -> Int {
        let offset = instruction(at: pc).sJ
        if offset == noJump { return noJump }
        return pc + 1 + offset
    }

    /// Makes the jump at `pc` go to `dest`.
    func fixJump(_ pc: Int, _ dest: Int) throws {
        let offset = dest - (pc + 1)
        assert(dest != noJump)
        if !(-Inst.offsetSJ <= offset && offset <= Inst.maxAx - Inst.offsetSJ) {
            throw syntaxError("control structure too long")
        }
        let ins = instruction(at: pc)
        assert(ins.op == .jmp)
        setInstruction(at: pc, ins.with(sJ: offset))
    }

    /// Appends list `l2` to list `l1`.
    func concatJumps(_ l1: inout Int, _ l2: Int) throws {
        if l2 == noJump { return }
        if l1 == noJump {
            l1 = l2
            return
        }
        var list = l1
        while true {
            let next = getJump(list)
            if next == noJump { break }
            list = next
        }
        try fixJump(list, l2)
    }

    /// An unconditional jump (to be patched); returns its pc.
    func jump() -> Int {
        code(Inst.sj(.jmp, noJump))
    }

    /// A conditional test followed by its jump; returns the jump's pc.
    func condJump(_ op: Op, _ a: Int, _ b: Int, _ c: Int, k: Bool) -> Int {
        codeABC(op, a, b, c, k: k)
        return jump()
    }

    /// Marks the current position as a jump target and returns it.
    @discardableResult
    func getLabel() -> Int {
        fs.lastTarget = fs.pc
        return fs.pc
    }

    /// The instruction that controls the jump at `pc` (its test, if any).
    func jumpControlPC(_ pc: Int) -> Int {
        if pc >= 1 && instruction(at: pc - 1).op.isTest { return pc - 1 }
        return pc
    }

    /// Patches the destination register of a TESTSET (or turns it into TEST when there is
    /// no register or the value is already there). Returns false for other controls.
    func patchTestReg(_ node: Int, _ reg: Int) -> Bool {
        let ipc = jumpControlPC(node)
        let ins = instruction(at: ipc)
        if ins.op != .testset { return false }
        if reg != noReg && reg != ins.b {
            setInstruction(at: ipc, ins.with(a: reg))
        } else {
            setInstruction(at: ipc, Inst.abc(.test, ins.b, 0, 0, k: ins.k))
        }
        return true
    }

    /// Drops the values produced by the tests of a list (TESTSET -> TEST).
    func removeValues(_ list: Int) {
        var l = list
        while l != noJump {
            _ = patchTestReg(l, noReg)
            l = getJump(l)
        }
    }

    /// Patches a list: value-producing tests go to `vtarget` (storing into `reg`), the others
    /// to `dtarget`.
    func patchListAux(_ list: Int, _ vtarget: Int, _ reg: Int, _ dtarget: Int) throws {
        var l = list
        while l != noJump {
            let next = getJump(l)
            if patchTestReg(l, reg) {
                try fixJump(l, vtarget)
            } else {
                try fixJump(l, dtarget)
            }
            l = next
        }
    }

    func patchList(_ list: Int, _ target: Int) throws {
        assert(target <= fs.pc)
        try patchListAux(list, target, noReg, target)
    }

    func patchToHere(_ list: Int) throws {
        let here = getLabel()
        try patchList(list, here)
    }

    /// A jump to `target` (backward).
    func jumpTo(_ target: Int) throws {
        try patchList(jump(), target)
    }

    /// Whether any jump in the list is not a TESTSET (so it needs an explicit value).
    func needValue(_ list: Int) -> Bool {
        var l = list
        while l != noJump {
            if instruction(at: jumpControlPC(l)).op != .testset { return true }
            l = getJump(l)
        }
        return false
    }

    /// Inverts the condition of a VJMP expression.
    func negateCondition(_ e: ExpDesc) {
        let pc = jumpControlPC(e.info)
        let ins = instruction(at: pc)
        assert(ins.op.isTest && ins.op != .testset && ins.op != .test)
        setInstruction(at: pc, ins.with(k: !ins.k))
    }

    /// Emits a test of `e` that jumps when e's truth value equals `cond`.
    func jumpOnCond(_ e: inout ExpDesc, _ cond: Bool) throws -> Int {
        if e.k == .reloc {
            let ie = instruction(at: e.info)
            if ie.op == .not {
                assert(e.info == fs.pc - 1)
                removeLastInstruction()   // the NOT is the last instruction
                return condJump(.test, ie.b, 0, 0, k: !cond)
            }
        }
        try discharge2anyreg(&e)
        freeExp(e)
        return condJump(.testset, noReg, e.info, 0, k: cond)
    }

    /// Jumps over the code that follows when `e` is false (used by `and`, `if`, `while`).
    func goIfTrue(_ e: inout ExpDesc) throws {
        try dischargeVars(&e)
        let pc: Int
        switch e.k {
        case .jmp:
            negateCondition(e)
            pc = e.info
        case .k, .kflt, .kint, .kstr, .true_:
            pc = noJump            // always true
        default:
            pc = try jumpOnCond(&e, false)
        }
        try concatJumps(&e.f, pc)
        try patchToHere(e.t)
        e.t = noJump
    }

    /// Jumps over the code that follows when `e` is true (used by `or`).
    func goIfFalse(_ e: inout ExpDesc) throws {
        try dischargeVars(&e)
        let pc: Int
        switch e.k {
        case .jmp:
            pc = e.info
        case .nil_, .false_:
            pc = noJump            // always false
        default:
            pc = try jumpOnCond(&e, true)
        }
        try concatJumps(&e.t, pc)
        try patchToHere(e.f)
        e.f = noJump
    }
}
