/*
 * backends/lib/ring.c: backend end of a Xen shared ring.  Owns the private
 * indices (req_cons, rsp_prod_pvt) and the ring's counters.  Trust
 * boundary: the ring header and entries are frontend memory; each index is
 * loaded once per use, each request copied out once, and a producer that
 * runs more than a ring ahead marks the ring broken.
 */
#include <errno.h>
#include <string.h>

#include <stddef.h>
#include <stdint.h>

#include <xen/io/blkif.h>

#include "ring.h"
#include "xylem/coalesce.h"

/* The header every DEFINE_RING_TYPES ring shares (xen/io/ring.h). */
#define BE_SRING_REQ_PROD  0u
#define BE_SRING_REQ_EVENT 4u
#define BE_SRING_RSP_PROD  8u
#define BE_SRING_RSP_EVENT 12u
#define BE_SRING_HDR_BYTES 64u

_Static_assert(offsetof(struct blkif_sring, req_prod) == BE_SRING_REQ_PROD,
	       "ring header");
_Static_assert(offsetof(struct blkif_sring, req_event) == BE_SRING_REQ_EVENT,
	       "ring header");
_Static_assert(offsetof(struct blkif_sring, rsp_prod) == BE_SRING_RSP_PROD,
	       "ring header");
_Static_assert(offsetof(struct blkif_sring, rsp_event) == BE_SRING_RSP_EVENT,
	       "ring header");
_Static_assert(offsetof(struct blkif_sring, ring) == BE_SRING_HDR_BYTES,
	       "ring header");
/* The coalescing words sit in __pad, clear of pvt (coalesce.h). */
_Static_assert(XYL_COALESCE_REQ_STATE_OFFSET >=
		       offsetof(struct blkif_sring, __pad),
	       "coalescing flag inside __pad");
_Static_assert(XYL_COALESCE_RSP_STATE_OFFSET + 4 <= BE_SRING_HDR_BYTES,
	       "coalescing flag inside the header");

static uint32_t *
be_sring_word(const struct be_ring *r, uint32_t offset)
{
	return (uint32_t *)(r->sring + offset);
}

static uint32_t
be_sring_load(const struct be_ring *r, uint32_t offset)
{
	return __atomic_load_n(be_sring_word(r, offset), __ATOMIC_ACQUIRE);
}

static void
be_sring_store(const struct be_ring *r, uint32_t offset, uint32_t v)
{
	__atomic_store_n(be_sring_word(r, offset), v, __ATOMIC_RELEASE);
}

uint32_t
be_ring_nr_ents(size_t bytes, size_t entry_size)
{
	size_t n;
	uint32_t p = 1;

	if (entry_size == 0 || bytes < BE_SRING_HDR_BYTES + entry_size)
		return 0;
	n = (bytes - BE_SRING_HDR_BYTES) / entry_size;
	while ((size_t)p * 2 <= n && p < (1u << 30))
		p *= 2;
	return p;
}

int
be_ring_attach(struct be_ring *r, void *sring, size_t bytes, size_t req_size,
	       size_t rsp_size, bool use_coalesce)
{
	size_t entry = req_size > rsp_size ? req_size : rsp_size;

	memset(r, 0, sizeof(*r));
	r->nr_ents = be_ring_nr_ents(bytes, entry);
	if (!sring || r->nr_ents == 0)
		return -EINVAL;
	r->sring = sring;
	r->entry_size = entry;
	r->req_size = req_size;
	r->rsp_size = rsp_size;
	r->use_coalesce = use_coalesce;
	/* Responses are published in request order (ring.h), so rsp_prod
	 * is where taking requests resumes; a fresh ring has it at 0. */
	r->rsp_prod_pvt = be_sring_load(r, BE_SRING_RSP_PROD);
	r->req_cons = r->rsp_prod_pvt;
	return 0;
}

static uint8_t *
be_ring_slot(const struct be_ring *r, uint32_t idx)
{
	return r->sring + BE_SRING_HDR_BYTES +
	       (size_t)(idx & (r->nr_ents - 1)) * r->entry_size;
}

uint32_t
be_ring_unconsumed(struct be_ring *r)
{
	uint32_t prod = be_sring_load(r, BE_SRING_REQ_PROD);
	uint32_t avail = prod - r->req_cons;
	uint32_t room = r->nr_ents - (r->req_cons - r->rsp_prod_pvt);

	if (r->is_broken || prod - r->rsp_prod_pvt > r->nr_ents)
		return 0;
	return avail < room ? avail : room;
}

void
be_ring_begin(struct be_ring *r)
{
	r->stats.batches++;
	if (r->use_coalesce)
		be_sring_store(r, XYL_COALESCE_REQ_STATE_OFFSET,
			       XYL_COALESCE_ACTIVE);
}

static const uint8_t *
be_ring_journal_copy(const struct be_ring *r, uint32_t idx)
{
	uint32_t slot = idx & (r->nr_ents - 1);

	if (!r->journal.idx ||
	    r->journal.idx[slot] != (BE_RING_JOURNAL_VALID | idx))
		return NULL;
	return r->journal.reqs + (size_t)slot * r->req_size;
}

static void
be_ring_journal_put(struct be_ring *r, uint32_t idx, const void *req)
{
	uint32_t slot = idx & (r->nr_ents - 1);

	if (!r->journal.idx)
		return;
	/* Invalidate, copy, validate: a crash in between leaves no
	 * half-written copy marked valid. */
	__atomic_store_n(&r->journal.idx[slot], 0, __ATOMIC_RELEASE);
	memcpy(r->journal.reqs + (size_t)slot * r->req_size, req, r->req_size);
	__atomic_store_n(&r->journal.idx[slot], BE_RING_JOURNAL_VALID | idx,
			 __ATOMIC_RELEASE);
}

int
be_ring_take_request(struct be_ring *r, void *out)
{
	uint32_t prod;
	const uint8_t *copy;

	if (r->is_broken)
		return -EPROTO;
	prod = be_sring_load(r, BE_SRING_REQ_PROD);
	/* More requests than slots beyond our last response: the frontend
	 * overwrote requests we have not answered, or the index is junk. */
	if (prod - r->rsp_prod_pvt > r->nr_ents) {
		r->is_broken = true;
		return -EPROTO;
	}
	if (prod == r->req_cons || r->req_cons - r->rsp_prod_pvt >= r->nr_ents)
		return 0;
	/* The acquire load of req_prod orders the entry read after it. */
	copy = be_ring_journal_copy(r, r->req_cons);
	if (copy) {
		memcpy(out, copy, r->req_size);
	} else {
		memcpy(out, be_ring_slot(r, r->req_cons), r->req_size);
		be_ring_journal_put(r, r->req_cons, out);
	}
	r->req_cons++;
	r->stats.requests++;
	return 1;
}

bool
be_ring_final_check(struct be_ring *r)
{
	if (r->is_broken)
		return false;
	if (be_ring_unconsumed(r))
		return true;
	be_sring_store(r, BE_SRING_REQ_EVENT, r->req_cons + 1);
	if (r->use_coalesce)
		be_sring_store(r, XYL_COALESCE_REQ_STATE_OFFSET,
			       XYL_COALESCE_SLEEPING);
	/* Store->load: our SLEEPING (and req_event) before the re-read of
	 * req_prod, pairing with the producer's barrier (coalesce.h). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!be_ring_unconsumed(r))
		return false;
	if (r->use_coalesce)
		be_sring_store(r, XYL_COALESCE_REQ_STATE_OFFSET,
			       XYL_COALESCE_ACTIVE);
	return true;
}

void
be_ring_put_response(struct be_ring *r, const void *rsp)
{
	uint8_t *slot = be_ring_slot(r, r->rsp_prod_pvt);

	memcpy(slot, rsp, r->rsp_size);
	r->rsp_prod_pvt++;
	r->stats.responses++;
}

bool
be_ring_push_responses(struct be_ring *r)
{
	uint32_t old = be_sring_load(r, BE_SRING_RSP_PROD);
	uint32_t new = r->rsp_prod_pvt;
	bool notify;

	if (old == new)
		return false;
	/* Release: the response bodies before the index. */
	be_sring_store(r, BE_SRING_RSP_PROD, new);
	/* Store->load: the index before we read the frontend's state. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (r->use_coalesce) {
		notify = be_sring_load(r, XYL_COALESCE_RSP_STATE_OFFSET) !=
			 XYL_COALESCE_ACTIVE;
	} else {
		uint32_t ev = be_sring_load(r, BE_SRING_RSP_EVENT);

		notify = (uint32_t)(new - ev) < (uint32_t)(new - old);
	}
	if (notify)
		r->stats.notify_sent++;
	else
		r->stats.notify_suppressed++;
	return notify;
}

size_t
be_ring_journal_bytes(uint32_t nr_ents, size_t req_size)
{
	return (size_t)nr_ents * (sizeof(uint64_t) + req_size);
}

void
be_ring_set_journal(struct be_ring *r, void *mem, bool keep)
{
	r->journal.idx = mem;
	r->journal.reqs =
		(uint8_t *)mem + (size_t)r->nr_ents * sizeof(uint64_t);
	if (!keep)
		memset(mem, 0, be_ring_journal_bytes(r->nr_ents, r->req_size));
}
