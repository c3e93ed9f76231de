/*
 * tests/fuzz/blkif_fuzz.c: libFuzzer target for blkback's two hostile-
 * input boundaries together: a ring page and producer indices written by
 * the fuzzer (be_ring, backends/lib/ring.c) and every request taken from
 * it parsed (blkback_req_parse, backends/blkback/request.c), indirect
 * segments included.  Invariants of the validated request are checked
 * with abort().  Input: 8 bytes of device/limits/index knobs, then the
 * ring page, then indirect segments.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blkback.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
blkif_fuzz_check_req(const struct blkback_req *rq,
		     const struct blkback_limits *lim)
{
	uint64_t total = 0, end;

	if (rq->nr_segs > BLKBACK_MAX_SEGS || rq->nr_indirect)
		abort();
	for (uint32_t i = 0; i < rq->nr_segs; i++) {
		if (rq->segs[i].len == 0 || rq->segs[i].len % 512 ||
		    rq->segs[i].offset + rq->segs[i].len > 4096)
			abort();
		total += rq->segs[i].len / 512;
	}
	if (rq->op == BLKBACK_OP_READ || rq->op == BLKBACK_OP_WRITE) {
		if (rq->nr_segs == 0 || total != rq->nr_sectors)
			abort();
		if (__builtin_add_overflow(rq->sector, total, &end) ||
		    end > lim->nr_sectors)
			abort();
		if (rq->op == BLKBACK_OP_WRITE && lim->is_read_only)
			abort();
	}
	if (rq->op == BLKBACK_OP_DISCARD &&
	    (!lim->has_discard || lim->is_read_only ||
	     rq->sector + rq->nr_sectors > lim->nr_sectors))
		abort();
}

static void
blkif_fuzz_one(const union blkback_raw_req *raw,
	       const struct blkback_limits *lim, const uint8_t *tail,
	       size_t tail_len)
{
	struct blkif_request_segment segs[BLKBACK_MAX_SEGS];
	static struct blkback_req rq;
	size_t n;

	if (blkback_req_parse(raw, lim, &rq) != 0)
		return;
	if (rq.nr_indirect) {
		if (rq.nr_indirect > BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST ||
		    rq.nr_segs > BLKBACK_MAX_INDIRECT_SEGS)
			abort();
		memset(segs, 0, sizeof(segs));
		n = tail_len < sizeof(segs) ? tail_len : sizeof(segs);
		memcpy(segs, tail, n);
		if (blkback_req_parse_segs(segs, rq.nr_segs, lim, &rq) != 0)
			return;
	}
	blkif_fuzz_check_req(&rq, lim);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static _Alignas(4096) uint8_t page[2 * 4096];
	const size_t ring_bytes = data && size ? 4096u << (data[0] >> 7) : 0;
	struct blkback_limits lim;
	union blkback_raw_req raw;
	struct be_ring r;
	size_t body;
	int rc;

	if (size < 8)
		return 0;
	memset(page, 0, sizeof(page));
	body = size - 8 < ring_bytes ? size - 8 : ring_bytes;
	memcpy(page, data + 8, body);
	lim = (struct blkback_limits){
		.nr_sectors = (uint64_t)(data[1] | data[2] << 8)
			      << (data[3] & 31),
		.sector_size = data[0] & 2 ? 4096 : 512,
		.is_read_only = data[0] & 4,
		.has_discard = data[0] & 8,
		.has_indirect = data[0] & 16,
	};
	if (be_ring_attach(&r, page, ring_bytes, sizeof(struct blkif_request),
			   sizeof(struct blkif_response), data[0] & 1))
		abort();
	for (int round = 0; round < 4; round++) {
		uint32_t taken = 0;

		be_ring_begin(&r);
		while ((rc = be_ring_take_request(&r, &raw)) == 1) {
			struct blkif_response rsp = {.id = raw.rw.id};

			if (++taken > r.nr_ents)
				abort(); /* more than a ring's worth */
			blkif_fuzz_one(&raw, &lim, data + 8 + body,
				       size - 8 - body);
			if (data[4 + round] & 1)
				be_ring_put_response(&r, &rsp);
		}
		if (rc < 0 && !r.is_broken)
			abort();
		if (r.req_cons - r.rsp_prod_pvt > r.nr_ents)
			abort();
		be_ring_push_responses(&r);
		be_ring_final_check(&r);
		/* The frontend moves its producer index. */
		*(uint32_t *)page += data[4 + round] >> 1;
	}
	return 0;
}
