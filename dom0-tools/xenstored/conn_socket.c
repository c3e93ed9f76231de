/*
 * dom0-tools/xenstored/conn_socket.c: the Unix socket transport at
 * $rundir/xenstored/socket (mode 0600: root only, as Xen's).  Every
 * socket client is dom0 (privileged, home /local/domain/0).  Bytes read
 * here go to conn.c unparsed; wire.c judges them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xenstored.h"

#define SOCKET_READS_PER_TURN 16

void
store_socket_update(struct store_conn *c)
{
	uint32_t ev = 0;

	if (c->is_dead)
		return;
	if (store_conn_may_read(c))
		ev |= EPOLLIN;
	if (c->out_head)
		ev |= EPOLLOUT;
	store_io_mod(c->ctx, &c->io, ev);
}

void
store_socket_flush(struct store_conn *c)
{
	struct store_out *o;
	ssize_t n;

	while ((o = c->out_head)) {
		n = send(c->io.fd, o->data + o->off, o->len - o->off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			store_conn_destroy(c);
			return;
		}
		o->off += (uint32_t)n;
		if (o->off < o->len)
			continue;
		c->out_head = o->next;
		if (!c->out_head)
			c->out_tail = NULL;
		c->nr_out--;
		c->nr_out_events -= o->is_event;
		c->out_bytes -= o->len;
		free(o);
	}
	if (c->out_head)
		store_socket_update(c); /* wait for EPOLLOUT */
}

static void
socket_readable(struct store_conn *c)
{
	ssize_t n;
	int i;

	for (i = 0; i < SOCKET_READS_PER_TURN && store_conn_may_read(c); i++) {
		n = recv(c->io.fd, c->in + c->in_len, sizeof(c->in) - c->in_len,
			 MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			store_conn_destroy(c);
			return;
		}
		c->in_len += (uint32_t)n;
		if (store_conn_process(c) < 0) {
			log_warn("socket client: malformed message header "
				 "(payload over %u bytes); closing it",
				 XENSTORE_PAYLOAD_MAX);
			store_conn_destroy(c);
			return;
		}
	}
}

static void
socket_handler(struct store_io *io, uint32_t events)
{
	struct store_conn *c =
		(struct store_conn *)((char *)io -
				      offsetof(struct store_conn, io));

	if (events & EPOLLOUT)
		store_socket_flush(c);
	/* Input paused earlier may go on now that output drained. */
	if (!c->is_dead && store_conn_process(c) < 0)
		store_conn_destroy(c);
	if (!c->is_dead && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		socket_readable(c);
	store_socket_update(c);
}

static void
listen_handler(struct store_io *io, uint32_t events)
{
	struct store_ctx *ctx =
		(struct store_ctx *)((char *)io -
				     offsetof(struct store_ctx, listen_io));
	struct store_who dom0 = {.domid = 0, .target = ~0u, .is_priv = true};
	struct store_conn *c;
	int fd;

	(void)events;
	fd = accept4(io->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	c = store_conn_new(ctx, STORE_CONN_SOCKET, &dom0);
	if (!c) {
		close(fd);
		return;
	}
	c->io.fd = fd;
	c->io.handler = socket_handler;
	if (store_io_add(ctx, &c->io, EPOLLIN) < 0) {
		store_conn_destroy(c);
		return;
	}
	log_debug("socket client connected (fd %d)", fd);
}

/* Is something already answering at path? */
static bool
socket_in_use(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool used;

	if (fd < 0)
		return false;
	used = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return used;
}

int
store_socket_listen(struct store_ctx *ctx)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd, r;

	if (strlen(ctx->sock_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, ctx->sock_path);
	if (lstat(ctx->sock_path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		if (socket_in_use(&sa))
			return -EADDRINUSE;
		unlink(ctx->sock_path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(ctx->sock_path, 0600) < 0 || listen(fd, 64) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	ctx->listen_io.fd = fd;
	ctx->listen_io.handler = listen_handler;
	r = store_io_add(ctx, &ctx->listen_io, EPOLLIN);
	if (r < 0) {
		close(fd);
		ctx->listen_io.fd = -1;
	}
	return r;
}

void
store_socket_close(struct store_ctx *ctx)
{
	if (ctx->listen_io.fd < 0)
		return;
	store_io_del(ctx, &ctx->listen_io);
	close(ctx->listen_io.fd);
	ctx->listen_io.fd = -1;
	unlink(ctx->sock_path);
}
