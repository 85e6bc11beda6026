// The baseline interpreter: one dispatch loop over register bytecode.
//
// Invariants:
// - Lua->Lua calls and returns never recurse natively: CALL pushes a frame and continues the
//   loop; RETURN pops it. The loop returns to its native caller only when a frame marked
//   FRESH returns (the frame it was started for).
// - The hot state lives in locals: `pc` (next instruction), `base` (register 0), `k`
//   (constants), `cl` (running closure), `ciIdx` (frame index). Whenever the loop calls
//   anything that may run Lua code, grow the stack or collect (slow paths), it first saves
//   `pc` into the frame (so errors know the line) and afterwards reloads `base` from the
//   thread's (possibly reallocated) stack.
// - Every Lua frame has its registers below ci.top <= stacksize; CALL ensures it.
// - Running Lua code may grow (reallocate) the frame array too, so after a slow path the loop
//   reloads `ci` from `ciIdx` as well as `base`.
// - For `C == 0` calls and VARARG, `L.top` marks the end of the produced values; the next
//   instruction (CALL/RETURN/SETLIST with B == 0) consumes it.

import CLuaRuntime
import LuaBytecode

typealias PC = UnsafePointer<UInt32>
typealias CallInfoPtr = UnsafeMutablePointer<LTCallInfo>

/// Which copy of the dispatch loop runs (see VM.runLoop).
protocol InterpreterMode { static var recording: Bool { get } }
enum PlainMode: InterpreterMode { static var recording: Bool { false } }
enum RecordingMode: InterpreterMode { static var recording: Bool { true } }

extension VM {
    /// The interpreter's hot locals for frame `ciIdx` (frame, closure, constants, pc, base).
    @inline(__always)
    static func frameState(_ th: ThreadPtr, _ ciIdx: Int) -> (CallInfoPtr, LClosurePtr, UnsafePointer<LTValue>, PC, StackPtr) {
        let ci = th.pointee.ci + ciIdx
        let cl = th.pointee.stack[Int(ci.pointee.func)].lclosure
        return (ci, cl, UnsafePointer(cl.pointee.p.pointee.k!), ci.pointee.savedpc!, th.pointee.stack + Int(ci.pointee.func) + 1)
    }

    /// After a slow path that may have reallocated frames or the stack: frame ciIdx and its base.
    @inline(__always)
    static func frameBase(_ th: ThreadPtr, _ ciIdx: Int) -> (CallInfoPtr, StackPtr) {
        let ci = th.pointee.ci + ciIdx
        return (ci, th.pointee.stack + Int(ci.pointee.func) + 1)
    }

    /// The same for the thread's topmost frame, with its index.
    @inline(__always)
    static func topFrameState(_ th: ThreadPtr) -> (Int, CallInfoPtr, LClosurePtr, UnsafePointer<LTValue>, PC, StackPtr) {
        let idx = Int(th.pointee.nci) - 1
        let (ci, cl, k, pc, base) = frameState(th, idx)
        return (idx, ci, cl, k, pc, base)
    }

    /// Counts one taken loop back-edge; true when the loop just became hot.
    @inline(__always)
    static func countBackedge(_ hot: UnsafeMutablePointer<UInt16>, _ pc: PC) -> Bool {
        let h = hotIndex(pc)
        hot[h] &-= 1
        return hot[h] == 0
    }

    /// Runs the thread's frames from the current (fresh) frame until it returns; handles
    /// protected calls. `entry` is the index of the fresh frame.
    func execute(entry: Int) throws {
        while true {
            do {
                try run(entry: entry)
                return
            } catch let e as LuaError {
                if jitIfCreated?.recorder != nil { jitAbort("error raised") }
                // a protected frame at or above the entry catches it
                guard let pf = findProtectedFrame(from: Int(L.pointee.nci) - 1, downTo: entry) else { throw e }
                try recoverProtected(frame: pf, error: e)
                if pf == entry {
                    return                 // the fresh frame itself was the protected call
                }
            }
        }
    }

    func run(entry: Int) throws {
        var recording = false
        if jitOptions.enabled && jitRecordingActive {
            // a metamethod the recorder inlines runs in a nested loop, recorded as well
            if jitTakeNestedEntry() { recording = true } else { jitAbort("re-entered the interpreter") }
        }
        while true {
            let switchMode = recording ? try runLoop(entry: entry, RecordingMode.self)
                                       : try runLoop(entry: entry, PlainMode.self)
            if !switchMode { return }
            recording.toggle()
        }
    }

    /// The dispatch loop, specialised for plain execution and for recording a trace (the
    /// recorder's per-instruction hook exists only in the recording copy, so the plain loop
    /// pays nothing for it). Returns false when the entry frame has returned, true when the
    /// loop must continue in the other mode: the current instruction is then saved in the top
    /// frame's `savedpc`, where the other copy resumes.
    // swiftlint:disable:next function_body_length cyclomatic_complexity
    @inline(never)
    func runLoop<M: InterpreterMode>(entry: Int, _ mode: M.Type) throws -> Bool {
        let th = L!
        var (ciIdx, ci, cl, k, pc, base) = VM.topFrameState(th)

        // JIT: hot-loop counters, and whether a trace is being recorded
        let jitOn = jitOptions.enabled
        let hot = jitOn ? jitHotcounts : UnsafeMutablePointer<UInt16>(bitPattern: 8)!

        while true {
            if M.recording {
                if !jitRecordStep(pc: pc, ciIdx: ciIdx, base: base) { ci.pointee.savedpc = pc; return true }
            }
            let i = pc.pointee
            pc += 1
            var a: Int { Int((i >> 7) & 0xFF) }    // decoded in each case: keeps the shared dispatch block short
            switch Op.from(i) {
            case .move:
                (base + a).copyValue(from: base + i.b)
            case .loadi:
                base[a] = Value(int: Int64(i.sBx))
            case .loadf:
                base[a] = Value(float: Double(i.sBx))
            case .loadk:
                base[a] = k[i.bx]
            case .loadkx:
                base[a] = k[pc.pointee.ax]
                pc += 1
            case .loadfalse:
                base[a] = .falseValue
            case .lfalseskip:
                base[a] = .falseValue
                pc += 1
            case .loadtrue:
                base[a] = .trueValue
            case .loadnil:
                for j in 0...i.b { base[a + j] = .nilValue }
            case .getupval:
                base[a] = lt_lcl_upvals(cl)[i.b]!.pointee.v.pointee
            case .setupval:
                lt_lcl_upvals(cl)[i.b]!.pointee.v.copyValue(from: base + a)
            case .gettabup:
                let t = lt_lcl_upvals(cl)[i.b]!.pointee.v.pointee
                let key = k[i.c]
                if t.isTable {
                    let v = tableGetShortStr(t.table, key.str)
                    if !v.isNil || fastTM(t.table.pointee.metatable, .index) == nil { base[a] = v; continue }
                }
                try indexOp(i, pc: pc, ciIdx: ciIdx)
                (ci, base) = VM.frameBase(th, ciIdx)
            case .gettable:
                let t = base[i.b], key = base[i.c]
                if t.isTable {
                    let v = key.isInt ? tableGetInt(t.table, key.i) : tableGet(t.table, key)
                    if !v.isNil || fastTM(t.table.pointee.metatable, .index) == nil { base[a] = v; continue }
                }
                try indexOp(i, pc: pc, ciIdx: ciIdx)
                (ci, base) = VM.frameBase(th, ciIdx)
            case .geti:
                let t = base[i.b]
                if t.isTable {
                    let v = tableGetInt(t.table, Int64(i.c))
                    if !v.isNil || fastTM(t.table.pointee.metatable, .index) == nil { base[a] = v; continue }
                }
                try indexOp(i, pc: pc, ciIdx: ciIdx)
                (ci, base) = VM.frameBase(th, ciIdx)
            case .getfield:
                let t = base[i.b], key = k[i.c]
                if t.isTable, let v = indexStrFast(t.table, key.str) { base[a] = v; continue }
                try indexOp(i, pc: pc, ciIdx: ciIdx)
                (ci, base) = VM.frameBase(th, ciIdx)
            case .settabup:
                let t = lt_lcl_upvals(cl)[a]!.pointee.v.pointee
                let key = k[i.b]
                let v = i.k ? k[i.c] : lt_loadval(base + i.c)
                if t.isTable && t.table.pointee.metatable == nil {
                    tableSetStr(t.table, key.str, v); continue
                }
                try newindexOp(i, pc: pc, ciIdx: ciIdx)
                (ci, base) = VM.frameBase(th, ciIdx)
            case .settable:
                let t = base[a], key = base[i.b]
                let v = i.k ? k[i.c] : lt_loadval(base + i.c)
                if t.isTable && t.table.pointee.metatable == nil {
                    if key.isInt {
                        // a store that grows a table may make a collection due: collect here (the
                        // instruction is complete) rather than at the next allocation site, so
                        // a loop filling a big table can reuse the garbage of the previous one
                        if tableSetInt(t.table, key.i, v) && gcDue {
                            ci.pointee.savedpc = pc
                            th.pointee.top = ci.pointee.top
                            gcSafePoint()
                            (ci, base) = VM.frameBase(th, ciIdx)
                        }
                        continue
                    }
                    if key.isString { tableSetStr(t.table, key.str, v); continue }
                }
                try newindexOp(i, pc: pc, ciIdx: ciIdx)
                (ci, base) = VM.frameBase(th, ciIdx)
            case .seti:
                let t = base[a]
                let v = i.k ? k[i.c] : lt_loadval(base + i.c)
                if t.isTable && t.table.pointee.metatable == nil {
                    tableSetInt(t.table, Int64(i.b), v); continue
                }
                try newindexOp(i, pc: pc, ciIdx: ciIdx)
                (ci, base) = VM.frameBase(th, ciIdx)
            case .setfield:
                let t = base[a], key = k[i.b]
                let v = i.k ? k[i.c] : lt_loadval(base + i.c)
                if t.isTable {
                    let tb = t.table
                    if tb.pointee.metatable == nil || fastTM(tb.pointee.metatable, .newindex) == nil {
                        tableSetStr(tb, key.str, v); continue
                    }
                    // with __newindex, a present field is still assigned in place
                    if key.str.pointee.isshort != 0, let slot = lt_tab_getshortstr(tb, key.str), !slot.pointee.isNil {
                        tb.pointee.hdr.flags = 0
                        slot.pointee = v; continue
                    }
                }
                try newindexOp(i, pc: pc, ciIdx: ciIdx)
                (ci, base) = VM.frameBase(th, ciIdx)
            case .newtable:
                let hb = i.b
                var asz = i.c
                asz += pc.pointee.ax * 256
                pc += 1
                ci.pointee.savedpc = pc
                let t = newTable(narray: asz, nhash: hb > 0 ? 1 << (hb - 1) : 0)
                base[a] = Value(table: t)
                th.pointee.top = ci.pointee.top
                checkGC()
                (ci, base) = VM.frameBase(th, ciIdx)
            case .`self`:
                let obj = base[i.b]
                let key = i.k ? k[i.c] : base[i.c]
                base[a + 1] = obj
                if key.isString {
                    if obj.isTable, let v = indexStrFast(obj.table, key.str) { base[a] = v; continue }
                    // s:method(...): through the string metatable's __index table (the string library)
                    if obj.isString, let h = fastTM(typeMetatables[Int(LT_TSTRING)], .index), h.isTable,
                       let v = indexStrFast(h.table, key.str), !v.isNil {
                        base[a] = v; continue
                    }
                }
                ci.pointee.savedpc = pc
                let v = try indexSlow(obj, key, info: .register(i.b))
                (ci, base) = VM.frameBase(th, ciIdx)
                base[a] = v

            // ---- arithmetic with immediates / constants ----
            case .addi:
                let x = base[i.b]
                let imm = Int64(i.sC)
                if x.isInt { base[a] = Value(int: x.i &+ imm); continue }
                if x.isFloat { base[a] = Value(float: x.n + Double(imm)); continue }
                ci.pointee.savedpc = pc
                let r = try arithSlow(.add, x, Value(int: imm), flip: i.k, infoA: .register(i.b), infoB: .none)
                (ci, base) = VM.frameBase(th, ciIdx); base[a] = r
            case .addk: try arith(i, base[i.b], k[i.c], .add, .constant(i.c), flip: i.k, th, ciIdx, &ci, &base, pc,
                                  { $0 &+ $1 }, { $0 + $1 })
            case .subk: try arith(i, base[i.b], k[i.c], .sub, .constant(i.c), flip: i.k, th, ciIdx, &ci, &base, pc,
                                  { $0 &- $1 }, { $0 - $1 })
            case .mulk: try arith(i, base[i.b], k[i.c], .mul, .constant(i.c), flip: i.k, th, ciIdx, &ci, &base, pc,
                                  { $0 &* $1 }, { $0 * $1 })
            case .divk: try arith(i, base[i.b], k[i.c], .div, .constant(i.c), flip: i.k, th, ciIdx, &ci, &base, pc,
                                  nil, { $0 / $1 })
            case .modk: try arith(i, base[i.b], k[i.c], .mod, .constant(i.c), flip: i.k, th, ciIdx, &ci, &base, pc,
                                  { $1 == 0 ? nil : Arith.imod($0, $1) }, { Arith.fmod($0, $1) })
            case .idivk: try arith(i, base[i.b], k[i.c], .idiv, .constant(i.c), flip: i.k, th, ciIdx, &ci, &base, pc,
                                   { $1 == 0 ? nil : Arith.idiv($0, $1) }, { Arith.fidiv($0, $1) })
            case .powk: try arith(i, base[i.b], k[i.c], .pow, .constant(i.c), flip: i.k, th, ciIdx, &ci, &base, pc,
                                  nil, { Arith.pow($0, $1) })
            case .bandk: try arith(i, base[i.b], k[i.c], .band, .constant(i.c), flip: i.k, th, ciIdx, &ci, &base, pc, { $0 & $1 }, nil)
            case .bork: try arith(i, base[i.b], k[i.c], .bor, .constant(i.c), flip: i.k, th, ciIdx, &ci, &base, pc, { $0 | $1 }, nil)
            case .bxork: try arith(i, base[i.b], k[i.c], .bxor, .constant(i.c), flip: i.k, th, ciIdx, &ci, &base, pc, { $0 ^ $1 }, nil)
            case .shri:
                let x = base[i.b]
                if x.isInt { base[a] = Value(int: Arith.shiftLeft(x.i, -Int64(i.sC))); continue }
                ci.pointee.savedpc = pc
                let r = try arithSlow(.shr, x, Value(int: Int64(i.sC)), flip: false, infoA: .register(i.b), infoB: .none)
                (ci, base) = VM.frameBase(th, ciIdx); base[a] = r
            case .shli:
                let x = base[i.b]
                if x.isInt { base[a] = Value(int: Arith.shiftLeft(Int64(i.sC), x.i)); continue }
                ci.pointee.savedpc = pc
                let r = try arithSlow(.shl, Value(int: Int64(i.sC)), x, flip: false, infoA: .none, infoB: .register(i.b))
                (ci, base) = VM.frameBase(th, ciIdx); base[a] = r

            // ---- arithmetic on registers ----
            case .add: try arith(i, base[i.b], base[i.c], .add, .register(i.c), flip: false, th, ciIdx, &ci, &base, pc,
                                 { $0 &+ $1 }, { $0 + $1 })
            case .sub: try arith(i, base[i.b], base[i.c], .sub, .register(i.c), flip: false, th, ciIdx, &ci, &base, pc,
                                 { $0 &- $1 }, { $0 - $1 })
            case .mul: try arith(i, base[i.b], base[i.c], .mul, .register(i.c), flip: false, th, ciIdx, &ci, &base, pc,
                                 { $0 &* $1 }, { $0 * $1 })
            case .div: try arith(i, base[i.b], base[i.c], .div, .register(i.c), flip: false, th, ciIdx, &ci, &base, pc,
                                 nil, { $0 / $1 })
            case .mod: try arith(i, base[i.b], base[i.c], .mod, .register(i.c), flip: false, th, ciIdx, &ci, &base, pc,
                                 { $1 == 0 ? nil : Arith.imod($0, $1) }, { Arith.fmod($0, $1) })
            case .idiv: try arith(i, base[i.b], base[i.c], .idiv, .register(i.c), flip: false, th, ciIdx, &ci, &base, pc,
                                  { $1 == 0 ? nil : Arith.idiv($0, $1) }, { Arith.fidiv($0, $1) })
            case .pow: try arith(i, base[i.b], base[i.c], .pow, .register(i.c), flip: false, th, ciIdx, &ci, &base, pc,
                                 nil, { Arith.pow($0, $1) })
            case .band: try arith(i, base[i.b], base[i.c], .band, .register(i.c), flip: false, th, ciIdx, &ci, &base, pc, { $0 & $1 }, nil)
            case .bor: try arith(i, base[i.b], base[i.c], .bor, .register(i.c), flip: false, th, ciIdx, &ci, &base, pc, { $0 | $1 }, nil)
            case .bxor: try arith(i, base[i.b], base[i.c], .bxor, .register(i.c), flip: false, th, ciIdx, &ci, &base, pc, { $0 ^ $1 }, nil)
            case .shl: try arith(i, base[i.b], base[i.c], .shl, .register(i.c), flip: false, th, ciIdx, &ci, &base, pc,
                                 { Arith.shiftLeft($0, $1) }, nil)
            case .shr: try arith(i, base[i.b], base[i.c], .shr, .register(i.c), flip: false, th, ciIdx, &ci, &base, pc,
                                 { Arith.shiftLeft($0, 0 &- $1) }, nil)

            case .unm:
                let x = base[i.b]
                if x.isInt { base[a] = Value(int: 0 &- x.i); continue }
                if x.isFloat { base[a] = Value(float: -x.n); continue }
                ci.pointee.savedpc = pc
                let r = try arithSlow(.unm, x, x, flip: false, infoA: .register(i.b), infoB: .register(i.b))
                (ci, base) = VM.frameBase(th, ciIdx); base[a] = r
            case .bnot:
                let x = base[i.b]
                if x.isInt { base[a] = Value(int: ~x.i); continue }
                ci.pointee.savedpc = pc
                let r = try arithSlow(.bnot, x, x, flip: false, infoA: .register(i.b), infoB: .register(i.b))
                (ci, base) = VM.frameBase(th, ciIdx); base[a] = r
            case .not:
                base[a] = base[i.b].isFalsy ? .trueValue : .falseValue
            case .len:
                let x = base[i.b]
                if x.isString { base[a] = Value(int: x.str.pointee.len); continue }
                if x.isTable && fastTM(x.table.pointee.metatable, .len) == nil {
                    base[a] = Value(int: tableLength(x.table)); continue
                }
                ci.pointee.savedpc = pc
                let r = try lengthSlow(x, info: .register(i.b))
                (ci, base) = VM.frameBase(th, ciIdx); base[a] = r
            case .concat:
                let n = i.b
                ci.pointee.savedpc = pc
                th.pointee.top = Int64(base - th.pointee.stack + a + n)
                try concat(first: base - th.pointee.stack + a, count: n)
                th.pointee.top = ci.pointee.top
                checkGC()
                (ci, base) = VM.frameBase(th, ciIdx)

            case .close:
                ci.pointee.savedpc = pc
                try closeFrom(level: base - th.pointee.stack + a, error: nil)
                (ci, base) = VM.frameBase(th, ciIdx)
            case .tbc:
                ci.pointee.savedpc = pc
                try markTBC(level: base - th.pointee.stack + a)
            case .jmp:
                pc += i.sJ
                if i.sJ < 0 && jitOn
                    && loopGotHot(hot, backedge: pc - i.sJ - 1, target: pc, ciIdx: ciIdx, ci: ci, base: base, cl: cl) && !M.recording {
                    return true
                }
            case .jloop:
                pc += i.sJ
                if !M.recording, try enterTrace(backedge: pc - i.sJ - 1, th, &ciIdx, &ci, &cl, &k, &pc, &base) {
                    return true
                }

            // ---- comparisons ----
            case .eq:
                let x = base[a], y = base[i.b]
                var cond: Bool
                if x.tt == y.tt && x.tt != UInt64(LT_TTABLE) && x.tt != UInt64(LT_TUSERDATA) {
                    cond = x.rawEquals(y)
                } else {
                    ci.pointee.savedpc = pc
                    cond = try equalsSlow(x, y)
                    (ci, base) = VM.frameBase(th, ciIdx)
                }
                if cond != i.k { pc += 1 } else { pc += pc.pointee.sJ + 1 }
            case .lt:
                let x = base[a], y = base[i.b]
                var cond: Bool
                if x.isInt && y.isInt { cond = x.i < y.i } else if x.isFloat && y.isFloat { cond = x.n < y.n } else {
                    ci.pointee.savedpc = pc
                    cond = try lessThanSlow(x, y)
                    (ci, base) = VM.frameBase(th, ciIdx)
                }
                if cond != i.k { pc += 1 } else { pc += pc.pointee.sJ + 1 }
            case .le:
                let x = base[a], y = base[i.b]
                var cond: Bool
                if x.isInt && y.isInt { cond = x.i <= y.i } else if x.isFloat && y.isFloat { cond = x.n <= y.n } else {
                    ci.pointee.savedpc = pc
                    cond = try lessEqualSlow(x, y)
                    (ci, base) = VM.frameBase(th, ciIdx)
                }
                if cond != i.k { pc += 1 } else { pc += pc.pointee.sJ + 1 }
            case .eqk:
                let cond = base[a].rawEquals(k[i.b])
                if cond != i.k { pc += 1 } else { pc += pc.pointee.sJ + 1 }
            case .eqi:
                let x = base[a]
                let imm = Int64(i.sB)
                let cond = x.isInt ? x.i == imm : (x.isFloat ? x.n == Double(imm) : false)
                if cond != i.k { pc += 1 } else { pc += pc.pointee.sJ + 1 }
            case .lti: try compareImmediate(i, th, ciIdx, &ci, &base, &pc, { $0 < $1 }, { $0 < $1 })
            case .lei: try compareImmediate(i, th, ciIdx, &ci, &base, &pc, { $0 <= $1 }, { $0 <= $1 })
            case .gti: try compareImmediate(i, th, ciIdx, &ci, &base, &pc, { $0 > $1 }, { $0 > $1 })
            case .gei: try compareImmediate(i, th, ciIdx, &ci, &base, &pc, { $0 >= $1 }, { $0 >= $1 })
            case .test:
                if base[a].isFalsy == i.k { pc += 1 } else { pc += pc.pointee.sJ + 1 }
            case .testset:
                let v = base[i.b]
                if v.isFalsy == i.k { pc += 1 } else { base[a] = v; pc += pc.pointee.sJ + 1 }

            // ---- calls ----
            case .call:
                let funcIdx = base - th.pointee.stack + a
                let b = i.b
                let nargs = b != 0 ? b - 1 : Int(th.pointee.top) - funcIdx - 1
                let nresults = i.c - 1
                ci.pointee.savedpc = pc
                let f = th.pointee.stack[funcIdx]
                if f.tt == UInt64(LT_TLCL) {
                    // fast path: a fixed-parameter function, with room on the stack and for a frame
                    let ncl = f.lclosure, p = ncl.pointee.p!
                    let nparams = Int(p.pointee.numparams), newTop = funcIdx + 1 + Int(p.pointee.maxstacksize)
                    let ni = Int(th.pointee.nci)
                    if p.pointee.isvararg == 0 && newTop + VM.extraStack <= Int(th.pointee.stacksize)
                        && ni < Int(th.pointee.cisize) && ni < VM.maxFrames {
                        let stack = th.pointee.stack!
                        VM.nilMissingParams(stack + funcIdx + 1, nargs: nargs, nparams: nparams)
                        th.pointee.nci = Int64(ni + 1)
                        ciIdx = ni
                        ci = th.pointee.ci + ni
                        pc = UnsafePointer(p.pointee.code)
                        ci.pointee = LTCallInfo(func: Int64(funcIdx), top: Int64(newTop), savedpc: pc,
                                                nresults: Int32(nresults), callstatus: LT_CIST_LUA, nextraargs: 0, extra: 0)
                        cl = ncl
                        k = UnsafePointer(p.pointee.k!)
                        base = stack + funcIdx + 1
                        continue
                    }
                    try pushLuaFrame(th, funcIdx: funcIdx, nargs: nargs, nresults: nresults)
                    ciIdx += 1
                    (ci, cl, k, pc, base) = VM.frameState(th, ciIdx)
                    continue
                }
                if try callNonLua(th, funcIdx: funcIdx, nargs: nargs, nresults: nresults) {
                    // a Lua frame was pushed (pcall of a Lua function, __call on a Lua function)
                    (ciIdx, ci, cl, k, pc, base) = VM.topFrameState(th)
                    continue
                }
                if nresults >= 0 { th.pointee.top = ci.pointee.top }
                checkGC()
                (ci, base) = VM.frameBase(th, ciIdx)
            case .tailcall:
                let funcIdx = base - th.pointee.stack + a
                let b = i.b
                let nargs = b != 0 ? b - 1 : Int(th.pointee.top) - funcIdx - 1
                ci.pointee.savedpc = pc
                if i.k { try closeFrom(level: base - th.pointee.stack, error: nil) }
                let f = th.pointee.stack[funcIdx]
                if f.tt == UInt64(LT_TLCL) {
                    // fast path: a fixed-parameter callee that fits on the stack reuses the frame
                    let ncl = f.lclosure, p = ncl.pointee.p!
                    var dst = Int(ci.pointee.func)
                    if i.c != 0 { dst -= Int(ci.pointee.nextraargs) + i.c }
                    let newTop = dst + 1 + Int(p.pointee.maxstacksize)
                    if p.pointee.isvararg == 0 && newTop + VM.extraStack <= Int(th.pointee.stacksize) {
                        let stack = th.pointee.stack!
                        for j in 0...nargs { (stack + dst + j).copyValue(from: stack + funcIdx + j) }
                        VM.nilMissingParams(stack + dst + 1, nargs: nargs, nparams: Int(p.pointee.numparams))
                        pc = UnsafePointer(p.pointee.code)
                        ci.pointee.func = Int64(dst)
                        ci.pointee.top = Int64(newTop)
                        ci.pointee.savedpc = pc
                        ci.pointee.nextraargs = 0
                        ci.pointee.callstatus |= LT_CIST_TAIL
                        cl = ncl
                        k = UnsafePointer(p.pointee.k!)
                        base = stack + dst + 1
                        continue
                    }
                }
                if f.tt == UInt64(LT_TLCL) || (f.tt != UInt64(LT_TNATIVE) && resolvesToLua(f)) {
                    var nargs = nargs
                    if f.tt != UInt64(LT_TLCL) {
                        nargs = try insertCallMetamethod(th, funcIdx: funcIdx, nargs: nargs)
                    }
                    // move function and arguments down to this frame's function slot
                    var dst = Int(ci.pointee.func)
                    if i.c != 0 { dst -= Int(ci.pointee.nextraargs) + i.c }
                    let stack = th.pointee.stack!
                    for j in 0...nargs { stack[dst + j] = stack[funcIdx + j] }
                    let status = ci.pointee.callstatus
                    let nres = Int(ci.pointee.nresults)
                    let extra = ci.pointee.extra
                    th.pointee.nci -= 1
                    try pushLuaFrame(th, funcIdx: dst, nargs: nargs, nresults: nres)
                    ci = th.pointee.ci + ciIdx
                    ci.pointee.callstatus = status | LT_CIST_TAIL
                    ci.pointee.extra = extra
                    (ci, cl, k, pc, base) = VM.frameState(th, ciIdx)
                    continue
                }
                // native callee: call it, then return its results
                if try callNonLua(th, funcIdx: funcIdx, nargs: nargs, nresults: -1) {
                    // pcall/xpcall of a Lua function pushed its frame: run it as a plain call;
                    // the RETURN A 0 0 after this instruction returns its results
                    (ciIdx, ci, cl, k, pc, base) = VM.topFrameState(th)
                    continue
                }
                (ci, base) = VM.frameBase(th, ciIdx)
                let n = Int(th.pointee.top) - funcIdx
                if try finishReturn(th, ciIdx: ciIdx, first: funcIdx, count: n, closeK: false, cArg: i.c, entry: entry) {
                    return false
                }
                ciIdx -= 1
                (ci, cl, k, pc, base) = VM.frameState(th, ciIdx)
            case .return:
                var n = i.b - 1
                let first = base - th.pointee.stack + a
                if n < 0 { n = Int(th.pointee.top) - first }
                ci.pointee.savedpc = pc
                if try finishReturn(th, ciIdx: ciIdx, first: first, count: n, closeK: i.k, cArg: i.c, entry: entry) {
                    return false
                }
                ciIdx -= 1
                (ci, cl, k, pc, base) = VM.frameState(th, ciIdx)
            case .return0:
                if try finishReturn(th, ciIdx: ciIdx, first: base - th.pointee.stack + a, count: 0, closeK: false, cArg: 0, entry: entry) {
                    return false
                }
                ciIdx -= 1
                (ci, cl, k, pc, base) = VM.frameState(th, ciIdx)
            case .return1:
                if ci.pointee.callstatus & ~LT_CIST_TAIL == LT_CIST_LUA {
                    // fast path: plain Lua-to-Lua return of one value
                    let fn = Int(ci.pointee.func)
                    let wanted = Int(ci.pointee.nresults)
                    let stack = th.pointee.stack!
                    (stack + fn).copyValue(from: base + a)
                    if wanted < 0 {
                        th.pointee.top = Int64(fn + 1)
                    } else if wanted > 1 {
                        for j in 1..<wanted { stack[fn + j] = .nilValue }
                    }
                    th.pointee.nci = Int64(ciIdx)
                    ciIdx -= 1
                    ci = th.pointee.ci + ciIdx
                    cl = stack[Int(ci.pointee.func)].lclosure
                    k = UnsafePointer(cl.pointee.p.pointee.k!)
                    pc = ci.pointee.savedpc!
                    base = stack + Int(ci.pointee.func) + 1
                    continue
                }
                if try finishReturn(th, ciIdx: ciIdx, first: base - th.pointee.stack + a, count: 1, closeK: false, cArg: 0, entry: entry) {
                    return false
                }
                ciIdx -= 1
                (ci, cl, k, pc, base) = VM.frameState(th, ciIdx)

            // ---- loops ----
            case .forloop:
                if VM.forLoopStep(base + a) {
                    pc -= i.bx
                    if jitOn && loopGotHot(hot, backedge: pc + i.bx - 1, target: pc, ciIdx: ciIdx, ci: ci, base: base, cl: cl)
                        && !M.recording {
                        return true
                    }
                }
            case .jforloop:
                if VM.forLoopStep(base + a) {
                    pc -= i.bx
                    // a loop with only a few iterations left is cheaper to finish here than to
                    // enter and leave compiled code
                    if jitOn, !M.recording, !base[a + 2].isInt || UInt64(bitPattern: base[a + 1].i) >= 4,
                       try enterTrace(backedge: pc + i.bx - 1, th, &ciIdx, &ci, &cl, &k, &pc, &base) {
                        return true
                    }
                }
            case .forprep:
                ci.pointee.savedpc = pc
                if try forPrep(base + a) { pc += i.bx + 1 }
            case .tforprep:
                ci.pointee.savedpc = pc
                try markTBC(level: base - th.pointee.stack + a + 3)
                pc += i.bx
            case .tforcall:
                // R[A+4], R[A+5], R[A+6] := R[A], R[A+1], R[A+2]; call
                base[a + 4] = base[a]
                base[a + 5] = base[a + 1]
                base[a + 6] = base[a + 2]
                let funcIdx = base - th.pointee.stack + a + 4
                ci.pointee.savedpc = pc
                th.pointee.top = Int64(funcIdx + 3)
                let f = base[a + 4]
                if f.tt == UInt64(LT_TLCL) {
                    try pushLuaFrame(th, funcIdx: funcIdx, nargs: 2, nresults: i.c)
                    ciIdx += 1
                    (ci, cl, k, pc, base) = VM.frameState(th, ciIdx)
                    continue
                }
                if try callNonLua(th, funcIdx: funcIdx, nargs: 2, nresults: i.c) {
                    (ciIdx, ci, cl, k, pc, base) = VM.topFrameState(th)
                    continue
                }
                th.pointee.top = ci.pointee.top
                checkGC()
                (ci, base) = VM.frameBase(th, ciIdx)
            case .tforloop:
                let v = base[a + 4]
                if !v.isNil {
                    base[a + 2] = v
                    pc -= i.bx
                    if jitOn && loopGotHot(hot, backedge: pc + i.bx - 1, target: pc, ciIdx: ciIdx, ci: ci, base: base, cl: cl)
                        && !M.recording {
                        return true
                    }
                }
            case .jtforloop:
                let v = base[a + 4]
                if !v.isNil {
                    base[a + 2] = v
                    pc -= i.bx
                    if jitOn, !M.recording, try enterTrace(backedge: pc + i.bx - 1, th, &ciIdx, &ci, &cl, &k, &pc, &base) {
                        return true
                    }
                }

            case .setlist:
                var n = i.b
                let t = base[a].table
                var last = i.c
                if i.k { last += pc.pointee.ax * 256; pc += 1 }
                if n == 0 { n = Int(th.pointee.top) - (base - th.pointee.stack) - a - 1 }
                let needed = last + n
                if needed > Int(t.pointee.asize) { tableResizeArray(t, needed) }
                // straight into the array part (like lua: no alimit update)
                let arr = t.pointee.array
                for j in 1...max(n, 1) where j <= n { arr![last + j - 1] = base[a + j] }
                th.pointee.top = ci.pointee.top
            case .closure:
                ci.pointee.savedpc = pc
                let p = cl.pointee.p.pointee.p[i.bx]!
                base[a] = Value(lclosure: makeClosure(p, parent: cl, base: base - th.pointee.stack))
                th.pointee.top = ci.pointee.top
                checkGC()
                (ci, base) = VM.frameBase(th, ciIdx)
            case .vararg:
                let nextra = Int(ci.pointee.nextraargs)
                var n = i.c - 1
                let src = Int(ci.pointee.func) - nextra
                let dstIdx = base - th.pointee.stack + a
                if n < 0 {
                    n = nextra
                    ci.pointee.savedpc = pc
                    try ensureStack(th, dstIdx + n)
                    (ci, base) = VM.frameBase(th, ciIdx)
                    th.pointee.top = Int64(dstIdx + n)
                }
                let stack = th.pointee.stack!
                for j in 0..<n { stack[dstIdx + j] = j < nextra ? stack[src + j] : .nilValue }
            case .varargprep:
                break           // done by pushLuaFrame
            case .extraarg:
                break
            }
        }
    }
}
