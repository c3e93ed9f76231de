/*
 * dom0-tools/common/log.c: the dom0 logger (dlog.h).  Owns the process-wide
 * program name and level; writes whole lines to stderr with one write(2) so
 * lines from several threads or processes do not interleave.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dlog.h"

/* The logger's only state; written by main() before threads start. */
static struct {
	char program[32];
	int level;
} dlog = {"xylem", DLOG_WARN};

void
log_init(const char *program)
{
	const char *base = strrchr(program, '/');

	snprintf(dlog.program, sizeof(dlog.program), "%s",
		 base ? base + 1 : program);
}

const char *
log_program(void)
{
	return dlog.program;
}

void
log_set_level(int level)
{
	if (level < DLOG_ERR)
		level = DLOG_ERR;
	if (level > DLOG_DEBUG)
		level = DLOG_DEBUG;
	dlog.level = level;
}

void
log_raise_level(void)
{
	log_set_level(dlog.level + 1);
}

int
log_level(void)
{
	return dlog.level;
}

int
log_enabled(enum dlog_level level)
{
	return (int)level <= dlog.level;
}

void
log_vmsg(enum dlog_level level, int domid, const char *fmt, va_list ap)
{
	char line[1024];
	int saved_errno = errno;
	size_t n;
	int r;

	if (!log_enabled(level))
		return;
	if (domid >= 0)
		r = snprintf(line, sizeof(line), "%s: dom %d: ", dlog.program,
			     domid);
	else
		r = snprintf(line, sizeof(line), "%s: ", dlog.program);
	n = r > 0 ? (size_t)r : 0;
	if (n < sizeof(line)) {
		r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
		n += r > 0 ? (size_t)r : 0;
	}
	/* A line too long is cut, and the cut is marked. */
	if (n >= sizeof(line) - 1) {
		n = sizeof(line) - 1;
		memcpy(line + n - 3, "...", 3);
	}
	if (n == 0 || line[n - 1] != '\n')
		line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0) {
		/* Nowhere left to report it. */
	}
	errno = saved_errno;
}

void
log_msg(enum dlog_level level, int domid, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, domid, fmt, ap);
	va_end(ap);
}

static uint64_t
dlog_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
log_dom_limited(struct dlog_ratelimit *rl, enum dlog_level level, int domid,
		const char *fmt, ...)
{
	uint64_t now = dlog_now_ms();
	va_list ap;

	if (!log_enabled(level))
		return;
	if (now - rl->window_start_ms >= DLOG_WINDOW_MS) {
		if (rl->suppressed)
			log_msg(level, domid, "%u lines suppressed",
				rl->suppressed);
		rl->window_start_ms = now;
		rl->in_window = 0;
		rl->suppressed = 0;
	}
	if (rl->in_window >= DLOG_BURST) {
		rl->suppressed++;
		return;
	}
	rl->in_window++;
	va_start(ap, fmt);
	log_vmsg(level, domid, fmt, ap);
	va_end(ap);
}
