/*
 * dom0-tools/xyl/config_keys.h: which keys an xl.cfg text assigns and on
 * which line.  libxlutil does not tell a caller where a key was set, nor
 * which keys exist, so xyl scans the text itself (after libxlutil has
 * accepted its syntax) to name lines in semantic errors and to warn about
 * unknown keys.
 */
#ifndef XYL_CONFIG_KEYS_H
#define XYL_CONFIG_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_KEY_MAX 64 /* longer key names are cut (and never match) */

struct config_key {
	char name[CONFIG_KEY_MAX];
	unsigned int line; /* 1-based */
	bool is_append;	   /* "key += value" */
};

/* Every assignment in text order; owned by the caller (config_keys_free). */
struct config_keys {
	struct config_key *v;
	size_t nr;
};

/* Scan text[0..len); 0 or -ENOMEM.  Never fails on odd text: a statement
 * that does not start with "ident =" or "ident +=" is skipped. */
int config_keys_scan(const char *text, size_t len, struct config_keys *out);
void config_keys_free(struct config_keys *k);
/* The last assignment of name (the one libxlutil uses), or NULL. */
const struct config_key *config_keys_last(const struct config_keys *k,
					  const char *name);

#endif
