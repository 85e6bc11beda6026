// Expressions (lparser.c: subexpr, simpleexp, suffixedexp, primaryexp, constructor, body).

/// Operator priorities (left, right) from lparser.c.
@inline(__always) private func priority(_ op: BinaryOp) -> (left: Int, right: Int) {
    switch op {
    case .add, .sub: return (10, 10)
    case .mul, .div, .idiv, .mod: return (11, 11)
    case .pow: return (14, 13)                      // right associative
    case .band: return (6, 6)
    case .bor: return (4, 4)
    case .bxor: return (5, 5)
    case .shl, .shr: return (7, 7)
    case .concat: return (9, 8)                     // right associative
    case .eq, .ne, .lt, .le, .gt, .ge: return (3, 3)
    case .and: return (2, 2)
    case .or: return (1, 1)
    }
}

/// Priority of unary operators.
private let unaryPriority = 12

@inline(__always) private func binaryOp(_ k: TokenKind) -> BinaryOp? {
    switch k {
    case .plus: return .add
    case .minus: return .sub
    case .star: return .mul
    case .percent: return .mod
    case .caret: return .pow
    case .slash: return .div
    case .idiv: return .idiv
    case .amp: return .band
    case .pipe: return .bor
    case .tilde: return .bxor
    case .shl: return .shl
    case .shr: return .shr
    case .concat: return .concat
    case .ne: return .ne
    case .eq: return .eq
    case .lt: return .lt
    case .le: return .le
    case .gt: return .gt
    case .ge: return .ge
    case .kwAnd: return .and
    case .kwOr: return .or
    default: return nil
    }
}

@inline(__always) private func unaryOp(_ k: TokenKind) -> UnaryOp? {
    switch k {
    case .kwNot: return .not
    case .minus: return .neg
    case .tilde: return .bnot
    case .hash: return .len
    default: return nil
    }
}

// Every function below leaves `depth` = the depth of the expression it returns (for lists:
// the maximum over the list, 0 when empty).
extension Parser {
    mutating func expr() throws(SyntaxError) -> Expr {
        try subExpr(0).0
    }

    /// explist -> expr { ',' expr }
    @inline(never) mutating func exprList() throws(SyntaxError) -> [Expr] {
        var list = [try expr()]
        var d = depth
        while try testNext(.comma) {
            list.append(try expr())
            d = max(d, depth)
        }
        depth = d
        return list
    }

    /// subexpr -> (simpleexp | unop subexpr) { binop subexpr }, where binop is any binary
    /// operator with a priority higher than `limit`. Returns the first untreated operator.
    @inline(never) mutating func subExpr(_ limit: Int) throws(SyntaxError) -> (Expr, BinaryOp?) {
        try enterLevel()
        var e: Expr
        if let uop = unaryOp(tok.kind) {
            let line = lineNumber
            try next()                              // skip operator
            let (operand, _) = try subExpr(unaryPriority)
            e = .unary(uop, operand, line: line)
            try setDepth(depth + 1)
        } else {
            e = try simpleExpr()
        }
        var op = binaryOp(tok.kind)
        while let o = op {
            let prio = priority(o)
            if prio.left <= limit { break }
            let line = lineNumber
            let d = depth
            try next()                              // skip operator
            let (rhs, nextOp) = try subExpr(prio.right)
            e = .binary(o, e, rhs, line: line)
            try setDepth(max(d, depth) + 1)
            op = nextOp
        }
        leaveLevel()
        return (e, op)
    }

    /// simpleexp -> FLT | INT | STRING | NIL | TRUE | FALSE | ... | constructor
    ///              | FUNCTION body | suffixedexp
    @inline(never) mutating func simpleExpr() throws(SyntaxError) -> Expr {
        let line = lineNumber
        let e: Expr
        switch tok.kind {
        case .float: e = .float(tok.floatValue, line: line)
        case .int: e = .integer(tok.intValue, line: line)
        case .string: e = .string(tok.text, line: line)
        case .kwNil: e = .nil_(line: line)
        case .kwTrue: e = .true_(line: line)
        case .kwFalse: e = .false_(line: line)
        case .dots:
            if !isVararg { throw syntaxError("cannot use '...' outside a vararg function") }
            e = .vararg(line: line)
        case .lbrace:
            return try constructor()
        case .kwFunction:
            try next()
            let f = try funcBody(isMethod: false, line: lineNumber)
            try setDepth(depth + 1)
            return .function(f)
        default:
            return try suffixedExpr()
        }
        try next()
        depth = 1
        return e
    }

    /// primaryexp -> NAME | '(' expr ')'
    @inline(never) mutating func primaryExpr() throws(SyntaxError) -> Expr {
        switch tok.kind {
        case .lparen:
            let line = lineNumber
            try next()
            let e = try expr()
            let d = depth
            try checkMatch(.rparen, .lparen, line)
            try setDepth(d + 1)
            return .paren(e)
        case .name:
            let e = Expr.name(tok.text, line: lineNumber)
            try next()
            depth = 1
            return e
        default:
            throw syntaxError("unexpected symbol")
        }
    }

    /// suffixedexp -> primaryexp { '.' NAME | '[' exp ']' | ':' NAME funcargs | funcargs }
    @inline(never) mutating func suffixedExpr() throws(SyntaxError) -> Expr {
        // Every call in the chain reports the line where the chain starts (like lua).
        let line = lineNumber
        var e = try primaryExpr()
        var d = depth
        while true {
            switch tok.kind {
            case .dot:
                try next()
                let keyLine = lineNumber
                let key = try checkName()
                e = .index(e, .string(key, line: keyLine), line: keyLine)
                d += 1
            case .lbracket:
                try next()
                let key = try expr()
                let closeLine = lineNumber
                try checkNext(.rbracket)
                e = .index(e, key, line: closeLine)
                d = max(d, depth) + 1
            case .colon:
                try next()
                let name = try checkName()
                let args = try funcArgs(line)
                e = .method(e, name, args, line: line)
                d = max(d, depth) + 1
            case .lparen, .string, .lbrace:
                let args = try funcArgs(line)
                e = .call(e, args, line: line)
                d = max(d, depth) + 1
            default:
                depth = d
                return e
            }
            try setDepth(d)
        }
    }

    /// funcargs -> '(' [ explist ] ')' | constructor | STRING
    @inline(never) mutating func funcArgs(_ line: Int) throws(SyntaxError) -> [Expr] {
        switch tok.kind {
        case .lparen:
            try next()
            var args: [Expr] = []
            depth = 0
            if tok.kind != .rparen { args = try exprList() }
            let d = depth
            try checkMatch(.rparen, .lparen, line)
            depth = d
            return args
        case .lbrace:
            return [try constructor()]
        case .string:
            let s = Expr.string(tok.text, line: lineNumber)
            try next()
            depth = 1
            return [s]
        default:
            throw syntaxError("function arguments expected")
        }
    }

    /// constructor -> '{' [ field { sep field } [sep] ] '}'
    @inline(never) mutating func constructor() throws(SyntaxError) -> Expr {
        let line = lineNumber
        try checkNext(.lbrace)
        var fields: [TableField] = []
        var d = 0
        repeat {
            if tok.kind == .rbrace { break }
            switch tok.kind {
            case .name:
                if try lookahead() != .assign {     // listfield
                    fields.append(.positional(try expr()))
                } else {                            // recfield: NAME = exp
                    let key = try checkName()
                    try checkNext(.assign)
                    fields.append(.named(key, try expr()))
                }
                d = max(d, depth)
            case .lbracket:                         // recfield: '[' exp ']' = exp
                try next()
                let key = try expr()
                d = max(d, depth)
                try checkNext(.rbracket)
                try checkNext(.assign)
                fields.append(.keyed(key, try expr()))
                d = max(d, depth)
            default:
                fields.append(.positional(try expr()))
                d = max(d, depth)
            }
        } while try testNext(.comma) ? true : testNext(.semicolon)
        try checkMatch(.rbrace, .lbrace, line)
        try setDepth(d + 1)
        return .table(fields, line: line)
    }

    /// body -> '(' parlist ')' block END
    @inline(never) mutating func funcBody(isMethod: Bool, line: Int) throws(SyntaxError) -> FunctionBody {
        var params: [LuaBytes] = isMethod ? [Array("self".utf8)] : []
        var vararg = false
        try checkNext(.lparen)
        if tok.kind != .rparen {                    // parlist -> [ {NAME ','} (NAME | '...') ]
            repeat {
                switch tok.kind {
                case .name:
                    params.append(tok.text)
                    try next()
                case .dots:
                    try next()
                    vararg = true
                default:
                    throw syntaxError("<name> or '...' expected")
                }
            } while try (vararg ? false : testNext(.comma))
        }
        try checkNext(.rparen)
        let savedVararg = isVararg, savedLine = funcLine
        isVararg = vararg
        funcLine = line
        var stats: [Stat] = []
        depth = 0
        try statList(&stats)
        let d = depth
        let endLine = lineNumber
        try checkMatch(.kwEnd, .kwFunction, line)
        isVararg = savedVararg
        funcLine = savedLine
        try setDepth(d + 2)                         // block + function body
        return FunctionBody(params: params, isVararg: vararg, body: Block(stats: stats, endLine: endLine),
                            line: line, endLine: endLine, name: nil, isMethod: isMethod)
    }
}
