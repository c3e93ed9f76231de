/*
 * dom0-tools/xyl/evlog.h: the toolstack's event log,
 * $XYLEM_RUNDIR/events.log: one JSON object per line, appended by every
 * xyl process (create, monitors, destroy, device verbs) and followed by
 * `xyl events`.  Lines are written with one O_APPEND write each, so
 * writers never interleave.  Readers distrust the file: bounded lines,
 * anything that is not a JSON object is skipped.
 */
#ifndef XYL_EVLOG_H
#define XYL_EVLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct json_object;

#define EVLOG_NAME	"events.log"
#define EVLOG_LINE_MAX	16384	   /* longer lines are skipped */
#define EVLOG_ROTATE_AT (4u << 20) /* then renamed to events.log.1 */

/* A new record {"time", "source", "event", "domid" (null if < 0), "name",
 * "uuid", "pid", "detail"}; detail (may be NULL) is consumed.  NULL on
 * ENOMEM. */
struct json_object *evlog_record(const char *source, const char *event,
				 long domid, const char *name, const char *uuid,
				 struct json_object *detail);
/* Append rec as one line; 0 or -errno. */
int evlog_append(const char *rundir, struct json_object *rec);

/* Following the log (tail -F): reopens when the file is rotated. */
struct evlog_tail {
	char path[4096];
	int fd;
	ino_t ino;
	char buf[EVLOG_LINE_MAX];
	size_t len;
	bool skipping; /* inside an over-long line */
};
/* from_start: replay what is there; else only what comes next. */
void evlog_tail_init(struct evlog_tail *t, const char *rundir, bool from_start);
/* The next complete line as a JSON object (caller puts it), or NULL if
 * none is there yet. */
struct json_object *evlog_tail_next(struct evlog_tail *t);
void evlog_tail_close(struct evlog_tail *t);

#endif
