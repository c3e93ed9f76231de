/*
 * dom0-tools/xyl/host_daemons.c: the dom0 daemons `xyl host start|stop|
 * status` runs beside xylem-hv.  One table row per daemon; each daemon
 * takes --rundir, stays in the foreground, writes its pid file
 * $XYLEM_RUNDIR/<program>.pid once it serves and exits on SIGTERM.  Its
 * output goes to $XYLEM_RUNDIR/<program>.log.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xyl.h"

#define DAEMON_START_TIMEOUT_MS 10000
#define DAEMON_STOP_TIMEOUT_MS	5000

struct host_daemon {
	const char *program; /* also its comm, pid file and log name */
	const char *env;     /* overrides where the binary is */
};

/* Started in this order (xenstored first, then backends), stopped in
 * reverse. */
static const struct host_daemon host_daemons[] = {
	{"xylem-xenstored", "XYLEM_XENSTORED"},
	{"xylem-sharedtimer", "XYLEM_SHAREDTIMER"},
	{"xylem-consoled", "XYLEM_CONSOLED"},
	{"xylem-blkback", "XYLEM_BLKBACK"},
	{"xylem-netback", "XYLEM_NETBACK"},
};

#define NR_DAEMONS (sizeof(host_daemons) / sizeof(host_daemons[0]))

static void
daemon_path(const struct xyl *x, const struct host_daemon *d,
	    const char *suffix, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s.%s", x->rundir, d->program, suffix);
}

static void
nap_ms(unsigned int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

bool
host_daemon_running(const struct xyl *x, const char *program, pid_t *pid)
{
	char path[4096];
	pid_t p;

	snprintf(path, sizeof(path), "%s/%s.pid", x->rundir, program);
	p = host_pidfile_read(path);
	if (p <= 0 || !host_pid_runs(p, program))
		return false;
	if (pid)
		*pid = p;
	return true;
}

static void __attribute__((noreturn))
daemon_exec(const char *bin, const char *program, const char *rundir,
	    const char *log)
{
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	setsid();
	if (fd >= 0 && null_fd >= 0) {
		dup2(null_fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	execl(bin, program, "--rundir", rundir, (char *)NULL);
	fprintf(stderr, "xyl: host start: exec %s: %s\n", bin, strerror(errno));
	_exit(127);
}

/* Wait for the daemon's pid file; 0 or -errno after printing. */
static int
daemon_wait_ready(const struct xyl *x, const struct host_daemon *d, pid_t pid,
		  const char *log)
{
	int waited, status;

	for (waited = 0; waited < DAEMON_START_TIMEOUT_MS; waited += 50) {
		if (host_daemon_running(x, d->program, NULL))
			return 0;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr,
				"xyl: host start: %s exited before it "
				"was ready\n",
				d->program);
			host_print_log_tail(log);
			return -ECHILD;
		}
		nap_ms(50);
	}
	fprintf(stderr, "xyl: host start: %s (pid %d) not ready in %d s\n",
		d->program, (int)pid, DAEMON_START_TIMEOUT_MS / 1000);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	host_print_log_tail(log);
	return -ETIMEDOUT;
}

static int
daemon_start(struct xyl *x, const struct host_daemon *d)
{
	char bin[4096], log[4096];
	pid_t pid;
	int r;

	if (host_daemon_running(x, d->program, NULL))
		return 0;
	if (host_find_program(d->program, d->env, bin, sizeof(bin)) < 0) {
		fprintf(stderr,
			"xyl: host start: cannot find %s (set %s, or "
			"install it beside xyl or on PATH); going on "
			"without it\n",
			d->program, d->env);
		return 0;
	}
	daemon_path(x, d, "log", log, sizeof(log));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		daemon_exec(bin, d->program, x->rundir, log);
	r = daemon_wait_ready(x, d, pid, log);
	if (r == 0)
		fprintf(stderr, "xyl: host start: %s running (pid %d)\n",
			d->program, (int)pid);
	return r;
}

int
host_daemons_start(struct xyl *x)
{
	size_t i;
	int r;

	for (i = 0; i < NR_DAEMONS; i++) {
		r = daemon_start(x, &host_daemons[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static void
daemon_stop(struct xyl *x, const struct host_daemon *d)
{
	char pidfile[4096];
	pid_t pid;
	int waited;

	if (!host_daemon_running(x, d->program, &pid))
		return;
	kill(pid, SIGTERM);
	for (waited = 0; waited < DAEMON_STOP_TIMEOUT_MS; waited += 50) {
		if (!host_pid_runs(pid, d->program))
			break;
		nap_ms(50);
	}
	if (host_pid_runs(pid, d->program)) {
		fprintf(stderr,
			"xyl: host stop: %s (pid %d) ignored SIGTERM; "
			"killing it\n",
			d->program, (int)pid);
		kill(pid, SIGKILL);
		nap_ms(100);
	}
	daemon_path(x, d, "pid", pidfile, sizeof(pidfile));
	unlink(pidfile);
	fprintf(stderr, "xyl: host stop: %s (pid %d) stopped\n", d->program,
		(int)pid);
}

void
host_daemons_stop(struct xyl *x)
{
	size_t i;

	for (i = NR_DAEMONS; i-- > 0;)
		daemon_stop(x, &host_daemons[i]);
}

void
host_daemons_status(const struct xyl *x)
{
	size_t i;
	pid_t pid;

	for (i = 0; i < NR_DAEMONS; i++) {
		if (host_daemon_running(x, host_daemons[i].program, &pid))
			printf("%s: running (pid %d)\n",
			       host_daemons[i].program, (int)pid);
		else
			printf("%s: not running\n", host_daemons[i].program);
	}
}
