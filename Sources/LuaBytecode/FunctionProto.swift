// The compiler's output: a pure-Swift description of one function (and, recursively, the
// functions nested in it). The runtime loads it into its own heap objects (LTProto), interning
// string constants; nothing here refers to runtime memory.
//
// Invariants:
// - `code.count == lineInfo.count`; lineInfo[pc] is the source line of instruction pc.
// - `maxStackSize` >= numParams, and covers every register any instruction touches (+ the
//   call-frame scratch the VM needs is added by the VM, not here). At most 255.
// - Upvalue i of a closure is taken from the enclosing function's register `index` when
//   `inStack`, else from the enclosing function's upvalue `index`. The main chunk has exactly
//   one upvalue, `_ENV`, with inStack = true, index = 0 (filled by the loader).
// - `locals` lists every local variable with the pc range where it is live [startPC, endPC),
//   in order of register allocation, so the debug machinery can name register r at pc.

import LuaSyntax

package enum Constant: Hashable, Sendable {
    case nil_
    case bool(Bool)
    case int(Int64)
    case float(Double)      // hashed by bit pattern by the compiler's constant table
    case string(LuaBytes)
}

package struct UpvalueDesc: Sendable {
    package var name: LuaBytes
    package var inStack: Bool
    package var index: Int
    package var kind: LocalAttrib      // const/close locals captured as upvalues
    package init(name: LuaBytes, inStack: Bool, index: Int, kind: LocalAttrib = .none) {
        self.name = name; self.inStack = inStack; self.index = index; self.kind = kind
    }
}

package struct LocalVarInfo: Sendable {
    package var name: LuaBytes
    package var startPC: Int
    package var endPC: Int
    package init(name: LuaBytes, startPC: Int, endPC: Int) {
        self.name = name; self.startPC = startPC; self.endPC = endPC
    }
}

package final class FunctionProto: @unchecked Sendable {
    package var code: [Instruction] = []
    package var lineInfo: [Int32] = []
    package var constants: [Constant] = []
    package var protos: [FunctionProto] = []
    package var upvalues: [UpvalueDesc] = []
    package var locals: [LocalVarInfo] = []
    package var numParams: Int = 0
    package var isVararg: Bool = false
    package var maxStackSize: Int = 2
    package var lineDefined: Int = 0          // 0 for the main chunk
    package var lastLineDefined: Int = 0
    package var source: String = "?"          // chunk name, e.g. "@file.lua" or "=stdin"

    package init() {}
}
