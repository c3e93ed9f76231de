/*
 * kernel/xenbus_priv.h: struct xenbus and what xenbus.c (requests, ring,
 * set-up) and xenbus_watch.c (watches and their events) share.  Not for
 * anything else in the kernel: the API is gk/xenbus.h.
 */
#ifndef GK_XENBUS_PRIV_H
#define GK_XENBUS_PRIV_H

#include <stdint.h>

#include "gk/evtchn.h"
#include "gk/xenbus.h"

#define WATCH_PATH_MAX	128 /* our own watch paths are short */
#define WATCH_TOKEN_MAX 32
#define EVENT_PATH_MAX	256 /* longer event paths: the watch's own path */
#define EVENT_QUEUE	32
#define RUN_WATCHES_MAX 64	     /* per handler call; the rest next round */
#define STORE_PFN_LIMIT (1ull << 20) /* the identity map ends at 4 GiB */

struct xenbus_watch {
	int in_use;
	int overflowed; /* an event was dropped: fire once with path */
	char path[WATCH_PATH_MAX];
	char token[WATCH_TOKEN_MAX];
	xenbus_watch_fn fn;
	void *arg;
};

struct xenbus_event {
	unsigned int watch; /* index into watches[] */
	char path[EVENT_PATH_MAX];
};

/* Created by xenbus_init, never freed (the connection lives as long as the
 * domain).  Single vCPU: no locks; busy/running guard re-entry. */
struct xenbus {
	int connected;
	int err; /* why not connected */
	struct xenstore_domain_interface *intf;
	evtchn_port_t port;
	domid_t domid;
	uint32_t next_req_id;
	int busy;	       /* a request is in flight */
	int running;	       /* watch callbacks are running */
	struct xenbus_rx rx;   /* the reply being assembled / just taken */
	struct xenbus_msg req; /* the request being sent */
	struct xenbus_watch watches[XENBUS_MAX_WATCHES];
	struct xenbus_event queue[EVENT_QUEUE];
	unsigned int q_head, q_len;
	struct xenbus_stats stats;
};

/* The connection, or NULL when there is none. */
struct xenbus *xb_get(void);
/*
 * One request/reply.  On 0 the reply is in xb->rx.msg (type checked) until
 * the next request.  Errors: the daemon's, -ENOTCONN, -EBUSY (called from
 * inside a request), -ETIMEDOUT, -EIO (the connection is closed).
 */
int xb_talk(uint32_t type, uint32_t tx, const char *const *strs,
	    unsigned int nr, const char *data, uint32_t data_len,
	    uint64_t timeout_ms, struct xenbus **out);
/* Mark the store port pending again so the main loop runs our handler. */
void xb_reraise(struct xenbus *xb);
/* xenbus_watch.c: queue a WATCH_EVENT for its watch. */
void xb_queue_event(struct xenbus *xb, const struct xenbus_msg *m);

#endif
