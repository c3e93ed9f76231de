/*
 * apps/selftest_xenstore.c: the selftest's xenstore checks, run iff the
 * store ring is connected (with xenstore=1 on the cmdline, no connection is
 * a FAIL): its own nodes (read, write, mkdir, directory, rm), refusals on
 * dom0's and a peer's nodes (xs_peer=N), transactions (isolation, abort,
 * EAGAIN retry), watches, a reply larger than the ring, errors.
 */
#include <stdint.h>

#include "gk/console.h"
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

void
st_test_xenstore(struct st *t)
{
	struct xenbus_stats s;
	uint64_t want = 0;

	gk_cmdline_get_u64(gk.cmdline, "xenstore", &want);
	if (!xenbus_is_connected()) {
		if (want)
			st_check(t, 0, "xenstore connected: no (%d)",
				 xenbus_init_error());
		else
			gk_info("selftest: no xenstore (%d): xenstore checks "
				"skipped\n",
				xenbus_init_error());
		return;
	}
	st_check(t, 1, "xenstore connected as dom %u", xenbus_domid());
	test_read_own(t);
	test_write_own(t);
	test_refused(t);
	test_transactions(t);
	test_watches(t);
	xenbus_get_stats(&s);
	gk_info("selftest: xenstore: %llu requests, %llu events (%llu "
		"dropped), %llu stale replies, %llu tx retries\n",
		(unsigned long long)s.requests, (unsigned long long)s.events,
		(unsigned long long)s.events_dropped,
		(unsigned long long)s.stale_replies,
		(unsigned long long)s.tx_retries);
}
