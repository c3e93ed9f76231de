/*
 * hypervisor/evtchn_doorbell.c: the notify doorbell, a Xylem extension
 * (include/xylem/hcall.h, docs/abi.md): a guest's 2-byte `outw` of a port
 * number to XYL_DOORBELL_IO_PORT.  For a port whose peer is a dom0 eventfd
 * a KVM ioeventfd on the guest's VM signals that eventfd in the kernel;
 * any other write exits here and is sent as EVTCHNOP_send.  Trust
 * boundary: the written value is guest-controlled and checked here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xylem/hcall.h"
#include "domain.h"
#include "evtchn.h"
#include "evtchn_port.h"
#include "hv.h"
#include "kvm.h"

/* Each ioeventfd copies the VM's whole PIO bus on every (de)registration
 * (KVM does not count them towards its 1000-device bus limit; they are
 * bounded by fds and memory): keep a guest's share modest.  Ports past it
 * take the user-space path. */
#define EVTCHN_DOORBELL_MAX 256

bool
evtchn_doorbell_attach(struct domain *d, uint32_t port, int efd)
{
	struct evtchn_table *t = d->evtchn;
	int rc;

	if (d->hv->opt.no_fast_notify || !t || efd < 0 ||
	    !evtchn_port_valid(port))
		return false;
	if (t->nr_doorbells >= EVTCHN_DOORBELL_MAX) {
		log_msg(d->hv, LOG_DEBUG, (int)d->domid,
			"doorbell: %u ioeventfds in use, port %u exits to "
			"user space",
			t->nr_doorbells, port);
		return false;
	}
	rc = kvm_pio_ioeventfd(d->vm_fd, XYL_DOORBELL_IO_PORT,
			       XYL_DOORBELL_BYTES, port, efd, true);
	if (rc < 0) {
		log_guest(d, LOG_WARN,
			  "doorbell: ioeventfd for port %u refused (%s): "
			  "user-space path",
			  port, strerror(-rc));
		return false;
	}
	t->nr_doorbells++;
	atomic_fetch_add(&t->nr_doorbell_attaches, 1);
	log_msg(d->hv, LOG_DEBUG, (int)d->domid,
		"doorbell: port %u -> ioeventfd (%u in use)", port,
		t->nr_doorbells);
	return true;
}

void
evtchn_doorbell_detach(struct domain *d, uint32_t port, int efd)
{
	struct evtchn_table *t = d->evtchn;
	int rc;

	if (!t)
		return;
	rc = kvm_pio_ioeventfd(d->vm_fd, XYL_DOORBELL_IO_PORT,
			       XYL_DOORBELL_BYTES, port, efd, false);
	if (rc < 0)
		log_msg(d->hv, LOG_WARN, (int)d->domid,
			"doorbell: dropping port %u: %s", port, strerror(-rc));
	if (t->nr_doorbells)
		t->nr_doorbells--;
	atomic_fetch_add(&t->nr_doorbell_detaches, 1);
	log_msg(d->hv, LOG_DEBUG, (int)d->domid,
		"doorbell: port %u ioeventfd dropped (%u left)", port,
		t->nr_doorbells);
}

void
evtchn_doorbell_write(struct domain *d, uint32_t value)
{
	uint64_t bad;

	if (!d->evtchn)
		return;
	if (evtchn_send(d, value) == 0)
		return;
	/* Ignored, as a bad EVTCHNOP_send would be: count, log sparsely. */
	bad = atomic_fetch_add(&d->evtchn->nr_bad_doorbells, 1) + 1;
	if ((bad & (bad - 1)) == 0)
		log_guest(d, LOG_WARN,
			  "doorbell: write of %#x names no sendable port "
			  "(%llu so far)",
			  value, (unsigned long long)bad);
}

void
evtchn_doorbell_report(struct domain *d)
{
	struct evtchn_table *t = d->evtchn;
	uint64_t on, off, bad;

	if (!t)
		return;
	on = atomic_load(&t->nr_doorbell_attaches);
	off = atomic_load(&t->nr_doorbell_detaches);
	bad = atomic_load(&t->nr_bad_doorbells);
	if (on || bad)
		log_msg(d->hv, LOG_INFO, (int)d->domid,
			"doorbell: %llu ioeventfds registered, %llu dropped, "
			"%llu bad writes",
			(unsigned long long)on, (unsigned long long)off,
			(unsigned long long)bad);
}

uint64_t
evtchn_doorbell_nr_bad(struct domain *d)
{
	if (!d->evtchn)
		return 0;
	return atomic_load(&d->evtchn->nr_bad_doorbells);
}
