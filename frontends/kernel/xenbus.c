/*
 * kernel/xenbus.c: the guest's xenstore client: one request at a time over
 * the ring page, replies matched by req_id (late replies to timed-out
 * requests are dropped), watch events handed to xenbus_watch.c, ring
 * reconnection, set-up.  Owns struct xenbus (xenbus_priv.h; heap, pointed
 * to by gk.xenbus).  Trust boundary: xenbus_wire.c.
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
#include "xenbus_priv.h"

/* The connection, or NULL when there is none. */
struct xenbus *
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
void
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
			xb_queue_event(xb, &xb->rx.msg);
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
int
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
