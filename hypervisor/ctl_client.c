/*
 * hypervisor/ctl_client.c: one control connection: accept with the
 * credential check, non-blocking receive (fds with MSG_CMSG_CLOEXEC),
 * decoding through ctl_parse_request, dispatch to the ctl_* handlers, and
 * a bounded output queue.  A client that floods or stops reading costs a
 * bounded amount and is dropped; it never blocks the loop.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control.h"
#include "ctl_priv.h"
#include "evtchn.h"
#include "hv.h"
#include "log.h"

#define CTL_REPLY_HDR_LEN (sizeof(struct xyl_ctl_reply))

static const ctl_handler ctl_handlers[XYL_CTL_TYPE_COUNT] = {
	[XYL_CTL_HOST_INFO] = ctl_host_info,
	[XYL_CTL_DOMAIN_CREATE] = ctl_domain_create,
	[XYL_CTL_DOMAIN_DESTROY] = ctl_domain_destroy,
	[XYL_CTL_DOMAIN_PAUSE] = ctl_domain_pause,
	[XYL_CTL_DOMAIN_UNPAUSE] = ctl_domain_unpause,
	[XYL_CTL_DOMAIN_GETINFO] = ctl_domain_getinfo,
	[XYL_CTL_DOMAIN_LIST] = ctl_domain_list,
	[XYL_CTL_DOMAIN_SHUTDOWN] = ctl_domain_shutdown,
	[XYL_CTL_MEMORY_MAP] = ctl_memory_map,
	[XYL_CTL_HVM_PARAM_GET] = ctl_hvm_param_get,
	[XYL_CTL_HVM_PARAM_SET] = ctl_hvm_param_set,
	[XYL_CTL_EVTCHN_ALLOC_UNBOUND] = ctl_evtchn_alloc_unbound,
	[XYL_CTL_EVTCHN_BIND_INTERDOMAIN] = ctl_evtchn_bind_interdomain,
	[XYL_CTL_EVTCHN_CLOSE] = ctl_evtchn_close,
	[XYL_CTL_GNTTAB_FRAMES] = ctl_gnttab_frames,
	[XYL_CTL_DMESG] = ctl_dmesg,
	[XYL_CTL_CONSOLE_READ] = ctl_console_read,
	[XYL_CTL_EVENTS_SUBSCRIBE] = ctl_events_subscribe,
	[XYL_CTL_SCHED_CREDIT_GET] = ctl_sched_credit_get,
	[XYL_CTL_SCHED_CREDIT_SET] = ctl_sched_credit_set,
	[XYL_CTL_VCPU_LIST] = ctl_vcpu_list,
	[XYL_CTL_VCPU_PIN] = ctl_vcpu_pin,
	[XYL_CTL_VCPU_SET] = ctl_vcpu_set,
	[XYL_CTL_DOMAIN_RENAME] = ctl_domain_rename,
	[XYL_CTL_DOMAIN_SET_MAX_MEM] = ctl_domain_set_max_mem,
	[XYL_CTL_SHARED_TIMER_MAP] = ctl_shared_timer_map,
};

static unsigned ctl_take_fds(struct msghdr *msg, int *fds);

static void
close_fds(int *fds, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

struct ctl_out_pkt *
ctl_pkt_alloc(size_t len)
{
	struct ctl_out_pkt *p = calloc(1, sizeof(*p) + len);

	if (p)
		p->len = len;
	return p;
}

void
ctl_pkt_free(struct ctl_out_pkt *p)
{
	close_fds(p->fds, p->nr_fds);
	free(p);
}

/* A reply packet of the given type with body_len body bytes (zeroed). */
static struct ctl_out_pkt *
ctl_reply_alloc(uint16_t type, uint32_t seq, int err, const char *detail,
		size_t body_len)
{
	struct ctl_out_pkt *p = ctl_pkt_alloc(CTL_REPLY_HDR_LEN + body_len);
	struct xyl_ctl_reply *r;

	if (!p)
		return NULL;
	r = (struct xyl_ctl_reply *)p->data;
	r->hdr.magic = XYL_CTL_MAGIC;
	r->hdr.version = XYL_CTL_VERSION;
	r->hdr.type = type;
	r->hdr.len = (uint32_t)(p->len - sizeof(r->hdr));
	r->hdr.seq = seq;
	r->err = err;
	if (detail)
		snprintf(r->detail, sizeof(r->detail), "%s", detail);
	return p;
}

/* Watch for input unless closing, and for room to write while the output
 * queue is not empty. */
static void
ctl_set_epoll(struct ctl_client *c, bool want_out)
{
	struct epoll_event ev = {.data.ptr = c};

	ev.events = (c->is_closing ? 0 : EPOLLIN) | (want_out ? EPOLLOUT : 0);
	if (c->epoll_events == ev.events)
		return;
	if (epoll_ctl(c->srv->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->epoll_events = ev.events;
	else
		ctl_client_kill(c, "epoll_ctl failed");
}

/* Send one packet without blocking: 1 sent, 0 would block, -errno. */
static int
ctl_send_pkt(int fd, const struct ctl_out_pkt *p)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * XYL_CTL_MAX_FDS)];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = {.iov_base = (void *)p->data, .iov_len = p->len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cm;

	if (p->nr_fds) {
		memset(&cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * p->nr_fds);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * p->nr_fds);
		memcpy(CMSG_DATA(cm), p->fds, sizeof(int) * p->nr_fds);
	}
	for (;;) {
		if (sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
			return 1;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	}
}

void
ctl_client_flush(struct ctl_client *c)
{
	struct ctl_out_pkt *p;
	int rc;

	while (!c->is_dead && (p = c->out_head)) {
		rc = ctl_send_pkt(c->fd, p);
		if (rc == 0) {
			ctl_set_epoll(c, true);
			return;
		}
		if (rc < 0) {
			ctl_client_kill(c, "send failed");
			return;
		}
		c->out_head = p->next;
		if (!c->out_head)
			c->out_tail = NULL;
		c->out_pkts--;
		c->out_bytes -= p->len;
		ctl_pkt_free(p);
	}
	if (c->is_closing)
		ctl_client_kill(c, "event subscriber fell behind");
	else if (!c->is_dead)
		ctl_set_epoll(c, false);
}

void
ctl_client_append(struct ctl_client *c, struct ctl_out_pkt *p)
{
	p->next = NULL;
	if (c->out_tail)
		c->out_tail->next = p;
	else
		c->out_head = p;
	c->out_tail = p;
	c->out_pkts++;
	c->out_bytes += p->len;
}

int
ctl_client_queue(struct ctl_client *c, struct ctl_out_pkt *p)
{
	if (c->is_dead || c->is_closing) {
		ctl_pkt_free(p);
		return -EPIPE;
	}
	if (c->out_pkts >= CTL_OUT_MAX_PKTS ||
	    c->out_bytes + p->len > CTL_OUT_MAX_BYTES) {
		ctl_pkt_free(p);
		ctl_client_kill(c,
				"output queue overflow (client not reading)");
		return -ENOBUFS;
	}
	ctl_client_append(c, p);
	ctl_client_flush(c);
	return 0;
}

void
ctl_send_error(struct ctl_client *c, uint16_t type, uint32_t seq, int err,
	       const char *detail)
{
	struct ctl_out_pkt *p = ctl_reply_alloc(type, seq, err, detail, 0);

	if (!p) {
		ctl_client_kill(c, "out of memory");
		return;
	}
	ctl_client_queue(c, p);
}

void
ctl_client_kill(struct ctl_client *c, const char *why)
{
	struct ctl_server *srv = c->srv;

	if (c->is_dead)
		return;
	c->is_dead = true;
	if (why)
		log_info(srv->hv, "control: pid %d uid %d: closing: %s",
			 (int)c->pid, (int)c->uid, why);
	epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	evtchn_dom0_close_owner(srv->hv, c);
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	srv->nr_clients--;
	c->prev = NULL;
	c->next = srv->dead;
	srv->dead = c;
}

void
ctl_client_free(struct ctl_client *c)
{
	struct ctl_out_pkt *p;

	while ((p = c->out_head)) {
		c->out_head = p->next;
		ctl_pkt_free(p);
	}
	free(c);
}

/* Drop whatever the peer already sent (closing any fds in it): closing a
 * socket with unread input makes the peer's recv fail with ECONNRESET
 * before it can read our last reply. */
static void
ctl_drain_input(int fd, uint8_t *scratch, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * XYL_CTL_MAX_FDS)];
		struct cmsghdr align;
	} cbuf;
	int fds[XYL_CTL_MAX_FDS];
	unsigned i, n;

	for (i = 0; i < 64; i++) {
		struct iovec iov = {.iov_base = scratch, .iov_len = len};
		struct msghdr msg = {.msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = cbuf.buf,
				     .msg_controllen = sizeof(cbuf.buf)};

		if (recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) <= 0)
			return;
		n = ctl_take_fds(&msg, fds);
		close_fds(fds, n);
	}
}

/* Refuse a connection: one ERROR_REPLY, then close.  Best effort: a peer
 * whose buffer is full simply sees the close. */
static void
ctl_refuse(struct ctl_server *srv, int fd, int err, const char *detail)
{
	struct ctl_out_pkt *p =
		ctl_reply_alloc(XYL_CTL_ERROR_REPLY, 0, err, detail, 0);

	if (p) {
		ctl_send_pkt(fd, p);
		ctl_pkt_free(p);
	}
	ctl_drain_input(fd, srv->rx, sizeof(srv->rx));
	close(fd);
}

static void
ctl_accept_one(struct ctl_server *srv, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct ctl_client *c;
	struct epoll_event ev;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		ctl_refuse(srv, fd, -EACCES, "no peer credentials");
		return;
	}
	if (ctl_peer_allowed(srv->hv, cred.pid, cred.uid, cred.gid) < 0) {
		log_warn(srv->hv, "control: refused pid %d uid %d gid %d",
			 (int)cred.pid, (int)cred.uid, (int)cred.gid);
		ctl_refuse(srv, fd, -EACCES,
			   "permission denied: need root or the control group");
		return;
	}
	if (srv->nr_clients >= CTL_MAX_CLIENTS) {
		ctl_refuse(srv, fd, -EUSERS, "too many control connections");
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		ctl_refuse(srv, fd, -ENOMEM, "out of memory");
		return;
	}
	c->srv = srv;
	c->fd = fd;
	c->pid = cred.pid;
	c->uid = cred.uid;
	c->gid = cred.gid;
	ev.events = EPOLLIN;
	ev.data.ptr = c;
	c->epoll_events = EPOLLIN;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(c);
		ctl_refuse(srv, fd, -ENOMEM, "cannot watch the connection");
		return;
	}
	c->next = srv->clients;
	if (c->next)
		c->next->prev = c;
	srv->clients = c;
	srv->nr_clients++;
	log_debug(srv->hv, "control: pid %d uid %d connected", (int)c->pid,
		  (int)c->uid);
}

void
ctl_client_accept(struct ctl_server *srv)
{
	int i, fd;

	/* A bounded number per wakeup keeps a connect storm from starving
	 * the clients that are already there (the epoll set is level-
	 * triggered, so the rest come next round). */
	for (i = 0; i < 16; i++) {
		fd = accept4(srv->listen_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn(srv->hv, "control: accept: %s",
					 strerror(errno));
			return;
		}
		ctl_accept_one(srv, fd);
	}
}

/* Run a parsed request and queue its reply. */
static void
ctl_dispatch(struct ctl_client *c, const struct ctl_request *r, int *fds)
{
	size_t body = ctl_reply_body_size(r->type);
	struct ctl_reply_out out = {.nr_fds = 0};
	struct ctl_out_pkt *p;
	struct xyl_ctl_reply *rep;
	int rc;

	p = ctl_reply_alloc(r->type, r->seq, 0, NULL, body);
	if (!p) {
		ctl_client_kill(c, "out of memory");
		return;
	}
	out.body = p->data + CTL_REPLY_HDR_LEN;
	rc = ctl_handlers[r->type](c, r, fds, &out);
	if (rc == 0 && out.nr_fds != ctl_reply_nr_fds(r->type)) {
		rc = -EIO;
		snprintf(out.detail, sizeof(out.detail),
			 "%s: internal error: %u fds for the reply",
			 ctl_type_name(r->type), out.nr_fds);
	}
	rep = (struct xyl_ctl_reply *)p->data;
	if (rc) {
		close_fds(out.fds, out.nr_fds);
		p->len = CTL_REPLY_HDR_LEN;
		rep->hdr.len = (uint32_t)(p->len - sizeof(rep->hdr));
		rep->err = rc;
		if (!out.detail[0])
			snprintf(out.detail, sizeof(out.detail), "%s: %s",
				 ctl_type_name(r->type), strerror(-rc));
		snprintf(rep->detail, sizeof(rep->detail), "%s", out.detail);
	} else {
		memcpy(p->fds, out.fds, sizeof(int) * out.nr_fds);
		p->nr_fds = out.nr_fds;
		rep->nr_fds = out.nr_fds;
	}
	ctl_client_queue(c, p);
}

/* Collect the SCM_RIGHTS fds of a received message into fds[]. */
static unsigned
ctl_take_fds(struct msghdr *msg, int *fds)
{
	struct cmsghdr *cm;
	unsigned n = 0, k, i;

	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int),
			       sizeof(fd));
			if (n < XYL_CTL_MAX_FDS)
				fds[n++] = fd;
			else
				close(fd);
		}
	}
	return n;
}

static bool
ctl_peer_hung_up(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLRDHUP};

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP));
}

/* Receive and handle one packet: 1 handled, 0 nothing to read, -1 gone. */
static int
ctl_client_recv_one(struct ctl_client *c)
{
	struct ctl_server *srv = c->srv;
	union {
		char buf[CMSG_SPACE(sizeof(int) * XYL_CTL_MAX_FDS)];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = {.iov_base = srv->rx, .iov_len = sizeof(srv->rx)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf.buf,
			     .msg_controllen = sizeof(cbuf.buf)};
	char detail[XYL_DETAIL_MAX];
	struct ctl_request req;
	int fds[XYL_CTL_MAX_FDS];
	unsigned nr_fds;
	ssize_t n;
	int rc;

	n = recvmsg(c->fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		/* A client that exits with replies unread resets the
		 * connection: an ordinary hang-up, not worth a log line. */
		ctl_client_kill(c,
				errno == ECONNRESET ? NULL : "receive failed");
		return -1;
	}
	nr_fds = ctl_take_fds(&msg, fds);
	/* SOCK_SEQPACKET reports both EOF and an empty packet as 0. */
	if (n == 0 && nr_fds == 0 && ctl_peer_hung_up(c->fd)) {
		ctl_client_kill(c, NULL);
		return -1;
	}
	rc = ctl_parse_request(srv->rx, (size_t)n, msg.msg_flags, nr_fds, &req,
			       detail, sizeof(detail));
	if (rc) {
		log_debug(srv->hv, "control: pid %d: bad request: %s",
			  (int)c->pid, detail);
		close_fds(fds, nr_fds);
		ctl_send_error(c, XYL_CTL_ERROR_REPLY, req.seq, rc, detail);
		return 1;
	}
	ctl_dispatch(c, &req, fds);
	close_fds(fds, nr_fds);
	return 1;
}

void
ctl_client_io(struct ctl_client *c, uint32_t events)
{
	int i;

	if (c->is_dead)
		return;
	if (events & EPOLLOUT)
		ctl_client_flush(c);
	for (i = 0; i < CTL_RX_BUDGET && !c->is_dead && !c->is_closing; i++)
		if (ctl_client_recv_one(c) <= 0)
			break;
	if (!c->is_dead && (events & (EPOLLHUP | EPOLLERR)) &&
	    (!(events & EPOLLIN) || c->is_closing))
		ctl_client_kill(c, NULL);
}
