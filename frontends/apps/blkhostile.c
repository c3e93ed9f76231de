/*
 * apps/blkhostile.c: a hostile blkif frontend.  Connects like blkfront,
 * then puts malformed requests on the ring by hand (bad grant refs, grants
 * not given to dom0, segments outside their page, sectors past the end,
 * too many segments, a slot rewritten after publishing, a read into a
 * read-only grant) and checks each gets BLKIF_RSP_ERROR while good
 * requests still work; last, a producer index far ahead, which must cost
 * this device (backend Closing) and nothing else.  "N passed, N failed".
 */
#include <stdint.h>

#include <xen/io/xenbus.h>

#include "gk/blk.h"
#include "gk/blkfront.h"
#include "gk/cmdline.h"
#include "gk/console.h"
#include "gk/errno.h"
#include "gk/kernel.h"
#include "gk/page_alloc.h"
#include "gk/printf.h"
#include "gk/string.h"
#include "gk/time.h"

#define BH_TIMEOUT_NS (10 * GK_NS_PER_S)

struct bh {
	struct blkfront_dev *b;
	struct gk_blk_info info;
	uint8_t *page;	    /* a data page */
	uint32_t gref_rw;   /* page granted to dom0 */
	uint32_t gref_ro;   /* page granted to dom0 read-only */
	uint32_t gref_peer; /* page granted to another domain */
	uint64_t next_id;
	unsigned int passed, failed;
};

static void
bh_check(struct bh *t, int ok, const char *what, long v)
{
	if (ok) {
		t->passed++;
		gk_info("ok: %s\n", what);
	} else {
		t->failed++;
		gk_err("FAIL: %s (%ld)\n", what, v);
	}
}

static struct blkif_request
bh_req(struct bh *t, uint8_t op, uint64_t sector, uint32_t gref)
{
	struct blkif_request r = {.operation = op,
				  .nr_segments = 1,
				  .handle = (blkif_vdev_t)t->info.devid,
				  .id = ++t->next_id,
				  .sector_number = sector};

	r.seg[0] = (struct blkif_request_segment){
		.gref = gref, .first_sect = 0, .last_sect = 7};
	return r;
}

/* Put r, publish, wait for its response: its status, or -ETIME/-EIO. */
static int
bh_send(struct bh *t, const struct blkif_request *r)
{
	struct blkif_response rsp;
	int rc = blkfront_raw_put(t->b, r, sizeof(*r), 1);

	if (rc == 0)
		rc = blkfront_raw_take(t->b, &rsp, BH_TIMEOUT_NS);
	if (rc < 0)
		return rc;
	if (rsp.id != r->id)
		return -EIO;
	return rsp.status;
}

static void
bh_expect_error(struct bh *t, const struct blkif_request *r, const char *what)
{
	int st = bh_send(t, r);

	bh_check(t, st == BLKIF_RSP_ERROR, what, st);
}

static void
bh_good(struct bh *t, const char *after)
{
	struct blkif_request r = bh_req(t, BLKIF_OP_READ, 0, t->gref_rw);
	char what[96];
	int st = bh_send(t, &r);

	gk_snprintf(what, sizeof(what), "a good read still works after %s",
		    after);
	bh_check(t, st == BLKIF_RSP_OKAY, what, st);
}

static void
bh_segments(struct bh *t)
{
	struct blkif_request r = bh_req(t, BLKIF_OP_READ, 0, t->gref_rw);

	r.seg[0].first_sect = 7;
	r.seg[0].last_sect = 9;
	bh_expect_error(t, &r, "segment past the end of its page");
	r = bh_req(t, BLKIF_OP_READ, 0, t->gref_rw);
	r.seg[0].first_sect = 5;
	r.seg[0].last_sect = 2;
	bh_expect_error(t, &r, "segment with first_sect > last_sect");
	r = bh_req(t, BLKIF_OP_READ, 0, t->gref_rw);
	r.nr_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST + 1;
	bh_expect_error(t, &r, "nr_segments too large");
	r.nr_segments = 0;
	bh_expect_error(t, &r, "nr_segments 0 on a read");
	bh_good(t, "bad segments");
}

static void
bh_grants(struct bh *t)
{
	struct blkif_request r = bh_req(t, BLKIF_OP_READ, 0, 0x7fffffffu);

	bh_expect_error(t, &r, "gref past the grant table");
	r = bh_req(t, BLKIF_OP_READ, 0, 3);
	bh_expect_error(t, &r, "gref never granted");
	r = bh_req(t, BLKIF_OP_READ, 0, t->gref_peer);
	bh_expect_error(t, &r, "gref granted to another domain");
	r = bh_req(t, BLKIF_OP_READ, 0, t->gref_ro);
	bh_expect_error(t, &r, "read into a read-only grant");
	bh_good(t, "bad grants");
}

static void
bh_ranges(struct bh *t)
{
	struct blkif_request r =
		bh_req(t, BLKIF_OP_READ, t->info.sectors, t->gref_rw);

	bh_expect_error(t, &r, "sector at the end of the disk");
	r = bh_req(t, BLKIF_OP_READ, t->info.sectors - 4, t->gref_rw);
	bh_expect_error(t, &r, "sectors running past the end");
	r = bh_req(t, BLKIF_OP_READ, ~0ull - 2, t->gref_rw);
	bh_expect_error(t, &r, "sector range that wraps");
	r = bh_req(t, 0xee, 0, t->gref_rw);
	{
		int st = bh_send(t, &r);

		bh_check(t, st == BLKIF_RSP_EOPNOTSUPP || st == BLKIF_RSP_ERROR,
			 "unknown operation", st);
	}
	bh_good(t, "bad ranges");
}

/* Publish a good request, then keep rewriting its slot with garbage for
 * a while: the backend must have copied it once (either answer is fine,
 * as long as one comes and the backend lives). */
static void
bh_scribble(struct bh *t)
{
	struct blkif_request r = bh_req(t, BLKIF_OP_READ, 0, t->gref_rw);
	struct blkif_sring *s = blkfront_raw_sring(t->b);
	struct blkif_response rsp;
	uint32_t slot, n = 0;
	uint64_t end;
	int rc;

	for (int round = 0; round < 20; round++) {
		r.id = ++t->next_id;
		slot = s->req_prod;
		blkfront_raw_put(t->b, &r, sizeof(r), 1);
		union blkif_sring_entry *e =
			&s->ring[slot & (__RING_SIZE(s, 4096) - 1)];
		end = gk_time_now_ns() + 2 * GK_NS_PER_MS;
		/* Only bytes past the 16 a response takes in the same slot
		 * (the backend's answer must stay readable), and only until
		 * the answer is out. */
		while (gk_time_now_ns() < end &&
		       __atomic_load_n(&s->rsp_prod, __ATOMIC_ACQUIRE) ==
			       slot) {
			e->req.seg[0].last_sect = (uint8_t)(n * 37);
			e->req.seg[0].gref = (uint32_t)(n * 2654435761u);
			e->req.sector_number = n++ * 0x1000000001ull;
		}
		rc = blkfront_raw_take(t->b, &rsp, BH_TIMEOUT_NS);
		if (rc != 1 || rsp.id != r.id) {
			gk_err("blkhostile: round %d: rc %d id %lu want %lu "
			       "status %d\n",
			       round, rc, (unsigned long)rsp.id,
			       (unsigned long)r.id, rsp.status);
			bh_check(t, 0, "ring slot rewritten under the backend",
				 rc);
			return;
		}
	}
	bh_check(t, 1, "ring slot rewritten under the backend (20 times)", 0);
	bh_good(t, "a rewritten slot");
}

static void
bh_prod_ahead(struct bh *t)
{
	struct blkif_sring *s = blkfront_raw_sring(t->b);
	uint64_t end = gk_time_now_ns() + BH_TIMEOUT_NS;
	int st;

	blkfront_raw_set_req_prod(t->b, s->rsp_prod + 100000);
	do {
		gk_sleep_ns(20 * GK_NS_PER_MS);
		st = blkfront_backend_state(t->b);
	} while (st < XenbusStateClosing && gk_time_now_ns() < end);
	bh_check(t, st >= XenbusStateClosing,
		 "producer index far ahead closes the device", st);
}

int
gk_app_blkhostile(const char *cmdline)
{
	static struct bh t;
	struct gk_blk_opts o = {.no_persistent = 1, .no_indirect = 1};
	uint64_t devid = 0, pfn;
	int rc;

	gk_cmdline_get_u64(cmdline, "dev", &devid);
	rc = gk_blk_open((uint32_t)devid, &o, &t.b);
	bh_check(&t, rc == 0, "open", rc);
	if (rc < 0)
		goto out;
	gk_blk_get_info(t.b, &t.info);
	bh_check(&t, t.info.ring_order == 0, "one-page ring", 0);
	pfn = gk_pages_alloc(&gk.pages, 3);
	if (!pfn)
		return -ENOMEM;
	t.page = (uint8_t *)(uintptr_t)(pfn << 12);
	rc = blkfront_raw_grant(t.b, pfn, 0, 0, &t.gref_rw);
	if (rc == 0)
		rc = blkfront_raw_grant(t.b, pfn + 1, 0, 1, &t.gref_ro);
	if (rc == 0)
		rc = blkfront_raw_grant(t.b, pfn + 2, 0x7ff0, 0, &t.gref_peer);
	bh_check(&t, rc == 0, "grants", rc);
	if (rc < 0)
		goto out;
	bh_good(&t, "connecting");
	bh_grants(&t);
	bh_segments(&t);
	bh_ranges(&t);
	bh_scribble(&t);
	bh_prod_ahead(&t);
out:
	gk_info("%u passed, %u failed\n", t.passed, t.failed);
	return t.failed ? -EIO : 0;
}
