// Compile-time errors, formatted exactly like lua5.4's (luaX_syntaxerror / luaK_semerror).

/// A compile error. `message` is the complete text lua5.4 would produce, e.g.
/// `input:3: '=' expected near 'x'` or `[string "x = "]:1: unexpected symbol near <eof>`.
package struct SyntaxError: Error, Sendable, CustomStringConvertible {
    /// The exact message bytes (a `near` excerpt may hold arbitrary, non-UTF-8 bytes).
    package var messageBytes: [UInt8]
    /// True for lua's "C stack overflow" (nesting too deep). Its message carries no position,
    /// because lua raises it as a runtime error from inside the parser.
    package var isStackOverflow: Bool = false

    /// The message as a String (invalid UTF-8 bytes, if any, are replaced).
    package var message: String {
        get { String(decoding: messageBytes, as: UTF8.self) }
        set { messageBytes = Array(newValue.utf8) }
    }

    package init(message: String) { self.messageBytes = Array(message.utf8) }
    package init(messageBytes: [UInt8]) { self.messageBytes = messageBytes }

    package var description: String { message }

    /// Builds `chunkid:line: msg near NEAR` (or without ` near ...` when `near` is nil, which is
    /// how lua formats semantic errors such as "attempt to assign to const variable 'x'",
    /// "break outside a loop at line N" or "no visible label 'x' for <goto> at line N").
    /// `near` is the already formatted token text, e.g. `'x'`, `'='` or `<eof>`
    /// (see `Token.nearText`).
    package static func make(chunkName: String, line: Int, msg: String, near: String? = nil) -> SyntaxError {
        make(chunkName: chunkName, line: line, msg: Array(msg.utf8), near: near.map { Array($0.utf8) })
    }

    /// Byte-level variant of `make(chunkName:line:msg:near:)`.
    package static func make(chunkName: String, line: Int, msg: [UInt8], near: [UInt8]?) -> SyntaxError {
        var out = chunkIDBytes(Array(chunkName.utf8))
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: Array(String(line).utf8))
        out.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
        out.append(contentsOf: msg)
        if let near {
            out.append(contentsOf: Array(" near ".utf8))
            out.append(contentsOf: near)
        }
        return SyntaxError(messageBytes: out)
    }

    /// lua's "C stack overflow" (too many nested syntactic levels; LUAI_MAXCCALLS).
    package static func stackOverflow() -> SyntaxError {
        var e = SyntaxError(message: "C stack overflow")
        e.isStackOverflow = true
        return e
    }

    /// Quotes a name for messages: `'name'`.
    package static func quoted(_ bytes: [UInt8]) -> [UInt8] {
        [UInt8(ascii: "'")] + bytes + [UInt8(ascii: "'")]
    }
}
