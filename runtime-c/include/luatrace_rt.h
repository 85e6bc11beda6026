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
 * - Table array part: slots 1..asize live in array[0..asize-1]. The hash part has nodecap
 *   nodes (a power of two, or 0 for "no hash part"): lua 5.4's chained scatter table with
 *   Brent's variation. A key is found by starting at its main position and following the
 *   nodes' `next` offsets; a node with a nil key is free, a node with a key and a nil value
 *   is a dead entry (its key stays until the next rehash, or until a new key whose main
 *   position it is takes it over). alimit is lua's hint for '#' (see lt_tab_len).
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
/* A hash node: the key is split into payload and a 32-bit tag so that the chain offset fits
   in the same 32 bytes. */
typedef struct LTNode {
    LTValue val;
    LTPayload keyu;
    uint32_t keytt;             /* LT_T* of the key; LT_TNIL = free node; LT_TDEADKEY below */
    int32_t next;               /* offset to the next node of the chain (0 = end) */
} LTNode;

/* Tag of a node key whose object was collected (weak tables): it keeps its pointer, so that a
   traversal can still find it with `next`, but no lookup matches it. */
#define LT_TDEADKEY      14

/* flags bit i set = metamethod i known to be absent (cache, like Lua's) */
typedef struct LTTable {
    LTGCHeader hdr;             /* hdr.flags = metamethod-absence cache */
    uint32_t asize;             /* array part size (the real size) */
    uint32_t alimit;            /* lua's 'alimit': a hint for '#', <= asize (see lt_tab_len) */
    LTValue *array;
    LTNode *node;
    uint32_t nodecap;           /* hash part size (power of two, or 0: no hash part) */
    uint32_t lastfree;          /* free nodes are searched for below this index */
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
 * The Swift side calls these same functions, so the lookup scheme is defined only here
 * (insertion and rehashing are in Table+Hash.swift / Table+Resize.swift). */

/* Main position of an integer key in a hash part of cap (> 0) nodes (lua's hashint). */
static inline uint32_t lt_tab_mpint(uint32_t cap, int64_t key) {
    uint64_t u = (uint64_t)key;
    uint32_t m = (cap - 1) | 1;
    if (u <= 0x7fffffffu) return (uint32_t)u % m;
    return (uint32_t)(u % m);
}

/* Hash-part lookup of an integer key: the node's value (nil for a dead entry), NULL if absent. */
static inline LTValue *lt_tab_hash_getint(LTTable *t, int64_t key) {
    uint32_t cap = t->nodecap;
    if (cap == 0) return 0;
    LTNode *n = &t->node[lt_tab_mpint(cap, key)];
    for (;;) {
        if (n->keytt == LT_TINT && n->keyu.i == key) return &n->val;
        if (n->next == 0) return 0;
        n += n->next;
    }
}

/* t[key] for an integer key, as lua's luaH_getint: an array slot above alimit raises alimit
   to the key (later '#' results depend on it). NULL if absent. */
static inline LTValue *lt_tab_getint(LTTable *t, int64_t key) {
    uint64_t ix = (uint64_t)key - 1;
    if (ix < t->alimit) return &t->array[ix];
    if (ix < t->asize) { t->alimit = (uint32_t)key; return &t->array[ix]; }
    return lt_tab_hash_getint(t, key);
}

/* Lookup of an interned short string key: the node's value (nil for a dead entry), NULL if
   absent. */
static inline LTValue *lt_tab_getshortstr(LTTable *t, LTString *key) {
    uint32_t cap = t->nodecap;
    if (cap == 0) return 0;
    LTNode *n = &t->node[lt_str_hash(key) & (cap - 1)];
    for (;;) {
        if (n->keyu.p == (void *)key && n->keytt == LT_TSTRING) return &n->val;
        if (n->next == 0) return 0;
        n += n->next;
    }
}

/* Index of the node holding short string `key` (live or dead), or -1: traces guard on it.
   (val is a node's first field, so the value's address is its node's.) */
static inline int64_t lt_tab_nodeindex_shortstr(LTTable *t, LTString *key) {
    LTValue *v = lt_tab_getshortstr(t, key);
    return v ? (int64_t)((LTNode *)v - t->node) : -1;
}

static inline int lt_isnil_at(LTValue *v) { return v == 0 || v->tt == LT_TNIL; }

static inline int lt_ispow2(uint64_t x) { return (x & (x - 1)) == 0; }

/* A border in array[i..j) given array[i-1] non-nil (or i == 0) and array[j-1] nil. */
static inline uint32_t lt_tab_binsearch(LTValue *arr, uint32_t i, uint32_t j) {
    while (j - i > 1u) {
        uint32_t m = (i + j) / 2;
        if (arr[m - 1].tt == LT_TNIL) j = m; else i = m;
    }
    return i;
}

/* A border beyond a full array part of size j (t[j + 1] is present): doubling, then binary
   search, with full lookups (lua's hash_search). */
static inline int64_t lt_tab_hash_search(LTTable *t, uint64_t j) {
    uint64_t i;
    if (j == 0) j = 1;
    do {
        i = j;
        if (j <= (uint64_t)INT64_MAX / 2) {
            j *= 2;
        } else {
            j = (uint64_t)INT64_MAX;
            if (lt_isnil_at(lt_tab_hash_getint(t, (int64_t)j))) break;
            return (int64_t)j;
        }
    } while (!lt_isnil_at(lt_tab_hash_getint(t, (int64_t)j)));
    while (j - i > 1u) {
        uint64_t m = (i + j) / 2;
        if (lt_isnil_at(lt_tab_hash_getint(t, (int64_t)m))) j = m; else i = m;
    }
    return (int64_t)i;
}

/* A border of the table (`#t` without __len): lua 5.4's luaH_getn, alimit updates included,
   so that the border chosen for a table with holes is lua's. alimit < asize only when asize
   is a power of two and alimit > asize / 2. */
static inline int64_t lt_tab_len(LTTable *t) {
    uint32_t limit = t->alimit, asize = t->asize;
    LTValue *arr = t->array;
    if (limit > 0 && arr[limit - 1].tt == LT_TNIL) {
        /* a border before limit */
        if (limit >= 2 && arr[limit - 2].tt != LT_TNIL) {
            if (lt_ispow2(asize) && !lt_ispow2(limit - 1)) t->alimit = limit - 1;
            return limit - 1;
        }
        uint32_t border = lt_tab_binsearch(arr, 0, limit);
        if (lt_ispow2(asize) && border > asize / 2) t->alimit = border;
        return border;
    }
    if (limit != asize) {
        /* t[limit] present (or limit == 0 ...) and the array goes on */
        if (arr[limit].tt == LT_TNIL) return limit;
        limit = asize;
        if (arr[limit - 1].tt == LT_TNIL) {
            uint32_t border = lt_tab_binsearch(arr, t->alimit, limit);
            t->alimit = border;
            return border;
        }
        t->alimit = limit;
    }
    if (t->nodecap == 0 || lt_isnil_at(lt_tab_hash_getint(t, (int64_t)limit + 1))) return limit;
    return lt_tab_hash_search(t, limit);
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
