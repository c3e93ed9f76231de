/*
 * dom0-tools/common/daemon.h: start-up pieces every dom0 daemon shares
 * (xylem-blkback, -netback, -consoled, -sharedtimer, -xenstored): the
 * locked pid file that keeps a second instance off a rundir, and the
 * signalfd that turns SIGTERM/SIGINT into a loop event.
 */
#ifndef DOM0_DAEMON_H
#define DOM0_DAEMON_H

#include <stdbool.h>
#include <stddef.h>

/* buf = rundir/program.pid */
void daemon_pidfile_path(char *buf, size_t cap, const char *rundir,
			 const char *program);

/* Open path, take its lock (held as long as the fd is open, so a kill -9
 * frees it) and empty it.  The fd, -EEXIST when another process holds
 * the lock, or another -errno. */
int daemon_pidfile_claim(const char *path);

/* Write our pid into a claimed pid file: the sign that we serve.  0 or
 * -errno. */
int daemon_pidfile_ready(int fd);

/* daemon_pidfile_claim and daemon_pidfile_ready in one step: the fd or
 * -errno as daemon_pidfile_claim. */
int daemon_pidfile_take(const char *path);

/* Block SIGTERM and SIGINT (and SIGHUP if is_hup_too) and return a
 * non-blocking, close-on-exec signalfd for them, or -errno. */
int daemon_signalfd(bool is_hup_too);

#endif
