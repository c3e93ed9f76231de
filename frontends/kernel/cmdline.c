/*
 * kernel/cmdline.c: lookups in the kernel command line.  The line is
 * untrusted text from the toolstack; all scans are bounded by
 * GK_CMDLINE_MAX and by the caller's buffer.
 */
#include "gk/cmdline.h"
#include "gk/errno.h"
#include "gk/string.h"

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Find key as a whole word ("key" or "key=...") and return a pointer to its
 * value ("" for a bare key), or NULL.  The last occurrence wins. */
static const char *
find_value(const char *cmdline, const char *key, size_t *vlen)
{
	size_t klen = strlen(key);
	size_t len = strnlen(cmdline, GK_CMDLINE_MAX);
	const char *found = 0;
	size_t i = 0;

	if (klen == 0)
		return 0;
	while (i < len) {
		size_t start, end;

		while (i < len && is_space(cmdline[i]))
			i++;
		start = i;
		while (i < len && !is_space(cmdline[i]))
			i++;
		end = i;
		if (end - start < klen ||
		    memcmp(cmdline + start, key, klen) != 0)
			continue;
		if (end - start == klen) {
			found = cmdline + end;
			*vlen = 0;
		} else if (cmdline[start + klen] == '=') {
			found = cmdline + start + klen + 1;
			*vlen = end - start - klen - 1;
		}
	}
	return found;
}

int
gk_cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
	size_t vlen = 0;
	const char *v = find_value(cmdline, key, &vlen);

	if (!v)
		return -ENOENT;
	if (vlen + 1 > size)
		return -ENAMETOOLONG;
	memcpy(buf, v, vlen);
	buf[vlen] = '\0';
	return 0;
}

int
gk_parse_u64(const char *s, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (__builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, d, &v))
			return -ERANGE;
	}
	*out = v;
	return 0;
}

int
gk_cmdline_get_u64(const char *cmdline, const char *key, uint64_t *out)
{
	char buf[32];
	int rc = gk_cmdline_get(cmdline, key, buf, sizeof(buf));

	if (rc == -ENAMETOOLONG)
		return -ERANGE;
	if (rc < 0)
		return rc;
	return gk_parse_u64(buf, out);
}
