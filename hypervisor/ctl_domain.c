/*
 * hypervisor/ctl_domain.c: domain life-cycle requests (create, destroy,
 * pause, unpause, shutdown, getinfo, list, rename, max memory), one ctl_*
 * function each, on top of domain.h.  Inputs arrive validated by
 * ctl_parse_request; the kernel/ramdisk fds of DOMAIN_CREATE are borrowed
 * from the dispatcher.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_priv.h"
#include "domain.h"
#include "hv.h"

int
ctl_domain_create(struct ctl_client *c, const struct ctl_request *r,
		  const int *fds, struct ctl_reply_out *out)
{
	const struct xyl_ctl_domain_create *q = &r->u.create;
	struct xyl_ctl_domain_create_reply *rep = out->body;
	struct hv *hv = c->srv->hv;
	struct domain_config cfg;
	struct domain *d = NULL;
	char err[XYL_DETAIL_MAX - 32] = "";
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.name, q->name, sizeof(cfg.name));
	memcpy(cfg.cmdline, q->cmdline, sizeof(cfg.cmdline));
	memcpy(cfg.uuid, q->uuid, sizeof(cfg.uuid));
	cfg.mem_kib = q->mem_kib;
	cfg.vcpus = q->vcpus;
	cfg.kernel_fd = fds[0];
	cfg.ramdisk_fd = q->has_ramdisk ? fds[1] : -1;
	rc = domain_create(hv, &cfg, &d, err, sizeof(err));
	if (rc) {
		snprintf(out->detail, sizeof(out->detail), "create %s: %s",
			 cfg.name, err[0] ? err : strerror(-rc));
		return rc;
	}
	/* d is the table's reference (borrowed): read the id and let go. */
	rep->domid = d->domid;
	log_info(hv, "control: pid %d: created dom %u (%s)", (int)c->pid,
		 rep->domid, cfg.name);
	ctl_emit_simple(hv, XYL_EVENT_DOMAIN_CREATED, rep->domid, 0);
	return 0;
}

static int
ctl_op_destroy(struct ctl_client *c, struct domain *d,
	       const struct ctl_request *r, struct ctl_reply_out *out)
{
	(void)c, (void)r, (void)out;
	return domain_destroy(d);
}

int
ctl_domain_destroy(struct ctl_client *c, const struct ctl_request *r,
		   const int *fds, struct ctl_reply_out *out)
{
	xyl_domid_t domid = r->u.domid.domid;
	int rc;

	(void)fds;
	rc = ctl_on_domain(c, domid, ctl_op_destroy, r, out);
	if (rc)
		return rc;
	log_info(c->srv->hv, "control: pid %d: destroyed dom %u", (int)c->pid,
		 domid);
	ctl_emit_simple(c->srv->hv, XYL_EVENT_DOMAIN_DESTROYED, domid, 0);
	return 0;
}

static int
ctl_op_pause(struct ctl_client *c, struct domain *d,
	     const struct ctl_request *r, struct ctl_reply_out *out)
{
	(void)c, (void)r, (void)out;
	return domain_pause(d);
}

int
ctl_domain_pause(struct ctl_client *c, const struct ctl_request *r,
		 const int *fds, struct ctl_reply_out *out)
{
	int rc;

	(void)fds;
	rc = ctl_on_domain(c, r->u.domid.domid, ctl_op_pause, r, out);
	if (!rc)
		ctl_emit_simple(c->srv->hv, XYL_EVENT_DOMAIN_PAUSED,
				r->u.domid.domid, 0);
	return rc;
}

static int
ctl_op_unpause(struct ctl_client *c, struct domain *d,
	       const struct ctl_request *r, struct ctl_reply_out *out)
{
	(void)c, (void)r, (void)out;
	return domain_unpause(d);
}

int
ctl_domain_unpause(struct ctl_client *c, const struct ctl_request *r,
		   const int *fds, struct ctl_reply_out *out)
{
	int rc;

	(void)fds;
	rc = ctl_on_domain(c, r->u.domid.domid, ctl_op_unpause, r, out);
	if (!rc)
		ctl_emit_simple(c->srv->hv, XYL_EVENT_DOMAIN_UNPAUSED,
				r->u.domid.domid, 0);
	return rc;
}

/* domain_shutdown tells subscribers itself (XYL_EVENT_DOMAIN_SHUTDOWN). */
static int
ctl_op_shutdown(struct ctl_client *c, struct domain *d,
		const struct ctl_request *r, struct ctl_reply_out *out)
{
	(void)c, (void)out;
	domain_shutdown(d, r->u.shutdown.reason);
	return 0;
}

int
ctl_domain_shutdown(struct ctl_client *c, const struct ctl_request *r,
		    const int *fds, struct ctl_reply_out *out)
{
	(void)fds;
	return ctl_on_domain(c, r->u.shutdown.domid, ctl_op_shutdown, r, out);
}

static int
ctl_op_rename(struct ctl_client *c, struct domain *d,
	      const struct ctl_request *r, struct ctl_reply_out *out)
{
	return domain_rename(c->srv->hv, d, r->u.rename.name, out->detail,
			     sizeof(out->detail));
}

int
ctl_domain_rename(struct ctl_client *c, const struct ctl_request *r,
		  const int *fds, struct ctl_reply_out *out)
{
	int rc;

	(void)fds;
	rc = ctl_on_domain(c, r->u.rename.domid, ctl_op_rename, r, out);
	if (!rc)
		log_info(c->srv->hv, "control: pid %d: dom %u renamed to %s",
			 (int)c->pid, r->u.rename.domid, r->u.rename.name);
	return rc;
}

/* No balloon: the maximum may not drop below the RAM the domain has. */
static int
ctl_op_set_max_mem(struct ctl_client *c, struct domain *d,
		   const struct ctl_request *r, struct ctl_reply_out *out)
{
	uint64_t cur_kib = d->mem.ram_bytes >> 10;
	uint64_t max_kib = r->u.max_mem.max_kib;

	(void)c;
	if (max_kib < cur_kib) {
		snprintf(out->detail, sizeof(out->detail),
			 "dom %u: maximum %llu KiB is below its current "
			 "memory %llu KiB (no balloon to shrink it)",
			 d->domid, (unsigned long long)max_kib,
			 (unsigned long long)cur_kib);
		return -EINVAL;
	}
	atomic_store(&d->max_mem_kib, max_kib);
	return 0;
}

int
ctl_domain_set_max_mem(struct ctl_client *c, const struct ctl_request *r,
		       const int *fds, struct ctl_reply_out *out)
{
	int rc;

	(void)fds;
	rc = ctl_on_domain(c, r->u.max_mem.domid, ctl_op_set_max_mem, r, out);
	if (!rc)
		log_info(c->srv->hv,
			 "control: pid %d: dom %u max memory %llu KiB",
			 (int)c->pid, r->u.max_mem.domid,
			 (unsigned long long)r->u.max_mem.max_kib);
	return rc;
}

static int
ctl_op_getinfo(struct ctl_client *c, struct domain *d,
	       const struct ctl_request *r, struct ctl_reply_out *out)
{
	(void)c, (void)r;
	domain_getinfo(d, out->body);
	return 0;
}

int
ctl_domain_getinfo(struct ctl_client *c, const struct ctl_request *r,
		   const int *fds, struct ctl_reply_out *out)
{
	(void)fds;
	return ctl_on_domain(c, r->u.domid.domid, ctl_op_getinfo, r, out);
}

int
ctl_domain_list(struct ctl_client *c, const struct ctl_request *r,
		const int *fds, struct ctl_reply_out *out)
{
	struct xyl_ctl_domain_list_reply *rep = out->body;
	struct hv *hv = c->srv->hv;
	xyl_domid_t next = r->u.list.first;
	struct domain *d;

	(void)fds;
	while (rep->nr < XYL_LIST_MAX && next <= XYL_DOMID_MAX &&
	       (d = domain_get_next(hv, next))) {
		domain_getinfo(d, &rep->info[rep->nr++]);
		next = d->domid + 1;
		domain_put(d);
	}
	if (rep->nr == XYL_LIST_MAX && next <= XYL_DOMID_MAX &&
	    (d = domain_get_next(hv, next))) {
		rep->more = 1;
		domain_put(d);
	}
	return 0;
}
