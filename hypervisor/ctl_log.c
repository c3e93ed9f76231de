/*
 * hypervisor/ctl_log.c: reading the byte streams: DMESG (hv->dmesg,
 * optionally cleared) and CONSOLE_READ (a domain's console_io output).
 * Offsets are absolute; logring_read reports what was dropped.
 */
#include <errno.h>

#include "ctl_priv.h"
#include "domain.h"
#include "hv.h"
#include "log.h"

static void
ctl_log_fill(struct logring *ring, uint64_t from,
	     struct xyl_ctl_log_read_reply *rep)
{
	size_t n = logring_read(ring, from, rep->data, sizeof(rep->data),
				&rep->start, &rep->next);

	rep->len = (uint32_t)n;
}

int
ctl_dmesg(struct ctl_client *c, const struct ctl_request *r, const int *fds,
	  struct ctl_reply_out *out)
{
	struct hv *hv = c->srv->hv;

	(void)fds;
	ctl_log_fill(&hv->dmesg, r->u.log.from, out->body);
	if (r->u.log.clear)
		logring_clear(&hv->dmesg);
	return 0;
}

int
ctl_console_read(struct ctl_client *c, const struct ctl_request *r,
		 const int *fds, struct ctl_reply_out *out)
{
	struct domain *d;
	int rc;

	(void)fds;
	rc = ctl_get_domain(c, r->u.log.domid, &d, out);
	if (rc)
		return rc;
	ctl_log_fill(&d->console, r->u.log.from, out->body);
	domain_put(d);
	return 0;
}
