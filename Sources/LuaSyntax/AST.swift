// The abstract syntax tree produced by the parser and consumed by the bytecode compiler.
//
// Invariants:
// - Every node carries the source line where it starts (`line`); binary/call nodes carry the
//   line of their operator / opening parenthesis, which is the line lua5.4 reports for errors.
// - Names are raw byte strings (Lua identifiers are ASCII, but string literals may hold any
//   byte, so all text is [UInt8]).
// - The parser has already resolved nothing: scoping (locals, upvalues, globals, goto/labels)
//   is the compiler's job. The parser does check syntax-only rules (e.g. `...` outside a vararg
//   function, unknown attribs) so that syntax errors come with lua5.4's wording.

package typealias LuaBytes = [UInt8]

package enum BinaryOp: UInt8, Sendable {
    case add, sub, mul, div, idiv, mod, pow       // arithmetic
    case band, bor, bxor, shl, shr                 // bitwise
    case concat                                    // ..
    case eq, ne, lt, le, gt, ge                    // comparison
    case and, or                                   // logical (short-circuit)
}

package enum UnaryOp: UInt8, Sendable {
    case neg      // -
    case not      // not
    case len      // #
    case bnot     // ~
}

package indirect enum Expr: Sendable {
    case nil_(line: Int)
    case true_(line: Int)
    case false_(line: Int)
    case vararg(line: Int)                                  // ...
    case integer(Int64, line: Int)                          // integer numeral (already converted; wraps like lua for hex)
    case float(Double, line: Int)                           // float numeral
    case string(LuaBytes, line: Int)                        // string literal, escapes decoded
    case name(LuaBytes, line: Int)                          // a variable reference
    case index(Expr, Expr, line: Int)                       // obj[key]; `a.b` is index(a, .string("b"))
    case call(Expr, [Expr], line: Int)                      // f(args); f"str" and f{...} too
    case method(Expr, LuaBytes, [Expr], line: Int)          // obj:name(args)
    case function(FunctionBody)                             // function ... end
    case binary(BinaryOp, Expr, Expr, line: Int)
    case unary(UnaryOp, Expr, line: Int)
    case paren(Expr)                                        // (e): truncates to one value
    case table([TableField], line: Int)                     // { ... }

    package var line: Int {
        switch self {
        case .nil_(let l), .true_(let l), .false_(let l), .vararg(let l): return l
        case .integer(_, let l), .float(_, let l), .string(_, let l), .name(_, let l): return l
        case .index(_, _, let l), .call(_, _, let l), .method(_, _, _, let l): return l
        case .function(let f): return f.line
        case .binary(_, _, _, let l), .unary(_, _, let l), .table(_, let l): return l
        case .paren(let e): return e.line
        }
    }

    /// True for expressions that may produce several values (calls and `...`).
    package var isMultiValued: Bool {
        switch self {
        case .call, .method, .vararg: return true
        default: return false
        }
    }
}

package enum TableField: Sendable {
    case positional(Expr)               // { e }
    case named(LuaBytes, Expr)          // { name = e }
    case keyed(Expr, Expr)              // { [k] = e }
}

package enum LocalAttrib: UInt8, Sendable {
    case none, const, close
}

package struct FunctionBody: Sendable {
    package var params: [LuaBytes]
    package var isVararg: Bool
    package var body: Block
    package var line: Int           // line of `function`
    package var endLine: Int        // line of the closing `end`
    package var name: LuaBytes?     // for diagnostics only ("function 'foo'"), may be nil
    package var isMethod: Bool      // `function a:b()`: `self` was prepended to params

    package init(params: [LuaBytes], isVararg: Bool, body: Block, line: Int, endLine: Int,
                 name: LuaBytes? = nil, isMethod: Bool = false) {
        self.params = params; self.isVararg = isVararg; self.body = body
        self.line = line; self.endLine = endLine; self.name = name; self.isMethod = isMethod
    }
}

package struct Block: Sendable {
    package var stats: [Stat]
    package var endLine: Int        // line of the token that closes the block (end/until/else/EOF)
    package init(stats: [Stat], endLine: Int) { self.stats = stats; self.endLine = endLine }
}

package indirect enum Stat: Sendable {
    /// `a, b.c, d[e] = exprs` — targets are .name or .index expressions.
    case assign(targets: [Expr], values: [Expr], line: Int)
    /// `local a <const>, b = exprs`
    case local(names: [LuaBytes], attribs: [LocalAttrib], values: [Expr], line: Int)
    /// A call used as a statement (.call or .method).
    case call(Expr, line: Int)
    case doBlock(Block, line: Int)
    case whileLoop(cond: Expr, body: Block, line: Int)
    /// `repeat body until cond`; cond sees the body's locals.
    case repeatLoop(body: Block, cond: Expr, line: Int)
    /// `if c1 then b1 elseif c2 then b2 else b3 end`
    case ifStat(conds: [Expr], blocks: [Block], elseBlock: Block?, line: Int)
    /// `for v = start, limit [, step] do body end`
    case numericFor(name: LuaBytes, start: Expr, limit: Expr, step: Expr?, body: Block, line: Int)
    /// `for n1, n2 in exprs do body end`
    case genericFor(names: [LuaBytes], exprs: [Expr], body: Block, line: Int)
    /// `function a.b.c:m() end` — target is the name/index expression assigned to.
    case function(target: Expr, body: FunctionBody, line: Int)
    /// `local function f() end` (f is in scope inside its own body)
    case localFunction(name: LuaBytes, body: FunctionBody, line: Int)
    case returnStat(values: [Expr], line: Int)
    case breakStat(line: Int)
    case gotoStat(label: LuaBytes, line: Int)
    case label(LuaBytes, line: Int)
}

/// A parsed chunk: the main function is always vararg with no named parameters.
package struct Chunk: Sendable {
    package var body: Block
    package var chunkName: String     // e.g. "@script.lua", "=stdin", or the source itself
    /// Line where the last token before <eof> ends (1 if there is none): lua's `lastline` when it
    /// emits the main function's final RETURN. (`body.endLine` is the <eof> line, where lua
    /// reports pending goto/break errors of the main function.)
    package var lastTokenLine: Int = 1
    package init(body: Block, chunkName: String) { self.body = body; self.chunkName = chunkName }
}
