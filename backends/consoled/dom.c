/*
 * backends/consoled/dom.c: one guest's console: map its memory, follow its
 * console_io output, bind its console ring once the toolstack has set
 * HVM_PARAM_CONSOLE_EVTCHN, and move bytes between the ring, the log file
 * and the pty.  A broken ring (ring.c) costs only that guest its ring.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/hvm/params.h>

#include "consoled.h"

#define LINGER_MS	  10000 /* a pty waits this long to be read out */
#define QUIET_TICKS_CLOSE 2	/* ticks with nothing unread, then close */
#define PAGE_SHIFT	  12
#define MAX_CONNECT_TRIES 40 /* ticks: 10 s */

struct consoled_dom *
consoled_dom_find(struct consoled *cd, xyl_domid_t domid)
{
	struct consoled_dom *d;

	for (d = cd->doms; d; d = d->next)
		if (d->domid == domid && !d->is_destroyed)
			return d;
	return NULL;
}

static void
write_all(int fd, const char *buf, size_t len)
{
	while (fd >= 0 && len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* Guest output goes to the log, then the pty. */
static void
dom_emit(struct consoled_dom *d, const char *buf, size_t len)
{
	write_all(d->log_fd, buf, len);
	consoled_pty_write(&d->pty, buf, len);
	d->nr_out_bytes += len;
}

static void
dom_watch_pty(struct consoled *cd, struct consoled_dom *d)
{
	struct epoll_event e = {.data.ptr = &d->w_pty};

	if (d->pty.master_fd < 0)
		return;
	if (d->in_len < sizeof(d->in_buf) && !d->is_shutdown)
		e.events |= EPOLLIN;
	if (d->pty.backlog_len)
		e.events |= EPOLLOUT;
	epoll_ctl(cd->epfd, EPOLL_CTL_MOD, d->pty.master_fd, &e);
}

/* Read the console_io output we have not seen (by offset: lossless). */
static void
dom_drain_console_io(struct consoled *cd, struct consoled_dom *d)
{
	char buf[XYL_LOG_CHUNK];
	size_t len;

	d->con_dirty = false;
	do {
		if (xylctl_console_read(cd->ctl, d->domid, &d->con_pos, buf,
					sizeof(buf), &len) < 0)
			return;
		dom_emit(d, buf, len);
	} while (len > 0);
}

static void
dom_ring_broken(struct consoled_dom *d)
{
	log_dom_limited(&d->rl, DLOG_WARN, (int)d->domid,
			"%s: console ring broken (%s); serving its "
			"console_io output only",
			d->name, d->ring.why ? d->ring.why : "?");
}

static void
dom_notify(struct consoled_dom *d)
{
	if (xylctl_evtchn_notify(&d->evtchn) == 0)
		d->nr_notify_tx++;
}

/* Move pending pty input into the ring's in[]. */
static void
dom_push_input(struct consoled *cd, struct consoled_dom *d)
{
	size_t written;

	if (!d->is_connected || d->ring.is_broken || d->in_len == 0)
		return;
	if (consoled_ring_write_in(&d->ring, d->in_buf, d->in_len, &written) <
	    0) {
		dom_ring_broken(d);
		d->in_len = 0;
		dom_watch_pty(cd, d);
		return;
	}
	if (written == 0)
		return;
	memmove(d->in_buf, d->in_buf + written, d->in_len - written);
	d->in_len -= written;
	d->nr_in_bytes += written;
	dom_notify(d);
	dom_watch_pty(cd, d);
}

void
consoled_dom_drain(struct consoled *cd, struct consoled_dom *d)
{
	char buf[2048];
	bool was_full, notify = false;
	size_t len;

	if (d->con_dirty)
		dom_drain_console_io(cd, d);
	if (!d->is_connected || d->ring.is_broken)
		return;
	for (;;) {
		if (consoled_ring_read_out(&d->ring, buf, sizeof(buf), &len,
					   &was_full) < 0) {
			dom_ring_broken(d);
			return;
		}
		notify |= was_full;
		if (len == 0)
			break;
		/* The guest wrote console_io until it saw our kick: print
		 * all of that before its first ring bytes. */
		if (!d->is_ring_seen)
			dom_drain_console_io(cd, d);
		d->is_ring_seen = true;
		dom_emit(d, buf, len);
	}
	if (notify)
		dom_notify(d);
	dom_push_input(cd, d);
	dom_watch_pty(cd, d);
}

void
consoled_dom_notified(struct consoled *cd, struct consoled_dom *d)
{
	if (xylctl_evtchn_drain(&d->evtchn) > 0)
		d->nr_notify_rx++;
	consoled_dom_drain(cd, d);
}

void
consoled_dom_pty_ready(struct consoled *cd, struct consoled_dom *d,
		       uint32_t epoll_events)
{
	ssize_t n;

	if (epoll_events & EPOLLOUT)
		consoled_pty_flush(&d->pty);
	if ((epoll_events & EPOLLIN) && d->in_len < sizeof(d->in_buf)) {
		n = read(d->pty.master_fd, d->in_buf + d->in_len,
			 sizeof(d->in_buf) - d->in_len);
		if (n > 0 && (d->is_connected && !d->ring.is_broken))
			d->in_len += (size_t)n;
		/* Input for a guest without a working ring is dropped. */
	}
	dom_push_input(cd, d);
	dom_watch_pty(cd, d);
}

/* HVM_PARAM_CONSOLE_EVTCHN set?  Bind it, attach the ring, kick the guest
 * (its cue to move printk from console_io to the ring). */
void
consoled_dom_try_connect(struct consoled *cd, struct consoled_dom *d)
{
	struct epoll_event e = {.events = EPOLLIN, .data.ptr = &d->w_notify};
	uint64_t port = 0;
	void *page;
	int r;

	if (d->is_connected || d->ring.is_broken || d->is_shutdown)
		return;
	r = xylctl_hvm_param_get(cd->ctl, d->domid, HVM_PARAM_CONSOLE_EVTCHN,
				 &port);
	if (r < 0 || port == 0)
		return;
	page = xylctl_gpa(&d->mem, d->mem.layout.console_gfn << PAGE_SHIFT,
			  1u << PAGE_SHIFT);
	if (!page || port > UINT32_MAX) {
		d->ring.is_broken = true;
		d->ring.why = "console page or port out of range";
		dom_ring_broken(d);
		return;
	}
	r = xylctl_evtchn_bind_interdomain(cd->ctl, d->domid, (uint32_t)port,
					   &d->evtchn);
	if (r < 0) {
		log_dom_limited(&d->rl, DLOG_WARN, (int)d->domid,
				"%s: bind console port %llu: %s (%s)", d->name,
				(unsigned long long)port, strerror(-r),
				xylctl_last_detail(cd->ctl));
		d->ring.is_broken = true;
		d->ring.why = "console port cannot be bound";
		return;
	}
	if (consoled_ring_attach(&d->ring, page) < 0) {
		dom_ring_broken(d);
		return;
	}
	epoll_ctl(cd->epfd, EPOLL_CTL_ADD, d->evtchn.notify_fd, &e);
	d->is_connected = true;
	log_dom_info(d->domid, "%s: console ring connected (port %u)", d->name,
		     (unsigned)port);
	consoled_xs_publish_tty(cd, d);
	dom_notify(d);
	consoled_dom_drain(cd, d);
}

static int
dom_open_log(struct consoled *cd, struct consoled_dom *d)
{
	char path[4096 + XYL_NAME_MAX + 8];

	if (d->name[0] && !strchr(d->name, '/'))
		snprintf(path, sizeof(path), "%s/%s.log", cd->condir, d->name);
	else
		snprintf(path, sizeof(path), "%s/%u.log", cd->condir, d->domid);
	d->log_fd = open(path,
			 O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
			 0640);
	return d->log_fd < 0 ? -errno : 0;
}

static int
dom_setup(struct consoled *cd, struct consoled_dom *d)
{
	struct epoll_event e = {.events = EPOLLIN, .data.ptr = &d->w_pty};
	struct xyl_dominfo info;
	int r;

	r = xylctl_domain_getinfo(cd->ctl, d->domid, &info);
	if (r < 0)
		return r;
	memcpy(d->name, info.name, sizeof(d->name));
	d->name[sizeof(d->name) - 1] = '\0';
	d->is_shutdown = (info.state &
			  (XYL_DOMSTATE_SHUTDOWN | XYL_DOMSTATE_CRASHED)) != 0;
	r = xylctl_map_guest(cd->ctl, d->domid, &d->mem);
	if (r < 0)
		return r;
	d->is_mapped = true;
	r = dom_open_log(cd, d);
	if (r < 0)
		return r;
	r = consoled_pty_open(&d->pty, cd->condir, d->domid);
	if (r < 0)
		return r;
	return epoll_ctl(cd->epfd, EPOLL_CTL_ADD, d->pty.master_fd, &e) < 0
		       ? -errno
		       : 0;
}

int
consoled_dom_add(struct consoled *cd, xyl_domid_t domid)
{
	struct consoled_dom *d;
	int r;

	if (consoled_dom_find(cd, domid))
		return 0;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->domid = domid;
	d->log_fd = -1;
	d->pty.master_fd = d->pty.slave_fd = -1;
	d->evtchn.notify_fd = d->evtchn.kick_fd = -1;
	d->w_notify = (struct consoled_watch){CONSOLED_WATCH_NOTIFY, d};
	d->w_pty = (struct consoled_watch){CONSOLED_WATCH_PTY, d};
	d->next = cd->doms;
	cd->doms = d;
	r = dom_setup(cd, d);
	if (r < 0) {
		if (r != -ESRCH)
			log_dom_warn(domid, "cannot serve its console: %s",
				     strerror(-r));
		d->is_destroyed = true;
		d->is_shutdown = true;
		return r;
	}
	log_dom_info(domid, "%s: console on %s", d->name, d->pty.link);
	dom_drain_console_io(cd, d);
	consoled_dom_try_connect(cd, d);
	if (d->is_shutdown)
		consoled_dom_shutdown(cd, d);
	return 0;
}

/* No more output will come: read the last of it, then let the pty be read
 * out before it is closed (the loop's tick does that). */
void
consoled_dom_shutdown(struct consoled *cd, struct consoled_dom *d)
{
	if (!d->is_destroyed)
		d->con_dirty = true;
	consoled_dom_drain(cd, d);
	d->is_shutdown = true;
	if (!d->linger_until)
		d->linger_until = consoled_now_ms() + LINGER_MS;
	dom_watch_pty(cd, d);
}

void
consoled_dom_tick(struct consoled *cd, struct consoled_dom *d, uint64_t now_ms)
{
	if (!d->is_shutdown) {
		/* The toolstack sets the port before it unpauses (and we try
		 * again then); ticks cover a toolstack that set it late. */
		if (!d->is_connected && d->connect_tries < MAX_CONNECT_TRIES) {
			d->connect_tries++;
			consoled_dom_try_connect(cd, d);
		}
		if (d->is_connected)
			consoled_dom_drain(cd, d);
		return;
	}
	if (d->pty.master_fd < 0)
		return;
	consoled_pty_flush(&d->pty);
	d->quiet_ticks = consoled_pty_unread(&d->pty) ? 0 : d->quiet_ticks + 1;
	if (d->quiet_ticks >= QUIET_TICKS_CLOSE || now_ms >= d->linger_until) {
		if (d->pty.dropped || consoled_pty_unread(&d->pty))
			log_dom_debug(d->domid, "%s: pty closed unread",
				      d->name);
		epoll_ctl(cd->epfd, EPOLL_CTL_DEL, d->pty.master_fd, NULL);
		consoled_pty_close(&d->pty);
	}
}

bool
consoled_dom_is_done(const struct consoled_dom *d)
{
	return d->is_destroyed && d->pty.master_fd < 0;
}

void
consoled_dom_free(struct consoled *cd, struct consoled_dom *d)
{
	if (d->pty.master_fd >= 0) {
		epoll_ctl(cd->epfd, EPOLL_CTL_DEL, d->pty.master_fd, NULL);
		consoled_pty_close(&d->pty);
	}
	if (d->evtchn.notify_fd >= 0) {
		epoll_ctl(cd->epfd, EPOLL_CTL_DEL, d->evtchn.notify_fd, NULL);
		xylctl_evtchn_close(cd->ctl, &d->evtchn);
	}
	if (d->is_mapped)
		xylctl_unmap_guest(&d->mem);
	if (d->log_fd >= 0)
		close(d->log_fd);
	log_dom_debug(d->domid,
		      "%s: console closed: %llu bytes out, %llu in, "
		      "%llu notifications in, %llu out",
		      d->name, (unsigned long long)d->nr_out_bytes,
		      (unsigned long long)d->nr_in_bytes,
		      (unsigned long long)d->nr_notify_rx,
		      (unsigned long long)d->nr_notify_tx);
	free(d);
}
