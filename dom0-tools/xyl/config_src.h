/*
 * dom0-tools/xyl/config_src.h: the sources of one config_parse() call (the
 * file, then the key=value overrides) and typed lookups in them that know
 * which source and line set each key.  Private to config*.c.
 */
#ifndef XYL_CONFIG_SRC_H
#define XYL_CONFIG_SRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <libxlutil.h>

#include "config_keys.h"

#define CONFIG_OVERRIDE_SOURCE "command line"

/*
 * Where values come from while parsing: the file, then the overrides
 * (which win).  Each has its own XLU_Config, so libxlutil's messages name
 * the right source and line ("command line:N" is the N-th override).
 */
struct cfgsrc {
	const char *path;
	FILE *report;
	XLU_Config *file;
	XLU_Config *over; /* NULL without overrides */
	struct config_keys fkeys;
	struct config_keys okeys;
	int nr_errors;
};

/*
 * Read and parse the file at path and the overrides; warn (on report) about
 * keys not in known[].  0, or -errno after reporting (-EINVAL: syntax).
 * config_src_close() is needed in both cases.
 */
int config_src_open(struct cfgsrc *s, const char *path, char *const *ov,
		    int nr_ov, FILE *report, const char *const *known,
		    size_t nr_known);
void config_src_close(struct cfgsrc *s);

/* Is the key set anywhere? */
bool config_src_has(const struct cfgsrc *s, const char *name);

/* One error (counted in nr_errors) or warning about key name, printed as
 * "xyl: <source>:<line>: [warning: ]<name>: <message>". */
void config_src_error(struct cfgsrc *s, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void config_src_warn(struct cfgsrc *s, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Typed lookups of the winning value: 0, -ESRCH if unset, -EINVAL or
 * -ERANGE after libxlutil reported the mismatch (counted), -ENOMEM.
 * config_src_string returns a malloc'd copy; an override "key += v"
 * appends to the file's value, as an extra line after the file would.
 */
int config_src_string(struct cfgsrc *s, const char *name, char **out);
int config_src_long(struct cfgsrc *s, const char *name, long *out);
int config_src_list_len(struct cfgsrc *s, const char *name, int *nr);
/* Item i of a list of strings (the pointer is owned by the config): 0,
 * -ESRCH unset, -ENOENT no item i, -EINVAL not a string. */
int config_src_list_get(struct cfgsrc *s, const char *name, int i,
			const char **out);

#endif
