/*
 * dom0-tools/xenstored/conn.c: what every connection shares, whatever its
 * transport: the input buffer cut into messages (through wire.c), the
 * queue of replies and watch events, flow control (the outstanding
 * quota) and tear-down.  conn_socket.c and conn_ring.c move the bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xenstored.h"

struct store_conn *
store_conn_new(struct store_ctx *ctx, enum store_conn_kind kind,
	       const struct store_who *who)
{
	struct store_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->ctx = ctx;
	c->kind = kind;
	c->io.fd = -1;
	c->who = *who;
	c->next_txn_id = 1;
	snprintf(c->home, sizeof(c->home), "/local/domain/%u", who->domid);
	c->next = ctx->conns;
	ctx->conns = c;
	return c;
}

void
store_conn_reset(struct store_conn *c)
{
	struct store_txn *t;

	store_watch_free_all(c);
	while ((t = c->txns)) {
		c->txns = t->next;
		store_txn_free(t);
	}
	c->nr_txns = 0;
}

static void
out_free_all(struct store_conn *c)
{
	struct store_out *o;

	while ((o = c->out_head)) {
		c->out_head = o->next;
		free(o);
	}
	c->out_tail = NULL;
	c->nr_out = c->nr_out_events = 0;
	c->out_bytes = 0;
}

void
store_conn_destroy(struct store_conn *c)
{
	if (c->is_dead)
		return;
	c->is_dead = true;
	store_conn_reset(c);
	out_free_all(c);
	if (c->kind == STORE_CONN_SOCKET && c->io.fd >= 0) {
		store_io_del(c->ctx, &c->io);
		close(c->io.fd);
		c->io.fd = -1;
	}
	if (c->dom)
		c->dom->conn = NULL;
	c->dom = NULL;
}

void
store_conn_reap(struct store_ctx *ctx)
{
	struct store_conn **pp = &ctx->conns, *c;

	while ((c = *pp)) {
		if (c->is_dead) {
			*pp = c->next;
			free(c);
		} else {
			pp = &c->next;
		}
	}
}

bool
store_conn_may_read(const struct store_conn *c)
{
	if (c->is_dead)
		return false;
	if (c->who.is_priv)
		return c->out_bytes < STORE_OUT_BYTES_MAX / 2;
	return c->nr_out - c->nr_out_events <
	       c->ctx->quota.v[STORE_QUOTA_OUTSTANDING];
}

int
store_conn_process(struct store_conn *c)
{
	static struct store_req req; /* 4 KiB: kept off the stack */
	uint32_t off = 0;
	int size, r;

	while (!c->is_dead && store_conn_may_read(c)) {
		size = store_wire_frame(c->in + off, c->in_len - off);
		if (size < 0)
			return size;
		if (size == 0)
			break;
		r = store_wire_parse(c->in + off, (size_t)size, &req);
		off += (uint32_t)size;
		c->nr_requests++;
		if (r == -EPROTO)
			return r;
		if (r < 0)
			store_conn_reply_err(c, &req, r);
		else
			store_request_handle(c, &req);
	}
	if (!c->is_dead && off) {
		memmove(c->in, c->in + off, c->in_len - off);
		c->in_len -= off;
	}
	return 0;
}

void
store_conn_flush(struct store_conn *c)
{
	if (c->is_dead)
		return;
	if (c->kind == STORE_CONN_SOCKET)
		store_socket_flush(c);
	else
		store_ring_flush(c);
}

int
store_conn_send(struct store_conn *c, uint32_t type, uint32_t req_id,
		uint32_t tx_id, const void *body, uint32_t len, bool is_event)
{
	struct store_out *o;

	if (c->is_dead)
		return -EPIPE;
	if (len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	if (is_event && !c->who.is_priv &&
	    c->nr_out_events >= STORE_OUT_EVENTS_MAX) {
		c->nr_dropped_events++;
		return -ENOSPC;
	}
	if (c->out_bytes + len > STORE_OUT_BYTES_MAX) {
		/* A client that never reads: let it go, not the daemon. */
		log_warn("dropping a client that does not read its replies");
		store_conn_destroy(c);
		return -ENOSPC;
	}
	o = malloc(sizeof(*o) + STORE_WIRE_HDR + len);
	if (!o)
		return -ENOMEM;
	o->next = NULL;
	o->len = (uint32_t)STORE_WIRE_HDR + len;
	o->off = 0;
	o->is_event = is_event;
	store_wire_header(o->data, type, req_id, tx_id, len);
	if (len)
		memcpy(o->data + STORE_WIRE_HDR, body, len);
	if (c->out_tail)
		c->out_tail->next = o;
	else
		c->out_head = o;
	c->out_tail = o;
	c->nr_out++;
	c->nr_out_events += is_event;
	c->out_bytes += o->len;
	store_conn_flush(c);
	return 0;
}

void
store_conn_reply(struct store_conn *c, const struct store_req *req,
		 const void *body, uint32_t len)
{
	if (store_conn_send(c, req->type, req->req_id, req->tx_id, body, len,
			    false) == -E2BIG)
		store_conn_reply_err(c, req, -E2BIG);
}

void
store_conn_reply_str(struct store_conn *c, const struct store_req *req,
		     const char *s)
{
	store_conn_reply(c, req, s, (uint32_t)strlen(s) + 1);
}

void
store_conn_reply_err(struct store_conn *c, const struct store_req *req, int err)
{
	const char *name = store_wire_errname(err);

	c->nr_errors++;
	store_conn_send(c, XS_ERROR, req->req_id, req->tx_id, name,
			(uint32_t)strlen(name) + 1, false);
}
