/*
 * hypervisor/hc_sched.c: __HYPERVISOR_sched_op.  yield, block, poll,
 * shutdown and shutdown_code.  Sleeping is vcpu_block's (vcpu.c).
 * Trust boundary: argument structs (and poll's port list) copied in once.
 */
#include <errno.h>
#include <stdint.h>
#include <sched.h>

#include <xen/xen.h>
#include <xen/sched.h>

#include "domain.h"
#include "hypercall.h"
#include "vcpu.h"

#define HC_POLL_MAX_PORTS 128 /* as Xen */

static int64_t
hc_poll(struct vcpu *v, uint64_t arg)
{
	struct sched_poll p;
	uint32_t ports[HC_POLL_MAX_PORTS];
	int rc = guest_copy_from(v, &p, arg, sizeof(p));

	if (rc < 0)
		return rc;
	if (p.nr_ports > HC_POLL_MAX_PORTS)
		return -EINVAL;
	rc = guest_copy_from(v, ports, (uint64_t)(uintptr_t)p.ports.p,
			     p.nr_ports * sizeof(ports[0]));
	if (rc < 0)
		return rc;
	return vcpu_block(v, p.timeout, ports, p.nr_ports);
}

static int64_t
hc_shutdown(struct vcpu *v, uint64_t arg)
{
	struct sched_shutdown s;
	int rc = guest_copy_from(v, &s, arg, sizeof(s));

	if (rc < 0)
		return rc;
	if (s.reason > SHUTDOWN_MAX)
		return -EINVAL;
	log_msg(v->d->hv, LOG_INFO, (int)v->d->domid,
		"vcpu %u: shutdown, reason %u", v->id, s.reason);
	domain_shutdown(v->d, s.reason);
	return 0;
}

static int64_t
hc_shutdown_code(struct vcpu *v, uint64_t arg)
{
	struct sched_shutdown s;
	int rc = guest_copy_from(v, &s, arg, sizeof(s));

	if (rc < 0)
		return rc;
	if (s.reason > SHUTDOWN_MAX)
		return -EINVAL;
	pthread_mutex_lock(&v->d->lock);
	v->d->shutdown_code = s.reason;
	pthread_mutex_unlock(&v->d->lock);
	return 0;
}

int64_t
hc_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	switch (cmd) {
	case SCHEDOP_yield:
		sched_yield();
		return 0;
	case SCHEDOP_block:
		return vcpu_block(v, 0, NULL, 0);
	case SCHEDOP_poll:
		return hc_poll(v, arg);
	case SCHEDOP_shutdown:
		return hc_shutdown(v, arg);
	case SCHEDOP_shutdown_code:
		return hc_shutdown_code(v, arg);
	case SCHEDOP_remote_shutdown:
		return -EPERM;
	default:
		return -ENOSYS;
	}
}
