/*
 * tests/unit/dom0-tools/xenstored/ring_test.c: a guest's xenstore ring
 * (dom0-tools/xenstored/conn_ring.c) driven from a page in this process
 * playing the guest: ring reconnection as xenstore-ring.txt has it, a
 * broken ring reconnected, and a hostile guest that keeps asking for
 * reconnects while writing garbage beside a well-behaved one.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "xenstored.h"

#define RING XENSTORE_RING_SIZE

static struct store_ctx ctx;
static char rundir[] = "/tmp/xs-ring-test-XXXXXX";

/* What domain_attach sets up, minus xylem-hv: the page is ours. */
static struct store_domain *
dom_new(uint32_t domid)
{
	struct store_domain *d = calloc(1, sizeof(*d));
	struct store_who who = {.domid = domid, .target = ~0u};

	const struct store_who dom0 = {
		.domid = 0, .target = ~0u, .is_priv = true};
	struct store_perms perms = {.nr = 1, .p = {{domid, STORE_PERM_NONE}}};
	char home[64];

	ck_assert_ptr_nonnull(d);
	/* The home the toolstack makes: owned by the guest. */
	snprintf(home, sizeof(home), "/local/domain/%u", domid);
	ck_assert_int_eq(store_write(&ctx.tree, home, "", 0, &dom0, NULL), 0);
	ck_assert_int_eq(store_set_perms(&ctx.tree, home, &perms), 0);
	d->ctx = &ctx;
	d->domid = domid;
	d->target = ~0u;
	d->io.fd = -1;
	d->mem.memfd = -1;
	d->evtchn.notify_fd = -1;
	d->evtchn.kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ck_assert_int_ge(d->evtchn.kick_fd, 0);
	d->intf = aligned_alloc(4096, 4096);
	ck_assert_ptr_nonnull(d->intf);
	memset(d->intf, 0, 4096);
	d->intf->server_features = XENSTORE_SERVER_FEATURE_RECONNECTION |
				   XENSTORE_SERVER_FEATURE_ERROR;
	d->conn = store_conn_new(&ctx, STORE_CONN_RING, &who);
	ck_assert_ptr_nonnull(d->conn);
	d->conn->dom = d;
	d->next = ctx.domains;
	ctx.domains = d;
	return d;
}

static void
dom_free(struct store_domain *d)
{
	struct xenstore_domain_interface *intf = d->intf;
	int fd = d->evtchn.kick_fd;

	store_domain_destroy(d);
	store_conn_reap(&ctx);
	store_domain_reap(&ctx);
	free(intf);
	close(fd);
}

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(rundir));
	ck_assert_int_eq(store_daemon_init(&ctx, rundir), 0);
}

static void
teardown(void)
{
	char path[400];

	store_daemon_fini(&ctx);
	snprintf(path, sizeof(path), "%s/xenstored", rundir);
	rmdir(path);
	rmdir(rundir);
	strcpy(rundir, "/tmp/xs-ring-test-XXXXXX");
}

/* The daemon's turn: serve, then free what died (as the loop does). */
static void
serve(struct store_domain *d)
{
	store_ring_service(d);
	store_conn_reap(&ctx);
}

/* Kicks the daemon sent the guest since the last call. */
static uint64_t
kicks(struct store_domain *d)
{
	uint64_t n = 0;

	if (read(d->evtchn.kick_fd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

/* Bytes at req_prod, whatever the indices say (a hostile guest too). */
static void
put_raw(struct xenstore_domain_interface *intf, const void *buf, uint32_t len)
{
	const uint8_t *p = buf;

	for (uint32_t i = 0; i < len; i++)
		intf->req[MASK_XENSTORE_IDX(intf->req_prod + i)] = (char)p[i];
	__atomic_store_n(&intf->req_prod, intf->req_prod + len,
			 __ATOMIC_RELEASE);
}

/* The guest puts bytes on the request ring (all must fit). */
static void
g_put(struct store_domain *d, const void *buf, uint32_t len)
{
	ck_assert_uint_le(d->intf->req_prod - d->intf->req_cons + len, RING);
	put_raw(d->intf, buf, len);
}

/* A request into buf: strings a and b (b may be NULL), each with its
 * NUL.  Returns its length on the wire. */
static uint32_t
build_req(uint8_t *buf, uint32_t type, uint32_t tx, const char *a,
	  const char *b)
{
	struct xsd_sockmsg h = {.type = type, .req_id = 77, .tx_id = tx};
	uint32_t la = (uint32_t)strlen(a) + 1;
	uint32_t lb = b ? (uint32_t)strlen(b) + 1 : 0;

	h.len = la + lb;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), a, la);
	if (b)
		memcpy(buf + sizeof(h) + la, b, lb);
	return (uint32_t)sizeof(h) + h.len;
}

static void
g_req(struct store_domain *d, uint32_t type, uint32_t tx, const char *a,
      const char *b)
{
	uint8_t buf[512];

	g_put(d, buf, build_req(buf, type, tx, a, b));
}

/* The guest takes one whole message off the response ring: 1, or 0 if
 * there is none.  body gets the payload plus a NUL. */
static int
g_get(struct store_domain *d, struct xsd_sockmsg *h, char *body, size_t cap)
{
	struct xenstore_domain_interface *intf = d->intf;
	uint32_t avail = intf->rsp_prod - intf->rsp_cons;
	uint8_t *p = (uint8_t *)h;

	if (avail < sizeof(*h))
		return 0;
	for (uint32_t i = 0; i < sizeof(*h); i++)
		p[i] = (uint8_t)
			       intf->rsp[MASK_XENSTORE_IDX(intf->rsp_cons + i)];
	ck_assert_uint_ge(avail, sizeof(*h) + h->len);
	ck_assert_uint_lt(h->len, cap);
	for (uint32_t i = 0; i < h->len; i++)
		body[i] = intf->rsp[MASK_XENSTORE_IDX(intf->rsp_cons +
						      sizeof(*h) + i)];
	body[h->len] = '\0';
	intf->rsp_cons += (uint32_t)sizeof(*h) + h->len;
	return 1;
}

/* One request, served, and its reply (watch events before it skipped
 * and counted in *events if given).  Returns the reply's type. */
static uint32_t
call(struct store_domain *d, uint32_t type, uint32_t tx, const char *a,
     const char *b, char *body, size_t cap, unsigned int *events)
{
	struct xsd_sockmsg h;

	g_req(d, type, tx, a, b);
	serve(d);
	for (;;) {
		ck_assert_msg(g_get(d, &h, body, cap), "no reply to type %u",
			      type);
		if (h.type != XS_WATCH_EVENT)
			return h.type;
		if (events)
			(*events)++;
	}
}

/* Watch events waiting on the ring (all of them taken). */
static unsigned int
events_pending(struct store_domain *d)
{
	struct xsd_sockmsg h;
	char body[512];
	unsigned int n = 0;

	while (g_get(d, &h, body, sizeof(body)))
		if (h.type == XS_WATCH_EVENT)
			n++;
	return n;
}

static void
reconnect(struct store_domain *d)
{
	__atomic_store_n(&d->intf->connection, XENSTORE_RECONNECT,
			 __ATOMIC_RELEASE);
	serve(d);
}

static uint32_t
tx_start(struct store_domain *d)
{
	char body[64];

	ck_assert_uint_eq(call(d, XS_TRANSACTION_START, 0, "", NULL, body,
			       sizeof(body), NULL),
			  XS_TRANSACTION_START);
	return (uint32_t)strtoul(body, NULL, 10);
}

START_TEST(reconnect_resets_the_connection)
{
	struct store_domain *d = dom_new(5);
	struct store_conn *old;
	char body[512];
	unsigned int events = 0;
	uint32_t tx;
	uint8_t half[24];

	ck_assert_uint_eq(call(d, XS_WRITE, 0, "data/keep", NULL, body,
			       sizeof(body), NULL),
			  XS_WRITE);
	ck_assert_uint_eq(
		call(d, XS_WATCH, 0, "data", "tok", body, sizeof(body), NULL),
		XS_WATCH);
	tx = tx_start(d);
	ck_assert_uint_ne(tx, 0);
	ck_assert_uint_eq(call(d, XS_WRITE, tx, "data/intx", NULL, body,
			       sizeof(body), NULL),
			  XS_WRITE);
	/* A reply left unread, and half a request the daemon holds. */
	g_req(d, XS_READ, 0, "data/keep", NULL);
	memset(half, 0, sizeof(half));
	((struct xsd_sockmsg *)half)->type = XS_WRITE;
	((struct xsd_sockmsg *)half)->len = 100;
	g_put(d, half, sizeof(half));
	serve(d);
	ck_assert_uint_ne(d->intf->rsp_prod, d->intf->rsp_cons);
	ck_assert_uint_eq(d->conn->in_len, sizeof(half));
	ck_assert_uint_eq(d->conn->nr_watches, 1);
	ck_assert_uint_eq(d->conn->nr_txns, 1);
	old = d->conn;
	kicks(d);

	reconnect(d);
	ck_assert_uint_eq(d->intf->connection, XENSTORE_CONNECTED);
	ck_assert_uint_eq(d->intf->req_cons, 0);
	ck_assert_uint_eq(d->intf->req_prod, 0);
	ck_assert_uint_eq(d->intf->rsp_cons, 0);
	ck_assert_uint_eq(d->intf->rsp_prod, 0);
	ck_assert_uint_eq(d->intf->error, XENSTORE_ERROR_NONE);
	ck_assert_uint_eq(d->intf->server_features,
			  XENSTORE_SERVER_FEATURE_RECONNECTION |
				  XENSTORE_SERVER_FEATURE_ERROR);
	ck_assert_uint_ge(kicks(d), 1);
	ck_assert_ptr_nonnull(d->conn);
	ck_assert_ptr_ne(d->conn, old);
	ck_assert_uint_eq(d->conn->in_len, 0);
	ck_assert_uint_eq(d->conn->nr_watches, 0);
	ck_assert_uint_eq(d->conn->nr_txns, 0);
	ck_assert_uint_eq(d->conn->nr_out, 0);

	/* Nodes stay; the transaction and its write are gone. */
	ck_assert_uint_eq(call(d, XS_READ, 0, "data/keep", NULL, body,
			       sizeof(body), NULL),
			  XS_READ);
	ck_assert_uint_eq(call(d, XS_READ, 0, "data/intx", NULL, body,
			       sizeof(body), NULL),
			  XS_ERROR);
	ck_assert_str_eq(body, "ENOENT");
	ck_assert_uint_eq(call(d, XS_WRITE, tx, "data/late", NULL, body,
			       sizeof(body), NULL),
			  XS_ERROR);
	ck_assert_str_eq(body, "ENOENT");
	ck_assert_uint_eq(call(d, XS_TRANSACTION_END, tx, "T", NULL, body,
			       sizeof(body), NULL),
			  XS_ERROR);
	ck_assert_str_eq(body, "ENOENT");
	/* The old watch is gone: a change fires nothing, and the same
	 * (path, token) is accepted again (EEXIST if it were kept). */
	ck_assert_uint_eq(call(d, XS_WRITE, 0, "data/x", NULL, body,
			       sizeof(body), &events),
			  XS_WRITE);
	ck_assert_uint_eq(events + events_pending(d), 0);
	ck_assert_uint_eq(call(d, XS_WATCH, 0, "data", "tok", body,
			       sizeof(body), &events),
			  XS_WATCH);
	ck_assert_uint_eq(events + events_pending(d), 1);
	events = 0;
	ck_assert_uint_eq(call(d, XS_WRITE, 0, "data/y", NULL, body,
			       sizeof(body), &events),
			  XS_WRITE);
	ck_assert_uint_eq(events + events_pending(d), 1);
	dom_free(d);
}
END_TEST

START_TEST(reconnect_after_a_broken_ring)
{
	struct store_domain *d = dom_new(6);
	char body[64];

	d->intf->req_prod = 5000; /* more than a ring ahead */
	serve(d);
	ck_assert_uint_eq(d->intf->error, XENSTORE_ERROR_RINGIDX);
	ck_assert(d->is_broken);
	ck_assert_ptr_null(d->conn);
	reconnect(d);
	ck_assert(!d->is_broken);
	ck_assert_uint_eq(d->intf->error, XENSTORE_ERROR_NONE);
	ck_assert_uint_eq(d->intf->connection, XENSTORE_CONNECTED);
	ck_assert_uint_eq(call(d, XS_WRITE, 0, "data/back", NULL, body,
			       sizeof(body), NULL),
			  XS_WRITE);
	dom_free(d);
}
END_TEST

START_TEST(reconnect_keeps_the_target)
{
	struct store_domain *d = dom_new(7);

	d->target = d->conn->who.target = 9; /* as SET_TARGET leaves it */
	reconnect(d);
	ck_assert_uint_eq(d->conn->who.target, 9);
	ck_assert_uint_eq(d->conn->who.domid, 7);
	ck_assert(!d->conn->who.is_priv);
	dom_free(d);
}
END_TEST

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

/* One hostile step: garbage, index games, connection flips. */
static void
hostile_step(struct store_domain *h)
{
	struct xenstore_domain_interface *intf = h->intf;
	uint32_t n, k = rnd() % 8;
	uint8_t buf[512];

	if (k < 3) {
		n = rnd() % (RING + 1);
		for (uint32_t i = 0; i < n; i++)
			intf->req[MASK_XENSTORE_IDX(intf->req_prod + i)] =
				(char)rnd();
		intf->req_prod += n; /* sometimes more than fits */
	} else if (k == 3) {
		intf->req_prod = rnd();
	} else if (k == 4) {
		intf->rsp_cons = rnd() % 2 ? rnd() : intf->rsp_prod;
	} else if (k == 5) {
		intf->connection = rnd() % 4 ? XENSTORE_RECONNECT : rnd();
	} else {
		/* A plausible request, sometimes cut short. */
		n = build_req(buf, rnd() % 32, rnd() % 3, "data/h", "v");
		put_raw(intf, buf, rnd() % 2 ? n : rnd() % n);
		if (rnd() % 2)
			intf->connection = XENSTORE_RECONNECT;
	}
	serve(h);
	/* Only the guest sets RECONNECT: left as is unless we asked. */
	ck_assert(intf->connection != XENSTORE_RECONNECT);
}

START_TEST(hostile_reconnects_leave_others_alone)
{
	struct store_domain *good = dom_new(10), *bad = dom_new(11);
	struct store_conn *good_conn = good->conn;
	char body[512];
	unsigned int events = 0;
	uint32_t tx;

	ck_assert_uint_eq(
		call(good, XS_WATCH, 0, "data", "g", body, sizeof(body), NULL),
		XS_WATCH);
	ck_assert_uint_eq(events_pending(good), 1);
	tx = tx_start(good);
	ck_assert_uint_eq(call(good, XS_WRITE, tx, "data/tx", NULL, body,
			       sizeof(body), NULL),
			  XS_WRITE);
	for (int i = 0; i < 3000; i++) {
		hostile_step(bad);
		if (i % 100 == 0) {
			ck_assert_uint_eq(call(good, XS_WRITE, 0, "data/n",
					       NULL, body, sizeof(body),
					       &events),
					  XS_WRITE);
			events += events_pending(good);
		}
		/* Keep the hostile guest's own replies from piling up. */
		if (bad->intf->connection == XENSTORE_CONNECTED && rnd() % 2)
			bad->intf->rsp_cons = bad->intf->rsp_prod;
	}
	ck_assert_uint_eq(events, 30);
	ck_assert_ptr_eq(good->conn, good_conn);
	ck_assert_uint_eq(good->conn->nr_watches, 1);
	ck_assert_uint_eq(good->conn->nr_txns, 1);
	ck_assert_uint_eq(good->intf->error, XENSTORE_ERROR_NONE);
	ck_assert_uint_eq(call(good, XS_TRANSACTION_END, tx, "T", NULL, body,
			       sizeof(body), NULL),
			  XS_TRANSACTION_END);
	ck_assert_uint_eq(call(good, XS_READ, 0, "data/tx", NULL, body,
			       sizeof(body), NULL),
			  XS_READ);
	/* The hostile guest gets a clean connection when it asks. */
	reconnect(bad);
	ck_assert_uint_eq(bad->intf->error, XENSTORE_ERROR_NONE);
	ck_assert_uint_eq(call(bad, XS_WRITE, 0, "data/ok", NULL, body,
			       sizeof(body), NULL),
			  XS_WRITE);
	ck_assert_ptr_nonnull(store_lookup(&ctx.tree, "/local/domain/0/name"));
	dom_free(bad);
	dom_free(good);
}
END_TEST

static Suite *
ring_suite(void)
{
	Suite *s = suite_create("xenstored_ring");
	TCase *tc = tcase_create("reconnect");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, reconnect_resets_the_connection);
	tcase_add_test(tc, reconnect_after_a_broken_ring);
	tcase_add_test(tc, reconnect_keeps_the_target);
	tcase_add_test(tc, hostile_reconnects_leave_others_alone);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ring_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
