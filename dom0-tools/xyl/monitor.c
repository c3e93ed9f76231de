/*
 * dom0-tools/xyl/monitor.c: the per-domain monitor, as xl forks one: a
 * detached process that watches a domain created without -c and carries
 * out its on_poweroff / on_reboot / on_crash action, then exits.  Its pid
 * file is $XYLEM_RUNDIR/monitor/<domid>.pid (renamed when it restarts the
 * domain) and its log $XYLEM_RUNDIR/monitor/<name>.log.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "dlog.h"
#include "xyl.h"

static void
pidfile_path(const struct xyl *x, xyl_domid_t domid, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/monitor/%u.pid", x->rundir, domid);
}

static int
pidfile_write(const struct xyl *x, xyl_domid_t domid)
{
	char path[4096], text[32];
	int fd, n, r = 0;

	pidfile_path(x, domid, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = snprintf(text, sizeof(text), "%d\n", (int)getpid());
	if (write(fd, text, (size_t)n) != n)
		r = -EIO;
	close(fd);
	return r;
}

static void
monitor_on_restart(void *arg, xyl_domid_t old, xyl_domid_t new_domid)
{
	const struct xyl *x = arg;
	char path[4096];

	pidfile_path(x, old, path, sizeof(path));
	unlink(path);
	pidfile_write(x, new_domid);
}

static int
redirect_output(const struct xyl *x, const struct config *cfg)
{
	char path[4096];
	int fd, null_fd;

	snprintf(path, sizeof(path), "%s/monitor/%s.log", x->rundir, cfg->name);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || null_fd < 0)
		return -errno;
	dup2(null_fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	close(null_fd);
	return 0;
}

/* The monitor process itself; tells the parent its pid on ready_fd once
 * it is subscribed to events, and never returns. */
static void __attribute__((noreturn))
monitor_main(struct xyl *x, const struct config *cfg, xyl_domid_t domid,
	     int ready_fd)
{
	struct lifecycle_hooks hooks = {monitor_on_restart, x, NULL};
	struct xylctl *c = NULL, *ev = NULL;
	char path[4096];
	pid_t self;
	int code = XYL_EXIT_ERROR;

	log_init("xyl-monitor");
	log_set_level(DLOG_INFO);
	if (redirect_output(x, cfg) < 0 || xylctl_events_open(x->rundir, &ev) ||
	    xylctl_open(x->rundir, &c) || pidfile_write(x, domid) < 0)
		goto out;
	self = getpid();
	if (write(ready_fd, &self, sizeof(self)) != sizeof(self))
		goto out;
	close(ready_fd);
	ready_fd = -1;
	log_dom_info(domid, "%s: monitoring (pid %d)", cfg->name, (int)self);
	code = lifecycle_watch(x, c, &ev, cfg, &domid, false, &hooks);
	pidfile_path(x, domid, path, sizeof(path));
	unlink(path);
	log_dom_info(domid, "%s: monitor done (exit %d)", cfg->name, code);
out:
	if (ready_fd >= 0)
		close(ready_fd);
	if (ev)
		xylctl_close(ev);
	if (c)
		xylctl_close(c);
	exit(code);
}

int
monitor_spawn(struct xyl *x, struct xylctl *const *inherited,
	      const struct config *cfg, xyl_domid_t domid, pid_t *pid)
{
	char dir[4096];
	pid_t child, mpid;
	int p[2], r, status;
	ssize_t n;

	snprintf(dir, sizeof(dir), "%s/monitor", x->rundir);
	r = xyl_mkdirs(dir);
	if (r < 0 || pipe2(p, O_CLOEXEC) < 0)
		return r < 0 ? r : -errno;
	fflush(stdout);
	fflush(stderr);
	child = fork();
	if (child == 0) {
		/* Detach: a new session, then a grandchild that init
		 * reaps, so xyl can exit and the monitor lives on. */
		close(p[0]);
		/* The parent's connections are not the monitor's: close
		 * them so xylem-hv sees them go when the parent exits. */
		while (inherited && *inherited)
			xylctl_close(*inherited++);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		setsid();
		if (fork() == 0)
			monitor_main(x, cfg, domid, p[1]);
		_exit(0);
	}
	close(p[1]);
	if (child < 0) {
		close(p[0]);
		return -errno;
	}
	waitpid(child, &status, 0);
	n = read(p[0], &mpid, sizeof(mpid));
	close(p[0]);
	if (n != sizeof(mpid))
		return -ECHILD;
	*pid = mpid;
	return 0;
}
