// The debug library: traceback, getinfo, getlocal/setlocal, getupvalue/setupvalue,
// upvalueid/upvaluejoin, getmetatable/setmetatable (any type), getuservalue/setuservalue,
// sethook/gethook (stored, never fired), getregistry, debug.debug.
//
// Invariants:
// - Stack levels follow lua's numbering: level 0 is the debug function itself (or, for another
//   thread, its innermost frame). Frame 0 of the main thread stands for the C code that started
//   the script (lua.c's pmain): it is a "C" level, so level counts match lua5.4. Frame 0 of a
//   coroutine is not a level.
// - Inspecting another thread temporarily makes it `vm.L` (Debug.swift's helpers read L) and
//   never runs code while doing so.

import CLuaRuntime
import LuaText
#if canImport(Glibc)
import Glibc
#endif

extension VM {
    func openDebug() {
        let d = newTable()
        register(d, lib: "debug", [
            ("traceback", NativeEntry { vm, a in try vm.debugTraceback(a) }),
            ("getinfo", NativeEntry { vm, a in try vm.debugGetinfo(a) }),
            ("getlocal", NativeEntry { vm, a in try vm.debugGetlocal(a) }),
            ("setlocal", NativeEntry { vm, a in try vm.debugSetlocal(a) }),
            ("getupvalue", NativeEntry { vm, a in try vm.debugUpvalue(a, get: true) }),
            ("setupvalue", NativeEntry { vm, a in
                try vm.checkAny(a, 3)
                return try vm.debugUpvalue(a, get: false) }),
            ("upvalueid", NativeEntry { vm, a in
                let (_, p) = try vm.upvalueRef(a, 1, 2)
                try vm.push(p.map { Value(lightuserdata: $0) } ?? .nilValue); return 1 }),
            ("upvaluejoin", NativeEntry { vm, a in try vm.debugUpvalueJoin(a) }),
            ("getmetatable", NativeEntry { vm, a in
                try vm.checkAny(a, 1)
                if let mt = vm.metatable(of: vm.arg(a, 1)) { try vm.push(Value(table: mt)) } else { try vm.push(.nilValue) }
                return 1 }),
            ("setmetatable", NativeEntry { vm, a in try vm.debugSetmetatable(a) }),
            ("getuservalue", NativeEntry { vm, a in
                let v = vm.arg(a, 1)
                let n = try vm.optInt(a, 2, 1)
                guard v.tt == UInt64(LT_TUSERDATA) else { try vm.push(.nilValue); return 1 }
                if n == 1 && v.userdata.pointee.hdr.extra >= 1 { try vm.push(v.userdata.pointee.uservalue); try vm.push(.trueValue); return 2 }
                try vm.push(.nilValue); return 1 }),
            ("setuservalue", NativeEntry { vm, a in
                try vm.checkType(a, 1, LT_TUSERDATA, "userdata")
                try vm.checkAny(a, 2)
                let n = try vm.optInt(a, 3, 1)
                if n != 1 || vm.arg(a, 1).userdata.pointee.hdr.extra < 1 { try vm.push(.nilValue); return 1 }
                vm.arg(a, 1).userdata.pointee.uservalue = vm.arg(a, 2)
                try vm.push(vm.arg(a, 1)); return 1 }),
            ("sethook", NativeEntry { vm, a in try vm.debugSethook(a) }),
            ("gethook", NativeEntry { vm, a in try vm.debugGethook(a) }),
            ("getregistry", NativeEntry { vm, _ in try vm.push(Value(table: vm.registry)); return 1 }),
            ("setcstacklimit", NativeEntry { vm, _ in try vm.push(Value(int: 0)); return 1 }),
            ("debug", NativeEntry { vm, _ in try vm.debugDebug() }),
        ])
        tableSetStr(globals, newString("debug"), Value(table: d))
        registerLoadedLibraries()
    }

    // MARK: threads and levels

    /// lua's getthread: (thread, offset of the remaining arguments).
    func debugThread(_ a: Args) -> (ThreadPtr, Int) {
        let v = arg(a, 1)
        if v.tt == UInt64(LT_TTHREAD) { return (v.thread, 1) }
        return (L, 0)
    }

    /// Runs `body` with `th` as the running thread (inspection only).
    func withThread<R>(_ th: ThreadPtr, _ body: () throws -> R) rethrows -> R {
        let saved = L!
        L = th
        defer { L = saved }
        return try body()
    }

    /// The frame index of stack level `level` of thread th, or nil when out of range.
    func levelFrame(_ th: ThreadPtr, _ level: Int64) -> Int? {
        if level < 0 { return nil }
        let nci = Int64(th.pointee.nci)
        if level > nci { return nil }
        let fi = Int(nci - 1 - level)
        if fi >= 1 { return fi }
        if fi == 0 && th == mainThread { return 0 }
        return nil
    }

    /// The function running in frame fi of th (nil for the main thread's base frame).
    func frameFunction(_ th: ThreadPtr, _ fi: Int) -> Value {
        if fi == 0 { return .nilValue }
        return th.pointee.stack[Int(th.pointee.ci[fi].func)]
    }

    // MARK: traceback

    func debugTraceback(_ a: Args) throws -> Int {
        let (th, o) = debugThread(a)
        let mv = arg(a, o + 1)
        var msg: [UInt8]? = nil
        if mv.isString {
            msg = LuaStr.bytes(mv.str)
        } else if mv.isNumber {
            msg = tostringBasic(mv)
        } else if !mv.isNil {
            try push(mv)
            return 1
        }
        let level = try optInt(a, o + 2, th == L ? 1 : 0)
        var out: [UInt8] = []
        if let m = msg { out = m; out.append(10) }
        out += Array(tracebackText(th, level: level).utf8)
        try push(Value(string: newString(out)))
        return 1
    }

    /// "stack traceback:\n\t..." of thread th starting at lua level `level`.
    func tracebackText(_ th: ThreadPtr, level: Int64) -> String {
        let nci = Int64(th.pointee.nci)
        let isMain = th == mainThread
        let maxLevel = isMain ? nci - 1 : nci - 2
        if level < 0 || level > maxLevel { return "stack traceback:" }
        return withThread(th) { traceback(message: nil, level: Int(level) + 1, entryLevel: isMain) }
    }

    // MARK: getinfo

    func debugGetinfo(_ a: Args) throws -> Int {
        let (th, o) = debugThread(a)
        let opts = try optString(a, o + 2).map { LuaStr.bytes($0) } ?? Array("flnSrtu".utf8)
        if opts.first == UInt8(ascii: ">") { throw argError(o + 2, "invalid option '>'") }
        let target = arg(a, o + 1)
        var fi: Int? = nil
        let fv: Value
        if target.isFunction {
            fv = target
        } else {
            let level = try checkInt(a, o + 1)
            guard let f = levelFrame(th, level) else { try push(.nilValue); return 1 }
            fi = f
            fv = frameFunction(th, f)
        }
        for c in opts where !"SlnrutLf".utf8.contains(c) { throw argError(o + 2, "invalid option") }
        let t = newTable()
        try push(Value(table: t))
        func set(_ k: String, _ v: Value) { tableSetStr(t, newString(k), v) }
        func setS(_ k: String, _ s: String) { set(k, Value(string: newString(s))) }
        let lcl: LClosurePtr? = fv.tt == UInt64(LT_TLCL) ? fv.lclosure : nil
        if opts.contains(UInt8(ascii: "S")) {
            if let c = lcl {
                let p = c.pointee.p!
                set("source", Value(string: newString(chunkSource(p))))
                setS("short_src", shortSource(p))
                set("linedefined", Value(int: Int64(p.pointee.linedefined)))
                set("lastlinedefined", Value(int: Int64(p.pointee.lastlinedefined)))
                setS("what", p.pointee.linedefined == 0 ? "main" : "Lua")
            } else {
                setS("source", "=[C]")
                setS("short_src", "[C]")
                set("linedefined", Value(int: -1))
                set("lastlinedefined", Value(int: -1))
                setS("what", "C")
            }
        }
        if opts.contains(UInt8(ascii: "l")) {
            var line = -1
            if let f = fi, lcl != nil { line = withThread(th) { currentLine(frame: f) } }
            set("currentline", Value(int: line))
        }
        if opts.contains(UInt8(ascii: "u")) {
            if let c = lcl {
                set("nups", Value(int: Int64(c.pointee.hdr.extra)))
                set("nparams", Value(int: Int64(c.pointee.p.pointee.numparams)))
                set("isvararg", Value(bool: c.pointee.p.pointee.isvararg != 0))
            } else {
                let n = fv.tt == UInt64(LT_TNATIVE) ? Int64(fv.native.pointee.hdr.extra) : 0
                set("nups", Value(int: n))
                set("nparams", Value(int: 0))
                set("isvararg", .trueValue)
            }
        }
        if opts.contains(UInt8(ascii: "n")) {
            var name: (String, String)? = nil
            if let f = fi, f >= 1 { name = withThread(th) { functionName(frame: f) } }
            if let (kind, nm) = name {
                setS("name", nm)
                setS("namewhat", kind)
            } else {
                setS("namewhat", "")
            }
        }
        if opts.contains(UInt8(ascii: "r")) {
            set("ftransfer", Value(int: 0))
            set("ntransfer", Value(int: 0))
        }
        if opts.contains(UInt8(ascii: "t")) {
            var tail = false
            if let f = fi, f >= 1 { tail = th.pointee.ci[f].callstatus & LT_CIST_TAIL != 0 }
            set("istailcall", Value(bool: tail))
        }
        if opts.contains(UInt8(ascii: "L")), let c = lcl {
            let lines = newTable()
            set("activelines", Value(table: lines))
            let p = c.pointee.p!
            let start = p.pointee.isvararg != 0 ? 1 : 0
            if start < Int(p.pointee.ncode) {
                for pc in start..<Int(p.pointee.ncode) {
                    tableSetInt(lines, Int64(p.pointee.lineinfo[pc]), .trueValue)
                }
            }
        }
        if opts.contains(UInt8(ascii: "f")) { set("func", fv) }
        return 1
    }

    // MARK: locals

    /// Name and stack slot of local n of frame fi of th (lua's luaG_findlocal).
    func findLocal(_ th: ThreadPtr, _ fi: Int, _ n: Int64) -> (String, Int)? {
        if fi == 0 { return nil }
        let ci = th.pointee.ci + fi
        let fn = Int(ci.pointee.func)
        let base = fn + 1
        let isLua = ci.pointee.callstatus & LT_CIST_LUA != 0
        var name: String? = nil
        if isLua {
            let p = th.pointee.stack[fn].lclosure.pointee.p!
            if n < 0 {
                guard p.pointee.isvararg != 0 else { return nil }
                let nextra = Int64(ci.pointee.nextraargs)
                guard n >= -nextra else { return nil }
                return ("(vararg)", fn - Int(nextra) - Int(n + 1))
            }
            if n >= 1 && n <= 255 {
                name = withThread(th) { localName(p, register: Int(n - 1), pc: currentPC(frame: fi)) }
            }
        }
        if name == nil {
            let nci = Int(th.pointee.nci)
            let limit = fi == nci - 1 ? Int(th.pointee.top) : withThread(th) { originalFunc(th.pointee.ci + fi + 1) }
            guard n > 0 && Int64(limit - base) >= n else { return nil }
            name = isLua ? "(temporary)" : "(C temporary)"
        }
        return (name!, base + Int(n) - 1)
    }

    func debugGetlocal(_ a: Args) throws -> Int {
        let (th, o) = debugThread(a)
        let n = try checkInt(a, o + 2)
        let target = arg(a, o + 1)
        if target.isFunction {
            var name: String? = nil
            if target.tt == UInt64(LT_TLCL), n >= 1 && n <= 255 {
                name = localName(target.lclosure.pointee.p, register: Int(n - 1), pc: 0)
            }
            try push(name.map { Value(string: newString($0)) } ?? .nilValue)
            return 1
        }
        let level = try checkInt(a, o + 1)
        guard let fi = levelFrame(th, level) else { throw argError(o + 1, "level out of range") }
        guard let (name, slot) = findLocal(th, fi, n) else { try push(.nilValue); return 1 }
        let v = th.pointee.stack[slot]
        try pushString(name)
        try push(v)
        return 2
    }

    func debugSetlocal(_ a: Args) throws -> Int {
        let (th, o) = debugThread(a)
        let level = try checkInt(a, o + 1)
        let n = try checkInt(a, o + 2)
        guard let fi = levelFrame(th, level) else { throw argError(o + 1, "level out of range") }
        try checkAny(a, o + 3)
        guard let (name, slot) = findLocal(th, fi, n) else { try push(.nilValue); return 1 }
        th.pointee.stack[slot] = arg(a, o + 3)
        try pushString(name)
        return 1
    }

    // MARK: upvalues

    func checkFunctionArg(_ a: Args, _ n: Int) throws -> Value {
        let v = arg(a, n)
        if !v.isFunction { throw argTypeError(a, n, "function") }
        return v
    }

    /// Upvalue index n of function f; returns (index, identity) with identity nil when out of range.
    func upvalueRef(_ a: Args, _ argf: Int, _ argn: Int) throws -> (Int, UnsafeMutableRawPointer?) {
        let n = try checkInt(a, argn)
        let f = try checkFunctionArg(a, argf)
        if f.tt == UInt64(LT_TLCL) {
            let c = f.lclosure
            guard n >= 1 && n <= Int64(c.pointee.hdr.extra), let u = lt_lcl_upvals(c)[Int(n - 1)] else { return (Int(n), nil) }
            return (Int(n), UnsafeMutableRawPointer(u))
        }
        let c = f.native
        guard n >= 1 && n <= Int64(c.pointee.hdr.extra) else { return (Int(n), nil) }
        return (Int(n), UnsafeMutableRawPointer(lt_native_upvals(c) + Int(n - 1)))
    }

    func debugUpvalue(_ a: Args, get: Bool) throws -> Int {
        let n = try checkInt(a, 2)
        let f = try checkFunctionArg(a, 1)
        let name: String
        let slot: UnsafeMutablePointer<LTValue>
        if f.tt == UInt64(LT_TLCL) {
            let c = f.lclosure
            guard n >= 1 && n <= Int64(c.pointee.hdr.extra), let u = lt_lcl_upvals(c)[Int(n - 1)] else { return 0 }
            let nm = upvalueName(c.pointee.p, Int(n - 1))
            name = nm.isEmpty || nm == "?" ? "(no name)" : nm      // "?": stripped binary chunk
            slot = u.pointee.v
        } else {
            let c = f.native
            guard n >= 1 && n <= Int64(c.pointee.hdr.extra) else { return 0 }
            name = ""
            slot = lt_native_upvals(c) + Int(n - 1)
        }
        if get {
            let v = slot.pointee
            try pushString(name)
            try push(v)
            return 2
        }
        slot.pointee = arg(a, 3)
        try pushString(name)
        return 1
    }

    func debugUpvalueJoin(_ a: Args) throws -> Int {
        let (n1, id1) = try upvalueRef(a, 1, 2)
        if id1 == nil { throw argError(2, "invalid upvalue index") }
        let (n2, id2) = try upvalueRef(a, 3, 4)
        if id2 == nil { throw argError(4, "invalid upvalue index") }
        if arg(a, 1).tt != UInt64(LT_TLCL) { throw argError(1, "Lua function expected") }
        if arg(a, 3).tt != UInt64(LT_TLCL) { throw argError(3, "Lua function expected") }
        let ups1 = lt_lcl_upvals(arg(a, 1).lclosure)!
        let ups2 = lt_lcl_upvals(arg(a, 3).lclosure)!
        ups1[n1 - 1] = ups2[n2 - 1]
        return 0
    }

    // MARK: metatables

    func debugSetmetatable(_ a: Args) throws -> Int {
        let v = arg(a, 1)
        let mtv = arg(a, 2)
        if a.count < 2 || !mtv.isNil && !mtv.isTable { throw argTypeError(a, 2, "nil or table") }
        let mt: TablePtr? = mtv.isNil ? nil : mtv.table
        switch Int32(v.tt) {
        case LT_TTABLE: v.table.pointee.metatable = mt; checkFinalizer(v.gc, mt)
        case LT_TUSERDATA: v.userdata.pointee.metatable = mt; checkFinalizer(v.gc, mt)
        case LT_TFALSE, LT_TTRUE:
            typeMetatables[Int(LT_TFALSE)] = mt; typeMetatables[Int(LT_TTRUE)] = mt
        case LT_TINT, LT_TFLOAT:
            typeMetatables[Int(LT_TINT)] = mt; typeMetatables[Int(LT_TFLOAT)] = mt
        case LT_TLCL, LT_TNATIVE:
            typeMetatables[Int(LT_TLCL)] = mt; typeMetatables[Int(LT_TNATIVE)] = mt
        default:
            typeMetatables[Int(v.tt)] = mt
        }
        try push(v)
        return 1
    }

    // MARK: hooks (stored only)

    private func hookTable() -> TablePtr {
        let t = registryTable("_HOOKKEY")
        if t.pointee.metatable == nil {
            let mt = newTable()
            tableSetStr(mt, tmName(.mode), Value(string: newString("k")))
            t.pointee.metatable = mt
        }
        return t
    }

    func debugSethook(_ a: Args) throws -> Int {
        let (th, o) = debugThread(a)
        let key = Value(thread: th)
        if arg(a, o + 1).isNil {
            tableSet(hookTable(), key, .nilValue)
            return 0
        }
        let smask = LuaStr.bytes(try checkString(a, o + 2))
        _ = try checkFunctionArg(a, o + 1)
        let count = try optInt(a, o + 3, 0)
        var mask = ""
        if smask.contains(UInt8(ascii: "c")) { mask += "c" }
        if smask.contains(UInt8(ascii: "r")) { mask += "r" }
        if smask.contains(UInt8(ascii: "l")) { mask += "l" }
        if mask.isEmpty && count <= 0 {
            tableSet(hookTable(), key, .nilValue)
            return 0
        }
        let entry = newTable(narray: 3)
        tableSetInt(entry, 1, arg(a, o + 1))
        tableSetInt(entry, 2, Value(string: newString(mask)))
        tableSetInt(entry, 3, Value(int: max(count, 0)))
        tableSet(hookTable(), key, Value(table: entry))
        return 0
    }

    func debugGethook(_ a: Args) throws -> Int {
        let (th, _) = debugThread(a)
        let e = tableGet(hookTable(), Value(thread: th))
        guard e.isTable else { try push(.nilValue); return 1 }
        try push(tableGetInt(e.table, 1))
        try push(tableGetInt(e.table, 2))
        try push(tableGetInt(e.table, 3))
        return 3
    }

    // MARK: debug.debug

    func debugDebug() throws -> Int {
        let th = L!
        while true {
            stdout.flush()
            writeStderr("lua_debug> ")
            guard let line = Swift.readLine(strippingNewline: false), line != "cont\n" else { return 0 }
            let fIdx = top
            switch loadChunk(Array(line.utf8), chunkName: "=(debug command)") {
            case .failure(let f):
                writeStderr(f.message + "\n")
            case .success(let f):
                let savedNci = Int(th.pointee.nci)
                do {
                    try push(f)
                    try call(funcIdx: fIdx, nresults: 0)
                } catch let e as LuaError {
                    let err = unwindTo(th, frames: savedNci, level: fIdx, error: e.value)
                    stdout.flush()
                    writeStderr(errorMessageText(err) + "\n")
                }
            }
            top = fIdx
        }
    }
}

extension VM {
    /// lua's pushglobalfuncname for tracebacks: functions found in package.loaded (two levels
    /// deep, depth first, first match wins) named "lib.name", with "_G." dropped. Built once per
    /// traceback; look names up with globalFunctionName(_:_:).
    func globalFunctionNames() -> [UnsafeMutableRawPointer: String] {
        var names: [UnsafeMutableRawPointer: String] = [:]
        let lv = tableGetStr(registry, newString("_LOADED"))
        guard lv.isTable else { return names }
        func add(_ v: Value, _ name: String) {
            guard v.isFunction, let p = v.u.p, names[p] == nil else { return }
            names[p] = name.hasPrefix("_G.") ? String(name.dropFirst(3)) : name
        }
        var key = Value.nilValue
        while let (k, v) = try? tableNext(lv.table, key) {
            key = k
            guard k.isString else { continue }
            let lib = LuaStr.string(k.str)
            add(v, lib)
            guard v.isTable else { continue }
            var k2 = Value.nilValue
            while let (kk, vv) = try? tableNext(v.table, k2) {
                k2 = kk
                if kk.isString { add(vv, lib + "." + LuaStr.string(kk.str)) }
            }
        }
        return names
    }

    func globalFunctionName(_ f: Value, _ names: [UnsafeMutableRawPointer: String]) -> String? {
        guard f.isFunction, let p = f.u.p else { return nil }
        return names[p]
    }
}
