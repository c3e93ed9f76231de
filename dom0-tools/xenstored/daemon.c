/*
 * dom0-tools/xenstored/daemon.c: the daemon's life: the initial tree, the
 * socket, the single-threaded epoll loop (SIGTERM/SIGINT through a
 * signalfd end it) and the tear-down.  Owns the epoll fd.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "xenstored.h"

#define LOOP_EVENTS 64

int
store_io_add(struct store_ctx *ctx, struct store_io *io, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = io};

	return epoll_ctl(ctx->epfd, EPOLL_CTL_ADD, io->fd, &ev) < 0 ? -errno
								    : 0;
}

int
store_io_mod(struct store_ctx *ctx, struct store_io *io, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = io};

	return epoll_ctl(ctx->epfd, EPOLL_CTL_MOD, io->fd, &ev) < 0 ? -errno
								    : 0;
}

void
store_io_del(struct store_ctx *ctx, struct store_io *io)
{
	epoll_ctl(ctx->epfd, EPOLL_CTL_DEL, io->fd, NULL);
}

static void
signal_handler(struct store_io *io, uint32_t events)
{
	struct store_ctx *ctx =
		(struct store_ctx *)((char *)io -
				     offsetof(struct store_ctx, signal_io));
	struct signalfd_siginfo si;

	(void)events;
	if (read(io->fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		log_info("signal %u: stopping", si.ssi_signo);
	ctx->stop = true;
}

int
store_daemon_signals(struct store_ctx *ctx)
{
	ctx->signal_io.fd = daemon_signalfd(true);
	if (ctx->signal_io.fd < 0)
		return ctx->signal_io.fd;
	signal(SIGPIPE, SIG_IGN);
	ctx->signal_io.handler = signal_handler;
	return store_io_add(ctx, &ctx->signal_io, EPOLLIN);
}

/* What xen-init-dom0 writes on Xen: dom0's own nodes. */
static int
dom0_nodes(struct store_tree *t)
{
	struct store_who dom0 = {.domid = 0, .target = ~0u, .is_priv = true};
	int r = store_write(t, "/local/domain/0/domid", "0", 1, &dom0, NULL);

	if (r == 0)
		r = store_write(t, "/local/domain/0/name", "Domain-0", 8, &dom0,
				NULL);
	return r;
}

int
store_daemon_init(struct store_ctx *ctx, const char *rundir)
{
	char dir[300];
	int r;

	memset(ctx, 0, sizeof(*ctx));
	ctx->epfd = ctx->listen_io.fd = ctx->signal_io.fd = -1;
	ctx->events_io.fd = -1;
	store_quota_defaults(&ctx->quota);
	if (snprintf(ctx->rundir, sizeof(ctx->rundir), "%s", rundir) >=
	    (int)sizeof(ctx->rundir))
		return -ENAMETOOLONG;
	snprintf(dir, sizeof(dir), "%s/xenstored", rundir);
	snprintf(ctx->sock_path, sizeof(ctx->sock_path), "%s/socket", dir);
	snprintf(ctx->pid_path, sizeof(ctx->pid_path), "%s/xenstored.pid", dir);
	snprintf(ctx->host_pid_path, sizeof(ctx->host_pid_path),
		 "%s/xylem-xenstored.pid", rundir);
	if (mkdir(rundir, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	r = store_tree_init(&ctx->tree, &ctx->gen);
	if (r < 0)
		return r;
	r = dom0_nodes(&ctx->tree);
	if (r < 0)
		return r;
	ctx->tree.on_change = store_watch_on_change;
	ctx->tree.opaque = ctx;
	ctx->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ctx->epfd < 0)
		return -errno;
	return store_socket_listen(ctx);
}

/* Guests whose input waits (round limit, paused input) get another go. */
static bool
serve_pending(struct store_ctx *ctx)
{
	struct store_domain *d, *next;
	bool more = false;

	for (d = ctx->domains; d; d = next) {
		next = d->next;
		if (d->needs_service)
			store_ring_service(d);
		more |= d->needs_service;
	}
	return more;
}

int
store_daemon_run(struct store_ctx *ctx)
{
	struct epoll_event evs[LOOP_EVENTS];
	bool pending = false;
	int n, i;

	while (!ctx->stop) {
		n = epoll_wait(ctx->epfd, evs, LOOP_EVENTS, pending ? 0 : -1);
		if (n < 0 && errno != EINTR)
			return -errno;
		for (i = 0; i < n; i++) {
			struct store_io *io = evs[i].data.ptr;

			io->handler(io, evs[i].events);
		}
		pending = serve_pending(ctx);
		store_conn_reap(ctx);
		store_domain_reap(ctx);
	}
	return 0;
}

void
store_daemon_fini(struct store_ctx *ctx)
{
	struct store_conn *c;

	store_domain_destroy_all(ctx);
	for (c = ctx->conns; c; c = c->next)
		store_conn_destroy(c);
	store_conn_reap(ctx);
	store_domain_reap(ctx);
	store_socket_close(ctx);
	if (ctx->signal_io.fd >= 0)
		close(ctx->signal_io.fd);
	if (ctx->epfd >= 0)
		close(ctx->epfd);
	store_tree_free(&ctx->tree);
}
