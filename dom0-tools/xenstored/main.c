/*
 * dom0-tools/xenstored/main.c: xylem-xenstored's entry point: options,
 * the pid files, going to the background (only with --background: by
 * default it stays in the foreground, as `xyl host start` runs it), the
 * loop (daemon.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "xenstored.h"

/* Only main.c's: the one context of the process (STYLE 3.4). */
static struct store_ctx ctx;

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: xylem-xenstored [--rundir DIR] [--foreground | "
		"--background] [-v]...\n"
		"  serves xenstore on DIR/xenstored/socket (DIR defaults to\n"
		"  $XYLEM_RUNDIR, else /run/xylem) and on guests' rings\n");
}

static int
pidfile_write(const char *path)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -errno;
	fprintf(f, "%d\n", (int)getpid());
	return fclose(f) == 0 ? 0 : -errno;
}

/* Fork; the parent exits once the socket is already listening. */
static int
background(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	setsid();
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
	return 0;
}

/* --foreground / --background */
static int
on_opt(void *arg, int c, const char *value)
{
	bool *is_foreground = arg;

	(void)value;
	*is_foreground = c == 'F';
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"foreground", no_argument, NULL, 'F'},
		{"background", no_argument, NULL, 'B'},
		{NULL, 0, NULL, 0},
	};
	const char *rundir = xylctl_default_rundir();
	bool foreground = true;
	const struct daemon_cli cli = {usage, opts, "FB", on_opt, &foreground};
	int r;

	log_init("xylem-xenstored");
	r = daemon_parse_args(&cli, argc, argv, &rundir);
	if (r != 0)
		return r < 0 ? 2 : 0;
	r = store_daemon_init(&ctx, rundir);
	if (r < 0) {
		log_err("%s/xenstored/socket: %s", rundir, strerror(-r));
		store_daemon_fini(&ctx);
		return 1;
	}
	if (!foreground && background() < 0) {
		log_err("fork: %s", strerror(errno));
		return 1;
	}
	r = store_daemon_signals(&ctx);
	if (r < 0) {
		log_err("signalfd: %s", strerror(-r));
		store_daemon_fini(&ctx);
		return 1;
	}
	/* Xen's place, and the one `xyl host` looks for (its contract). */
	r = pidfile_write(ctx.pid_path);
	if (r == 0)
		r = pidfile_write(ctx.host_pid_path);
	if (r < 0)
		log_warn("pid file: %s", strerror(-r));
	log_info("serving %s", ctx.sock_path);
	r = store_daemon_run(&ctx);
	if (r < 0)
		log_err("event loop: %s", strerror(-r));
	unlink(ctx.pid_path);
	unlink(ctx.host_pid_path);
	store_daemon_fini(&ctx);
	return r < 0 ? 1 : 0;
}
