/*
 * dom0-tools/xenstored/domain.c: introduced guests.  INTRODUCE maps the
 * guest's store ring page and binds dom0's end of its store event channel
 * (libxylemctl, on a connection opened at the first INTRODUCE); RELEASE
 * or the domain's death (xylem-hv's event stream) drops its connection,
 * watches and transactions.  Fires @introduceDomain / @releaseDomain.
 * Only privileged connections may use these requests.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "xenstored.h"

#define PAGE_BYTES 4096u

struct store_domain *
store_domain_find(struct store_ctx *ctx, uint32_t domid)
{
	struct store_domain *d;

	for (d = ctx->domains; d; d = d->next)
		if (d->domid == domid)
			return d;
	return NULL;
}

static void events_close(struct store_ctx *ctx);

void
store_domain_destroy(struct store_domain *d)
{
	struct store_ctx *ctx = d->ctx;
	struct store_domain **pp;

	for (pp = &ctx->domains; *pp; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	if (d->conn)
		store_conn_destroy(d->conn);
	if (d->io.fd >= 0)
		store_io_del(ctx, &d->io);
	if (ctx->ctl && d->evtchn.notify_fd >= 0)
		xylctl_evtchn_close(ctx->ctl, &d->evtchn);
	xylctl_unmap_guest(&d->mem);
	store_disown(&ctx->tree, d->domid);
	log_info("dom %u released", d->domid);
	d->is_dead = true;
	d->next = ctx->dead_domains;
	ctx->dead_domains = d;
}

void
store_domain_reap(struct store_ctx *ctx)
{
	struct store_domain *d;

	while ((d = ctx->dead_domains)) {
		ctx->dead_domains = d->next;
		free(d);
	}
}

void
store_domain_destroy_all(struct store_ctx *ctx)
{
	while (ctx->domains)
		store_domain_destroy(ctx->domains);
	events_close(ctx);
	if (ctx->ctl) {
		xylctl_close(ctx->ctl);
		ctx->ctl = NULL;
	}
}

/* xylem-hv went away: every guest went with it. */
static void
hv_lost(struct store_ctx *ctx)
{
	bool had = ctx->domains != NULL;

	log_warn("lost xylem-hv; dropping every guest connection");
	store_domain_destroy_all(ctx);
	if (had)
		store_watch_fire_special(ctx, "@releaseDomain");
}

static void
domain_gone(struct store_ctx *ctx, uint32_t domid)
{
	struct store_domain *d = store_domain_find(ctx, domid);

	if (!d)
		return;
	store_domain_destroy(d);
	store_watch_fire_special(ctx, "@releaseDomain");
}

static void
domain_shutdown(struct store_ctx *ctx, uint32_t domid)
{
	struct store_domain *d = store_domain_find(ctx, domid);

	if (!d || d->is_shutdown)
		return;
	d->is_shutdown = true;
	store_watch_fire_special(ctx, "@releaseDomain");
}

/* Events were lost: ask xylem-hv which of our guests still exist. */
static void
events_resync(struct store_ctx *ctx)
{
	struct store_domain *d, *next;
	struct xyl_dominfo info;

	for (d = ctx->domains; d; d = next) {
		next = d->next;
		if (xylctl_domain_getinfo(ctx->ctl, d->domid, &info) == -ESRCH)
			domain_gone(ctx, d->domid);
	}
}

static void
events_handler(struct store_io *io, uint32_t events)
{
	struct store_ctx *ctx =
		(struct store_ctx *)((char *)io -
				     offsetof(struct store_ctx, events_io));
	struct xyl_ctl_event ev;
	int r, n;

	(void)events;
	for (n = 0; n < 64 && ctx->events; n++) {
		r = xylctl_event_next(ctx->events, &ev, 0);
		if (r == -ETIMEDOUT)
			return;
		if (r == -ENOBUFS) {
			events_close(ctx);
			if (xylctl_events_open(ctx->rundir, &ctx->events) == 0)
				goto reopened;
			hv_lost(ctx);
			return;
		}
		if (r < 0) {
			hv_lost(ctx);
			return;
		}
		if (ev.kind == XYL_EVENT_DOMAIN_DESTROYED)
			domain_gone(ctx, ev.domid);
		else if (ev.kind == XYL_EVENT_DOMAIN_SHUTDOWN)
			domain_shutdown(ctx, ev.domid);
	}
	return;
reopened:
	ctx->events_io.fd = xylctl_events_fd(ctx->events);
	store_io_add(ctx, &ctx->events_io, EPOLLIN);
	events_resync(ctx);
}

static void
events_close(struct store_ctx *ctx)
{
	if (!ctx->events)
		return;
	store_io_del(ctx, &ctx->events_io);
	xylctl_close(ctx->events);
	ctx->events = NULL;
	ctx->events_io.fd = -1;
}

/* Connections to xylem-hv, made at the first INTRODUCE. */
static int
hv_connect(struct store_ctx *ctx)
{
	int r;

	struct xyl_ctl_host_info_reply info;

	/* A xylem-hv restarted since: its guests are gone, start over. */
	if (ctx->ctl && xylctl_host_info(ctx->ctl, &info) == -EPIPE)
		hv_lost(ctx);
	if (ctx->ctl && ctx->events)
		return 0;
	if (!ctx->ctl) {
		r = xylctl_open(ctx->rundir, &ctx->ctl);
		if (r < 0)
			return r;
	}
	r = xylctl_events_open(ctx->rundir, &ctx->events);
	if (r < 0)
		return r;
	ctx->events_io.fd = xylctl_events_fd(ctx->events);
	ctx->events_io.handler = events_handler;
	return store_io_add(ctx, &ctx->events_io, EPOLLIN);
}

static void
ring_handler(struct store_io *io, uint32_t events)
{
	struct store_domain *d =
		(struct store_domain *)((char *)io -
					offsetof(struct store_domain, io));

	(void)events;
	if (d->is_dead)
		return;
	xylctl_evtchn_drain(&d->evtchn);
	store_ring_service(d);
}

static int
parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

/* Map, bind and serve; on failure everything made is undone. */
static int
domain_attach(struct store_ctx *ctx, struct store_domain *d)
{
	struct store_who who = {
		.domid = d->domid, .target = d->target, .is_priv = false};
	int r;

	r = xylctl_map_guest(ctx->ctl, d->domid, &d->mem);
	if (r < 0)
		return r;
	d->intf = xylctl_gpa(&d->mem, d->gfn * PAGE_BYTES, PAGE_BYTES);
	if (!d->intf)
		return -EINVAL;
	r = xylctl_evtchn_bind_interdomain(ctx->ctl, d->domid, d->port,
					   &d->evtchn);
	if (r < 0)
		return r;
	d->req_cons = __atomic_load_n(&d->intf->req_cons, __ATOMIC_ACQUIRE);
	d->rsp_prod = __atomic_load_n(&d->intf->rsp_prod, __ATOMIC_ACQUIRE);
	d->intf->server_features = XENSTORE_SERVER_FEATURE_RECONNECTION |
				   XENSTORE_SERVER_FEATURE_ERROR;
	d->io.fd = d->evtchn.notify_fd;
	d->io.handler = ring_handler;
	r = store_io_add(ctx, &d->io, EPOLLIN);
	if (r < 0)
		return r;
	d->conn = store_conn_new(ctx, STORE_CONN_RING, &who);
	if (!d->conn)
		return -ENOMEM;
	d->conn->dom = d;
	return 0;
}

static int
introduce(struct store_conn *c, struct store_req *req)
{
	struct store_ctx *ctx = c->ctx;
	struct store_domain *d;
	uint64_t gfn, port;
	uint32_t domid;
	int r;

	if (!c->who.is_priv)
		return -EACCES;
	if (store_parse_domid(req->args[0], &domid) < 0 || domid == 0 ||
	    parse_u64(req->args[1], &gfn) < 0 || gfn >= (1ull << 40) ||
	    parse_u64(req->args[2], &port) < 0 || port > UINT32_MAX)
		return -EINVAL;
	d = store_domain_find(ctx, domid);
	if (d)
		return d->gfn == gfn && d->port == port ? 0 : -EEXIST;
	r = hv_connect(ctx);
	if (r < 0) {
		log_err("INTRODUCE dom %u: cannot reach xylem-hv at %s: %s",
			domid, ctx->rundir, strerror(-r));
		return -EIO;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->ctx = ctx;
	d->domid = domid;
	d->gfn = gfn;
	d->port = (uint32_t)port;
	d->target = ~0u;
	d->io.fd = -1;
	d->evtchn.notify_fd = d->evtchn.kick_fd = -1;
	d->next = ctx->domains;
	ctx->domains = d;
	r = domain_attach(ctx, d);
	if (r < 0) {
		log_err("INTRODUCE dom %u gfn %#" PRIx64 " port %u: %s (%s)",
			domid, gfn, d->port, strerror(-r),
			xylctl_last_detail(ctx->ctl));
		store_domain_destroy(d);
		return r == -ENOMEM ? -ENOMEM : -EINVAL;
	}
	log_info("dom %u introduced (gfn %#" PRIx64 ", port %u)", domid, gfn,
		 d->port);
	return 0;
}

void
store_domain_introduce(struct store_conn *c, struct store_req *req)
{
	struct store_domain *d;
	int r = introduce(c, req);

	if (r < 0) {
		store_conn_reply_err(c, req, r);
		return;
	}
	store_conn_reply_str(c, req, "OK");
	store_watch_fire_special(c->ctx, "@introduceDomain");
	/* The guest may have queued requests before we were told. */
	d = store_domain_find(c->ctx,
			      (uint32_t)strtoul(req->args[0], NULL, 10));
	if (d)
		store_ring_service(d);
}

/* The privileged-only requests that take a domid first. */
static int
priv_domain(struct store_conn *c, struct store_req *req,
	    struct store_domain **d)
{
	uint32_t domid;

	if (!c->who.is_priv)
		return -EACCES;
	if (store_parse_domid(req->args[0], &domid) < 0)
		return -EINVAL;
	*d = store_domain_find(c->ctx, domid);
	return *d ? 0 : -ENOENT;
}

void
store_domain_release(struct store_conn *c, struct store_req *req)
{
	struct store_domain *d;
	int r = priv_domain(c, req, &d);

	if (r < 0) {
		store_conn_reply_err(c, req, r);
		return;
	}
	store_domain_destroy(d);
	store_conn_reply_str(c, req, "OK");
	store_watch_fire_special(c->ctx, "@releaseDomain");
}

void
store_domain_resume(struct store_conn *c, struct store_req *req)
{
	struct store_domain *d;
	int r = priv_domain(c, req, &d);

	if (r < 0) {
		store_conn_reply_err(c, req, r);
		return;
	}
	d->is_shutdown = false;
	store_conn_reply_str(c, req, "OK");
}

void
store_domain_set_target(struct store_conn *c, struct store_req *req)
{
	struct store_domain *d;
	uint32_t target;
	int r = priv_domain(c, req, &d);

	if (r == 0 && store_parse_domid(req->args[1], &target) < 0)
		r = -EINVAL;
	if (r == 0 && !d->conn)
		r = -ENOENT;
	if (r < 0) {
		store_conn_reply_err(c, req, r);
		return;
	}
	d->target = d->conn->who.target = target;
	store_conn_reply_str(c, req, "OK");
}

void
store_domain_is_introduced(struct store_conn *c, struct store_req *req)
{
	uint32_t domid;

	if (!c->who.is_priv) {
		store_conn_reply_err(c, req, -EACCES);
		return;
	}
	if (store_parse_domid(req->args[0], &domid) < 0) {
		store_conn_reply_err(c, req, -EINVAL);
		return;
	}
	store_conn_reply_str(
		c, req,
		domid == 0 || store_domain_find(c->ctx, domid) ? "T" : "F");
}
