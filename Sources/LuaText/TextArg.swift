// A Lua value as seen by string.format / string.pack argument fetching.
//
// The VM converts its value to a TextArg (cheaply, without coercions); LuaText then
// applies lauxlib's luaL_checkinteger / luaL_checknumber / luaL_checklstring rules
// itself, so every error message ("number expected, got table", "number has no
// integer representation", ...) comes out with lua5.4's exact wording and the right
// argument index.

package enum TextArg: Equatable, Sendable {
    case int(Int64)
    case float(Double)
    case string([UInt8])
    case nilValue
    case bool(Bool)
    /// Address for '%p' (0 = NULL, printed as "(null)").
    case pointer(UInt)
    /// Any other value (table, function, userdata, thread). `typeName` is what
    /// luaL_typeerror would print: the `__name` metafield if it is a string,
    /// "light userdata" for light userdata, else the basic type name.
    case other(typeName: [UInt8])
    /// The argument does not exist (past the top of the stack).
    case absent
}

extension TextArg {
    /// Type name used in "X expected, got <name>".
    var typeNameForError: [UInt8] {
        switch self {
        case .int, .float: return Array("number".utf8)
        case .string: return Array("string".utf8)
        case .nilValue: return Array("nil".utf8)
        case .bool: return Array("boolean".utf8)
        case .pointer: return Array("userdata".utf8)
        case .other(let n): return n
        case .absent: return Array("no value".utf8)
        }
    }

    /// luaL_checkinteger.
    func checkInteger(_ arg: Int) throws(LuaTextError) -> Int64 {
        switch self {
        case .int(let i): return i
        case .float(let d):
            if let i = floatToIntExact(d) { return i }
            throw LuaTextError("number has no integer representation", argument: arg)
        case .string(let s):
            switch parseNumber(s) {
            case .int(let i)?: return i
            case .float(let d)?:
                if let i = floatToIntExact(d) { return i }
                throw LuaTextError("number has no integer representation", argument: arg)
            case nil: break
            }
        default: break
        }
        throw LuaTextError.typeError(arg, expected: "number", got: typeNameForError)
    }

    /// luaL_checknumber.
    func checkNumber(_ arg: Int) throws(LuaTextError) -> Double {
        switch self {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .string(let s):
            switch parseNumber(s) {
            case .int(let i)?: return Double(i)
            case .float(let d)?: return d
            case nil: break
            }
        default: break
        }
        throw LuaTextError.typeError(arg, expected: "number", got: typeNameForError)
    }

    /// luaL_checklstring (numbers are converted like lua_tolstring does).
    func checkString(_ arg: Int) throws(LuaTextError) -> [UInt8] {
        switch self {
        case .string(let s): return s
        case .int(let i): return formatInt(i)
        case .float(let d): return formatFloat(d)
        default:
            throw LuaTextError.typeError(arg, expected: "string", got: typeNameForError)
        }
    }
}
