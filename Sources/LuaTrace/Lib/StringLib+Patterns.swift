// string.find, string.match, string.gmatch, string.gsub on top of LuaText's matcher.
//
// Subject and pattern bytes are read in place from the argument strings (kept alive by the
// stack, or by the gmatch iterator's upvalues). gsub callbacks may run Lua code, so the values
// handed to them live on the stack while they run.

import CLuaRuntime
import LuaText

extension VM {
    /// The Lua value of a capture: a substring of `base`, or a position (1-based).
    @inline(__always) func captureValue(_ c: Capture, _ base: UnsafePointer<UInt8>) -> Value {
        switch c {
        case .range(let s, let e): return Value(string: newString(base + s, e - s))
        case .position(let p): return Value(int: Int64(p) + 1)
        }
    }

    /// string.find (find == true) and string.match.
    func strFind(_ a: Args, find: Bool) throws -> Int {
        let s = try checkString(a, 1)
        let p = try checkString(a, 2)
        let initPos = try optInt(a, 3, 1)
        let sb = LuaStr.buffer(s), pb = LuaStr.buffer(p)
        let r: PatternResult?
        do {
            if find {
                r = try luaFind(sb, pb, init: initPos, plain: arg(a, 4).isTruthy)
            } else {
                r = try luaMatch(sb, pb, init: initPos)
            }
        } catch let e as LuaTextError {
            throw textError(e)
        }
        guard let m = r else { try push(.nilValue); return 1 }
        var n = 0
        if find {
            try push(Value(int: Int64(m.start) + 1))
            try push(Value(int: Int64(m.end)))
            n = 2
        }
        let base = LuaStr.data(s)
        let caps = find ? m.captures : m.matchValues
        for c in caps { try push(captureValue(c, base)) }
        return n + caps.count
    }

    func strGmatch(_ a: Args) throws -> Int {
        let s = try checkString(a, 1)
        let p = try checkString(a, 2)
        let initPos = try optInt(a, 3, 1)
        let st = GMatchIterator(subjectLength: LuaStr.len(s), init: initPos).state
        let iterID = Int(nativeUpvalue(0).i)
        let f = newNative(id: iterID, upvalues: [Value(string: s), Value(string: p),
                                                 Value(int: st.position), Value(int: st.lastMatch)])
        try push(Value(native: f))
        return 1
    }

    /// The gmatch iterator: upvalues (subject, pattern, position, last match end).
    func gmatchStep(_ a: Args) throws -> Int {
        let s = nativeUpvalue(0).str, p = nativeUpvalue(1).str
        var it = GMatchIterator(state: (position: Int(nativeUpvalue(2).i), lastMatch: Int(nativeUpvalue(3).i)))
        let r: PatternResult?
        do {
            r = try it.next(LuaStr.buffer(s), LuaStr.buffer(p))
        } catch let e as LuaTextError {
            throw textError(e)
        }
        let ns = it.state
        setNativeUpvalue(2, Value(int: ns.position))
        setNativeUpvalue(3, Value(int: ns.lastMatch))
        guard let m = r else { return 0 }
        let base = LuaStr.data(s)
        let caps = m.matchValues
        for c in caps { try push(captureValue(c, base)) }
        return caps.count
    }

    /// A function/table replacement result: nil keeps the match, strings and numbers replace.
    func gsubValue(_ v: Value) throws -> [UInt8]? {
        if v.isFalsy { return nil }
        if v.isString { return LuaStr.bytes(v.str) }
        if v.isInt { return formatInt(v.i) }
        if v.isFloat { return formatFloat(v.n) }
        throw LuaError.runtime(self, "invalid replacement value (a \(v.typeName))")
    }

    func strGsub(_ a: Args) throws -> Int {
        let s = try checkString(a, 1)
        let p = try checkString(a, 2)
        let srcl = LuaStr.len(s)
        let repl = arg(a, 3)
        let maxN = try optInt(a, 4, Int64(srcl) + 1)
        guard repl.isNumber || repl.isString || repl.isTable || repl.isFunction else {
            throw argTypeError(a, 3, "string/function/table")
        }
        let sb = LuaStr.buffer(s), pb = LuaStr.buffer(p)
        let base = LuaStr.data(s)
        let res: (result: [UInt8], count: Int64)
        do {
            if repl.isString || repl.isNumber {
                let r = try checkString(a, 3)
                res = try luaGsub(sb, pb, replacement: LuaStr.buffer(r), maxReplacements: maxN)
            } else if repl.isTable {
                res = try luaGsub(sb, pb, maxReplacements: maxN) { m in
                    let key = self.captureValue(try m.capture(0), base)
                    return try self.gsubValue(try self.index(repl, key))
                }
            } else {
                res = try luaGsub(sb, pb, maxReplacements: maxN) { m in
                    let caps = try m.captures()
                    let th = self.L!
                    let fi = Int(th.pointee.top)
                    try self.ensureStack(th, fi + caps.count + 1)
                    let st = th.pointee.stack!
                    st[fi] = repl
                    for (k, c) in caps.enumerated() { st[fi + 1 + k] = self.captureValue(c, base) }
                    th.pointee.top = Int64(fi + 1 + caps.count)
                    try self.call(funcIdx: fi, nresults: 1)
                    let t = self.L!
                    let v = t.pointee.stack[fi]
                    t.pointee.top = Int64(fi)
                    return try self.gsubValue(v)
                }
            }
        } catch let e as LuaTextError {
            throw textError(e)
        }
        if res.count == 0 {
            try push(Value(string: s))
        } else {
            try push(Value(string: newString(res.result)))
        }
        try push(Value(int: res.count))
        return 2
    }
}
