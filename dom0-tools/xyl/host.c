/*
 * dom0-tools/xyl/host.c: the host services behind `xyl host start|stop|
 * status` (and the auto-start of `xyl create`): xylem-hv, spawned detached
 * with its log in $XYLEM_RUNDIR/xylem-hv.log and its pid in
 * $XYLEM_RUNDIR/xylem-hv.pid (written here, checked against
 * /proc/<pid>/comm before any signal is sent).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xyl.h"

#define HV_PROGRAM	    "xylem-hv"
#define HV_START_TIMEOUT_MS 10000
#define HV_STOP_TIMEOUT_MS  10000
#define HV_TAIL_LINES	    10

static void
rundir_path(const struct xyl *x, const char *leaf, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s", x->rundir, leaf);
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

bool
host_is_up(const struct xyl *x)
{
	struct xyl_ctl_host_info_reply info;
	struct xylctl *c;
	bool up;

	if (xylctl_open(x->rundir, &c) < 0)
		return false;
	up = xylctl_host_info(c, &info) == 0;
	xylctl_close(c);
	return up;
}

static bool
is_executable_file(const char *path)
{
	return access(path, X_OK) == 0;
}

/* $<env_var>, else beside this xyl binary, else on PATH. */
int
host_find_program(const char *program, const char *env_var, char *buf,
		  size_t cap)
{
	const char *env = getenv(env_var), *path = getenv("PATH");
	char self[4096];
	ssize_t n;

	if (env && env[0]) {
		snprintf(buf, cap, "%s", env);
		return is_executable_file(buf) ? 0 : -ENOENT;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		snprintf(buf, cap, "%s/%s", dirname(self), program);
		if (is_executable_file(buf))
			return 0;
	}
	while (path && *path) {
		size_t len = strcspn(path, ":");

		snprintf(buf, cap, "%.*s/%s", (int)len, path, program);
		if (len > 0 && is_executable_file(buf))
			return 0;
		path += len + (path[len] == ':');
	}
	return -ENOENT;
}

/* Print the last lines of the log, indented, to help explain a failure. */
void
host_print_log_tail(const char *log)
{
	char buf[4096], *p;
	int fd = open(log, O_RDONLY | O_CLOEXEC), lines = 0;
	off_t size;
	ssize_t n;

	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	if (size > (off_t)sizeof(buf) - 1)
		lseek(fd, size - (off_t)sizeof(buf) + 1, SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (p = buf + n; p > buf; p--)
		if (p[-1] == '\n' && p < buf + n && ++lines > HV_TAIL_LINES)
			break;
	fprintf(stderr, "xyl: last lines of %s:\n", log);
	for (p = strtok(p, "\n"); p; p = strtok(NULL, "\n"))
		fprintf(stderr, "  | %s\n", p);
}

static void __attribute__((noreturn))
hv_exec(const char *hv, const char *rundir, const char *log)
{
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	setsid();
	if (fd >= 0 && null_fd >= 0) {
		dup2(null_fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	execl(hv, HV_PROGRAM, "--rundir", rundir, (char *)NULL);
	fprintf(stderr, "xyl: host start: exec %s: %s\n", hv, strerror(errno));
	_exit(127);
}

static int
pidfile_write(const char *path, pid_t pid)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -errno;
	fprintf(f, "%d\n", (int)pid);
	return fclose(f) == 0 ? 0 : -errno;
}

pid_t
host_pidfile_read(const char *path)
{
	FILE *f = fopen(path, "re");
	int pid = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &pid) != 1 || pid <= 1)
		pid = -1;
	fclose(f);
	return pid;
}

/* Is pid alive (not a zombie) and running the program named comm? */
bool
host_pid_runs(pid_t pid, const char *comm)
{
	char path[64], buf[512], *p;
	FILE *f;
	bool ok = false;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f)) {
		/* "pid (comm) S ..." */
		p = strrchr(buf, ')');
		/* The kernel keeps 15 bytes of comm ("xylem-sharedtim"). */
		ok = p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X' &&
		     strncmp(strchr(buf, '(') + 1, comm,
			     strlen(comm) < 15 ? strlen(comm) : 15) == 0;
	}
	fclose(f);
	return ok;
}

/* Wait for the spawned xylem-hv to answer; 0, or -errno after printing. */
static int
hv_wait_ready(struct xyl *x, pid_t pid, const char *log)
{
	int waited, status;

	for (waited = 0; waited < HV_START_TIMEOUT_MS; waited += 50) {
		if (host_is_up(x))
			return 0;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr,
				"xyl: host start: xylem-hv exited (%s %d) "
				"before answering\n",
				WIFEXITED(status) ? "status" : "signal",
				WIFEXITED(status) ? WEXITSTATUS(status)
						  : WTERMSIG(status));
			host_print_log_tail(log);
			return -ECHILD;
		}
		sleep_ms(50);
	}
	fprintf(stderr,
		"xyl: host start: xylem-hv (pid %d) did not answer on "
		"%s/hv.sock within %d s; stopping it\n",
		(int)pid, x->rundir, HV_START_TIMEOUT_MS / 1000);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	host_print_log_tail(log);
	return -ETIMEDOUT;
}

/* Serialise xyl processes starting the same host (two `xyl create`s that
 * both find it down); the lock goes with the fd. */
static int
host_lock(const struct xyl *x)
{
	char path[4096];
	int fd;

	rundir_path(x, "xyl-host.lock", path, sizeof(path));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int host_start_locked(struct xyl *x);

int
host_start(struct xyl *x)
{
	int r = xyl_mkdirs(x->rundir), lock_fd;

	if (r < 0) {
		fprintf(stderr, "xyl: host start: %s: %s\n", x->rundir,
			strerror(-r));
		return r;
	}
	lock_fd = host_lock(x);
	r = host_start_locked(x);
	if (lock_fd >= 0)
		close(lock_fd);
	return r;
}

static int
host_start_locked(struct xyl *x)
{
	char hv[4096], log[4096], pidfile[4096];
	pid_t pid;
	int r;

	if (host_is_up(x)) {
		fprintf(stderr,
			"xyl: host start: xylem-hv is already running "
			"at %s\n",
			x->rundir);
		return host_daemons_start(x);
	}
	if (host_find_program(HV_PROGRAM, "XYLEM_HV", hv, sizeof(hv)) < 0) {
		fprintf(stderr,
			"xyl: host start: cannot find %s (set "
			"XYLEM_HV, or install it beside xyl or on "
			"PATH)\n",
			HV_PROGRAM);
		return -ENOENT;
	}
	rundir_path(x, "xylem-hv.log", log, sizeof(log));
	rundir_path(x, "xylem-hv.pid", pidfile, sizeof(pidfile));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		hv_exec(hv, x->rundir, log);
	pidfile_write(pidfile, pid);
	r = hv_wait_ready(x, pid, log);
	if (r < 0) {
		unlink(pidfile);
		return r;
	}
	fprintf(stderr, "xyl: host start: xylem-hv running (pid %d) at %s\n",
		(int)pid, x->rundir);
	return host_daemons_start(x);
}

static bool
wait_gone(pid_t pid, int timeout_ms)
{
	int waited;

	for (waited = 0; waited < timeout_ms; waited += 50) {
		if (!host_pid_runs(pid, HV_PROGRAM))
			return true;
		sleep_ms(50);
	}
	return !host_pid_runs(pid, HV_PROGRAM);
}

int
host_stop(struct xyl *x)
{
	char pidfile[4096], sock[4096];
	pid_t pid;

	host_daemons_stop(x);
	rundir_path(x, "xylem-hv.pid", pidfile, sizeof(pidfile));
	rundir_path(x, XYL_CTL_SOCKET_NAME, sock, sizeof(sock));
	pid = host_pidfile_read(pidfile);
	if (pid < 0 || !host_pid_runs(pid, HV_PROGRAM)) {
		unlink(pidfile);
		if (host_is_up(x)) {
			fprintf(stderr,
				"xyl: host stop: xylem-hv answers at %s but "
				"was not started by xyl host start (no pid "
				"file); stop it yourself\n",
				x->rundir);
			return -ESRCH;
		}
		fprintf(stderr,
			"xyl: host stop: xylem-hv is not running at "
			"%s\n",
			x->rundir);
		return 0;
	}
	kill(pid, SIGTERM);
	if (!wait_gone(pid, HV_STOP_TIMEOUT_MS)) {
		fprintf(stderr,
			"xyl: host stop: xylem-hv (pid %d) ignored SIGTERM "
			"for %d s; killing it\n",
			(int)pid, HV_STOP_TIMEOUT_MS / 1000);
		kill(pid, SIGKILL);
		wait_gone(pid, 2000);
		unlink(sock);
	}
	unlink(pidfile);
	fprintf(stderr, "xyl: host stop: xylem-hv (pid %d) stopped\n",
		(int)pid);
	return 0;
}

static void
status_monitors(const struct xyl *x)
{
	char dir[4096], path[4096 + 256];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/monitor", x->rundir);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		pid_t pid;

		if (len < 5 || strcmp(de->d_name + len - 4, ".pid") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		pid = host_pidfile_read(path);
		printf("monitor: domid %.*s: pid %d (%s)\n", (int)(len - 4),
		       de->d_name, (int)pid,
		       pid > 0 && kill(pid, 0) == 0 ? "running" : "stale");
	}
	closedir(d);
}

int
host_status(struct xyl *x)
{
	char pidfile[4096];
	pid_t pid;
	bool up = host_is_up(x);

	rundir_path(x, "xylem-hv.pid", pidfile, sizeof(pidfile));
	pid = host_pidfile_read(pidfile);
	if (pid > 0 && !host_pid_runs(pid, HV_PROGRAM))
		pid = -1;
	if (up && pid > 0)
		printf("xylem-hv: running (pid %d), answering on %s/%s\n",
		       (int)pid, x->rundir, XYL_CTL_SOCKET_NAME);
	else if (up)
		printf("xylem-hv: running (not started by xyl), answering on "
		       "%s/%s\n",
		       x->rundir, XYL_CTL_SOCKET_NAME);
	else if (pid > 0)
		printf("xylem-hv: pid %d alive but not answering on %s/%s\n",
		       (int)pid, x->rundir, XYL_CTL_SOCKET_NAME);
	else
		printf("xylem-hv: not running (rundir %s)\n", x->rundir);
	host_daemons_status(x);
	status_monitors(x);
	return up ? XYL_EXIT_OK : XYL_EXIT_HOST_DOWN;
}
