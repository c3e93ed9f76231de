/*
 * tests/lib/blk_stack.c: xylem-hv + xylem-xenstored + xylem-blkback + an
 * idle guest for blkback's tests and benchmarks (blk_stack.h).  Owns the
 * child processes it starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "blk_stack.h"
#include "proc.h"

static pid_t
blk_spawn(const char *prog, const char *const *args, const char *log)
{
	const char *argv[10] = {prog};
	char path[4096];
	pid_t pid;
	int i;

	if (proc_bin_path(prog, path, sizeof(path)) < 0)
		return -ENOENT;
	for (i = 0; args[i] && i < 8; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static int
blk_wait_file(const char *path)
{
	for (int i = 0; i < 2000; i++) {
		if (access(path, F_OK) == 0)
			return 0;
		usleep(5000);
	}
	return -ETIMEDOUT;
}

static int
blk_daemon(struct blk_stack *st, const char *prog, const char *const *args,
	   pid_t *pid)
{
	char log[256], pidf[256];

	snprintf(log, sizeof(log), "%s/%s.log", st->hv.rundir, prog);
	snprintf(pidf, sizeof(pidf), "%s/%s.pid", st->hv.rundir, prog);
	unlink(pidf); /* stale after a kill -9 */
	*pid = blk_spawn(prog, args, log);
	if (*pid < 0)
		return *pid;
	return blk_wait_file(pidf);
}

int
blk_stack_blkback_start(struct blk_stack *st)
{
	const char *args[] = {"--rundir",  st->hv.rundir, "--poll-us",
			      st->poll_us, "-v",	  NULL};

	return blk_daemon(st, "xylem-blkback", args, &st->blk_pid);
}

void
blk_stack_blkback_kill9(struct blk_stack *st)
{
	if (st->blk_pid <= 0)
		return;
	kill(st->blk_pid, SIGKILL);
	waitpid(st->blk_pid, NULL, 0);
	st->blk_pid = 0;
}

/* An app=idle guest, running once it said so on its console. */
static int
blk_guest(struct blk_stack *st, unsigned mem_mib)
{
	struct xylctl_domain_spec spec = {.name = "blkidle",
					  .mem_kib = mem_mib * 1024ull,
					  .vcpus = 1,
					  .cmdline = "app=idle",
					  .ramdisk_fd = -1};
	char guest[4096], buf[512];
	struct xylctl *c;
	uint64_t pos = 0;
	size_t len;
	int rc;

	rc = proc_guest_path(guest, sizeof(guest));
	if (rc < 0)
		return rc;
	spec.kernel_fd = open(guest, O_RDONLY | O_CLOEXEC);
	if (spec.kernel_fd < 0)
		return -errno;
	rc = xylctl_open(st->hv.rundir, &c);
	if (rc == 0)
		rc = xylctl_domain_create(c, &spec, &st->domid);
	close(spec.kernel_fd);
	if (rc == 0)
		rc = xylctl_domain_unpause(c, st->domid);
	for (int i = 0; rc == 0 && i < 600; i++) {
		rc = xylctl_console_read(c, st->domid, &pos, buf,
					 sizeof(buf) - 1, &len);
		buf[rc == 0 ? len : 0] = '\0';
		if (strstr(buf, "idle: touched"))
			break;
		usleep(50000);
	}
	xylctl_close(c);
	return rc;
}

int
blk_stack_start(struct blk_stack *st, unsigned mem_mib, const char *poll_us)
{
	const char *xs_args[] = {"--rundir", NULL, NULL};
	int rc;

	memset(st, 0, sizeof(*st));
	st->poll_us = poll_us;
	rc = harness_hv_start(&st->hv, NULL, 10000);
	if (rc < 0)
		return rc;
	xs_args[1] = st->hv.rundir;
	rc = blk_daemon(st, "xylem-xenstored", xs_args, &st->xs_pid);
	if (rc == 0)
		rc = blk_guest(st, mem_mib);
	if (rc == 0)
		rc = blk_stack_blkback_start(st);
	return rc;
}

void
blk_stack_stop(struct blk_stack *st)
{
	if (st->blk_pid > 0)
		kill(st->blk_pid, SIGTERM);
	if (st->xs_pid > 0)
		kill(st->xs_pid, SIGTERM);
	if (st->blk_pid > 0)
		waitpid(st->blk_pid, NULL, 0);
	if (st->xs_pid > 0)
		waitpid(st->xs_pid, NULL, 0);
	st->blk_pid = st->xs_pid = 0;
	harness_hv_stop(&st->hv);
}
