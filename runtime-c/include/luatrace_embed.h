/* Host-only declarations (not pasted into traces). */
#ifndef LUATRACE_EMBED_H
#define LUATRACE_EMBED_H

/* Returns the full text of luatrace_rt.h, NUL-terminated. */
const char *lt_rt_header(void);
int lt_rt_layout_version(void);
#endif
