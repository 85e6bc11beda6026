// Binary chunks: string.dump serialises a Lua function's prototype (from the runtime's LTProto
// and its debug side table), and load accepts the result.
//
// Format: lua 5.4's header (so header checks and their messages match lua's):
//   "\x1bLua", version 0x54, format 0, "\x19\x93\r\n\x1a\n", sizes of Instruction (4),
//   lua_Integer (8) and lua_Number (8), the integer 0x5678 and the float 370.5 (native byte
//   order), then one byte: the main function's number of upvalues.
// Then LuaTrace's own function encoding (not lua's), recursively:
//   source (string, absent when stripped or equal to the enclosing function's),
//   linedefined, lastlinedefined (varint), numparams, isvararg, maxstacksize (bytes),
//   code (varint count, 4-byte little-endian instructions),
//   constants (varint count; tag byte 0 nil, 1 false, 2 true, 3 integer (8 bytes),
//              4 float (8 bytes, bit pattern), 5 string),
//   upvalue descriptors (varint count; instack, index, kind bytes),
//   nested functions (varint count, each encoded the same way),
//   debug info (all counts 0 when stripped): line per instruction (zigzag varint deltas),
//   locals (name, startpc, endpc), upvalue names.
// Strings are a varint (length + 1, 0 = absent) followed by the bytes. Varints are LEB128.
//
// Invariants:
// - Instructions the JIT patched into loop back-edges (JFORLOOP, JTFORLOOP, JLOOP) are written
//   (and accepted) as the original FORLOOP, TFORLOOP and JMP.
// - A stripped function loads with source "=?", line -1 for every instruction, no local names
//   and empty upvalue names, as lua's stripped chunks behave.
// - Loading validates structure (counts, opcodes, constant/upvalue/function references) well
//   enough to never read out of bounds while loading; like lua, it does not verify bytecode.

import CLuaRuntime
import LuaBytecode
import LuaSyntax

extension VM {
    static let chunkSignature: [UInt8] = [0x1B, 0x4C, 0x75, 0x61]      // "\x1bLua"
    static let chunkData: [UInt8] = [0x19, 0x93, 0x0D, 0x0A, 0x1A, 0x0A]

    // MARK: dumping

    /// string.dump: the binary chunk of Lua closure `cl`.
    func dumpFunction(_ cl: LClosurePtr, strip: Bool) -> [UInt8] {
        var w = ChunkWriter()
        w.bytes(VM.chunkSignature)
        w.byte(0x54)
        w.byte(0)
        w.bytes(VM.chunkData)
        w.byte(4); w.byte(8); w.byte(8)
        w.int64(0x5678)
        w.int64(Int64(bitPattern: (370.5 as Double).bitPattern))
        w.byte(UInt8(truncatingIfNeeded: cl.pointee.p.pointee.nupvals))
        dumpProto(cl.pointee.p, parentSource: nil, strip: strip, into: &w)
        return w.out
    }

    private func dumpProto(_ p: ProtoPtr, parentSource: [UInt8]?, strip: Bool, into w: inout ChunkWriter) {
        let dbg = protoDebug[Int(p.pointee.id)]
        let source = p.pointee.source.map { LuaStr.bytes($0) } ?? Array((dbg?.source ?? "=?").utf8)
        w.string(strip || source == parentSource ? nil : source)
        w.varint(Int(max(p.pointee.linedefined, 0)))
        w.varint(Int(max(p.pointee.lastlinedefined, 0)))
        w.byte(p.pointee.numparams)
        w.byte(p.pointee.isvararg)
        w.byte(p.pointee.maxstacksize)
        let nc = Int(p.pointee.ncode)
        w.varint(nc)
        for i in 0..<nc { w.u32(VM.unpatched(p.pointee.code[i])) }
        let nk = Int(p.pointee.nk)
        w.varint(nk)
        for i in 0..<nk {
            let v = p.pointee.k[i]
            switch Int32(v.tt) {
            case LT_TFALSE: w.byte(1)
            case LT_TTRUE: w.byte(2)
            case LT_TINT: w.byte(3); w.int64(v.i)
            case LT_TFLOAT: w.byte(4); w.int64(Int64(bitPattern: v.n.bitPattern))
            case LT_TSTRING: w.byte(5); w.string(LuaStr.bytes(v.str))
            default: w.byte(0)
            }
        }
        let nu = Int(p.pointee.nupvals)
        w.varint(nu)
        for i in 0..<nu {
            let d = p.pointee.upvals[i]
            w.byte(d.instack); w.byte(d.idx); w.byte(d.kind)
        }
        let np = Int(p.pointee.np)
        w.varint(np)
        for i in 0..<np { dumpProto(p.pointee.p[i]!, parentSource: source, strip: strip, into: &w) }
        // debug information
        if strip {
            w.varint(0); w.varint(0); w.varint(0)
            return
        }
        w.varint(nc)
        var prev: Int64 = Int64(p.pointee.linedefined)
        for i in 0..<nc {
            let l = Int64(p.pointee.lineinfo[i])
            w.zigzag(l - prev)
            prev = l
        }
        let locals = dbg?.locals ?? []
        w.varint(locals.count)
        for lv in locals {
            w.string(lv.name); w.varint(lv.startPC); w.varint(lv.endPC)
        }
        let names = dbg?.upvalueNames ?? []
        w.varint(names.count)
        for n in names { w.string(Array(n.utf8)) }
    }

    /// The instruction as the compiler produced it (JIT back-edge patches undone).
    static func unpatched(_ ins: UInt32) -> UInt32 {
        let op: Op
        switch Op.from(ins) {
        case .jforloop: op = .forloop
        case .jtforloop: op = .tforloop
        case .jloop: op = .jmp
        default: return ins
        }
        return (ins & ~0x7F) | UInt32(op.number)
    }

    // MARK: loading

    /// Reads a binary chunk into a compiler-style FunctionProto (then loaded like source).
    /// `chunkName` is load's chunk name, for messages ("<name>: bad binary format (...)").
    func undump(_ bytes: [UInt8], chunkName: String) -> Result<FunctionProto, LoadFailure> {
        var name = chunkName
        if name.hasPrefix("@") || name.hasPrefix("=") {
            name.removeFirst()
        } else if name.utf8.first == 0x1B {
            name = "binary string"
        }
        var r = ChunkReader(bytes: bytes)
        do {
            try r.expect(VM.chunkSignature, "not a binary chunk")
            if try r.byte() != 0x54 { throw ChunkFormatError(why: "version mismatch") }
            if try r.byte() != 0 { throw ChunkFormatError(why: "format mismatch") }
            try r.expect(VM.chunkData, "corrupted chunk")
            if try r.byte() != 4 { throw ChunkFormatError(why: "Instruction size mismatch") }
            if try r.byte() != 8 { throw ChunkFormatError(why: "lua_Integer size mismatch") }
            if try r.byte() != 8 { throw ChunkFormatError(why: "lua_Number size mismatch") }
            if try r.int64() != 0x5678 { throw ChunkFormatError(why: "integer format mismatch") }
            if try r.int64() != Int64(bitPattern: (370.5 as Double).bitPattern) {
                throw ChunkFormatError(why: "float format mismatch")
            }
            let nup = Int(try r.byte())
            let f = try undumpProto(&r, parentSource: nil, depth: 0)
            if f.upvalues.count != nup { throw ChunkFormatError(why: "corrupted chunk") }
            return .success(f)
        } catch let e as ChunkFormatError {
            return .failure(LoadFailure(message: "\(name): bad binary format (\(e.why))"))
        } catch {
            return .failure(LoadFailure(message: "\(name): bad binary format (corrupted chunk)"))
        }
    }

    private func undumpProto(_ r: inout ChunkReader, parentSource: String?, depth: Int) throws -> FunctionProto {
        if depth > 200 { throw ChunkFormatError(why: "corrupted chunk") }
        let f = FunctionProto()
        if let s = try r.string() {
            f.source = String(decoding: s, as: UTF8.self)
        } else {
            f.source = parentSource ?? "=?"
        }
        f.lineDefined = try r.varint()
        f.lastLineDefined = try r.varint()
        f.numParams = Int(try r.byte())
        f.isVararg = try r.byte() != 0
        f.maxStackSize = max(Int(try r.byte()), 2)
        let nc = try r.count()
        if nc == 0 { throw ChunkFormatError(why: "corrupted chunk") }
        let nops = UInt32(Op.allCases.count)
        f.code.reserveCapacity(nc)
        for _ in 0..<nc {
            let ins = try r.u32()
            if ins & 0x7F >= nops { throw ChunkFormatError(why: "corrupted chunk") }
            f.code.append(VM.unpatched(ins))
        }
        let nk = try r.count()
        for _ in 0..<nk {
            switch try r.byte() {
            case 0: f.constants.append(.nil_)
            case 1: f.constants.append(.bool(false))
            case 2: f.constants.append(.bool(true))
            case 3: f.constants.append(.int(try r.int64()))
            case 4: f.constants.append(.float(Double(bitPattern: UInt64(bitPattern: try r.int64()))))
            case 5:
                guard let s = try r.string() else { throw ChunkFormatError(why: "corrupted chunk") }
                f.constants.append(.string(s))
            default: throw ChunkFormatError(why: "corrupted chunk")
            }
        }
        let nu = try r.count()
        if nu > 255 { throw ChunkFormatError(why: "corrupted chunk") }
        for _ in 0..<nu {
            let instack = try r.byte() != 0
            let idx = Int(try r.byte())
            guard let kind = LocalAttrib(rawValue: try r.byte()) else { throw ChunkFormatError(why: "corrupted chunk") }
            f.upvalues.append(UpvalueDesc(name: [], inStack: instack, index: idx, kind: kind))
        }
        let np = try r.count()
        for _ in 0..<np { f.protos.append(try undumpProto(&r, parentSource: f.source, depth: depth + 1)) }
        // debug information
        let nl = try r.count()
        if nl != 0 && nl != nc { throw ChunkFormatError(why: "corrupted chunk") }
        if nl == 0 {
            f.lineInfo = Array(repeating: -1, count: nc)
        } else {
            var line = Int64(f.lineDefined)
            for _ in 0..<nl {
                line += try r.zigzag()
                f.lineInfo.append(Int32(truncatingIfNeeded: line))
            }
        }
        let nloc = try r.count()
        for _ in 0..<nloc {
            let name = try r.string() ?? []
            let start = try r.varint(), end = try r.varint()
            f.locals.append(LocalVarInfo(name: name, startPC: start, endPC: end))
        }
        let nn = try r.count()
        if nn != 0 && nn != nu { throw ChunkFormatError(why: "corrupted chunk") }
        for i in 0..<nn { f.upvalues[i].name = try r.string() ?? [] }
        // references must stay in range (the interpreter indexes with them unchecked)
        for ins in f.code {
            switch ins.op {
            case .loadk: if ins.bx >= nk { throw ChunkFormatError(why: "corrupted chunk") }
            case .closure: if ins.bx >= np { throw ChunkFormatError(why: "corrupted chunk") }
            case .getupval, .setupval:
                if ins.b >= nu { throw ChunkFormatError(why: "corrupted chunk") }
            default: break
            }
        }
        return f
    }
}

struct ChunkFormatError: Error { var why: String }

/// Appends the binary chunk encoding.
struct ChunkWriter {
    var out: [UInt8] = []

    mutating func byte(_ b: UInt8) { out.append(b) }
    mutating func bytes(_ b: [UInt8]) { out.append(contentsOf: b) }
    mutating func u32(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) } }
    mutating func int64(_ v: Int64) {
        let u = UInt64(bitPattern: v)
        for s in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: u >> UInt64(s))) }
    }
    mutating func varint(_ v: Int) {
        var u = UInt64(max(v, 0))
        while u >= 0x80 { out.append(UInt8(u & 0x7F) | 0x80); u >>= 7 }
        out.append(UInt8(u))
    }
    mutating func zigzag(_ v: Int64) {
        let u = UInt64(bitPattern: (v << 1) ^ (v >> 63))
        var x = u
        while x >= 0x80 { out.append(UInt8(x & 0x7F) | 0x80); x >>= 7 }
        out.append(UInt8(x))
    }
    mutating func string(_ s: [UInt8]?) {
        guard let s = s else { varint(0); return }
        varint(s.count + 1)
        out.append(contentsOf: s)
    }
}

/// Reads the binary chunk encoding; running out of bytes is "truncated chunk".
struct ChunkReader {
    let bytes: [UInt8]
    var pos = 0

    mutating func byte() throws -> UInt8 {
        guard pos < bytes.count else { throw ChunkFormatError(why: "truncated chunk") }
        pos += 1
        return bytes[pos - 1]
    }
    mutating func expect(_ lit: [UInt8], _ why: String) throws {
        for b in lit where try byte() != b { throw ChunkFormatError(why: why) }
    }
    mutating func u32() throws -> UInt32 {
        var v: UInt32 = 0
        for s in stride(from: 0, to: 32, by: 8) { v |= UInt32(try byte()) << UInt32(s) }
        return v
    }
    mutating func int64() throws -> Int64 {
        var v: UInt64 = 0
        for s in stride(from: 0, to: 64, by: 8) { v |= UInt64(try byte()) << UInt64(s) }
        return Int64(bitPattern: v)
    }
    mutating func rawVarint() throws -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            if shift >= 64 { throw ChunkFormatError(why: "corrupted chunk") }
            v |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return v }
            shift += 7
        }
    }
    mutating func varint() throws -> Int {
        let v = try rawVarint()
        guard v <= UInt64(Int32.max) else { throw ChunkFormatError(why: "corrupted chunk") }
        return Int(v)
    }
    /// A count of items that each take at least one byte (so it cannot exceed what is left).
    mutating func count() throws -> Int {
        let n = try varint()
        if n > bytes.count - pos { throw ChunkFormatError(why: "truncated chunk") }
        return n
    }
    mutating func zigzag() throws -> Int64 {
        let u = try rawVarint()
        return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
    }
    mutating func string() throws -> [UInt8]? {
        let n = try varint()
        if n == 0 { return nil }
        guard n - 1 <= bytes.count - pos else { throw ChunkFormatError(why: "truncated chunk") }
        let s = Array(bytes[pos..<(pos + n - 1)])
        pos += n - 1
        return s
    }
}
