/*
 * dom0-tools/xenstored/main.c: xylem-xenstored's entry point: options,
 * the pid files, going to the background (only with --background: by
 * default it stays in the foreground, as `xyl host start` runs it), the
 * loop (daemon.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"rundir", required_argument, NULL, 'r'},
		{"foreground", no_argument, NULL, 'F'},
		{"background", no_argument, NULL, 'B'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *rundir = NULL;
	bool foreground = true;
	int c, r;

	log_init("xylem-xenstored");
	while ((c = getopt_long(argc, argv, "r:FBvh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			rundir = optarg;
			break;
		case 'F':
			foreground = true;
			break;
		case 'B':
			foreground = false;
			break;
		case 'v':
			log_raise_level();
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!rundir)
		rundir = xylctl_default_rundir();
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
