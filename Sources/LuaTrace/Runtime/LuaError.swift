// Errors: a Lua error is a Swift error carrying the Lua error value.
//
// Invariants:
// - Throwing never pops call frames; the catcher (a protected call in the interpreter, or the
//   host API) unwinds frames, closes upvalues and to-be-closed variables, and restores the top.
//   So a message handler (xpcall, the command line's traceback) runs with the erroring frames
//   still in place.
// - The carried value must be kept reachable by the catcher before anything can allocate.

import CLuaRuntime

struct LuaError: Error {
    var value: Value
    /// Set when the error is being converted for the host (message + traceback).
    var traceback: String? = nil

    init(value: Value) { self.value = value }

    /// A runtime error with lua's position prefix ("chunk:line: msg") from the innermost Lua
    /// frame (the running function, or the caller of the running native function).
    static func runtime(_ vm: VM, _ msg: String) -> LuaError {
        LuaError(value: Value(string: vm.newString(vm.where(level: 1) + msg)))
    }

    /// An error with an arbitrary message and no position.
    static func plain(_ vm: VM, _ msg: String) -> LuaError {
        LuaError(value: Value(string: vm.newString(msg)))
    }
}

extension VM {
    /// What sits `level` levels up the call stack of the running thread (level 1 = the running
    /// function). pcall/xpcall called from Lua have no frame of their own (the callee's frame
    /// carries the PCALL flag), so they appear here as virtual native levels.
    enum Level { case frame(Int), protectedCall(xpcall: Bool) }

    func resolveLevel(_ level: Int) -> Level? {
        var lvl = level
        var fi = Int(L.pointee.nci) - 1
        while fi >= 1 {
            if lvl == 1 { return .frame(fi) }
            lvl -= 1
            let st = L.pointee.ci[fi].callstatus
            if st & LT_CIST_PCALL != 0 {
                if lvl == 1 { return .protectedCall(xpcall: st & LT_CIST_XPCALL != 0) }
                lvl -= 1
            }
            fi -= 1
        }
        return nil
    }

    /// Index of the frame `level` levels up (nil for a virtual pcall level or past the bottom).
    func frameIndex(level: Int) -> Int? {
        if case .frame(let fi)? = resolveLevel(level) { return fi }
        return nil
    }

    @inline(__always) func isLuaFrame(_ ci: UnsafeMutablePointer<LTCallInfo>) -> Bool {
        ci.pointee.callstatus & LT_CIST_LUA != 0
    }

    /// Current line of frame index fi (-1 for native frames).
    func currentLine(frame fi: Int) -> Int {
        let ci = L.pointee.ci + fi
        guard isLuaFrame(ci) else { return -1 }
        let cl = L.pointee.stack[Int(ci.pointee.func)].lclosure
        let p = cl.pointee.p!
        let pc = ci.pointee.savedpc! - UnsafePointer(p.pointee.code!) - 1
        return lineOf(p, pc: pc)
    }

    func frameProto(_ fi: Int) -> ProtoPtr? {
        let ci = L.pointee.ci + fi
        guard isLuaFrame(ci) else { return nil }
        return L.pointee.stack[Int(ci.pointee.func)].lclosure.pointee.p
    }

    /// Position prefix as luaL_where: "chunk:line: " for a Lua frame, "" otherwise.
    /// Level 1 is the running function if it is a Lua function; if the running function is
    /// native, level 1 names its caller (as luaL_error does from inside a C function).
    /// From a native (luaL_where) there is no position without line information (stripped
    /// binary chunks); the interpreter's own errors (luaG_runerror) say "?:-1:" then.
    func `where`(level: Int) -> String {
        var lvl = level
        var fromNative = false
        if let top = frameIndex(level: 1), !isLuaFrame(L.pointee.ci + top) { lvl += 1; fromNative = true }
        guard let fi = frameIndex(level: lvl), let p = frameProto(fi) else { return "" }
        let line = currentLine(frame: fi)
        if fromNative && line <= 0 { return "" }
        return "\(shortSource(p)):\(line): "
    }

    func shortSource(_ p: ProtoPtr) -> String {
        chunkIDString(chunkSource(p))
    }
}
