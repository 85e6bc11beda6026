// The global state of one Lua universe: heap, string table, registry, metatables of basic
// types, native function table, the main thread. One VM per embedding; not thread-safe.
//
// The interpreter keeps its hot state (pc, base, constants) in locals; everything here is
// touched on slower paths only. Build flags turn off dynamic exclusivity checking, so plain
// stored properties are cheap to read.

import CLuaRuntime
import LuaBytecode
#if canImport(Glibc)
import Glibc
#endif

typealias TablePtr = UnsafeMutablePointer<LTTable>
typealias StringPtr = UnsafeMutablePointer<LTString>
typealias ThreadPtr = UnsafeMutablePointer<LTThread>
typealias ProtoPtr = UnsafeMutablePointer<LTProto>
typealias LClosurePtr = UnsafeMutablePointer<LTLClosure>
typealias NativePtr = UnsafeMutablePointer<LTNative>
typealias UpValPtr = UnsafeMutablePointer<LTUpVal>
typealias GCPtr = UnsafeMutablePointer<LTGCHeader>
typealias StackPtr = UnsafeMutablePointer<LTValue>

/// Arguments of a native call: stack indices [base, base+count).
struct Args {
    let base: Int
    let count: Int
}

/// A native (Swift) function: reads its arguments from the stack, pushes its results on the
/// thread's top and returns how many it pushed.
typealias NativeFn = (VM, Args) throws -> Int

/// A native function as the VM stores it. Library tables list their functions as
/// `("name", NativeEntry { vm, args in ... })`: a bare closure in a tuple array would be stored
/// at generic abstraction and wrapped in a reabstraction thunk (a heap box, retained and
/// released on every call) when converted back to `NativeFn`.
struct NativeEntry {
    let call: NativeFn
    init(_ call: @escaping NativeFn) { self.call = call }
}

/// Metamethod events, in the order of the absence-cache bits in LTTable.hdr.flags.
enum TM: Int, CaseIterable {
    case index, newindex, gc, mode, len, eq                  // cached (fast) ones first
    case add, sub, mul, mod, pow, div, idiv
    case band, bor, bxor, shl, shr, unm, bnot, lt, le, concat, call, close
    case tostring, name, metatable, pairs

    var eventName: String {
        switch self {
        case .index: return "__index"; case .newindex: return "__newindex"; case .gc: return "__gc"
        case .mode: return "__mode"; case .len: return "__len"; case .eq: return "__eq"
        case .add: return "__add"; case .sub: return "__sub"; case .mul: return "__mul"
        case .mod: return "__mod"; case .pow: return "__pow"; case .div: return "__div"
        case .idiv: return "__idiv"; case .band: return "__band"; case .bor: return "__bor"
        case .bxor: return "__bxor"; case .shl: return "__shl"; case .shr: return "__shr"
        case .unm: return "__unm"; case .bnot: return "__bnot"; case .lt: return "__lt"
        case .le: return "__le"; case .concat: return "__concat"; case .call: return "__call"
        case .close: return "__close"; case .tostring: return "__tostring"; case .name: return "__name"
        case .metatable: return "__metatable"; case .pairs: return "__pairs"
        }
    }
}

/// Per-prototype debug information kept on the Swift side (names for error messages).
struct ProtoDebug {
    var locals: [LocalVarInfo]
    var upvalueNames: [String]
    var source: String
}

final class VM {
    // ---- heap (Heap.swift) ----
    /// The smallest heap growth before a collection (lua collects at twice the live heap from
    /// a few KB on; a floor keeps tiny heaps from collecting constantly). 256 KB keeps the peak
    /// RSS of scripts with a small live heap within 1.5x of lua5.4's (1 MB: up to 1.84x, 512 KB:
    /// up to 1.56x), at a few percent more instructions for allocation-heavy small heaps.
    static let gcMinimum = 256 << 10
    var allgc: GCPtr? = nil
    var totalBytes: Int = 0
    /// checkGC's trigger: gcCollectAt, or 0 while finalizers are pending (Finalizers.swift).
    var gcThreshold: Int = VM.gcMinimum
    /// Allocation level at which the next collection is due.
    var gcCollectAt: Int = VM.gcMinimum
    /// Objects marked for finalization, and those queued for their finalizer (Finalizers.swift).
    var finobj: [GCPtr] = []
    var tobefnz: [GCPtr] = []
    var tobefnzHead = 0
    var runningFinalizers = false
    var closingState = false
    var gcRunning = true
    /// Debug aid (LUATRACE_GCSTRESS=1): collect at every safe point, to expose missing roots.
    let gcStress = getenv("LUATRACE_GCSTRESS") != nil
    var gcInProgress = false
    var grayStack: [GCPtr] = []
    var weakTables: [TablePtr] = []
    var ephemerons: [TablePtr] = []
    var allThreads: [ThreadPtr] = []

    // ---- strings (LuaStr.swift) ----
    var strBuckets: UnsafeMutablePointer<StringPtr?>
    var strMask: Int = 255
    var strCount: Int = 0
    let hashSeed: UInt32 = 0x2545F491

    // ---- global state ----
    var registry: TablePtr! = nil
    var globals: TablePtr! = nil
    var mainThread: ThreadPtr! = nil
    /// The running thread.
    var L: ThreadPtr! = nil
    /// Metatables for non-table types, indexed by tag.
    var typeMetatables = [TablePtr?](repeating: nil, count: 16)
    /// Interned metamethod names, indexed by TM.rawValue.
    var tmNames: [StringPtr] = []
    /// Native functions, indexed by LTNative.fnid.
    /// Native functions by id. The closure is wrapped in a struct so the array stores it at
    /// its natural abstraction: a bare `[NativeFn]` stores generic-abstraction closures and
    /// every call went through a reabstraction thunk.
    var natives: [NativeEntry] = []
    var nativeNames: [String] = []
    /// The iterator `ipairs` returns (traces record `ipairs(t)` as this constant).
    var ipairsIterator = Value.nilValue
    /// `next`, which `pairs` returns (traces record `pairs(t)` as constants too).
    var nextFunction = Value.nilValue
    /// Debug info per proto id.
    var protoDebug: [ProtoDebug?] = []
    var freeProtoIds: [Int32] = []
    /// Values the host keeps alive (embedding API references).
    var hostRoots: [Value] = []
    /// Depth of nested native->Lua re-entries (C stack in lua terms).
    var nativeDepth = 0
    /// > 0 while a message handler runs: the stack may use its reserve (lua's EXTRA_STACK).
    var handlingError = 0
    static let maxNativeDepth = 200
    /// Maximum stack slots of one thread (lua's LUAI_MAXSTACK).
    static let maxStack = 1_000_000

    /// Output sink for print / io.write (buffered stdout by default).
    var stdout = OutputBuffer(fd: 1)

    /// Ids of pcall/xpcall, which the interpreter runs without native recursion.
    var pcallID = -1
    var xpcallID = -1
    var gcMode = "incremental"
    var warningsOn = false
    let stdoutIsTTY = isatty(1) != 0
    /// To-be-closed variable slots per thread (stack indices, innermost last).
    var tbcLists: [UnsafeMutableRawPointer: [Int]] = [:]
    /// Coroutine support: the native id of wrap's functions, and where the last yield's values are.
    var wrapNativeID = -1
    var yieldNativeID = -1
    /// Interned results of type(), indexed by tag.
    var typeNameValues: [Value] = []
    var yieldBase = 0
    var yieldCount = 0
    /// Error values of coroutines that died by an error (reported by coroutine.close; marked
    /// with their thread).
    var deadCoroutineErrors: [ThreadPtr: Value] = [:]

    // JIT options and state (JIT/).
    var jitOptions = JITOptions() {
        didSet {
            if let j = jitIfCreated, oldValue.hotloop != jitOptions.hotloop {
                j.hotcounts.update(repeating: UInt16(clamping: max(jitOptions.hotloop, 1)), count: JITState.hotSize)
            }
        }
    }
    var jitIfCreated: JITState? = nil

    init() {
        strBuckets = .allocate(capacity: 256)
        strBuckets.initialize(repeating: nil, count: 256)
        tmNames = TM.allCases.map { internString($0.eventName) }
        registry = newTable()
        globals = newTable()
        mainThread = newThread()
        L = mainThread
        // registry[1] = main thread, registry[2] = globals, as lua does.
        tableSetInt(registry, 1, Value(thread: mainThread))
        tableSetInt(registry, 2, Value(table: globals))
    }

    deinit {
        freeAll()
        strBuckets.deallocate()
    }

    @inline(__always) func tmName(_ e: TM) -> StringPtr { tmNames[e.rawValue] }
}

/// A write buffer over a file descriptor; flushed on exit, on io.flush and before errors.
struct OutputBuffer {
    let fd: Int32
    var bytes: [UInt8] = []
    /// When set, flushed bytes go here instead of the file descriptor (embedding, tests).
    var sink: (([UInt8]) -> Void)? = nil
    init(fd: Int32) { self.fd = fd; bytes.reserveCapacity(1 << 16) }

    mutating func write(_ b: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: b.bindMemory(to: UInt8.self))
        if bytes.count >= 1 << 16 { flush() }
    }
    mutating func write(_ b: [UInt8]) {
        bytes.append(contentsOf: b)
        if bytes.count >= 1 << 16 { flush() }
    }
    mutating func write(_ s: String) { write(Array(s.utf8)) }
    mutating func flush() {
        if let sink = sink {
            if !bytes.isEmpty { sink(bytes) }
            bytes.removeAll(keepingCapacity: true)
            return
        }
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n <= 0 { break }
            off += n
        }
        bytes.removeAll(keepingCapacity: true)
    }
}
