/*
 * tests/lib/proc.c: spawn, capture and reap programs for integration
 * tests (see proc.h).  Every child gets its own process group so a
 * timeout kills everything it started.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "proc.h"

int
proc_bin_path(const char *name, char *buf, size_t len)
{
	char rel[256];

	if ((size_t)snprintf(rel, sizeof(rel), "bin/%s", name) >= sizeof(rel))
		return -ENAMETOOLONG;
	return harness_build_path(rel, buf, len);
}

int
proc_guest_path(char *buf, size_t len)
{
	return harness_build_path("guest/xylem-guest.elf", buf, len);
}

int
proc_start(struct proc *p, const char *rundir, char *const argv[])
{
	int pipefd[2];
	pid_t pid;

	memset(p, 0, sizeof(*p));
	p->out_fd = -1;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return -err;
	}
	if (pid == 0) {
		setpgid(0, 0);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		if (rundir)
			setenv("XYLEM_RUNDIR", rundir, 1);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(pipefd[1]);
	p->pid = pid;
	p->out_fd = pipefd[0];
	p->out = calloc(1, 1);
	return p->out ? 0 : -ENOMEM;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
proc_read_some(struct proc *p, int wait_ms)
{
	struct pollfd pfd = {.fd = p->out_fd, .events = POLLIN};
	char buf[4096];
	ssize_t n;
	char *grown;

	if (p->out_fd < 0)
		return 0;
	if (poll(&pfd, 1, wait_ms) <= 0)
		return -EAGAIN;
	n = read(p->out_fd, buf, sizeof(buf));
	if (n < 0)
		return errno == EINTR ? -EAGAIN : -errno;
	if (n == 0)
		return 0;
	grown = realloc(p->out, p->out_len + (size_t)n + 1);
	if (!grown)
		return -ENOMEM;
	p->out = grown;
	memcpy(p->out + p->out_len, buf, (size_t)n);
	p->out_len += (size_t)n;
	p->out[p->out_len] = '\0';
	return (int)n;
}

int
proc_wait_output(struct proc *p, const char *text, int timeout_ms)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;

	while (!proc_count(p->out, text)) {
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		if (proc_read_some(p, 100) == 0)
			return proc_count(p->out, text) ? 0 : -EPIPE;
	}
	return 0;
}

int
proc_wait(struct proc *p, int timeout_ms)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;
	int open_pipe = 1;

	while (open_pipe && now_ms() < deadline)
		open_pipe = proc_read_some(p, 50) != 0;
	if (open_pipe) {
		kill(-p->pid, SIGKILL);
		p->timed_out = 1;
	}
	while (waitpid(p->pid, &p->status, 0) < 0 && errno == EINTR)
		;
	if (p->out_fd >= 0) {
		while (!p->timed_out && proc_read_some(p, 0) > 0)
			;
		close(p->out_fd);
		p->out_fd = -1;
	}
	/* Whatever the child left behind in its group goes too. */
	kill(-p->pid, SIGKILL);
	if (p->timed_out)
		return -ETIMEDOUT;
	if (WIFEXITED(p->status))
		return WEXITSTATUS(p->status);
	return 128 + WTERMSIG(p->status);
}

int
proc_run(struct proc *p, const char *rundir, char *const argv[],
	 int timeout_ms)
{
	int rc = proc_start(p, rundir, argv);

	if (rc < 0)
		return rc;
	return proc_wait(p, timeout_ms);
}

void
proc_free(struct proc *p)
{
	if (p->out_fd >= 0)
		close(p->out_fd);
	free(p->out);
	p->out = NULL;
}

long
proc_rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

int
proc_count(const char *haystack, const char *needle)
{
	size_t nlen = strlen(needle);
	int n = 0;

	if (!haystack || !nlen)
		return 0;
	for (const char *s = strstr(haystack, needle); s;
	     s = strstr(s + nlen, needle))
		n++;
	return n;
}
