/*
 * kernel/xenbus.c: the guest's xenstore client: one request at a time over
 * the ring page, replies matched by req_id (late replies to timed-out
 * requests are dropped), watch events queued and their callbacks run from
 * the store port's handler in the main loop.  Owns struct xenbus (heap,
 * pointed to by gk.xenbus).  Trust boundary: xenbus_wire.c.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

#include "gk/console.h"
#include "gk/evtchn.h"
#include "gk/heap.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/string.h"
#include "gk/time.h"
#include "gk/xenbus.h"

#define WATCH_PATH_MAX	128 /* our own watch paths are short */
#define WATCH_TOKEN_MAX 32
#define EVENT_PATH_MAX	256 /* longer event paths: the watch's own path */
#define EVENT_QUEUE	32
#define RUN_WATCHES_MAX 64	     /* per handler call; the rest next round */
#define STORE_PFN_LIMIT (1ull << 20) /* the identity map ends at 4 GiB */

struct xenbus_watch {
	int in_use;
	int overflowed; /* an event was dropped: fire once with path */
	char path[WATCH_PATH_MAX];
	char token[WATCH_TOKEN_MAX];
	xenbus_watch_fn fn;
	void *arg;
};

struct xenbus_event {
	unsigned int watch; /* index into watches[] */
	char path[EVENT_PATH_MAX];
};

/* Created by xenbus_init, never freed (the connection lives as long as the
 * domain).  Single vCPU: no locks; busy/running guard re-entry. */
struct xenbus {
	int connected;
	int err; /* why not connected */
	struct xenstore_domain_interface *intf;
	evtchn_port_t port;
	domid_t domid;
	uint32_t next_req_id;
	int busy;	       /* a request is in flight */
	int running;	       /* watch callbacks are running */
	struct xenbus_rx rx;   /* the reply being assembled / just taken */
	struct xenbus_msg req; /* the request being sent */
	struct xenbus_watch watches[XENBUS_MAX_WATCHES];
	struct xenbus_event queue[EVENT_QUEUE];
	unsigned int q_head, q_len;
	struct xenbus_stats stats;
};

/* The connection, or NULL when there is none. */
static struct xenbus *
xb_get(void)
{
	return gk.xenbus && gk.xenbus->connected ? gk.xenbus : 0;
}

int
xenbus_is_connected(void)
{
	return xb_get() != 0;
}

int
xenbus_init_error(void)
{
	if (!gk.xenbus)
		return -ENODEV;
	return gk.xenbus->connected ? 0 : gk.xenbus->err;
}

domid_t
xenbus_domid(void)
{
	return xb_get() ? xb_get()->domid : DOMID_INVALID;
}

void
xenbus_get_stats(struct xenbus_stats *out)
{
	if (xb_get())
		*out = xb_get()->stats;
	else
		memset(out, 0, sizeof(*out));
}

/* The daemon broke the protocol: stop talking to it. */
static void
xb_close(struct xenbus *xb, int err)
{
	gk_err("xenbus: closing the connection to xenstore (%d)\n", err);
	gk_evtchn_clear_handler(&gk.evtchn, xb->port);
	xb->err = err;
	xb->connected = 0;
}

/* Mark the store port pending again so the main loop's next poll runs our
 * handler (for events queued while a request was waiting on the port). */
static void
xb_reraise(struct xenbus *xb)
{
	unsigned int w = xb->port / GK_EVTCHN_WORD_BITS;
	xen_ulong_t bit = (xen_ulong_t)1 << (xb->port % GK_EVTCHN_WORD_BITS);

	__atomic_fetch_or(&gk.shared_info->evtchn_pending[w], bit,
			  __ATOMIC_SEQ_CST);
	__atomic_fetch_or(&gk.vcpu_info->evtchn_pending_sel,
			  (xen_ulong_t)1 << w, __ATOMIC_SEQ_CST);
	__atomic_store_n(&gk.vcpu_info->evtchn_upcall_pending, 1,
			 __ATOMIC_SEQ_CST);
}

static struct xenbus_watch *
watch_by_token(struct xenbus *xb, const char *token, unsigned int *idx)
{
	for (unsigned int i = 0; i < XENBUS_MAX_WATCHES; i++) {
		struct xenbus_watch *w = &xb->watches[i];

		if (w->in_use && strcmp(w->token, token) == 0) {
			*idx = i;
			return w;
		}
	}
	return 0;
}

/* Queue a WATCH_EVENT for its watch; unknown tokens are dropped. */
static void
queue_event(struct xenbus *xb, const struct xenbus_msg *m)
{
	const char *path, *token;
	struct xenbus_watch *w;
	struct xenbus_event *ev;
	unsigned int idx;

	if (xenbus_watch_event_parse(m, &path, &token) < 0) {
		xb->stats.events_dropped++;
		return;
	}
	w = watch_by_token(xb, token, &idx);
	if (!w) {
		xb->stats.events_dropped++;
		return;
	}
	xb->stats.events++;
	if (xb->q_len == EVENT_QUEUE) {
		w->overflowed = 1;
		xb->stats.events_dropped++;
		return;
	}
	ev = &xb->queue[(xb->q_head + xb->q_len++) % EVENT_QUEUE];
	ev->watch = idx;
	/* A path too long for the slot becomes the watch's own path: a
	 * coarser event, never a cut one. */
	if (strnlen(path, EVENT_PATH_MAX) < EVENT_PATH_MAX)
		memcpy(ev->path, path, strlen(path) + 1);
	else
		memcpy(ev->path, w->path, strlen(w->path) + 1);
}

/*
 * Take whole messages off the ring: watch events are queued, a reply
 * with req_id want (0: none wanted) is left in xb->rx and 1 returned.
 * 0 when the ring is empty, -EIO on a protocol error.
 */
static int
drain_ring(struct xenbus *xb, uint32_t want)
{
	uint32_t cons0 = xb->intf->rsp_cons;
	int r, found = 0;

	while (!found) {
		r = xenbus_rx_pull(&xb->rx, xb->intf);
		if (r < 0)
			return -EIO;
		if (r == 0)
			break;
		if (xb->rx.msg.hdr.type == XS_WATCH_EVENT)
			queue_event(xb, &xb->rx.msg);
		else if (want && xb->rx.msg.hdr.req_id == want)
			found = 1;
		else
			xb->stats.stale_replies++;
		/* rx->msg stays readable until the next pull. */
		xenbus_rx_reset(&xb->rx);
	}
	/* The daemon may be waiting for room in the response ring. */
	if (xb->intf->rsp_cons != cons0)
		gk_evtchn_notify(xb->port);
	return found;
}

/* Block until the store port fires or the deadline passes. */
static void
wait_port(struct xenbus *xb, uint64_t deadline)
{
	struct sched_poll sp = {.nr_ports = 1, .timeout = deadline};
	evtchn_port_t port = xb->port;

	set_xen_guest_handle(sp.ports, &port);
	gk_hc_sched_op(SCHEDOP_poll, &sp);
}

static int
send_request(struct xenbus *xb, uint64_t deadline)
{
	const char *p = (const char *)&xb->req;
	uint32_t left = xenbus_msg_size(&xb->req);
	int n;

	/* hdr and body are contiguous in struct xenbus_msg. */
	_Static_assert(__builtin_offsetof(struct xenbus_msg, body) ==
			       sizeof(struct xsd_sockmsg),
		       "xenbus_msg layout");
	while (left) {
		gk_evtchn_clear_pending(gk.shared_info, xb->port);
		n = xenbus_ring_put(xb->intf, p, left);
		if (n < 0)
			return -EIO;
		p += n;
		left -= (uint32_t)n;
		gk_evtchn_notify(xb->port);
		if (left && gk_time_now_ns() >= deadline)
			return -ETIMEDOUT;
		if (left)
			wait_port(xb, deadline);
		/* The daemon may need room for events before it reads on;
		 * any reply now is a stale one. */
		if (left && drain_ring(xb, 0) < 0)
			return -EIO;
	}
	return 0;
}

static int
wait_reply(struct xenbus *xb, uint32_t req_id, uint64_t deadline)
{
	int r;

	for (;;) {
		gk_evtchn_clear_pending(gk.shared_info, xb->port);
		r = drain_ring(xb, req_id);
		if (r != 0)
			return r < 0 ? r : 0;
		if (gk_time_now_ns() >= deadline)
			return -ETIMEDOUT;
		wait_port(xb, deadline);
	}
}

/*
 * One request/reply.  On 0 the reply is in xb->rx.msg (type checked) until
 * the next request.  Errors: the daemon's, -ENOTCONN, -EBUSY (called from
 * inside a request), -ETIMEDOUT, -EIO (the connection is closed).
 */
static int
xb_talk(uint32_t type, uint32_t tx, const char *const *strs, unsigned int nr,
	const char *data, uint32_t data_len, uint64_t timeout_ms,
	struct xenbus **out)
{
	struct xenbus *xb = xb_get();
	uint64_t deadline;
	uint32_t id;
	int r;

	if (!xb)
		return -ENOTCONN;
	if (xb->busy)
		return -EBUSY;
	id = ++xb->next_req_id ? xb->next_req_id : ++xb->next_req_id;
	r = xenbus_msg_build(&xb->req, type, id, tx, strs, nr, data, data_len);
	if (r < 0)
		return r;
	xb->busy = 1;
	xb->stats.requests++;
	deadline = gk_time_now_ns() + timeout_ms * GK_NS_PER_MS;
	r = send_request(xb, deadline);
	/* Half a request on the ring would desynchronise the daemon. */
	if (r == -ETIMEDOUT)
		r = -EIO;
	if (r == 0)
		r = wait_reply(xb, id, deadline);
	xb->busy = 0;
	/* Messages behind our reply (a watch's first event follows the
	 * WATCH reply at once) lost their kick to the wait: let the main
	 * loop's handler take them. */
	if (xb->q_len ||
	    __atomic_load_n(&xb->intf->rsp_prod, __ATOMIC_ACQUIRE) !=
		    xb->intf->rsp_cons)
		xb_reraise(xb);
	if (r == -EIO) {
		xb_close(xb, r);
		return r;
	}
	if (r < 0)
		return r;
	r = xenbus_reply_status(&xb->rx.msg, type);
	if (r == -EIO) {
		xb_close(xb, r);
		return r;
	}
	*out = xb;
	return r;
}

static int
talk_path(uint32_t type, uint32_t tx, const char *path, struct xenbus **out)
{
	const char *strs[] = {path};

	return xb_talk(type, tx, strs, 1, 0, 0, XENBUS_TIMEOUT_MS, out);
}

/* Copy the reply's payload (plus a NUL) to buf. */
static int
copy_reply(struct xenbus *xb, char *buf, size_t cap, size_t *len)
{
	uint32_t n = xb->rx.msg.hdr.len;

	if ((size_t)n + 1 > cap)
		return -ERANGE;
	memcpy(buf, xb->rx.msg.body, n);
	buf[n] = '\0';
	if (len)
		*len = n;
	return 0;
}

int
xenbus_read(uint32_t tx, const char *path, char *buf, size_t cap, size_t *len)
{
	struct xenbus *xb;
	int r = talk_path(XS_READ, tx, path, &xb);

	return r < 0 ? r : copy_reply(xb, buf, cap, len);
}

int
xenbus_write(uint32_t tx, const char *path, const char *value)
{
	const char *strs[] = {path};
	struct xenbus *xb;
	size_t n = strnlen(value, XENSTORE_PAYLOAD_MAX + 1);

	if (n > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	return xb_talk(XS_WRITE, tx, strs, 1, value, (uint32_t)n,
		       XENBUS_TIMEOUT_MS, &xb);
}

int
xenbus_mkdir(uint32_t tx, const char *path)
{
	struct xenbus *xb;

	return talk_path(XS_MKDIR, tx, path, &xb);
}

int
xenbus_rm(uint32_t tx, const char *path)
{
	struct xenbus *xb;

	return talk_path(XS_RM, tx, path, &xb);
}

int
xenbus_directory(uint32_t tx, const char *path, char *buf, size_t cap,
		 uint32_t *len, unsigned int *nr)
{
	struct xenbus *xb;
	const char *s;
	uint32_t off = 0;
	size_t n;
	int r = talk_path(XS_DIRECTORY, tx, path, &xb);

	if (r < 0)
		return r;
	r = copy_reply(xb, buf, cap, &n);
	if (r < 0)
		return r;
	*nr = 0;
	while ((r = xenbus_strings_next(buf, (uint32_t)n, &off, &s)) == 1)
		(*nr)++;
	if (r < 0)
		return r;
	*len = (uint32_t)n;
	return 0;
}

int
xenbus_transaction_start(uint32_t *tx)
{
	const char *strs[] = {""};
	struct xenbus *xb;
	const char *s;
	uint32_t off = 0;
	int r;

	r = xb_talk(XS_TRANSACTION_START, 0, strs, 1, 0, 0, XENBUS_TIMEOUT_MS,
		    &xb);
	if (r < 0)
		return r;
	r = xenbus_strings_next(xb->rx.msg.body, xb->rx.msg.hdr.len, &off, &s);
	if (r == 1)
		r = xenbus_u32_parse(s, tx);
	return r == 0 && *tx ? 0 : -EIO;
}

int
xenbus_transaction_end(uint32_t tx, int abort)
{
	const char *strs[] = {abort ? "F" : "T"};
	struct xenbus *xb;

	return xb_talk(XS_TRANSACTION_END, tx, strs, 1, 0, 0, XENBUS_TIMEOUT_MS,
		       &xb);
}

int
xenbus_transaction(int (*fn)(uint32_t tx, void *arg), void *arg)
{
	uint32_t tx;
	int r = -EAGAIN;

	for (unsigned int i = 0; i < XENBUS_TX_RETRIES && r == -EAGAIN; i++) {
		if (i && xb_get())
			xb_get()->stats.tx_retries++;
		r = xenbus_transaction_start(&tx);
		if (r < 0)
			return r;
		r = fn(tx, arg);
		if (r < 0) {
			xenbus_transaction_end(tx, 1);
			continue;
		}
		r = xenbus_transaction_end(tx, 0);
	}
	return r;
}

static void
purge_events(struct xenbus *xb, unsigned int idx)
{
	unsigned int kept = 0;

	for (unsigned int i = 0; i < xb->q_len; i++) {
		struct xenbus_event *ev =
			&xb->queue[(xb->q_head + i) % EVENT_QUEUE];

		if (ev->watch != idx)
			xb->queue[(xb->q_head + kept++) % EVENT_QUEUE] = *ev;
	}
	xb->q_len = kept;
}

int
xenbus_watch(const char *path, const char *token, xenbus_watch_fn fn, void *arg)
{
	struct xenbus *xb = xb_get();
	const char *strs[] = {path, token};
	struct xenbus_watch *w = 0;
	unsigned int idx;
	int r;

	if (!xb)
		return -ENOTCONN;
	if (!fn || strnlen(path, WATCH_PATH_MAX) >= WATCH_PATH_MAX ||
	    strnlen(token, WATCH_TOKEN_MAX) >= WATCH_TOKEN_MAX)
		return -EINVAL;
	if (watch_by_token(xb, token, &idx))
		return -EEXIST;
	for (idx = 0; idx < XENBUS_MAX_WATCHES; idx++)
		if (!xb->watches[idx].in_use)
			break;
	if (idx == XENBUS_MAX_WATCHES)
		return -ENOSPC;
	w = &xb->watches[idx];
	*w = (struct xenbus_watch){.in_use = 1, .fn = fn, .arg = arg};
	memcpy(w->path, path, strlen(path) + 1);
	memcpy(w->token, token, strlen(token) + 1);
	/* The slot is live before the request: the first event may come
	 * right behind the reply. */
	r = xb_talk(XS_WATCH, 0, strs, 2, 0, 0, XENBUS_TIMEOUT_MS, &xb);
	if (r < 0 && xb_get()) {
		purge_events(xb_get(), idx);
		xb_get()->watches[idx].in_use = 0;
	}
	return r;
}

int
xenbus_unwatch(const char *path, const char *token)
{
	struct xenbus *xb = xb_get();
	const char *strs[] = {path, token};
	unsigned int idx;
	int r;

	if (!xb)
		return -ENOTCONN;
	if (!watch_by_token(xb, token, &idx))
		return -ENOENT;
	r = xb_talk(XS_UNWATCH, 0, strs, 2, 0, 0, XENBUS_TIMEOUT_MS, &xb);
	if (xb_get()) {
		purge_events(xb_get(), idx);
		xb_get()->watches[idx].in_use = 0;
	}
	return r;
}

unsigned int
xenbus_run_watches(void)
{
	struct xenbus *xb = xb_get();
	unsigned int ran = 0;

	if (!xb || xb->busy || xb->running)
		return 0;
	xb->running = 1;
	while (xb_get() == xb && ran < RUN_WATCHES_MAX) {
		struct xenbus_event ev;
		struct xenbus_watch *w = 0;

		for (unsigned int i = 0; !xb->q_len && i < XENBUS_MAX_WATCHES;
		     i++) {
			if (xb->watches[i].in_use &&
			    xb->watches[i].overflowed) {
				w = &xb->watches[i];
				w->overflowed = 0;
				memcpy(ev.path, w->path, strlen(w->path) + 1);
				break;
			}
		}
		if (!w && !xb->q_len)
			break;
		if (!w) {
			ev = xb->queue[xb->q_head];
			xb->q_head = (xb->q_head + 1) % EVENT_QUEUE;
			xb->q_len--;
			w = &xb->watches[ev.watch];
		}
		ran++;
		w->fn(ev.path, w->token, w->arg);
	}
	xb->running = 0;
	if (xb_get() == xb && xb->q_len)
		xb_reraise(xb);
	return ran;
}

static void store_handler(evtchn_port_t port, void *arg);

/* Forget what the daemon forgets at a reconnect: the reply being
 * assembled, queued events and every watch. */
static void
forget_connection(struct xenbus *xb)
{
	xenbus_rx_reset(&xb->rx);
	xb->q_head = xb->q_len = 0;
	for (unsigned int i = 0; i < XENBUS_MAX_WATCHES; i++)
		xb->watches[i].in_use = 0;
}

/* Ask for connection = CONNECTED (set by the daemon only) within the
 * deadline; then both queues must be empty.  Only the connection field
 * is read until it says CONNECTED (xenstore-ring.txt). */
static int
await_connected(struct xenbus *xb, uint64_t deadline)
{
	struct xenstore_domain_interface *intf = xb->intf;

	for (;;) {
		gk_evtchn_clear_pending(gk.shared_info, xb->port);
		if (__atomic_load_n(&intf->connection, __ATOMIC_ACQUIRE) ==
		    XENSTORE_CONNECTED)
			break;
		if (gk_time_now_ns() >= deadline)
			return -ETIMEDOUT;
		wait_port(xb, deadline);
	}
	if (__atomic_load_n(&intf->req_cons, __ATOMIC_ACQUIRE) !=
		    intf->req_prod ||
	    __atomic_load_n(&intf->rsp_prod, __ATOMIC_ACQUIRE) !=
		    intf->rsp_cons)
		return -EIO;
	return 0;
}

int
xenbus_reconnect(void)
{
	struct xenbus *xb = gk.xenbus;
	int r;

	if (!xb || !xb->intf)
		return -ENOTCONN;
	if (xb->busy || xb->running)
		return -EBUSY;
	if (!(__atomic_load_n(&xb->intf->server_features, __ATOMIC_ACQUIRE) &
	      XENSTORE_SERVER_FEATURE_RECONNECTION))
		return -ENOTSUP;
	xb->busy = 1;
	gk_evtchn_clear_handler(&gk.evtchn, xb->port);
	xb->connected = 0;
	__atomic_store_n(&xb->intf->connection, XENSTORE_RECONNECT,
			 __ATOMIC_SEQ_CST);
	gk_evtchn_notify(xb->port);
	r = await_connected(xb, gk_time_now_ns() +
					XENBUS_INIT_TIMEOUT_MS * GK_NS_PER_MS);
	forget_connection(xb);
	if (r == 0)
		r = gk_evtchn_set_handler(&gk.evtchn, xb->port, store_handler,
					  xb);
	xb->busy = 0;
	xb->err = r;
	if (r < 0) {
		gk_warn("xenbus: reconnect failed (%d)\n", r);
		return r;
	}
	gk_evtchn_unmask(xb->port);
	xb->connected = 1;
	xb->stats.reconnects++;
	gk_debug("xenbus: reconnected\n");
	return 0;
}

/* The store port fired outside a request: collect events, run them. */
static void
store_handler(evtchn_port_t port, void *arg)
{
	struct xenbus *xb = arg;

	(void)port;
	if (xb != xb_get() || xb->busy)
		return;
	if (drain_ring(xb, 0) < 0) {
		xb_close(xb, -EIO);
		return;
	}
	xenbus_run_watches();
}

static int
get_param(uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};
	long rc = gk_hc_hvm_op(HVMOP_get_param, &p);

	*value = p.value;
	return (int)rc;
}

/* Ask for "domid": proves the daemon answers and tells us who we are. */
static int
probe(struct xenbus *xb)
{
	const char *strs[] = {"domid"};
	struct xenbus *got;
	char buf[16];
	uint32_t domid;
	int r;

	r = xb_talk(XS_READ, 0, strs, 1, 0, 0, XENBUS_INIT_TIMEOUT_MS, &got);
	if (r == 0)
		r = copy_reply(got, buf, sizeof(buf), 0);
	if (r == 0)
		r = xenbus_u32_parse(buf, &domid);
	if (r == 0 && domid >= DOMID_FIRST_RESERVED)
		r = -EINVAL;
	if (r == 0)
		xb->domid = (domid_t)domid;
	return r;
}

int
xenbus_init(void)
{
	struct xenbus *xb = gk.xenbus;
	uint64_t pfn = 0, port = 0;
	int r;

	if (!xb) {
		xb = gk.xenbus = gk_zalloc(sizeof(*xb));
		if (!xb)
			return -ENOMEM;
	}
	if (xb->connected)
		return 0;
	r = get_param(HVM_PARAM_STORE_PFN, &pfn);
	if (r == 0)
		r = get_param(HVM_PARAM_STORE_EVTCHN, &port);
	if (r == 0 && (port == 0 || port >= GK_EVTCHN_NR_PORTS || pfn == 0 ||
		       pfn >= STORE_PFN_LIMIT))
		r = -ENODEV;
	if (r < 0)
		goto out;
	xb->intf = (struct xenstore_domain_interface *)(uintptr_t)(pfn << 12);
	xb->port = (evtchn_port_t)port;
	r = gk_evtchn_set_handler(&gk.evtchn, xb->port, store_handler, xb);
	if (r < 0)
		goto out;
	gk_evtchn_unmask(xb->port);
	xb->connected = 1;
	r = probe(xb);
	if (r < 0 && xb->connected) {
		gk_evtchn_clear_handler(&gk.evtchn, xb->port);
		xb->connected = 0;
	}
out:
	xb->err = r;
	if (r == 0)
		gk_debug("xenbus: connected as dom %u (port %u, gfn %#llx)\n",
			 xb->domid, xb->port, (unsigned long long)pfn);
	else if (r != -ENODEV)
		gk_warn("xenbus: no xenstore connection (%d)\n", r);
	return r;
}
