// The trace compiler seen from outside: loops get compiled, results equal the interpreter's,
// the instruction tables are derived from the op lists.

import XCTest
import LuaTrace

final class JITTests: XCTestCase {
    private func run(_ src: String, hotloop: Int? = nil, enabled: Bool = true) throws -> (String, String) {
        let s = LuaState()
        var opts = s.jit
        opts.enabled = enabled
        if let h = hotloop { opts.hotloop = h }
        s.jit = opts
        var out: [UInt8] = []
        s.outputSink = { out += $0 }
        try s.run(src)
        s.flush()
        return (String(decoding: out, as: UTF8.self), s.jitStatistics)
    }

    func testHotLoopIsCompiled() throws {
        let (out, stats) = try run("local x = 1 while x < 100000 do x = x + 1 end print(x)")
        XCTAssertEqual(out, "100000\n")
        XCTAssertTrue(stats.contains("1 traces compiled"), stats)
    }

    func testCompiledAndInterpretedAgree() throws {
        let src = """
        local acc, f = 0, 0.0
        local t = {}
        for i = 1, 2000 do
          t[i] = i % 7
          if i % 3 == 0 then acc = acc + t[i] else f = f + i / 2 end
          if i == 1500 then acc = acc + 0.25 end       -- integer accumulator turns float
        end
        local n = math.maxinteger - 5
        for i = 1, 10 do n = n + 1 end                  -- wraps around
        print(acc, f, n, #t)
        """
        let (interp, _) = try run(src, enabled: false)
        let (jit1, stats) = try run(src, hotloop: 1)
        XCTAssertEqual(interp, jit1)
        XCTAssertTrue(stats.contains("traces compiled"))
        XCTAssertFalse(stats.contains(" 0 traces compiled"), stats)
    }

    func testErrorInsideCompiledLoopIsExact() throws {
        let src = """
        local t = {}
        for i = 1, 100 do t[i] = i end
        t[60] = "x"
        local s = 0
        print(pcall(function() for i = 1, 100 do s = s + t[i] end end))
        print(s)
        """
        let (interp, _) = try run(src, enabled: false)
        let (jit, _) = try run(src, hotloop: 1)
        XCTAssertEqual(interp, jit)
        XCTAssertTrue(jit.hasSuffix("1770\n"), jit)
    }

    func testInstructionTablesCoverEveryOp() {
        let md = InstructionTables.markdown
        for name in ["MOVE", "FORLOOP", "JFORLOOP", "JLOOP", "TFORCALL"] { XCTAssertTrue(md.contains("`\(name)`"), name) }
        for name in ["SLOAD", "ALOAD", "HLOADK", "PEQ", "TONUM", "UREF"] { XCTAssertTrue(md.contains("`\(name)`"), name) }
    }
}
