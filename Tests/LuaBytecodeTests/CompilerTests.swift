import XCTest
import LuaSyntax
import LuaBytecode

/// Instruction patterns. Expected listings were checked against `luac5.4 -l -l` (same register
/// allocation and instruction choice; lua's MMBIN* ops do not exist here).
final class CompilerTests: XCTestCase {

    func testLocalsLiveInRegisters() {
        XCTAssertEqual(mainCode("local a, b = 1, 2\nlocal c = a\nreturn c"), [
            "VARARGPREP 0",
            "LOADI 0 1",
            "LOADI 1 2",
            "MOVE 2 0",
            "RETURN 2 2 1",
            "RETURN 3 1 1",
        ])
    }

    func testMainChunkShape() throws {
        let p = try compileSource("return")
        XCTAssertTrue(p.isVararg)
        XCTAssertEqual(p.numParams, 0)
        XCTAssertEqual(p.lineDefined, 0)
        XCTAssertEqual(p.source, "=input")
        XCTAssertEqual(p.upvalues.count, 1)
        XCTAssertEqual(p.upvalues[0].name, Array("_ENV".utf8))
        XCTAssertTrue(p.upvalues[0].inStack)
        XCTAssertEqual(p.upvalues[0].index, 0)
        XCTAssertEqual(p.code.count, p.lineInfo.count)
        XCTAssertEqual(code(p), ["VARARGPREP 0", "RETURN 0 1 1", "RETURN 0 1 1"])
    }

    func testArithmeticImmediatesAndConstants() {
        let src = "local x = ...\nreturn x + 1, 1 + x, x - 1, x << 1, 1 << x, x >> 1, x * 2, 2 * x, "
            + "x & 3, 3 | x, x / 2, x % 3, x // 4, x ^ 2"
        XCTAssertEqual(mainCode(src, comments: true), [
            "VARARGPREP 0",
            "VARARG 0 2 ; 1 out",
            "ADDI 1 0 1",
            "ADDI 2 0 1 ; flip",            // immediate on the left: k set
            "SUBK 3 0 0 ; 1",               // not ADDI -1 (no MMBINI to find __sub)
            "LOADI 4 1",                    // not SHRI -1 (no MMBINI to find __shl)
            "SHL 4 0 4",
            "SHLI 5 0 1",
            "SHRI 6 0 1",
            "MULK 7 0 1 ; 2",
            "MULK 8 0 1 ; 2 flip",
            "BANDK 9 0 2 ; 3",
            "BORK 10 0 2 ; 3 flip",
            "DIVK 11 0 1 ; 2",
            "MODK 12 0 2 ; 3",
            "IDIVK 13 0 3 ; 4",
            "POWK 14 0 1 ; 2",
            "RETURN 1 15 1 ; 14 out",
            "RETURN 1 1 1 ; 0 out",
        ])
    }

    func testStringsStayOutOfArithmeticK() {
        // a string operand must be loaded into a register (coercion happens at run time)
        XCTAssertEqual(mainCode("local x = ...\nreturn x + \"1\", \"2\" * x"), [
            "VARARGPREP 0",
            "VARARG 0 2",
            "LOADK 1 0",
            "ADD 1 0 1",
            "LOADK 2 1",
            "MUL 2 2 0",
            "RETURN 1 3 1",
            "RETURN 1 1 1",
        ])
    }

    func testNumericForShape() throws {
        let p = try compileSource("for i = 1, 10 do print(i) end")
        XCTAssertEqual(code(p), [
            "VARARGPREP 0",
            "LOADI 0 1",
            "LOADI 1 10",
            "LOADI 2 1",
            "FORPREP 0 3",
            "GETTABUP 4 0 0",
            "MOVE 5 3",
            "CALL 4 2 1",
            "FORLOOP 0 4",
            "RETURN 0 1 1",
        ])
        // FORPREP exits to just after FORLOOP; FORLOOP jumps back to the first body instruction
        let prep = 4, loop = 8
        XCTAssertEqual(prep + 1 + p.code[prep].bx, loop)
        XCTAssertEqual(loop + 1 - p.code[loop].bx, prep + 1)
        // locals: 3 hidden state variables then the loop variable in R[A+3]
        XCTAssertEqual(p.locals.map { String(decoding: $0.name, as: UTF8.self) },
                       ["(for state)", "(for state)", "(for state)", "i"])
        XCTAssertEqual(p.locals[3].startPC, 5)
        XCTAssertEqual(p.locals[3].endPC, 8)
    }

    func testGenericForShape() throws {
        let p = try compileSource("for k, v in pairs(t) do print(k, v) end")
        XCTAssertEqual(code(p), [
            "VARARGPREP 0",
            "GETTABUP 0 0 0",
            "GETTABUP 1 0 1",
            "CALL 0 2 5",
            "TFORPREP 0 4",
            "GETTABUP 6 0 2",
            "MOVE 7 4",
            "MOVE 8 5",
            "CALL 6 3 1",
            "TFORCALL 0 2",
            "TFORLOOP 0 6",
            "CLOSE 0",
            "RETURN 0 1 1k",           // the closing value is a to-be-closed variable
        ])
        XCTAssertEqual(4 + 1 + p.code[4].bx, 9)          // TFORPREP -> TFORCALL
        XCTAssertEqual(10 + 1 - p.code[10].bx, 5)        // TFORLOOP -> body start
        XCTAssertEqual(p.locals.map { String(decoding: $0.name, as: UTF8.self) },
                       ["(for state)", "(for state)", "(for state)", "(for state)", "k", "v"])
    }

    func testGlobalsUseEnv() {
        XCTAssertEqual(mainCode("x = y\nlocal _ENV = {}\nz = w", comments: true), [
            "VARARGPREP 0",
            "GETTABUP 0 0 1 ; _ENV \"y\"",
            "SETTABUP 0 0 0 ; _ENV \"x\"",
            "NEWTABLE 0 0 0 ; 0",
            "EXTRAARG 0",
            "GETFIELD 1 0 3 ; \"w\"",       // _ENV is now a local
            "SETFIELD 0 2 1 ; \"z\"",
            "RETURN 1 1 1 ; 0 out",
        ])
    }

    func testGlobalWithManyConstantsLoadsKeyIntoRegister() throws {
        // 300 distinct constants: globals named late get K indices > 255
        var src = "local t = {"
        for i in 0..<300 { src += "\"s\(i)\"," }
        src += "}\nreturn late_global"
        let c = mainCode(src)
        XCTAssertEqual(Array(c.suffix(5)), [
            "GETUPVAL 1 0",
            "LOADK 2 300",
            "GETTABLE 1 1 2",
            "RETURN 1 2 1",
            "RETURN 1 1 1",
        ])
    }

    func testTailCalls() {
        let src = "local function f(x) return g(x) end\nlocal function h(x) return (g(x)) end"
        XCTAssertEqual(firstFunctionCode(src), [
            "GETTABUP 1 0 0",
            "MOVE 2 0",
            "TAILCALL 1 2 0",
            "RETURN 1 0 0",
            "RETURN0",
        ])
        let p = try! compileSource(src)
        XCTAssertEqual(code(p.protos[1]), [
            "GETTABUP 1 0 0",
            "MOVE 2 0",
            "CALL 1 2 2",
            "RETURN1 1",
            "RETURN0",
        ])
    }

    func testVarargs() {
        XCTAssertEqual(mainCode("local a, b = ...\nprint(...)\nreturn ..."), [
            "VARARGPREP 0",
            "VARARG 0 3",
            "GETTABUP 2 0 0",
            "VARARG 3 0",
            "CALL 2 0 1",
            "VARARG 2 0",
            "RETURN 2 0 1",
            "RETURN 2 1 1",
        ])
        // vararg function with parameters: RETURN C = numParams + 1
        XCTAssertEqual(firstFunctionCode("local function f(a, b, ...) return a, ... end"), [
            "VARARGPREP 2",
            "MOVE 2 0",
            "VARARG 3 0",
            "RETURN 2 0 3",
            "RETURN 2 1 3",
        ])
    }

    func testClosuresAndUpvalues() throws {
        let src = "local x = 1\nlocal function f() local function g() return x end return g end\n"
            + "do local y = 2; h = function() return y end end"
        let p = try compileSource(src)
        XCTAssertEqual(code(p), [
            "VARARGPREP 0",
            "LOADI 0 1",
            "CLOSURE 1 0",
            "LOADI 2 2",
            "CLOSURE 3 1",
            "SETTABUP 0 0 3",
            "CLOSE 2",                 // y is captured: closed when the block ends
            "RETURN 2 1 1k",
        ])
        let f = p.protos[0]
        XCTAssertEqual(f.upvalues.count, 1)
        XCTAssertEqual(f.upvalues[0].name, Array("x".utf8))
        XCTAssertTrue(f.upvalues[0].inStack)
        XCTAssertEqual(f.upvalues[0].index, 0)
        let g = f.protos[0]
        XCTAssertEqual(code(g), ["GETUPVAL 0 0", "RETURN1 0", "RETURN0"])
        XCTAssertFalse(g.upvalues[0].inStack)          // taken from f's upvalue 0
        XCTAssertEqual(g.upvalues[0].index, 0)
        XCTAssertEqual(p.protos[1].upvalues[0].index, 2)
        XCTAssertEqual(p.protos[1].upvalues[0].name, Array("y".utf8))
    }

    func testUpvalueAssignmentAndConstKinds() throws {
        let p = try compileSource("local a <const> = {}\nlocal b = 1\nreturn function() b = a end")
        let f = p.protos[0]
        XCTAssertEqual(code(f), ["GETUPVAL 0 1", "SETUPVAL 0 0", "RETURN0"])
        XCTAssertEqual(f.upvalues.map { $0.kind }, [.none, .const])
    }

    func testTableConstructor() {
        XCTAssertEqual(mainCode("local t = {1, 2, 3, x = 1, [10] = 2, f()}", comments: true), [
            "VARARGPREP 0",
            "NEWTABLE 0 2 3 ; 3",
            "EXTRAARG 0",
            "LOADI 1 1",
            "LOADI 2 2",
            "LOADI 3 3",
            "SETFIELD 0 0 1k ; \"x\" 1",
            "SETI 0 10 2k ; 2",
            "GETTABUP 4 0 3 ; _ENV \"f\"",
            "CALL 4 1 0 ; 0 in all out",
            "SETLIST 0 0 0",
            "RETURN 1 1 1 ; 0 out",
        ])
    }

    func testSetListFlushesEvery50AndUsesExtraArg() throws {
        let items = (1...600).map { _ in "x" }.joined(separator: ",")
        let p = try compileSource("local t = {\(items)}")
        let setlists = p.code.enumerated().filter { $0.element.op == .setlist }
        XCTAssertEqual(setlists.count, 12)
        XCTAssertEqual(setlists.map { $0.element.b }, Array(repeating: 50, count: 12))
        // C = items already stored; above 255 the high part goes to EXTRAARG with k set
        let first = setlists[0].element
        XCTAssertEqual(first.c, 0)
        XCTAssertFalse(first.k)
        let sixth = setlists[5].element      // 250 stored before
        XCTAssertEqual(sixth.c, 250)
        XCTAssertFalse(sixth.k)
        let seventh = setlists[6]            // 300 stored before
        XCTAssertTrue(seventh.element.k)
        XCTAssertEqual(seventh.element.c, 300 % 256)
        XCTAssertEqual(p.code[seventh.offset + 1].op, .extraarg)
        XCTAssertEqual(p.code[seventh.offset + 1].ax, 1)
        // NEWTABLE: array size 600 = C + 256 * EXTRAARG
        let nt = p.code[1]
        XCTAssertEqual(nt.op, .newtable)
        XCTAssertEqual(nt.c + 256 * p.code[2].ax, 600)
    }

    func testComparisons() {
        let src = "if x < 1 then end\nif 1 < x then end\nif x == \"a\" then end\nif x == 5 then end\n"
            + "if x >= 2.0 then end\nif x ~= nil then end\nif x < y then end\nif x > y then end"
        XCTAssertEqual(mainCode(src, comments: true).filter { !$0.hasPrefix("GETTABUP") && !$0.hasPrefix("JMP") }, [
            "VARARGPREP 0",
            "LTI 0 1 0",
            "GTI 0 1 0",                    // constant on the left
            "EQK 0 1 0 ; \"a\"",
            "EQI 0 5 0",
            "GEI 0 2 0 ; float",            // C = 1: the literal was a float
            "EQK 0 2 1 ; nil",
            "LT 0 1 0",
            "LT 1 0 0",                     // x > y is y < x
            "RETURN 0 1 1 ; 0 out",
        ])
        // every test is followed by a JMP
        let p = try! compileSource(src)
        for (pc, i) in p.code.enumerated() where i.op.isTest {
            XCTAssertEqual(p.code[pc + 1].op, .jmp)
        }
    }

    func testConcatChainsMerge() {
        XCTAssertEqual(mainCode("local a = \"x\" .. y .. \"z\" .. w"), [
            "VARARGPREP 0",
            "LOADK 0 0",
            "GETTABUP 1 0 1",
            "LOADK 2 2",
            "GETTABUP 3 0 3",
            "CONCAT 0 4",
            "RETURN 1 1 1",
        ])
    }

    func testMultipleAssignmentConflicts() {
        // t[i], i = i, 2: the old i is saved before i is assigned
        XCTAssertEqual(mainCode("local t, i = {}, 1\nt[i], i = i, 2"), [
            "VARARGPREP 0",
            "NEWTABLE 0 0 0",
            "EXTRAARG 0",
            "LOADI 1 1",
            "MOVE 2 1",
            "MOVE 3 1",
            "LOADI 1 2",
            "SETTABLE 0 2 3",
            "RETURN 2 1 1",
        ])
        // a.x, a = 1, 2: a.x uses the old a
        XCTAssertEqual(mainCode("local a\na.x, a = 1, 2"), [
            "VARARGPREP 0",
            "LOADNIL 0 0",
            "MOVE 1 0",
            "LOADI 2 1",
            "LOADI 0 2",
            "SETFIELD 1 0 2",
            "RETURN 1 1 1",
        ])
        // upvalue table: x.y, x = 1, 2 inside a closure
        XCTAssertEqual(firstFunctionCode("local x\nreturn function() x.y, x = 1, 2 end"), [
            "GETUPVAL 0 0",
            "LOADI 1 1",
            "LOADI 2 2",
            "SETUPVAL 2 0",
            "SETFIELD 0 0 1",
            "RETURN0",
        ])
        // all values are evaluated before any assignment: a, b = b, a
        XCTAssertEqual(mainCode("local a, b = 1, 2\na, b = b, a"), [
            "VARARGPREP 0",
            "LOADI 0 1",
            "LOADI 1 2",
            "MOVE 2 1",
            "MOVE 1 0",
            "MOVE 0 2",
            "RETURN 2 1 1",
        ])
    }

    func testMethodCallUsesSelf() {
        XCTAssertEqual(mainCode("obj:method(1, 2)", comments: true), [
            "VARARGPREP 0",
            "GETTABUP 0 0 0 ; _ENV \"obj\"",
            "SELF 0 0 1k ; \"method\"",
            "LOADI 2 1",
            "LOADI 3 2",
            "CALL 0 4 1 ; 3 in 0 out",
            "RETURN 0 1 1 ; 0 out",
        ])
    }

    func testMethodDefinitionHasSelfParameter() throws {
        let p = try compileSource("function obj.a:m(x) return self end")
        XCTAssertEqual(code(p), [
            "VARARGPREP 0",
            "GETTABUP 0 0 0",
            "GETFIELD 0 0 1",
            "CLOSURE 1 0",
            "SETFIELD 0 2 1",
            "RETURN 0 1 1",
        ])
        XCTAssertEqual(p.protos[0].numParams, 2)
        XCTAssertEqual(p.protos[0].locals.map { String(decoding: $0.name, as: UTF8.self) }, ["self", "x"])
    }

    func testToBeClosedVariables() {
        // TBC on the variable; no tail call inside its scope; returns close (k)
        XCTAssertEqual(mainCode("local x <close> = f()\nreturn g()"), [
            "VARARGPREP 0",
            "GETTABUP 0 0 0",
            "CALL 0 1 2",
            "TBC 0",
            "GETTABUP 1 0 1",
            "CALL 1 1 0",
            "RETURN 1 0 1k",
            "RETURN 1 1 1k",
        ])
    }

    func testIndexingForms() {
        let src = "local t = {}\nreturn t.name, t[1], t[256], t[-1], "
            + "t[\"a very long string key that is longer than forty bytes\"], t[x], t[0]"
        XCTAssertEqual(mainCode(src), [
            "VARARGPREP 0",
            "NEWTABLE 0 0 0",
            "EXTRAARG 0",
            "GETFIELD 1 0 0",
            "GETI 2 0 1",
            "LOADI 3 256",
            "GETTABLE 3 0 3",
            "LOADI 4 -1",
            "GETTABLE 4 0 4",
            "LOADK 5 1",
            "GETTABLE 5 0 5",
            "GETTABUP 6 0 2",
            "GETTABLE 6 0 6",
            "GETI 7 0 0",
            "RETURN 1 8 1",
            "RETURN 1 1 1",
        ])
    }

    func testLoadNilMerges() {
        XCTAssertEqual(mainCode("local a, b, c, d\nlocal e = nil\nlocal f, g"), [
            "VARARGPREP 0",
            "LOADNIL 0 6",
            "RETURN 7 1 1",
        ])
    }

    func testNumberLoadingAndConstantFolding() {
        let src = "return 70000, 65536, -65535, 1.5, 3.0, 1e100, 2^53, 1//0, -0.0, 7 // 2.0, "
            + "5.3 % -2, 1 << 63, ~0, 3 & 1.5, 0/0, 10 - 3 * 2"
        XCTAssertEqual(mainCode(src, comments: true), [
            "VARARGPREP 0",
            "LOADK 0 0 ; 70000",            // beyond sBx
            "LOADI 1 65536",
            "LOADI 2 -65535",
            "LOADK 3 1 ; 1.5",
            "LOADF 4 3",
            "LOADK 5 2 ; 1e+100",
            "LOADK 6 3 ; 9.007199254741e+15",
            "LOADI 7 1",                    // 1//0 is not folded
            "IDIVK 7 7 4 ; 0",
            "LOADF 8 0",                    // -0.0 is not folded
            "UNM 8 8",
            "LOADF 9 3",
            "LOADK 10 5 ; -0.7",
            "LOADK 11 6 ; -9223372036854775808",
            "LOADI 12 -1",
            "LOADK 13 1 ; 1.5",             // 3 & 1.5: not an integer, not folded
            "BANDK 13 13 7 ; 3 flip",
            "LOADI 14 0",                   // 0/0 (NaN) is not folded
            "DIVK 14 14 4 ; 0",
            "LOADI 15 4",
            "RETURN 0 17 1 ; 16 out",
            "RETURN 0 1 1 ; 0 out",
        ])
    }

    func testConstLocalsFold() throws {
        let p = try compileSource("local k <const> = 10\nlocal s <const> = \"s\"\nreturn k * 2, s, k + x")
        XCTAssertEqual(code(p), [
            "VARARGPREP 0",
            "LOADI 0 20",
            "LOADK 1 0",
            "GETTABUP 2 0 1",
            "ADDI 2 2 10",
            "RETURN 0 4 1",
            "RETURN 0 1 1",
        ])
        XCTAssertTrue(p.locals.isEmpty)         // compile-time constants have no register
        // only the last of a list is folded; non-constant initialisers keep a register
        let q = try compileSource("local a <const>, b <const> = 1, 2\nlocal c <const> = {}\nreturn a, b, c")
        XCTAssertEqual(q.locals.map { String(decoding: $0.name, as: UTF8.self) }, ["a", "c"])
        // constants are visible in nested functions without upvalues
        XCTAssertEqual(firstFunctionCode("local k <const> = 5\nreturn function() return k end"),
                       ["LOADI 0 5", "RETURN1 0", "RETURN0"])
    }

    func testForwardGotoAndContinue() throws {
        let src = "while true do\n  local x = f()\n  if x then goto continue end\n"
            + "  g(function() return x end)\n  ::continue::\nend"
        XCTAssertEqual(mainCode(src, comments: true), [
            "VARARGPREP 0",
            "GETTABUP 0 0 0 ; _ENV \"f\"",
            "CALL 0 1 2 ; 0 in 1 out",
            "TEST 0 0",
            "JMP 1 ; to 7",
            "JMP 3 ; to 10",
            "GETTABUP 1 0 1 ; _ENV \"g\"",
            "CLOSURE 2 0 ; function <4,4>",
            "CALL 1 2 1 ; 1 in 0 out",
            "CLOSE 0",
            "JMP -10 ; to 2",
            "RETURN 0 1 1k ; 0 out",
        ])
    }

    func testBackwardGoto() {
        XCTAssertEqual(mainCode("do\n  local a = 1\n  ::top::\n  a = a + 1\n  if a < 10 then goto top end\nend"), [
            "VARARGPREP 0",
            "LOADI 0 1",
            "ADDI 0 0 1",
            "LTI 0 10 0",
            "JMP 1",
            "JMP -4",
            "RETURN 0 1 1",
        ])
        // leaving the scope of a variable: CLOSE before the jump
        XCTAssertEqual(mainCode("::top:: do local z = 2; goto top end"), [
            "VARARGPREP 0",
            "LOADI 0 2",
            "CLOSE 0",
            "JMP -3",
            "RETURN 0 1 1",
        ])
    }

    func testBreak() {
        XCTAssertEqual(mainCode("while x do if y then break end end", comments: true), [
            "VARARGPREP 0",
            "GETTABUP 0 0 0 ; _ENV \"x\"",
            "TEST 0 0",
            "JMP 4 ; to 9",
            "GETTABUP 0 0 1 ; _ENV \"y\"",
            "TEST 0 1",
            "JMP 1 ; to 9",
            "JMP -7 ; to 2",
            "RETURN 0 1 1 ; 0 out",
        ])
        // break out of a block with a captured variable closes it
        XCTAssertEqual(mainCode("while true do local y; f(function() return y end); if y then break end end"), [
            "VARARGPREP 0",
            "LOADNIL 0 0",
            "GETTABUP 1 0 0",
            "CLOSURE 2 0",
            "CALL 1 2 1",
            "TEST 0 1",
            "JMP 2",
            "CLOSE 0",
            "JMP -8",
            "CLOSE 0",
            "RETURN 0 1 1k",
        ])
    }

    func testRepeatUntilSeesBodyLocals() {
        XCTAssertEqual(mainCode("repeat local z = f() until z"), [
            "VARARGPREP 0",
            "GETTABUP 0 0 0",
            "CALL 0 1 2",
            "TEST 0 0",
            "JMP -4",
            "RETURN 0 1 1",
        ])
    }

    func testLogicalOperatorsAndBooleans() {
        XCTAssertEqual(mainCode("local a = not x\nlocal b = x and y or z\nlocal c = x == y"), [
            "VARARGPREP 0",
            "GETTABUP 0 0 0",
            "NOT 0 0",
            "GETTABUP 1 0 0",
            "TEST 1 0",
            "JMP 3",
            "GETTABUP 1 0 1",
            "TEST 1 1",
            "JMP 1",
            "GETTABUP 1 0 2",
            "GETTABUP 2 0 0",
            "GETTABUP 3 0 1",
            "EQ 2 3 1",
            "JMP 1",
            "LFALSESKIP 2",
            "LOADTRUE 2",
            "RETURN 3 1 1",
        ])
        XCTAssertEqual(mainCode("local a, b = ...\nlocal c = a and b"), [
            "VARARGPREP 0",
            "VARARG 0 3",
            "TESTSET 2 0 0",
            "JMP 1",
            "MOVE 2 1",
            "RETURN 3 1 1",
        ])
    }

    func testJumpsToJumpsAreCollapsed() throws {
        // the `if` exit jump goes to the `while` back-edge, which jumps to the loop start
        let p = try compileSource("while a do if b then c() else d() end end")
        let jumps = p.code.enumerated().filter { $0.element.op == .jmp }
        for (pc, i) in jumps {
            let target = pc + 1 + i.sJ
            XCTAssertNotEqual(p.code[target].op, .jmp, "jump at \(pc) targets another jump")
        }
    }

    func testLocalDebugInfo() throws {
        let p = try compileSource("local a = 1\ndo local b = 2 end\nlocal c = 3\nlocal function f() end")
        let names = p.locals.map { String(decoding: $0.name, as: UTF8.self) }
        XCTAssertEqual(names, ["a", "b", "c", "f"])
        // [startPC, endPC): a lives from after its LOADI to the end
        XCTAssertEqual(p.locals[0].startPC, 2)
        XCTAssertEqual(p.locals[0].endPC, p.code.count)
        XCTAssertEqual(p.locals[1].startPC, 3)
        XCTAssertEqual(p.locals[1].endPC, 3)
        // a local function is visible only after its CLOSURE
        XCTAssertEqual(p.code[p.locals[3].startPC - 1].op, .closure)
    }

    func testLineInfo() throws {
        let p = try compileSource("local t = {}\nlocal x = t.a\n  + 1\nprint(\n x)\n")
        let lines = Array(p.lineInfo)
        XCTAssertEqual(code(p), [
            "VARARGPREP 0", "NEWTABLE 0 0 0", "EXTRAARG 0", "GETFIELD 1 0 0", "ADDI 1 1 1",
            "GETTABUP 2 0 1", "MOVE 3 1", "CALL 2 2 1", "RETURN 2 1 1",
        ])
        XCTAssertEqual(lines[3], 2)         // index: line of the index expression
        XCTAssertEqual(lines[4], 3)         // binary op: line of the operator
        XCTAssertEqual(lines[7], 4)         // call: line of the call
    }

    func testMaxStackSize() throws {
        let p = try compileSource("local a, b, c = 1, 2, 3\nprint(a, b, c)")
        XCTAssertEqual(p.maxStackSize, 7)
        let f = try compileSource("local function f(a, b) end").protos[0]
        XCTAssertEqual(f.maxStackSize, 2)
        XCTAssertEqual(f.numParams, 2)
        XCTAssertFalse(f.isVararg)
        XCTAssertEqual(code(f), ["RETURN0"])
    }

    func testLongLeftAssociativeChainsCompileIteratively() throws {
        // 50000 terms, built by hand (deeper than any recursion would allow)
        var e: Expr = .name(Array("x".utf8), line: 1)
        for _ in 0..<50000 {
            e = .binary(.add, e, .name(Array("x".utf8), line: 1), line: 1)
        }
        let body = Block(stats: [
            .local(names: [Array("x".utf8)], attribs: [.none], values: [.integer(1, line: 1)], line: 1),
            .returnStat(values: [e], line: 1),
        ], endLine: 1)
        let p = try compile(Chunk(body: body, chunkName: "=input"))
        XCTAssertEqual(p.code.count, 50000 + 4)
        XCTAssertEqual(p.code[2].op, .add)
    }

    func testCodeFitsEncodings() throws {
        // every register operand of every instruction stays below maxStackSize
        let src = """
        local t = {}
        for i = 1, 10 do t[i] = i * 2 end
        local function f(a, ...) local x, y = ... return a + x, select('#', ...) end
        print(f(1, 2, 3), #t, t[1] .. "x")
        """
        let p = try compileSource(src)
        for proto in [p] + p.protos {
            let excluded: [Op] = [.testset, .settabup, .return, .return0, .return1, .varargprep]
            for i in proto.code where i.op.format == .iABC && !excluded.contains(i.op) {
                XCTAssertLessThan(i.a, proto.maxStackSize, "\(i.op.name)")
            }
        }
    }
}
