/*
 * hypervisor/evtchn.h: event channels, 2-level ABI (evtchn_2l.c holds the
 * pending/mask bit work on shared_info).  Ports live per domain; dom0's
 * ends live in the hv-wide dom0 table (evtchn_dom0.c, hv->evtchn_dom0),
 * each delivered as a pair of eventfds (ctl.h,
 * XYL_CTL_EVTCHN_BIND_INTERDOMAIN).
 *
 * Errors (Xen's values): -EINVAL bad port/virq or a port in the wrong
 * state, -ENOENT no such vCPU (as Xen), -ESRCH no such (or dying) domain,
 * -EPERM not allowed, -EEXIST VIRQ already bound, -ENOSPC no free port,
 * -EFAULT bad guest pointer, -ENOSYS unknown sub-op (FIFO ABI ops and
 * bind_pirq included, which keeps guests on the 2-level ABI).
 *
 * Threads: evtchn_raise_virq, evtchn_vcpu_has_pending, evtchn_any_pending
 * and evtchn_resync may be called from any thread; the dom0 functions from
 * the loop thread only (they call loop_add/loop_del).  None of them may be
 * called with a guest's evtchn lock held; d->lock may be held.
 */
#ifndef HV_EVTCHN_H
#define HV_EVTCHN_H

#include <stdbool.h>
#include <stdint.h>

#include "xylem/ctl.h"

struct domain;
struct vcpu;
struct hv;

/* Per-domain table: created by domain_create (after d->vcpus exist).
 * evtchn_domain_destroy (domain_destroy, after the vCPUs stopped) closes
 * every port, so guest peers go back to unbound and dom0 peers become
 * "peer gone", and marks the table dying: nothing is raised in d any
 * more.  The table stays allocated for threads that still hold a
 * domain_get reference; evtchn_domain_free (from the last domain_put)
 * frees it (and destroys first if that was not done) and sets d->evtchn
 * to NULL. */
int evtchn_domain_init(struct domain *d);
void evtchn_domain_destroy(struct domain *d);
void evtchn_domain_free(struct domain *d);

/* Raise a per-vCPU VIRQ (VIRQ_TIMER) or global one (VIRQ_CONSOLE: vCPU 0's
 * binding, delivered to the vCPU it was moved to) on v if the guest bound
 * it; no-op otherwise. */
void evtchn_raise_virq(struct vcpu *v, uint32_t virq);

/* True if v has an event to take (vcpu_info->evtchn_upcall_pending).
 * Read seq_cst: a sender sets it seq_cst before vcpu_kick. */
bool evtchn_vcpu_has_pending(struct vcpu *v);
/* SCHEDOP_poll helper: true if any of ports[] is pending in d. */
bool evtchn_any_pending(struct domain *d, const uint32_t *ports,
			unsigned nr_ports);

/* Pending bits must be replayed after shared_info moves or vcpu_info is
 * registered: events raised before shared_info existed are set now, each
 * pending unmasked port is marked on its vCPU again, and every vCPU with
 * an upcall pending is kicked. */
void evtchn_resync(struct domain *d);

/* The notify doorbell (evtchn_doorbell.c; a vCPU thread, on a guest's
 * 2-byte write to XYL_DOORBELL_IO_PORT that no ioeventfd took): send on
 * port value as EVTCHNOP_send does; a value that names no sendable port
 * is counted (evtchn_doorbell_nr_bad) and ignored. */
void evtchn_doorbell_write(struct domain *d, uint32_t value);
uint64_t evtchn_doorbell_nr_bad(struct domain *d);

/* A port in guest d's table that remote_dom (0 = dom0) may bind.
 * -EINVAL remote_dom > XYL_DOMID_MAX, -ENOSPC, -ESRCH d is dying. */
int evtchn_alloc_unbound(struct domain *d, xyl_domid_t remote_dom,
			 uint32_t *port);

/*
 * dom0 side (control.c).  owner identifies the control connection that
 * bound the port, so that closing it closes its ports.
 *
 * evtchn_dom0_bind connects a new dom0 port to remote's port remote_port,
 * which must be unbound for dom0 (-EINVAL otherwise, -ESRCH if remote is
 * dying, -ENOSPC).  *notify_fd and *kick_fd are fresh O_CLOEXEC dups of
 * two EFD_NONBLOCK eventfds and belong to the CALLER from return (control
 * sends them with SCM_RIGHTS and closes them); xylem-hv keeps and closes
 * its own copies.  As after a guest's bind_interdomain, the new end
 * starts pending: notify_fd holds 1.
 *
 * When the guest closes its end or is destroyed, the dom0 port stays
 * allocated, "peer gone": kicks are read and dropped, notify never fires
 * again, until dom0 closes it.  evtchn_dom0_close closes dom0's end (the
 * guest's end becomes unbound for dom0 again, as in Xen); -EINVAL no such
 * dom0 port, -EPERM bound by another owner.
 */
int evtchn_dom0_bind(struct hv *hv, struct domain *remote, uint32_t remote_port,
		     void *owner, uint32_t *dom0_port, int *notify_fd,
		     int *kick_fd);
int evtchn_dom0_close(struct hv *hv, uint32_t dom0_port, void *owner);
void evtchn_dom0_close_owner(struct hv *hv, void *owner);
/* hv-wide dom0 table: evtchn_dom0_init in main after loop_init and before
 * the control server starts; evtchn_dom0_fini after the loop has stopped
 * (it closes xylem-hv's fds, no loop_del). */
int evtchn_dom0_init(struct hv *hv);
void evtchn_dom0_fini(struct hv *hv);

#endif
