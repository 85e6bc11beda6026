/*
 * luatrace_rt.h — the one data layout shared by the Swift runtime and generated trace C.
 *
 * Everything a compiled trace reads or writes directly (values, the value stack, tables,
 * strings, closures, upvalues, call frames) is declared here and only here. Swift imports this
 * header through the CLuaRuntime module; the JIT pastes the same text into every trace it
 * compiles with libtcc (see lt_rt_header_text), so the two can never disagree.
 *
 * Invariants
 * - LTValue is 16 bytes: an 8-byte payload and an 8-byte tag. Tags are ordered so that
 *   "falsy" is tt <= LT_TFALSE and "collectable" is tt >= LT_TSTRING.
 * - Every collectable object starts with LTGCHeader and lives in the runtime's GC heap
 *   (allocated with malloc, linked through gcnext, freed only by the collector).
 * - Table array part: slots 1..asize live in array[0..asize-1]. The hash part has
 *   2^lsizenode nodes (or is the shared dummy with nodecap 0), open addressing with linear
 *   probing; a node with a nil key is empty, a node with a non-nil key and nil value is a
 *   dead entry that keeps probe chains intact until the next rehash.
 * - Integer-valued float keys are normalised to integer keys before any table access.
 * - Open upvalues point into a thread's stack; when a stack is reallocated the runtime walks
 *   the open-upvalue list and rebases every pointer.
 */
#ifndef LUATRACE_RT_H
#define LUATRACE_RT_H

#if defined(__TINYC__) && defined(LT_TRACE_PRELUDE)
/* Inside generated trace code (compiled by libtcc) the system headers are not parsed: they
   took about 1 ms of every trace's ~1.2 ms compile time. The few types used here instead
   (LP64: the same sizes as <stdint.h>'s). */
typedef signed char int8_t;
typedef unsigned char uint8_t;
typedef short int16_t;
typedef unsigned short uint16_t;
typedef int int32_t;
typedef unsigned int uint32_t;
typedef long int64_t;
typedef unsigned long uint64_t;
typedef long intptr_t;
typedef unsigned long uintptr_t;
typedef unsigned long size_t;
#define INT64_MAX 0x7fffffffffffffffL
#define NULL ((void *)0)
#else
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#endif

/* ---- value tags ------------------------------------------------------------------------- */
#define LT_TNIL          0
#define LT_TFALSE        1
#define LT_TTRUE         2
#define LT_TINT          3
#define LT_TFLOAT        4
#define LT_TLIGHTUD      5
#define LT_TSTRING       6  /* first collectable tag */
#define LT_TTABLE        7
#define LT_TLCL          8  /* Lua closure */
#define LT_TNATIVE       9  /* native (Swift) function */
#define LT_TUSERDATA     10
#define LT_TTHREAD       11
#define LT_TPROTO        12  /* only as a heap object, never as a value */
#define LT_TUPVAL        13  /* only as a heap object, never as a value */

typedef union LTPayload {
    int64_t i;
    double n;
    void *p;
} LTPayload;

typedef struct LTValue {
    LTPayload u;
    uint64_t tt;
} LTValue;

/* ---- GC header -------------------------------------------------------------------------- */
typedef struct LTGCHeader {
    struct LTGCHeader *gcnext;  /* all-objects list */
    uint8_t tt;                 /* LT_T* of the object */
    uint8_t marked;             /* mark bit for the current cycle */
    uint8_t flags;              /* per-type flags */
    uint8_t pad;
    uint32_t extra;             /* per-type small field */
} LTGCHeader;

/* ---- strings ---------------------------------------------------------------------------- */
/* Short strings (len <= LT_MAXSHORTLEN) are interned: equal short strings are the same
 * object. Long strings compare by content; their hash is computed lazily (flags bit 0). */
#define LT_MAXSHORTLEN 40

typedef struct LTString {
    LTGCHeader hdr;             /* hdr.extra = hash, hdr.pad = 1 for a short (interned) string */
    int64_t len;
    struct LTString *hnext;     /* intern-table chain (short strings) */
    /* followed by len bytes of data and a terminating NUL */
} LTString;

static inline uint32_t lt_str_hash(const LTString *s) { return s->hdr.extra; }
static inline int lt_str_isshort(const LTString *s) { return s->hdr.pad; }

static inline char *lt_str_data(LTString *s) { return (char *)(s + 1); }

/* ---- upvalues --------------------------------------------------------------------------- */
typedef struct LTUpVal {
    LTGCHeader hdr;
    LTValue *v;                 /* points to the stack slot while open, to `closed` after */
    LTValue closed;
    struct LTUpVal *opennext;   /* open list of its thread, sorted by stack level, highest first */
} LTUpVal;

/* ---- function prototypes ---------------------------------------------------------------- */
typedef struct LTUpvalDesc {
    uint8_t instack;
    uint8_t idx;
    uint8_t kind;
    uint8_t pad;
} LTUpvalDesc;

typedef struct LTProto {
    LTGCHeader hdr;
    uint32_t *code;
    LTValue *k;
    struct LTProto **p;
    LTUpvalDesc *upvals;
    int32_t *lineinfo;
    int32_t ncode, nk, np, nupvals;
    uint8_t numparams, isvararg, maxstacksize, pad;
    int32_t linedefined, lastlinedefined;
    LTString *source;
    int32_t id;                 /* index into the runtime's per-proto side table (debug info) */
    uint16_t *hotcounts;        /* per-instruction back-edge counters for the JIT (may be NULL) */
    void **traces;              /* per-instruction compiled trace (may be NULL) */
} LTProto;

/* ---- closures --------------------------------------------------------------------------- */
typedef struct LTLClosure {
    LTGCHeader hdr;             /* hdr.extra = number of upvalues */
    LTProto *p;
    /* followed by hdr.extra pointers to LTUpVal */
} LTLClosure;

static inline LTUpVal **lt_lcl_upvals(LTLClosure *c) { return (LTUpVal **)(c + 1); }

typedef struct LTNative {
    LTGCHeader hdr;             /* hdr.extra = number of upvalues (values) */
    int64_t fnid;               /* index into the runtime's native function table */
    LTString *name;             /* for diagnostics; may be NULL */
    /* followed by hdr.extra LTValue upvalues */
} LTNative;

static inline LTValue *lt_native_upvals(LTNative *c) { return (LTValue *)(c + 1); }

/* ---- tables ----------------------------------------------------------------------------- */
typedef struct LTNode {
    LTValue val;
    LTValue key;
} LTNode;

/* flags bit i set = metamethod i known to be absent (cache, like Lua's) */
typedef struct LTTable {
    LTGCHeader hdr;             /* hdr.flags = metamethod-absence cache */
    uint32_t asize;             /* array part size */
    uint32_t nodecap;           /* hash part capacity (power of two, or 0) */
    LTValue *array;
    LTNode *node;
    uint32_t nodeused;          /* nodes with non-nil keys (incl. dead) */
    uint32_t lenhint;           /* cache for '#': a recent border inside the array part */
    struct LTTable *metatable;
} LTTable;

/* ---- userdata --------------------------------------------------------------------------- */
typedef struct LTUserdata {
    LTGCHeader hdr;
    LTTable *metatable;
    int64_t len;
    LTValue uservalue;
    void *swiftref;             /* opaque host object handle (index into a side table) */
    /* followed by len bytes */
} LTUserdata;

/* ---- call frames ------------------------------------------------------------------------ */
#define LT_CIST_LUA      1  /* a Lua function frame */
#define LT_CIST_FRESH    2  /* returning from it returns to the native caller */
#define LT_CIST_PCALL    4  /* protected call boundary (pcall/xpcall) */
#define LT_CIST_XPCALL   8  /* ... with a message handler below the function */
#define LT_CIST_TAIL     16  /* reached by a tail call */
#define LT_CIST_HOOKED   32
#define LT_CIST_CLSRET   64  /* closing tbc variables while returning */
#define LT_CIST_FIN      128
#define LT_CIST_FINISHOP 256  /* metamethod called by an instruction; a resume after a yield
                                 inside it finishes that instruction (lua's luaV_finishOp) */

typedef struct LTCallInfo {
    int64_t func;               /* stack index of the function slot */
    int64_t top;                /* stack index just past this frame's registers */
    const uint32_t *savedpc;    /* Lua frames: next instruction to run */
    int32_t nresults;           /* wanted results, -1 = all */
    int32_t callstatus;         /* LT_CIST_* */
    int32_t nextraargs;         /* vararg functions: number of extra arguments */
    int32_t extra;              /* pcall: saved state; free for other uses */
} LTCallInfo;

/* ---- threads (coroutines) --------------------------------------------------------------- */
typedef struct LTThread {
    LTGCHeader hdr;
    LTValue *stack;             /* stack[0 .. stacksize-1] */
    int64_t stacksize;
    int64_t top;                /* first free slot */
    LTCallInfo *ci;             /* frames[0 .. nci-1]; frames[nci-1] is current */
    int64_t nci;
    int64_t cisize;
    LTUpVal *openupval;
    int32_t status;             /* 0 ok/suspended-or-running, see runtime */
    int32_t nny;                /* number of non-yieldable calls in the way */
    int64_t swiftid;            /* host-side handle */
} LTThread;

/* ---- helpers usable from both sides ----------------------------------------------------- */
static inline int lt_isfalsy(const LTValue *v) { return v->tt <= LT_TFALSE; }
static inline int lt_iscollectable(uint64_t tt) { return tt >= LT_TSTRING; }

/* Loads a value as two 8-byte halves into general registers. Values are mostly written as
   payload and tag separately; a 16-byte load of a value just written that way cannot be
   store-forwarded (a stall of about a dozen cycles), and compilers merge a plain pair of 8-byte
   loads into one 16-byte load: the empty asm keeps the halves apart. */
static inline LTValue lt_loadval(const LTValue *s) {
    int64_t lo = s->u.i;
    uint64_t hi = s->tt;
    __asm__("" : "+r"(lo), "+r"(hi));
    LTValue v;
    v.u.i = lo;
    v.tt = hi;
    return v;
}

/* Copies a value the same way (for copies of values an instruction has likely just written). */
static inline void lt_copyval(LTValue *d, const LTValue *s) { *d = lt_loadval(s); }

/* A hint to load the cache line at p (the GC's sweep walks a linked list of cold objects). */
static inline void lt_prefetch(const void *p) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p);
#endif
}

/* ---- Lua 5.4 integer arithmetic shared by the interpreter and traces --------------------- */
/* Floor division; the caller guarantees b != 0. */
static inline int64_t lt_idiv(int64_t a, int64_t b) {
    if (b == -1) return (int64_t)(0 - (uint64_t)a);
    int64_t q = a / b;
    if ((a % b != 0) && ((a ^ b) < 0)) q -= 1;
    return q;
}

/* Modulo with the sign of the divisor; the caller guarantees b != 0. */
static inline int64_t lt_imod(int64_t a, int64_t b) {
    if (b == -1) return 0;
    int64_t r = a % b;
    if (r != 0 && (r ^ b) < 0) r += b;
    return r;
}

/* Lua's shift: n > 0 shifts left, n < 0 shifts right (logical); |n| >= 64 gives 0. */
static inline int64_t lt_shl(int64_t x, int64_t n) {
    if (n <= -64 || n >= 64) return 0;
    if (n >= 0) return (int64_t)((uint64_t)x << n);
    return (int64_t)((uint64_t)x >> (-n));
}

/* ---- table reads shared by the Swift runtime and traces ---------------------------------
 * The Swift side calls these same functions, so the probing scheme is defined only here. */
static inline uint64_t lt_mix_int(uint64_t x) {
    x *= 0x9E3779B97F4A7C15ULL;
    x ^= x >> 29;
    return x;
}

/* Hash-part lookup of an integer key; NULL if absent. */
static inline LTValue *lt_tab_hash_getint(LTTable *t, int64_t key) {
    uint32_t cap = t->nodecap;
    if (cap == 0) return 0;
    uint64_t mask = cap - 1, i = lt_mix_int((uint64_t)key) & mask;
    LTNode *n = t->node;
    for (;;) {
        if (n[i].key.tt == LT_TINT && n[i].key.u.i == key) return &n[i].val;
        if (n[i].key.tt == LT_TNIL) return 0;
        i = (i + 1) & mask;
    }
}

/* Lookup of an interned short string key; NULL if absent. */
static inline LTValue *lt_tab_getshortstr(LTTable *t, LTString *key) {
    uint32_t cap = t->nodecap;
    if (cap == 0) return 0;
    uint64_t mask = cap - 1, i = lt_str_hash(key) & mask;
    LTNode *n = t->node;
    for (;;) {
        if (n[i].key.u.p == (void *)key && n[i].key.tt == LT_TSTRING) return &n[i].val;
        if (n[i].key.tt == LT_TNIL) return 0;
        i = (i + 1) & mask;
    }
}

/* Index of the node holding short string `key` (or -1): traces guard on it. */
static inline int64_t lt_tab_nodeindex_shortstr(LTTable *t, LTString *key) {
    uint32_t cap = t->nodecap;
    if (cap == 0) return -1;
    uint64_t mask = cap - 1, i = lt_str_hash(key) & mask;
    LTNode *n = t->node;
    for (;;) {
        if (n[i].key.u.p == (void *)key && n[i].key.tt == LT_TSTRING) return (int64_t)i;
        if (n[i].key.tt == LT_TNIL) return -1;
        i = (i + 1) & mask;
    }
}

static inline int lt_isnil_at(LTValue *v) { return v == 0 || v->tt == LT_TNIL; }

/* A border of the table (`#t` without __len). */
static inline int64_t lt_tab_len(LTTable *t) {
    uint64_t asize = t->asize;
    LTValue *arr = t->array;
    if (asize > 0 && arr[asize - 1].tt == LT_TNIL) {
        /* the border found last time, or one past it (a table being appended to), is
           checked first: '#t' stays O(1) in loops doing t[#t + 1] = v */
        uint64_t h = t->lenhint;
        if (h < asize && arr[h].tt == LT_TNIL) {
            if (h == 0 || arr[h - 1].tt != LT_TNIL) return (int64_t)h;
        } else if (h + 1 < asize && arr[h + 1].tt == LT_TNIL) {
            t->lenhint = (uint32_t)(h + 1);
            return (int64_t)(h + 1);
        }
        if (arr[0].tt == LT_TNIL) { t->lenhint = 0; return 0; }
        uint64_t lo = 1, hi = asize;      /* arr[lo-1] non-nil, arr[hi-1] nil */
        while (hi - lo > 1) {
            uint64_t m = (lo + hi) / 2;
            if (arr[m - 1].tt == LT_TNIL) hi = m; else lo = m;
        }
        t->lenhint = (uint32_t)lo;
        return (int64_t)lo;
    }
    if (t->nodecap == 0) return (int64_t)asize;
    int64_t i = (int64_t)asize, j = (int64_t)asize + 1;
    if (lt_isnil_at(lt_tab_hash_getint(t, j))) return i;
    for (;;) {
        LTValue *v = ((uint64_t)(j - 1) < asize) ? &arr[j - 1] : lt_tab_hash_getint(t, j);
        if (lt_isnil_at(v)) break;
        i = j;
        if (j > INT64_MAX / 2) {           /* pathological: linear search */
            int64_t k = 1;
            for (;;) {
                LTValue *w = ((uint64_t)(k - 1) < asize) ? &arr[k - 1] : lt_tab_hash_getint(t, k);
                if (lt_isnil_at(w)) return k - 1;
                k++;
            }
        }
        j *= 2;
    }
    while (j - i > 1) {
        int64_t m = (i + j) / 2;
        LTValue *v = ((uint64_t)(m - 1) < asize) ? &arr[m - 1] : lt_tab_hash_getint(t, m);
        if (lt_isnil_at(v)) j = m; else i = m;
    }
    return i;
}

/* ---- compiled traces ---------------------------------------------------------------------- */
/* What a trace function receives besides the frame base. */
typedef struct LTJitCtx {
    LTThread *L;
    void *vm;                   /* opaque handle passed back to runtime helpers */
    int64_t stackbase;          /* stack index of base[0] at entry */
    int64_t gcdue;              /* set by lt_jit_tnew when a collection is due (GCSTEP exits) */
    LTValue nk, nv;             /* the entry lt_jit_next found (read by NKEY/NVAL) */
} LTJitCtx;

/* int64_t trace_N(LTValue *base, LTJitCtx *ctx): returns the exit number (0 = not entered). */
typedef int64_t (*LTTraceFn)(LTValue *base, LTJitCtx *ctx);

#endif /* LUATRACE_RT_H */
