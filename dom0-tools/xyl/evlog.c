/*
 * dom0-tools/xyl/evlog.c: the toolstack's event log (evlog.h): writing
 * records and following the file.  The file is shared by every xyl
 * process of a host; a reader trusts nothing in it beyond "lines of JSON".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json.h>

#include "evlog.h"

struct json_object *
evlog_record(const char *source, const char *event, long domid,
	     const char *name, const char *uuid, struct json_object *detail)
{
	struct json_object *o = json_object_new_object();
	struct timespec ts;

	if (!o) {
		json_object_put(detail);
		return NULL;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	json_object_object_add(
		o, "time",
		json_object_new_double((double)ts.tv_sec + ts.tv_nsec / 1e9));
	json_object_object_add(o, "source", json_object_new_string(source));
	json_object_object_add(o, "event", json_object_new_string(event));
	json_object_object_add(
		o, "domid", domid >= 0 ? json_object_new_int64(domid) : NULL);
	json_object_object_add(o, "name",
			       name ? json_object_new_string(name) : NULL);
	json_object_object_add(o, "uuid",
			       uuid ? json_object_new_string(uuid) : NULL);
	json_object_object_add(o, "pid", json_object_new_int64(getpid()));
	if (detail)
		json_object_object_add(o, "detail", detail);
	return o;
}

static void
evlog_path(const char *rundir, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s", rundir, EVLOG_NAME);
}

/* Keep the log bounded: the writer that finds it too big renames it (a
 * concurrent writer may still append one line to the old file). */
static void
evlog_rotate(const char *path, int fd)
{
	struct stat st;
	char old[4096 + 4];

	if (fstat(fd, &st) == 0 && (size_t)st.st_size > EVLOG_ROTATE_AT) {
		snprintf(old, sizeof(old), "%s.1", path);
		rename(path, old);
	}
}

int
evlog_append(const char *rundir, struct json_object *rec)
{
	char path[4096];
	const char *text;
	char *line;
	size_t len;
	ssize_t n;
	int fd, r = 0;

	evlog_path(rundir, path, sizeof(path));
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	evlog_rotate(path, fd);
	text = json_object_to_json_string_ext(
		rec, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(text);
	line = malloc(len + 2);
	if (!line) {
		close(fd);
		return -ENOMEM;
	}
	memcpy(line, text, len);
	line[len++] = '\n';
	n = write(fd, line, len);
	if (n != (ssize_t)len)
		r = n < 0 ? -errno : -EIO;
	free(line);
	close(fd);
	return r;
}

void
evlog_tail_init(struct evlog_tail *t, const char *rundir, bool from_start)
{
	struct stat st;

	memset(t, 0, sizeof(*t));
	evlog_path(rundir, t->path, sizeof(t->path));
	t->fd = open(t->path, O_RDONLY | O_CLOEXEC);
	if (t->fd < 0)
		return;
	if (fstat(t->fd, &st) == 0)
		t->ino = st.st_ino;
	if (!from_start)
		lseek(t->fd, 0, SEEK_END);
}

/* Take one line out of the buffer: its object, NULL if none complete. */
static struct json_object *
take_line(struct evlog_tail *t, bool *got)
{
	char *nl = memchr(t->buf, '\n', t->len);
	struct json_object *o = NULL;
	size_t used;

	*got = false;
	if (!nl)
		return NULL;
	*got = true;
	*nl = '\0';
	used = (size_t)(nl - t->buf) + 1;
	if (!t->skipping) {
		o = json_tokener_parse(t->buf);
		if (o && !json_object_is_type(o, json_type_object)) {
			json_object_put(o);
			o = NULL;
		}
	}
	t->skipping = false;
	memmove(t->buf, t->buf + used, t->len - used);
	t->len -= used;
	return o;
}

/* The file was renamed away (rotated) or replaced: follow the new one. */
static bool
tail_rotated(struct evlog_tail *t)
{
	struct stat st;

	return stat(t->path, &st) == 0 && st.st_ino != t->ino;
}

static void
tail_reopen(struct evlog_tail *t)
{
	struct stat st;

	if (t->fd >= 0)
		close(t->fd);
	t->len = 0;
	t->skipping = false;
	t->fd = open(t->path, O_RDONLY | O_CLOEXEC);
	if (t->fd >= 0 && fstat(t->fd, &st) == 0)
		t->ino = st.st_ino;
}

struct json_object *
evlog_tail_next(struct evlog_tail *t)
{
	struct json_object *o;
	bool got;
	ssize_t n;

	for (;;) {
		o = take_line(t, &got);
		if (got && o)
			return o;
		if (got)
			continue;
		if (t->fd < 0)
			tail_reopen(t);
		if (t->fd < 0)
			return NULL;
		if (t->len == sizeof(t->buf)) {
			t->len = 0; /* an over-long line: drop it */
			t->skipping = true;
		}
		n = read(t->fd, t->buf + t->len, sizeof(t->buf) - t->len);
		if (n > 0) {
			t->len += (size_t)n;
			continue;
		}
		if (n == 0 && tail_rotated(t)) {
			tail_reopen(t);
			continue;
		}
		return NULL;
	}
}

void
evlog_tail_close(struct evlog_tail *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}
