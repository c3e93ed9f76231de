/*
 * dom0-tools/libxylemctl/xylctl.c: connections to xylem-hv and the request/
 * reply exchange under every call.  Trust boundary: replies from the
 * control socket are checked (magic, version, seq, type, exact length,
 * detail NUL, fd count) before any field is used; a bad one is -EPROTO.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "xylctl_priv.h"

#define REPLY_FIXED  (sizeof(struct xyl_ctl_reply) - sizeof(struct xyl_ctl_hdr))
#define MAX_REQ_BODY sizeof(struct xyl_ctl_domain_create)

const char *
xylctl_default_rundir(void)
{
	const char *d = getenv("XYLEM_RUNDIR");

	return d && d[0] ? d : "/run/xylem";
}

int
xylctl_fail(struct xylctl *x, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->detail, sizeof(x->detail), fmt, ap);
	va_end(ap);
	return err;
}

void
xylctl_close_fds(int *fds, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

int
xylctl_connect(const char *rundir, struct xylctl **out)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct xylctl *x;
	int n, rc;

	*out = NULL;
	if (!rundir)
		rundir = xylctl_default_rundir();
	n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", rundir,
		     XYL_CTL_SOCKET_NAME);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (x->fd < 0) {
		rc = -errno;
		free(x);
		return rc;
	}
	if (connect(x->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		close(x->fd);
		free(x);
		return rc;
	}
	*out = x;
	return 0;
}

int
xylctl_open(const char *rundir, struct xylctl **out)
{
	return xylctl_connect(rundir, out);
}

void
xylctl_close(struct xylctl *x)
{
	if (!x)
		return;
	if (x->fd >= 0)
		close(x->fd);
	free(x);
}

const char *
xylctl_last_detail(const struct xylctl *x)
{
	return x ? x->detail : "";
}

static unsigned
take_fds(struct msghdr *msg, int *fds)
{
	struct cmsghdr *cm;
	unsigned n = 0, k, i;
	int fd;

	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k; i++) {
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

int
xylctl_recv(struct xylctl *x, int flags, int *fds, unsigned *nr_fds,
	    int *msg_flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * XYL_CTL_MAX_FDS)];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = {.iov_base = x->buf, .iov_len = sizeof(x->buf)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf.buf,
			     .msg_controllen = sizeof(cbuf.buf)};
	ssize_t n;

	*nr_fds = 0;
	do
		n = recvmsg(x->fd, &msg, flags | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == ECONNRESET ? -EPIPE : -errno;
	*nr_fds = take_fds(&msg, fds);
	*msg_flags = msg.msg_flags;
	if (n == 0 && *nr_fds == 0)
		return xylctl_fail(x, -EPIPE, "xylem-hv closed the connection");
	return (int)n;
}

/* Checks of one reply packet that do not depend on success or failure. */
static int
check_reply_header(struct xylctl *x, size_t n, int msg_flags, uint16_t type,
		   const struct xyl_ctl_reply *r)
{
	if (msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		return xylctl_fail(x, -EPROTO, "reply truncated");
	if (n < sizeof(*r))
		return xylctl_fail(x, -EPROTO, "reply of %zu bytes is short",
				   n);
	if (r->hdr.magic != XYL_CTL_MAGIC || r->hdr.version != XYL_CTL_VERSION)
		return xylctl_fail(x, -EPROTO,
				   "reply magic/version 0x%08x/%u: protocol "
				   "mismatch",
				   r->hdr.magic, r->hdr.version);
	if (r->hdr.len != n - sizeof(r->hdr))
		return xylctl_fail(x, -EPROTO,
				   "reply len %u but %zu bytes follow",
				   r->hdr.len, n - sizeof(r->hdr));
	if (r->hdr.type == XYL_CTL_ERROR_REPLY) {
		/* seq 0: the server could not read ours (or refused us). */
		if (r->hdr.seq != x->seq && r->hdr.seq != 0)
			return xylctl_fail(x, -EPROTO,
					   "error reply for seq %u, sent %u",
					   r->hdr.seq, x->seq);
	} else if (r->hdr.type != type || r->hdr.seq != x->seq) {
		return xylctl_fail(x, -EPROTO,
				   "reply type %u seq %u for type %u seq %u",
				   r->hdr.type, r->hdr.seq, type, x->seq);
	}
	if (!memchr(r->detail, '\0', sizeof(r->detail)))
		return xylctl_fail(x, -EPROTO, "reply detail not terminated");
	return 0;
}

/* Check a received reply against what the request expects. */
static int
check_reply(struct xylctl *x, size_t n, int msg_flags, unsigned nr_fds,
	    uint16_t type, size_t body_len, unsigned want_fds)
{
	const struct xyl_ctl_reply *r = (const void *)x->buf;
	int rc = check_reply_header(x, n, msg_flags, type, r);

	if (rc)
		return rc;
	if (r->err < -4095 || r->err > 0 ||
	    (r->err == 0 && r->hdr.type == XYL_CTL_ERROR_REPLY))
		return xylctl_fail(x, -EPROTO, "reply err %d out of range",
				   r->err);
	if (r->err) {
		if (r->hdr.len != REPLY_FIXED || r->nr_fds || nr_fds)
			return xylctl_fail(x, -EPROTO,
					   "error reply with a body or fds");
		memcpy(x->detail, r->detail, sizeof(x->detail));
		return r->err;
	}
	if (r->hdr.len != REPLY_FIXED + body_len)
		return xylctl_fail(x, -EPROTO,
				   "reply body %zu bytes, expected %zu",
				   (size_t)r->hdr.len - REPLY_FIXED, body_len);
	if (r->nr_fds != want_fds || nr_fds != want_fds)
		return xylctl_fail(x, -EPROTO,
				   "reply has %u fds (says %u), expected %u",
				   nr_fds, r->nr_fds, want_fds);
	return 0;
}

static int
send_request(struct xylctl *x, uint16_t type, const void *req, size_t req_len,
	     const int *fds, unsigned nr_fds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * XYL_CTL_MAX_FDS)];
		struct cmsghdr align;
	} cbuf;
	uint8_t pkt[sizeof(struct xyl_ctl_hdr) + MAX_REQ_BODY];
	struct xyl_ctl_hdr h = {.magic = XYL_CTL_MAGIC,
				.version = XYL_CTL_VERSION,
				.type = type,
				.len = (uint32_t)req_len};
	struct iovec iov = {.iov_base = pkt, .iov_len = sizeof(h) + req_len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cm;
	ssize_t n;

	if (req_len > MAX_REQ_BODY || nr_fds > XYL_CTL_MAX_FDS)
		return -EINVAL;
	x->seq = x->seq + 1 ? x->seq + 1 : 1;
	h.seq = x->seq;
	memcpy(pkt, &h, sizeof(h));
	if (req_len)
		memcpy(pkt + sizeof(h), req, req_len);
	if (nr_fds) {
		memset(&cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nr_fds);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nr_fds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nr_fds);
	}
	do
		n = sendmsg(x->fd, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == ECONNRESET ? -EPIPE : -errno;
	return 0;
}

int
xylctl_call(struct xylctl *x, uint16_t type, const void *req, size_t req_len,
	    const int *fds_in, unsigned nr_fds_in, void *reply,
	    size_t reply_len, int *fds_out, unsigned nr_fds_out)
{
	int fds[XYL_CTL_MAX_FDS];
	unsigned nr_fds = 0;
	int rc, n, msg_flags = 0;

	x->detail[0] = '\0';
	if (x->is_events)
		return xylctl_fail(x, -EINVAL,
				   "requests are not allowed on an event "
				   "connection");
	rc = send_request(x, type, req, req_len, fds_in, nr_fds_in);
	/* A refused peer finds its -EACCES reply waiting; read it. */
	n = xylctl_recv(x, rc ? MSG_DONTWAIT : 0, fds, &nr_fds, &msg_flags);
	if (n < 0)
		return rc ? rc : n;
	rc = check_reply(x, (size_t)n, msg_flags, nr_fds, type, reply_len,
			 nr_fds_out);
	if (rc) {
		xylctl_close_fds(fds, nr_fds);
		return rc;
	}
	if (reply_len)
		memcpy(reply, x->buf + sizeof(struct xyl_ctl_reply), reply_len);
	if (nr_fds_out)
		memcpy(fds_out, fds, sizeof(int) * nr_fds_out);
	return 0;
}

int
xylctl_host_info(struct xylctl *x, struct xyl_ctl_host_info_reply *out)
{
	int rc = xylctl_call(x, XYL_CTL_HOST_INFO, NULL, 0, NULL, 0, out,
			     sizeof(*out), NULL, 0);

	if (rc == 0 && (!memchr(out->hv_version, 0, sizeof(out->hv_version)) ||
			!memchr(out->kvm_flavour, 0, sizeof(out->kvm_flavour))))
		return xylctl_fail(x, -EPROTO,
				   "host info strings unterminated");
	return rc;
}
