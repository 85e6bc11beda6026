/* Compiled part of the shared runtime layout. The header is the contract; this file exports its
 * text so the JIT can paste exactly the same declarations into every trace it compiles. */
#include "luatrace_rt.h"
#include "luatrace_embed.h"

#pragma clang diagnostic ignored "-Wc23-extensions"
static const char lt_rt_header_text[] = {
#embed "include/luatrace_rt.h"
    , 0
};

int lt_rt_layout_version(void) { return 1; }

const char *lt_rt_header(void) { return lt_rt_header_text; }
