/*
 * dom0-tools/xyl/cmd_shutdown.c: `xyl shutdown|reboot [-a] [-w] <dom>`, as
 * xl does it: write "poweroff"/"reboot" to the guest's control/shutdown
 * (xs_domain.c) and let the guest act; a guest without that PV control
 * interface gets a hard shutdown through the hypervisor instead.  The
 * domain's monitor then carries out on_poweroff / on_reboot.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <stdint.h>
#include <xen/sched.h>

#include "xs_domain.h"
#include "xyl.h"

#define SHUTDOWN_POLL_MS 500

struct shutdown_opts {
	const char *verb; /* "shutdown" or "reboot" */
	uint32_t reason;  /* SHUTDOWN_poweroff or SHUTDOWN_reboot */
	bool all;
	bool wait;
};

/* What an event says about domid: 1 shut down (*reason), 0 gone, -EAGAIN
 * nothing. */
static int
event_verdict(const struct xyl_ctl_event *e, xyl_domid_t domid,
	      uint32_t *reason)
{
	if (e->domid != domid)
		return -EAGAIN;
	if (e->kind == XYL_EVENT_DOMAIN_SHUTDOWN) {
		*reason = e->arg;
		return 1;
	}
	return e->kind == XYL_EVENT_DOMAIN_DESTROYED ? 0 : -EAGAIN;
}

/*
 * Until the domain is shut down (1, *reason set) or gone (0); -errno.
 * Queued events come first: the subscription predates the request, so a
 * domain that its monitor has already restarted (on_reboot) still shows
 * its shutdown there before getinfo finds it gone.
 */
static int
wait_shutdown(struct xylctl *c, struct xylctl *ev, xyl_domid_t domid,
	      uint32_t *reason)
{
	struct xyl_ctl_event e;
	struct xyl_dominfo info;
	int r, v;

	for (;;) {
		while ((r = xylctl_event_next(ev, &e, 0)) == 0)
			if ((v = event_verdict(&e, domid, reason)) >= 0)
				return v;
		if (r < 0 && r != -ETIMEDOUT && r != -EINTR)
			return r;
		r = xylctl_domain_getinfo(c, domid, &info);
		if (r == -ESRCH)
			return 0;
		if (r < 0)
			return r;
		if (info.state &
		    (XYL_DOMSTATE_SHUTDOWN | XYL_DOMSTATE_CRASHED)) {
			*reason = info.state & XYL_DOMSTATE_CRASHED
					  ? SHUTDOWN_crash
					  : info.shutdown_reason;
			return 1;
		}
		r = xylctl_event_next(ev, &e, SHUTDOWN_POLL_MS);
		if (r < 0 && r != -ETIMEDOUT && r != -EINTR)
			return r;
		if (r == 0 && (v = event_verdict(&e, domid, reason)) >= 0)
			return v;
	}
}

/* xl's words, on stderr as xl prints them. */
static int
wait_and_tell(struct xylctl *c, struct xylctl *ev, xyl_domid_t domid,
	      const char *verb)
{
	uint32_t reason = 0;
	char what[64];
	int r = wait_shutdown(c, ev, domid, &reason);

	snprintf(what, sizeof(what), "%s: waiting", verb);
	if (r < 0)
		xyl_report(c, what, r);
	else if (r == 0)
		fprintf(stderr, "Domain %u has been destroyed\n", domid);
	else
		fprintf(stderr,
			"Domain %u has been shut down, reason code %u\n", domid,
			reason);
	return r < 0 ? r : 0;
}

/* Ask one domain; fall back to the hypervisor without PV control. */
static int
request_one(struct xyl *x, struct xylctl *c, const struct shutdown_opts *o,
	    xyl_domid_t domid)
{
	const char *cmd = o->reason == SHUTDOWN_reboot ? "reboot" : "poweroff";
	int r;

	fprintf(stderr, "%s domain %u\n",
		o->reason == SHUTDOWN_reboot ? "Rebooting" : "Shutting down",
		domid);
	r = xsdomain_control(x, domid, o->verb, cmd);
	if (r != -EOPNOTSUPP)
		return r;
	fprintf(stderr,
		"xyl: %s: domain %u: PV control interface not available: "
		"hard %s through the hypervisor\n",
		o->verb, domid, cmd);
	r = xylctl_domain_shutdown(c, domid, o->reason);
	if (r < 0)
		xyl_report(c, o->verb, r);
	return r;
}

/* The domains to act on: one named, or (-a) every live guest. */
static int
pick_domains(struct xyl *x, const struct shutdown_opts *o, char *dom,
	     struct xylctl **c, xyl_domid_t **ids, size_t *nr)
{
	char *dom_argv[2] = {(char *)o->verb, dom};
	struct xyl_dominfo *list = NULL;
	size_t n = 0;
	int r;

	*ids = calloc(1, sizeof(**ids));
	if (!*ids)
		return -ENOMEM;
	if (!o->all) {
		r = xyl_one_domain(x, o->verb, 2, dom_argv, c, *ids);
		if (r == 0 && **ids == 0) {
			fprintf(stderr, "xyl: %s: domain 0 is the host\n",
				o->verb);
			r = -EPERM;
		}
		*nr = r == 0;
		return r;
	}
	r = xyl_connect(x, o->verb, c);
	if (r == 0 && (r = xylctl_domain_list(*c, &list, &n)) < 0)
		xyl_report(*c, o->verb, r);
	if (r == 0 && n && !(*ids = realloc(*ids, n * sizeof(**ids))))
		r = -ENOMEM;
	*nr = 0;
	for (size_t i = 0; r == 0 && i < n; i++)
		if (list[i].domid != 0 &&
		    !(list[i].state &
		      (XYL_DOMSTATE_SHUTDOWN | XYL_DOMSTATE_CRASHED |
		       XYL_DOMSTATE_DYING)))
			(*ids)[(*nr)++] = list[i].domid;
	free(list);
	return r;
}

static int
parse_args(int argc, char **argv, struct shutdown_opts *o)
{
	static const struct option longopts[] = {
		{"all", no_argument, NULL, 'a'},
		{"wait", no_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "awh", longopts, NULL)) != -1) {
		if (c == 'a')
			o->all = true;
		else if (c == 'w')
			o->wait = true;
		else {
			xyl_usage(o->verb);
			return -EINVAL;
		}
	}
	if (argc - optind != (o->all ? 0 : 1)) {
		xyl_usage(o->verb);
		return -EINVAL;
	}
	return optind;
}

int
shutdown_run(struct xyl *x, int argc, char **argv, uint32_t reason)
{
	struct shutdown_opts o = {
		.verb = reason == SHUTDOWN_reboot ? "reboot" : "shutdown",
		.reason = reason};
	struct xylctl *c = NULL, *ev = NULL;
	xyl_domid_t *ids = NULL;
	size_t nr = 0, i;
	char what[64];
	int r, i0 = parse_args(argc, argv, &o);

	if (i0 < 0)
		return XYL_EXIT_ERROR;
	r = pick_domains(x, &o, o.all ? NULL : argv[i0], &c, &ids, &nr);
	snprintf(what, sizeof(what), "%s: events", o.verb);
	if (r == 0 && o.wait && (r = xylctl_events_open(x->rundir, &ev)) < 0)
		xyl_report(c, what, r);
	for (i = 0; r == 0 && i < nr; i++)
		r = request_one(x, c, &o, ids[i]);
	if (r == 0 && o.wait)
		fprintf(stderr, "Waiting for %zu domains\n", nr);
	for (i = 0; r == 0 && o.wait && i < nr; i++)
		r = wait_and_tell(c, ev, ids[i], o.verb);
	if (ev)
		xylctl_close(ev);
	if (c)
		xylctl_close(c);
	free(ids);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}

int
cmd_shutdown(struct xyl *x, int argc, char **argv)
{
	return shutdown_run(x, argc, argv, SHUTDOWN_poweroff);
}
