/*
 * backends/blkback/request.c: blkif request parsing.  Owns no state.
 * Trust boundary: the input is a frontend's request (already copied out of
 * the ring once by be_ring_take_request); every field is checked here and
 * nothing after this file reads a raw request.
 */
#include <errno.h>
#include <string.h>

#include "blkback.h"

#define BLKBACK_SECTORS_PER_PAGE (BE_PAGE_SIZE >> BLKBACK_SECTOR_SHIFT)

/* The requested range must be inside the disk and sector-size aligned. */
static int
blkback_req_check_range(const struct blkback_limits *lim, uint64_t sector,
			uint64_t nr_sectors)
{
	uint64_t end, per = lim->sector_size >> BLKBACK_SECTOR_SHIFT;

	if (__builtin_add_overflow(sector, nr_sectors, &end) ||
	    end > lim->nr_sectors)
		return -ERANGE;
	if (per > 1 && (sector % per || nr_sectors % per))
		return -EINVAL;
	return 0;
}

int
blkback_req_parse_segs(const struct blkif_request_segment *segs, uint32_t nr,
		       const struct blkback_limits *lim,
		       struct blkback_req *out)
{
	uint64_t total = 0;

	if (nr > BLKBACK_MAX_SEGS)
		return -EINVAL;
	for (uint32_t i = 0; i < nr; i++) {
		struct blkif_request_segment s = segs[i];

		if (s.first_sect > s.last_sect ||
		    s.last_sect >= BLKBACK_SECTORS_PER_PAGE)
			return -EINVAL;
		out->segs[i].gref = s.gref;
		out->segs[i].offset =
			(uint16_t)(s.first_sect << BLKBACK_SECTOR_SHIFT);
		out->segs[i].len = (uint16_t)((s.last_sect - s.first_sect + 1)
					      << BLKBACK_SECTOR_SHIFT);
		total += (uint64_t)(s.last_sect - s.first_sect + 1);
	}
	out->nr_segs = nr;
	out->nr_sectors = total;
	out->nr_indirect = 0;
	if (out->op == BLKBACK_OP_READ || out->op == BLKBACK_OP_WRITE || nr > 0)
		return blkback_req_check_range(lim, out->sector, total);
	return 0;
}

static int
blkback_req_parse_discard(const struct blkif_request_discard *d,
			  const struct blkback_limits *lim,
			  struct blkback_req *out)
{
	if (!lim->has_discard)
		return -EOPNOTSUPP;
	if (lim->is_read_only)
		return -EROFS;
	out->op = BLKBACK_OP_DISCARD;
	out->sector = d->sector_number;
	out->nr_sectors = d->nr_sectors;
	return blkback_req_check_range(lim, out->sector, out->nr_sectors);
}

static int
blkback_req_parse_indirect(const struct blkif_request_indirect *r,
			   const struct blkback_limits *lim,
			   struct blkback_req *out)
{
	uint32_t nr = r->nr_segments, pages;

	if (!lim->has_indirect)
		return -EOPNOTSUPP;
	out->rsp_op = r->indirect_op;
	if (r->indirect_op == BLKIF_OP_READ)
		out->op = BLKBACK_OP_READ;
	else if (r->indirect_op == BLKIF_OP_WRITE)
		out->op = BLKBACK_OP_WRITE;
	else
		return -EINVAL;
	if (out->op == BLKBACK_OP_WRITE && lim->is_read_only)
		return -EROFS;
	if (nr == 0 || nr > BLKBACK_MAX_INDIRECT_SEGS)
		return -EINVAL;
	pages = (nr + BLKBACK_SEGS_PER_PAGE - 1) / BLKBACK_SEGS_PER_PAGE;
	out->sector = r->sector_number;
	out->nr_segs = nr;
	out->nr_indirect = pages;
	memcpy(out->indirect_grefs, r->indirect_grefs,
	       pages * sizeof(out->indirect_grefs[0]));
	return 0;
}

static int
blkback_req_parse_rw(const struct blkif_request *r,
		     const struct blkback_limits *lim, struct blkback_req *out)
{
	uint32_t nr = r->nr_segments;

	switch (r->operation) {
	case BLKIF_OP_READ:
		out->op = BLKBACK_OP_READ;
		break;
	case BLKIF_OP_WRITE:
		out->op = BLKBACK_OP_WRITE;
		break;
	case BLKIF_OP_FLUSH_DISKCACHE:
		out->op = BLKBACK_OP_FLUSH;
		break;
	case BLKIF_OP_WRITE_BARRIER:
		out->op = BLKBACK_OP_BARRIER;
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (out->op != BLKBACK_OP_READ && nr > 0 && lim->is_read_only)
		return -EROFS;
	if (out->op == BLKBACK_OP_BARRIER && lim->is_read_only)
		return -EROFS;
	if (nr > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return -EINVAL;
	if (nr == 0 &&
	    (out->op == BLKBACK_OP_READ || out->op == BLKBACK_OP_WRITE))
		return -EINVAL;
	out->sector = r->sector_number;
	return blkback_req_parse_segs(r->seg, nr, lim, out);
}

int
blkback_req_parse(const union blkback_raw_req *raw,
		  const struct blkback_limits *lim, struct blkback_req *out)
{
	out->id = raw->rw.id;
	out->rsp_op = raw->rw.operation;
	out->nr_segs = 0;
	out->nr_indirect = 0;
	out->nr_sectors = 0;
	out->sector = 0;
	out->op = 0;
	switch (raw->rw.operation) {
	case BLKIF_OP_DISCARD:
		out->id = raw->discard.id;
		return blkback_req_parse_discard(&raw->discard, lim, out);
	case BLKIF_OP_INDIRECT:
		out->id = raw->indirect.id;
		return blkback_req_parse_indirect(&raw->indirect, lim, out);
	default:
		return blkback_req_parse_rw(&raw->rw, lim, out);
	}
}
