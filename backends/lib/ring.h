/*
 * backends/lib/ring.h: the backend end of a Xen shared ring
 * (xen/io/ring.h layout, any request/response type): requests copied out
 * once with producer-index sanity checks, responses pushed with
 * notification suppression by the Xylem coalescing flag
 * (include/xylem/coalesce.h) or Xen's req_event/rsp_event.  The only code
 * that reads frontend ring requests (STYLE.md 3.6).
 */
#ifndef BE_RING_H
#define BE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Per-ring counters; "notify" means an event-channel send. */
struct be_ring_stats {
	uint64_t requests;	    /* requests taken */
	uint64_t responses;	    /* responses pushed */
	uint64_t kicks;		    /* notifications received */
	uint64_t notify_sent;	    /* notifications we sent */
	uint64_t notify_suppressed; /* pushes that needed none */
	uint64_t batches;	    /* processing-routine runs */
};

/*
 * Optional crash journal: a copy of every request taken, indexed by slot,
 * kept in a MAP_SHARED file so a restarted backend finds requests whose
 * slots were overwritten by responses it wrote but had not published.
 * idx[s] is BE_RING_JOURNAL_VALID | the ring index of the request slot s
 * holds (0 = none).
 */
#define BE_RING_JOURNAL_VALID (1ull << 32)
struct be_ring_journal {
	uint64_t *idx; /* nr_ents entries */
	uint8_t *reqs; /* nr_ents * req_size bytes */
};

/*
 * One shared ring, backend side.  Owner: the backend queue that maps it;
 * single-threaded.  The shared page is frontend memory: every field in it
 * is read once per use with an atomic load.
 */
struct be_ring {
	uint8_t *sring;	   /* the shared ring (header + entries) */
	size_t entry_size; /* sizeof the request/response union */
	size_t req_size;
	size_t rsp_size;
	uint32_t nr_ents;      /* power of two */
	uint32_t req_cons;     /* next request to take */
	uint32_t rsp_prod_pvt; /* next response slot */
	bool use_coalesce;     /* the Xylem flag protocol is negotiated */
	bool is_broken;	       /* the frontend broke the ring protocol */
	struct be_ring_journal journal; /* .idx NULL: no journal */
	struct be_ring_stats stats;
};

/*
 * Attach to a ring of bytes bytes at sring.  req_size/rsp_size are the
 * request and response types' sizes.  req_cons and rsp_prod_pvt start at
 * the shared rsp_prod (a fresh ring: 0; a ring taken over after a backend
 * restart: every published response answers the request of its slot, see
 * be_ring_set_journal).  -EINVAL if not even one entry fits.
 */
int be_ring_attach(struct be_ring *r, void *sring, size_t bytes,
		   size_t req_size, size_t rsp_size, bool use_coalesce);

/* Number of entries a ring of bytes bytes with this entry size has. */
uint32_t be_ring_nr_ents(size_t bytes, size_t entry_size);

/* Start of a processing run: mark the backend ACTIVE (coalescing). */
void be_ring_begin(struct be_ring *r);

/*
 * Copy the next request into out (req_size bytes).  1 = a request was
 * taken, 0 = none available (or no response slot free for it yet),
 * -EPROTO = the producer index is more than a ring ahead of our responses
 * (the ring is then marked broken; the caller closes the device).
 */
int be_ring_take_request(struct be_ring *r, void *out);

/*
 * End of a processing run: declare SLEEPING (and req_event), full
 * barrier, look again.  true = more requests arrived: run again.
 */
bool be_ring_final_check(struct be_ring *r);

/* Write a response into the next slot (not yet visible). */
void be_ring_put_response(struct be_ring *r, const void *rsp);

/* Publish the responses written; true = the frontend must be notified
 * (counted in stats as sent or suppressed; the caller sends). */
bool be_ring_push_responses(struct be_ring *r);

/* Requests available but not taken (bounded by nr_ents). */
uint32_t be_ring_unconsumed(struct be_ring *r);

/*
 * Journal: give the ring its journal (be_ring_journal_bytes() of memory,
 * 8-byte aligned).  keep = false clears it (a new connection); keep = true
 * (a ring taken over after a restart) makes be_ring_take_request use the
 * journalled copy of each request it had taken before, since that slot may
 * hold a response written but never published.  Requests are re-executed
 * from rsp_prod on; backends publish responses in request order so that
 * rsp_prod is exactly the number of requests answered.
 */
size_t be_ring_journal_bytes(uint32_t nr_ents, size_t req_size);
void be_ring_set_journal(struct be_ring *r, void *mem, bool keep);

#endif
