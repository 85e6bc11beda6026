// The base library: print, type, tostring, tonumber, pairs, ipairs, next, select, assert,
// error, pcall, xpcall, (get|set)metatable, raw*, load, loadfile, dofile, collectgarbage, warn.

import CLuaRuntime
import LuaText
#if canImport(Glibc)
import Glibc
#endif

extension VM {
    func openBase() {
        let g = globals!
        typeNameValues = LTValue.typeNames.map { permanent(Value(string: newString($0))) }
        tableSetStr(g, newString("_G"), Value(table: g))
        tableSetStr(g, newString("_VERSION"), Value(string: newString("Lua 5.4")))
        register(g, lib: nil, [
            ("print", NativeEntry { vm, a in try vm.luaPrint(a) }),
            ("type", NativeEntry { vm, a in
                try vm.checkAny(a, 1)
                try vm.push(vm.typeNameValues[Int(vm.arg(a, 1).tt)]); return 1 }),
            ("tostring", NativeEntry { vm, a in
                try vm.checkAny(a, 1)
                try vm.push(Value(string: try vm.tostring(vm.arg(a, 1)))); return 1 }),
            ("tonumber", NativeEntry { vm, a in try vm.luaToNumber(a) }),
            ("rawequal", NativeEntry { vm, a in
                try vm.checkAny(a, 1); try vm.checkAny(a, 2)
                try vm.push(Value(bool: vm.arg(a, 1).rawEquals(vm.arg(a, 2)))); return 1 }),
            ("rawlen", NativeEntry { vm, a in
                let v = vm.arg(a, 1)
                if v.isTable { try vm.push(Value(int: vm.tableLength(v.table))) } else if v.isString {
                    try vm.push(Value(int: v.str.pointee.len))
                } else { throw vm.argTypeError(a, 1, "table or string") }
                return 1 }),
            ("rawget", NativeEntry { vm, a in
                let t = try vm.checkTable(a, 1); try vm.checkAny(a, 2)
                try vm.push(vm.tableGet(t, vm.arg(a, 2))); return 1 }),
            ("rawset", NativeEntry { vm, a in
                let t = try vm.checkTable(a, 1); try vm.checkAny(a, 2); try vm.checkAny(a, 3)
                try vm.rawSet(t, vm.arg(a, 2), vm.arg(a, 3))
                try vm.push(vm.arg(a, 1)); return 1 }),
            ("setmetatable", NativeEntry { vm, a in
                let t = try vm.checkTable(a, 1)
                let mt = vm.arg(a, 2)
                if !mt.isNil && !mt.isTable { throw vm.argTypeError(a, 2, "nil or table") }
                if !vm.setMetatable(t, mt.isNil ? nil : mt.table) {
                    throw LuaError.runtime(vm, "cannot change a protected metatable")
                }
                try vm.push(vm.arg(a, 1)); return 1 }),
            ("getmetatable", NativeEntry { vm, a in
                try vm.checkAny(a, 1)
                guard let mt = vm.metatable(of: vm.arg(a, 1)) else { try vm.push(.nilValue); return 1 }
                let protected = vm.tableGetShortStr(mt, vm.tmName(.metatable))
                try vm.push(protected.isNil ? Value(table: mt) : protected); return 1 }),
            ("assert", NativeEntry { vm, a in
                if vm.arg(a, 1).isTruthy { return a.count }     // all arguments are already on top
                if a.count < 1 { throw vm.argError(1, "value expected") }
                if a.count >= 2 { throw LuaError(value: vm.arg(a, 2)) }
                throw LuaError.plain(vm, "assertion failed!") }),
            ("error", NativeEntry { vm, a in
                let v = vm.arg(a, 1)
                let level = try vm.optInt(a, 2, 1)
                if v.isString && level > 0 {
                    let pos = vm.where(level: Int(level))
                    if !pos.isEmpty {
                        var b = Array(pos.utf8); b.append(contentsOf: LuaStr.buffer(v.str))
                        throw LuaError(value: Value(string: vm.newString(b)))
                    }
                }
                throw LuaError(value: v) }),
            ("next", NativeEntry { vm, a in
                let t = try vm.checkTable(a, 1)
                if let (k, v) = try vm.tableNext(t, vm.arg(a, 2)) {
                    try vm.push(k); try vm.push(v); return 2
                }
                try vm.push(.nilValue); return 1 }),
            ("select", NativeEntry { vm, a in
                let nv = vm.arg(a, 1)
                if nv.isString && LuaStr.len(nv.str) == 1 && LuaStr.data(nv.str)[0] == UInt8(ascii: "#") {
                    try vm.push(Value(int: a.count - 1)); return 1
                }
                let n = try vm.checkInt(a, 1)
                if n < 0 {
                    if -n > Int64(a.count - 1) { throw vm.argError(1, "index out of range") }
                    return Int(-n)
                }
                if n == 0 { throw vm.argError(1, "index out of range") }
                return max(0, a.count - Int(min(n, Int64(a.count)))) }),
            ("pcall", NativeEntry { vm, a in try vm.nativePCall(a, handler: false) }),
            ("xpcall", NativeEntry { vm, a in try vm.nativePCall(a, handler: true) }),
            ("collectgarbage", NativeEntry { vm, a in try vm.luaCollectGarbage(a) }),
            ("load", NativeEntry { vm, a in try vm.luaLoad(a) }),
            ("dofile", NativeEntry { vm, a in try vm.luaDoFile(a) }),
            ("loadfile", NativeEntry { vm, a in try vm.luaLoadFile(a) }),
            ("warn", NativeEntry { vm, a in try vm.luaWarn(a) }),
        ])
        let ipairsIter = permanent(Value(native: newNative(id: registerNative("ipairs_iterator") { vm, a in
            let i = (try vm.checkInt(a, 2)) &+ 1
            let t = vm.arg(a, 1)
            let v = t.isTable ? vm.tableGetInt(t.table, i) : .nilValue
            let r = (v.isNil && !(t.isTable && t.table.pointee.metatable == nil)) ? try vm.index(t, Value(int: i)) : v
            if r.isNil { try vm.push(.nilValue); return 1 }
            try vm.push(Value(int: i)); try vm.push(r); return 2
        })))
        ipairsIterator = ipairsIter
        let nextFn = permanent(tableGetStr(g, newString("next")))
        nextFunction = nextFn
        tableSetStr(g, newString("ipairs"), Value(native: newNative(id: registerNative("ipairs") { vm, a in
            try vm.checkAny(a, 1)
            try vm.push(ipairsIter); try vm.push(vm.arg(a, 1)); try vm.push(Value(int: 0)); return 3
        })))
        tableSetStr(g, newString("pairs"), Value(native: newNative(id: registerNative("pairs") { vm, a in
            try vm.checkAny(a, 1)
            let t = vm.arg(a, 1)
            if let h = vm.tm(t, .pairs) {
                let r = try vm.callValue(h, [t], nresults: 3)
                for v in r { try vm.push(v) }
                return 3
            }
            try vm.push(nextFn); try vm.push(t); try vm.push(.nilValue); return 3
        })))
        pcallID = Int(tableGetStr(g, newString("pcall")).native.pointee.fnid)
        xpcallID = Int(tableGetStr(g, newString("xpcall")).native.pointee.fnid)
    }

    func luaPrint(_ a: Args) throws -> Int {
        for j in 1...max(a.count, 1) where j <= a.count {
            if j > 1 { stdout.write([9]) }
            let v = arg(a, j)
            if v.isString {
                stdout.write(UnsafeRawBufferPointer(LuaStr.buffer(v.str)))
            } else if v.isInt {
                stdout.write(formatInt(v.i))
            } else {
                let s = try tostring(v)
                stdout.write(UnsafeRawBufferPointer(LuaStr.buffer(s)))
            }
        }
        stdout.write([10])
        if stdoutIsTTY { stdout.flush() }
        return 0
    }

    func luaToNumber(_ a: Args) throws -> Int {
        if arg(a, 2).isNil {
            let v = arg(a, 1)
            if v.isNumber { try push(v); return 1 }
            if v.isString, let n = toNumber(v) { try push(n); return 1 }
            try checkAny(a, 1)
            try push(.nilValue); return 1
        }
        let base = try checkInt(a, 2)
        let v = arg(a, 1)
        if !v.isString { throw argTypeError(a, 1, "string") }
        if base < 2 || base > 36 { throw argError(2, "base out of range") }
        if let i = parseInt(LuaStr.buffer(v.str), base: Int(base)) { try push(Value(int: i)) } else { try push(.nilValue) }
        return 1
    }

    /// pcall/xpcall called from native code (the interpreter handles calls from Lua itself).
    func nativePCall(_ a: Args, handler: Bool) throws -> Int {
        let th = L!
        if handler && a.count < 2 { throw argError(2, "value expected") }
        if a.count < 1 { throw argError(1, "value expected") }
        let savedNci = Int(th.pointee.nci)
        var fIdx = a.base
        if handler {
            // [f, h, args...] -> [h, f, args...]: the handler stays below the call
            let st = th.pointee.stack!
            let f = st[a.base]
            st[a.base] = st[a.base + 1]
            st[a.base + 1] = f
            fIdx = a.base + 1
        }
        do {
            try call(funcIdx: fIdx, nresults: -1)
            let t = L!
            let n = Int(t.pointee.top) - fIdx
            try ensureStack(t, fIdx + n + 1)
            let st = t.pointee.stack!
            var j = n - 1
            while j >= 0 { st[fIdx + 1 + j] = st[fIdx + j]; j -= 1 }
            st[fIdx] = .trueValue
            t.pointee.top = Int64(fIdx + n + 1)
            return n + 1
        } catch let e as LuaError {
            var err = e.value
            if handler { err = callHandler(th, handlerIdx: a.base, error: err) }
            err = unwindTo(th, frames: savedNci, level: fIdx, error: err)
            th.pointee.top = Int64(fIdx)
            try push(.falseValue)
            try push(err)
            return 2
        }
    }

    func luaCollectGarbage(_ a: Args) throws -> Int {
        let opt = arg(a, 1).isNil ? "collect" : LuaStr.string(try checkString(a, 1))
        switch opt {
        case "collect":
            fullGC(); runPendingFinalizers(); try push(Value(int: 0))
        case "count":
            let kb = Double(totalBytes) / 1024
            try push(Value(float: kb))
        case "step":
            fullGC(); runPendingFinalizers(); try push(.trueValue)
        case "stop":
            gcRunning = false; updateGCThreshold(); try push(Value(int: 0))
        case "restart":
            gcRunning = true; gcCollectAt = max(totalBytes, VM.gcMinimum); updateGCThreshold(); try push(Value(int: 0))
        case "isrunning":
            try push(Value(bool: gcRunning))
        case "incremental", "generational":
            let prev = gcMode
            gcMode = opt
            try pushString(prev)
        case "setpause", "setstepmul":
            try push(Value(int: 100))
        default:
            throw argError(1, "invalid option '\(opt)'")
        }
        return 1
    }

    func luaLoad(_ a: Args) throws -> Int {
        let chunk = arg(a, 1)
        var source: [UInt8]
        var defaultName = "=(load)"
        if chunk.isString || chunk.isNumber {     // a number is loaded as its text, like lua's
            let s = try checkString(a, 1)
            source = LuaStr.bytes(s)
            defaultName = LuaStr.string(s)
        } else if chunk.isFunction {
            source = []
            let savedNci = Int(L.pointee.nci), savedTop = top
            do {
                while true {
                    let r = try callValue(chunk, [], nresults: 1)
                    let piece = r.first ?? .nilValue
                    if piece.isNil { break }
                    if !piece.isString { throw LuaError.runtime(self, "reader function must return a string") }
                    if piece.str.pointee.len == 0 { break }
                    source.append(contentsOf: LuaStr.buffer(piece.str))
                }
            } catch let e as LuaError {
                L.pointee.nci = Int64(savedNci)
                top = savedTop
                try push(.nilValue); try push(e.value); return 2
            }
        } else {
            throw argTypeError(a, 1, "string")
        }
        let name = arg(a, 2).isNil ? defaultName : LuaStr.string(try checkString(a, 2))
        let mode = arg(a, 3).isNil ? "bt" : LuaStr.string(try checkString(a, 3))
        let env: Value? = a.count >= 4 ? arg(a, 4) : nil
        switch loadBuffer(source, chunkName: name, mode: mode, env: env) {
        case .success(let f): try push(f); return 1
        case .failure(let f): try push(.nilValue); try pushString(f.message); return 2
        }
    }

    /// lua_load: a text or binary chunk (by its first byte), checked against `mode`; the main
    /// function's first upvalue is set to `env` (default: the globals).
    func loadBuffer(_ source: [UInt8], chunkName: String, mode: String, env: Value?) -> Result<Value, LoadFailure> {
        let isBinary = source.first == 0x1B
        if isBinary && !mode.contains("b") || !isBinary && !mode.contains("t") {
            return .failure(LoadFailure(message: "attempt to load a \(isBinary ? "binary" : "text") chunk (mode is '\(mode)')"))
        }
        if isBinary {
            return undump(source, chunkName: chunkName).map { closureForMain($0, env: env ?? Value(table: globals)) }
        }
        return loadChunk(source, chunkName: chunkName, env: env)
    }

    /// luaL_loadfilex: a file (stdin when nil) as chunk "@name"; a first line starting with '#'
    /// is skipped (before a text or a binary chunk).
    func loadFile(_ path: String?, mode: String, env: Value?) -> Result<Value, LoadFailure> {
        var source: [UInt8]
        if let path = path {
            switch readFileChecked(path) {
            case .success(let data): source = data
            case .failure(let f): return .failure(f)
            }
        } else {
            source = readAllStdin()
        }
        source = skipFirstLineIfComment(source)
        if source.count >= 2 && source[0] == 10 && source[1] == 0x1B { source.removeFirst() }
        return loadBuffer(source, chunkName: path.map { "@" + $0 } ?? "=stdin", mode: mode, env: env)
    }

    /// A file's bytes, or lua's "cannot open/read <name>: <reason>" message.
    func readFileChecked(_ path: String) -> Result<[UInt8], LoadFailure> {
        guard let f = fopen(path, "rb") else {
            return .failure(LoadFailure(message: "cannot open \(path): \(String(cString: strerror(errno)))"))
        }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n > 0 { out.append(contentsOf: buf[0..<n]) }
            if n < buf.count { break }
        }
        if ferror(f) != 0 {
            return .failure(LoadFailure(message: "cannot read \(path): \(String(cString: strerror(errno)))"))
        }
        return .success(out)
    }

    func luaLoadFile(_ a: Args) throws -> Int {
        let fname = try optString(a, 1).map { LuaStr.string($0) }
        let mode = try optString(a, 2).map { LuaStr.string($0) } ?? "bt"
        let env: Value? = a.count >= 3 ? arg(a, 3) : nil
        switch loadFile(fname, mode: mode, env: env) {
        case .success(let f): try push(f); return 1
        case .failure(let f): try push(.nilValue); try pushString(f.message); return 2
        }
    }

    func luaDoFile(_ a: Args) throws -> Int {
        let fname = try optString(a, 1).map { LuaStr.string($0) }
        switch loadFile(fname, mode: "bt", env: nil) {
        case .failure(let f): throw LuaError.plain(self, f.message)
        case .success(let f):
            let fi = top
            try push(f)
            try call(funcIdx: fi, nresults: -1)
            return top - fi
        }
    }

    func luaWarn(_ a: Args) throws -> Int {
        if a.count < 1 { throw argTypeError(a, 1, "string") }
        var msg: [UInt8] = []
        for j in 1...a.count { msg.append(contentsOf: LuaStr.buffer(try checkString(a, j))) }
        let text = String(decoding: msg, as: UTF8.self)
        if a.count == 1 && msg.first == UInt8(ascii: "@") {
            if text == "@on" { warningsOn = true } else if text == "@off" { warningsOn = false }
            return 0
        }
        if warningsOn {
            stdout.flush()
            writeStderr("Lua warning: \(text)\n")
        }
        return 0
    }
}
