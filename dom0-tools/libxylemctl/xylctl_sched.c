/*
 * dom0-tools/libxylemctl/xylctl_sched.c: the credit scheduler and vCPU
 * requests (weight/cap, vCPU list, pinning, vcpu-set).  Replies are
 * checked (vCPU count) before they are returned.
 */
#include <errno.h>
#include <string.h>

#include "xylctl_priv.h"

int
xylctl_sched_credit_get(struct xylctl *x, xyl_domid_t domid, uint32_t *weight,
			uint32_t *cap)
{
	struct xyl_ctl_domid req = {.domid = domid};
	struct xyl_ctl_sched_credit rep;
	int rc;

	rc = xylctl_call(x, XYL_CTL_SCHED_CREDIT_GET, &req, sizeof(req), NULL,
			 0, &rep, sizeof(rep), NULL, 0);
	if (rc)
		return rc;
	*weight = rep.weight;
	*cap = rep.cap;
	return 0;
}

int
xylctl_sched_credit_set(struct xylctl *x, xyl_domid_t domid, uint32_t weight,
			uint32_t cap)
{
	struct xyl_ctl_sched_credit req = {
		.domid = domid, .weight = weight, .cap = cap};

	return xylctl_call(x, XYL_CTL_SCHED_CREDIT_SET, &req, sizeof(req), NULL,
			   0, NULL, 0, NULL, 0);
}

int
xylctl_vcpu_list(struct xylctl *x, xyl_domid_t domid,
		 struct xyl_ctl_vcpu_list_reply *out)
{
	struct xyl_ctl_domid req = {.domid = domid};
	int rc;

	rc = xylctl_call(x, XYL_CTL_VCPU_LIST, &req, sizeof(req), NULL, 0, out,
			 sizeof(*out), NULL, 0);
	if (rc)
		return rc;
	if (out->nr_vcpus > XYL_MAX_VCPUS)
		return xylctl_fail(x, -EPROTO, "reply lists %u vcpus",
				   out->nr_vcpus);
	return 0;
}

int
xylctl_vcpu_pin(struct xylctl *x, xyl_domid_t domid, uint32_t vcpu,
		uint64_t cpus)
{
	struct xyl_ctl_vcpu_pin req = {
		.domid = domid, .vcpu = vcpu, .cpus = cpus};

	return xylctl_call(x, XYL_CTL_VCPU_PIN, &req, sizeof(req), NULL, 0,
			   NULL, 0, NULL, 0);
}

int
xylctl_vcpu_set(struct xylctl *x, xyl_domid_t domid, uint32_t nr_online)
{
	struct xyl_ctl_vcpu_set req = {.domid = domid, .nr_online = nr_online};

	return xylctl_call(x, XYL_CTL_VCPU_SET, &req, sizeof(req), NULL, 0,
			   NULL, 0, NULL, 0);
}
