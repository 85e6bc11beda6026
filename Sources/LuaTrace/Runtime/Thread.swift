// Threads (the main thread and coroutines): a value stack and a stack of call frames, both
// growable unsafe buffers addressed by INDEX, so that reallocation never invalidates what the
// runtime keeps (frames store indices; only open upvalues hold raw pointers, and they are rebased
// on every reallocation).
//
// Invariants:
// - stack[0 ..< top] are live values; slots at or above `top` up to stacksize are nil.
// - Every Lua frame's registers fit: ci.top <= stacksize (ensured when the frame is pushed).
// - frames[nci-1] is the running frame. frames[0] is a base frame for the thread's entry.
// - Open upvalues are sorted by stack level, highest first, and unique per slot.

import CLuaRuntime
#if canImport(Glibc)
import Glibc
#endif

/// Coroutine status values in LTThread.status.
enum ThreadStatus: Int32 {
    case suspended = 0      // created or yielded
    case running = 1
    case normal = 2         // resumed another coroutine
    case dead = 3
}

extension VM {
    static let closedOffset = MemoryLayout<LTUpVal>.offset(of: \LTUpVal.closed)!
    static let extraStack = 8      // slack above a frame's top for metamethod calls

    func newThread() -> ThreadPtr {
        let raw = allocObject(MemoryLayout<LTThread>.stride, tt: LT_TTHREAD)
        let th = raw.assumingMemoryBound(to: LTThread.self)
        let n = 64
        let stack = StackPtr.allocate(capacity: n)
        stack.initialize(repeating: .nilValue, count: n)
        let cis = UnsafeMutablePointer<LTCallInfo>.allocate(capacity: 16)
        th.pointee.stack = stack
        th.pointee.stacksize = Int64(n)
        th.pointee.top = 1
        th.pointee.ci = cis
        th.pointee.nci = 1
        th.pointee.cisize = 16
        th.pointee.openupval = nil
        th.pointee.status = ThreadStatus.suspended.rawValue
        th.pointee.nny = 0
        th.pointee.swiftid = 0
        // base frame: a pseudo native frame at slot 0
        cis[0] = LTCallInfo(func: 0, top: 1 + 20, savedpc: nil, nresults: 0, callstatus: 0,
                            nextraargs: 0, extra: 0)
        totalBytes += n * 16 + 16 * MemoryLayout<LTCallInfo>.stride
        allThreads.append(th)
        return th
    }

    func freeThread(_ th: ThreadPtr) {
        deadCoroutineErrors[th] = nil
        tbcLists[UnsafeMutableRawPointer(th)] = nil     // the address may be reused
        totalBytes -= Int(th.pointee.stacksize) * 16 + Int(th.pointee.cisize) * MemoryLayout<LTCallInfo>.stride
        th.pointee.stack.deallocate()
        th.pointee.ci.deallocate()
        totalBytes -= MemoryLayout<LTThread>.stride
    }

    /// Before sweeping: threads about to die close their open upvalues (closures may outlive them).
    func closeDeadThreads() {
        var keep: [ThreadPtr] = []
        for th in allThreads {
            if th.pointee.hdr.marked == 0 {
                closeUpvalues(th, level: 0)
            } else {
                keep.append(th)
            }
        }
        allThreads = keep
    }

    /// Makes sure stack[top ..< top+n] exists. May reallocate the stack (indices stay valid).
    @inline(__always) func ensureStack(_ th: ThreadPtr, _ needTop: Int) throws {
        if needTop + VM.extraStack > Int(th.pointee.stacksize) { try growStack(th, needTop + VM.extraStack) }
    }

    @inline(never) func growStack(_ th: ThreadPtr, _ need: Int) throws {
        if need > VM.maxStack + (handlingError > 0 ? 200 : 0) {
            if Int(th.pointee.stacksize) < VM.maxStack + 200 {
                // allow room for the error handler, as lua does
                try reallocStack(th, VM.maxStack + 200)
            }
            throw LuaError.runtime(self, "stack overflow")
        }
        var n = Int(th.pointee.stacksize) * 2
        while n < need { n *= 2 }
        try reallocStack(th, min(max(n, need), VM.maxStack + 200))
    }

    func reallocStack(_ th: ThreadPtr, _ n: Int) throws {
        let old = th.pointee.stack!
        let oldSize = Int(th.pointee.stacksize)
        if n <= oldSize { return }
        let ns = StackPtr.allocate(capacity: n)
        ns.moveInitialize(from: old, count: oldSize)
        (ns + oldSize).initialize(repeating: .nilValue, count: n - oldSize)
        var u = th.pointee.openupval
        while let up = u {
            up.pointee.v = ns + (up.pointee.v - old)
            u = up.pointee.opennext
        }
        old.deallocate()
        th.pointee.stack = ns
        th.pointee.stacksize = Int64(n)
        totalBytes += (n - oldSize) * 16
    }

    /// Pushes a new call frame and returns its index.
    @inline(__always) func pushFrame(_ th: ThreadPtr) throws -> Int {
        let n = Int(th.pointee.nci)
        if n == Int(th.pointee.cisize) { try growFrames(th) }
        if n >= VM.maxFrames { try frameLimit(n) }
        th.pointee.nci = Int64(n + 1)
        return n
    }

    static let maxFrames = 500_000

    @inline(never) func frameLimit(_ n: Int) throws {
        if handlingError == 0 || n >= VM.maxFrames + 50 { throw LuaError.runtime(self, "stack overflow") }
    }

    @inline(never) func growFrames(_ th: ThreadPtr) throws {
        let n = Int(th.pointee.cisize)
        let nc = UnsafeMutablePointer<LTCallInfo>.allocate(capacity: n * 2)
        nc.moveInitialize(from: th.pointee.ci, count: n)
        th.pointee.ci.deallocate()
        th.pointee.ci = nc
        th.pointee.cisize = Int64(n * 2)
        totalBytes += n * MemoryLayout<LTCallInfo>.stride
    }

    // MARK: value stack helpers for natives

    /// Pushes a value on the running thread's stack (native functions return values this way).
    @inline(__always) func push(_ v: Value) throws {
        let th = L!
        let top = Int(th.pointee.top)
        if top + 1 + VM.extraStack > Int(th.pointee.stacksize) { try growStack(th, top + 1) }
        th.pointee.stack[top] = v
        th.pointee.top = Int64(top + 1)
    }

    @inline(__always) var top: Int {
        get { Int(L.pointee.top) }
        set { L.pointee.top = Int64(newValue) }
    }

    // MARK: upvalues

    /// Finds or creates the open upvalue for stack slot `level` of thread `th`.
    func findUpvalue(_ th: ThreadPtr, level: Int) -> UpValPtr {
        let slot = th.pointee.stack + level
        var prev: UpValPtr? = nil
        var cur = th.pointee.openupval
        while let u = cur, u.pointee.v >= slot {
            if u.pointee.v == slot { return u }
            prev = u
            cur = u.pointee.opennext
        }
        let raw = allocObject(MemoryLayout<LTUpVal>.stride, tt: LT_TUPVAL)
        let u = raw.assumingMemoryBound(to: LTUpVal.self)
        u.pointee.v = slot
        u.pointee.closed = .nilValue
        u.pointee.opennext = cur
        if let p = prev { p.pointee.opennext = u } else { th.pointee.openupval = u }
        return u
    }

    /// Closes every open upvalue at or above stack slot `level`.
    func closeUpvalues(_ th: ThreadPtr, level: Int) {
        let slot = th.pointee.stack + level
        while let u = th.pointee.openupval, u.pointee.v >= slot {
            th.pointee.openupval = u.pointee.opennext
            u.pointee.closed = u.pointee.v.pointee
            u.pointee.v = (UnsafeMutableRawPointer(u) + VM.closedOffset).assumingMemoryBound(to: LTValue.self)
            u.pointee.opennext = nil
        }
    }
}
