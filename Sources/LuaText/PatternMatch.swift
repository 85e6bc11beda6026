// The Lua 5.4 pattern-matching engine (the algorithm of lstrlib.c's `match`),
// working on raw byte pointers. Library semantics (find/match/gmatch/gsub) live in
// Pattern.swift.
//
// Recursion happens only for captures, '?', and the continuation after a
// repetition; it is bounded by `maxMatchCalls` ("pattern too complex"), like lua's
// MAXCCALLS. Single-character repetitions scan iteratively.

/// A capture of a successful match, in 0-based byte offsets of the subject.
package enum Capture: Equatable, Sendable {
    /// Bytes subject[start..<end].
    case range(Int, Int)
    /// A position capture `()`: 0-based offset. The Lua value is `offset + 1`.
    case position(Int)

    /// Lua value of a position capture (1-based), nil for a range.
    package var luaPosition: Int64? {
        if case .position(let p) = self { return Int64(p) + 1 }
        return nil
    }
}

let luaMaxCaptures = 32
let maxMatchCalls = 200
let capUnfinished = -1
let capPosition = -2

private let escByte = UInt8(ascii: "%")

/// Match state: subject, pattern and capture slots (storage owned by the caller).
struct Matcher {
    let src: UnsafePointer<UInt8>
    let srcEnd: Int
    let pat: UnsafePointer<UInt8>
    let patEnd: Int
    var level = 0
    var matchDepth = maxMatchCalls
    let capStart: UnsafeMutablePointer<Int>
    let capLen: UnsafeMutablePointer<Int>

    init(src: UnsafePointer<UInt8>, srcCount: Int, pat: UnsafePointer<UInt8>, patCount: Int,
         capStart: UnsafeMutablePointer<Int>, capLen: UnsafeMutablePointer<Int>) {
        self.src = src
        self.srcEnd = srcCount
        self.pat = pat
        self.patEnd = patCount
        self.capStart = capStart
        self.capLen = capLen
    }

    /// reprepstate: before each match attempt.
    @inline(__always) mutating func reset() {
        level = 0
        matchDepth = maxMatchCalls
    }

    // MARK: Character classes

    @inline(__always) static func matchClass(_ c: UInt8, _ cl: UInt8) -> Bool {
        let res: Bool
        switch cl | 0x20 {
        case UInt8(ascii: "a"): res = isAlpha(c)
        case UInt8(ascii: "c"): res = isCntrl(c)
        case UInt8(ascii: "d"): res = isDigit(c)
        case UInt8(ascii: "g"): res = isGraph(c)
        case UInt8(ascii: "l"): res = isLower(c)
        case UInt8(ascii: "p"): res = isPunct(c)
        case UInt8(ascii: "s"): res = isSpace(c)
        case UInt8(ascii: "u"): res = isUpper(c)
        case UInt8(ascii: "w"): res = isAlnum(c)
        case UInt8(ascii: "x"): res = isXDigit(c)
        case UInt8(ascii: "z"): res = c == 0  // deprecated, still in 5.4
        default: return cl == c
        }
        return isUpper(cl) ? !res : res
    }

    /// `p` is the '[' of a set, `ec` its closing ']'.
    @inline(__always) func matchBracketClass(_ c: UInt8, _ pIn: Int, _ ec: Int) -> Bool {
        var p = pIn
        var sig = true
        if pat[p + 1] == UInt8(ascii: "^") {
            sig = false
            p += 1
        }
        p += 1
        while p < ec {
            let pc = pat[p]
            if pc == escByte {
                p += 1
                if Matcher.matchClass(c, pat[p]) { return sig }
            } else if pat[p + 1] == UInt8(ascii: "-") && p + 2 < ec {
                p += 2
                if pc <= c && c <= pat[p] { return sig }
            } else if pc == c {
                return sig
            }
            p += 1
        }
        return !sig
    }

    /// Index just past the single-character class starting at `p`.
    func classEnd(_ pIn: Int) throws(LuaTextError) -> Int {
        var p = pIn
        let c = pat[p]
        p += 1
        if c == escByte {
            if p >= patEnd { throw LuaTextError("malformed pattern (ends with '%')") }
            return p + 1
        }
        if c == UInt8(ascii: "[") {
            if p < patEnd && pat[p] == UInt8(ascii: "^") { p += 1 }
            repeat {  // look for a ']'
                if p >= patEnd { throw LuaTextError("malformed pattern (missing ']')") }
                let cc = pat[p]
                p += 1
                if cc == escByte && p < patEnd { p += 1 }  // skip escapes (e.g. '%]')
            } while p >= patEnd || pat[p] != UInt8(ascii: "]")
            return p + 1
        }
        return p
    }

    @inline(__always) func singleMatch(_ s: Int, _ p: Int, _ ep: Int) -> Bool {
        if s >= srcEnd { return false }
        let c = src[s]
        switch pat[p] {
        case UInt8(ascii: "."): return true
        case escByte: return Matcher.matchClass(c, pat[p + 1])
        case UInt8(ascii: "["): return matchBracketClass(c, p, ep - 1)
        case let pc: return pc == c
        }
    }

    // MARK: The matcher

    /// Returns the end of the match of pattern[p...] at subject[s...], or -1.
    mutating func match(_ sIn: Int, _ pIn: Int) throws(LuaTextError) -> Int {
        if matchDepth == 0 { throw LuaTextError("pattern too complex") }
        matchDepth -= 1
        var s = sIn
        var p = pIn
        loop: while p != patEnd {
            let pc = pat[p]
            switch pc {
            case UInt8(ascii: "("):
                if p + 1 < patEnd && pat[p + 1] == UInt8(ascii: ")") {
                    s = try startCapture(s, p + 2, capPosition)
                } else {
                    s = try startCapture(s, p + 1, capUnfinished)
                }
                break loop
            case UInt8(ascii: ")"):
                s = try endCapture(s, p + 1)
                break loop
            case UInt8(ascii: "$") where p + 1 == patEnd:
                if s != srcEnd { s = -1 }
                break loop
            case escByte where p + 1 < patEnd && pat[p + 1] == UInt8(ascii: "b"):
                s = try matchBalance(s, p + 2)
                if s != -1 { p += 4; continue loop }
                break loop
            case escByte where p + 1 < patEnd && pat[p + 1] == UInt8(ascii: "f"):
                p += 2
                if p >= patEnd || pat[p] != UInt8(ascii: "[") {
                    throw LuaTextError("missing '[' after '%f' in pattern")
                }
                let ep = try classEnd(p)
                let prev: UInt8 = s == 0 ? 0 : src[s - 1]
                let cur: UInt8 = s < srcEnd ? src[s] : 0
                if !matchBracketClass(prev, p, ep - 1) && matchBracketClass(cur, p, ep - 1) {
                    p = ep
                    continue loop
                }
                s = -1
                break loop
            case escByte where p + 1 < patEnd && isDigit(pat[p + 1]):
                s = try matchCapture(s, pat[p + 1])
                if s != -1 { p += 2; continue loop }
                break loop
            default:
                let ep = try classEnd(p)
                let epc: UInt8 = ep < patEnd ? pat[ep] : 0
                if !singleMatch(s, p, ep) {
                    if epc == UInt8(ascii: "*") || epc == UInt8(ascii: "?") || epc == UInt8(ascii: "-") {
                        p = ep + 1  // accept empty
                        continue loop
                    }
                    s = -1
                    break loop
                }
                switch epc {
                case UInt8(ascii: "?"):
                    let res = try match(s + 1, ep + 1)
                    if res != -1 { s = res; break loop }
                    p = ep + 1
                    continue loop
                case UInt8(ascii: "+"):
                    s = try maxExpand(s + 1, p, ep)
                    break loop
                case UInt8(ascii: "*"):
                    s = try maxExpand(s, p, ep)
                    break loop
                case UInt8(ascii: "-"):
                    s = try minExpand(s, p, ep)
                    break loop
                default:
                    s += 1
                    p = ep
                    continue loop
                }
            }
        }
        matchDepth += 1
        return s
    }

    /// Greedy repetition: count the maximal run iteratively, then back off.
    mutating func maxExpand(_ s: Int, _ p: Int, _ ep: Int) throws(LuaTextError) -> Int {
        var i = 0
        let avail = srcEnd - s
        switch pat[p] {
        case UInt8(ascii: "."):
            i = avail
        case escByte:
            let cl = pat[p + 1]
            while i < avail && Matcher.matchClass(src[s + i], cl) { i += 1 }
        case UInt8(ascii: "["):
            while i < avail && matchBracketClass(src[s + i], p, ep - 1) { i += 1 }
        case let ch:
            while i < avail && src[s + i] == ch { i += 1 }
        }
        let next = ep + 1
        // (lua would call match() at least once; keep its depth error exact)
        if matchDepth == 0 { throw LuaTextError("pattern too complex") }
        if next == patEnd { return s + i }  // nothing follows: longest run wins
        // Try with the longest run, then shorter ones. If a literal byte must follow,
        // skip positions where it cannot (same result, fewer calls).
        let follow = pat[next]
        let literal = isLiteralItem(next)
        while i >= 0 {
            if !literal || (s + i < srcEnd && src[s + i] == follow) {
                let res = try match(s + i, next)
                if res != -1 { return res }
            }
            i -= 1
        }
        return -1
    }

    /// Lazy repetition.
    mutating func minExpand(_ sIn: Int, _ p: Int, _ ep: Int) throws(LuaTextError) -> Int {
        var s = sIn
        let next = ep + 1
        let literal = next < patEnd && isLiteralItem(next)
        let follow: UInt8 = literal ? pat[next] : 0
        if matchDepth == 0 { throw LuaTextError("pattern too complex") }
        while true {
            if !literal || (s < srcEnd && src[s] == follow) {
                let res = try match(s, next)
                if res != -1 { return res }
            }
            if singleMatch(s, p, ep) { s += 1 } else { return -1 }
        }
    }

    /// True if the pattern item at `p` is a plain byte that must match itself
    /// exactly once (not followed by '*', '?' or '-'), so a match attempt at a
    /// subject position holding a different byte is bound to fail.
    @inline(__always) func isLiteralItem(_ p: Int) -> Bool {
        let c = pat[p]
        switch c {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "."), UInt8(ascii: "%"),
             UInt8(ascii: "["):
            return false
        case UInt8(ascii: "$") where p + 1 == patEnd:
            return false
        default:
            if p + 1 < patEnd {
                let q = pat[p + 1]
                if q == UInt8(ascii: "*") || q == UInt8(ascii: "?") || q == UInt8(ascii: "-") { return false }
            }
            return true
        }
    }

    mutating func startCapture(_ s: Int, _ p: Int, _ what: Int) throws(LuaTextError) -> Int {
        if level >= luaMaxCaptures { throw LuaTextError("too many captures") }
        capStart[level] = s
        capLen[level] = what
        level += 1
        let res = try match(s, p)
        if res == -1 { level -= 1 }
        return res
    }

    mutating func endCapture(_ s: Int, _ p: Int) throws(LuaTextError) -> Int {
        var l = level - 1
        while l >= 0 && capLen[l] != capUnfinished { l -= 1 }
        if l < 0 { throw LuaTextError("invalid pattern capture") }
        capLen[l] = s - capStart[l]
        let res = try match(s, p)
        if res == -1 { capLen[l] = capUnfinished }
        return res
    }

    func matchBalance(_ sIn: Int, _ p: Int) throws(LuaTextError) -> Int {
        if p >= patEnd - 1 { throw LuaTextError("malformed pattern (missing arguments to '%b')") }
        var s = sIn
        if s >= srcEnd || src[s] != pat[p] { return -1 }
        let b = pat[p]
        let e = pat[p + 1]
        var cont = 1
        s += 1
        while s < srcEnd {
            let c = src[s]
            if c == e {
                cont -= 1
                if cont == 0 { return s + 1 }
            } else if c == b {
                cont += 1
            }
            s += 1
        }
        return -1
    }

    func checkCapture(_ lc: UInt8) throws(LuaTextError) -> Int {
        let l = Int(lc) - 49  // '1'
        if l < 0 || l >= level || capLen[l] == capUnfinished {
            throw LuaTextError(Array("invalid capture index %\(l + 1)".utf8))
        }
        return l
    }

    func matchCapture(_ s: Int, _ lc: UInt8) throws(LuaTextError) -> Int {
        let l = try checkCapture(lc)
        let len = capLen[l]
        if len >= 0 && srcEnd - s >= len {
            let a = src + capStart[l]
            let b = src + s
            var k = 0
            while k < len && a[k] == b[k] { k += 1 }
            if k == len { return s + len }
        }
        return -1
    }

    // MARK: Results

    /// get_onecapture: capture `i` (0-based) of the match subject[s..<e].
    func capture(_ i: Int, _ s: Int, _ e: Int) throws(LuaTextError) -> Capture {
        if i >= level {
            if i != 0 { throw LuaTextError(Array("invalid capture index %\(i + 1)".utf8)) }
            return .range(s, e)
        }
        if capLen[i] == capUnfinished { throw LuaTextError("unfinished capture") }
        return finishedCapture(i)
    }

    /// Capture `i` < level, known not to be unfinished.
    @inline(__always) func finishedCapture(_ i: Int) -> Capture {
        let l = capLen[i]
        if l == capPosition { return .position(capStart[i]) }
        return .range(capStart[i], capStart[i] + l)
    }

    /// push_captures: all captures, or the whole match when there are none and
    /// `wholeIfNone`.
    func captures(_ s: Int, _ e: Int, wholeIfNone: Bool) throws(LuaTextError) -> [Capture] {
        if level == 0 { return wholeIfNone ? [.range(s, e)] : [] }
        let n = level
        for i in 0..<n where capLen[i] == capUnfinished { throw LuaTextError("unfinished capture") }
        return [Capture](unsafeUninitializedCapacity: n) { buf, count in
            for i in 0..<n { buf.initializeElement(at: i, to: finishedCapture(i)) }
            count = n
        }
    }
}

/// Runs `body` with a Matcher over `subject`/`pattern` whose capture storage lives
/// on the stack for the duration of the call.
@inline(__always)
func withMatcher<R>(_ subject: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>,
                    _ body: (inout Matcher) throws -> R) throws -> R {
    try withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * luaMaxCaptures) { caps in
        try withNonNilBase(subject) { sp in
            try withNonNilBase(pattern) { pp in
                var m = Matcher(src: sp, srcCount: subject.count, pat: pp, patCount: pattern.count,
                                capStart: caps.baseAddress!, capLen: caps.baseAddress! + luaMaxCaptures)
                return try body(&m)
            }
        }
    }
}

/// A base pointer for `b` that is never nil (empty buffers get a dummy address).
@inline(__always)
func withNonNilBase<R>(_ b: UnsafeBufferPointer<UInt8>, _ body: (UnsafePointer<UInt8>) throws -> R) rethrows -> R {
    if let base = b.baseAddress { return try body(base) }
    var dummy: UInt8 = 0
    return try withUnsafePointer(to: &dummy) { try body($0) }
}
