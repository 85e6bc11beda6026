// Coroutines without OS threads: a coroutine is an LTThread with its own value stack and frames.
// `resume` switches the VM's running thread and runs the interpreter on it; `yield` throws a
// YieldSignal that unwinds the Swift frames back to that resume, leaving the coroutine's own
// frames (including the yield call's native frame) in place. The next resume completes that
// pending native call with the resume arguments as its results and continues the loop.
//
// Invariants:
// - A coroutine can only yield when no native call that re-entered the interpreter is active
//   on it (thread.nny == 0); otherwise "attempt to yield across a C-call boundary". Metamethods
//   called by instructions do not count (callTM, FINISHOP frames): resume finishes the
//   interrupted instructions (unroll/finishOp in Interpreter+Finish.swift).
// - A coroutine that died by an error keeps its frames (tracebacks) and its error value
//   (deadCoroutineErrors) until coroutine.close, which closes pending tbc variables with it.
// - Threads with status running or normal are GC roots (their resumers hold them on the native
//   stack only).

import CLuaRuntime

extension VM {
    func openCoroutine() {
        let co = newTable()
        register(co, lib: "coroutine", [
            ("create", NativeEntry { vm, a in
                guard vm.arg(a, 1).isFunction else { throw vm.argTypeError(a, 1, "function") }
                try vm.push(Value(thread: vm.newCoroutine(vm.arg(a, 1)))); return 1 }),
            ("resume", NativeEntry { vm, a in
                guard vm.arg(a, 1).tt == UInt64(LT_TTHREAD) else { throw vm.argTypeError(a, 1, "thread") }
                let co = vm.arg(a, 1).thread
                var args: [Value] = []
                if a.count > 1 { for j in 2...a.count { args.append(vm.arg(a, j)) } }
                switch try vm.resume(co, args) {
                case .success(let vals):
                    try vm.push(.trueValue); for v in vals { try vm.push(v) }
                    return vals.count + 1
                case .failure(let err):
                    try vm.push(.falseValue); try vm.push(err.value); return 2
                }
            }),
            ("yield", NativeEntry { vm, a in try vm.yieldFromNative(a) }),
            ("status", NativeEntry { vm, a in
                guard vm.arg(a, 1).tt == UInt64(LT_TTHREAD) else { throw vm.argTypeError(a, 1, "thread") }
                try vm.pushString(vm.coroutineStatus(vm.arg(a, 1).thread)); return 1 }),
            ("running", NativeEntry { vm, a in
                try vm.push(Value(thread: vm.L)); try vm.push(Value(bool: vm.L == vm.mainThread)); return 2 }),
            ("isyieldable", NativeEntry { vm, a in
                if a.count >= 1 && vm.arg(a, 1).tt != UInt64(LT_TTHREAD) { throw vm.argTypeError(a, 1, "thread") }
                let th = a.count >= 1 ? vm.arg(a, 1).thread : vm.L!
                try vm.push(Value(bool: th != vm.mainThread && th.pointee.nny == 0)); return 1 }),
            ("wrap", NativeEntry { vm, a in
                guard vm.arg(a, 1).isFunction else { throw vm.argTypeError(a, 1, "function") }
                let co = vm.newCoroutine(vm.arg(a, 1))
                let id = vm.wrapNativeID
                try vm.push(Value(native: vm.newNative(id: id, upvalues: [Value(thread: co)])))
                return 1 }),
            ("close", NativeEntry { vm, a in
                guard vm.arg(a, 1).tt == UInt64(LT_TTHREAD) else { throw vm.argTypeError(a, 1, "thread") }
                let co = vm.arg(a, 1).thread
                let st = vm.coroutineStatus(co)
                if st == "running" || st == "normal" {
                    throw LuaError.runtime(vm, "cannot close a \(st) coroutine")
                }
                let err = vm.closeCoroutine(co)
                if let e = err { try vm.push(.falseValue); try vm.push(e); return 2 }
                try vm.push(.trueValue); return 1 }),
        ])
        tableSetStr(globals, newString("coroutine"), Value(table: co))
        yieldNativeID = Int(tableGetStr(co, newString("yield")).native.pointee.fnid)
        wrapNativeID = registerNative("wrap") { vm, a in
            let co = vm.nativeUpvalue(0).thread
            var args: [Value] = []
            if a.count > 0 { for j in 1...a.count { args.append(vm.arg(a, j)) } }
            switch try vm.resume(co, args) {
            case .success(let vals):
                for v in vals { try vm.push(v) }
                return vals.count
            case .failure(let err):
                var e = err.value
                if co.pointee.status == ThreadStatus.dead.rawValue {
                    _ = vm.closeCoroutine(co)
                }
                if e.isString {
                    let pos = vm.where(level: 1)
                    var b = Array(pos.utf8); b.append(contentsOf: LuaStr.buffer(e.str))
                    e = Value(string: vm.newString(b))
                }
                throw LuaError(value: e)
            }
        }
    }

    func newCoroutine(_ f: Value) -> ThreadPtr {
        let th = newThread()
        th.pointee.stack[1] = f
        th.pointee.top = 2
        th.pointee.status = ThreadStatus.suspended.rawValue
        return th
    }

    func coroutineStatus(_ co: ThreadPtr) -> String {
        if co == L { return "running" }
        switch ThreadStatus(rawValue: co.pointee.status) {
        case .suspended: return "suspended"
        case .running: return "running"
        case .normal: return "normal"
        default: return "dead"
        }
    }

    /// Resumes a coroutine with arguments; returns the yielded/returned values or the error.
    func resume(_ co: ThreadPtr, _ args: [Value]) throws -> Result<[Value], LuaError> {
        if co.pointee.status == ThreadStatus.dead.rawValue {
            return .failure(LuaError.plain(self, "cannot resume dead coroutine"))
        }
        if co == L || co.pointee.status != ThreadStatus.suspended.rawValue {
            return .failure(LuaError.plain(self, "cannot resume non-suspended coroutine"))
        }
        if nativeDepth >= VM.maxNativeDepth - 5 {
            return .failure(LuaError.plain(self, "C stack overflow"))
        }
        let prev = L!
        nativeDepth += 1
        prev.pointee.status = ThreadStatus.normal.rawValue
        co.pointee.status = ThreadStatus.running.rawValue
        L = co
        defer {
            L = prev
            prev.pointee.status = ThreadStatus.running.rawValue
            nativeDepth -= 1
        }
        let starting = co.pointee.nci == 1
        do {
            try ensureStack(co, Int(co.pointee.top) + args.count + 1)
            let st = co.pointee.stack!
            var top = Int(co.pointee.top)
            for v in args { st[top] = v; top += 1 }
            co.pointee.top = Int64(top)
            if starting {
                let f = st[1]
                if f.tt == UInt64(LT_TLCL) {
                    try pushLuaFrame(co, funcIdx: 1, nargs: args.count, nresults: -1, status: LT_CIST_LUA | LT_CIST_FRESH)
                    try execute(entry: 1)
                } else if f.tt == UInt64(LT_TNATIVE) {
                    // a native body may be coroutine.yield itself (resumable: the next resume
                    // completes its frame); anything it calls back is non-yieldable anyway
                    try callNative(co, funcIdx: 1, nargs: args.count, nresults: -1)
                } else {
                    try call(funcIdx: 1, nresults: -1)
                }
            } else {
                // complete the pending yield: its native frame is on top
                let fi = Int(co.pointee.nci) - 1
                let ci = co.pointee.ci + fi
                let fn = Int(ci.pointee.func)
                let wanted = Int(ci.pointee.nresults)
                let status = ci.pointee.callstatus
                let extra = ci.pointee.extra
                let n = args.count
                if status & LT_CIST_PCALL != 0 {
                    // pcall(coroutine.yield, ...) resumed: the pcall returns true + the values
                    let st = co.pointee.stack!
                    st[fn - 1] = .trueValue
                    let w = extra < 0 ? n : max(Int(extra) - 1, 0)
                    moveResults(st, from: top - n, to: fn, count: n, wanted: w)
                    co.pointee.nci = Int64(fi)
                    co.pointee.top = extra < 0 ? Int64(fn + n) : co.pointee.ci[fi - 1].top
                    try unroll(bottom: 1)
                } else {
                moveResults(co.pointee.stack, from: top - n, to: fn, count: n, wanted: wanted)
                co.pointee.nci = Int64(fi)
                if wanted < 0 || status & LT_CIST_FINISHOP != 0 {
                    co.pointee.top = Int64(fn + (wanted < 0 ? n : wanted))
                } else {
                    co.pointee.top = co.pointee.ci[fi - 1].top
                }
                // run the remaining frames (metamethods that yielded, then the body); when yield
                // was itself the metamethod, first finish the instruction that called it
                try unroll(bottom: 1, finish: status & LT_CIST_FINISHOP != 0 ? (fi - 1, extra) : nil)
                }
            }
            // finished: results are stack[1 ..< top]
            let n = Int(co.pointee.top) - 1
            var out: [Value] = []
            for j in 0..<max(n, 0) { out.append(co.pointee.stack[1 + j]) }
            co.pointee.status = ThreadStatus.dead.rawValue
            co.pointee.top = 1
            co.pointee.nci = 1
            return .success(out)
        } catch is YieldSignal {
            co.pointee.status = ThreadStatus.suspended.rawValue
            let base = yieldBase, n = yieldCount
            var out: [Value] = []
            for j in 0..<n { out.append(co.pointee.stack[base + j]) }
            co.pointee.top = Int64(base + n)
            return .success(out)
        } catch let e as LuaError {
            // dead by error: the frames stay (for tracebacks) until coroutine.close, which
            // closes pending tbc variables with this error and reports it
            co.pointee.status = ThreadStatus.dead.rawValue
            deadCoroutineErrors[co] = e.value
            return .failure(e)
        }
    }

    func yieldFromNative(_ a: Args) throws -> Int {
        let th = L!
        // (no position: lua raises these with the yield's C frame running)
        if th == mainThread { throw LuaError.plain(self, "attempt to yield from outside a coroutine") }
        if th.pointee.nny > 0 { throw LuaError.plain(self, "attempt to yield across a C-call boundary") }
        yieldBase = a.base
        yieldCount = a.count
        throw YieldSignal()
    }

    /// Closes a suspended or dead coroutine: runs pending __close handlers, closes upvalues.
    func closeCoroutine(_ co: ThreadPtr) -> Value? {
        let prev = L!
        L = co
        co.pointee.nny += 1         // __close handlers run here cannot yield
        defer { L = prev; co.pointee.nny -= 1 }
        var err: Value? = deadCoroutineErrors.removeValue(forKey: co)
        while true {
            do {
                try closeFrom(level: 1, error: err)
                break
            } catch let e as LuaError {
                err = e.value
            } catch {
                break
            }
        }
        co.pointee.status = ThreadStatus.dead.rawValue
        co.pointee.nci = 1
        co.pointee.top = 1
        return err
    }
}
