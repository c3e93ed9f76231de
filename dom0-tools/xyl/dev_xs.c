/*
 * dom0-tools/xyl/dev_xs.c: the xenstore steps shared by vbd and vif
 * attach/detach (libxl_device.c's pattern, xenstore-xl-conventions.md):
 * node writes, permissioned directories, the retrying transaction, the
 * waits for the backend daemon.  Values read back from xenstored are
 * only parsed as numbers or compared.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dev_xs.h"
#include "xs_domain.h"

struct xs_handle *
devxs_open(struct xyl *x, const char *verb)
{
	struct xs_handle *h = xsdomain_connect(x);

	if (!h)
		fprintf(stderr, "xyl: %s: xenstore: %s\n", verb,
			strerror(errno));
	return h;
}

bool
devxs_put(struct xs_handle *h, xs_transaction_t t, const char *dir,
	  const char *key, const char *fmt, ...)
{
	char path[512], val[4096];
	va_list ap;
	int n;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(val))
		return false;
	return xs_write(h, t, path, val, (unsigned)n);
}

bool
devxs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *dir,
	    unsigned owner, unsigned reader)
{
	struct xs_permissions p[2] = {{.id = owner, .perms = XS_PERM_NONE},
				      {.id = reader, .perms = XS_PERM_READ}};

	return xs_mkdir(h, t, dir) && xs_set_permissions(h, t, dir, p, 2);
}

char *
devxs_read(struct xs_handle *h, const char *dir, const char *key)
{
	char path[512];
	unsigned len;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return xs_read(h, XBT_NULL, path, &len);
}

int
devxs_state(struct xs_handle *h, const char *dir)
{
	char *v = devxs_read(h, dir, "state");
	int st = v ? atoi(v) : -1;

	free(v);
	return st;
}

static void
devxs_nap(void)
{
	struct timespec ts = {0, 20 * 1000000};

	nanosleep(&ts, NULL);
}

/* 0, or -errno (-EIO when libxenstore gave none). */
static int
devxs_commit(struct xs_handle *h, devxs_write_fn *write, xyl_domid_t domid,
	     const void *spec, const char *be, const char *fe)
{
	for (;;) {
		xs_transaction_t t = xs_transaction_start(h);

		if (!t || !write(h, t, domid, spec, be, fe)) {
			int rc = -(errno ? errno : EIO);

			if (t)
				xs_transaction_end(h, t, true);
			return rc;
		}
		if (xs_transaction_end(h, t, false))
			return 0;
		if (errno != EAGAIN)
			return -errno;
	}
}

/* InitWait (or later) is success; hotplug-status "error" is the backend's
 * refusal. */
static int
devxs_wait_backend(struct xs_handle *h, const char *be, const char *verb,
		   const char *program, const char *noun)
{
	for (int waited = 0; waited < DEVXS_WAIT_MS; waited += 20) {
		char *hs = devxs_read(h, be, "hotplug-status");
		int st = devxs_state(h, be);

		if (hs && strcmp(hs, "error") == 0) {
			char *why = devxs_read(h, be, "hotplug-error");

			fprintf(stderr, "xyl: %s: %s: %s\n", verb, program,
				why ? why : "error");
			free(why);
			free(hs);
			return -EIO;
		}
		free(hs);
		if (st >= 2 && st <= 4)
			return 0;
		devxs_nap();
	}
	fprintf(stderr,
		"xyl: %s: %s did not take the %s within %d s "
		"(is it running? xyl host start)\n",
		verb, program, noun, DEVXS_WAIT_MS / 1000);
	return -ETIMEDOUT;
}

int
devxs_add(struct xs_handle *h, devxs_write_fn *write, xyl_domid_t domid,
	  const void *spec, const char *be, const char *fe, const char *verb,
	  const char *program, const char *noun)
{
	int rc = devxs_commit(h, write, domid, spec, be, fe);

	if (rc)
		fprintf(stderr, "xyl: %s: xenstore: %s\n", verb, strerror(-rc));
	else
		rc = devxs_wait_backend(h, be, verb, program, noun);
	if (rc)
		devxs_rm(h, be, fe);
	return rc;
}

int
devxs_close(struct xs_handle *h, const char *be, uint32_t devid)
{
	int st = devxs_state(h, be);

	if (st < 0) {
		fprintf(stderr, "Error: Device %u not connected.\n", devid);
		return -ENOENT;
	}
	devxs_put(h, XBT_NULL, be, "online", "0");
	if (st != 6)
		devxs_put(h, XBT_NULL, be, "state", "5");
	for (int waited = 0; waited < DEVXS_WAIT_MS; waited += 20) {
		if (devxs_state(h, be) == 6)
			return 0;
		devxs_nap();
	}
	return -ETIMEDOUT;
}

void
devxs_rm(struct xs_handle *h, const char *be, const char *fe)
{
	xs_rm(h, XBT_NULL, be);
	xs_rm(h, XBT_NULL, fe);
}

void
devxs_release(struct xyl *x, xyl_domid_t domid, const char *type)
{
	struct xs_handle *h = xsdomain_connect(x);
	char be[256];

	if (!h)
		return;
	snprintf(be, sizeof(be), "/local/domain/0/backend/%s/%u", type, domid);
	xs_rm(h, XBT_NULL, be);
	xs_close(h);
}
