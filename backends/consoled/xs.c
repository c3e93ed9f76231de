/*
 * backends/consoled/xs.c: the one xenstore node xylem-consoled owns,
 * /local/domain/<domid>/console/tty (xenstore-schema/xylem.schema), as
 * xenconsoled writes it.  Optional: without xylem-xenstored on this host
 * nothing is written and the consoles work the same.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xenstore.h>

#include "consoled.h"

/* A connection to this host's xenstored, or NULL (none runs). */
static struct xs_handle *
xs_connect(struct consoled *cd)
{
	char path[4096 + 32];
	struct stat st;

	if (cd->xs)
		return cd->xs;
	snprintf(path, sizeof(path), "%s/xenstored/socket", cd->rundir);
	if (stat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
		return NULL;
	setenv("XENSTORED_PATH", path, 1); /* read by xs_open */
	cd->xs = xs_open(0);
	return cd->xs;
}

void
consoled_xs_publish_tty(struct consoled *cd, struct consoled_dom *d)
{
	struct xs_permissions perms[2] = {
		{.id = 0, .perms = XS_PERM_NONE},
		{.id = d->domid, .perms = XS_PERM_READ},
	};
	char node[64], tty[4096];
	struct xs_handle *h = xs_connect(cd);
	ssize_t n;

	if (!h || !d->pty.link[0])
		return;
	n = readlink(d->pty.link, tty, sizeof(tty) - 1);
	if (n <= 0)
		return;
	tty[n] = '\0';
	snprintf(node, sizeof(node), "/local/domain/%u/console/tty", d->domid);
	if (!xs_write(h, XBT_NULL, node, tty, (unsigned int)n) ||
	    !xs_set_permissions(h, XBT_NULL, node, perms, 2)) {
		log_dom_debug(d->domid, "xenstore %s: %s", node,
			      strerror(errno));
		if (errno == EPIPE || errno == ECONNRESET) {
			xs_close(h);
			cd->xs = NULL;
		}
	}
}

void
consoled_xs_close(struct consoled *cd)
{
	if (cd->xs)
		xs_close(cd->xs);
	cd->xs = NULL;
}
