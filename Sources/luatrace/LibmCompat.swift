// acos, asin and log10 for the statically linked luatrace command (see Package.swift).
//
// For these three functions the shared libm (the one lua5.4 and every dynamically linked
// program get) still has glibc's SVID-compatible wrappers: outside the domain they set errno to
// EDOM and return NAN, which prints as "nan". The static libm.a has only the newer wrappers,
// which return the invalid operation's default NaN, printed "-nan" on x86. These definitions
// replace libm.a's (weak) acos/asin/log10 in the static link, for the interpreter and for the
// traces alike, so luatrace prints what lua5.4 prints; inside the domain they call libm.a's own
// code through its _Float64 names. (In Swift rather than a C target: with a C compile unit's
// debug info in the binary, valgrind 3.19, which benchmarks/instructions.py and
// scripts/link-order.py use, gives up on it.)

#if canImport(Glibc)
import Glibc

@_silgen_name("acosf64") private func libmAcos(_ x: Double) -> Double
@_silgen_name("asinf64") private func libmAsin(_ x: Double) -> Double
@_silgen_name("log10f64") private func libmLog10(_ x: Double) -> Double

@_cdecl("acos") public func compatAcos(_ x: Double) -> Double {
    if x.magnitude > 1 { return domainError() }
    return libmAcos(x)
}

@_cdecl("asin") public func compatAsin(_ x: Double) -> Double {
    if x.magnitude > 1 { return domainError() }
    return libmAsin(x)
}

@_cdecl("log10") public func compatLog10(_ x: Double) -> Double {
    if x <= 0 {
        if x == 0 {
            feraiseexcept(FE_DIVBYZERO)
            errno = ERANGE
            return -.infinity
        }
        return domainError()
    }
    return libmLog10(x)
}

private func domainError() -> Double {
    feraiseexcept(FE_INVALID)
    errno = EDOM
    return .nan
}
#endif
