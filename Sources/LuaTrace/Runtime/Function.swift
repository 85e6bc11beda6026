// Functions: prototypes loaded from the compiler's FunctionProto into the heap (LTProto),
// Lua closures (LTLClosure) and native closures (LTNative).
//
// Invariants:
// - An LTProto owns its code/constant/line arrays (malloc'ed, freed with it). Its debug names
//   live on the Swift side in protoDebug[id]; ids are recycled when protos die.
// - String constants are interned/created in the heap and reachable through the proto.

import CLuaRuntime
import LuaBytecode
#if canImport(Glibc)
import Glibc
#endif

extension VM {
    /// Loads a compiled function (and its nested functions) into the heap.
    func loadProto(_ f: FunctionProto) -> ProtoPtr {
        let raw = allocObject(MemoryLayout<LTProto>.stride, tt: LT_TPROTO)
        let p = raw.assumingMemoryBound(to: LTProto.self)
        memset(UnsafeMutableRawPointer(p) + MemoryLayout<LTGCHeader>.stride, 0,
               MemoryLayout<LTProto>.stride - MemoryLayout<LTGCHeader>.stride)
        // Allocate everything with zeroed/nil content first so a GC during loading is safe.
        let nk = f.constants.count, np = f.protos.count, nc = f.code.count
        p.pointee.code = .allocate(capacity: max(nc, 1))
        for (i, ins) in f.code.enumerated() { p.pointee.code[i] = ins }
        p.pointee.ncode = Int32(nc)
        p.pointee.lineinfo = .allocate(capacity: max(nc, 1))
        for (i, l) in f.lineInfo.enumerated() where i < nc { p.pointee.lineinfo[i] = l }
        p.pointee.k = .allocate(capacity: max(nk, 1))
        p.pointee.k.initialize(repeating: .nilValue, count: max(nk, 1))
        p.pointee.nk = Int32(nk)
        p.pointee.p = .allocate(capacity: max(np, 1))
        p.pointee.np = 0
        p.pointee.upvals = .allocate(capacity: max(f.upvalues.count, 1))
        for (i, u) in f.upvalues.enumerated() {
            p.pointee.upvals[i] = LTUpvalDesc(instack: u.inStack ? 1 : 0, idx: UInt8(u.index),
                                              kind: u.kind.rawValue, pad: 0)
        }
        p.pointee.nupvals = Int32(f.upvalues.count)
        p.pointee.numparams = UInt8(f.numParams)
        p.pointee.isvararg = f.isVararg ? 1 : 0
        p.pointee.maxstacksize = UInt8(min(f.maxStackSize, 255))
        p.pointee.linedefined = Int32(f.lineDefined)
        p.pointee.lastlinedefined = Int32(f.lastLineDefined)
        p.pointee.source = newString(f.source)
        for (i, c) in f.constants.enumerated() {
            switch c {
            case .nil_: p.pointee.k[i] = .nilValue
            case .bool(let b): p.pointee.k[i] = Value(bool: b)
            case .int(let v): p.pointee.k[i] = Value(int: v)
            case .float(let d): p.pointee.k[i] = Value(float: d)
            case .string(let s): p.pointee.k[i] = Value(string: newString(s))
            }
        }
        for (i, sub) in f.protos.enumerated() {
            p.pointee.p[i] = loadProto(sub)
            p.pointee.np = Int32(i + 1)
        }
        let dbg = ProtoDebug(locals: f.locals, upvalueNames: f.upvalues.map { String(decoding: $0.name, as: UTF8.self) },
                             source: f.source)
        if let id = freeProtoIds.popLast() {
            p.pointee.id = id
            protoDebug[Int(id)] = dbg
        } else {
            p.pointee.id = Int32(protoDebug.count)
            protoDebug.append(dbg)
        }
        totalBytes += nc * 8 + nk * 16 + np * 8
        return p
    }

    func freeProto(_ p: ProtoPtr) {
        let nc = Int(p.pointee.ncode), nk = Int(p.pointee.nk), np = Int(p.pointee.np)
        p.pointee.code.deallocate()
        p.pointee.lineinfo.deallocate()
        p.pointee.k.deallocate()
        p.pointee.p.deallocate()
        p.pointee.upvals.deallocate()
        if let h = p.pointee.hotcounts { h.deallocate() }
        if let t = p.pointee.traces { t.deallocate() }
        protoDebug[Int(p.pointee.id)] = nil
        freeProtoIds.append(p.pointee.id)
        jitProtoFreed(p)
        totalBytes -= nc * 8 + nk * 16 + np * 8 + MemoryLayout<LTProto>.stride
    }

    func newLClosure(_ p: ProtoPtr, nupvals: Int) -> LClosurePtr {
        let raw = allocObject(MemoryLayout<LTLClosure>.stride + 8 * nupvals, tt: LT_TLCL)
        let c = raw.assumingMemoryBound(to: LTLClosure.self)
        c.pointee.hdr.extra = UInt32(nupvals)
        c.pointee.p = p
        let ups = lt_lcl_upvals(c)!
        for i in 0..<nupvals { ups[i] = nil }
        return c
    }

    /// Registers a native function and returns its id.
    func registerNative(_ name: String, _ fn: @escaping NativeFn) -> Int {
        registerNative(name, NativeEntry(fn))
    }

    func registerNative(_ name: String, _ entry: NativeEntry) -> Int {
        natives.append(entry)
        nativeNames.append(name)
        return natives.count - 1
    }

    func newNative(id: Int, upvalues: [Value] = []) -> NativePtr {
        let n = upvalues.count
        let raw = allocObject(MemoryLayout<LTNative>.stride + 16 * n, tt: LT_TNATIVE)
        let c = raw.assumingMemoryBound(to: LTNative.self)
        c.pointee.hdr.extra = UInt32(n)
        c.pointee.fnid = Int64(id)
        c.pointee.name = nil
        let ups = lt_native_upvals(c)!
        for i in 0..<n { ups[i] = upvalues[i] }
        return c
    }

    /// Creates a native function value.
    func nativeFunction(_ name: String, _ fn: @escaping NativeFn) -> Value {
        Value(native: newNative(id: registerNative(name, fn)))
    }

    /// Line of instruction pc in proto p (0 if unknown).
    func lineOf(_ p: ProtoPtr, pc: Int) -> Int {
        if pc >= 0 && pc < Int(p.pointee.ncode) { return Int(p.pointee.lineinfo[pc]) }
        return Int(p.pointee.linedefined)
    }

    func chunkSource(_ p: ProtoPtr) -> String {
        protoDebug[Int(p.pointee.id)]?.source ?? "?"
    }
}
