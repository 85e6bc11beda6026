// The package library and `require`: package.path/cpath/config/loaded/preload/searchers,
// package.searchpath, package.loadlib (dynamic libraries are not supported).
//
// Invariants:
// - package.loaded is registry._LOADED and package.preload is registry._PRELOAD; the standard
//   library tables are entered there as their openers run (registerLoadedLibraries).
// - Searchers and require carry the package table as their upvalue (like lua's), so replacing
//   package.path/searchers in that table takes effect.
// - Module files are looked up relative to the current directory through package.path only
//   (lua5.4 does not add the script's directory).

import CLuaRuntime
import LuaText
#if canImport(Glibc)
import Glibc
#endif

private let defaultLuaPath = "/usr/local/share/lua/5.4/?.lua;/usr/local/share/lua/5.4/?/init.lua;"
    + "/usr/local/lib/lua/5.4/?.lua;/usr/local/lib/lua/5.4/?/init.lua;./?.lua;./?/init.lua"
private let defaultCPath = "/usr/local/lib/lua/5.4/?.so;/usr/local/lib/lua/5.4/loadall.so;./?.so"

/// Names of the standard library tables entered into package.loaded.
private let standardLibraryNames = ["_G", "package", "coroutine", "table", "io", "os", "string",
                                    "math", "utf8", "debug"]

extension VM {
    func openPackage() {
        let pkg = newTable()
        let up = Value(table: pkg)
        let loaded = loadedTable()
        let preload = registryTable("_PRELOAD")
        tableSetStr(pkg, newString("loaded"), Value(table: loaded))
        tableSetStr(pkg, newString("preload"), Value(table: preload))
        tableSetStr(pkg, newString("path"), Value(string: newString(
            envPath("LUA_PATH", defaultLuaPath))))
        tableSetStr(pkg, newString("cpath"), Value(string: newString(
            envPath("LUA_CPATH", defaultCPath))))
        tableSetStr(pkg, newString("config"), Value(string: newString("/\n;\n?\n!\n-\n")))

        let searchers = newTable(narray: 4)
        let fns: [(String, NativeEntry)] = [
            ("searcher_preload", NativeEntry { vm, a in try vm.searcherPreload(a) }),
            ("searcher_Lua", NativeEntry { vm, a in try vm.searcherLua(a) }),
            ("searcher_C", NativeEntry { vm, a in try vm.searcherC(a, root: false) }),
            ("searcher_Croot", NativeEntry { vm, a in try vm.searcherC(a, root: true) }),
        ]
        for (i, (_, fn)) in fns.enumerated() {
            tableSetInt(searchers, Int64(i + 1), Value(native: newNative(id: registerNative("", fn), upvalues: [up])))
        }
        tableSetStr(pkg, newString("searchers"), Value(table: searchers))
        register(pkg, lib: "package", [
            ("searchpath", NativeEntry { vm, a in
                // lua5.4 (built with gcc) checks these arguments last to first
                let rep = try vm.optString(a, 4).map { LuaStr.bytes($0) } ?? [UInt8(ascii: "/")]
                let sep = try vm.optString(a, 3).map { LuaStr.bytes($0) } ?? [UInt8(ascii: ".")]
                let path = LuaStr.bytes(try vm.checkString(a, 2))
                let name = LuaStr.bytes(try vm.checkString(a, 1))
                switch vm.searchPath(name, path, sep, rep) {
                case .success(let f): try vm.pushBytes(f); return 1
                case .failure(let e): try vm.push(.nilValue); try vm.pushBytes(e.bytes); return 2
                }
            }),
            ("loadlib", NativeEntry { vm, a in
                _ = try vm.checkString(a, 1)
                _ = try vm.checkString(a, 2)
                try vm.push(.nilValue)
                try vm.pushString("dynamic libraries not enabled; check your Lua installation")
                try vm.pushString("absent")
                return 3
            }),
        ])
        tableSetStr(globals, newString("require"),
                    Value(native: newNative(id: registerNative("require") { vm, a in try vm.require(a) }, upvalues: [up])))
        tableSetStr(globals, newString("package"), up)
        registerLoadedLibraries()
    }

    /// registry[name], created as an empty table when missing.
    func registryTable(_ name: String) -> TablePtr {
        let key = newString(name)
        let v = tableGetStr(registry, key)
        if v.isTable { return v.table }
        let t = newTable()
        tableSetStr(registry, key, Value(table: t))
        return t
    }

    /// registry._LOADED (package.loaded).
    func loadedTable() -> TablePtr { registryTable("_LOADED") }

    /// Enters the standard library tables present in _G into package.loaded (idempotent;
    /// each opener calls it, so the loaded table is complete once the last opener ran).
    func registerLoadedLibraries() {
        let loaded = loadedTable()
        for name in standardLibraryNames {
            let key = newString(name)
            let v = tableGetStr(globals, key)
            if v.isTable && tableGetStr(loaded, key).isNil { tableSetStr(loaded, key, v) }
        }
    }

    /// lua's setpath: LUA_PATH_5_4 or LUA_PATH, ";;" replaced by the default path.
    private func envPath(_ env: String, _ dft: String) -> String {
        guard let raw = getenv(env + "_5_4") ?? getenv(env) else { return dft }
        let path = Array(String(cString: raw).utf8)
        var mark: Int? = nil
        if path.count >= 2 {
            for i in 0..<(path.count - 1) where path[i] == UInt8(ascii: ";") && path[i + 1] == UInt8(ascii: ";") {
                mark = i; break
            }
        }
        guard let m = mark else { return String(decoding: path, as: UTF8.self) }
        var out: [UInt8] = []
        if m > 0 { out += path[0..<m]; out.append(UInt8(ascii: ";")) }
        out += Array(dft.utf8)
        if m < path.count - 2 { out.append(UInt8(ascii: ";")); out += path[(m + 2)...] }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: searchpath

    struct NotFound: Error { var bytes: [UInt8] }

    private static func replaceAll(_ s: [UInt8], _ pat: [UInt8], _ rep: [UInt8]) -> [UInt8] {
        if pat.isEmpty { return s }
        var out: [UInt8] = []
        var i = 0
        while i < s.count {
            if i + pat.count <= s.count && s[i] == pat[0] && Array(s[i..<(i + pat.count)]) == pat {
                out += rep
                i += pat.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }

    private func readable(_ name: [UInt8]) -> Bool {
        guard let f = withCString(name, { fopen($0, "r") }) else { return false }
        fclose(f)
        return true
    }

    /// package.searchpath: the first readable file of the templates, or the "no file" list.
    func searchPath(_ name0: [UInt8], _ path: [UInt8], _ sep: [UInt8], _ dirsep: [UInt8]) -> Result<[UInt8], NotFound> {
        var name = name0
        if let s = sep.first, name.contains(s) { name = VM.replaceAll(name, sep, dirsep) }
        let full = VM.replaceAll(path, [UInt8(ascii: "?")], name)
        for template in full.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false) {
            let file = Array(template)
            if readable(file) { return .success(file) }
        }
        var msg = Array("no file '".utf8)
        msg += VM.replaceAll(full, [UInt8(ascii: ";")], Array("'\n\tno file '".utf8))
        msg.append(UInt8(ascii: "'"))
        return .failure(NotFound(bytes: msg))
    }

    /// The package field `pname` (path or cpath) as bytes ("'package.path' must be a string").
    private func packagePath(_ pname: String) throws -> [UInt8] {
        let pkg = nativeUpvalue(0)
        let v = try index(pkg, Value(string: newString(pname)))
        if v.isString { return LuaStr.bytes(v.str) }
        if v.isNumber { return LuaStr.bytes(tostringNumber(v)) }
        throw LuaError.runtime(self, "'package.\(pname)' must be a string")
    }

    // MARK: searchers

    func searcherPreload(_ a: Args) throws -> Int {
        let name = try checkString(a, 1)
        let preload = tableGetStr(registry, newString("_PRELOAD"))
        let v = preload.isTable ? try index(preload, Value(string: name)) : .nilValue
        if v.isNil {
            try pushString("no field package.preload['\(LuaStr.string(name))']")
            return 1
        }
        try push(v)
        try pushString(":preload:")
        return 2
    }

    func searcherLua(_ a: Args) throws -> Int {
        let name = LuaStr.bytes(try checkString(a, 1))
        let path = try packagePath("path")
        switch searchPath(name, path, [UInt8(ascii: ".")], [UInt8(ascii: "/")]) {
        case .failure(let e):
            try pushBytes(e.bytes)
            return 1
        case .success(let file):
            let fname = String(decoding: file, as: UTF8.self)
            let loaded: Result<Value, LoadFailure>
            if let data = readFile(fname) {
                loaded = loadChunk(skipFirstLineIfComment(data), chunkName: "@" + fname)
            } else {
                loaded = .failure(LoadFailure(message: "cannot open \(fname): \(String(cString: strerror(errno)))"))
            }
            switch loaded {
            case .success(let f):
                try push(f)
                try pushBytes(file)
                return 2
            case .failure(let e):
                throw LuaError.runtime(self, "error loading module '\(String(decoding: name, as: UTF8.self))' from file '\(fname)':\n\t\(e.message)")
            }
        }
    }

    func searcherC(_ a: Args, root: Bool) throws -> Int {
        var name = LuaStr.bytes(try checkString(a, 1))
        if root {
            guard let dot = name.firstIndex(of: UInt8(ascii: ".")) else { return 0 }
            name = Array(name[..<dot])
        }
        let path = try packagePath("cpath")
        switch searchPath(name, path, [UInt8(ascii: ".")], [UInt8(ascii: "/")]) {
        case .failure(let e):
            try pushBytes(e.bytes)
            return 1
        case .success(let file):
            let full = LuaStr.string(try checkString(a, 1))
            throw LuaError.runtime(self, "error loading module '\(full)' from file '\(String(decoding: file, as: UTF8.self))':\n\tdynamic libraries not enabled; check your Lua installation")
        }
    }

    // MARK: require

    func require(_ a: Args) throws -> Int {
        let name = try checkString(a, 1)
        let nameV = Value(string: name)
        top = a.base + 1                                  // [name]
        let loadedV = Value(table: loadedTable())
        try push(loadedV)                                 // [name, LOADED]
        let existing = try index(loadedV, nameV)
        if existing.isTruthy { try push(existing); return 1 }
        // find a loader
        let pkg = nativeUpvalue(0)
        let searchers = try index(pkg, Value(string: newString("searchers")))
        if !searchers.isTable { throw LuaError.runtime(self, "'package.searchers' must be a table") }
        try push(searchers)                               // [name, LOADED, searchers]
        var msg: [UInt8] = []
        var i: Int64 = 1
        var loader = Value.nilValue
        var data = Value.nilValue
        while true {
            let s = tableGetInt(searchers.table, i)
            if s.isNil {
                throw LuaError.runtime(self, "module '\(LuaStr.string(name))' not found:\(String(decoding: msg, as: UTF8.self))")
            }
            let r = try callValue(s, [nameV], nresults: 2)
            if r[0].isFunction {
                loader = r[0]; data = r[1]
                break
            }
            if r[0].isString || r[0].isNumber {
                msg += Array("\n\t".utf8)
                msg += r[0].isString ? LuaStr.bytes(r[0].str) : LuaStr.bytes(tostringNumber(r[0]))
            }
            i += 1
        }
        try push(data)                                    // [name, LOADED, searchers, data]
        let r = try callValue(loader, [nameV, data], nresults: 1)
        if !r[0].isNil { try setIndex(loadedV, nameV, r[0]) }
        var result = try index(loadedV, nameV)
        if result.isNil {
            result = .trueValue
            try setIndex(loadedV, nameV, result)
        }
        try push(result)
        try push(data)
        return 2
    }
}
