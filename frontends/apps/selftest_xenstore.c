/*
 * apps/selftest_xenstore.c: the selftest's xenstore checks, run iff the
 * store ring is connected (with xenstore=1 on the cmdline, no connection is
 * a FAIL): its own nodes (read, write, mkdir, directory, rm), refusals on
 * dom0's and a peer's nodes (xs_peer=N), transactions (isolation, abort,
 * EAGAIN retry), watches, a reply larger than the ring, errors, and ring
 * reconnection (also after half a request, put on the ring by hand).
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

#include "gk/console.h"
#include "gk/evtchn.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/printf.h"
#include "gk/string.h"
#include "gk/time.h"
#include "gk/xenbus.h"

#include "selftest.h"

#define ST_BIG_VALUE 1500 /* more than the 1 KiB ring: wraps both ways */

static void
test_read_own(struct st *t)
{
	char buf[128], path[64];
	size_t len = 0;
	uint32_t v = 0;
	int r;

	/* Parse before st_check: its arguments have no evaluation order. */
	r = xenbus_read(0, "domid", buf, sizeof(buf), &len);
	if (r == 0)
		r = xenbus_u32_parse(buf, &v);
	st_check(t,
		 r == 0 && v == xenbus_domid() &&
			 (t->domid == 0 || v == t->domid),
		 "xenstore read domid: rc %d, %u (evtchn says %u)", r, v,
		 t->domid);
	r = xenbus_read(0, "name", buf, sizeof(buf), &len);
	st_check(t, r == 0 && len > 0 && len == strlen(buf),
		 "xenstore read name: rc %d \"%s\"", r, r == 0 ? buf : "");
	gk_snprintf(path, sizeof(path), "/local/domain/%u/domid",
		    xenbus_domid());
	v = 0;
	r = xenbus_read(0, path, buf, sizeof(buf), 0);
	if (r == 0)
		r = xenbus_u32_parse(buf, &v);
	st_check(t, r == 0 && v == xenbus_domid(),
		 "xenstore read %s (absolute): rc %d", path, r);
	v = 0;
	r = xenbus_read(0, "memory/target", buf, sizeof(buf), 0);
	if (r == 0)
		r = xenbus_u32_parse(buf, &v);
	st_check(t, r == 0 && v > 0,
		 "xenstore read memory/target: rc %d, %u KiB", r, v);
	r = xenbus_read(0, "control/feature-poweroff", buf, sizeof(buf), 0);
	st_check(t, r == 0 && strcmp(buf, "1") == 0,
		 "xenstore control/feature-poweroff written at boot: rc %d", r);
	r = xenbus_read(0, "data/selftest-none", buf, sizeof(buf), 0);
	st_rc(t, "xenstore read a missing node", r, -ENOENT);
	r = xenbus_read(0, "name", buf, 2, 0);
	st_rc(t, "xenstore read into a 2-byte buffer", r, -ERANGE);
	r = xenbus_read(0, "bad//path", buf, sizeof(buf), 0);
	st_rc(t, "xenstore read a malformed path", r, -EINVAL);
}

static void
test_write_own(struct st *t)
{
	static char big[ST_BIG_VALUE + 1], back[ST_BIG_VALUE + 1];
	char buf[256];
	uint32_t len = 0;
	unsigned int nr = 0;
	size_t blen = 0;
	int r;

	r = xenbus_write(0, "data/selftest/a", "hello");
	if (r == 0)
		r = xenbus_read(0, "data/selftest/a", buf, sizeof(buf), 0);
	st_check(t, r == 0 && strcmp(buf, "hello") == 0,
		 "xenstore write+read data/selftest/a: rc %d", r);
	r = xenbus_mkdir(0, "data/selftest/dir");
	if (r == 0)
		r = xenbus_directory(0, "data/selftest", buf, sizeof(buf), &len,
				     &nr);
	st_check(t, r == 0 && nr == 2 && len == 6,
		 "xenstore mkdir + directory data/selftest: rc %d, %u "
		 "entries",
		 r, nr);
	for (unsigned int i = 0; i < ST_BIG_VALUE; i++)
		big[i] = (char)('a' + i % 26);
	r = xenbus_write(0, "data/selftest/big", big);
	if (r == 0)
		r = xenbus_read(0, "data/selftest/big", back, sizeof(back),
				&blen);
	st_check(t,
		 r == 0 && blen == ST_BIG_VALUE && memcmp(big, back, blen) == 0,
		 "xenstore %u-byte value through the 1 KiB ring: rc %d",
		 ST_BIG_VALUE, r);
	r = xenbus_rm(0, "data/selftest");
	if (r == 0)
		r = xenbus_read(0, "data/selftest/a", buf, sizeof(buf), 0);
	st_rc(t, "xenstore rm data/selftest, then read a child", r, -ENOENT);
	r = xenbus_write(0, "name", "renamed-by-guest");
	st_rc(t, "xenstore write own name (dom0's node)", r, -EACCES);
}

static void
test_refused(struct st *t)
{
	char buf[64], path[64];
	uint64_t peer = 0;
	int r;

	r = xenbus_read(0, "/local/domain/0/name", buf, sizeof(buf), 0);
	st_rc(t, "xenstore read dom0's name", r, -EACCES);
	r = xenbus_write(0, "/local/domain/0/data/selftest", "x");
	st_rc(t, "xenstore write under dom0's tree", r, -EACCES);
	if (gk_cmdline_get_u64(gk.cmdline, "xs_peer", &peer) < 0)
		return;
	gk_snprintf(path, sizeof(path), "/local/domain/%llu/name",
		    (unsigned long long)peer);
	r = xenbus_read(0, path, buf, sizeof(buf), 0);
	st_rc(t, "xenstore read the peer's name", r, -EACCES);
	gk_snprintf(path, sizeof(path), "/local/domain/%llu/data/selftest",
		    (unsigned long long)peer);
	r = xenbus_write(0, path, "x");
	st_rc(t, "xenstore write the peer's data/", r, -EACCES);
}

struct st_tx {
	unsigned int attempts;
	int conflict; /* make the first attempt conflict */
};

static int
tx_body(uint32_t tx, void *arg)
{
	struct st_tx *c = arg;
	char buf[16];
	int r;

	c->attempts++;
	r = xenbus_read(tx, "data/selftest-tx/a", buf, sizeof(buf), 0);
	if (r < 0)
		return r;
	if (c->conflict && c->attempts == 1) {
		r = xenbus_write(0, "data/selftest-tx/a", "outside");
		if (r < 0)
			return r;
	}
	return xenbus_write(tx, "data/selftest-tx/b", buf);
}

static void
test_transactions(struct st *t)
{
	struct st_tx c = {0};
	struct xenbus_stats s0, s1;
	char buf[32];
	uint32_t tx = 0;
	int r, r2;

	r = xenbus_transaction_start(&tx);
	if (r == 0)
		r = xenbus_write(tx, "data/selftest-tx/a", "1");
	r2 = xenbus_read(0, "data/selftest-tx/a", buf, sizeof(buf), 0);
	if (r == 0)
		r = xenbus_transaction_end(tx, 0);
	st_check(t, r == 0 && r2 == -ENOENT,
		 "xenstore transaction: write unseen outside (%d), commit rc "
		 "%d",
		 r2, r);
	r = xenbus_read(0, "data/selftest-tx/a", buf, sizeof(buf), 0);
	st_check(t, r == 0 && strcmp(buf, "1") == 0,
		 "xenstore transaction: committed value visible: rc %d", r);
	r = xenbus_transaction_start(&tx);
	if (r == 0)
		r = xenbus_write(tx, "data/selftest-tx/c", "1");
	if (r == 0)
		r = xenbus_transaction_end(tx, 1);
	r2 = xenbus_read(0, "data/selftest-tx/c", buf, sizeof(buf), 0);
	st_check(t, r == 0 && r2 == -ENOENT,
		 "xenstore transaction abort: rc %d, node then %d", r, r2);
	xenbus_get_stats(&s0);
	c.conflict = 1;
	r = xenbus_transaction(tx_body, &c);
	xenbus_get_stats(&s1);
	r2 = xenbus_read(0, "data/selftest-tx/b", buf, sizeof(buf), 0);
	st_check(t,
		 r == 0 && c.attempts == 2 &&
			 s1.tx_retries == s0.tx_retries + 1 && r2 == 0 &&
			 strcmp(buf, "outside") == 0,
		 "xenstore transaction conflict: EAGAIN then retried: rc %d, "
		 "%u attempts, b=\"%s\"",
		 r, c.attempts, r2 == 0 ? buf : "");
	r = xenbus_transaction_end(0x7fffffff, 0);
	st_check(t, r < 0, "xenstore end of an unknown transaction: rc %d", r);
	xenbus_rm(0, "data/selftest-tx");
}

struct st_watch {
	unsigned int hits;
	char last[96];
};

static void
on_watch(const char *path, const char *token, void *arg)
{
	struct st_watch *w = arg;
	size_t n = strnlen(path, sizeof(w->last) - 1);

	(void)token;
	w->hits++;
	memcpy(w->last, path, n);
	w->last[n] = '\0';
}

/* Run the main loop until w has hits, at most 5 s. */
static void
wait_hits(struct st_watch *w, unsigned int hits)
{
	uint64_t deadline = gk_time_now_ns() + 5 * GK_NS_PER_S;

	while (w->hits < hits && gk_time_now_ns() < deadline)
		gk_sleep_ns(GK_NS_PER_MS);
}

static void
test_watches(struct st *t)
{
	static struct st_watch w;
	unsigned int before;
	int r;

	r = xenbus_write(0, "data/selftest-watch", "");
	if (r == 0)
		r = xenbus_watch("data/selftest-watch", "st-w", on_watch, &w);
	wait_hits(&w, 1);
	st_check(t, r == 0 && w.hits >= 1,
		 "xenstore watch data/selftest-watch: rc %d, initial event "
		 "(%u)",
		 r, w.hits);
	before = w.hits;
	r = xenbus_write(0, "data/selftest-watch/x", "1");
	wait_hits(&w, before + 1);
	st_check(t,
		 r == 0 && w.hits > before &&
			 strcmp(w.last, "data/selftest-watch/x") == 0,
		 "xenstore watch event for a write below: \"%s\"", w.last);
	r = xenbus_watch("data/other", "st-w", on_watch, &w);
	st_rc(t, "xenstore watch with a token in use", r, -EEXIST);
	r = xenbus_unwatch("data/selftest-watch", "st-w");
	before = w.hits;
	xenbus_write(0, "data/selftest-watch/x", "2");
	gk_sleep_ns(20 * GK_NS_PER_MS);
	st_check(t, r == 0 && w.hits == before,
		 "xenstore unwatch: rc %d, no event after it", r);
	xenbus_rm(0, "data/selftest-watch");
}

#define RC_DIR "data/selftest-rc"

/*
 * xenstore-ring.txt: a reconnect keeps the nodes and drops the
 * connection's watches and transactions.  Set both, reconnect, then:
 * nodes are there, the uncommitted write is not, the old transaction id
 * is refused, no event comes for the old watch, and the same watch can be
 * set again (the daemon would say EEXIST had it kept it) and fires.
 * 0 if the daemon does not offer reconnection.
 */
static int
test_reconnect(struct st *t)
{
	static struct st_watch w;
	struct xenbus_stats s0, s1;
	char buf[32];
	uint32_t tx = 0;
	unsigned int before;
	int r, r2;

	r = xenbus_write(0, RC_DIR "/keep", "kept");
	if (r == 0)
		r = xenbus_write(0, RC_DIR "/w", "");
	if (r == 0)
		r = xenbus_watch(RC_DIR "/w", "st-rc", on_watch, &w);
	wait_hits(&w, 1);
	if (r == 0)
		r = xenbus_transaction_start(&tx);
	if (r == 0)
		r = xenbus_write(tx, RC_DIR "/intx", "1");
	st_check(t, r == 0 && w.hits == 1,
		 "xenstore reconnect set-up: node, watch, transaction: rc %d",
		 r);
	xenbus_get_stats(&s0);
	r = xenbus_reconnect();
	if (r == -ENOTSUP) {
		gk_info("selftest: xenstore reconnection not offered: "
			"reconnect checks skipped\n");
		xenbus_transaction_end(tx, 1);
		xenbus_unwatch(RC_DIR "/w", "st-rc");
		xenbus_rm(0, RC_DIR);
		return 0;
	}
	xenbus_get_stats(&s1);
	st_check(t, r == 0 && s1.reconnects == s0.reconnects + 1,
		 "xenstore reconnect: rc %d", r);
	r = xenbus_read(0, RC_DIR "/keep", buf, sizeof(buf), 0);
	st_check(t, r == 0 && strcmp(buf, "kept") == 0,
		 "xenstore reconnect keeps nodes: rc %d", r);
	r = xenbus_read(0, RC_DIR "/intx", buf, sizeof(buf), 0);
	st_rc(t, "xenstore reconnect drops the transaction's write", r,
	      -ENOENT);
	r = xenbus_write(tx, RC_DIR "/late", "1");
	r2 = xenbus_transaction_end(tx, 0);
	st_check(t, r == -ENOENT && r2 == -ENOENT,
		 "xenstore reconnect: old transaction id refused: write %d, "
		 "end %d",
		 r, r2);
	xenbus_get_stats(&s0);
	before = w.hits;
	r = xenbus_write(0, RC_DIR "/w/x", "1");
	gk_sleep_ns(50 * GK_NS_PER_MS);
	xenbus_get_stats(&s1);
	st_check(t,
		 r == 0 && w.hits == before && s1.events == s0.events &&
			 s1.events_dropped == s0.events_dropped,
		 "xenstore reconnect drops watches: no event after it "
		 "(%llu)",
		 (unsigned long long)(s1.events - s0.events));
	r = xenbus_watch(RC_DIR "/w", "st-rc", on_watch, &w);
	wait_hits(&w, before + 1);
	before = w.hits;
	r2 = xenbus_write(0, RC_DIR "/w/y", "1");
	wait_hits(&w, before + 1);
	st_check(t,
		 r == 0 && r2 == 0 && w.hits > before &&
			 strcmp(w.last, RC_DIR "/w/y") == 0,
		 "xenstore reconnect: the same watch set again fires: rc %d, "
		 "\"%s\"",
		 r, w.last);
	r = xenbus_transaction_start(&tx);
	if (r == 0)
		r = xenbus_write(tx, RC_DIR "/newtx", "1");
	if (r == 0)
		r = xenbus_transaction_end(tx, 0);
	if (r == 0)
		r = xenbus_read(0, RC_DIR "/newtx", buf, sizeof(buf), 0);
	st_check(t, r == 0, "xenstore reconnect: new transaction: rc %d", r);
	r = xenbus_control_init();
	st_check(t, r == 0,
		 "xenstore reconnect: control/shutdown watched again: rc %d",
		 r);
	xenbus_unwatch(RC_DIR "/w", "st-rc");
	xenbus_rm(0, RC_DIR);
	return 1;
}

/* The ring page and port, as xenbus_init found them. */
static struct xenstore_domain_interface *
store_ring(evtchn_port_t *port)
{
	struct xen_hvm_param pfn = {.domid = DOMID_SELF,
				    .index = HVM_PARAM_STORE_PFN};
	struct xen_hvm_param evt = {.domid = DOMID_SELF,
				    .index = HVM_PARAM_STORE_EVTCHN};

	if (gk_hc_hvm_op(HVMOP_get_param, &pfn) < 0 ||
	    gk_hc_hvm_op(HVMOP_get_param, &evt) < 0)
		return 0;
	*port = (evtchn_port_t)evt.value;
	return (struct xenstore_domain_interface *)(uintptr_t)(pfn.value << 12);
}

/* Put the first cut bytes of a WRITE on the ring by hand and wait until
 * the daemon took them: it now holds a partial request. */
static int
send_partial(uint32_t cut)
{
	static struct xenbus_msg m;
	const char *strs[] = {RC_DIR "/partial"};
	struct xenstore_domain_interface *intf;
	evtchn_port_t port;
	uint64_t deadline = gk_time_now_ns() + 5 * GK_NS_PER_S;
	int r;

	intf = store_ring(&port);
	if (!intf)
		return -ENODEV;
	r = xenbus_msg_build(&m, XS_WRITE, 0x5eed, 0, strs, 1, "lost", 4);
	if (r < 0)
		return r;
	r = xenbus_ring_put(intf, &m, cut);
	if (r != (int)cut)
		return r < 0 ? r : -EIO;
	gk_evtchn_notify(port);
	while (__atomic_load_n(&intf->req_cons, __ATOMIC_ACQUIRE) !=
	       intf->req_prod) {
		if (gk_time_now_ns() >= deadline)
			return -ETIMEDOUT;
		gk_sleep_ns(GK_NS_PER_MS);
	}
	return 0;
}

/* Half a request (half a header, or a header and part of its payload),
 * then a reconnect: the daemon drops the bytes, the next requests work. */
static void
test_reconnect_partial(struct st *t)
{
	static const uint32_t cuts[] = {8, sizeof(struct xsd_sockmsg) + 10};
	char buf[32];
	int r, r2;

	for (unsigned int i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		r = send_partial(cuts[i]);
		if (r == 0)
			r = xenbus_reconnect();
		r2 = xenbus_read(0, RC_DIR "/partial", buf, sizeof(buf), 0);
		if (r == 0)
			r = xenbus_write(0, RC_DIR "/after", "1");
		if (r == 0)
			r = xenbus_read(0, RC_DIR "/after", buf, sizeof(buf),
					0);
		st_check(t, r == 0 && r2 == -ENOENT,
			 "xenstore reconnect after %u bytes of a request: "
			 "rc %d, the partial WRITE %d",
			 cuts[i], r, r2);
	}
	r = xenbus_control_init();
	st_check(t, r == 0,
		 "xenstore reconnect after partial requests: control/shutdown "
		 "watched again: rc %d",
		 r);
	xenbus_rm(0, RC_DIR);
}

void
st_test_xenstore(struct st *t)
{
	struct xenbus_stats s;
	uint64_t want = 0;
	int r;

	gk_cmdline_get_u64(gk.cmdline, "xenstore", &want);
	if (!xenbus_is_connected()) {
		if (want)
			st_check(t, 0, "xenstore connected: no (%d)",
				 xenbus_init_error());
		else
			gk_info("selftest: no xenstore (%d): xenstore checks "
				"skipped\n",
				xenbus_init_error());
		/* A daemon that offered reconnection and went silent: a
		 * bounded wait, never a hang. */
		r = xenbus_reconnect();
		st_check(t, r == -ETIMEDOUT || r == -ENOTSUP || r == -ENOTCONN,
			 "xenstore reconnect without a daemon: rc %d", r);
		return;
	}
	st_check(t, 1, "xenstore connected as dom %u", xenbus_domid());
	test_read_own(t);
	test_write_own(t);
	test_refused(t);
	test_transactions(t);
	test_watches(t);
	if (test_reconnect(t))
		test_reconnect_partial(t);
	xenbus_get_stats(&s);
	gk_info("selftest: xenstore: %llu requests, %llu events (%llu "
		"dropped), %llu stale replies, %llu tx retries, %llu "
		"reconnects\n",
		(unsigned long long)s.requests, (unsigned long long)s.events,
		(unsigned long long)s.events_dropped,
		(unsigned long long)s.stale_replies,
		(unsigned long long)s.tx_retries,
		(unsigned long long)s.reconnects);
}
