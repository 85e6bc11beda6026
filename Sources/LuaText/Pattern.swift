// Library semantics of string.find, string.match, string.gmatch and string.gsub
// (lua5.4 lstrlib.c: str_find_aux, gmatch/gmatch_aux, str_gsub/add_s/add_value).
//
// All offsets in results are 0-based byte offsets into the subject; `end` is
// exclusive. string.find returns (start + 1, end, captures...).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A successful match: subject[start..<end], plus its captures.
package struct PatternResult: Equatable, Sendable {
    package var start: Int
    package var end: Int
    /// The explicit captures of the pattern (empty, without allocation, if it has
    /// none). string.find returns exactly these after the indices.
    package var captures: [Capture]

    /// What string.match / gmatch return: the captures, or the whole match if the
    /// pattern has none.
    package var matchValues: [Capture] {
        captures.isEmpty ? [.range(start, end)] : captures
    }
}

/// posrelatI: a 1-based start position clipped to [1, inf).
@inline(__always) func posRelatStart(_ pos: Int64, _ len: Int) -> Int64 {
    if pos > 0 { return pos }
    if pos == 0 { return 1 }
    if pos < -Int64(len) { return 1 }
    return Int64(len) + pos + 1
}

/// True if `p` has none of the pattern special characters "^$*+?.([%-".
package func patternHasNoSpecials(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
    for c in p {
        switch c {
        case UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: "?"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: "["),
             UInt8(ascii: "%"), UInt8(ascii: "-"):
            return false
        default:
            continue
        }
    }
    return true
}

/// lmemfind: first occurrence of `needle` in `hay` at or after `from`.
package func plainFind(_ hay: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>, from: Int = 0) -> Int? {
    let l2 = needle.count
    if l2 == 0 { return from }
    let l1 = hay.count - from
    if l2 > l1 { return nil }
    guard let h = hay.baseAddress, let nd = needle.baseAddress else { return nil }
    let first = Int32(nd[0])
    var start = h + from
    var remaining = l1 - (l2 - 1)  // positions where a match can start
    while remaining > 0 {
        guard let q = memchr(start, first, remaining) else { return nil }
        let qp = UnsafePointer(q.assumingMemoryBound(to: UInt8.self))
        if l2 == 1 || memcmp(qp + 1, nd + 1, l2 - 1) == 0 { return qp - h }
        let skipped = qp - start + 1
        remaining -= skipped
        start = qp + 1
    }
    return nil
}

/// Next index >= `from` holding byte `c`, or `end` if none.
@inline(__always) private func scanTo(_ c: UInt8, _ s: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
    let n = s.count
    if from >= n { return n }
    guard let q = memchr(s.baseAddress! + from, Int32(c), n - from) else { return n }
    return UnsafePointer(q.assumingMemoryBound(to: UInt8.self)) - s.baseAddress!
}

/// Pattern without a leading '^' anchor, and whether it had one.
@inline(__always) private func splitAnchor(_ p: UnsafeBufferPointer<UInt8>) -> (UnsafeBufferPointer<UInt8>, Bool) {
    if p.count > 0 && p[0] == UInt8(ascii: "^") {
        return (UnsafeBufferPointer(rebasing: p[1...]), true)
    }
    return (p, false)
}

/// First byte every match must start with, if the pattern begins with a literal.
@inline(__always) private func leadingLiteral(_ m: Matcher) -> UInt8? {
    if m.patEnd > 0 && m.isLiteralItem(0) { return m.pat[0] }
    return nil
}

/// str_find_aux: string.find (find == true) or string.match (find == false).
private func findAux(_ s: UnsafeBufferPointer<UInt8>, _ pIn: UnsafeBufferPointer<UInt8>, initPos: Int64,
                     plain: Bool, find: Bool) throws -> PatternResult? {
    let ls = s.count
    let start = posRelatStart(initPos, ls) - 1
    if start > Int64(ls) { return nil }
    let initIdx = Int(start)
    if find && (plain || patternHasNoSpecials(pIn)) {
        guard let at = plainFind(s, pIn, from: initIdx) else { return nil }
        return PatternResult(start: at, end: at + pIn.count, captures: [])
    }
    let (p, anchor) = splitAnchor(pIn)
    return try withMatcher(s, p) { m -> PatternResult? in
        let lit = anchor ? nil : leadingLiteral(m)
        var s1 = initIdx
        while true {
            if let c = lit {
                s1 = scanTo(c, s, from: s1)
                if s1 >= ls { return nil }  // a literal needs a byte
            }
            m.reset()
            let e = try m.match(s1, 0)
            if e != -1 {
                let caps = try m.captures(s1, e, wholeIfNone: false)
                return PatternResult(start: s1, end: e, captures: caps)
            }
            if s1 < ls && !anchor { s1 += 1 } else { return nil }
        }
    }
}

/// string.find(s, pattern [, init [, plain]]). Lua returns `start + 1`, `end`, then
/// the captures (position captures as `offset + 1`). nil = fail.
package func luaFind(_ s: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>,
                     init initPos: Int64 = 1, plain: Bool = false) throws -> PatternResult? {
    try findAux(s, pattern, initPos: initPos, plain: plain, find: true)
}

/// string.match(s, pattern [, init]). Lua returns `result.matchValues` (the
/// captures, or the whole match if the pattern has none). nil = fail.
package func luaMatch(_ s: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>,
                      init initPos: Int64 = 1) throws -> PatternResult? {
    try findAux(s, pattern, initPos: initPos, plain: false, find: false)
}

package func luaFind(_ s: [UInt8], _ pattern: [UInt8], init initPos: Int64 = 1, plain: Bool = false) throws -> PatternResult? {
    try withBytes(s) { sb in try withBytes(pattern) { pb in try luaFind(sb, pb, init: initPos, plain: plain) } }
}

package func luaMatch(_ s: [UInt8], _ pattern: [UInt8], init initPos: Int64 = 1) throws -> PatternResult? {
    try withBytes(s) { sb in try withBytes(pattern) { pb in try luaMatch(sb, pb, init: initPos) } }
}

// MARK: - gmatch

/// State of a string.gmatch iterator. The VM keeps the subject and pattern alive
/// (as upvalues) and passes the same buffers to every `next` call.
package struct GMatchIterator: Sendable {
    private var src: Int
    private var lastMatch = -1

    /// `subjectLength` = #s; `init` = gmatch's optional third argument.
    package init(subjectLength: Int, init initPos: Int64 = 1) {
        var start = posRelatStart(initPos, subjectLength) - 1
        if start > Int64(subjectLength) { start = Int64(subjectLength) + 1 }
        src = Int(start)
    }

    /// The iterator state as plain integers, so a VM can keep it in (upvalue) slots
    /// between calls and rebuild the iterator with `init(state:)`.
    package var state: (position: Int, lastMatch: Int) { (src, lastMatch) }

    package init(state: (position: Int, lastMatch: Int)) {
        src = state.position
        lastMatch = state.lastMatch
    }

    /// The next match, or nil when done; the iterator returns `result.matchValues`.
    /// Note: in gmatch a leading '^' is not an anchor (it matches a literal '^').
    package mutating func next(_ s: UnsafeBufferPointer<UInt8>, _ p: UnsafeBufferPointer<UInt8>) throws -> PatternResult? {
        let ls = s.count
        if src > ls { return nil }
        let from = src
        let last = lastMatch
        let found: (Int, Int, [Capture])? = try withMatcher(s, p) { m in
            let lit = leadingLiteral(m)
            var s1 = from
            while s1 <= ls {
                if let c = lit {
                    s1 = scanTo(c, s, from: s1)
                    if s1 >= ls { return nil }
                }
                m.reset()
                let e = try m.match(s1, 0)
                if e != -1 && e != last {
                    return (s1, e, try m.captures(s1, e, wholeIfNone: false))
                }
                s1 += 1
            }
            return nil
        }
        guard let (st, e, caps) = found else {
            src = ls + 1
            return nil
        }
        src = e
        lastMatch = e
        return PatternResult(start: st, end: e, captures: caps)
    }

    package mutating func next(_ s: [UInt8], _ p: [UInt8]) throws -> PatternResult? {
        try withBytes(s) { sb in try withBytes(p) { pb in try next(sb, pb) } }
    }
}

// MARK: - gsub

/// One match handed to a gsub replacement callback. Valid only during the call.
package struct GsubMatch {
    let m: Matcher
    /// Subject range of the whole match.
    package let start: Int
    package let end: Int

    /// Number of values push_captures would pass to a function replacement
    /// (the captures, or 1 for the whole match if there are none).
    package var count: Int { m.level == 0 ? 1 : m.level }

    /// Capture `i` (0-based); capture 0 of a pattern without captures is the whole
    /// match. This is what a table replacement is indexed with.
    /// Throws "unfinished capture" like lua.
    package func capture(_ i: Int) throws -> Capture {
        try m.capture(i, start, end)
    }

    /// All captures for a function replacement.
    package func captures() throws -> [Capture] {
        try m.captures(start, end, wholeIfNone: true)
    }
}

/// add_s: expands a replacement string for the match subject[s..<e].
private func appendReplacement(_ repl: UnsafeBufferPointer<UInt8>, _ m: Matcher, _ subj: UnsafeBufferPointer<UInt8>,
                               _ s: Int, _ e: Int, into out: inout [UInt8]) throws {
    let n = repl.count
    var i = 0
    var chunk = 0
    while i < n {
        if repl[i] != escByteP { i += 1; continue }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: repl[chunk..<i]))
        i += 1
        let c: UInt8 = i < n ? repl[i] : 0
        if c == escByteP {
            out.append(escByteP)
        } else if c == UInt8(ascii: "0") {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: subj[s..<e]))
        } else if isDigit(c) {
            switch try m.capture(Int(c) - 49, s, e) {
            case .range(let a, let b): out.append(contentsOf: UnsafeBufferPointer(rebasing: subj[a..<b]))
            case .position(let pos): appendInt(Int64(pos) + 1, to: &out)
            }
        } else {
            throw LuaTextError("invalid use of '%' in replacement string")
        }
        i += 1
        chunk = i
    }
    if chunk < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: repl[chunk..<n])) }
}

private let escByteP = UInt8(ascii: "%")

/// Shared gsub driver; `add` appends the replacement of one match.
private func gsubDriver(_ s: UnsafeBufferPointer<UInt8>, _ pIn: UnsafeBufferPointer<UInt8>, maxN: Int64?,
                        _ add: (Matcher, Int, Int, inout [UInt8]) throws -> Void) throws -> (result: [UInt8], count: Int64) {
    let ls = s.count
    let maxS = maxN ?? Int64(ls) + 1
    let (p, anchor) = splitAnchor(pIn)
    var out: [UInt8] = []
    out.reserveCapacity(ls)
    var n: Int64 = 0
    try withMatcher(s, p) { m in
        let lit = anchor ? nil : leadingLiteral(m)
        var src = 0
        var lastMatch = -1
        while n < maxS {
            if let c = lit, src < ls, s[src] != c {
                // positions without the leading literal cannot match: copy them
                let next = scanTo(c, s, from: src)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: s[src..<next]))
                src = next
            }
            m.reset()
            let e = try m.match(src, 0)
            if e != -1 && e != lastMatch {
                n += 1
                try add(m, src, e, &out)
                src = e
                lastMatch = e
            } else if src < ls {
                out.append(s[src])
                src += 1
            } else {
                break
            }
            if anchor { break }
        }
        if src < ls { out.append(contentsOf: UnsafeBufferPointer(rebasing: s[src...])) }
    }
    return (out, n)
}

/// string.gsub(s, pattern, replString [, n]) with a string (or number converted to
/// string by the VM) replacement. Returns the new string and the match count.
package func luaGsub(_ s: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>,
                     replacement: UnsafeBufferPointer<UInt8>, maxReplacements: Int64? = nil) throws -> (result: [UInt8], count: Int64) {
    let simple = !replacement.contains(escByteP)
    return try gsubDriver(s, pattern, maxN: maxReplacements) { m, st, e, out in
        if simple {
            out.append(contentsOf: replacement)
        } else {
            try appendReplacement(replacement, m, s, st, e, into: &out)
        }
    }
}

/// string.gsub with a function or table replacement. `replace` receives the match
/// and returns the replacement bytes, or nil to keep the original text (the VM
/// maps false/nil to nil, converts numbers to strings, and raises
/// "invalid replacement value (a %s)" for other types).
package func luaGsub(_ s: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>,
                     maxReplacements: Int64? = nil,
                     replace: (GsubMatch) throws -> [UInt8]?) throws -> (result: [UInt8], count: Int64) {
    try gsubDriver(s, pattern, maxN: maxReplacements) { m, st, e, out in
        if let r = try replace(GsubMatch(m: m, start: st, end: e)) {
            out.append(contentsOf: r)
        } else {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: s[st..<e]))
        }
    }
}

package func luaGsub(_ s: [UInt8], _ pattern: [UInt8], replacement: [UInt8],
                     maxReplacements: Int64? = nil) throws -> (result: [UInt8], count: Int64) {
    try withBytes(s) { sb in
        try withBytes(pattern) { pb in
            try withBytes(replacement) { rb in
                try luaGsub(sb, pb, replacement: rb, maxReplacements: maxReplacements)
            }
        }
    }
}

package func luaGsub(_ s: [UInt8], _ pattern: [UInt8], maxReplacements: Int64? = nil,
                     replace: (GsubMatch) throws -> [UInt8]?) throws -> (result: [UInt8], count: Int64) {
    try withBytes(s) { sb in
        try withBytes(pattern) { pb in
            try luaGsub(sb, pb, maxReplacements: maxReplacements, replace: replace)
        }
    }
}
