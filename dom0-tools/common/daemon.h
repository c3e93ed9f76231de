/*
 * dom0-tools/common/daemon.h: start-up pieces every dom0 daemon shares
 * (xylem-blkback, -netback, -consoled, -sharedtimer, -xenstored): the
 * command line's common options, the locked pid file that keeps a second
 * instance off a rundir, the signalfd that turns SIGTERM/SIGINT into a
 * loop event, and daemon_main, which strings them together.
 */
#ifndef DOM0_DAEMON_H
#define DOM0_DAEMON_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A daemon's command line: --rundir DIR (-r), --verbose (-v, repeatable:
 * log more), --help (-h), and the program's own options. */
struct daemon_cli {
	void (*usage)(FILE *f);
	/* The program's own long options (a zeroed entry ends them; NULL:
	 * none) and their getopt short letters ("" or NULL: none). */
	const struct option *opts;
	const char *shortopts;
	/* Take one of them (c: its val): 0, or -EINVAL after logging why. */
	int (*on_opt)(void *ctx, int c, const char *value);
	void *ctx;
};

/* Parse argv; *rundir is set by --rundir, else left alone.  0: go on;
 * 1: --help printed the usage (exit 0); -EINVAL: a bad option or value,
 * usage on stderr (exit 2). */
int daemon_parse_args(const struct daemon_cli *cli, int argc, char **argv,
		      const char **rundir);

/* A daemon's life, for daemon_main.  Every hook gets cli.ctx. */
struct daemon_main {
	const char *program; /* "xylem-netback": the pid file's name */
	struct daemon_cli cli;
	const char *rundir;  /* preset by main (xylctl_default_rundir()) */
	const char *pidfile; /* NULL: rundir/<program>.pid */
	/* Set up, serve, tear down: init and run return 0 or -errno (and
	 * log it); fini also runs after a failed init. */
	int (*init)(void *ctx, const char *rundir);
	int (*run)(void *ctx);
	void (*fini)(void *ctx);
};

/* Parse the command line into m, take the pid file's lock (held as long
 * as we run, so a kill -9 frees it: one instance per rundir), init, write
 * our pid into it (the sign that we serve), run, fini and drop the pid
 * file.  main's exit status: 0, 1 (failed) or 2 (usage). */
int daemon_main(struct daemon_main *m, int argc, char **argv);

/* Block SIGTERM and SIGINT (and SIGHUP if is_hup_too) and return a
 * non-blocking, close-on-exec signalfd for them, or -errno. */
int daemon_signalfd(bool is_hup_too);

#endif
