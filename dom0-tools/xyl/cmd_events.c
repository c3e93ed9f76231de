/*
 * dom0-tools/xyl/cmd_events.c: `xyl events [--json] [--history]`: one
 * stream of life-cycle and device events for orchestrators, merging the
 * hypervisor's event stream (libxylemctl) with the toolstack's event log
 * (evlog.h).  Runs until interrupted; survives xylem-hv restarts.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <stdint.h>
#include <xen/sched.h>

#include <json.h>

#include "evlog.h"
#include "xyl.h"

#define EVENTS_POLL_MS	    200
#define EVENTS_RECONNECT_MS 1000
#define NAME_CACHE	    64

struct events_state {
	struct xyl *x;
	bool json;
	struct xylctl *ev; /* NULL while xylem-hv is away */
	uint64_t next_connect_ms;
	struct evlog_tail tail;
	struct {
		xyl_domid_t domid;
		char name[XYL_NAME_MAX];
	} names[NAME_CACHE];
};

static volatile sig_atomic_t events_stop;

static void
on_stop(int sig)
{
	(void)sig;
	events_stop = 1;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Domains' names, remembered so "destroyed" can still name its domain. */
static const char *
name_of(struct events_state *s, xyl_domid_t domid)
{
	struct xyl_dominfo info;
	struct xylctl *c;
	unsigned int i, slot = domid % NAME_CACHE;

	for (i = 0; i < NAME_CACHE; i++)
		if (s->names[i].domid == domid && s->names[i].name[0])
			return s->names[i].name;
	if (xylctl_open(s->x->rundir, &c) < 0)
		return NULL;
	if (xylctl_domain_getinfo(c, domid, &info) == 0) {
		s->names[slot].domid = domid;
		snprintf(s->names[slot].name, XYL_NAME_MAX, "%s", info.name);
	}
	xylctl_close(c);
	return s->names[slot].domid == domid && s->names[slot].name[0]
		       ? s->names[slot].name
		       : NULL;
}

static void
print_record(struct events_state *s, struct json_object *rec)
{
	struct json_object *v;
	const char *name = "-", *src = "?", *ev = "?", *detail = "";
	time_t t = 0;
	struct tm tm;
	char when[32], domid[16] = "-";

	if (s->json) {
		printf("%s\n",
		       json_object_to_json_string_ext(
			       rec, JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
		fflush(stdout);
		return;
	}
	if (json_object_object_get_ex(rec, "time", &v))
		t = (time_t)json_object_get_double(v);
	if (json_object_object_get_ex(rec, "source", &v) && v)
		src = json_object_get_string(v);
	if (json_object_object_get_ex(rec, "event", &v) && v)
		ev = json_object_get_string(v);
	if (json_object_object_get_ex(rec, "domid", &v) && v)
		snprintf(domid, sizeof(domid), "%d", json_object_get_int(v));
	if (json_object_object_get_ex(rec, "name", &v) && v)
		name = json_object_get_string(v);
	if (json_object_object_get_ex(rec, "detail", &v) && v)
		detail = json_object_to_json_string_ext(v,
							JSON_C_TO_STRING_PLAIN);
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	if (detail[0])
		printf("%s %-10s %-13s %5s %-20s %s\n", when, src, ev, domid,
		       name, detail);
	else
		printf("%s %-10s %-13s %5s %s\n", when, src, ev, domid, name);
	fflush(stdout);
}

static const char *
hv_event_name(uint32_t kind)
{
	switch (kind) {
	case XYL_EVENT_DOMAIN_CREATED:
		return "created";
	case XYL_EVENT_DOMAIN_UNPAUSED:
		return "unpaused";
	case XYL_EVENT_DOMAIN_PAUSED:
		return "paused";
	case XYL_EVENT_DOMAIN_SHUTDOWN:
		return "shutdown";
	case XYL_EVENT_DOMAIN_DESTROYED:
		return "destroyed";
	}
	return NULL;
}

static const char *
reason_name(uint32_t reason)
{
	static const char *const names[] = {"poweroff", "reboot",
					    "suspend",	"crash",
					    "watchdog", "soft_reset"};

	return reason < sizeof(names) / sizeof(names[0]) ? names[reason]
							 : "unknown";
}

static void
hv_event(struct events_state *s, const struct xyl_ctl_event *e)
{
	const char *what = hv_event_name(e->kind), *name;
	struct json_object *detail = NULL, *rec;

	if (!what)
		return; /* console output and others: not life-cycle */
	name = name_of(s, e->domid);
	if (e->kind == XYL_EVENT_DOMAIN_SHUTDOWN) {
		detail = json_object_new_object();
		json_object_object_add(
			detail, "reason",
			json_object_new_string(reason_name(e->arg)));
	}
	rec = evlog_record("hypervisor", what, (long)e->domid, name, NULL,
			   detail);
	if (rec)
		print_record(s, rec);
	json_object_put(rec);
	if (e->kind == XYL_EVENT_DOMAIN_DESTROYED)
		s->names[e->domid % NAME_CACHE].name[0] = '\0';
}

static void
hv_connect(struct events_state *s)
{
	if (s->ev || now_ms() < s->next_connect_ms)
		return;
	s->next_connect_ms = now_ms() + EVENTS_RECONNECT_MS;
	xylctl_events_open(s->x->rundir, &s->ev);
}

/* Take what the hypervisor sent; drop the connection when it breaks. */
static void
hv_drain(struct events_state *s)
{
	struct xyl_ctl_event e;
	int r;

	while (s->ev && (r = xylctl_event_next(s->ev, &e, 0)) != -ETIMEDOUT) {
		if (r == -EINTR)
			return;
		if (r < 0) {
			/* Lost (overflow, or xylem-hv went away): say so and
			 * subscribe again; orchestrators resync from list. */
			struct json_object *rec = evlog_record(
				"hypervisor",
				r == -ENOBUFS ? "overflow" : "disconnected", -1,
				NULL, NULL, NULL);

			print_record(s, rec);
			json_object_put(rec);
			xylctl_close(s->ev);
			s->ev = NULL;
			return;
		}
		hv_event(s, &e);
	}
}

static void
log_drain(struct events_state *s)
{
	struct json_object *rec;

	while ((rec = evlog_tail_next(&s->tail))) {
		print_record(s, rec);
		json_object_put(rec);
	}
}

static int
events_parse_args(int argc, char **argv, bool *json, bool *history)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"history", no_argument, NULL, 'H'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jHh", longopts, NULL)) != -1) {
		if (c == 'j')
			*json = true;
		else if (c == 'H')
			*history = true;
		else
			goto usage;
	}
	if (optind == argc)
		return 0;
usage:
	xyl_usage("events");
	return -EINVAL;
}

int
cmd_events(struct xyl *x, int argc, char **argv)
{
	static struct events_state s; /* large (the tail buffer) */
	struct sigaction sa = {.sa_handler = on_stop};
	bool history = false;

	memset(&s, 0, sizeof(s));
	s.x = x;
	if (events_parse_args(argc, argv, &s.json, &history) < 0)
		return XYL_EXIT_ERROR;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Subscribe before reading the log: nothing falls in between. */
	hv_connect(&s);
	evlog_tail_init(&s.tail, x->rundir, history);
	fprintf(stderr, "xyl: events: watching %s%s\n", x->rundir,
		s.ev ? "" : " (xylem-hv not running yet)");
	while (!events_stop && !ferror(stdout)) {
		struct pollfd p = {s.ev ? xylctl_events_fd(s.ev) : -1, POLLIN,
				   0};

		poll(&p, 1, EVENTS_POLL_MS);
		hv_drain(&s);
		log_drain(&s);
		hv_connect(&s);
	}
	evlog_tail_close(&s.tail);
	if (s.ev)
		xylctl_close(s.ev);
	return XYL_EXIT_OK;
}
