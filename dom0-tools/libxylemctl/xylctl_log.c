/*
 * dom0-tools/libxylemctl/xylctl_log.c: the byte streams: the hypervisor
 * log (dmesg) and a domain's console_io output, read from an absolute
 * offset that the caller keeps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xylctl_priv.h"

static int
log_read(struct xylctl *x, uint16_t type, const struct xyl_ctl_log_read *req,
	 uint64_t *pos, char *buf, size_t cap, size_t *len)
{
	struct xyl_ctl_log_read_reply *rep;
	size_t n;
	int rc;

	*len = 0;
	if (cap == 0)
		return xylctl_fail(x, -EINVAL, "no room in the buffer");
	rep = malloc(sizeof(*rep));
	if (!rep)
		return -ENOMEM;
	rc = xylctl_call(x, type, req, sizeof(*req), NULL, 0, rep, sizeof(*rep),
			 NULL, 0);
	if (rc)
		goto out;
	if (rep->len > sizeof(rep->data) || rep->next < rep->start ||
	    rep->next - rep->start < rep->len) {
		rc = xylctl_fail(x, -EPROTO,
				 "log reply len %u start %llu "
				 "next %llu",
				 rep->len, (unsigned long long)rep->start,
				 (unsigned long long)rep->next);
		goto out;
	}
	n = rep->len < cap ? rep->len : cap;
	memcpy(buf, rep->data, n);
	*len = n;
	/* If the caller's buffer was smaller, the rest comes next time. */
	*pos = n < rep->len ? rep->start + n : rep->next;
out:
	free(rep);
	return rc;
}

int
xylctl_dmesg(struct xylctl *x, uint64_t *pos, int clear, char *buf, size_t cap,
	     size_t *len)
{
	struct xyl_ctl_log_read req = {
		.domid = 0, .clear = clear ? 1 : 0, .from = *pos};

	return log_read(x, XYL_CTL_DMESG, &req, pos, buf, cap, len);
}

int
xylctl_console_read(struct xylctl *x, xyl_domid_t domid, uint64_t *pos,
		    char *buf, size_t cap, size_t *len)
{
	struct xyl_ctl_log_read req = {.domid = domid, .from = *pos};

	return log_read(x, XYL_CTL_CONSOLE_READ, &req, pos, buf, cap, len);
}
