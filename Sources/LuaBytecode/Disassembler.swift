// A `luac -l -l` style listing of compiled functions.
//
// Layout (instruction and local pcs are printed 1-based, like luac, so listings can be diffed
// against `luac5.4 -l -l`):
//
//   main <input:0,0> (5 instructions)
//   0+ params, 2 slots, 1 upvalue, 0 locals, 1 constant, 0 functions
//   	1	[1]	VARARGPREP	0
//   	2	[1]	GETTABUP 	0 0 0	; _ENV "print"
//   	...
//   constants (1):
//   	0	S	"print"
//   locals (0):
//   upvalues (1):
//   	0	_ENV	1	0
//
// Op names and operand formats come from `Op` (name, format); only the comments are specific
// to each op.

import LuaSyntax

/// Disassembles `p` (and, when `recursive`, its nested functions after it).
package func disassemble(_ p: FunctionProto, recursive: Bool = true) -> String {
    var out = ""
    disassemble(p, isMain: p.lineDefined == 0, recursive: recursive, into: &out)
    return out
}

private func disassemble(_ p: FunctionProto, isMain: Bool, recursive: Bool, into out: inout String) {
    printHeader(p, isMain: isMain, into: &out)
    printCode(p, into: &out)
    printDebug(p, into: &out)
    if recursive {
        for child in p.protos {
            out += "\n"
            disassemble(child, isMain: false, recursive: true, into: &out)
        }
    }
}

private func plural(_ n: Int) -> String { n == 1 ? "" : "s" }

/// The source name as luac shows it: without its '@' / '=' prefix, "(string)" for source text.
private func sourceName(_ s: String) -> String {
    if let f = s.first, f == "@" || f == "=" { return String(s.dropFirst()) }
    if s.first == "\u{1B}" { return "(bstring)" }
    return "(string)"
}

private func printHeader(_ p: FunctionProto, isMain: Bool, into out: inout String) {
    let n = p.code.count
    out += "\(isMain ? "main" : "function") <\(sourceName(p.source)):\(p.lineDefined),\(p.lastLineDefined)>"
    out += " (\(n) instruction\(plural(n)))\n"
    out += "\(p.numParams)\(p.isVararg ? "+" : "") param\(plural(p.numParams)), "
    out += "\(p.maxStackSize) slot\(plural(p.maxStackSize)), "
    out += "\(p.upvalues.count) upvalue\(plural(p.upvalues.count)), "
    out += "\(p.locals.count) local\(plural(p.locals.count)), "
    out += "\(p.constants.count) constant\(plural(p.constants.count)), "
    out += "\(p.protos.count) function\(plural(p.protos.count))\n"
}

/// A constant as luac prints it: strings quoted and escaped, floats with %.14g.
package func constantText(_ c: Constant) -> String {
    switch c {
    case .nil_: return "nil"
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .float(let d): return formatFloat(d)
    case .string(let s): return quotedString(s)
    }
}

private func constantType(_ c: Constant) -> String {
    switch c {
    case .nil_: return "N"
    case .bool: return "B"
    case .int: return "I"
    case .float: return "F"
    case .string: return "S"
    }
}

private func quotedString(_ s: LuaBytes) -> String {
    var out = "\""
    for b in s {
        switch b {
        case UInt8(ascii: "\""): out += "\\\""
        case UInt8(ascii: "\\"): out += "\\\\"
        case 0x07: out += "\\a"
        case 0x08: out += "\\b"
        case 0x0C: out += "\\f"
        case 0x0A: out += "\\n"
        case 0x0D: out += "\\r"
        case 0x09: out += "\\t"
        case 0x0B: out += "\\v"
        default:
            if b >= 0x20 && b < 0x7F {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                let d = String(b)
                out += "\\" + String(repeating: "0", count: 3 - d.count) + d
            }
        }
    }
    return out + "\""
}

private func printCode(_ p: FunctionProto, into out: inout String) {
    let code = p.code
    func k(_ i: Int) -> String {
        i >= 0 && i < p.constants.count ? constantText(p.constants[i]) : "?"
    }
    func upvalName(_ i: Int) -> String {
        i >= 0 && i < p.upvalues.count ? String(decoding: p.upvalues[i].name, as: UTF8.self) : "-"
    }
    func extraArg(_ pc: Int) -> Int {
        pc + 1 < code.count && code[pc + 1].op == .extraarg ? code[pc + 1].ax : 0
    }
    for pc in 0..<code.count {
        let i = code[pc]
        let op = i.op
        let isk = i.k ? "k" : ""
        let line = pc < p.lineInfo.count ? "[\(p.lineInfo[pc])]" : "[-]"
        var operands: String
        var comment: String? = nil
        let flip = i.k ? "flip" : nil
        switch op.format {
        case .iABC: operands = "\(i.a) \(i.b) \(i.c)"
        case .iABx: operands = "\(i.a) \(i.bx)"
        case .iAsBx: operands = "\(i.a) \(i.sBx)"
        case .iAx: operands = "\(i.ax)"
        case .isJ: operands = "\(i.sJ)"
        }
        switch op {
        case .move, .unm, .bnot, .not, .len, .concat:
            operands = "\(i.a) \(i.b)"
        case .loadk:
            comment = k(i.bx)
        case .loadkx:
            operands = "\(i.a)"
            comment = k(extraArg(pc))
        case .loadfalse, .lfalseskip, .loadtrue, .close, .tbc, .return1, .varargprep:
            operands = "\(i.a)"
        case .loadnil:
            operands = "\(i.a) \(i.b)"
            comment = "\(i.b + 1) out"
        case .getupval, .setupval:
            operands = "\(i.a) \(i.b)"
            comment = upvalName(i.b)
        case .gettabup:
            comment = "\(upvalName(i.b)) \(k(i.c))"
        case .getfield:
            comment = k(i.c)
        case .settabup:
            operands += isk
            comment = "\(upvalName(i.a)) \(k(i.b))" + (i.k ? " \(k(i.c))" : "")
        case .settable, .seti, .self:
            operands += isk
            if i.k { comment = k(i.c) }
        case .setfield:
            operands += isk
            comment = k(i.b) + (i.k ? " \(k(i.c))" : "")
        case .newtable:
            comment = "\(i.c + extraArg(pc) * (Inst.maxC + 1))"
        case .addi, .shri:
            operands = "\(i.a) \(i.b) \(i.sC)"
            comment = flip
        case .shli:
            operands = "\(i.a) \(i.b) \(i.sC)"
        case .addk, .subk, .mulk, .modk, .powk, .divk, .idivk, .bandk, .bork, .bxork:
            comment = k(i.c) + (i.k ? " flip" : "")
        case .jmp:
            comment = "to \(i.sJ + pc + 2)"
        case .eq, .lt, .le:
            operands = "\(i.a) \(i.b) \(i.k ? 1 : 0)"
        case .eqk:
            operands = "\(i.a) \(i.b) \(i.k ? 1 : 0)"
            comment = k(i.b)
        case .eqi, .lti, .lei, .gti, .gei:
            operands = "\(i.a) \(i.sB) \(i.k ? 1 : 0)"
            if i.c != 0 { comment = "float" }
        case .test:
            operands = "\(i.a) \(i.k ? 1 : 0)"
        case .testset:
            operands = "\(i.a) \(i.b) \(i.k ? 1 : 0)"
        case .call:
            comment = (i.b == 0 ? "all in " : "\(i.b - 1) in ") + (i.c == 0 ? "all out" : "\(i.c - 1) out")
        case .tailcall:
            operands += isk
            comment = i.b == 0 ? "all in" : "\(i.b - 1) in"
        case .return:
            operands += isk
            comment = i.b == 0 ? "all out" : "\(i.b - 1) out"
        case .return0:
            operands = ""
        case .forloop:
            comment = "to \(pc - i.bx + 2)"
        case .forprep:
            comment = "exit to \(pc + i.bx + 3)"
        case .tforprep:
            comment = "to \(pc + i.bx + 2)"
        case .tforcall:
            operands = "\(i.a) \(i.c)"
        case .tforloop:
            comment = "to \(pc - i.bx + 2)"
        case .setlist:
            if i.k { comment = "\(i.c + extraArg(pc) * (Inst.maxC + 1))" }
        case .closure:
            if i.bx < p.protos.count {
                let c = p.protos[i.bx]
                comment = "function <\(c.lineDefined),\(c.lastLineDefined)>"
            }
        case .vararg:
            operands = "\(i.a) \(i.c)"
            comment = i.c == 0 ? "all out" : "\(i.c - 1) out"
        default:
            break
        }
        out += "\t\(pc + 1)\t\(line)\t\(pad(op.name, 9))\t\(operands)"
        if let comment { out += "\t; \(comment)" }
        out += "\n"
    }
}

private func pad(_ s: String, _ n: Int) -> String {
    s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
}

private func printDebug(_ p: FunctionProto, into out: inout String) {
    out += "constants (\(p.constants.count)):\n"
    for (i, c) in p.constants.enumerated() {
        out += "\t\(i)\t\(constantType(c))\t\(constantText(c))\n"
    }
    out += "locals (\(p.locals.count)):\n"
    for (i, l) in p.locals.enumerated() {
        out += "\t\(i)\t\(String(decoding: l.name, as: UTF8.self))\t\(l.startPC + 1)\t\(l.endPC + 1)\n"
    }
    out += "upvalues (\(p.upvalues.count)):\n"
    for (i, u) in p.upvalues.enumerated() {
        out += "\t\(i)\t\(String(decoding: u.name, as: UTF8.self))\t\(u.inStack ? 1 : 0)\t\(u.index)\n"
    }
}
