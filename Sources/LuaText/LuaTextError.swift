// Error type shared by every LuaText algorithm.
//
// Two shapes, mirroring the two ways Lua's C library reports errors:
//   * `argument == nil`  -> a plain `luaL_error` message, e.g.
//                           "invalid conversion '%y' to 'format'".
//   * `argument == N`    -> a `luaL_argerror(L, N, message)`, which the VM renders as
//                           "bad argument #N to 'fname' (message)" (adjusting for
//                           method calls exactly like luaL_argerror does).
// `message` is raw bytes because some messages quote user bytes (format specs,
// option characters) that need not be valid UTF-8.

package struct LuaTextError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The message bytes (without any "bad argument" prefix or position info).
    package var message: [UInt8]
    /// 1-based Lua argument index for argument errors, nil for plain errors.
    package var argument: Int?

    package init(_ message: [UInt8], argument: Int? = nil) {
        self.message = message
        self.argument = argument
    }

    package init(_ message: String, argument: Int? = nil) {
        self.message = Array(message.utf8)
        self.argument = argument
    }

    /// Renders the message the way lua5.4 does when the function is called as a
    /// plain function named `function` (no method-call adjustment).
    package func rendered(function: String) -> [UInt8] {
        guard let arg = argument else { return message }
        var out: [UInt8] = Array("bad argument #\(arg) to '\(function)' (".utf8)
        out.append(contentsOf: message)
        out.append(UInt8(ascii: ")"))
        return out
    }

    package var description: String {
        let text = String(decoding: message, as: UTF8.self)
        if let arg = argument { return "bad argument #\(arg) (\(text))" }
        return text
    }

    // Common argument errors (wording of lauxlib.c).
    static func typeError(_ arg: Int, expected: String, got: [UInt8]) -> LuaTextError {
        var m = Array("\(expected) expected, got ".utf8)
        m.append(contentsOf: got)
        return LuaTextError(m, argument: arg)
    }
}
