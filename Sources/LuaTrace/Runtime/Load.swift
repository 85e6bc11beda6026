// Loading source text: parse, compile, load the prototype into the heap and make the main
// closure with its single `_ENV` upvalue.

import CLuaRuntime
import LuaSyntax
import LuaBytecode

struct LoadFailure: Error { var message: String }

extension VM {
    func chunkIDString(_ s: String) -> String { chunkID(s) }

    /// Compiles `source` and returns the main closure, or the syntax error message.
    func loadChunk(_ source: [UInt8], chunkName: String, env: Value? = nil) -> Result<Value, LoadFailure> {
        do {
            let chunk = try parseChunk(source, chunkName: chunkName)
            let fp = try compile(chunk)
            return .success(closureForMain(fp, env: env ?? Value(table: globals)))
        } catch let e as SyntaxError {
            return .failure(LoadFailure(message: e.message))
        } catch {
            return .failure(LoadFailure(message: "\(error)"))
        }
    }

    func closureForMain(_ fp: FunctionProto, env: Value) -> Value {
        let p = loadProto(fp)
        let n = Int(p.pointee.nupvals)
        let cl = newLClosure(p, nupvals: n)
        let ups = lt_lcl_upvals(cl)!
        for j in 0..<n {
            let u = newClosedUpvalue(j == 0 ? env : .nilValue)
            ups[j] = u
        }
        return Value(lclosure: cl)
    }

    func newClosedUpvalue(_ v: Value) -> UpValPtr {
        let raw = allocObject(MemoryLayout<LTUpVal>.stride, tt: LT_TUPVAL)
        let u = raw.assumingMemoryBound(to: LTUpVal.self)
        u.pointee.closed = v
        u.pointee.v = (raw + VM.closedOffset).assumingMemoryBound(to: LTValue.self)
        u.pointee.opennext = nil
        return u
    }
}

extension VM {
    /// `luac -l -l` style listing of a chunk, or its syntax error.
    func disassembleSource(_ source: [UInt8], chunkName: String) -> String {
        do {
            let chunk = try parseChunk(skipFirstLineIfComment(source), chunkName: chunkName)
            return disassemble(try compile(chunk), recursive: true)
        } catch let e as SyntaxError {
            return e.message + "\n"
        } catch {
            return "\(error)\n"
        }
    }
}
