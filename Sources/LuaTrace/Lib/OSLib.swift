// The os library: clock, time, date, difftime, getenv, exit, remove, rename, tmpname,
// execute, setlocale.
//
// Invariants:
// - Dates use the C library (localtime_r/gmtime_r/mktime/strftime) exactly as lua does, so
//   results follow the process's time zone; only the conversions lua5.4 accepts (C99 set)
//   reach strftime.
// - os.exit flushes the VM's stdout buffer (and C streams) before exiting. os.execute does not
//   flush, like lua (whose stdout buffer is not flushed by system()).
// - The locale is always "C": queries and "C"/""/"POSIX" settings answer "C", others fail.

import CLuaRuntime
import LuaText
#if canImport(Glibc)
import Glibc
#endif

/// Valid strftime conversions by length (lua5.4's LUA_STRFTIMEOPTIONS for C99).
private let strftimeOptions1 = Array("aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%".utf8)
private let strftimeOptions2: [[UInt8]] = ["Ec", "EC", "Ex", "EX", "Ey", "EY",
    "Od", "Oe", "OH", "OI", "Om", "OM", "OS", "Ou", "OU", "OV", "Ow", "OW", "Oy"].map { Array($0.utf8) }

extension VM {
    func openOS() {
        let os = newTable()
        register(os, lib: "os", [
            ("clock", NativeEntry { vm, _ in
                try vm.push(Value(float: Double(clock()) / Double(CLOCKS_PER_SEC))); return 1 }),
            ("time", NativeEntry { vm, a in try vm.osTime(a) }),
            ("date", NativeEntry { vm, a in try vm.osDate(a) }),
            ("difftime", NativeEntry { vm, a in
                let t1 = try vm.checkTime(a, 1), t2 = try vm.checkTime(a, 2)
                try vm.push(Value(float: difftime(t1, t2))); return 1 }),
            ("getenv", NativeEntry { vm, a in
                let name = LuaStr.bytes(try vm.checkString(a, 1))
                if let v = withCString(name, { getenv($0) }) {
                    try vm.push(Value(string: vm.newString(String(cString: v))))
                } else {
                    try vm.push(.nilValue)
                }
                return 1 }),
            ("exit", NativeEntry { vm, a in
                let v = vm.arg(a, 1)
                var status: Int32 = EXIT_SUCCESS
                if v.tt == UInt64(LT_TTRUE) || v.tt == UInt64(LT_TFALSE) {
                    status = v.isTruthy ? EXIT_SUCCESS : EXIT_FAILURE
                } else {
                    status = Int32(truncatingIfNeeded: try vm.optInt(a, 1, Int64(EXIT_SUCCESS)))
                }
                vm.stdout.flush()
                fflush(nil)
                exit(status) }),
            ("remove", NativeEntry { vm, a in
                let name = LuaStr.bytes(try vm.checkString(a, 1))
                errno = 0
                let r = withCString(name) { remove($0) }
                return try vm.fileResult(r == 0, String(decoding: name, as: UTF8.self)) }),
            ("rename", NativeEntry { vm, a in
                let from = LuaStr.bytes(try vm.checkString(a, 1))
                let to = LuaStr.bytes(try vm.checkString(a, 2))
                errno = 0
                let r = withCString(from) { f in withCString(to) { t in rename(f, t) } }
                return try vm.fileResult(r == 0, nil) }),
            ("tmpname", NativeEntry { vm, _ in
                var template = Array("/tmp/lua_XXXXXX".utf8CString)
                let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
                if fd == -1 { throw LuaError.runtime(vm, "unable to generate a unique filename") }
                close(fd)
                try vm.pushString(String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self))
                return 1 }),
            ("execute", NativeEntry { vm, a in
                let cmd = try vm.optString(a, 1).map { LuaStr.bytes($0) }
                errno = 0
                guard let c = cmd else {
                    try vm.push(Value(bool: vm.runShell(nil) != 0)); return 1
                }
                return try vm.execResult(vm.runShell(c)) }),
            ("setlocale", NativeEntry { vm, a in
                let loc = try vm.optString(a, 1).map { LuaStr.string($0) }
                _ = try vm.checkOption(a, 2, "all", ["all", "collate", "ctype", "monetary", "numeric", "time"])
                if loc == nil || loc == "C" || loc == "" || loc == "POSIX" {
                    try vm.pushString("C")
                } else {
                    try vm.push(.nilValue)
                }
                return 1 }),
        ])
        tableSetStr(globals, newString("os"), Value(table: os))
        registerLoadedLibraries()
    }

    /// system(3): runs `cmd` with /bin/sh; with nil, reports whether a shell exists.
    func runShell(_ cmd: [UInt8]?) -> Int32 {
        guard let cmd = cmd else { return access("/bin/sh", X_OK) == 0 ? 1 : 0 }
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("sh"), strdup("-c"), withCString(cmd) { strdup($0) }, nil]
        defer { for p in argv { free(p) } }
        let rc = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
        if rc != 0 { errno = rc; return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return -1 }
        }
        return status
    }

    func checkTime(_ a: Args, _ n: Int) throws -> time_t {
        let t = try checkInt(a, n)
        return time_t(t)
    }

    // MARK: os.time

    /// A date-table field as an int (lua's getfield in loslib).
    private func dateField(_ t: Value, _ key: String, _ def: Int?, _ delta: Int64) throws -> Int32 {
        let v = try index(t, Value(string: newString(key)))
        var num: Int64? = nil
        if v.isInt { num = v.i } else if v.isFloat { num = Arith.floatToIntExact(v.n) } else if v.isString {
            if let n = toNumber(v) { num = n.isInt ? n.i : Arith.floatToIntExact(n.n) }
        }
        guard let res = num else {
            if !v.isNil { throw LuaError.runtime(self, "field '\(key)' is not an integer") }
            guard let d = def else { throw LuaError.runtime(self, "field '\(key)' missing in date table") }
            return Int32(d)
        }
        let inRange = res >= 0 ? res - delta <= Int64(Int32.max) : Int64(Int32.min) + delta <= res
        if !inRange { throw LuaError.runtime(self, "field '\(key)' is out-of-bound") }
        return Int32(res - delta)
    }

    func osTime(_ a: Args) throws -> Int {
        let t: time_t
        if arg(a, 1).isNil {
            t = time(nil)
        } else {
            let tv = Value(table: try checkTable(a, 1))
            var ts = Glibc.tm()
            ts.tm_year = try dateField(tv, "year", nil, 1900)
            ts.tm_mon = try dateField(tv, "month", nil, 1)
            ts.tm_mday = try dateField(tv, "day", nil, 0)
            ts.tm_hour = try dateField(tv, "hour", 12, 0)
            ts.tm_min = try dateField(tv, "min", 0, 0)
            ts.tm_sec = try dateField(tv, "sec", 0, 0)
            let dst = try index(tv, Value(string: newString("isdst")))
            ts.tm_isdst = dst.isNil ? -1 : (dst.isTruthy ? 1 : 0)
            t = mktime(&ts)
            try setDateFields(tv.table, ts)
            if t == -1 {
                throw LuaError.runtime(self, "time result cannot be represented in this installation")
            }
        }
        try push(Value(int: Int64(t)))
        return 1
    }

    private func setDateFields(_ t: TablePtr, _ ts: Glibc.tm) throws {
        let v = Value(table: t)
        func set(_ k: String, _ x: Int32, _ delta: Int64) throws {
            try setIndex(v, Value(string: newString(k)), Value(int: Int64(x) + delta))
        }
        try set("year", ts.tm_year, 1900)
        try set("month", ts.tm_mon, 1)
        try set("day", ts.tm_mday, 0)
        try set("hour", ts.tm_hour, 0)
        try set("min", ts.tm_min, 0)
        try set("sec", ts.tm_sec, 0)
        try set("yday", ts.tm_yday, 1)
        try set("wday", ts.tm_wday, 1)
        if ts.tm_isdst >= 0 { try setIndex(v, Value(string: newString("isdst")), Value(bool: ts.tm_isdst != 0)) }
    }

    // MARK: os.date

    func osDate(_ a: Args) throws -> Int {
        let fmt = try optString(a, 1).map { LuaStr.bytes($0) } ?? Array("%c".utf8)
        var t: time_t = arg(a, 2).isNil ? time(nil) : try checkTime(a, 2)
        var s = fmt[...]
        var ts = Glibc.tm()
        let ok: Bool
        if s.first == UInt8(ascii: "!") {
            ok = gmtime_r(&t, &ts) != nil
            s = s.dropFirst()
        } else {
            ok = localtime_r(&t, &ts) != nil
        }
        if !ok { throw LuaError.runtime(self, "date result cannot be represented in this installation") }
        // strcmp semantics: "*t" up to an embedded NUL
        let cstr = s.prefix { $0 != 0 }
        if Array(cstr) == Array("*t".utf8) {
            let tab = newTable(nhash: 9)
            try push(Value(table: tab))
            try setDateFields(tab, ts)
            return 1
        }
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c != UInt8(ascii: "%") { out.append(c); i += 1; continue }
            i += 1
            let rest = s[i...]
            var spec: [UInt8]? = nil
            if rest.count >= 1 && strftimeOptions1.contains(rest[i]) {
                spec = [rest[i]]
            } else if rest.count >= 2 {
                let two = [rest[i], rest[i + 1]]
                if strftimeOptions2.contains(two) { spec = two }
            }
            guard let conv = spec else {
                throw argError(1, "invalid conversion specifier '%\(String(decoding: rest, as: UTF8.self))'")
            }
            i += conv.count
            var buf = [CChar](repeating: 0, count: 250)
            let n = withCString([UInt8(ascii: "%")] + conv) { f in strftime(&buf, 250, f, &ts) }
            out.append(contentsOf: buf[0..<n].map { UInt8(bitPattern: $0) })
        }
        try push(Value(string: newString(out)))
        return 1
    }
}
