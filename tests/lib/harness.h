/*
 * tests/lib/harness.h: shared integration-test harness: run the real
 * build/bin/xylem-hv with a private rundir, wait for its control socket,
 * talk to it raw, and stop it (and everything it started) afterwards.
 * Functions return 0 or -errno unless said otherwise; none of them exit.
 */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

/* One running xylem-hv. */
struct harness_hv {
	pid_t pid;	     /* > 0 while running; its own process group */
	char rundir[64];     /* private: mkdtemp, mode 0755 */
	char sock_path[128]; /* rundir/hv.sock */
	char log_path[128];  /* rundir/xylem-hv.log: its stdout+stderr */
	int owns_rundir;     /* harness_hv_stop removes rundir */
};

/* Why integration tests that need xylem-hv cannot run on this machine,
 * or NULL if they can.  The only reason is an absent /dev/kvm; anything
 * else (no permission on it, xylem-hv not built) must fail the suite, so
 * it is not reported here.  Callers print the reason and skip. */
const char *harness_skip_reason(void);

/* Path of rel inside the build directory the running test binary lives
 * in (build/tests/x -> build/<rel>). */
int harness_build_path(const char *rel, char *buf, size_t len);

/* Path of xylem-hv: $XYLEM_HV if set, else ../bin/xylem-hv relative to
 * the running test binary (build/tests/x -> build/bin/xylem-hv). */
int harness_hv_path(char *buf, size_t len);

/* Path of a test guest built into $(BUILD)/tests/guests/ (next to the
 * running test binary): harness_guest_path("hello.elf", ...). */
int harness_guest_path(const char *name, char *buf, size_t len);

/* Start xylem-hv with a fresh private rundir (--rundir) and the extra
 * arguments extra_args (NULL-terminated, may be NULL); wait up to
 * timeout_ms for the control socket to accept.  -ENOENT/-EACCES the
 * binary is missing, -ETIMEDOUT it never answered, -ECHILD it exited
 * first (see its log).  xylem-hv runs in its own process group, with
 * --foreground, its output in log_path, and gets SIGTERM if the calling
 * process dies (PR_SET_PDEATHSIG): Check ends a failed test's process
 * without running its teardown or atexit handlers, and xylem-hv must not
 * outlive it (its rundir and log then stay in /tmp for diagnosis).  An
 * exit() of the process that started hvs still running SIGKILLs them and
 * removes their rundirs (so h must still exist then: static or heap, not
 * main's stack).  Forked children never kill their parent's hvs. */
int harness_hv_start(struct harness_hv *h, const char *const *extra_args,
		     int timeout_ms);
/* Same, in an existing directory (not removed by harness_hv_stop). */
int harness_hv_start_in(struct harness_hv *h, const char *rundir,
			const char *const *extra_args, int timeout_ms);

/* SIGTERM to xylem-hv's process group, wait up to 5 s, then SIGKILL;
 * remove the private rundir.  Returns xylem-hv's wait status (>= 0) or
 * -errno.  Safe to call twice. */
int harness_hv_stop(struct harness_hv *h);

/* 1 if the xylem-hv process is still alive, else 0 (reaps it). */
int harness_hv_alive(struct harness_hv *h);

/* Connect a raw SOCK_SEQPACKET socket (O_CLOEXEC) to path; fd or -errno. */
int harness_connect(const char *sock_path);

/* Wait until path accepts a connection, up to timeout_ms. */
int harness_wait_socket(const char *sock_path, int timeout_ms);
/* Same for a SOCK_STREAM socket (xenstored's). */
int harness_wait_stream_socket(const char *sock_path, int timeout_ms);

/* Copy xylem-hv's log to stderr (for a failing test's diagnosis). */
void harness_hv_dump_log(const struct harness_hv *h);

/* Remove a directory tree (files and subdirectories). */
int harness_rm_rf(const char *path);

/* The content of path (its first 1 MiB), NUL-terminated, or "" if it
 * cannot be read.  A static buffer: the next call overwrites it. */
const char *harness_read_file(const char *path);

#endif
