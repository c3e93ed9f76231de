/*
 * dom0-tools/xyl/cmd_rename.c: `xyl rename <Domain> <NewDomainName>`, and
 * xyl_rename(), which every renaming path uses (also the monitor's
 * rename-restart): xylem-hv's name, xyl's record, xenstore, an event.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json.h>

#include "dlog.h"
#include "xyl.h"
#include "xs_domain.h"

/* Names as config.c accepts them: a name that reads as a domid, or that
 * is dom0's, would make `xyl <verb> <name>` ambiguous. */
static bool
rename_name_ok(const char *n)
{
	size_t i, len = strlen(n);
	bool all_digits = true;

	if (len == 0 || len >= XYL_NAME_MAX || strcmp(n, "Domain-0") == 0)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)n[i];

		if (ch <= 0x20 || ch >= 0x7f || ch == '/')
			return false;
		if (ch < '0' || ch > '9')
			all_digits = false;
	}
	return !all_digits;
}

int
xyl_rename(struct xyl *x, struct xylctl *c, xyl_domid_t domid,
	   const char *old_name, const char *new_name)
{
	char what[160];
	int r;

	if (!rename_name_ok(new_name)) {
		log_err("rename %s: \"%s\" is not a valid domain name (1 to %d "
			"printable bytes, no space or '/', not all digits, not "
			"Domain-0)",
			old_name, new_name, XYL_NAME_MAX - 1);
		return -EINVAL;
	}
	r = xylctl_domain_rename(c, domid, new_name);
	if (r < 0) {
		snprintf(what, sizeof(what), "rename %s", old_name);
		xyl_report(c, what, r);
		return r;
	}
	xyl_rename_done(x, domid, old_name, new_name);
	return 0;
}

void
xyl_rename_done(struct xyl *x, xyl_domid_t domid, const char *old_name,
		const char *new_name)
{
	struct json_object *d;

	xyl_record_rename(x, domid, new_name);
	/* per-service renames (xenstore /local/domain/<domid>/name): */
	xsdomain_rename(x, domid, new_name);

	d = json_object_new_object();
	json_object_object_add(d, "old_name", json_object_new_string(old_name));
	xyl_event(x, "renamed", domid, new_name, NULL, d, NULL, 0);
}

int
cmd_rename(struct xyl *x, int argc, char **argv)
{
	struct xyl_dominfo info;
	struct xylctl *c;
	xyl_domid_t domid;
	int r;

	if (argc != 3 || argv[1][0] == '-') {
		xyl_usage("rename");
		return XYL_EXIT_ERROR;
	}
	if (xyl_one_domain(x, "rename", 2, argv, &c, &domid) < 0)
		return XYL_EXIT_ERROR;
	if (domid == 0) {
		fprintf(stderr, "xyl: rename: domain 0 is the host\n");
		xylctl_close(c);
		return XYL_EXIT_ERROR;
	}
	r = xylctl_domain_getinfo(c, domid, &info);
	if (r < 0)
		xyl_report(c, "rename", r);
	else
		r = xyl_rename(x, c, domid, info.name, argv[2]);
	xylctl_close(c);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}
