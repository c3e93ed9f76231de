/*
 * dom0-tools/xyl/dev_xs.h: the xenstore steps every split device (vbd,
 * vif) goes through in the toolstack: one node write, a directory with
 * Xen's two-domain permissions, the write-all transaction, the waits for
 * the backend daemon, removal.  xenstored is a peer: nothing here trusts
 * what it reads back beyond parsing a number.
 */
#ifndef XYL_DEV_XS_H
#define XYL_DEV_XS_H

#include <stdbool.h>

#include <xenstore.h>

#include "xyl.h"

/* How long attach and detach wait for the backend daemon. */
#define DEVXS_WAIT_MS 10000

/* This host's xenstored for verb, or NULL with errno set after one
 * "xyl: <verb>: xenstore: ..." line. */
struct xs_handle *devxs_open(struct xyl *x, const char *verb);

/* Write dir/key = printf(fmt, ...).  false with errno set on failure, or
 * when the value does not fit xenstore's value size. */
bool devxs_put(struct xs_handle *h, xs_transaction_t t, const char *dir,
	       const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Make dir owned by owner, readable by reader. */
bool devxs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *dir,
		 unsigned owner, unsigned reader);

/* dir/key (malloc'd, caller frees) or NULL. */
char *devxs_read(struct xs_handle *h, const char *dir, const char *key);

/* dir/state as a number, or -1 when there is none. */
int devxs_state(struct xs_handle *h, const char *dir);

/* Writes one device's nodes (spec: the caller's device description)
 * inside transaction t; false with errno set on failure. */
typedef bool devxs_write_fn(struct xs_handle *h, xs_transaction_t t,
			    xyl_domid_t domid, const void *spec, const char *be,
			    const char *fe);

/* Write a device's nodes with write in one transaction (again while it
 * conflicts), then wait for program (the backend daemon) to take it:
 * InitWait or later.  0, or -errno after one "xyl: <verb>: ..." line
 * naming noun (-EIO: hotplug-status "error"; -ETIMEDOUT); the nodes are
 * removed again on failure. */
int devxs_add(struct xs_handle *h, devxs_write_fn *write, xyl_domid_t domid,
	      const void *spec, const char *be, const char *fe,
	      const char *verb, const char *program, const char *noun);

/* Ask the backend at be to close device devid and wait for Closed: 0,
 * -ETIMEDOUT, or -ENOENT (printed: "Error: Device <devid> not
 * connected.") when there is no such device. */
int devxs_close(struct xs_handle *h, const char *be, uint32_t devid);

/* Remove a device's backend and frontend directories. */
void devxs_rm(struct xs_handle *h, const char *be, const char *fe);

/* Remove /local/domain/0/backend/<type>/<domid> (a dead domain's). */
void devxs_release(struct xyl *x, xyl_domid_t domid, const char *type);

#endif
