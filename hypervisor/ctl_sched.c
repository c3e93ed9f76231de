/*
 * hypervisor/ctl_sched.c: dom0's credit-scheduler and vCPU requests:
 * weight/cap get and set, the vCPU list, pinning and vcpu-set.  Bodies
 * were range-checked by ctl_parse.c; what depends on the domain (vCPU
 * ids, cap <= 100 * vcpus) is checked here and by credit.c / smp.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "credit.h"
#include "ctl_priv.h"
#include "domain.h"
#include "hv.h"
#include "smp.h"

int
ctl_sched_credit_get(struct ctl_client *c, const struct ctl_request *r,
		     const int *fds, struct ctl_reply_out *out)
{
	struct xyl_ctl_sched_credit *rep = out->body;
	struct domain *d;
	int rc;

	(void)fds;
	rc = ctl_get_domain(c, r->u.domid.domid, &d, out);
	if (rc)
		return rc;
	rep->domid = d->domid;
	credit_get(d, &rep->weight, &rep->cap);
	domain_put(d);
	return 0;
}

int
ctl_sched_credit_set(struct ctl_client *c, const struct ctl_request *r,
		     const int *fds, struct ctl_reply_out *out)
{
	const struct xyl_ctl_sched_credit *s = &r->u.sched;
	struct domain *d;
	int rc;

	(void)fds;
	rc = ctl_get_domain(c, s->domid, &d, out);
	if (rc)
		return rc;
	rc = credit_set(d, s->weight, s->cap);
	if (rc == -EINVAL)
		snprintf(out->detail, sizeof(out->detail),
			 "dom %u: cap %u above 100 * %u vcpus", s->domid,
			 s->cap, d->nr_vcpus);
	else if (rc == -EOPNOTSUPP)
		snprintf(out->detail, sizeof(out->detail),
			 "caps need a writable cpu cgroup on this host");
	else if (rc)
		snprintf(out->detail, sizeof(out->detail),
			 "dom %u: scheduler cgroup: %s", s->domid,
			 strerror(-rc));
	domain_put(d);
	return rc;
}

static void
ctl_vcpu_fill(struct vcpu *v, struct xyl_vcpu_info *o)
{
	bool online = smp_vcpu_is_up(v);

	o->vcpu = v->id;
	o->cpu = credit_vcpu_cpu(v);
	o->cpu_time_ns = credit_vcpu_time_ns(v);
	o->hard_affinity = v->hard_affinity;
	if (online)
		o->state |= XYL_VCPU_ONLINE;
	if (online && atomic_load(&v->run_start_ns))
		o->state |= XYL_VCPU_RUNNING;
	if (online && atomic_load(&v->is_blocked))
		o->state |= XYL_VCPU_BLOCKED;
}

int
ctl_vcpu_list(struct ctl_client *c, const struct ctl_request *r, const int *fds,
	      struct ctl_reply_out *out)
{
	struct xyl_ctl_vcpu_list_reply *rep = out->body;
	struct domain *d;
	int rc;

	(void)fds;
	rc = ctl_get_domain(c, r->u.domid.domid, &d, out);
	if (rc)
		return rc;
	rep->nr_vcpus = d->nr_vcpus;
	rep->nr_host_cpus = d->hv->sched.nr_cpus;
	for (uint32_t i = 0; i < d->nr_vcpus && i < XYL_MAX_VCPUS; i++)
		ctl_vcpu_fill(&d->vcpus[i], &rep->vcpus[i]);
	domain_put(d);
	return 0;
}

int
ctl_vcpu_pin(struct ctl_client *c, const struct ctl_request *r, const int *fds,
	     struct ctl_reply_out *out)
{
	const struct xyl_ctl_vcpu_pin *p = &r->u.pin;
	struct domain *d;
	int rc = 0;

	(void)fds;
	rc = ctl_get_domain(c, p->domid, &d, out);
	if (rc)
		return rc;
	if (p->vcpu != XYL_VCPU_ALL && p->vcpu >= d->nr_vcpus) {
		snprintf(out->detail, sizeof(out->detail),
			 "dom %u has no vcpu %u", p->domid, p->vcpu);
		rc = -EINVAL;
		goto out;
	}
	for (uint32_t i = 0; i < d->nr_vcpus && rc == 0; i++)
		if (p->vcpu == XYL_VCPU_ALL || p->vcpu == i)
			rc = credit_pin(&d->vcpus[i], p->cpus);
	if (rc)
		snprintf(out->detail, sizeof(out->detail),
			 "dom %u: pin to cpu mask %#llx: %s", p->domid,
			 (unsigned long long)p->cpus,
			 rc == -EINVAL ? "no such host CPU" : strerror(-rc));
out:
	domain_put(d);
	return rc;
}

int
ctl_vcpu_set(struct ctl_client *c, const struct ctl_request *r, const int *fds,
	     struct ctl_reply_out *out)
{
	const struct xyl_ctl_vcpu_set *s = &r->u.vcpu_set;
	struct domain *d;
	int rc;

	(void)fds;
	rc = ctl_get_domain(c, s->domid, &d, out);
	if (rc)
		return rc;
	rc = smp_set_available(d, s->nr_online);
	if (rc)
		snprintf(out->detail, sizeof(out->detail),
			 "dom %u: %u vcpus: the domain has %u", s->domid,
			 s->nr_online, d->nr_vcpus);
	domain_put(d);
	return rc;
}
