/*
 * hypervisor/ctl_event.c: the event stream to subscribed dom0 clients.
 * ctl_emit_event() may run on any thread (vCPU threads included): it only
 * copies the event into a bounded ring and pokes an eventfd; the loop
 * thread fans it out to the subscribers whose domain filter matches.  A
 * subscriber that falls behind gets XYL_EVENT_OVERFLOW as its last packet
 * and is disconnected; nobody else is affected.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "ctl_priv.h"
#include "hv.h"
#include "log.h"

void
ctl_emit_event(struct hv *hv, const struct xyl_ctl_event *ev)
{
	struct ctl_server *srv = __atomic_load_n(&hv->ctl, __ATOMIC_ACQUIRE);
	struct xyl_ctl_event *slot;
	uint64_t one = 1;
	ssize_t n;

	if (!srv)
		return;
	pthread_mutex_lock(&srv->ev_lock);
	if (srv->ev_count == CTL_EVENT_RING) {
		srv->ev_lost = true;
		if (ev->domid <= XYL_DOMID_MAX)
			srv->ev_lost_dom[ev->domid / 8] |= 1u
							   << (ev->domid % 8);
	} else {
		slot = &srv->ev_ring[(srv->ev_head + srv->ev_count) %
				     CTL_EVENT_RING];
		*slot = *ev;
		if (slot->len > sizeof(slot->data))
			slot->len = sizeof(slot->data);
		srv->ev_count++;
	}
	pthread_mutex_unlock(&srv->ev_lock);
	/* EAGAIN means the counter is already non-zero: the loop will look. */
	n = write(srv->event_fd, &one, sizeof(one));
	(void)n;
}

void
ctl_emit_simple(struct hv *hv, uint32_t kind, xyl_domid_t domid, uint32_t arg)
{
	struct xyl_ctl_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.domid = domid;
	ev.arg = arg;
	ctl_emit_event(hv, &ev);
}

static struct ctl_out_pkt *
ctl_event_pkt(const struct xyl_ctl_event *ev)
{
	struct ctl_out_pkt *p =
		ctl_pkt_alloc(sizeof(struct xyl_ctl_hdr) + sizeof(*ev));
	struct xyl_ctl_hdr h = {
		.magic = XYL_CTL_MAGIC,
		.version = XYL_CTL_VERSION,
		.type = XYL_CTL_EVENT,
		.len = sizeof(*ev),
		.seq = 0,
	};

	if (!p)
		return NULL;
	memcpy(p->data, &h, sizeof(h));
	memcpy(p->data + sizeof(h), ev, sizeof(*ev));
	return p;
}

/* c lost events: queue XYL_EVENT_OVERFLOW as its last packet and close it
 * once that is flushed.  Until then it holds at most its full queue plus
 * the marker, like any idle connection, and later events skip it. */
static void
ctl_event_overflow(struct ctl_client *c)
{
	struct xyl_ctl_event ev;
	struct ctl_out_pkt *p;

	if (c->is_closing)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.kind = XYL_EVENT_OVERFLOW;
	p = ctl_event_pkt(&ev);
	if (!p) {
		ctl_client_kill(c, "event subscriber fell behind");
		return;
	}
	ctl_client_append(c, p);
	c->is_closing = true;
	ctl_client_flush(c);
}

static void
ctl_event_deliver(struct ctl_server *srv, const struct xyl_ctl_event *ev)
{
	struct ctl_client *c, *next;
	struct ctl_out_pkt *p;

	for (c = srv->clients; c; c = next) {
		next = c->next;
		if (!c->is_subscriber || c->is_dead ||
		    (c->event_domid != XYL_DOMID_ANY &&
		     c->event_domid != ev->domid))
			continue;
		if (c->is_closing || c->out_pkts + 1 >= CTL_OUT_MAX_PKTS ||
		    c->out_bytes + 2 * sizeof(*ev) > CTL_OUT_MAX_BYTES) {
			ctl_event_overflow(c);
			continue;
		}
		p = ctl_event_pkt(ev);
		if (!p) {
			ctl_event_overflow(c);
			continue;
		}
		ctl_client_queue(c, p);
	}
}

/* The ring overflowed: subscribers whose filter matches a lost event
 * (lost[] by domid; everyone on ANY) learn it and are closed. */
static void
ctl_event_lost(struct ctl_server *srv, const uint8_t *lost)
{
	struct ctl_client *c, *next;
	xyl_domid_t d;

	log_warn(srv->hv, "control: event ring overflowed; lost events go "
			  "to their subscribers as OVERFLOW");
	for (c = srv->clients; c; c = next) {
		next = c->next;
		if (!c->is_subscriber || c->is_dead)
			continue;
		d = c->event_domid;
		if (d == XYL_DOMID_ANY ||
		    (d <= XYL_DOMID_MAX && (lost[d / 8] & (1u << (d % 8)))))
			ctl_event_overflow(c);
	}
}

/* Loop thread: move queued events to the subscribers, a batch at a time
 * so that emitters wait on ev_lock only for a copy. */
void
ctl_event_drain(struct ctl_server *srv)
{
	uint8_t *lost_dom = srv->ev_lost_copy;
	struct xyl_ctl_event batch[16];
	unsigned n, i, round;
	uint64_t cnt = 1;
	bool lost;
	ssize_t r;

	r = read(srv->event_fd, &cnt, sizeof(cnt));
	for (round = 0; round < 64; round++) {
		pthread_mutex_lock(&srv->ev_lock);
		n = srv->ev_count < 16 ? srv->ev_count : 16;
		for (i = 0; i < n; i++)
			batch[i] = srv->ev_ring[(srv->ev_head + i) %
						CTL_EVENT_RING];
		srv->ev_head = (srv->ev_head + n) % CTL_EVENT_RING;
		srv->ev_count -= n;
		lost = srv->ev_lost && srv->ev_count == 0;
		if (lost) {
			memcpy(lost_dom, srv->ev_lost_dom,
			       sizeof(srv->ev_lost_dom));
			memset(srv->ev_lost_dom, 0, sizeof(srv->ev_lost_dom));
			srv->ev_lost = false;
		}
		pthread_mutex_unlock(&srv->ev_lock);
		for (i = 0; i < n; i++)
			ctl_event_deliver(srv, &batch[i]);
		if (lost)
			ctl_event_lost(srv, lost_dom);
		if (n == 0)
			return;
	}
	/* Busy emitters: let the other fds have the loop, come back later. */
	cnt = 1;
	r = write(srv->event_fd, &cnt, sizeof(cnt));
	(void)r;
}
