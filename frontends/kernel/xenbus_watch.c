/*
 * kernel/xenbus_watch.c: xenstore watches in the guest: the watch table,
 * the queue of WATCH_EVENTs taken off the ring (xenbus.c hands them over)
 * and running their callbacks from the main loop.  Events are the
 * daemon's: unknown tokens are dropped, long paths never cut.
 */
#include <stdint.h>

#include "gk/kernel.h"
#include "gk/string.h"
#include "gk/xenbus.h"
#include "xenbus_priv.h"

static struct xenbus_watch *
watch_by_token(struct xenbus *xb, const char *token, unsigned int *idx)
{
	for (unsigned int i = 0; i < XENBUS_MAX_WATCHES; i++) {
		struct xenbus_watch *w = &xb->watches[i];

		if (w->in_use && strcmp(w->token, token) == 0) {
			*idx = i;
			return w;
		}
	}
	return 0;
}

/* Queue a WATCH_EVENT for its watch; unknown tokens are dropped. */
void
xb_queue_event(struct xenbus *xb, const struct xenbus_msg *m)
{
	const char *path, *token;
	struct xenbus_watch *w;
	struct xenbus_event *ev;
	unsigned int idx;

	if (xenbus_watch_event_parse(m, &path, &token) < 0) {
		xb->stats.events_dropped++;
		return;
	}
	w = watch_by_token(xb, token, &idx);
	if (!w) {
		xb->stats.events_dropped++;
		return;
	}
	xb->stats.events++;
	if (xb->q_len == EVENT_QUEUE) {
		w->overflowed = 1;
		xb->stats.events_dropped++;
		return;
	}
	ev = &xb->queue[(xb->q_head + xb->q_len++) % EVENT_QUEUE];
	ev->watch = idx;
	/* A path too long for the slot becomes the watch's own path: a
	 * coarser event, never a cut one. */
	if (strnlen(path, EVENT_PATH_MAX) < EVENT_PATH_MAX)
		memcpy(ev->path, path, strlen(path) + 1);
	else
		memcpy(ev->path, w->path, strlen(w->path) + 1);
}

static void
purge_events(struct xenbus *xb, unsigned int idx)
{
	unsigned int kept = 0;

	for (unsigned int i = 0; i < xb->q_len; i++) {
		struct xenbus_event *ev =
			&xb->queue[(xb->q_head + i) % EVENT_QUEUE];

		if (ev->watch != idx)
			xb->queue[(xb->q_head + kept++) % EVENT_QUEUE] = *ev;
	}
	xb->q_len = kept;
}

int
xenbus_watch(const char *path, const char *token, xenbus_watch_fn fn, void *arg)
{
	struct xenbus *xb = xb_get();
	const char *strs[] = {path, token};
	struct xenbus_watch *w = 0;
	unsigned int idx;
	int r;

	if (!xb)
		return -ENOTCONN;
	if (!fn || strnlen(path, WATCH_PATH_MAX) >= WATCH_PATH_MAX ||
	    strnlen(token, WATCH_TOKEN_MAX) >= WATCH_TOKEN_MAX)
		return -EINVAL;
	if (watch_by_token(xb, token, &idx))
		return -EEXIST;
	for (idx = 0; idx < XENBUS_MAX_WATCHES; idx++)
		if (!xb->watches[idx].in_use)
			break;
	if (idx == XENBUS_MAX_WATCHES)
		return -ENOSPC;
	w = &xb->watches[idx];
	*w = (struct xenbus_watch){.in_use = 1, .fn = fn, .arg = arg};
	memcpy(w->path, path, strlen(path) + 1);
	memcpy(w->token, token, strlen(token) + 1);
	/* The slot is live before the request: the first event may come
	 * right behind the reply. */
	r = xb_talk(XS_WATCH, 0, strs, 2, 0, 0, XENBUS_TIMEOUT_MS, &xb);
	if (r < 0 && xb_get()) {
		purge_events(xb_get(), idx);
		xb_get()->watches[idx].in_use = 0;
	}
	return r;
}

int
xenbus_unwatch(const char *path, const char *token)
{
	struct xenbus *xb = xb_get();
	const char *strs[] = {path, token};
	unsigned int idx;
	int r;

	if (!xb)
		return -ENOTCONN;
	if (!watch_by_token(xb, token, &idx))
		return -ENOENT;
	r = xb_talk(XS_UNWATCH, 0, strs, 2, 0, 0, XENBUS_TIMEOUT_MS, &xb);
	if (xb_get()) {
		purge_events(xb_get(), idx);
		xb_get()->watches[idx].in_use = 0;
	}
	return r;
}

unsigned int
xenbus_run_watches(void)
{
	struct xenbus *xb = xb_get();
	unsigned int ran = 0;

	if (!xb || xb->busy || xb->running)
		return 0;
	xb->running = 1;
	while (xb_get() == xb && ran < RUN_WATCHES_MAX) {
		struct xenbus_event ev;
		struct xenbus_watch *w = 0;

		for (unsigned int i = 0; !xb->q_len && i < XENBUS_MAX_WATCHES;
		     i++) {
			if (xb->watches[i].in_use &&
			    xb->watches[i].overflowed) {
				w = &xb->watches[i];
				w->overflowed = 0;
				memcpy(ev.path, w->path, strlen(w->path) + 1);
				break;
			}
		}
		if (!w && !xb->q_len)
			break;
		if (!w) {
			ev = xb->queue[xb->q_head];
			xb->q_head = (xb->q_head + 1) % EVENT_QUEUE;
			xb->q_len--;
			w = &xb->watches[ev.watch];
		}
		ran++;
		w->fn(ev.path, w->token, w->arg);
	}
	xb->running = 0;
	if (xb_get() == xb && xb->q_len)
		xb_reraise(xb);
	return ran;
}
