/*
 * dom0-tools/xyl/cmd_console.c: `xyl console <Domain>`: attach to a
 * guest's console through xylem-consoled (console_attach.c).  Raw tty
 * mode; Ctrl-] detaches.  Without a tty it copies stdin to the guest and
 * the guest to stdout until the guest's console closes.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "xyl.h"

int
cmd_console(struct xyl *x, int argc, char **argv)
{
	struct xylctl *c;
	xyl_domid_t domid;
	int fd, r;

	if (xyl_one_domain(x, "console", argc, argv, &c, &domid) < 0)
		return XYL_EXIT_ERROR;
	xylctl_close(c);
	fd = console_pty_open(x, domid, 2000);
	if (fd < 0) {
		fprintf(stderr,
			"xyl: console: domid %u: no console (is "
			"xylem-consoled running? xyl host start)\n",
			domid);
		return XYL_EXIT_ERROR;
	}
	signal(SIGPIPE, SIG_IGN);
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "Connected to domid %u; escape is ^]\n", domid);
	r = console_session(fd, STDIN_FILENO, STDOUT_FILENO, NULL);
	close(fd);
	if (r == 1 && isatty(STDIN_FILENO))
		fprintf(stderr, "\n");
	return XYL_EXIT_OK;
}
