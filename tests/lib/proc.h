/*
 * tests/lib/proc.h: run programs from integration tests: spawn with an
 * environment override, capture stdout+stderr into a buffer, wait with a
 * deadline (killing the process group when it passes).  Nothing here
 * exits; functions return 0 or -errno unless said otherwise.
 */
#ifndef TESTS_PROC_H
#define TESTS_PROC_H

#include <stddef.h>
#include <sys/types.h>

struct proc {
	pid_t pid;      /* its own process group */
	int out_fd;     /* read end: the child's stdout and stderr */
	char *out;      /* captured output, NUL-terminated (malloc'd) */
	size_t out_len;
	int status;     /* wait status once finished */
	int timed_out;  /* 1 if proc_wait killed it */
};

/* Start argv[0] (a path) with argv, XYLEM_RUNDIR=rundir if rundir. */
int proc_start(struct proc *p, const char *rundir, char *const argv[]);
/* Collect output until exit or timeout_ms; kill the group on timeout.
 * Returns the exit code (0..255), 128+signal, or -ETIMEDOUT. */
int proc_wait(struct proc *p, int timeout_ms);
/* Append what the child wrote, waiting up to wait_ms for something:
 * bytes appended (> 0), 0 at end of output, -EAGAIN if nothing came. */
int proc_read_some(struct proc *p, int wait_ms);
/* Read until the output contains text: 0, -ETIMEDOUT, or -EPIPE if the
 * output ended without it. */
int proc_wait_output(struct proc *p, const char *text, int timeout_ms);
/* proc_start + proc_wait. */
int proc_run(struct proc *p, const char *rundir, char *const argv[],
	     int timeout_ms);
void proc_free(struct proc *p);

/* Path of a program built beside the tests: build/bin/<name>. */
int proc_bin_path(const char *name, char *buf, size_t len);
/* Path of the guest image: build/guest/xylem-guest.elf. */
int proc_guest_path(char *buf, size_t len);

/* Resident set size of pid in KiB (VmRSS), or -errno. */
long proc_rss_kib(pid_t pid);
/* Count of non-overlapping occurrences of needle in haystack. */
int proc_count(const char *haystack, const char *needle);

#endif
