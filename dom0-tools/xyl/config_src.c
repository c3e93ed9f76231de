/*
 * dom0-tools/xyl/config_src.c: the sources of a config (config_src.h):
 * reading the file (bounded), parsing it and the overrides with
 * libxlutil, finding each key's line, and typed lookups.  Trust boundary:
 * the raw config text; only libxlutil and config_keys.c read it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "config_src.h"

/* The winning assignment of key: its XLU_Config, source name and line. */
struct keyloc {
	XLU_Config *cfg;
	const char *source;
	const struct config_key *key; /* NULL: set nowhere we could see */
	bool in_file_too;	      /* an override with += has a base */
};

static bool
config_src_locate(const struct cfgsrc *s, const char *name, struct keyloc *loc)
{
	const struct config_key *k = NULL;

	if (s->over)
		k = config_keys_last(&s->okeys, name);
	if (k) {
		loc->cfg = s->over;
		loc->source = CONFIG_OVERRIDE_SOURCE;
		loc->key = k;
		loc->in_file_too = config_keys_last(&s->fkeys, name) != NULL;
		return true;
	}
	loc->cfg = s->file;
	loc->source = s->path;
	loc->key = config_keys_last(&s->fkeys, name);
	loc->in_file_too = false;
	return loc->key != NULL;
}

static void
config_src_vreport(struct cfgsrc *s, const char *name, const char *what,
		   const char *fmt, va_list ap)
{
	struct keyloc loc;

	if (config_src_locate(s, name, &loc))
		fprintf(s->report, "xyl: %s:%u: %s%s: ", loc.source,
			loc.key->line, what, name);
	else
		fprintf(s->report, "xyl: %s: %s%s: ", s->path, what, name);
	vfprintf(s->report, fmt, ap);
	fputc('\n', s->report);
}

/* One error about key name, at the line where its winning value is set. */
void
config_src_error(struct cfgsrc *s, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	config_src_vreport(s, name, "", fmt, ap);
	va_end(ap);
	s->nr_errors++;
}

void
config_src_warn(struct cfgsrc *s, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	config_src_vreport(s, name, "warning: ", fmt, ap);
	va_end(ap);
}

/*
 * Look up a string key.  Returns 0 with a malloc'd *out, -ESRCH if unset,
 * -EINVAL (libxlutil reported it) or -ENOMEM.  An override "key += v"
 * appends to the file's value, as it would after the file's lines.
 */
int
config_src_string(struct cfgsrc *s, const char *name, char **out)
{
	const char *base = "", *val;
	struct keyloc loc;
	int e;

	*out = NULL;
	if (!config_src_locate(s, name, &loc))
		return -ESRCH;
	e = xlu_cfg_get_string(loc.cfg, name, &val, 0);
	if (e == 0 && loc.cfg == s->over && loc.key->is_append &&
	    loc.in_file_too)
		e = xlu_cfg_get_string(s->file, name, &base, 0);
	if (e) {
		s->nr_errors++;
		return -e;
	}
	if (asprintf(out, "%s%s", base, val) < 0) {
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* A number key: 0, -ESRCH if unset, -EINVAL/-ERANGE (reported). */
int
config_src_long(struct cfgsrc *s, const char *name, long *out)
{
	struct keyloc loc;
	int e;

	if (!config_src_locate(s, name, &loc))
		return -ESRCH;
	e = xlu_cfg_get_long(loc.cfg, name, out, 0);
	if (e)
		s->nr_errors++;
	return -e;
}

/* A list key's length: 0, -ESRCH if unset, -EINVAL (reported). */
int
config_src_list_len(struct cfgsrc *s, const char *name, int *nr)
{
	XLU_ConfigList *list;
	struct keyloc loc;
	int e, base = 0;

	if (!config_src_locate(s, name, &loc))
		return -ESRCH;
	e = xlu_cfg_get_list(loc.cfg, name, &list, nr, 0);
	if (e == 0 && loc.cfg == s->over && loc.key->is_append &&
	    loc.in_file_too)
		e = xlu_cfg_get_list(s->file, name, &list, &base, 0);
	if (e)
		s->nr_errors++;
	*nr += base;
	return -e;
}

int
config_src_list_get(struct cfgsrc *s, const char *name, int i, const char **out)
{
	XLU_ConfigList *list;
	struct keyloc loc;
	int nr = 0, base = 0;

	if (!config_src_locate(s, name, &loc))
		return -ESRCH;
	/* "disk += [...]" in an override: the file's items come first. */
	if (loc.cfg == s->over && loc.key->is_append && loc.in_file_too) {
		if (xlu_cfg_get_list(s->file, name, &list, &base, 0))
			return -EINVAL;
		if (i < base) {
			*out = xlu_cfg_get_listitem(list, i);
			return *out ? 0 : -EINVAL;
		}
		i -= base;
	}
	if (xlu_cfg_get_list(loc.cfg, name, &list, &nr, 0))
		return -EINVAL;
	if (i < 0 || i >= nr)
		return -ENOENT;
	*out = xlu_cfg_get_listitem(list, i);
	return *out ? 0 : -EINVAL;
}

/* ---- reading the sources ---- */

static int
read_file(const char *path, FILE *report, char **text, size_t *len)
{
	struct stat st;
	ssize_t n;
	int fd, r = 0;

	*text = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	if (st.st_size > CONFIG_FILE_MAX_BYTES) {
		r = -EFBIG;
		goto out;
	}
	*text = malloc((size_t)st.st_size + 1);
	if (!*text) {
		r = -ENOMEM;
		goto out;
	}
	n = read(fd, *text, (size_t)st.st_size);
	if (n < 0)
		r = -errno;
	*len = n < 0 ? 0 : (size_t)n;
	(*text)[*len] = '\0';
out:
	if (r < 0) {
		fprintf(report, "xyl: %s: %s\n", path, strerror(-r));
		free(*text);
		*text = NULL;
	}
	if (fd >= 0)
		close(fd);
	return r;
}

static int
parse_file(struct cfgsrc *s)
{
	size_t len;
	char *text;
	int r;

	r = read_file(s->path, s->report, &text, &len);
	if (r < 0)
		return r;
	s->file = xlu_cfg_init(s->report, s->path);
	if (!s->file) {
		r = -ENOMEM;
		goto out;
	}
	r = -xlu_cfg_readdata(s->file, text, (int)len);
	if (r == 0)
		r = config_keys_scan(text, len, &s->fkeys);
out:
	free(text);
	return r;
}

/* The overrides become one text, one per line: line N is override N. */
static int
parse_overrides(struct cfgsrc *s, char *const *ov, int nr)
{
	size_t len = 0, off = 0;
	char *text;
	int i, r;

	if (nr <= 0)
		return 0;
	for (i = 0; i < nr; i++) {
		if (strchr(ov[i], '\n')) {
			fprintf(s->report,
				"xyl: %s:%d: an override must be one line\n",
				CONFIG_OVERRIDE_SOURCE, i + 1);
			return -EINVAL;
		}
		len += strlen(ov[i]) + 1;
	}
	text = malloc(len + 1);
	if (!text)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		off += (size_t)sprintf(text + off, "%s\n", ov[i]);
	s->over = xlu_cfg_init(s->report, CONFIG_OVERRIDE_SOURCE);
	r = s->over ? -xlu_cfg_readdata(s->over, text, (int)off) : -ENOMEM;
	if (r == 0)
		r = config_keys_scan(text, off, &s->okeys);
	free(text);
	return r;
}

static void
warn_unknown(struct cfgsrc *s, const struct config_keys *k, const char *src,
	     const char *const *known, size_t nr_known)
{
	size_t i, j;

	for (i = 0; i < k->nr; i++) {
		for (j = 0; j < nr_known; j++)
			if (strcmp(k->v[i].name, known[j]) == 0)
				break;
		if (j == nr_known)
			fprintf(s->report,
				"xyl: %s:%u: warning: unknown key '%s' "
				"ignored\n",
				src, k->v[i].line, k->v[i].name);
	}
}

int
config_src_open(struct cfgsrc *s, const char *path, char *const *ov, int nr_ov,
		FILE *report, const char *const *known, size_t nr_known)
{
	int r;

	memset(s, 0, sizeof(*s));
	s->path = path;
	s->report = report;
	r = parse_file(s);
	if (r == 0)
		r = parse_overrides(s, ov, nr_ov);
	if (r < 0)
		return r;
	warn_unknown(s, &s->fkeys, path, known, nr_known);
	warn_unknown(s, &s->okeys, CONFIG_OVERRIDE_SOURCE, known, nr_known);
	return 0;
}

void
config_src_close(struct cfgsrc *s)
{
	config_keys_free(&s->fkeys);
	config_keys_free(&s->okeys);
	xlu_cfg_destroy(s->file);
	xlu_cfg_destroy(s->over);
	s->file = s->over = NULL;
}

bool
config_src_has(const struct cfgsrc *s, const char *name)
{
	struct keyloc loc;

	return config_src_locate(s, name, &loc);
}
