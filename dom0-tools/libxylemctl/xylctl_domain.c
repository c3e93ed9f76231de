/*
 * dom0-tools/libxylemctl/xylctl_domain.c: domain life cycle, info, the
 * paged domain list and lookup by name or id.  Reply contents (list
 * counts, domid order, names) are checked before they are returned.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xylctl_priv.h"

static int
copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= cap)
		return -EINVAL;
	memset(dst, 0, cap);
	if (n)
		memcpy(dst, src, n);
	return 0;
}

int
xylctl_domain_create(struct xylctl *x, const struct xylctl_domain_spec *s,
		     xyl_domid_t *domid)
{
	struct xyl_ctl_domain_create req;
	struct xyl_ctl_domain_create_reply rep;
	int fds[2];
	int rc;

	memset(&req, 0, sizeof(req));
	if (!s->name || copy_str(req.name, sizeof(req.name), s->name))
		return xylctl_fail(x, -EINVAL, "name missing or too long");
	if (copy_str(req.cmdline, sizeof(req.cmdline), s->cmdline))
		return xylctl_fail(x, -EINVAL, "cmdline longer than %d bytes",
				   XYL_CMDLINE_MAX - 1);
	if (s->kernel_fd < 0)
		return xylctl_fail(x, -EBADF, "no kernel fd");
	req.mem_kib = s->mem_kib;
	req.vcpus = s->vcpus;
	req.has_ramdisk = s->ramdisk_fd >= 0;
	if (s->uuid)
		memcpy(req.uuid, s->uuid, sizeof(req.uuid));
	fds[0] = s->kernel_fd;
	fds[1] = s->ramdisk_fd;
	rc = xylctl_call(x, XYL_CTL_DOMAIN_CREATE, &req, sizeof(req), fds,
			 1 + req.has_ramdisk, &rep, sizeof(rep), NULL, 0);
	if (rc)
		return rc;
	if (rep.domid < XYL_DOMID_FIRST_GUEST || rep.domid > XYL_DOMID_MAX)
		return xylctl_fail(x, -EPROTO, "created domid %u out of range",
				   rep.domid);
	*domid = rep.domid;
	return 0;
}

static int
domid_call(struct xylctl *x, uint16_t type, xyl_domid_t domid, void *reply,
	   size_t reply_len)
{
	struct xyl_ctl_domid req = {.domid = domid};

	return xylctl_call(x, type, &req, sizeof(req), NULL, 0, reply,
			   reply_len, NULL, 0);
}

int
xylctl_domain_destroy(struct xylctl *x, xyl_domid_t domid)
{
	return domid_call(x, XYL_CTL_DOMAIN_DESTROY, domid, NULL, 0);
}

int
xylctl_domain_pause(struct xylctl *x, xyl_domid_t domid)
{
	return domid_call(x, XYL_CTL_DOMAIN_PAUSE, domid, NULL, 0);
}

int
xylctl_domain_unpause(struct xylctl *x, xyl_domid_t domid)
{
	return domid_call(x, XYL_CTL_DOMAIN_UNPAUSE, domid, NULL, 0);
}

int
xylctl_domain_shutdown(struct xylctl *x, xyl_domid_t domid, uint32_t reason)
{
	struct xyl_ctl_domain_shutdown req = {.domid = domid, .reason = reason};

	return xylctl_call(x, XYL_CTL_DOMAIN_SHUTDOWN, &req, sizeof(req), NULL,
			   0, NULL, 0, NULL, 0);
}

int
xylctl_domain_rename(struct xylctl *x, xyl_domid_t domid, const char *name)
{
	struct xyl_ctl_domain_rename req = {.domid = domid};

	if (!name || strlen(name) >= sizeof(req.name))
		return xylctl_fail(x, -EINVAL, "name too long (max %zu bytes)",
				   sizeof(req.name) - 1);
	memcpy(req.name, name, strlen(name) + 1);
	return xylctl_call(x, XYL_CTL_DOMAIN_RENAME, &req, sizeof(req), NULL,
			   0, NULL, 0, NULL, 0);
}

int
xylctl_domain_set_max_mem(struct xylctl *x, xyl_domid_t domid, uint64_t max_kib)
{
	struct xyl_ctl_domain_set_max_mem req = {.domid = domid,
						 .max_kib = max_kib & ~3ull};

	return xylctl_call(x, XYL_CTL_DOMAIN_SET_MAX_MEM, &req, sizeof(req),
			   NULL, 0, NULL, 0, NULL, 0);
}

static int
check_info(struct xylctl *x, const struct xyl_dominfo *i)
{
	if (!memchr(i->name, '\0', sizeof(i->name)))
		return xylctl_fail(x, -EPROTO, "dom %u: name unterminated",
				   i->domid);
	if (i->domid > XYL_DOMID_MAX)
		return xylctl_fail(x, -EPROTO, "domid %u out of range",
				   i->domid);
	return 0;
}

int
xylctl_domain_getinfo(struct xylctl *x, xyl_domid_t domid,
		      struct xyl_dominfo *out)
{
	int rc =
		domid_call(x, XYL_CTL_DOMAIN_GETINFO, domid, out, sizeof(*out));

	if (rc)
		return rc;
	if (out->domid != domid)
		return xylctl_fail(x, -EPROTO, "asked dom %u, got %u", domid,
				   out->domid);
	return check_info(x, out);
}

/* Append one page; *first becomes the next domid to ask for. */
static int
list_page(struct xylctl *x, struct xyl_ctl_domain_list_reply *rep,
	  struct xyl_dominfo **all, size_t *nr, xyl_domid_t *first)
{
	struct xyl_dominfo *grown;
	uint32_t i;
	int rc;

	if (rep->nr > XYL_LIST_MAX || rep->more > 1 ||
	    (rep->more && rep->nr == 0))
		return xylctl_fail(x, -EPROTO, "list page nr %u more %u",
				   rep->nr, rep->more);
	for (i = 0; i < rep->nr; i++) {
		rc = check_info(x, &rep->info[i]);
		if (rc)
			return rc;
		/* Strictly increasing ids also bound the number of pages. */
		if (rep->info[i].domid < *first)
			return xylctl_fail(x, -EPROTO,
					   "list not sorted at dom %u",
					   rep->info[i].domid);
		*first = rep->info[i].domid + 1;
	}
	if (!rep->nr)
		return 0;
	grown = realloc(*all, (*nr + rep->nr) * sizeof(**all));
	if (!grown)
		return -ENOMEM;
	memcpy(grown + *nr, rep->info, rep->nr * sizeof(*grown));
	*all = grown;
	*nr += rep->nr;
	return 0;
}

int
xylctl_domain_list(struct xylctl *x, struct xyl_dominfo **out, size_t *nr)
{
	struct xyl_ctl_domain_list_reply *rep;
	struct xyl_ctl_domain_list req = {.first = 0};
	struct xyl_dominfo *all = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	*nr = 0;
	rep = malloc(sizeof(*rep));
	if (!rep)
		return -ENOMEM;
	do {
		rc = xylctl_call(x, XYL_CTL_DOMAIN_LIST, &req, sizeof(req),
				 NULL, 0, rep, sizeof(*rep), NULL, 0);
		if (!rc)
			rc = list_page(x, rep, &all, &n, &req.first);
	} while (!rc && rep->more && req.first <= XYL_DOMID_MAX);
	free(rep);
	if (rc) {
		free(all);
		return rc;
	}
	*out = all;
	*nr = n;
	return 0;
}

int
xylctl_domain_lookup(struct xylctl *x, const char *name_or_id,
		     xyl_domid_t *domid)
{
	struct xyl_dominfo *all, info;
	size_t nr, i, len = strlen(name_or_id);
	int rc;

	if (len > 0 && strspn(name_or_id, "0123456789") == len) {
		unsigned long id =
			len <= 5 ? strtoul(name_or_id, NULL, 10) : ~0ul;

		if (id > XYL_DOMID_MAX)
			return xylctl_fail(x, -ESRCH, "no domain %s",
					   name_or_id);
		rc = xylctl_domain_getinfo(x, (xyl_domid_t)id, &info);
		if (rc == 0)
			*domid = info.domid;
		return rc;
	}
	rc = xylctl_domain_list(x, &all, &nr);
	if (rc)
		return rc;
	rc = xylctl_fail(x, -ESRCH, "no domain named '%s'", name_or_id);
	for (i = 0; i < nr; i++)
		if (strcmp(all[i].name, name_or_id) == 0) {
			*domid = all[i].domid;
			x->detail[0] = '\0';
			rc = 0;
			break;
		}
	free(all);
	return rc;
}
