/*
 * gk/netfront.h: the netif frontend.  kernel/netfront_ring.c is the ring
 * logic (pure memory work, host-testable): requests out with the
 * notification decision (the coalescing flag of include/xylem/coalesce.h
 * or Xen's req_event/rsp_event), responses in from an untrusted backend
 * (indices and every field checked on a private copy), and the packet
 * clustering trigger.  kernel/netfront.c is the driver around it
 * (xenbus, grants, events, buffers).
 */
#ifndef GK_NETFRONT_H
#define GK_NETFRONT_H

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/grant_table.h>

#ifndef xen_mb
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif
#include <xen/io/ring.h>
#include <xen/io/netif.h>

#include "gk/errno.h"
#include "gk/profile.h"
#ifndef EBADMSG
#define EBADMSG	 XEN_EBADMSG
#define EMSGSIZE XEN_EMSGSIZE
#endif
#ifndef EIO
#define EIO	  XEN_EIO
#define ETIMEDOUT XEN_ETIMEDOUT
#endif

#define NETFRONT_PAGE	   4096u
#define NETFRONT_TX_SLOTS  256u /* NET_TX_RING_SIZE for one page */
#define NETFRONT_RX_SLOTS  256u
#define NETFRONT_MTU	   1500u
#define NETFRONT_FRAME_MAX (NETFRONT_MTU + 18u) /* + Ethernet + VLAN */

struct netfront_ring_stats {
	uint64_t requests;
	uint64_t responses;
	uint64_t notify_sent;
	uint64_t notify_suppressed;
};

/*
 * One ring (TX or RX) as the frontend keeps it: any DEFINE_RING_TYPES
 * layout, one page.  req_prod_pvt/rsp_cons are ours; the backend's
 * rsp_prod is read once per call and may not pass our requests.
 */
struct netfront_ring {
	uint8_t *sring;
	uint32_t entry_size;
	uint32_t nr_ents;
	uint32_t req_prod_pvt;
	uint32_t req_published;
	uint32_t rsp_cons;
	int use_coalesce;
	int is_broken;
	struct netfront_ring_stats stats;
};

/* Initialise a zeroed page as a fresh ring of entry_size entries.
 * 0 or -EINVAL. */
int netfront_ring_init(struct netfront_ring *r, void *sring,
		       uint32_t entry_size, int use_coalesce);
uint32_t netfront_ring_free(const struct netfront_ring *r);
/* Copy a request (len <= entry_size) into the next slot; -ENOSPC full,
 * -EIO broken. */
int netfront_ring_put(struct netfront_ring *r, const void *req, uint32_t len);
/* Publish; 1 when the backend must be notified. */
int netfront_ring_push(struct netfront_ring *r);
/* Take the next response (len bytes) into out: 1, 0 none, -EIO the
 * backend's index passed our requests (the ring is then broken). */
int netfront_ring_take(struct netfront_ring *r, void *out, uint32_t len);
/* Processing starts (ACTIVE) / found empty (SLEEPING, rsp_event, full
 * barrier, look again: 1 more arrived, 0 may sleep). */
void netfront_ring_active(struct netfront_ring *r);
int netfront_ring_idle(struct netfront_ring *r);

/* Check an RX response copy against the buffer it names: 0 and *len
 * (bytes at *off in that buffer) good; -EIO an id not posted, an offset
 * or length past the page, a flag we did not negotiate; a negative
 * status returns -EBADMSG (the backend dropped it: the buffer is free). */
int netfront_rx_check(const struct netif_rx_response *rsp,
		      const uint8_t *posted, uint32_t nr_posted, uint32_t *off,
		      uint32_t *len);
/* Check a TX response copy: 0 (OKAY), -EBADMSG (dropped/error: the slot
 * is still free), -EIO an id not in flight or an unknown status. */
int netfront_tx_check(const struct netif_tx_response *rsp, const uint8_t *busy,
		      uint32_t nr_busy);

/*
 * Following the backend (netfront_service, docs/netback.md): what a vif
 * does about the states in xenstore.  live: our rings and grants are in
 * use; be: the backend's state, fe: our directory's (XenbusStateUnknown,
 * 0, when the node is missing).  A live vif closes when the backend
 * closes or either directory goes; a closed one connects again when the
 * toolstack attached it anew (ours Initialising, the backend InitWait).
 */
enum netfront_step {
	NETFRONT_STAY = 0,
	NETFRONT_CLOSE,	 /* stop using the rings, revoke, state Closed */
	NETFRONT_REOPEN, /* attached again: a fresh connection */
};
enum netfront_step netfront_next_step(int live, uint32_t be, uint32_t fe);
/* Revoke each non-zero ref of refs[0..n) with end_fn (gk_gnttab_end_access
 * in the kernel); a revoked ref becomes 0, one the backend still has
 * pinned (end_fn -EBUSY) stays.  Returns how many are left. */
uint32_t netfront_revoke(grant_ref_t *refs, uint32_t n,
			 int (*end_fn)(grant_ref_t ref));

/* Packet clustering: hold TX packets until count packets are queued or
 * the first has waited wait_ns; count 1 = notify per packet. */
struct netfront_cluster {
	uint32_t count;
	uint64_t wait_ns;
	uint32_t held;	      /* packets published-pending */
	uint64_t first_ns;    /* when the first held packet was queued */
	uint64_t flushes;     /* pushes (each at most one notification) */
	uint64_t pkts_pushed; /* packets those pushes carried */
};
/* After queuing one packet at now: 1 = push now. */
int netfront_cluster_add(struct netfront_cluster *c, uint64_t now_ns);
/* Deadline check: 1 = the wait passed, push now. */
int netfront_cluster_due(const struct netfront_cluster *c, uint64_t now_ns);
/* A push happened: reset. */
void netfront_cluster_pushed(struct netfront_cluster *c);

#ifndef GK_HOST_TEST
#include <xen/event_channel.h>

struct netfront_stats {
	uint64_t tx_packets, tx_bytes, tx_errors, tx_full;
	uint64_t rx_packets, rx_bytes, rx_errors, rx_bad;
	uint64_t events;
	uint64_t closes, reopens; /* the backend closed / attached again */
	uint64_t grants_kept;	  /* still pinned at a close: pages leaked */
};

typedef void (*netfront_rx_fn)(void *arg, const uint8_t *frame, uint32_t len);

struct netfront_opts {
	uint32_t cluster_count; /* 0: 1 */
	uint64_t cluster_us;	/* bounded wait */
	int no_coalesce;
};

/* One vif.  Created by netfront_open; owned by the caller. */
struct netfront {
	char fe_dir[48];
	char be_dir[128];
	domid_t be_domid;
	uint8_t mac[6];
	uint32_t devid;
	struct netfront_ring tx, rx;
	void *tx_sring, *rx_sring;
	grant_ref_t tx_ring_ref, rx_ring_ref;
	evtchn_port_t port;
	uint8_t *tx_pages, *rx_pages;
	grant_ref_t tx_grefs[NETFRONT_TX_SLOTS], rx_grefs[NETFRONT_RX_SLOTS];
	uint8_t tx_busy[NETFRONT_TX_SLOTS];
	uint8_t rx_posted[NETFRONT_RX_SLOTS];
	uint16_t tx_next; /* a hint where to look for a free slot */
	int use_coalesce;
	int is_broken; /* the backend broke the protocol: rings unused */
	int is_closed; /* the backend closed it: rings gone, may come back */
	/* Watches on the backend's state and our directory: the callback
	 * only marks a change, netfront_service acts from the app's loop. */
	int is_watching;
	volatile int is_changed;
	char be_watch[144]; /* be_dir + "/state", the path watched */
	struct netfront_opts opts;
	struct netfront_cluster cluster;
	netfront_rx_fn rx_fn;
	void *rx_arg;
	uint8_t frame[NETFRONT_FRAME_MAX]; /* private copy of one RX frame */
	struct netfront_stats stats;
	/* TX profiling (docs/profiling.md): the area covers ring indices
	 * 0..63 of 256, so one packet in four is stamped. */
	struct gk_profile prof;
	uint16_t tx_prof_slot[NETFRONT_TX_SLOTS]; /* by packet id */
};

/* Connect device/vif/<devid>: 0, -ENODEV no such vif, -ETIMEDOUT the
 * backend never connected, -errno. */
int netfront_open(struct netfront *nf, uint32_t devid,
		  const struct netfront_opts *o, netfront_rx_fn fn, void *arg);
/* Queue a frame (copied); -EAGAIN ring full, -EMSGSIZE, -EIO broken. */
int netfront_send(struct netfront *nf, const void *frame, uint32_t len);
/* Push held packets now (one notification at most). */
void netfront_flush(struct netfront *nf);
/* Take responses; push held packets whose wait passed. */
void netfront_poll(struct netfront *nf);
/* Time the held packets must go out by, or 0. */
uint64_t netfront_deadline(const struct netfront *nf);
/* Follow the backend after a watch fired: close the vif when the backend
 * closes (or the toolstack removed it), connect it again when it is
 * attached anew.  Call from the app's loop (net_wait_until does), never
 * from an event handler.  Returns the step taken (NETFRONT_REOPEN only
 * once connected again). */
enum netfront_step netfront_service(struct netfront *nf);
/* Closing -> Closed handshake, grants revoked, pages freed. */
void netfront_close(struct netfront *nf);
#endif

#endif
