/*
 * tests/lib/harness.c: start and stop a private xylem-hv for integration
 * tests (see harness.h).  The daemon runs in its own process group so
 * that stopping it also stops anything it started.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static char skip_reason[4200];

/* Every xylem-hv started and not yet stopped, for the exit handler. */
#define HARNESS_MAX_HV 16
static struct harness_hv *running[HARNESS_MAX_HV];
static pid_t running_owner[HARNESS_MAX_HV]; /* who started it */

static void
harness_atexit(void)
{
	int i;

	for (i = 0; i < HARNESS_MAX_HV; i++) {
		struct harness_hv *h = running[i];

		/* A forked test process inherits this list (and the handler):
		 * it must not kill the hvs its parent started. */
		if (!h || h->pid <= 0 || running_owner[i] != getpid())
			continue;
		kill(-h->pid, SIGKILL);
		waitpid(h->pid, NULL, 0);
		h->pid = 0;
		if (h->owns_rundir && h->rundir[0])
			harness_rm_rf(h->rundir);
		running[i] = NULL;
	}
}

static void
track(struct harness_hv *h, bool on)
{
	static bool registered;
	int i;

	if (on && !registered) {
		atexit(harness_atexit);
		registered = true;
	}
	for (i = 0; i < HARNESS_MAX_HV; i++) {
		if (on && !running[i]) {
			running[i] = h;
			running_owner[i] = getpid();
			return;
		}
		if (!on && running[i] == h)
			running[i] = NULL;
	}
}

int
harness_build_path(const char *rel, char *buf, size_t len)
{
	char self[4096], *slash;
	ssize_t n;
	int i;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -errno;
	self[n] = '\0';
	for (i = 0; i < 2; i++) { /* strip "/tests/<name>" */
		slash = strrchr(self, '/');
		if (!slash)
			return -ENOENT;
		*slash = '\0';
	}
	if ((size_t)snprintf(buf, len, "%s/%s", self, rel) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int
harness_hv_path(char *buf, size_t len)
{
	const char *env = getenv("XYLEM_HV");

	if (env && env[0]) {
		if ((size_t)snprintf(buf, len, "%s", env) >= len)
			return -ENAMETOOLONG;
		return 0;
	}
	return harness_build_path("bin/xylem-hv", buf, len);
}

int
harness_guest_path(const char *name, char *buf, size_t len)
{
	char rel[256];

	if ((size_t)snprintf(rel, sizeof(rel), "tests/guests/%s", name) >=
	    sizeof(rel))
		return -ENAMETOOLONG;
	return harness_build_path(rel, buf, len);
}

const char *
harness_skip_reason(void)
{
	/* Only a machine without KVM is a reason to skip; a /dev/kvm we
	 * cannot open or a missing xylem-hv is a failure of the run. */
	if (access("/dev/kvm", F_OK) < 0 && errno == ENOENT) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "/dev/kvm is absent: no KVM on this machine");
		return skip_reason;
	}
	return NULL;
}

static int
harness_connect_type(const char *sock_path, int type)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, rc;

	if (strlen(sock_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, sock_path);
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

int
harness_connect(const char *sock_path)
{
	return harness_connect_type(sock_path, SOCK_SEQPACKET);
}

static void
sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000,
			      .tv_nsec = (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

int
harness_hv_alive(struct harness_hv *h)
{
	int status;

	if (h->pid <= 0)
		return 0;
	switch (waitpid(h->pid, &status, WNOHANG)) {
	case 0:
		return 1;
	case -1: /* not our child (a forked test process): just probe */
		return kill(h->pid, 0) == 0;
	default:
		h->pid = -status - 1; /* keep the status for stop */
		return 0;
	}
}

static int
harness_wait_type(const char *sock_path, int type, int timeout_ms)
{
	int waited, fd;

	for (waited = 0; waited <= timeout_ms; waited += 20) {
		fd = harness_connect_type(sock_path, type);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		sleep_ms(20);
	}
	return -ETIMEDOUT;
}

int
harness_wait_socket(const char *sock_path, int timeout_ms)
{
	return harness_wait_type(sock_path, SOCK_SEQPACKET, timeout_ms);
}

int
harness_wait_stream_socket(const char *sock_path, int timeout_ms)
{
	return harness_wait_type(sock_path, SOCK_STREAM, timeout_ms);
}

static void
exec_hv(const struct harness_hv *h, const char *bin,
	const char *const *extra_args, pid_t parent)
{
	const char *argv[64];
	int i = 0, fd;

	setpgid(0, 0);
	/* If the test process dies (a failed assertion skips its teardown),
	 * xylem-hv goes too instead of lingering. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(126);
	fd = open(h->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	argv[i++] = bin;
	argv[i++] = "--foreground";
	argv[i++] = "--rundir";
	argv[i++] = h->rundir;
	while (extra_args && *extra_args && i < 62)
		argv[i++] = *extra_args++;
	argv[i] = NULL;
	unsetenv("XYLEM_RUNDIR");
	execv(bin, (char *const *)argv);
	_exit(127);
}

int
harness_hv_start_in(struct harness_hv *h, const char *rundir,
		    const char *const *extra_args, int timeout_ms)
{
	char bin[4096];
	int rc, waited;

	if ((size_t)snprintf(h->rundir, sizeof(h->rundir), "%s", rundir) >=
	    sizeof(h->rundir))
		return -ENAMETOOLONG;
	snprintf(h->sock_path, sizeof(h->sock_path), "%s/hv.sock", rundir);
	snprintf(h->log_path, sizeof(h->log_path), "%s/xylem-hv.log", rundir);
	pid_t parent = getpid();

	rc = harness_hv_path(bin, sizeof(bin));
	if (rc)
		return rc;
	if (access(bin, X_OK) < 0)
		return -errno;
	h->pid = fork();
	if (h->pid < 0)
		return -errno;
	if (h->pid == 0)
		exec_hv(h, bin, extra_args, parent);
	setpgid(h->pid, h->pid); /* both sides, whichever runs first */
	track(h, true);
	for (waited = 0; waited <= timeout_ms; waited += 20) {
		int fd = harness_connect(h->sock_path);

		if (fd >= 0) {
			close(fd);
			return 0;
		}
		if (!harness_hv_alive(h))
			return -ECHILD;
		sleep_ms(20);
	}
	return -ETIMEDOUT;
}

int
harness_hv_start(struct harness_hv *h, const char *const *extra_args,
		 int timeout_ms)
{
	char dir[] = "/tmp/xylem-test.XXXXXX";
	int rc;

	memset(h, 0, sizeof(*h));
	if (!mkdtemp(dir))
		return -errno;
	/* Tests that drop to an unprivileged user must reach the socket. */
	if (chmod(dir, 0755) < 0)
		return -errno;
	h->owns_rundir = 1;
	rc = harness_hv_start_in(h, dir, extra_args, timeout_ms);
	if (rc)
		harness_hv_dump_log(h);
	return rc;
}

int
harness_hv_stop(struct harness_hv *h)
{
	int status = -ECHILD, waited;

	if (h->pid > 0) {
		kill(-h->pid, SIGTERM);
		for (waited = 0; waited < 5000; waited += 20) {
			if (waitpid(h->pid, &status, WNOHANG) == h->pid)
				break;
			sleep_ms(20);
		}
		if (waited >= 5000) {
			kill(-h->pid, SIGKILL);
			waitpid(h->pid, &status, 0);
		}
		/* Anything left in its group goes too. */
		kill(-h->pid, SIGKILL);
		h->pid = 0;
	} else if (h->pid < 0) {
		status = -(h->pid + 1);
		h->pid = 0;
	}
	track(h, false);
	if (h->owns_rundir && h->rundir[0]) {
		harness_rm_rf(h->rundir);
		h->rundir[0] = '\0';
	}
	return status;
}

void
harness_hv_dump_log(const struct harness_hv *h)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(h->log_path, "re");

	if (!f)
		return;
	fprintf(stderr, "---- %s ----\n", h->log_path);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stderr);
	fprintf(stderr, "---- end ----\n");
	fclose(f);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

int
harness_rm_rf(const char *path)
{
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0 ? -errno : 0;
}

const char *
harness_read_file(const char *path)
{
	static char buf[1 << 20];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n = 0;

	if (fd >= 0) {
		while (len < sizeof(buf) - 1 &&
		       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
			len += (size_t)n;
		close(fd);
	}
	buf[len] = '\0';
	return buf;
}

/*
 * Every process a test program starts must end with it, including daemons
 * that `xyl host start` detaches into sessions of their own, and including
 * those left behind by a test whose forked Check child died on a failed
 * assertion (Check skips its teardown then).  The test program makes
 * itself a child subreaper at load time, so such orphans are re-parented
 * to it instead of to init, and at its exit it ends all of its children.
 */
static pid_t reaper_pid;

static int
children_of(pid_t parent, pid_t *out, int cap)
{
	char path[64], buf[512];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)parent,
		 (int)parent);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (n < cap && fscanf(f, "%d", &out[n]) == 1)
		n++;
	(void)buf;
	fclose(f);
	return n;
}

static void
reap_all_children(void)
{
	pid_t kids[256];
	int n, i, round;

	if (getpid() != reaper_pid)
		return; /* a forked Check child: its parent does this */
	for (round = 0; round < 20; round++) {
		n = children_of(reaper_pid, kids, 256);
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
			kill(kids[i], round < 5 ? SIGTERM : SIGKILL);
		usleep(100000);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}

__attribute__((constructor)) static void
harness_become_reaper(void)
{
	reaper_pid = getpid();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == 0)
		atexit(reap_all_children);
}
