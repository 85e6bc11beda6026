// The utf8 library (lua5.4 lutf8lib semantics) on top of LuaText's UTF-8 helpers:
// char charpattern codepoint len offset codes.

import CLuaRuntime
import LuaText

extension VM {
    func openUTF8() {
        let u = newTable()
        register(u, lib: "utf8", [
            ("char", NativeEntry { vm, a in
                var out: [UInt8] = []
                out.reserveCapacity(a.count * 2)
                do {
                    for i in 0..<a.count {
                        try utf8CharAppend(try vm.checkInt(a, i + 1), arg: i + 1, into: &out)
                    }
                } catch let e as LuaTextError { throw vm.textError(e) }
                try vm.push(Value(string: vm.newString(out))); return 1 }),
            ("codepoint", NativeEntry { vm, a in
                let s = try vm.checkString(a, 1)
                let i = try vm.optInt(a, 2, 1)
                let j: Int64? = vm.arg(a, 3).isNil ? nil : try vm.checkInt(a, 3)
                let lax = vm.arg(a, 4).isTruthy
                let codes: [Int64]
                do {
                    codes = try utf8Codepoints(LuaStr.buffer(s), i: i, j: j, lax: lax)
                } catch let e as LuaTextError { throw vm.textError(e) }
                let th = vm.L!
                let t0 = Int(th.pointee.top)
                if t0 + codes.count + 5 > VM.maxStack { throw LuaError.runtime(vm, "stack overflow (string slice too long)") }
                try vm.ensureStack(th, t0 + codes.count)
                let st = th.pointee.stack!
                for (k, c) in codes.enumerated() { st[t0 + k] = Value(int: c) }
                th.pointee.top = Int64(t0 + codes.count)
                return codes.count }),
            ("len", NativeEntry { vm, a in
                let s = try vm.checkString(a, 1)
                let i = try vm.optInt(a, 2, 1)
                let j = try vm.optInt(a, 3, -1)
                let lax = vm.arg(a, 4).isTruthy
                let r: UTF8LenResult
                do {
                    r = try utf8Len(LuaStr.buffer(s), i: i, j: j, lax: lax)
                } catch let e as LuaTextError { throw vm.textError(e) }
                switch r {
                case .count(let n):
                    try vm.push(Value(int: n)); return 1
                case .invalid(let pos):
                    try vm.push(.nilValue); try vm.push(Value(int: pos)); return 2
                } }),
            ("offset", NativeEntry { vm, a in
                let s = try vm.checkString(a, 1)
                let n = try vm.checkInt(a, 2)
                let i: Int64? = vm.arg(a, 3).isNil ? nil : try vm.checkInt(a, 3)
                let r: Int64?
                do {
                    r = try utf8Offset(LuaStr.buffer(s), n: n, i: i)
                } catch let e as LuaTextError { throw vm.textError(e) }
                try vm.push(r.map { Value(int: $0) } ?? .nilValue); return 1 }),
        ])
        let strictIter = permanent(Value(native: newNative(id: registerNative("utf8.codes_iterator") { vm, a in
            try vm.utf8CodesStep(a, lax: false)
        })))
        let laxIter = permanent(Value(native: newNative(id: registerNative("utf8.codes_iterator") { vm, a in
            try vm.utf8CodesStep(a, lax: true)
        })))
        tableSetStr(u, newString("codes"), Value(native: newNative(id: registerNative("utf8.codes") { vm, a in
            let lax = vm.arg(a, 2).isTruthy
            let s = try vm.checkString(a, 1)
            try vm.push(vm.nativeUpvalue(lax ? 1 : 0))
            try vm.push(Value(string: s))
            try vm.push(Value(int: 0))
            return 3
        }, upvalues: [strictIter, laxIter])))
        tableSetStr(u, newString("charpattern"),
                    Value(string: newString(Array("[\u{0}-\u{7F}".utf8) + [0xC2, 0x2D, 0xFD, 0x5D, 0x5B, 0x80, 0x2D, 0xBF, 0x5D, 0x2A])))
        setGlobal("utf8", Value(table: u))
    }

    func utf8CodesStep(_ a: Args, lax: Bool) throws -> Int {
        let s = try checkString(a, 1)
        let v = arg(a, 2)
        let control: Int64 = v.isInt ? v.i : (toNumber(v).flatMap { $0.isInt ? $0.i : Arith.floatToIntExact($0.n) } ?? 0)
        let r: (position: Int64, code: Int64)?
        do {
            r = try LuaText.utf8CodesStep(LuaStr.buffer(s), control: control, lax: lax)
        } catch let e as LuaTextError { throw textError(e) }
        guard let (pos, code) = r else { return 0 }
        try push(Value(int: pos))
        try push(Value(int: code))
        return 2
    }
}
