// A compact S-expression dump of the AST, used by the tests to check tree shapes.
// With `lines: true` every node is suffixed with `@line`.

import LuaSyntax

struct ASTDump {
    var lines = false

    func str(_ b: LuaBytes) -> String {
        var s = "\""
        for c in b {
            switch c {
            case 0x22: s += "\\\""
            case 0x5C: s += "\\\\"
            case 0x0A: s += "\\n"
            case 0x20..<0x7F: s += String(UnicodeScalar(c))
            default: s += "\\\(c)"
            }
        }
        return s + "\""
    }

    func name(_ b: LuaBytes) -> String { String(decoding: b, as: UTF8.self) }

    func at(_ l: Int) -> String { lines ? "@\(l)" : "" }

    func expr(_ e: Expr) -> String {
        switch e {
        case .nil_(let l): return "nil" + at(l)
        case .true_(let l): return "true" + at(l)
        case .false_(let l): return "false" + at(l)
        case .vararg(let l): return "..." + at(l)
        case .integer(let v, let l): return "\(v)" + at(l)
        case .float(let v, let l): return "\(v)f" + at(l)
        case .string(let s, let l): return str(s) + at(l)
        case .name(let n, let l): return name(n) + at(l)
        case .index(let o, let k, let l): return "(index\(at(l)) \(expr(o)) \(expr(k)))"
        case .call(let f, let args, let l):
            return "(call\(at(l)) \(expr(f))" + args.map { " " + expr($0) }.joined() + ")"
        case .method(let o, let n, let args, let l):
            return "(method\(at(l)) \(expr(o)) \(name(n))" + args.map { " " + expr($0) }.joined() + ")"
        case .function(let f): return function(f)
        case .binary(let op, let a, let b, let l): return "(\(op)\(at(l)) \(expr(a)) \(expr(b)))"
        case .unary(let op, let a, let l): return "(\(op)\(at(l)) \(expr(a)))"
        case .paren(let a): return "(paren \(expr(a)))"
        case .table(let fields, let l):
            let fs = fields.map { f -> String in
                switch f {
                case .positional(let v): return " " + expr(v)
                case .named(let n, let v): return " (\(name(n))= \(expr(v)))"
                case .keyed(let k, let v): return " ([\(expr(k))]= \(expr(v)))"
                }
            }
            return "(table\(at(l))" + fs.joined() + ")"
        }
    }

    func function(_ f: FunctionBody) -> String {
        var s = "(function"
        if lines { s += "@\(f.line)-\(f.endLine)" }
        if let n = f.name { s += " :name " + name(n) }
        if f.isMethod { s += " :method" }
        s += " (" + f.params.map(name).joined(separator: " ") + (f.isVararg ? (f.params.isEmpty ? "..." : " ...") : "") + ")"
        return s + " " + block(f.body) + ")"
    }

    func block(_ b: Block) -> String {
        "[" + b.stats.map(stat).joined(separator: " ") + "]" + (lines ? "@\(b.endLine)" : "")
    }

    func list(_ es: [Expr]) -> String { es.map(expr).joined(separator: " ") }

    func stat(_ s: Stat) -> String {
        switch s {
        case .assign(let t, let v, let l): return "(set\(at(l)) (\(list(t))) (\(list(v))))"
        case .local(let names, let attribs, let values, let l):
            let ns = zip(names, attribs).map { n, a in name(n) + (a == .none ? "" : "<\(a)>") }
            return "(local\(at(l)) (\(ns.joined(separator: " "))) (\(list(values))))"
        case .call(let e, let l): return "(do\(at(l)) \(expr(e)))"
        case .doBlock(let b, let l): return "(block\(at(l)) \(block(b)))"
        case .whileLoop(let c, let b, let l): return "(while\(at(l)) \(expr(c)) \(block(b)))"
        case .repeatLoop(let b, let c, let l): return "(repeat\(at(l)) \(block(b)) \(expr(c)))"
        case .ifStat(let conds, let blocks, let e, let l):
            var s = "(if\(at(l))"
            for (c, b) in zip(conds, blocks) { s += " \(expr(c)) \(block(b))" }
            if let e { s += " else \(block(e))" }
            return s + ")"
        case .numericFor(let v, let a, let b, let c, let body, let l):
            return "(fornum\(at(l)) \(name(v)) \(expr(a)) \(expr(b))" + (c.map { " " + expr($0) } ?? "") + " \(block(body)))"
        case .genericFor(let names, let exprs, let body, let l):
            return "(forin\(at(l)) (\(names.map(name).joined(separator: " "))) (\(list(exprs))) \(block(body)))"
        case .function(let t, let body, let l): return "(fundef\(at(l)) \(expr(t)) \(function(body)))"
        case .localFunction(let n, let body, let l): return "(localfun\(at(l)) \(name(n)) \(function(body)))"
        case .returnStat(let v, let l): return "(return\(at(l))" + v.map { " " + expr($0) }.joined() + ")"
        case .breakStat(let l): return "break" + at(l)
        case .gotoStat(let n, let l): return "(goto\(at(l)) \(name(n)))"
        case .label(let n, let l): return "(label\(at(l)) \(name(n)))"
        }
    }

    func chunk(_ c: Chunk) -> String { block(c.body) }
}
