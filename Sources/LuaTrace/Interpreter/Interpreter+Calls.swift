// Calls, returns and protected calls.
//
// Invariants:
// - A Lua frame's `func` is the slot of its closure; its registers start at func+1. A vararg
//   function's frame is moved up at entry: the closure and fixed parameters are copied above
//   the actual arguments, so the extra arguments sit just below `func` (nextraargs of them),
//   and RETURN/TAILCALL with C != 0 recover the original slot as func - nextraargs - C.
// - pcall/xpcall called from Lua code do not recurse natively: the callee's frame gets the
//   PCALL flag and `extra` = the number of results the pcall call wants. The pcall slot
//   (original func - 1) receives `true` on success, `false, err` on error. For xpcall the
//   message handler sits in that slot until then.
// - Native frames: func = function slot, args above it, results pushed on top.

import CLuaRuntime
import LuaBytecode

/// Thrown by coroutine.yield to unwind to the resume that is running the coroutine.
struct YieldSignal: Error {}

extension VM {
    /// Pushes a frame for the Lua closure at `funcIdx` with `nargs` arguments above it.
    @inline(__always)
    func pushLuaFrame(_ th: ThreadPtr, funcIdx: Int, nargs: Int, nresults: Int, status: Int32 = LT_CIST_LUA) throws {
        let p = th.pointee.stack[funcIdx].lclosure.pointee.p!
        let nparams = Int(p.pointee.numparams)
        let maxs = Int(p.pointee.maxstacksize)
        var fn = funcIdx
        var nextra = 0
        if p.pointee.isvararg != 0 {
            // like lua: missing fixed parameters become nil, then the closure and the fixed
            // parameters are copied above all the arguments; the extra ones stay below
            nextra = max(nargs - nparams, 0)
            let actual = max(nargs, nparams)
            try ensureStack(th, funcIdx + actual + 2 + maxs)
            let stack = th.pointee.stack!
            VM.nilMissingParams(stack + funcIdx + 1, nargs: nargs, nparams: nparams)
            fn = funcIdx + actual + 1
            stack[fn] = stack[funcIdx]
            var j = 1
            while j <= nparams {
                stack[fn + j] = stack[funcIdx + j]
                stack[funcIdx + j] = .nilValue
                j += 1
            }
        } else {
            try ensureStack(th, funcIdx + 1 + maxs)
            VM.nilMissingParams(th.pointee.stack + funcIdx + 1, nargs: nargs, nparams: nparams)
        }
        let ni = try pushFrame(th)
        th.pointee.ci[ni] = LTCallInfo(func: Int64(fn), top: Int64(fn + 1 + maxs), savedpc: UnsafePointer(p.pointee.code),
                                       nresults: Int32(nresults), callstatus: status, nextraargs: Int32(nextra), extra: 0)
    }

    /// Parameters the caller did not pass start as nil (args points at the first argument).
    @inline(__always)
    static func nilMissingParams(_ args: StackPtr, nargs: Int, nparams: Int) {
        var j = nargs
        while j < nparams { args[j] = .nilValue; j += 1 }
    }

    /// The slot a frame's function originally occupied (before a vararg adjustment).
    func originalFunc(_ ci: UnsafeMutablePointer<LTCallInfo>) -> Int {
        let fn = Int(ci.pointee.func)
        guard ci.pointee.callstatus & LT_CIST_LUA != 0 else { return fn }
        let p = L.pointee.stack[fn].lclosure.pointee.p!
        if p.pointee.isvararg != 0 { return fn - Int(ci.pointee.nextraargs) - Int(p.pointee.numparams) - 1 }
        return fn
    }

    /// Completes a return from frame `ciIdx`: moves `count` results from stack index `first`
    /// to where the caller wants them and pops the frame. Returns true when the frame was
    /// fresh (control goes back to the native caller).
    @inline(__always)
    func finishReturn(_ th: ThreadPtr, ciIdx: Int, first: Int, count: Int, closeK: Bool, cArg: Int, entry: Int) throws -> Bool {
        var ci = th.pointee.ci + ciIdx
        if closeK {
            // a yield in a __close handler re-executes the RETURN with `count` results (finishOp)
            try closeFrom(level: Int(ci.pointee.func) + 1, error: nil, extra: Int32(count))
            ci = th.pointee.ci + ciIdx
        }
        var fn = Int(ci.pointee.func)
        if cArg != 0 { fn -= Int(ci.pointee.nextraargs) + cArg }
        let status = ci.pointee.callstatus
        var wanted = Int(ci.pointee.nresults)
        let stack = th.pointee.stack!
        var dst = fn
        var src = first
        var n = count
        if status & LT_CIST_PCALL != 0 {
            dst = fn - 1
            stack[dst] = .trueValue
            wanted = Int(ci.pointee.extra)
            // results go after the `true`
            let w = wanted < 0 ? n : max(wanted - 1, 0)
            moveResults(stack, from: src, to: fn, count: n, wanted: w)
            n += 1
            src = dst
            th.pointee.nci = Int64(ciIdx)
            if wanted < 0 {
                th.pointee.top = Int64(dst + n)
            } else if status & LT_CIST_FRESH != 0 {
                th.pointee.top = Int64(dst + wanted)
            }
            return status & LT_CIST_FRESH != 0
        }
        moveResults(stack, from: src, to: dst, count: n, wanted: wanted)
        th.pointee.nci = Int64(ciIdx)
        if wanted < 0 {
            th.pointee.top = Int64(dst + n)
        } else if status & LT_CIST_FRESH != 0 {
            th.pointee.top = Int64(dst + wanted)      // a native caller reads results up to top
        }
        return status & LT_CIST_FRESH != 0
    }

    @inline(__always)
    func moveResults(_ stack: StackPtr, from: Int, to: Int, count: Int, wanted: Int) {
        // results were usually just written (payload and tag separately): copy them in halves
        if wanted < 0 {
            if from != to { for j in 0..<count { (stack + to + j).copyValue(from: stack + from + j) } }
            return
        }
        let m = min(count, wanted)
        if from != to { for j in 0..<m { (stack + to + j).copyValue(from: stack + from + j) } }
        if wanted > m { for j in m..<wanted { stack[to + j] = .nilValue } }
    }

    /// Calls a non-Lua value from the interpreter (natives, pcall/xpcall, __call).
    /// Returns true if it pushed a Lua frame that the loop must now run.
    func callNonLua(_ th: ThreadPtr, funcIdx: Int, nargs: Int, nresults: Int) throws -> Bool {
        var nargs = nargs
        var f = th.pointee.stack[funcIdx]
        while true {
            if f.tt == UInt64(LT_TNATIVE) {
                let id = Int(f.native.pointee.fnid)
                if id == pcallID || id == xpcallID {
                    return try startProtected(th, funcIdx: funcIdx, nargs: nargs, nresults: nresults, x: id == xpcallID)
                }
                try callNative(th, funcIdx: funcIdx, nargs: nargs, nresults: nresults)
                return false
            }
            if f.tt == UInt64(LT_TLCL) {
                try pushLuaFrame(th, funcIdx: funcIdx, nargs: nargs, nresults: nresults)
                return true
            }
            nargs = try insertCallMetamethod(th, funcIdx: funcIdx, nargs: nargs)
            f = th.pointee.stack[funcIdx]
        }
    }

    /// Calls the native function at funcIdx and leaves its results at funcIdx.
    func callNative(_ th: ThreadPtr, funcIdx: Int, nargs: Int, nresults: Int, status: Int32 = 0, extra: Int32 = 0) throws {
        let nat = th.pointee.stack[funcIdx].native
        try ensureStack(th, funcIdx + 1 + nargs + 20)
        let fi = try pushFrame(th)
        th.pointee.ci[fi] = LTCallInfo(func: Int64(funcIdx), top: Int64(funcIdx + 1 + nargs + 20), savedpc: nil,
                                       nresults: Int32(nresults), callstatus: status, nextraargs: 0, extra: extra)
        th.pointee.top = Int64(funcIdx + 1 + nargs)
        let n = try natives[Int(nat.pointee.fnid)].call(self, Args(base: funcIdx + 1, count: nargs))
        let t = L!       // natives never leave a different thread running
        let first = Int(t.pointee.top) - n
        moveResults(t.pointee.stack, from: first, to: funcIdx, count: n, wanted: nresults)
        t.pointee.nci = Int64(fi)
        t.pointee.top = Int64(funcIdx + (nresults < 0 ? n : nresults))
    }

    /// Whether calling this non-function value would end up in a Lua function (via __call).
    func resolvesToLua(_ f: Value) -> Bool {
        var v = f
        for _ in 0..<8 {
            if v.tt == UInt64(LT_TLCL) { return true }
            if v.tt == UInt64(LT_TNATIVE) { return false }
            guard let h = tm(v, .call) else { return false }
            v = h
        }
        return false
    }

    /// Shifts the arguments up and puts the value's __call handler in the function slot.
    func insertCallMetamethod(_ th: ThreadPtr, funcIdx: Int, nargs: Int) throws -> Int {
        let f = th.pointee.stack[funcIdx]
        guard let h = tm(f, .call) else { throw callError(funcIdx: funcIdx) }
        try ensureStack(th, funcIdx + nargs + 2)
        let stack = th.pointee.stack!
        var j = funcIdx + nargs
        while j >= funcIdx { stack[j + 1] = stack[j]; j -= 1 }
        stack[funcIdx] = h
        th.pointee.top = Int64(funcIdx + nargs + 2)
        return nargs + 1
    }

    // MARK: protected calls

    /// pcall/xpcall called from the interpreter.
    func startProtected(_ th: ThreadPtr, funcIdx: Int, nargs: Int, nresults: Int, x: Bool) throws -> Bool {
        var nargs = nargs
        let stack = th.pointee.stack!
        if x {
            if nargs < 2 { throw argError(2, "xpcall", "value expected") }
            // [xpcall, f, h, args...] -> [h, f, args...]
            let h = stack[funcIdx + 2]
            stack[funcIdx] = h
            for j in 0..<(nargs - 2) { stack[funcIdx + 2 + j] = stack[funcIdx + 3 + j] }
            nargs -= 1
            th.pointee.top = Int64(funcIdx + 1 + nargs)
        } else if nargs < 1 {
            throw argError(1, "pcall", "value expected")
        }
        let fIdx = funcIdx + 1
        let fnargs = nargs - 1
        let status = LT_CIST_LUA | LT_CIST_PCALL | (x ? LT_CIST_XPCALL : 0)
        let inner = nresults < 0 ? -1 : max(nresults - 1, 0)
        let savedNci = Int(th.pointee.nci)
        do {
            var n = fnargs
            var f = stack[fIdx]
            while f.tt != UInt64(LT_TLCL) && f.tt != UInt64(LT_TNATIVE) {
                // called by pcall (a native): the message has no position
                if tm(f, .call) == nil { throw LuaError.plain(self, "attempt to call a \(objTypeName(f)) value") }
                n = try insertCallMetamethod(th, funcIdx: fIdx, nargs: n)
                f = th.pointee.stack[fIdx]
            }
            if f.tt == UInt64(LT_TLCL) {
                try pushLuaFrame(th, funcIdx: fIdx, nargs: n, nresults: inner, status: status)
                th.pointee.ci[Int(th.pointee.nci) - 1].extra = Int32(nresults)
                return true
            }
            if Int(f.native.pointee.fnid) == yieldNativeID {
                // pcall(coroutine.yield, ...): the yield's frame carries the PCALL flag and the
                // wanted results, so resume completes it as `true, <resume arguments>`
                try callNative(th, funcIdx: fIdx, nargs: n, nresults: -1,
                               status: LT_CIST_PCALL | (x ? LT_CIST_XPCALL : 0), extra: Int32(nresults))
            }
            th.pointee.nny += 1
            defer { th.pointee.nny -= 1 }
            try callNative(th, funcIdx: fIdx, nargs: n, nresults: -1,
                           status: LT_CIST_PCALL | (x ? LT_CIST_XPCALL : 0))
            let t = L!
            let cnt = Int(t.pointee.top) - fIdx
            t.pointee.stack[funcIdx] = .trueValue
            let w = nresults < 0 ? cnt : max(nresults - 1, 0)
            moveResults(t.pointee.stack, from: fIdx, to: fIdx, count: cnt, wanted: w)
            if nresults < 0 { t.pointee.top = Int64(fIdx + cnt) }
            return false
        } catch let e as LuaError {
            var err = e.value
            if x { err = callHandler(th, handlerIdx: funcIdx, error: err) }
            err = unwindTo(th, frames: savedNci, level: fIdx, error: err)
            let st = th.pointee.stack!
            st[funcIdx] = .falseValue
            st[funcIdx + 1] = err
            moveResults(st, from: funcIdx, to: funcIdx, count: 2, wanted: nresults)
            if nresults < 0 { th.pointee.top = Int64(funcIdx + 2) }
            return false
        }
    }

    /// Runs an xpcall message handler on top of the current frames.
    func callHandler(_ th: ThreadPtr, handlerIdx: Int, error: Value) -> Value {
        var err = error
        let savedNci = th.pointee.nci
        handlingError += 1
        defer { handlingError -= 1 }
        for _ in 0..<10 {
            th.pointee.nci = savedNci
            do {
                var top = Int(th.pointee.top)
                if th.pointee.nci > 0 { top = max(top, Int(th.pointee.ci[Int(th.pointee.nci) - 1].top)) }
                th.pointee.top = Int64(top)
                try ensureStack(th, top + 3)
                th.pointee.stack[top] = th.pointee.stack[handlerIdx]
                th.pointee.stack[top + 1] = err
                th.pointee.top = Int64(top + 2)
                try call(funcIdx: top, nresults: 1)
                th.pointee.nci = savedNci
                return th.pointee.stack[top]
            } catch let e as LuaError {
                err = e.value     // an error in the handler: handle that one (bounded)
            } catch {
                break
            }
        }
        th.pointee.nci = savedNci
        return Value(string: newString("error in error handling"))
    }

    /// Pops frames down to `frames` (exclusive), closing upvalues and to-be-closed variables at
    /// or above stack `level` with the error. Returns the (possibly replaced) error value.
    func unwindTo(_ th: ThreadPtr, frames: Int, level: Int, error: Value) -> Value {
        var err = error
        // tbc handlers run with the frames gone but the stack still in place; they cannot yield
        // (this Swift code cannot be resumed)
        th.pointee.nci = Int64(frames)
        th.pointee.nny += 1
        defer { th.pointee.nny -= 1 }
        while true {
            do {
                try closeFrom(level: level, error: err)
                break
            } catch let e as LuaError {
                err = e.value
                th.pointee.nci = Int64(frames)      // drop the failed handler's frames
            } catch {
                th.pointee.nci = Int64(frames)
                break
            }
        }
        return err
    }

    func findProtectedFrame(from: Int, downTo: Int) -> Int? {
        var i = from
        while i > downTo {
            if L.pointee.ci[i].callstatus & LT_CIST_PCALL != 0 { return i }
            i -= 1
        }
        return nil
    }

    /// Error caught by the interpreter for the protected frame `pf`: produce `false, err` in the
    /// caller's registers and pop the frames; the caller continues after its CALL.
    func recoverProtected(frame pf: Int, error e: LuaError) throws {
        let th = L!
        let ci = th.pointee.ci + pf
        let orig = originalFunc(ci)
        let wanted = Int(ci.pointee.extra)
        var err = e.value
        if ci.pointee.callstatus & LT_CIST_XPCALL != 0 {
            err = callHandler(th, handlerIdx: orig - 1, error: err)
        }
        th.pointee.nci = Int64(pf)
        th.pointee.stack[orig] = err            // the callee's slot holds the error meanwhile
        try finishProtected(orig: orig, wanted: wanted)
    }

    /// Ends the recovery of a pcall/xpcall called by the running Lua frame, whose callee (at
    /// stack slot `orig`, frames already popped) failed with the error now in stack[orig]: calls
    /// the pending __close handlers at or above `orig` (an error in one replaces the error), then
    /// leaves `false, err` where the caller wants the results.
    ///
    /// On a coroutine the handlers may yield (lua's finishpcallk): they run as FINISHOP frames of
    /// the caller, whose interrupted instruction is then the CALL/TAILCALL/TFORCALL of the pcall,
    /// and finishOp calls this again on resume to close the rest.
    func finishProtected(orig: Int, wanted: Int) throws {
        let th = L!
        let frames = Int(th.pointee.nci)
        // handlers run above every value still to close
        if let last = tbcLists[UnsafeMutableRawPointer(th)]?.last, last + 1 > Int(th.pointee.top) {
            th.pointee.top = Int64(last + 1)
        }
        if Int(th.pointee.top) < orig + 1 { th.pointee.top = Int64(orig + 1) }
        while true {
            do {
                try closeFrom(level: orig, error: th.pointee.stack[orig])
                break
            } catch let e as LuaError {
                th.pointee.nci = Int64(frames)      // drop the failed handler's frames
                th.pointee.stack[orig] = e.value
            }
        }
        let stack = th.pointee.stack!
        stack[orig - 1] = .falseValue
        moveResults(stack, from: orig - 1, to: orig - 1, count: 2, wanted: wanted)
        if wanted < 0 { th.pointee.top = Int64(orig + 1) } else { th.pointee.top = th.pointee.ci[frames - 1].top }
    }

    // MARK: calls from native code

    /// Calls the value at stack index `funcIdx` with the arguments above it (up to top).
    /// Leaves `nresults` results (all if -1) starting at funcIdx and sets top after them.
    func call(funcIdx: Int, nresults: Int) throws {
        let th = L!
        nativeDepth += 1
        th.pointee.nny += 1
        defer { nativeDepth -= 1; th.pointee.nny -= 1 }
        if nativeDepth >= VM.maxNativeDepth {
            if nativeDepth >= VM.maxNativeDepth + 10 { throw LuaError.plain(self, "error in error handling") }
            throw LuaError.runtime(self, "C stack overflow")
        }
        var nargs = Int(th.pointee.top) - funcIdx - 1
        var f = th.pointee.stack[funcIdx]
        while f.tt != UInt64(LT_TLCL) && f.tt != UInt64(LT_TNATIVE) {
            nargs = try insertCallMetamethod(th, funcIdx: funcIdx, nargs: nargs)
            f = th.pointee.stack[funcIdx]
        }
        if f.tt == UInt64(LT_TNATIVE) {
            try callNative(th, funcIdx: funcIdx, nargs: nargs, nresults: nresults)
            return
        }
        try pushLuaFrame(th, funcIdx: funcIdx, nargs: nargs, nresults: nresults, status: LT_CIST_LUA | LT_CIST_FRESH)
        try execute(entry: Int(th.pointee.nci) - 1)
    }

    /// Convenience: calls f with args and returns up to `nresults` results (-1 = all).
    func callValue(_ f: Value, _ args: [Value], nresults: Int = -1) throws -> [Value] {
        let th = L!
        let fi = Int(th.pointee.top)
        try ensureStack(th, fi + args.count + 1)
        th.pointee.stack[fi] = f
        for (j, a) in args.enumerated() { th.pointee.stack[fi + 1 + j] = a }
        th.pointee.top = Int64(fi + 1 + args.count)
        try call(funcIdx: fi, nresults: nresults)
        let t = L!
        let n = Int(t.pointee.top) - fi
        var out: [Value] = []
        out.reserveCapacity(n)
        for j in 0..<n { out.append(t.pointee.stack[fi + j]) }
        t.pointee.top = Int64(fi)
        return out
    }

    /// Calls f with up to 3 arguments and returns exactly one result (metamethods).
    func call1(_ f: Value, _ a: Value, _ b: Value, _ c: Value? = nil) throws -> Value {
        let th = L!
        var fi = Int(th.pointee.top)
        if th.pointee.nci > 0 { fi = max(fi, Int(th.pointee.ci[Int(th.pointee.nci) - 1].top)) }
        try ensureStack(th, fi + 5)
        let st = th.pointee.stack!
        st[fi] = f; st[fi + 1] = a; st[fi + 2] = b
        var top = fi + 3
        if let c = c { st[fi + 3] = c; top += 1 }
        let savedTop = th.pointee.top
        th.pointee.top = Int64(top)
        try call(funcIdx: fi, nresults: 1)
        let r = L.pointee.stack[fi]
        L.pointee.top = savedTop
        return r
    }

    /// Calls metamethod `h` (with 2 or 3 arguments) for the instruction the running Lua frame is
    /// executing, and returns its first result (nil when nresults == 0).
    ///
    /// On a coroutine, when nothing non-yieldable is in the way (the running frame is a Lua frame
    /// and thread.nny == 0), the call is yieldable, like lua's luaT_callTMres: the callee's frame
    /// is marked FINISHOP and its `extra` records what the interrupted instruction still needs
    /// (see finishOp). If the metamethod yields, the Swift frames unwind to resume while the
    /// coroutine's frames stay; the next resume runs the metamethod to completion and then
    /// finishes the instruction. Everywhere else (library code, the main thread) it is a plain
    /// non-yieldable re-entry, as before.
    func callTM(_ h: Value, _ a: Value, _ b: Value, _ c: Value? = nil, nresults: Int = 1, extra: Int32 = 0) throws -> Value {
        let th = L!
        let nci = Int(th.pointee.nci)
        let cur = th.pointee.ci + (nci - 1)
        let fi = max(Int(th.pointee.top), Int(cur.pointee.top))
        try ensureStack(th, fi + 5)
        let st = th.pointee.stack!
        st[fi] = h; st[fi + 1] = a; st[fi + 2] = b
        var nargs = 2
        if let c = c { st[fi + 3] = c; nargs = 3 }
        let savedTop = th.pointee.top
        th.pointee.top = Int64(fi + 1 + nargs)
        if th != mainThread && th.pointee.nny == 0 && cur.pointee.callstatus & LT_CIST_LUA != 0
            && (h.tt == UInt64(LT_TLCL) || h.tt == UInt64(LT_TNATIVE)) {
            nativeDepth += 1
            defer { nativeDepth -= 1 }
            if nativeDepth >= VM.maxNativeDepth {
                if nativeDepth >= VM.maxNativeDepth + 10 { throw LuaError.plain(self, "error in error handling") }
                throw LuaError.runtime(self, "C stack overflow")
            }
            if h.tt == UInt64(LT_TLCL) {
                try pushLuaFrame(th, funcIdx: fi, nargs: nargs, nresults: nresults,
                                 status: LT_CIST_LUA | LT_CIST_FRESH | LT_CIST_FINISHOP)
                th.pointee.ci[nci].extra = extra
                try execute(entry: nci)
            } else {
                try callNative(th, funcIdx: fi, nargs: nargs, nresults: nresults, status: LT_CIST_FINISHOP, extra: extra)
            }
        } else {
            try call(funcIdx: fi, nresults: nresults)
        }
        let r = nresults > 0 ? L.pointee.stack[fi] : .nilValue
        L.pointee.top = savedTop
        return r
    }

    // MARK: closures

    func makeClosure(_ p: ProtoPtr, parent: LClosurePtr, base: Int) -> LClosurePtr {
        let n = Int(p.pointee.nupvals)
        let c = newLClosure(p, nupvals: n)
        let ups = lt_lcl_upvals(c)!
        let pups = lt_lcl_upvals(parent)!
        for j in 0..<n {
            let d = p.pointee.upvals[j]
            ups[j] = d.instack != 0 ? findUpvalue(L, level: base + Int(d.idx)) : pups[Int(d.idx)]
        }
        return c
    }
}
