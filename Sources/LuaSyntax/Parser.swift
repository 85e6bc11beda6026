// Recursive-descent parser for Lua 5.4, mirroring lparser.c's structure so that errors are
// detected in the same order, at the same token, with the same wording and line numbers.
// Statements are here; expressions are in Parser+Expressions.swift.

/// LUAI_MAXCCALLS: lua's limit on nested C calls / syntactic nesting levels.
package let luaMaxCCalls = 200

/// Default cap on the depth of the produced AST (see `parseChunk`).
package let defaultMaxSyntaxDepth = 1000

/// Parses a whole chunk. `chunkName` is lua's chunk name ("@file", "=stdin", or source text);
/// it is used for error messages only.
///
/// `cLevelBase` is the number of C levels already in use when lua would start parsing; it
/// shifts the nesting depth at which "C stack overflow" is raised. lua5.4 has 2 in use when a
/// script calls `load` and 1 when the standalone interpreter loads a script file.
///
/// `maxSyntaxDepth` caps the depth of the AST. lua's own limit (LUAI_MAXCCALLS) bounds
/// nesting, but left-associative chains (`a+b+c+...`, `a.b.c...`, `f()()()...`) are parsed
/// iteratively by lua and are unbounded there; here they would give an AST too deep to
/// traverse or even free recursively. Beyond the cap the parser raises
/// "too many syntax levels (limit is N) in main function near ..." instead.
package func parseChunk(_ source: [UInt8], chunkName: String, cLevelBase: Int = 2,
                        maxSyntaxDepth: Int = defaultMaxSyntaxDepth) throws(SyntaxError) -> Chunk {
    var p = Parser(source: source, chunkName: chunkName, cLevelBase: cLevelBase,
                   maxSyntaxDepth: maxSyntaxDepth)
    return try p.mainChunk()
}

/// luaL_loadfile skips a first line starting with '#' (e.g. "#!/usr/bin/lua") but keeps a
/// newline in its place so that line numbers stay right (it adds one even when the file has
/// no newline at all).
package func skipShebang(_ source: [UInt8]) -> [UInt8] {
    guard source.first == UInt8(ascii: "#") else { return source }
    var i = 1
    while i < source.count && source[i] != 0x0A { i += 1 }
    if i == source.count { return [0x0A] }
    return Array(source[i...])
}

/// luaL_loadfilex also skips a UTF-8 BOM before the '#' check; this does both, like it.
package func skipBOMAndShebang(_ source: [UInt8]) -> [UInt8] {
    if source.starts(with: [0xEF, 0xBB, 0xBF]) { return skipShebang(Array(source[3...])) }
    return skipShebang(source)
}

package struct Parser {
    var lex: Lexer
    /// The current token (lua's `ls->t`).
    var tok: Token
    /// The lookahead token, if scanned (lua's `ls->lookahead`).
    var ahead: Token?
    /// Nesting levels entered (lua's nCcalls increments from the parser).
    var level = 0
    let maxLevel: Int
    /// Whether the function being parsed is vararg (the main chunk is).
    var isVararg = true
    /// lua's `ls->lastline`: the line of the last token consumed.
    var lastLine = 1
    /// `linedefined` of the function being parsed (0 for the main chunk).
    var funcLine = 0
    /// Depth of the AST node (or maximum over the list of nodes) most recently produced by a
    /// parse function; composite nodes derive theirs from their children's.
    var depth = 0
    let maxDepth: Int

    init(source: [UInt8], chunkName: String, cLevelBase: Int, maxSyntaxDepth: Int) {
        lex = Lexer(source: source, chunkName: chunkName)
        tok = Token(kind: .eos, line: 1, start: 0, end: 0)
        maxLevel = luaMaxCCalls - max(0, cLevelBase)
        maxDepth = max(1, maxSyntaxDepth)
    }

    /// lua's `ls->linenumber`: the line where the most recently scanned token ends.
    @inline(__always) var lineNumber: Int { lex.line }

    // MARK: Token helpers

    // Not inlined: keeps the lexer's locals out of every recursive parser frame.
    @inline(never) mutating func next() throws(SyntaxError) {
        lastLine = lineNumber
        if let a = ahead {
            tok = a
            ahead = nil
        } else {
            tok = try lex.next()
        }
    }

    @inline(never) mutating func lookahead() throws(SyntaxError) -> TokenKind {
        if ahead == nil { ahead = try lex.next() }
        return ahead!.kind
    }

    @inline(__always) mutating func testNext(_ k: TokenKind) throws(SyntaxError) -> Bool {
        if tok.kind == k { try next(); return true }
        return false
    }

    mutating func check(_ k: TokenKind) throws(SyntaxError) {
        if tok.kind != k { throw errorExpected(k) }
    }

    mutating func checkNext(_ k: TokenKind) throws(SyntaxError) {
        try check(k)
        try next()
    }

    /// check_match: expects `what` closing `who` opened at line `whereLine`.
    mutating func checkMatch(_ what: TokenKind, _ who: TokenKind, _ whereLine: Int) throws(SyntaxError) {
        if tok.kind == what { try next(); return }
        throw matchError(what, who, whereLine)
    }

    @inline(never) mutating func matchError(_ what: TokenKind, _ who: TokenKind, _ whereLine: Int) -> SyntaxError {
        if whereLine == lineNumber { return errorExpected(what) }
        return syntaxError("\(what.token2str) expected (to close \(who.token2str) at line \(whereLine))")
    }

    @inline(never) mutating func checkName() throws(SyntaxError) -> LuaBytes {
        try check(.name)
        let s = tok.text
        try next()
        return s
    }

    // MARK: Errors

    @inline(never) mutating func syntaxError(_ msg: String) -> SyntaxError {
        SyntaxError.make(chunkName: lex.chunkName, line: lineNumber, msg: Array(msg.utf8),
                         near: tok.nearText(source: lex.source))
    }

    @inline(never) mutating func errorExpected(_ k: TokenKind) -> SyntaxError {
        syntaxError("\(k.token2str) expected")
    }

    /// luaK_semerror: like a syntax error but without the "near" part.
    @inline(never) mutating func semanticError(_ msg: [UInt8]) -> SyntaxError {
        SyntaxError.make(chunkName: lex.chunkName, line: lineNumber, msg: msg, near: nil)
    }

    @inline(__always) mutating func enterLevel() throws(SyntaxError) {
        level += 1
        if level >= maxLevel { throw SyntaxError.stackOverflow() }
    }

    @inline(__always) mutating func leaveLevel() { level -= 1 }

    /// Records the depth of the node just built and enforces `maxDepth`.
    @inline(__always) mutating func setDepth(_ d: Int) throws(SyntaxError) {
        depth = d
        if d > maxDepth { throw depthError() }
    }

    @inline(never) mutating func depthError() -> SyntaxError {
        let whereText = funcLine == 0 ? "main function" : "function at line \(funcLine)"
        return syntaxError("too many syntax levels (limit is \(maxDepth)) in \(whereText)")
    }

    // MARK: Blocks

    mutating func mainChunk() throws(SyntaxError) -> Chunk {
        try next()
        let body = try block()
        try check(.eos)
        var chunk = Chunk(body: body, chunkName: lex.chunkName)
        chunk.lastTokenLine = lastLine
        return chunk
    }

    /// block_follow
    @inline(__always) func blockFollow(withUntil: Bool) -> Bool {
        switch tok.kind {
        case .kwElse, .kwElseif, .kwEnd, .eos: return true
        case .kwUntil: return withUntil
        default: return false
        }
    }

    /// statlist: appends to `stats`; leaves `depth` = the deepest statement's depth.
    @inline(never) mutating func statList(_ stats: inout [Stat]) throws(SyntaxError) {
        var maxD = depth
        while !blockFollow(withUntil: true) {
            let isReturn = tok.kind == .kwReturn
            try statement(&stats)
            maxD = max(maxD, depth)
            if isReturn { break }                   // 'return' must be the last statement
        }
        depth = maxD
    }

    /// A block ending at the current token (end/else/elseif/until/EOF).
    @inline(never) mutating func block() throws(SyntaxError) -> Block {
        var stats: [Stat] = []
        depth = 0
        try statList(&stats)
        try setDepth(depth + 1)
        return Block(stats: stats, endLine: lineNumber)
    }

    // MARK: Statements

    /// Parses one statement and appends it (or nothing, for ';') to `stats`. Leaves `depth` =
    /// the statement's depth (0 for ';').
    @inline(never) mutating func statement(_ stats: inout [Stat]) throws(SyntaxError) {
        let line = lineNumber
        try enterLevel()
        switch tok.kind {
        case .semicolon:
            try next()
            depth = 0
        case .kwIf:
            stats.append(try ifStat(line))
        case .kwWhile:
            try next()
            let cond = try expr()
            let d = depth
            try checkNext(.kwDo)
            let body = try block()
            try checkMatch(.kwEnd, .kwWhile, line)
            try setDepth(max(d, depth) + 1)
            stats.append(.whileLoop(cond: cond, body: body, line: line))
        case .kwDo:
            try next()
            let body = try block()
            try checkMatch(.kwEnd, .kwDo, line)
            try setDepth(depth + 1)
            stats.append(.doBlock(body, line: line))
        case .kwFor:
            stats.append(try forStat(line))
        case .kwRepeat:
            try next()
            let body = try block()
            let d = depth
            try checkMatch(.kwUntil, .kwRepeat, line)
            let cond = try expr()
            try setDepth(max(d, depth) + 1)
            stats.append(.repeatLoop(body: body, cond: cond, line: line))
        case .kwFunction:
            stats.append(try funcStat(line))
        case .kwLocal:
            try next()
            if try testNext(.kwFunction) {
                stats.append(try localFunc(line))
            } else {
                stats.append(try localStat(line))
            }
        case .dbcolon:
            try next()
            let name = try checkName()
            try labelStat(name, line, &stats)
        case .kwReturn:
            try next()
            var values: [Expr] = []
            depth = 0
            if !(blockFollow(withUntil: true) || tok.kind == .semicolon) {
                values = try exprList()
            }
            _ = try testNext(.semicolon)
            try setDepth(depth + 1)
            stats.append(.returnStat(values: values, line: line))
        case .kwBreak:
            stats.append(.breakStat(line: lineNumber))
            try next()
            depth = 1
        case .kwGoto:
            try next()
            let gotoLine = lineNumber               // lua records the line of the label name
            let name = try checkName()
            stats.append(.gotoStat(label: name, line: gotoLine))
            depth = 1
        default:
            stats.append(try exprStat(line))
        }
        leaveLevel()
    }

    /// labelstat: lua also consumes the no-op statements (';' and further labels) that follow.
    @inline(never) mutating func labelStat(_ name: LuaBytes, _ line: Int, _ stats: inout [Stat]) throws(SyntaxError) {
        try checkNext(.dbcolon)
        stats.append(.label(name, line: line))
        while tok.kind == .semicolon || tok.kind == .dbcolon {
            try statement(&stats)
        }
        depth = 1
    }

    @inline(never) mutating func ifStat(_ line: Int) throws(SyntaxError) -> Stat {
        var conds: [Expr] = []
        var blocks: [Block] = []
        var maxD = 0
        repeat {                                    // IF/ELSEIF cond THEN block
            let (c, b) = try testThenBlock()
            maxD = max(maxD, depth)
            conds.append(c)
            blocks.append(b)
        } while tok.kind == .kwElseif
        var elseBlock: Block? = nil
        if try testNext(.kwElse) {
            elseBlock = try block()
            maxD = max(maxD, depth)
        }
        try checkMatch(.kwEnd, .kwIf, line)
        try setDepth(maxD + 1)
        return .ifStat(conds: conds, blocks: blocks, elseBlock: elseBlock, line: line)
    }

    /// test_then_block; leaves `depth` = max(condition, block).
    @inline(never) mutating func testThenBlock() throws(SyntaxError) -> (Expr, Block) {
        try next()                                  // skip IF or ELSEIF
        let cond = try expr()
        let condDepth = depth
        try checkNext(.kwThen)
        var stats: [Stat] = []
        depth = 0
        if tok.kind == .kwBreak {                   // 'if x then break': lua parses the break
            stats.append(.breakStat(line: lineNumber))  // without entering a statement level
            try next()
            depth = 1
            while try testNext(.semicolon) {}
            if blockFollow(withUntil: false) {
                try setDepth(max(condDepth, 2))
                return (cond, Block(stats: stats, endLine: lineNumber))
            }
        }
        try statList(&stats)
        try setDepth(max(condDepth, depth + 1))
        return (cond, Block(stats: stats, endLine: lineNumber))
    }

    @inline(never) mutating func forStat(_ line: Int) throws(SyntaxError) -> Stat {
        try next()                                  // skip 'for'
        let v1 = try checkName()
        let result: Stat
        switch tok.kind {
        case .assign:
            try next()
            let start = try expr()
            var d = depth
            try checkNext(.comma)
            let limit = try expr()
            d = max(d, depth)
            var step: Expr? = nil
            if try testNext(.comma) {
                step = try expr()
                d = max(d, depth)
            }
            try checkNext(.kwDo)
            let body = try block()
            try setDepth(max(d, depth) + 1)
            result = .numericFor(name: v1, start: start, limit: limit, step: step, body: body, line: line)
        case .comma, .kwIn:
            var names = [v1]
            while try testNext(.comma) { names.append(try checkName()) }
            try checkNext(.kwIn)
            let exprs = try exprList()
            let d = depth
            try checkNext(.kwDo)
            let body = try block()
            try setDepth(max(d, depth) + 1)
            result = .genericFor(names: names, exprs: exprs, body: body, line: line)
        default:
            throw syntaxError("'=' or 'in' expected")
        }
        let d = depth
        try checkMatch(.kwEnd, .kwFor, line)
        depth = d
        return result
    }

    /// funcstat: `function a.b.c:m() ... end`.
    @inline(never) mutating func funcStat(_ line: Int) throws(SyntaxError) -> Stat {
        try next()                                  // skip FUNCTION
        let nameLine = lineNumber
        var fullName = try checkName()
        var target = Expr.name(fullName, line: nameLine)
        var targetDepth = 1
        var isMethod = false
        while tok.kind == .dot {
            (target, fullName) = try fieldSel(target, fullName)
            targetDepth += 1
        }
        if tok.kind == .colon {
            isMethod = true
            (target, fullName) = try fieldSel(target, fullName)
            targetDepth += 1
        }
        try setDepth(targetDepth)
        var body = try funcBody(isMethod: isMethod, line: line)
        body.name = fullName
        try setDepth(max(targetDepth, depth) + 1)
        return .function(target: target, body: body, line: line)
    }

    /// fieldsel for function names; also accumulates the dotted name for diagnostics.
    private mutating func fieldSel(_ obj: Expr, _ fullName: LuaBytes) throws(SyntaxError) -> (Expr, LuaBytes) {
        let sepByte = tok.kind == .colon ? UInt8(ascii: ":") : UInt8(ascii: ".")
        try next()                                  // skip the dot or colon
        let keyLine = lineNumber
        let key = try checkName()
        return (.index(obj, .string(key, line: keyLine), line: keyLine), fullName + [sepByte] + key)
    }

    @inline(never) mutating func localFunc(_ line: Int) throws(SyntaxError) -> Stat {
        let name = try checkName()
        var body = try funcBody(isMethod: false, line: lineNumber)
        body.name = name
        try setDepth(depth + 1)
        return .localFunction(name: name, body: body, line: line)
    }

    @inline(never) mutating func localStat(_ line: Int) throws(SyntaxError) -> Stat {
        var names: [LuaBytes] = []
        var attribs: [LocalAttrib] = []
        var hasClose = false
        repeat {
            names.append(try checkName())
            var attrib = LocalAttrib.none
            if try testNext(.lt) {                  // ATTRIB -> ['<' Name '>']
                let a = try checkName()
                try checkNext(.gt)
                if a == Array("const".utf8) {
                    attrib = .const
                } else if a == Array("close".utf8) {
                    attrib = .close
                } else {
                    throw semanticError(Array("unknown attribute '".utf8) + a + [UInt8(ascii: "'")])
                }
            }
            if attrib == .close {
                if hasClose {
                    throw semanticError(Array("multiple to-be-closed variables in local list".utf8))
                }
                hasClose = true
            }
            attribs.append(attrib)
        } while try testNext(.comma)
        var values: [Expr] = []
        depth = 0
        if try testNext(.assign) {
            values = try exprList()
        }
        try setDepth(depth + 1)
        return .local(names: names, attribs: attribs, values: values, line: line)
    }

    /// exprstat: a call, or an assignment (restassign).
    @inline(never) mutating func exprStat(_ line: Int) throws(SyntaxError) -> Stat {
        let first = try suffixedExpr()
        var d = depth
        if tok.kind == .assign || tok.kind == .comma {
            var targets = [first]
            try checkAssignable(first)
            var extraLevels = 0
            while try testNext(.comma) {
                let t = try suffixedExpr()
                d = max(d, depth)
                extraLevels += 1
                try enterLevel()                    // restassign recursion in lua
                try checkAssignable(t)
                targets.append(t)
            }
            try checkNext(.assign)
            let values = try exprList()
            level -= extraLevels
            try setDepth(max(d, depth) + 1)
            return .assign(targets: targets, values: values, line: line)
        }
        switch first {
        case .call, .method:
            try setDepth(d + 1)
            return .call(first, line: line)
        default:
            throw syntaxError("syntax error")
        }
    }

    private mutating func checkAssignable(_ e: Expr) throws(SyntaxError) {
        switch e {
        case .name, .index: return
        default: throw syntaxError("syntax error")
        }
    }
}
