/*
 * gk/xenbus.h: the guest's xenstore client over the xenstore_domain_interface
 * ring (xen/io/xs_wire.h).  kernel/xenbus_wire.c encodes requests and
 * parses replies from a private copy (pure memory work, host-testable);
 * kernel/xenbus.c runs requests, watches and transactions from the main
 * loop; kernel/xenbus_control.c acts on control/shutdown.  The daemon is
 * not trusted: lengths, ids and ring indices are checked.
 */
#ifndef GK_XENBUS_H
#define GK_XENBUS_H

#include <stddef.h>
#include <stdint.h>

#include "gk/errno.h"

/* Xen's error names for xenstore replies; gk/errno.h has only the common
 * ones.  Defined before xs_wire.h so its xsd_errors table is complete. */
#ifndef EACCES
#define EACCES	  XEN_EACCES
#define EIO	  XEN_EIO
#define E2BIG	  XEN_E2BIG
#define EISDIR	  XEN_EISDIR
#define EROFS	  XEN_EROFS
#define ENOTEMPTY XEN_ENOTEMPTY
#define EISCONN	  XEN_EISCONN
#define ENOTCONN  XEN_ENOTCONN
#define ETIMEDOUT XEN_ETIMEDOUT
#endif

#ifndef ENOTSUP
#define ENOTSUP XEN_EOPNOTSUPP
#endif

#include <xen/xen.h>
#include <xen/io/xs_wire.h>

/* ---- wire (xenbus_wire.c): no hypercalls, compiled as host code too ---- */

/* One message copied out of (or built for) the ring: the header and the
 * payload, with a NUL after len so parsers may treat it as a string. */
struct xenbus_msg {
	struct xsd_sockmsg hdr;
	char body[XENSTORE_PAYLOAD_MAX + 1];
};

/* Reassembly of one reply from the response ring.  have counts bytes of
 * the message (header then body) copied so far. */
struct xenbus_rx {
	uint32_t have;
	struct xenbus_msg msg;
};

/* Copy up to len bytes into the request ring; returns bytes written (0 if
 * full) or -EIO if the daemon's req_cons is more than a ring ahead or
 * behind (a broken peer). */
int xenbus_ring_put(struct xenstore_domain_interface *intf, const void *buf,
		    uint32_t len);
/* Pull reply bytes into rx: 1 a whole message is in rx->msg (call
 * xenbus_rx_reset before the next), 0 need more, -EIO broken indices,
 * -E2BIG a header announcing more than XENSTORE_PAYLOAD_MAX. */
int xenbus_rx_pull(struct xenbus_rx *rx,
		   struct xenstore_domain_interface *intf);
void xenbus_rx_reset(struct xenbus_rx *rx);

/* Build a request: each of the nr strings with its NUL, then data (len
 * data_len, no NUL; may be NULL).  0, -E2BIG payload too long, -EINVAL. */
int xenbus_msg_build(struct xenbus_msg *m, uint32_t type, uint32_t req_id,
		     uint32_t tx_id, const char *const *strs, unsigned int nr,
		     const void *data, uint32_t data_len);
/* Bytes of m on the wire (header + payload). */
uint32_t xenbus_msg_size(const struct xenbus_msg *m);
/* A reply to a request of type want: 0 good, the negative errno an
 * XS_ERROR carries (unknown names: -EINVAL, as libxenstore does), -EIO a
 * reply of another type. */
int xenbus_reply_status(const struct xenbus_msg *m, uint32_t want);
/* "ENOENT" -> -ENOENT; unknown -> -EINVAL. */
int xenbus_error_parse(const char *name, uint32_t len);
/* Next NUL-terminated string of body[0..len) at *off: 1 (and *s, *off
 * advanced), 0 at the end, -EIO an unterminated string. */
int xenbus_strings_next(const char *body, uint32_t len, uint32_t *off,
			const char **s);
/* A WATCH_EVENT's path and token: 0, or -EIO if malformed. */
int xenbus_watch_event_parse(const struct xenbus_msg *m, const char **path,
			     const char **token);
/* Decimal uint32 with nothing after it: 0 or -EINVAL. */
int xenbus_u32_parse(const char *s, uint32_t *v);

/* ---- client (xenbus.c): single vCPU, called from ring-3 kernel code ---- */

/* Paths are relative to /local/domain/<domid> unless they start with '/'.
 * tx is 0 (no transaction) or an id from xenbus_transaction_start.
 * Errors: the daemon's (-ENOENT, -EACCES, -EAGAIN, ...), -ENOTCONN no
 * xenstore, -ETIMEDOUT no reply within XENBUS_TIMEOUT_MS, -EIO the daemon
 * broke the protocol (the connection is then closed), -ERANGE a reply
 * does not fit the caller's buffer (never cut). */
#define XENBUS_TIMEOUT_MS      10000
#define XENBUS_INIT_TIMEOUT_MS 5000
#define XENBUS_MAX_WATCHES     16
#define XENBUS_TX_RETRIES      16

/* Connect to the ring named by HVM_PARAM_STORE_PFN/STORE_EVTCHN and ask
 * for our domid: 0, -ENODEV no store (STORE_EVTCHN 0), -ETIMEDOUT the
 * daemon never answered within XENBUS_INIT_TIMEOUT_MS, -errno. */
int xenbus_init(void);
/* Start the ring over (xenstore-ring.txt, "ring reconnection"), only if
 * the daemon advertises XENSTORE_SERVER_FEATURE_RECONNECTION: with no
 * request in flight, set connection = XENSTORE_RECONNECT, notify, and
 * wait (XENBUS_INIT_TIMEOUT_MS) for the daemon to empty both queues and
 * set XENSTORE_CONNECTED.  The daemon drops the connection's watches and
 * transactions, and so does this client: old transaction ids are refused
 * (-ENOENT) and callers set their watches again (xenbus_control_init for
 * control/shutdown).  Nodes stay.  Also the way back after the daemon
 * broke the ring.  0; -ENOTSUP not advertised; -EBUSY called from inside
 * a request or a watch callback; -ENOTCONN no store ring; -ETIMEDOUT the
 * daemon did not answer (not connected; call again to retry); -EIO the
 * daemon said CONNECTED with data still queued. */
int xenbus_reconnect(void);
/* 1 if connected. */
int xenbus_is_connected(void);
/* Why not connected (0 when connected): the init error. */
int xenbus_init_error(void);
/* Our domid as xenstore knows it ("domid" node). */
domid_t xenbus_domid(void);

/* Value NUL-terminated in buf; *len (may be NULL) its length. */
int xenbus_read(uint32_t tx, const char *path, char *buf, size_t cap,
		size_t *len);
int xenbus_write(uint32_t tx, const char *path, const char *value);
/* kernel/xenbus_keys.c: one key under a directory.  A decimal uint32
 * (-EINVAL if it is not one), or a formatted value (-E2BIG if over 127
 * bytes); -ENAMETOOLONG for a path over 255. */
int xenbus_read_u32(uint32_t tx, const char *dir, const char *key, uint32_t *v);
int xenbus_printf(uint32_t tx, const char *dir, const char *key,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int xenbus_mkdir(uint32_t tx, const char *path);
int xenbus_rm(uint32_t tx, const char *path);
/* Children as NUL-separated names in buf (iterate with
 * xenbus_strings_next over *len bytes); *nr their number. */
int xenbus_directory(uint32_t tx, const char *path, char *buf, size_t cap,
		     uint32_t *len, unsigned int *nr);
int xenbus_transaction_start(uint32_t *tx);
/* Commit (abort 0) or abort; -EAGAIN: a conflict, start again. */
int xenbus_transaction_end(uint32_t tx, int abort);
/* Run fn inside a transaction and commit; on -EAGAIN from the commit (or
 * from fn) run it again, at most XENBUS_TX_RETRIES times.  fn returning
 * another error aborts.  Returns fn's or the commit's result. */
int xenbus_transaction(int (*fn)(uint32_t tx, void *arg), void *arg);

/* Watch callback: runs from the main loop (the store port's handler),
 * never during another xenbus request; it may make requests itself. */
typedef void (*xenbus_watch_fn)(const char *path, const char *token, void *arg);
/* Watch path; token must be unique among our watches.  The daemon fires
 * once at once.  -ENOSPC no free slot, -EEXIST token in use. */
int xenbus_watch(const char *path, const char *token, xenbus_watch_fn fn,
		 void *arg);
int xenbus_unwatch(const char *path, const char *token);
/* Run queued watch callbacks now (the store port's handler does this
 * too).  Returns the number run. */
unsigned int xenbus_run_watches(void);

/* Counters, for tests and the selftest. */
struct xenbus_stats {
	uint64_t requests;
	uint64_t events;	 /* watch events received */
	uint64_t events_dropped; /* queue full: merged into a later one */
	uint64_t stale_replies;	 /* replies to requests that timed out */
	uint64_t tx_retries;
	uint64_t reconnects; /* xenbus_reconnect successes */
};
void xenbus_get_stats(struct xenbus_stats *out);

/* control/shutdown (xenbus_control.c): advertise feature-poweroff and
 * feature-reboot and watch control/shutdown; "poweroff"/"halt" power the
 * domain off, "reboot" reboots it.  0, or -errno (no xenstore: -ENOTCONN). */
int xenbus_control_init(void);

#endif
