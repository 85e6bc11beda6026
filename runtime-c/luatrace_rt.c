/* Compiled part of the shared runtime layout (the header is the contract; this file only
 * exists so SwiftPM builds the C target and can export the header text to the JIT). */
#include "luatrace_rt.h"

int lt_rt_layout_version(void) { return 1; }
