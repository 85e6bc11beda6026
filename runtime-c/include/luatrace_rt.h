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

#include <stdint.h>
#include <stddef.h>
#include <string.h>

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
    LTGCHeader hdr;
    int64_t len;
    uint32_t hash;
    uint32_t isshort;
    struct LTString *hnext;     /* intern-table chain (short strings) */
    /* followed by len bytes of data and a terminating NUL */
} LTString;

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
    uint32_t pad;
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

#endif /* LUATRACE_RT_H */
