/*
 * dom0-tools/common/daemon.c: the command line, pid file, signal set-up
 * and start-up order shared by the dom0 daemons.  The pid file's lock,
 * not its content, decides whether another instance runs: a stale file
 * from a crash is reused.  Trust boundary: argv (options checked here or
 * by the program's on_opt).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "daemon.h"
#include "dlog.h"

#define DAEMON_MAX_OPTS 16

/* buf = rundir/program.pid */
static void
daemon_pidfile_path(char *buf, size_t cap, const char *rundir,
		    const char *program)
{
	snprintf(buf, cap, "%s/%s.pid", rundir, program);
}

/* Open path, take its lock and empty it.  The fd, -EEXIST when another
 * process holds the lock, or another -errno. */
static int
daemon_pidfile_claim(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644), r;

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		r = errno == EWOULDBLOCK ? -EEXIST : -errno;
		close(fd);
		return r;
	}
	if (ftruncate(fd, 0) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/* Write our pid into a claimed pid file.  0 or -errno. */
static int
daemon_pidfile_ready(int fd)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	return pwrite(fd, buf, (size_t)n, 0) == n ? 0 : -errno;
}

int
daemon_signalfd(bool is_hup_too)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (is_hup_too)
		sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

/* The common options, then the program's (at most DAEMON_MAX_OPTS in
 * all, the zeroed end included). */
static int
daemon_opts(const struct daemon_cli *cli, struct option *out, char *shortopts,
	    size_t cap)
{
	static const struct option common[] = {
		{"rundir", required_argument, NULL, 'r'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		out[n++] = common[i];
	for (size_t i = 0; cli->opts && cli->opts[i].name; i++) {
		if (n + 1 >= DAEMON_MAX_OPTS)
			return -E2BIG;
		out[n++] = cli->opts[i];
	}
	memset(&out[n], 0, sizeof(out[n]));
	if (snprintf(shortopts, cap, "r:vh%s",
		     cli->shortopts ? cli->shortopts : "") >= (int)cap)
		return -E2BIG;
	return 0;
}

int
daemon_parse_args(const struct daemon_cli *cli, int argc, char **argv,
		  const char **rundir)
{
	struct option opts[DAEMON_MAX_OPTS];
	char shortopts[64];
	int c, r;

	r = daemon_opts(cli, opts, shortopts, sizeof(shortopts));
	if (r < 0)
		return r;
	while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			*rundir = optarg;
			break;
		case 'v':
			log_raise_level();
			break;
		case 'h':
			cli->usage(stdout);
			return 1;
		case '?':
			cli->usage(stderr);
			return -EINVAL;
		default:
			if (cli->on_opt(cli->ctx, c, optarg) < 0)
				return -EINVAL;
			break;
		}
	}
	if (optind != argc) {
		cli->usage(stderr);
		return -EINVAL;
	}
	return 0;
}

int
daemon_main(struct daemon_main *m, int argc, char **argv)
{
	char path[4096];
	int r, fd;

	r = daemon_parse_args(&m->cli, argc, argv, &m->rundir);
	if (r != 0)
		return r < 0 ? 2 : 0;
	if (m->pidfile)
		snprintf(path, sizeof(path), "%s", m->pidfile);
	else
		daemon_pidfile_path(path, sizeof(path), m->rundir, m->program);
	fd = daemon_pidfile_claim(path);
	if (fd < 0) {
		if (fd == -EEXIST)
			log_err("pid file %s: another %s runs on this rundir",
				path, m->program);
		else
			log_err("pid file %s: %s", path, strerror(-fd));
		return 1;
	}
	r = m->init(m->cli.ctx, m->rundir);
	if (r == 0)
		r = daemon_pidfile_ready(fd);
	if (r == 0)
		r = m->run(m->cli.ctx);
	m->fini(m->cli.ctx);
	unlink(path);
	close(fd);
	return r < 0 ? 1 : 0;
}
