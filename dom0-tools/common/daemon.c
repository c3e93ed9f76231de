/*
 * dom0-tools/common/daemon.c: the pid file and signal set-up shared by
 * the dom0 daemons.  The pid file's lock, not its content, decides
 * whether another instance runs: a stale file from a crash is reused.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "daemon.h"

void
daemon_pidfile_path(char *buf, size_t cap, const char *rundir,
		    const char *program)
{
	snprintf(buf, cap, "%s/%s.pid", rundir, program);
}

int
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

int
daemon_pidfile_ready(int fd)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	return pwrite(fd, buf, (size_t)n, 0) == n ? 0 : -errno;
}

int
daemon_pidfile_take(const char *path)
{
	int fd = daemon_pidfile_claim(path), r;

	if (fd < 0)
		return fd;
	r = daemon_pidfile_ready(fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
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
