/*
 * backends/lib/xenbus.c: backend-side xenbus helpers over libxenstore.
 * Owns nothing long-lived (the xs_handle is the caller's).  Trust
 * boundary: values under a frontend's directory are written by the guest;
 * every number is parsed strictly and every string bounded here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenbus.h"

int
be_xenbus_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*s - '0'), &v))
			return -ERANGE;
	}
	*out = v;
	return 0;
}

int
be_xenbus_parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;
	int rc = be_xenbus_parse_u64(s, &v);

	if (rc)
		return rc;
	if (v > UINT32_MAX)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

/* Parse one decimal path component ending at '/' or NUL. */
static int
be_xenbus_component(const char **p, uint32_t *out)
{
	char buf[16];
	size_t n = strcspn(*p, "/");

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, *p, n);
	buf[n] = '\0';
	*p += n;
	return be_xenbus_parse_u32(buf, out);
}

int
be_xenbus_parse_backend_path(const char *path, const char *type,
			     uint32_t *domid, uint32_t *devid,
			     const char **rest)
{
	static const char prefix[] = "/local/domain/0/backend/";
	size_t tlen = strlen(type);
	const char *p = path;

	if (strncmp(p, prefix, sizeof(prefix) - 1))
		return -EINVAL;
	p += sizeof(prefix) - 1;
	if (strncmp(p, type, tlen) || p[tlen] != '/')
		return -EINVAL;
	p += tlen + 1;
	if (be_xenbus_component(&p, domid) || *p != '/')
		return -EINVAL;
	p++;
	if (be_xenbus_component(&p, devid))
		return -EINVAL;
	if (*p != '\0' && *p != '/')
		return -EINVAL;
	if (rest)
		*rest = p;
	return 0;
}

static int
be_xs_path(char *buf, size_t cap, const char *dir, const char *key)
{
	int n = snprintf(buf, cap, "%s/%s", dir, key);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int
be_xs_read(struct xs_handle *xs, const char *dir, const char *key, char *buf,
	   size_t cap)
{
	char path[BE_XS_PATH_MAX];
	unsigned int len = 0;
	char *v;
	int rc;

	rc = be_xs_path(path, sizeof(path), dir, key);
	if (rc)
		return rc;
	errno = 0;
	v = xs_read(xs, XBT_NULL, path, &len);
	if (!v)
		return errno ? -errno : -ENOENT;
	rc = 0;
	if (len >= cap || strlen(v) != len)
		rc = len >= cap ? -E2BIG : -EINVAL;
	else
		memcpy(buf, v, (size_t)len + 1);
	free(v);
	return rc;
}

int
be_xs_read_u64(struct xs_handle *xs, const char *dir, const char *key,
	       uint64_t *out)
{
	char buf[32];
	int rc = be_xs_read(xs, dir, key, buf, sizeof(buf));

	if (rc == -E2BIG)
		return -ERANGE;
	return rc ? rc : be_xenbus_parse_u64(buf, out);
}

int
be_xs_read_u32(struct xs_handle *xs, const char *dir, const char *key,
	       uint32_t *out)
{
	uint64_t v;
	int rc = be_xs_read_u64(xs, dir, key, &v);

	if (rc)
		return rc;
	if (v > UINT32_MAX)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

bool
be_xs_read_bool(struct xs_handle *xs, const char *dir, const char *key,
		bool def)
{
	uint64_t v;

	if (be_xs_read_u64(xs, dir, key, &v))
		return def;
	return v != 0;
}

int
be_xs_printf(struct xs_handle *xs, xs_transaction_t t, const char *dir,
	     const char *key, const char *fmt, ...)
{
	char path[BE_XS_PATH_MAX], val[BE_XS_VALUE_MAX];
	va_list ap;
	int n, rc;

	rc = be_xs_path(path, sizeof(path), dir, key);
	if (rc)
		return rc;
	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(val))
		return -E2BIG;
	errno = 0;
	if (!xs_write(xs, t, path, val, (unsigned int)n))
		return errno ? -errno : -EIO;
	return 0;
}

enum xenbus_state
be_xenbus_read_state(struct xs_handle *xs, const char *dir)
{
	uint32_t v;

	if (be_xs_read_u32(xs, dir, "state", &v) || v > XenbusStateReconfigured)
		return XenbusStateUnknown;
	return (enum xenbus_state)v;
}

/* One attempt at switching state: inside a transaction, so that a
 * device directory the toolstack removed (domain gone, device detached)
 * is never re-created by a late switch to Closing or Closed. */
static int
be_xenbus_switch_once(struct xs_handle *xs, const char *dir,
		      enum xenbus_state state)
{
	char path[BE_XS_PATH_MAX];
	unsigned int len;
	xs_transaction_t t;
	void *cur;
	int rc;

	if (snprintf(path, sizeof(path), "%s/state", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	t = xs_transaction_start(xs);
	if (t == XBT_NULL)
		return errno ? -errno : -EIO;
	cur = xs_read(xs, t, path, &len);
	if (!cur) {
		xs_transaction_end(xs, t, true);
		return -ENOENT;
	}
	free(cur);
	rc = be_xs_printf(xs, t, dir, "state", "%d", (int)state);
	if (rc) {
		xs_transaction_end(xs, t, true);
		return rc;
	}
	errno = 0;
	if (!xs_transaction_end(xs, t, false))
		return errno ? -errno : -EIO;
	return 0;
}

int
be_xenbus_switch_state(struct xs_handle *xs, const char *dir,
		       enum xenbus_state state)
{
	int rc;

	for (int tries = 0; tries < 16; tries++) {
		rc = be_xenbus_switch_once(xs, dir, state);
		if (rc != -EAGAIN)
			return rc;
	}
	return rc;
}

const char *
be_xenbus_state_name(enum xenbus_state state)
{
	static const char *const names[] = {
		"Unknown",     "Initialising",	"InitWait",
		"Initialised", "Connected",	"Closing",
		"Closed",      "Reconfiguring", "Reconfigured",
	};

	if ((unsigned)state >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[state];
}
