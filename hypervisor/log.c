/*
 * hypervisor/log.c: xylem-hv's logger (stderr + hv->dmesg) and the byte
 * rings behind dmesg and console output.  log_guest is the only path for
 * lines a guest can trigger, and it is rate-limited per domain.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"
#include "hv.h"
#include "log.h"

#define LOG_LINE_MAX	  512
#define LOG_GUEST_PER_SEC 5

/* The run-time level (-v); the one process-wide setting of the logger. */
static int log_level = LOG_INFO;

int
logring_init(struct logring *r, size_t size)
{
	if (size == 0 || (size & (size - 1)) != 0)
		return -EINVAL;
	r->buf = calloc(1, size);
	if (!r->buf)
		return -ENOMEM;
	r->size = size;
	r->head = 0;
	r->tail = 0;
	pthread_mutex_init(&r->lock, NULL);
	return 0;
}

void
logring_fini(struct logring *r)
{
	if (!r->buf)
		return;
	free(r->buf);
	r->buf = NULL;
	pthread_mutex_destroy(&r->lock);
}

void
logring_write(struct logring *r, const char *data, size_t len)
{
	if (!r->buf)
		return;
	pthread_mutex_lock(&r->lock);
	if (len > r->size) {
		r->head += len - r->size;
		data += len - r->size;
		len = r->size;
	}
	for (size_t i = 0; i < len; i++)
		r->buf[(r->head + i) & (r->size - 1)] = data[i];
	r->head += len;
	pthread_mutex_unlock(&r->lock);
}

size_t
logring_read(struct logring *r, uint64_t from, char *out, size_t cap,
	     uint64_t *start, uint64_t *next)
{
	size_t n = 0;

	if (!r->buf) {
		*start = *next = from;
		return 0;
	}
	pthread_mutex_lock(&r->lock);
	uint64_t oldest = r->head > r->size ? r->head - r->size : 0;
	if (oldest < r->tail)
		oldest = r->tail;
	if (from < oldest)
		from = oldest;
	if (from > r->head)
		from = r->head;
	*start = from;
	while (n < cap && from + n < r->head) {
		out[n] = r->buf[(from + n) & (r->size - 1)];
		n++;
	}
	*next = from + n;
	pthread_mutex_unlock(&r->lock);
	return n;
}

void
logring_clear(struct logring *r)
{
	if (!r->buf)
		return;
	pthread_mutex_lock(&r->lock);
	/* Offsets stay monotonic; everything before head is gone. */
	r->tail = r->head;
	pthread_mutex_unlock(&r->lock);
}

void
log_set_level(int level)
{
	log_level = level;
}

static const char *const log_tags[] = {"error: ", "warning: ", "", "debug: "};

static void
log_emit(struct hv *hv, enum log_level level, int domid, const char *fmt,
	 va_list ap)
{
	char line[LOG_LINE_MAX];
	int off;

	if (domid >= 0)
		off = snprintf(line, sizeof(line),
			       "xylem-hv: %sdom %d: ", log_tags[level], domid);
	else
		off = snprintf(line, sizeof(line), "xylem-hv: %s",
			       log_tags[level]);
	vsnprintf(line + off, sizeof(line) - off - 1, fmt, ap);
	size_t len = strlen(line);
	line[len++] = '\n';
	if (hv)
		logring_write(&hv->dmesg, line, len);
	if ((int)level <= log_level)
		fwrite(line, 1, len, stderr);
}

void
log_msg(struct hv *hv, enum log_level level, int domid, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(hv, level, domid, fmt, ap);
	va_end(ap);
}

static uint64_t
log_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Returns true if the line may be printed; prints the "suppressed" line
 * when a new window opens after a suppressed burst.  Caller holds d->lock
 * or accepts a racy count (the limiter is advisory). */
static bool
log_ratelimit_pass(struct domain *d)
{
	struct log_ratelimit *rl = &d->ratelimit;
	uint64_t now = log_now_ns();

	if (now - rl->window_start_ns >= 1000000000ull) {
		if (rl->suppressed)
			log_msg(d->hv, LOG_WARN, (int)d->domid,
				"%u guest-triggered messages suppressed",
				rl->suppressed);
		rl->window_start_ns = now;
		rl->in_window = 0;
		rl->suppressed = 0;
	}
	if (rl->in_window >= LOG_GUEST_PER_SEC) {
		rl->suppressed++;
		return false;
	}
	rl->in_window++;
	return true;
}

void
log_guest(struct domain *d, enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (!log_ratelimit_pass(d))
		return;
	va_start(ap, fmt);
	log_emit(d->hv, level, (int)d->domid, fmt, ap);
	va_end(ap);
}
