/*
 * kernel/xenbus_keys.c: reading and writing one key under a device
 * directory ("dir/key"), the form every frontend's handshake uses.
 * Values from xenstore are the daemon's and may be hostile: numbers are
 * parsed strictly (xenbus_u32_parse), paths and values are bounded.
 */
#include <stdarg.h>
#include <stdint.h>

#include "gk/errno.h"
#include "gk/printf.h"
#include "gk/xenbus.h"

#define XENBUS_KEY_PATH_MAX  256
#define XENBUS_KEY_VALUE_MAX 128

static int
xenbus_key_path(char *path, const char *dir, const char *key)
{
	int n = gk_snprintf(path, XENBUS_KEY_PATH_MAX, "%s/%s", dir, key);

	return n < 0 || n >= XENBUS_KEY_PATH_MAX ? -ENAMETOOLONG : 0;
}

int
xenbus_read_u32(uint32_t tx, const char *dir, const char *key, uint32_t *v)
{
	char path[XENBUS_KEY_PATH_MAX], buf[32];
	int rc = xenbus_key_path(path, dir, key);

	if (rc == 0)
		rc = xenbus_read(tx, path, buf, sizeof(buf), 0);
	if (rc < 0)
		return rc;
	return xenbus_u32_parse(buf, v);
}

int
xenbus_printf(uint32_t tx, const char *dir, const char *key, const char *fmt,
	      ...)
{
	char path[XENBUS_KEY_PATH_MAX], val[XENBUS_KEY_VALUE_MAX];
	va_list ap;
	int n, rc = xenbus_key_path(path, dir, key);

	if (rc < 0)
		return rc;
	va_start(ap, fmt);
	n = gk_vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(val))
		return -E2BIG;
	return xenbus_write(tx, path, val);
}
