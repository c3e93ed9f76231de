/*
 * dom0-tools/xenstored/control.c: XS_CONTROL, the daemon's own commands
 * (what Xen's xenstore-control sends): "log" (debug logging on or off),
 * "quota" (show or set the limits), "help".  Privileged only.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xenstored.h"

static int
control_log(struct store_conn *c, struct store_req *req)
{
	if (req->nr_args == 1) {
		store_conn_reply_str(c, req,
				     log_enabled(DLOG_DEBUG) ? "on" : "off");
		return 0;
	}
	if (strcmp(req->args[1], "on") == 0)
		log_set_level(DLOG_DEBUG);
	else if (strcmp(req->args[1], "off") == 0)
		log_set_level(DLOG_WARN);
	else
		return -EINVAL;
	store_conn_reply_str(c, req, "OK");
	return 0;
}

/* "quota"                      all limits, "name value" per line
 * "quota set <name> <value>"   change one
 * "quota <domid>"              a domain's usage against them */
static int
control_quota(struct store_conn *c, struct store_req *req)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	struct store_domain *d;
	uint32_t domid;
	int r;

	if (req->nr_args == 1) {
		r = store_quota_format(&c->ctx->quota, buf, sizeof(buf));
		if (r < 0)
			return r;
		store_conn_reply_str(c, req, buf);
		return 0;
	}
	if (strcmp(req->args[1], "set") == 0) {
		if (req->nr_args != 4)
			return -EINVAL;
		r = store_quota_set(&c->ctx->quota, req->args[2], req->args[3]);
		if (r < 0)
			return r;
		log_info("quota %s set to %s", req->args[2], req->args[3]);
		store_conn_reply_str(c, req, "OK");
		return 0;
	}
	if (req->nr_args != 2 || store_parse_domid(req->args[1], &domid) < 0)
		return -EINVAL;
	d = store_domain_find(c->ctx, domid);
	snprintf(
		buf, sizeof(buf), "nodes %llu\nwatches %u\ntransactions %u\n",
		(unsigned long long)store_count_owned(c->ctx->tree.root, domid),
		d && d->conn ? d->conn->nr_watches : 0,
		d && d->conn ? d->conn->nr_txns : 0);
	store_conn_reply_str(c, req, buf);
	return 0;
}

static int
control_help(struct store_conn *c, struct store_req *req)
{
	store_conn_reply_str(c, req,
			     "log [on|off]\n"
			     "quota [set <name> <value> | <domid>]\n"
			     "help\n");
	return 0;
}

void
store_control(struct store_conn *c, struct store_req *req)
{
	static const struct {
		const char *cmd;
		int (*fn)(struct store_conn *c, struct store_req *req);
	} cmds[] = {
		{"log", control_log},
		{"quota", control_quota},
		{"help", control_help},
	};
	size_t i;
	int r = -EINVAL;

	if (!c->who.is_priv) {
		store_conn_reply_err(c, req, -EACCES);
		return;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(req->args[0], cmds[i].cmd) == 0) {
			r = cmds[i].fn(c, req);
			break;
		}
	}
	if (r < 0)
		store_conn_reply_err(c, req, r);
}
