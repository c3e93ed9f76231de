/*
 * dom0-tools/sharedtimer/xs.c: the xenstore nodes xylem-sharedtimer owns,
 * /xylem/shared-timer/{gpa,period-ns,state} (xenstore-schema/
 * xylem.schema), readable by every domain.  Optional: without
 * xylem-xenstored on this host nothing is written; the page still works.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <xenstore.h>

#include "dlog.h"
#include "sharedtimer.h"

static struct xs_handle *
sharedtimer_xs(struct sharedtimer *st)
{
	char path[4096 + 32];
	struct stat sb;

	if (st->xs)
		return st->xs;
	snprintf(path, sizeof(path), "%s/xenstored/socket", st->rundir);
	if (stat(path, &sb) < 0 || !S_ISSOCK(sb.st_mode))
		return NULL;
	setenv("XENSTORED_PATH", path, 1); /* read by xs_open */
	st->xs = xs_open(0);
	return st->xs;
}

static bool
sharedtimer_xs_put(struct xs_handle *h, const char *key, const char *val)
{
	/* Owner dom0; everyone else may read (the first entry's perms are
	 * what other domains get). */
	struct xs_permissions perms[1] = {{.id = 0, .perms = XS_PERM_READ}};
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", XYL_STIMER_XS_DIR, key);
	return xs_write(h, XBT_NULL, path, val, (unsigned)strlen(val)) &&
	       xs_set_permissions(h, XBT_NULL, path, perms, 1);
}

void
sharedtimer_xs_publish(struct sharedtimer *st, const char *state)
{
	struct xs_permissions perms[1] = {{.id = 0, .perms = XS_PERM_READ}};
	struct xs_handle *h = sharedtimer_xs(st);
	char gpa[32], period[32];

	if (!h)
		return;
	snprintf(gpa, sizeof(gpa), "0x%llx",
		 (unsigned long long)XYL_STIMER_GPA);
	snprintf(period, sizeof(period), "%u", st->period_ns);
	if (!xs_mkdir(h, XBT_NULL, "/xylem") ||
	    !xs_set_permissions(h, XBT_NULL, "/xylem", perms, 1) ||
	    !xs_mkdir(h, XBT_NULL, XYL_STIMER_XS_DIR) ||
	    !xs_set_permissions(h, XBT_NULL, XYL_STIMER_XS_DIR, perms, 1) ||
	    !sharedtimer_xs_put(h, "gpa", gpa) ||
	    !sharedtimer_xs_put(h, "period-ns", period) ||
	    !sharedtimer_xs_put(h, "state", state))
		log_warn("xenstore %s: %s", XYL_STIMER_XS_DIR, strerror(errno));
}

void
sharedtimer_xs_close(struct sharedtimer *st)
{
	if (st->xs)
		xs_close(st->xs);
	st->xs = NULL;
}
