import XCTest
import LuaSyntax
import LuaBytecode

final class DisassemblerTests: XCTestCase {

    func testListingFormat() throws {
        let p = try compileSource("local t = {}\nprint(\"hi\\n\", 1.5, t.x)\nreturn function(a, ...) return a end")
        let text = disassemble(p)
        let expected = """
        main <input:0,0> (11 instructions)
        0+ params, 5 slots, 1 upvalue, 1 local, 4 constants, 1 function
        \t1\t[1]\tVARARGPREP\t0
        \t2\t[1]\tNEWTABLE \t0 0 0\t; 0
        \t3\t[1]\tEXTRAARG \t0
        \t4\t[2]\tGETTABUP \t1 0 0\t; _ENV "print"
        \t5\t[2]\tLOADK    \t2 1\t; "hi\\n"
        \t6\t[2]\tLOADK    \t3 2\t; 1.5
        \t7\t[2]\tGETFIELD \t4 0 3\t; "x"
        \t8\t[2]\tCALL     \t1 4 1\t; 3 in 0 out
        \t9\t[3]\tCLOSURE  \t1 0\t; function <3,3>
        \t10\t[3]\tRETURN   \t1 2 1\t; 1 out
        \t11\t[3]\tRETURN   \t1 1 1\t; 0 out
        constants (4):
        \t0\tS\t"print"
        \t1\tS\t"hi\\n"
        \t2\tF\t1.5
        \t3\tS\t"x"
        locals (1):
        \t0\tt\t4\t12
        upvalues (1):
        \t0\t_ENV\t1\t0

        function <input:3,3> (3 instructions)
        1+ param, 2 slots, 0 upvalues, 1 local, 0 constants, 0 functions
        \t1\t[3]\tVARARGPREP\t1
        \t2\t[3]\tRETURN   \t0 2 2\t; 1 out
        \t3\t[3]\tRETURN   \t1 1 2\t; 0 out
        constants (0):
        locals (1):
        \t0\ta\t1\t4
        upvalues (0):

        """
        XCTAssertEqual(text, expected)
        // non-recursive listing stops after the main function
        XCTAssertFalse(disassemble(p, recursive: false).contains("function <input:3,3>"))
    }

    func testEveryOpNameComesFromOp() throws {
        let p = try compileSource("local a, b = ...\nfor i = 1, 2 do a = a + i end\nfor k in pairs(a) do end\nreturn a < b, a .. b")
        let listing = disassemble(p)
        for i in p.code {
            XCTAssertTrue(listing.contains("\t" + i.op.name), i.op.name)
        }
    }

    func testJumpComments() throws {
        let p = try compileSource("for i = 1, 3 do end\nwhile x do end")
        let text = disassemble(p)
        XCTAssertTrue(text.contains("FORPREP  \t0 0\t; exit to 7"), text)
        XCTAssertTrue(text.contains("FORLOOP  \t0 1\t; to 6"), text)
        XCTAssertTrue(text.contains("JMP      \t-4\t; to 7"), text)
    }

    func testConstantFormatting() {
        XCTAssertEqual(constantText(.nil_), "nil")
        XCTAssertEqual(constantText(.bool(true)), "true")
        XCTAssertEqual(constantText(.int(-3)), "-3")
        XCTAssertEqual(constantText(.float(1e100)), "1e+100")
        XCTAssertEqual(constantText(.float(3)), "3.0")
        XCTAssertEqual(constantText(.float(0.1)), "0.1")
        XCTAssertEqual(constantText(.string([0x41, 0x22, 0x00, 0x7F])), "\"A\\\"\\000\\127\"")
    }
}
