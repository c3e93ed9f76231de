/*
 * backends/consoled/consoled.h: xylem-consoled, the console backend.  One
 * process serves every guest's primary console ring (HVM_PARAM_CONSOLE_PFN
 * / _EVTCHN) to a pty and a log file under $XYLEM_RUNDIR/console/, and
 * folds the guest's console_io output into the same stream.
 * Trust boundary: the ring page is guest memory, read only by ring.c.
 */
#ifndef CONSOLED_H
#define CONSOLED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dlog.h"
#include "xylctl.h"

struct xencons_interface;
struct xs_handle;

/*
 * One console ring as consoled sees it.  The indices consoled writes
 * (out_cons, in_prod) are kept privately; the shared copies are only ever
 * written from these, so a guest that changes them is caught.  Owned by
 * its struct consoled_dom.
 */
struct consoled_ring {
	struct xencons_interface *intf; /* in guest memory: hostile */
	uint32_t out_cons;
	uint32_t in_prod;
	bool is_broken;
	const char *why; /* first reason it broke (static string) */
};

/* Attach to a ring page; takes over the indices the page holds (so a
 * restarted consoled resumes).  -EIO if they are already inconsistent. */
int consoled_ring_attach(struct consoled_ring *r, void *page);
/* Copy up to cap bytes the guest produced in out[] into dst and consume
 * them.  *len = bytes copied; *was_full = the ring was at least half full
 * before (the guest may wait for room: notify it).  -EIO: the ring is
 * broken (indices out of range or changed behind our back); it stays so. */
int consoled_ring_read_out(struct consoled_ring *r, char *dst, size_t cap,
			   size_t *len, bool *was_full);
/* Produce up to len bytes of input into in[]; *written = bytes taken.
 * -EIO: broken (as above). */
int consoled_ring_write_in(struct consoled_ring *r, const char *src, size_t len,
			   size_t *written);

/* The pty of one domain, plus what could not be written to it yet. */
#define CONSOLED_PTY_BACKLOG (64 * 1024) /* then the oldest bytes go */
struct consoled_pty {
	int master_fd; /* -1 = none */
	int slave_fd;  /* kept open: the master never sees a hangup */
	char link[4096];
	char slave_path[64]; /* what link names, while it is ours */
	char backlog[CONSOLED_PTY_BACKLOG];
	size_t backlog_len;
	uint64_t dropped; /* bytes dropped: nobody read the pty */
};

/* Open a pty in raw mode and link it as <dir>/<domid>.pty.  0 or -errno. */
int consoled_pty_open(struct consoled_pty *p, const char *dir,
		      xyl_domid_t domid);
/* Write (or queue) bytes; never blocks. */
void consoled_pty_write(struct consoled_pty *p, const char *buf, size_t len);
/* Write queued bytes; returns the bytes still queued. */
size_t consoled_pty_flush(struct consoled_pty *p);
/* Bytes written but not yet read by whoever has the pty open. */
size_t consoled_pty_unread(const struct consoled_pty *p);
void consoled_pty_close(struct consoled_pty *p);

/* What a watched fd belongs to (epoll data). */
enum consoled_watch_kind {
	CONSOLED_WATCH_EVENTS,
	CONSOLED_WATCH_SIGNAL,
	CONSOLED_WATCH_NOTIFY,
	CONSOLED_WATCH_PTY,
};
struct consoled_dom;
struct consoled_watch {
	enum consoled_watch_kind kind;
	struct consoled_dom *d; /* NULL for the global ones */
};

/*
 * One guest's console.  Created on DOMAIN_CREATED (or at start-up for the
 * guests already there) by dom.c; freed by the loop's reaper once the
 * domain is gone and its pty has been read out (or the linger timed out).
 */
struct consoled_dom {
	struct consoled_dom *next;
	xyl_domid_t domid;
	char name[XYL_NAME_MAX];
	struct xylctl_guest_mem mem;
	bool is_mapped;
	struct consoled_ring ring;
	struct xylctl_evtchn evtchn;
	bool is_connected;	  /* ring bound and the guest kicked */
	bool is_ring_seen;	  /* the guest wrote to the ring since */
	bool is_shutdown;	  /* no more output will come */
	bool is_destroyed;	  /* the domain is gone */
	bool con_dirty;		  /* console_io output waits to be read */
	uint64_t con_pos;	  /* console_io stream offset read so far */
	uint64_t linger_until;	  /* ms: close the pty by then at the latest */
	unsigned int quiet_ticks; /* ticks the pty had nothing unread */
	unsigned int connect_tries; /* ticks that found no console port */
	struct consoled_pty pty;
	int log_fd;
	char in_buf[1024]; /* from the pty, not yet in the ring */
	size_t in_len;
	struct consoled_watch w_notify, w_pty;
	struct dlog_ratelimit rl;
	uint64_t nr_out_bytes, nr_in_bytes, nr_notify_rx, nr_notify_tx;
};

/* The program context, made in main(). */
struct consoled {
	const char *rundir;
	char condir[4096]; /* rundir/console */
	struct xylctl *ctl;
	struct xylctl *ev;
	int epfd;
	int sigfd;
	bool stop;
	struct consoled_dom *doms;
	struct consoled_watch w_events, w_signal;
	struct xs_handle *xs; /* xs.c; NULL: no xenstored (yet) */
};

/* dom.c: one guest's console. */
struct consoled_dom *consoled_dom_find(struct consoled *cd, xyl_domid_t domid);
int consoled_dom_add(struct consoled *cd, xyl_domid_t domid);
void consoled_dom_try_connect(struct consoled *cd, struct consoled_dom *d);
void consoled_dom_notified(struct consoled *cd, struct consoled_dom *d);
void consoled_dom_pty_ready(struct consoled *cd, struct consoled_dom *d,
			    uint32_t epoll_events);
void consoled_dom_drain(struct consoled *cd, struct consoled_dom *d);
void consoled_dom_shutdown(struct consoled *cd, struct consoled_dom *d);
void consoled_dom_tick(struct consoled *cd, struct consoled_dom *d,
		       uint64_t now_ms);
bool consoled_dom_is_done(const struct consoled_dom *d);
void consoled_dom_free(struct consoled *cd, struct consoled_dom *d);

/* xs.c: console/tty in xenstore, when a xenstored runs here. */
void consoled_xs_publish_tty(struct consoled *cd, struct consoled_dom *d);
void consoled_xs_close(struct consoled *cd);

/* loop.c: the event loop.  0 on a clean stop, -errno if xylem-hv went. */
int consoled_loop_run(struct consoled *cd);
int consoled_loop_sync(struct consoled *cd);
uint64_t consoled_now_ms(void);

#endif
