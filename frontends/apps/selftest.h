/*
 * apps/selftest.h: what the selftest's files share: the check counters and
 * line printer, the bad addresses used for error paths, and one entry per
 * test group.  Private to apps/selftest*.c.
 */
#ifndef GK_APPS_SELFTEST_H
#define GK_APPS_SELFTEST_H

#include <stdint.h>

#include <xen/xen.h>
#include <xen/event_channel.h>

#define ST_UNMAPPED_VA (1ull << 44) /* above the 4 GiB identity map */
#define ST_NONCANON_VA 0x8000000000000000ull
#define ST_BAD_PORT    0xfffffu
#define ST_BAD_VCPU    99u
#define ST_NR_UNUSED   63u /* no Xen hypercall has it */

/* One selftest run; created by gk_app_selftest(). */
struct st {
	unsigned int passed;
	unsigned int failed;
	domid_t domid;	   /* learned from an unbound port's status */
	uint64_t slack_ns; /* how late a timer may be (timer_slack_us=) */
	uint64_t pause_probe; /* runstate_pause_probe=1: wait to be paused */
};

#define ST_DEFAULT_SLACK_US 5000

__attribute__((format(printf, 3, 4))) void st_check(struct st *t, int ok,
						    const char *fmt, ...);
/* One check line: rc must equal want. */
void st_rc(struct st *t, const char *what, long rc, long want);
/* One check line: rc must be a bad-id error (-ENOENT, or -EINVAL). */
void st_rc_badid(struct st *t, const char *what, long rc);
/* A timer that should take want_ns: never early, late by <= slack. */
int st_on_time(const struct st *t, uint64_t dt, uint64_t want_ns);
/* How long to wait for a timer before giving up on it. */
uint64_t st_guard(const struct st *t, uint64_t want_ns);
/* A guest address past the end of RAM but inside the identity map. */
uint64_t st_past_ram(void);

/* Event channels (selftest_evtchn.c); *idle_port is left unbound. */
void st_test_evtchn(struct st *t, evtchn_port_t *idle_port);
/* sched_op, polling idle_port (selftest_evtchn.c). */
void st_test_sched(struct st *t, evtchn_port_t idle_port);
/* Grant tables (selftest_gnttab.c). */
void st_test_gnttab(struct st *t);
/* Xenstore, iff the store ring is connected (selftest_xenstore.c). */
void st_test_xenstore(struct st *t);
/* vm_assist and the runstate area (selftest_runstate.c). */
void st_test_runstate(struct st *t);

#endif
