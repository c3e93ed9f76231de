/*
 * include/xylem/coalesce.h: the interrupt-coalescing flag of Xylem's
 * shared rings (DESIGN.md section 3): where each consumer's ACTIVE/
 * SLEEPING flag lives in a Xen ring page, who writes and reads it, the
 * barrier rule that keeps a request from being stranded, and the xenstore
 * keys that turn it on.  Shared by dom0 backends and guest frontends.
 */
#ifndef XYLEM_COALESCE_H
#define XYLEM_COALESCE_H

#include <stdint.h>

/*
 * WHERE THE FLAGS LIVE
 *
 * Every ring made by DEFINE_RING_TYPES (xen/io/ring.h) starts with a
 * 64-byte header:
 *
 *   offset  0  req_prod    (frontend writes)
 *   offset  4  req_event   (backend writes)
 *   offset  8  rsp_prod    (backend writes)
 *   offset 12  rsp_event   (frontend writes)
 *   offset 16  pvt         (4 bytes: netif's smartpoll_active lives here,
 *                           so we stay out of it)
 *   offset 20  __pad[44]   (zeroed by SHARED_RING_INIT; unused by Xen)
 *   offset 64  ring[]
 *
 * The two flags are aligned 32-bit words in __pad, in page 0 of the ring
 * (the page that holds the header; with ring-page-order > 0 only page 0
 * has one).  With several queues, each queue's ring has its own pair.
 *
 *   offset 20  req_consumer_state  written by the BACKEND (it consumes
 *                                  requests), read by the frontend
 *   offset 24  rsp_consumer_state  written by the FRONTEND (it consumes
 *                                  responses), read by the backend
 *   offset 28  reserved            zero (written by nobody)
 *
 * Values (a 32-bit word; anything not ACTIVE reads as SLEEPING):
 *   XYL_COALESCE_SLEEPING (0)  the consumer found its queue empty and may
 *                              block: a producer must notify it.  Zero is
 *                              what SHARED_RING_INIT leaves, so a fresh
 *                              ring starts with every notification sent.
 *   XYL_COALESCE_ACTIVE   (1)  the consumer's processing routine is
 *                              running and will look at the producer index
 *                              again before it sleeps: a notification
 *                              would be wasted, so the producer skips it.
 */
#define XYL_COALESCE_REQ_STATE_OFFSET 20u
#define XYL_COALESCE_RSP_STATE_OFFSET 24u
#define XYL_COALESCE_SLEEPING	      0u
#define XYL_COALESCE_ACTIVE	      1u

/*
 * THE RULE (both directions; "consumer" is the backend for requests and
 * the frontend for responses)
 *
 * Consumer, each time its processing routine runs:
 *   1. store ACTIVE in its state word;
 *   2. consume everything up to the producer index (read with acquire);
 *   3. store SLEEPING in its state word;
 *   4. FULL barrier (store->load: mb(), not wmb());
 *   5. read the producer index again; if it moved, go back to 1,
 *      else block until notified.
 *
 * Producer, after it has written entries:
 *   1. write barrier, then publish the producer index;
 *   2. FULL barrier (store->load);
 *   3. read the consumer's state word: SLEEPING -> notify (event channel
 *      send), ACTIVE -> count the notification as suppressed.
 *
 * Why nothing is stranded: the consumer's step 3 and the producer's step 1
 * are each followed by a full barrier before the other word is read, so
 * either the producer sees SLEEPING (and notifies) or the consumer's
 * re-check in step 5 sees the new index (and keeps going).  Both can
 * happen; neither can be missed.
 *
 * A consumer that also keeps Xen's req_event / rsp_event up to date (as
 * RING_FINAL_CHECK_FOR_* does) stays correct for a producer that uses the
 * classic rule; Xylem's backends do both.
 *
 * The flags are advice from a peer.  A frontend that lies about its own
 * state only loses its own notifications; a backend trusts the flag for
 * nothing but the decision to send an event.
 */

/*
 * NEGOTIATION (xenstore; both keys "0" or absent = off)
 *
 *   <backend dir>/feature-xylem-coalesce = "1"
 *       written by the backend before InitWait: it keeps
 *       req_consumer_state and reads rsp_consumer_state.
 *   <frontend dir>/feature-xylem-coalesce = "1"
 *       written by the frontend with its transport keys (before
 *       Initialised): it keeps rsp_consumer_state and reads
 *       req_consumer_state.
 *
 * The protocol is in force on a connection only when both keys are "1".
 * Otherwise each side uses Xen's req_event / rsp_event suppression
 * (RING_PUSH_*_AND_CHECK_NOTIFY, RING_FINAL_CHECK_FOR_*) and ignores the
 * words above, which stay zero.  The decision is made once per connection
 * (at the frontend's Initialised / the backend's Connected).
 */
#define XYL_COALESCE_FEATURE_KEY "feature-xylem-coalesce"

/* Version of this ABI; bumped if the layout or the rule above changes. */
#define XYL_COALESCE_VERSION 1

#endif /* XYLEM_COALESCE_H */
