/*
 * dom0-tools/common/dlog.h: the logger shared by dom0 host programs (xyl,
 * xenstored, backends).  Lines go to stderr as "program: [dom N:] message".
 * Guest-triggered lines go through log_dom_limited(), rate-limited per
 * caller-owned struct dlog_ratelimit so a hostile guest cannot flood dom0.
 */
#ifndef DOM0_DLOG_H
#define DOM0_DLOG_H

#include <stdarg.h>
#include <stdint.h>

/* Named DLOG_* so they never collide with <syslog.h>'s LOG_* macros. */
enum dlog_level {
	DLOG_ERR = 0,
	DLOG_WARN = 1,
	DLOG_INFO = 2,
	DLOG_DEBUG = 3,
};

/*
 * The logger's state is process-wide (program name, level): set once in
 * main() with log_init() before any thread starts.  Default level: WARN;
 * each -v raises it by one (log_raise_level()).
 */
void log_init(const char *program);
const char *log_program(void);
void log_set_level(int level);
void log_raise_level(void);
int log_level(void);
/* 1 when a line at this level would be written. */
int log_enabled(enum dlog_level level);

/* domid < 0: no "dom N:" tag. */
void log_msg(enum dlog_level level, int domid, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vmsg(enum dlog_level level, int domid, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#define log_err(...)	      log_msg(DLOG_ERR, -1, __VA_ARGS__)
#define log_warn(...)	      log_msg(DLOG_WARN, -1, __VA_ARGS__)
#define log_info(...)	      log_msg(DLOG_INFO, -1, __VA_ARGS__)
#define log_debug(...)	      log_msg(DLOG_DEBUG, -1, __VA_ARGS__)
#define log_dom_err(d, ...)   log_msg(DLOG_ERR, (int)(d), __VA_ARGS__)
#define log_dom_warn(d, ...)  log_msg(DLOG_WARN, (int)(d), __VA_ARGS__)
#define log_dom_info(d, ...)  log_msg(DLOG_INFO, (int)(d), __VA_ARGS__)
#define log_dom_debug(d, ...) log_msg(DLOG_DEBUG, (int)(d), __VA_ARGS__)

/*
 * Rate limit for lines a guest can trigger: at most DLOG_BURST lines per
 * DLOG_WINDOW_MS window, then one "N suppressed" line when the next
 * window opens.  Owned by the caller (one per domain or per device), zero-
 * initialised; not thread-safe: guard it with the owner's lock.
 */
#define DLOG_BURST     5
#define DLOG_WINDOW_MS 1000
struct dlog_ratelimit {
	uint64_t window_start_ms;
	uint32_t in_window;
	uint32_t suppressed;
};
void log_dom_limited(struct dlog_ratelimit *rl, enum dlog_level level,
		     int domid, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
