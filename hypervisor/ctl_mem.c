/*
 * hypervisor/ctl_mem.c: requests about a domain's memory: MEMORY_MAP (the
 * memfd, duplicated for the client, and its layout), HVM_PARAM_GET/SET
 * and GNTTAB_FRAMES.  Inputs arrive validated by ctl_parse_request (the
 * param index is already < HVM_NR_PARAMS).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

#include "ctl_priv.h"
#include "domain.h"
#include "gnttab.h"
#include "hv.h"

int
ctl_memory_map(struct ctl_client *c, const struct ctl_request *r,
	       const int *fds, struct ctl_reply_out *out)
{
	struct xyl_ctl_memory_map_reply *m = out->body;
	struct domain *d;
	int rc, fd;

	(void)fds;
	rc = ctl_get_domain(c, r->u.domid.domid, &d, out);
	if (rc)
		return rc;
	/* The reply owns a duplicate; the domain keeps its own memfd. */
	fd = fcntl(d->mem.memfd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	out->fds[out->nr_fds++] = fd;
	m->ram_bytes = d->mem.ram_bytes;
	m->special_gpa = d->mem.special_gpa;
	m->special_bytes = d->mem.special_bytes;
	m->memfd_bytes = d->mem.ram_bytes + d->mem.special_bytes;
	pthread_mutex_lock(&d->lock);
	m->store_gfn = d->hvm_params[HVM_PARAM_STORE_PFN];
	m->console_gfn = d->hvm_params[HVM_PARAM_CONSOLE_PFN];
	pthread_mutex_unlock(&d->lock);
out:
	domain_put(d);
	return rc;
}

int
ctl_hvm_param_get(struct ctl_client *c, const struct ctl_request *r,
		  const int *fds, struct ctl_reply_out *out)
{
	struct xyl_ctl_hvm_param *p = out->body;
	struct domain *d;
	int rc;

	(void)fds;
	rc = ctl_get_domain(c, r->u.param.domid, &d, out);
	if (rc)
		return rc;
	*p = r->u.param;
	pthread_mutex_lock(&d->lock);
	p->value = d->hvm_params[r->u.param.index];
	pthread_mutex_unlock(&d->lock);
	domain_put(d);
	return 0;
}

int
ctl_hvm_param_set(struct ctl_client *c, const struct ctl_request *r,
		  const int *fds, struct ctl_reply_out *out)
{
	struct domain *d;
	int rc;

	(void)fds;
	rc = ctl_get_domain(c, r->u.param.domid, &d, out);
	if (rc)
		return rc;
	pthread_mutex_lock(&d->lock);
	d->hvm_params[r->u.param.index] = r->u.param.value;
	pthread_mutex_unlock(&d->lock);
	domain_put(d);
	return 0;
}

int
ctl_gnttab_frames(struct ctl_client *c, const struct ctl_request *r,
		  const int *fds, struct ctl_reply_out *out)
{
	struct domain *d;
	int rc;

	(void)fds;
	rc = ctl_get_domain(c, r->u.domid.domid, &d, out);
	if (rc)
		return rc;
	gnttab_frames(d, out->body);
	domain_put(d);
	return 0;
}
