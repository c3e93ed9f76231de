/*
 * gk/cmdline.h: the kernel command line ("key=value key flag ...", split
 * on spaces and tabs).  The line comes from the toolstack and is treated
 * as untrusted text: every lookup is bounded and a value that does not fit
 * is an error, never a silent cut.
 */
#ifndef GK_CMDLINE_H
#define GK_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#define GK_CMDLINE_MAX 1024

/* Copy the value of key into buf (NUL-terminated).  A bare "key" has the
 * value "".  0; -ENOENT no such key; -ENAMETOOLONG value does not fit. */
int gk_cmdline_get(const char *cmdline, const char *key, char *buf,
		   size_t size);
/* Parse the value of key as an unsigned number (decimal, or hex with 0x).
 * 0; -ENOENT; -EINVAL not a number; -ERANGE overflow. */
int gk_cmdline_get_u64(const char *cmdline, const char *key, uint64_t *out);
/* Parse a whole string as a number, same rules. */
int gk_parse_u64(const char *s, uint64_t *out);

#endif
