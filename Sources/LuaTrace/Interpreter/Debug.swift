// Debug information recovered from bytecode: names of variables for error messages
// ("(local 'x')", "(global 'f')", "(field 'y')", "(method 'm')", "(upvalue 'u')",
// "(constant 'c')"), names of called functions for "bad argument" messages and tracebacks.
//
// Like lua5.4, names are found by symbolic execution: the instruction that last set a register
// before the current pc (ignoring sets inside a conditional block jumped over) tells where
// the value came from.

import CLuaRuntime
import LuaBytecode

extension VM {
    // MARK: names of registers

    /// Name of the local variable in register `reg` at instruction `pc` of proto p.
    func localName(_ p: ProtoPtr, register reg: Int, pc: Int) -> String? {
        guard let dbg = protoDebug[Int(p.pointee.id)] else { return nil }
        var n = reg
        for lv in dbg.locals where lv.startPC <= pc {
            if pc < lv.endPC {
                if n == 0 { return String(decoding: lv.name, as: UTF8.self) }
                n -= 1
            }
        }
        return nil
    }

    /// Number of local variables active at instruction `pc` (they occupy registers 0..<n).
    func activeLocals(_ p: ProtoPtr, pc: Int) -> Int {
        guard let dbg = protoDebug[Int(p.pointee.id)] else { return 0 }
        var n = 0
        for lv in dbg.locals where lv.startPC <= pc && pc < lv.endPC { n += 1 }
        return n
    }

    /// Local name of a register of the running Lua frame.
    func localName(register reg: Int) -> String? {
        let fi = Int(L.pointee.nci) - 1
        guard let p = frameProto(fi) else { return nil }
        return localName(p, register: reg, pc: currentPC(frame: fi))
    }

    func upvalueName(_ p: ProtoPtr, _ idx: Int) -> String {
        guard let dbg = protoDebug[Int(p.pointee.id)], idx < dbg.upvalueNames.count,
              !dbg.upvalueNames[idx].isEmpty else { return "?" }      // "": stripped binary chunk
        return dbg.upvalueNames[idx]
    }

    /// Index of the instruction being executed by Lua frame fi.
    func currentPC(frame fi: Int) -> Int {
        let ci = L.pointee.ci + fi
        let p = L.pointee.stack[Int(ci.pointee.func)].lclosure.pointee.p!
        return ci.pointee.savedpc! - UnsafePointer(p.pointee.code!) - 1
    }

    private func setsRegisterA(_ op: Op) -> Bool {
        switch op {
        case .move, .loadi, .loadf, .loadk, .loadkx, .loadfalse, .lfalseskip, .loadtrue, .getupval,
             .gettabup, .gettable, .geti, .getfield, .newtable, .`self`, .addi, .addk, .subk, .mulk, .modk,
             .powk, .divk, .idivk, .bandk, .bork, .bxork, .shri, .shli, .add, .sub, .mul, .mod, .pow, .div,
             .idiv, .band, .bor, .bxor, .shl, .shr, .unm, .bnot, .not, .len, .concat, .closure, .vararg,
             .testset, .forloop, .forprep, .tforloop:
            return true
        default:
            return false
        }
    }

    /// The pc of the instruction that last set `reg` before `lastpc`, or -1.
    func findSetRegister(_ p: ProtoPtr, lastpc: Int, reg: Int) -> Int {
        var setreg = -1
        var jmptarget = 0
        let code = p.pointee.code!
        for pc in 0..<lastpc {
            let i = code[pc]
            let op = i.op
            let a = i.a
            var change = false
            switch op {
            case .loadnil: change = a <= reg && reg <= a + i.b
            case .tforcall: change = reg >= a + 2
            case .call, .tailcall: change = reg >= a
            case .jmp:
                let dest = pc + 1 + i.sJ
                if dest <= lastpc && dest > jmptarget { jmptarget = dest }
            default:
                change = setsRegisterA(op) && reg == a
            }
            if change { setreg = pc < jmptarget ? -1 : pc }
        }
        return setreg
    }

    private func constantString(_ p: ProtoPtr, _ idx: Int) -> String? {
        guard idx < Int(p.pointee.nk) else { return nil }
        let v = p.pointee.k[idx]
        return v.isString ? LuaStr.string(v.str) : nil
    }

    /// (kind, name) for register `reg` at `lastpc`: kind is "local", "global", "field",
    /// "upvalue", "constant", "method".
    func objectName(_ p: ProtoPtr, lastpc: Int, reg: Int) -> (String, String)? {
        if let n = localName(p, register: reg, pc: lastpc) { return ("local", n) }
        let pc = findSetRegister(p, lastpc: lastpc, reg: reg)
        guard pc >= 0 else { return nil }
        let i = p.pointee.code[pc]
        switch i.op {
        case .move:
            if i.b < i.a { return objectName(p, lastpc: pc, reg: i.b) }
        case .gettabup:
            let name = constantString(p, i.c) ?? "?"
            return (upvalueName(p, i.b) == "_ENV" ? "global" : "field", name)
        case .gettable:
            var name = "?"
            if let (kind, n) = objectName(p, lastpc: pc, reg: i.c), kind == "constant" { name = n }
            return (isEnv(p, pc, i.b) ? "global" : "field", name)
        case .geti:
            return ("field", "integer index")
        case .getfield:
            return (isEnv(p, pc, i.b) ? "global" : "field", constantString(p, i.c) ?? "?")
        case .getupval:
            return ("upvalue", upvalueName(p, i.b))
        case .loadk:
            if let s = constantString(p, i.bx) { return ("constant", s) }
        case .loadkx:
            if let s = constantString(p, p.pointee.code[pc + 1].ax) { return ("constant", s) }
        case .`self`:
            let name = i.k ? constantString(p, i.c) : objectName(p, lastpc: pc, reg: i.c).flatMap { $0.0 == "constant" ? $0.1 : nil }
            return ("method", name ?? "?")
        default:
            break
        }
        return nil
    }

    private func isEnv(_ p: ProtoPtr, _ pc: Int, _ reg: Int) -> Bool {
        if let (_, n) = objectName(p, lastpc: pc, reg: reg) { return n == "_ENV" }
        return false
    }

    // MARK: messages

    /// lua's luaT_objtypename: __name from the metatable when it is a string.
    func objTypeName(_ v: Value) -> String {
        if v.isTable || v.tt == UInt64(LT_TUSERDATA), let mt = metatable(of: v) {
            let n = tableGetShortStr(mt, tmName(.name))
            if n.isString { return LuaStr.string(n.str) }
        }
        return v.typeName
    }

    func varInfoText(_ info: VarInfo) -> String {
        let fi = Int(L.pointee.nci) - 1
        guard fi >= 1, let p = frameProto(fi) else { return "" }
        switch info {
        case .none:
            return ""
        case .register(let r):
            if let (kind, name) = objectName(p, lastpc: currentPC(frame: fi), reg: r) { return " (\(kind) '\(name)')" }
            return ""
        case .upvalue(let u):
            return " (upvalue '\(upvalueName(p, u))')"
        case .constant(let c):
            if let s = constantString(p, c) { return " (constant '\(s)')" }
            return ""
        }
    }

    func typeError(_ v: Value, _ op: String, _ info: VarInfo, key: Value? = nil) -> LuaError {
        LuaError.runtime(self, "attempt to \(op) a \(objTypeName(v)) value\(varInfoText(info))")
    }

    func callError(funcIdx: Int) -> LuaError {
        let v = L.pointee.stack[funcIdx]
        var info = VarInfo.none
        if let rb = currentRegisterBase(), funcIdx >= rb {
            let fi = Int(L.pointee.nci) - 1
            let p = frameProto(fi)!
            let i = p.pointee.code[currentPC(frame: fi)]
            if i.op == .tforcall {
                return LuaError.runtime(self, "attempt to call a \(objTypeName(v)) value (for iterator 'for iterator')")
            }
            info = .register(funcIdx - rb)
        }
        return typeError(v, "call", info)
    }

    /// `position: false` for a comparison made by a library function itself (table.sort without
    /// a comparator): lua raises it from the native's own frame, which has no line.
    func compareError(_ x: Value, _ y: Value, position: Bool = true) -> LuaError {
        let t1 = objTypeName(x), t2 = objTypeName(y)
        let msg = t1 == t2 ? "attempt to compare two \(t1) values" : "attempt to compare \(t1) with \(t2)"
        return position ? LuaError.runtime(self, msg) : LuaError.plain(self, msg)
    }

    /// Name of the function running in frame fi as seen from its caller: (namewhat, name).
    func functionName(frame fi: Int) -> (String, String)? {
        guard fi >= 2 else { return nil }
        let ci = L.pointee.ci + fi
        if ci.pointee.callstatus & (LT_CIST_TAIL | LT_CIST_PCALL) != 0 { return nil }
        let caller = fi - 1
        guard let p = frameProto(caller) else { return nil }
        let pc = currentPC(frame: caller)
        let i = p.pointee.code[pc]
        switch i.op {
        case .call, .tailcall:
            return objectName(p, lastpc: pc, reg: i.a)
        case .tforcall:
            return ("for iterator", "for iterator")
        case .gettabup, .gettable, .geti, .getfield, .`self`: return ("metamethod", "index")
        case .settabup, .settable, .seti, .setfield: return ("metamethod", "newindex")
        case .addi, .addk, .add: return ("metamethod", "add")
        case .subk, .sub: return ("metamethod", "sub")
        case .mulk, .mul: return ("metamethod", "mul")
        case .modk, .mod: return ("metamethod", "mod")
        case .powk, .pow: return ("metamethod", "pow")
        case .divk, .div: return ("metamethod", "div")
        case .idivk, .idiv: return ("metamethod", "idiv")
        case .bandk, .band: return ("metamethod", "band")
        case .bork, .bor: return ("metamethod", "bor")
        case .bxork, .bxor: return ("metamethod", "bxor")
        case .shli, .shl: return ("metamethod", "shl")
        case .shri, .shr: return ("metamethod", "shr")
        case .unm: return ("metamethod", "unm")
        case .bnot: return ("metamethod", "bnot")
        case .len: return ("metamethod", "len")
        case .concat: return ("metamethod", "concat")
        case .eq, .eqk, .eqi: return ("metamethod", "eq")
        case .lt, .lti, .gti: return ("metamethod", "lt")
        case .le, .lei, .gei: return ("metamethod", "le")
        case .close, .return: return ("metamethod", "close")
        default: return nil
        }
    }

    /// "bad argument #n to 'name' (msg)" for the running native function.
    func argError(_ n: Int, _ fallbackName: String, _ msg: String) -> LuaError {
        var arg = n
        let fi = Int(L.pointee.nci) - 1
        var name = fallbackName
        if let (kind, nm) = functionName(frame: fi) {
            if kind == "method" {
                arg -= 1
                if arg == 0 { return LuaError.runtime(self, "calling '\(nm)' on bad self (\(msg))") }
            }
            name = nm
        } else if let q = qualifiedNativeName(frame: fi) {
            name = q
        }
        return LuaError.runtime(self, "bad argument #\(arg) to '\(name)' (\(msg))")
    }

    func qualifiedNativeName(frame fi: Int) -> String? {
        let v = L.pointee.stack[Int(L.pointee.ci[fi].func)]
        guard v.tt == UInt64(LT_TNATIVE) else { return nil }
        let n = nativeNames[Int(v.native.pointee.fnid)]
        return n.isEmpty ? nil : n
    }

    // MARK: traceback

    func traceback(message: String?, level: Int = 1, entryLevel: Bool = true) -> String {
        let globalNames = globalFunctionNames()
        var out = ""
        if let m = message { out += m + "\n" }
        out += "stack traceback:"
        var lines: [String] = []
        var lvl = level
        while let target = resolveLevel(lvl) {
            lvl += 1
            guard case .frame(let fi) = target else {
                if case .protectedCall(let x) = target { lines.append("\n\t[C]: in function '\(x ? "xpcall" : "pcall")'") }
                continue
            }
            let ci = L.pointee.ci + fi
            let fv = L.pointee.stack[Int(ci.pointee.func)]
            var line = "\n\t"
            if let p = frameProto(fi) {
                line += "\(shortSource(p)):\(currentLine(frame: fi)):"
                if let g = globalFunctionName(fv, globalNames) {
                    line += " in function '\(g)'"
                } else if p.pointee.linedefined == 0 {
                    line += " in main chunk"
                } else if let (kind, nm) = functionName(frame: fi) {
                    line += kind == "global" ? " in function '\(nm)'" : " in \(kind) '\(nm)'"
                } else {
                    line += " in function <\(shortSource(p)):\(p.pointee.linedefined)>"
                }
            } else {
                line += "[C]:"
                if let g = globalFunctionName(fv, globalNames) {
                    line += " in function '\(g)'"
                } else if let (kind, nm) = functionName(frame: fi) {
                    line += kind == "global" ? " in function '\(nm)'" : " in \(kind) '\(nm)'"
                } else if fv.tt == UInt64(LT_TNATIVE), let q = qualifiedNativeName(frame: fi) {
                    line += " in function '\(q)'"
                } else {
                    line += " in ?"
                }
            }
            if ci.pointee.callstatus & LT_CIST_TAIL != 0 { line += "\n\t(...tail calls...)" }
            lines.append(line)
        }
        // the C code that started the main thread is a level too (lua.c's pmain)
        if entryLevel { lines.append("\n\t[C]: in ?") }
        if lines.count > 22 {
            out += lines[0..<10].joined()
            out += "\n\t...\t(skipping \(lines.count - 22) levels)"
            out += lines[(lines.count - 11)...].joined()
        } else {
            out += lines.joined()
        }
        return out
    }
}
