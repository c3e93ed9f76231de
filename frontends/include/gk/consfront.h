/*
 * gk/consfront.h: the guest's primary console ring (xen/io/console.h), the
 * frontend of xylem-consoled.  printk moves from console_io to the ring
 * once the backend has kicked the console port (it is then "connected");
 * input typed on the console reaches apps through gk_console_read().
 * kernel/consfront_ring.c is the ring logic (pure memory work, host-
 * testable); kernel/consfront.c the driver around it.
 */
#ifndef GK_CONSFRONT_H
#define GK_CONSFRONT_H

#include <stdint.h>

#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/io/console.h>

/*
 * One console ring as the guest sees it.  The indices the guest writes
 * (out_prod, in_cons) are kept privately and only copied to the page, so
 * a backend that scribbles on them is caught; the backend's indices are
 * read once per call and checked against the ring size.  A bad index
 * breaks the ring for good.
 */
struct consfront_ring {
	struct xencons_interface *intf; /* shared with dom0: untrusted */
	uint32_t out_prod;
	uint32_t in_cons;
	int is_broken;
};

/* Take over the page and the indices in it; -EIO if they are bad. */
int consfront_ring_init(struct consfront_ring *r, void *page);
/* Put up to len bytes into out[]: bytes taken (0 when full), or -EIO.
 * *used = bytes in out[] afterwards (for the notify policy). */
long consfront_ring_write(struct consfront_ring *r, const char *buf,
			  unsigned long len, uint32_t *used);
/* Take up to cap bytes from in[]: bytes taken, or -EIO.  *was_full = in[]
 * was at least half full (the backend may hold more: tell it). */
long consfront_ring_read(struct consfront_ring *r, char *buf, unsigned long cap,
			 int *was_full);

#define CONSFRONT_INPUT_MAX 1024 /* typed bytes apps have not read yet */

/* The driver's state; gk.consfront, made by consfront_init(). */
struct consfront {
	struct consfront_ring ring;
	evtchn_port_t port;
	int is_connected; /* the backend kicked us: printk uses the ring */
	int is_stalled;	  /* the backend stopped draining: console_io */
	int is_notify_due;
	int is_writing; /* waiting for room: a nested write does not wait */
	uint32_t stall_cons; /* out_cons when we stalled */
	char input[CONSFRONT_INPUT_MAX];
	uint32_t input_head, input_len;
	uint64_t nr_notify, nr_events, nr_input_dropped;
};

/* Read HVM_PARAM_CONSOLE_PFN/_EVTCHN and wait (without blocking boot)
 * for the backend's kick.  0, or -errno when there is no console ring
 * (printk then stays on console_io). */
int consfront_init(void);
/* printk's path: how many of the bytes went to the ring; the caller
 * writes the rest with console_io (not connected, stalled or broken). */
unsigned long consfront_write(const char *buf, unsigned long len);
/* Notify the backend if output is waiting (before blocking, shutdown). */
void consfront_flush(void);
/* Console input for apps: up to cap bytes typed so far (0 if none). */
unsigned long gk_console_read(char *buf, unsigned long cap);

#endif
