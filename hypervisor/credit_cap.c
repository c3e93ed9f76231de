/*
 * hypervisor/credit_cap.c: caps on hosts without a writable cpu cgroup.
 * Owns one enforcer thread that, every period, charges each capped
 * domain the CPU time its vCPU threads used and keeps the domain out of
 * the guest (is_throttled) while its budget is spent, as Xen parks an
 * over-cap vCPU until the next accounting.  Caps come from credit_set.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "credit.h"
#include "domain.h"
#include "hv.h"
#include "vcpu.h"

/* 10 ms, as the cgroup cap period: a vCPU overruns by at most about one
 * period, and the debt is carried into the next ones, so the average
 * holds; unused budget is not banked beyond one period (no bursts). */
#define CREDIT_CAP_PERIOD_NS 10000000ll

static uint64_t
credit_cap_domain_time(struct domain *d)
{
	uint64_t ns = 0;

	for (uint32_t i = 0; i < d->nr_vcpus; i++)
		ns += credit_vcpu_time_ns(&d->vcpus[i]);
	return ns;
}

static void
credit_cap_throttle(struct domain *d, bool on)
{
	pthread_mutex_lock(&d->lock);
	if (d->is_throttled == on) {
		pthread_mutex_unlock(&d->lock);
		return;
	}
	d->is_throttled = on;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	for (uint32_t i = 0; on && i < d->nr_vcpus; i++)
		vcpu_interrupt(&d->vcpus[i]);
}

void
credit_cap_reset(struct domain *d)
{
	d->cap_last_ns = credit_cap_domain_time(d);
	d->cap_budget_ns = 0;
	credit_cap_throttle(d, false);
}

/* One period of accounting for d: elapsed_ns of wall time since the
 * last one (a late wake-up of ours must not shrink the grant). */
static void
credit_cap_account(struct domain *d, int64_t elapsed_ns)
{
	uint64_t now = credit_cap_domain_time(d);
	int64_t used = (int64_t)(now - d->cap_last_ns);
	int64_t grant, max;
	uint32_t cap;

	pthread_mutex_lock(&d->lock);
	cap = d->sched_cap;
	pthread_mutex_unlock(&d->lock);
	d->cap_last_ns = now;
	if (!cap) {
		credit_cap_throttle(d, false);
		return;
	}
	grant = elapsed_ns * cap / 100;
	max = CREDIT_CAP_PERIOD_NS * cap / 100;
	d->cap_budget_ns += grant - used;
	if (d->cap_budget_ns > max)
		d->cap_budget_ns = max;
	credit_cap_throttle(d, d->cap_budget_ns <= 0);
}

static int64_t
credit_cap_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static void *
credit_cap_thread(void *arg)
{
	struct hv *hv = arg;
	struct timespec next;
	int64_t last = credit_cap_now(), elapsed;

	/* Late ticks let capped vCPUs overrun: ask for the CPU first. */
	if (setpriority(PRIO_PROCESS, 0, -20) < 0) {
		/* not privileged: keep our nice value */
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!atomic_load(&hv->sched.cap_stop)) {
		next.tv_nsec += CREDIT_CAP_PERIOD_NS;
		if (next.tv_nsec >= 1000000000l) {
			next.tv_nsec -= 1000000000l;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		elapsed = credit_cap_now() - last;
		last += elapsed;
		struct domain *d = domain_get_next(hv, XYL_DOMID_FIRST_GUEST);
		while (d) {
			xyl_domid_t id = d->domid;
			if (!d->has_sched_cgroup)
				credit_cap_account(d, elapsed);
			domain_put(d);
			d = domain_get_next(hv, id + 1);
		}
	}
	return NULL;
}

int
credit_cap_start(struct hv *hv)
{
	struct credit_host *s = &hv->sched;
	int rc = 0;

	pthread_mutex_lock(&s->cap_lock);
	if (!s->is_cap_running) {
		atomic_store(&s->cap_stop, false);
		rc = -pthread_create(&s->cap_thread, NULL, credit_cap_thread,
				     hv);
		s->is_cap_running = rc == 0;
	}
	pthread_mutex_unlock(&s->cap_lock);
	return rc;
}

void
credit_cap_stop(struct hv *hv)
{
	struct credit_host *s = &hv->sched;

	pthread_mutex_lock(&s->cap_lock);
	if (s->is_cap_running) {
		atomic_store(&s->cap_stop, true);
		pthread_join(s->cap_thread, NULL);
		s->is_cap_running = false;
	}
	pthread_mutex_unlock(&s->cap_lock);
}
