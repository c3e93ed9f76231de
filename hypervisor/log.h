/*
 * hypervisor/log.h: xylem-hv's logger and byte rings.  Lines go to stderr
 * as "xylem-hv: [dom N:] message" and into hv->dmesg for `xyl dmesg`.
 * Lines a guest can trigger go through log_guest(), which is rate-limited
 * per domain (a few a second, then one "N suppressed" line).
 */
#ifndef HV_LOG_H
#define HV_LOG_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* A bounded byte stream with absolute offsets (console_io output, dmesg). */
struct logring {
	pthread_mutex_t lock;
	char *buf;
	size_t size;   /* power of two */
	uint64_t head; /* absolute offset of the next byte written */
	uint64_t tail; /* oldest offset still readable (raised by clear) */
};

int logring_init(struct logring *r, size_t size);
void logring_fini(struct logring *r);
void logring_write(struct logring *r, const char *data, size_t len);
/* Copy up to cap bytes from absolute offset from; returns bytes copied and
 * sets *start (first offset actually copied) and *next. */
size_t logring_read(struct logring *r, uint64_t from, char *out, size_t cap,
		    uint64_t *start, uint64_t *next);
void logring_clear(struct logring *r);

/* Per-domain limiter state for log_guest. */
struct log_ratelimit {
	uint64_t window_start_ns;
	uint32_t in_window;
	uint32_t suppressed;
};

struct hv;
void log_set_level(int level);
void log_msg(struct hv *hv, enum log_level level, int domid, const char *fmt,
	     ...) __attribute__((format(printf, 4, 5)));
#define log_err(hv, ...)   log_msg(hv, LOG_ERR, -1, __VA_ARGS__)
#define log_warn(hv, ...)  log_msg(hv, LOG_WARN, -1, __VA_ARGS__)
#define log_info(hv, ...)  log_msg(hv, LOG_INFO, -1, __VA_ARGS__)
#define log_debug(hv, ...) log_msg(hv, LOG_DEBUG, -1, __VA_ARGS__)

struct domain;
/* A guest-triggered line about domain d, rate-limited per domain. */
void log_guest(struct domain *d, enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
