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

/* The reply owns a duplicate of the memfd; the domain keeps its own. */
static int
ctl_op_memory_map(struct ctl_client *c, struct domain *d,
		  const struct ctl_request *r, struct ctl_reply_out *out)
{
	struct xyl_ctl_memory_map_reply *m = out->body;
	int fd;

	(void)c, (void)r;
	fd = fcntl(d->mem.memfd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	out->fds[out->nr_fds++] = fd;
	m->ram_bytes = d->mem.ram_bytes;
	m->special_gpa = d->mem.special_gpa;
	m->special_bytes = d->mem.special_bytes;
	m->memfd_bytes = d->mem.ram_bytes + d->mem.special_bytes;
	pthread_mutex_lock(&d->lock);
	m->store_gfn = d->hvm_params[HVM_PARAM_STORE_PFN];
	m->console_gfn = d->hvm_params[HVM_PARAM_CONSOLE_PFN];
	pthread_mutex_unlock(&d->lock);
	return 0;
}

int
ctl_memory_map(struct ctl_client *c, const struct ctl_request *r,
	       const int *fds, struct ctl_reply_out *out)
{
	(void)fds;
	return ctl_on_domain(c, r->u.domid.domid, ctl_op_memory_map, r, out);
}

static int
ctl_op_hvm_param_get(struct ctl_client *c, struct domain *d,
		     const struct ctl_request *r, struct ctl_reply_out *out)
{
	struct xyl_ctl_hvm_param *p = out->body;

	(void)c;
	*p = r->u.param;
	pthread_mutex_lock(&d->lock);
	p->value = d->hvm_params[r->u.param.index];
	pthread_mutex_unlock(&d->lock);
	return 0;
}

int
ctl_hvm_param_get(struct ctl_client *c, const struct ctl_request *r,
		  const int *fds, struct ctl_reply_out *out)
{
	(void)fds;
	return ctl_on_domain(c, r->u.param.domid, ctl_op_hvm_param_get, r,
			     out);
}

static int
ctl_op_hvm_param_set(struct ctl_client *c, struct domain *d,
		     const struct ctl_request *r, struct ctl_reply_out *out)
{
	(void)c, (void)out;
	pthread_mutex_lock(&d->lock);
	d->hvm_params[r->u.param.index] = r->u.param.value;
	pthread_mutex_unlock(&d->lock);
	return 0;
}

int
ctl_hvm_param_set(struct ctl_client *c, const struct ctl_request *r,
		  const int *fds, struct ctl_reply_out *out)
{
	(void)fds;
	return ctl_on_domain(c, r->u.param.domid, ctl_op_hvm_param_set, r,
			     out);
}

static int
ctl_op_gnttab_frames(struct ctl_client *c, struct domain *d,
		     const struct ctl_request *r, struct ctl_reply_out *out)
{
	(void)c, (void)r;
	gnttab_frames(d, out->body);
	return 0;
}

int
ctl_gnttab_frames(struct ctl_client *c, const struct ctl_request *r,
		  const int *fds, struct ctl_reply_out *out)
{
	(void)fds;
	return ctl_on_domain(c, r->u.domid.domid, ctl_op_gnttab_frames, r,
			     out);
}
