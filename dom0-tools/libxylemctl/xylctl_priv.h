/*
 * dom0-tools/libxylemctl/xylctl_priv.h: the connection struct and the one
 * request/reply round trip every libxylemctl call is built on.  Not
 * installed; only libxylemctl's own files include it.
 */
#ifndef XYLCTL_PRIV_H
#define XYLCTL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xylctl.h"

struct xylctl {
	int fd;		/* SOCK_SEQPACKET to $rundir/hv.sock, O_CLOEXEC */
	uint32_t seq;	/* last request's seq (never 0) */
	bool is_events; /* subscribed: only xylctl_event_next is allowed */
	char detail[XYL_DETAIL_MAX];
	uint8_t buf[XYL_CTL_MAX_PACKET] __attribute__((aligned(8)));
};

/* One exchange: send type with body (req_len bytes) and fds_in, wait for
 * the reply and check it (see xylctl.c).  On success copies exactly
 * reply_len body bytes to reply and, when nr_fds_out > 0, the received
 * fds to fds_out (the caller owns them).  Returns 0, the hypervisor's
 * -errno (detail set), or -EPROTO / -EPIPE / -errno of the transport. */
int xylctl_call(struct xylctl *x, uint16_t type, const void *req,
		size_t req_len, const int *fds_in, unsigned nr_fds_in,
		void *reply, size_t reply_len, int *fds_out,
		unsigned nr_fds_out);
/* Set x->detail (printf-style) and return err. */
int xylctl_fail(struct xylctl *x, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Connect to $rundir/hv.sock (NULL: the default rundir). */
int xylctl_connect(const char *rundir, struct xylctl **out);
/* Receive one packet into x->buf with its fds: length, or -errno. */
int xylctl_recv(struct xylctl *x, int flags, int *fds, unsigned *nr_fds,
		int *msg_flags);
void xylctl_close_fds(int *fds, unsigned n);

#endif
