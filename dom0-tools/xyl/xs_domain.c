/*
 * dom0-tools/xyl/xs_domain.c: a domain's xenstore presence, as xl/libxl
 * keeps it: at create the store event channel, the standard nodes with
 * Xen's permissions (xenstore-schema/xylem.schema) and INTRODUCE; at
 * release RELEASE and removal; control/shutdown requests.  xenstored is a
 * peer here: every libxenstore failure becomes one error line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <xenstore.h>
#include <xen/hvm/params.h>

#include "config.h"
#include "dlog.h"
#include "xs_domain.h"

#define TX_RETRIES 16

void
xsdomain_socket_path(const struct xyl *x, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/xenstored/socket", x->rundir);
}

struct xs_handle *
xsdomain_connect(const struct xyl *x)
{
	char path[4096];
	struct stat st;
	struct xs_handle *h;

	xsdomain_socket_path(x, path, sizeof(path));
	if (stat(path, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		errno = ENOENT;
		return NULL;
	}
	/* libxenstore reads this on every xs_open. */
	setenv("XENSTORED_PATH", path, 1);
	h = xs_open(0);
	if (!h && errno == 0)
		errno = ECONNREFUSED;
	return h;
}

/* One node and its permissions, in a transaction. */
struct node {
	const char *rel;   /* below the base path; "" the base itself */
	const char *value; /* NULL: a directory ("") */
	int perms;	   /* enum perm_kind */
};

enum perm_kind {
	PERM_DOM_RO, /* n0,r<domid>: the toolstack's, the guest reads */
	PERM_DOM_RW, /* n<domid>: the guest's own */
	PERM_INHERIT,
};

static bool
write_node(struct xs_handle *h, xs_transaction_t t, const char *base,
	   const struct node *n, xyl_domid_t domid)
{
	struct xs_permissions p[2] = {{.id = 0, .perms = XS_PERM_NONE},
				      {.id = domid, .perms = XS_PERM_READ}};
	const char *v = n->value ? n->value : "";
	char path[512];

	snprintf(path, sizeof(path), "%s%s%s", base, n->rel[0] ? "/" : "",
		 n->rel);
	if (!xs_write(h, t, path, v, (unsigned int)strlen(v)))
		return false;
	if (n->perms == PERM_INHERIT)
		return true;
	if (n->perms == PERM_DOM_RW) {
		p[0] = (struct xs_permissions){.id = domid,
					       .perms = XS_PERM_NONE};
		return xs_set_permissions(h, t, path, p, 1);
	}
	return xs_set_permissions(h, t, path, p, 2);
}

/* What the nodes say about the domain. */
struct dom_facts {
	xyl_domid_t domid;
	char uuid[37];
	char vm[64];
	char domid_s[16];
	char mem_kib[24];
	char port[16];
	char gfn[24];
	char start[32];
	char con_port[24]; /* "" when the domain has no console ring */
	char con_gfn[24];
	const struct config *cfg;
};

static bool
write_dom_nodes(struct xs_handle *h, xs_transaction_t t,
		const struct dom_facts *f)
{
	const struct node nodes[] = {
		{"", NULL, PERM_DOM_RO},
		{"vm", f->vm, PERM_INHERIT},
		{"name", f->cfg->name, PERM_INHERIT},
		{"domid", f->domid_s, PERM_INHERIT},
		{"memory/static-max", f->mem_kib, PERM_INHERIT},
		{"memory/target", f->mem_kib, PERM_INHERIT},
		{"store/port", f->port, PERM_INHERIT},
		{"store/ring-ref", f->gfn, PERM_INHERIT},
		{"control", NULL, PERM_DOM_RO},
		{"control/shutdown", NULL, PERM_DOM_RW},
		{"control/feature-poweroff", NULL, PERM_DOM_RW},
		{"control/feature-reboot", NULL, PERM_DOM_RW},
		{"control/feature-suspend", NULL, PERM_DOM_RW},
		{"control/sysrq", NULL, PERM_DOM_RW},
		{"control/platform-feature-multiprocessor-suspend", "1",
		 PERM_INHERIT},
		{"control/platform-feature-xs_reset_watches", "1",
		 PERM_INHERIT},
		{"data", NULL, PERM_DOM_RW},
		{"drivers", NULL, PERM_DOM_RW},
		{"feature", NULL, PERM_DOM_RW},
		{"attr", NULL, PERM_DOM_RW},
		{"error", NULL, PERM_DOM_RW},
		{"device/suspend/event-channel", NULL, PERM_DOM_RW},
	};
	/* The primary console: xylem-consoled adds tty. */
	const struct node console[] = {
		{"console", NULL, PERM_DOM_RO},
		{"console/port", f->con_port, PERM_INHERIT},
		{"console/ring-ref", f->con_gfn, PERM_INHERIT},
		{"console/type", "xylem-consoled", PERM_INHERIT},
		{"console/output", "pty", PERM_INHERIT},
		{"console/limit", "1048576", PERM_INHERIT},
	};
	char base[64], path[96];

	snprintf(base, sizeof(base), "/local/domain/%u", f->domid);
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		if (!write_node(h, t, base, &nodes[i], f->domid))
			return false;
	for (size_t i = 0;
	     f->con_port[0] && i < sizeof(console) / sizeof(console[0]); i++)
		if (!write_node(h, t, base, &console[i], f->domid))
			return false;
	for (uint32_t cpu = 0; cpu < f->cfg->vcpus; cpu++) {
		snprintf(path, sizeof(path), "%s/cpu/%u/availability", base,
			 cpu);
		if (!xs_write(h, t, path, "online", 6))
			return false;
	}
	return true;
}

static bool
write_vm_nodes(struct xs_handle *h, xs_transaction_t t,
	       const struct dom_facts *f)
{
	const struct node nodes[] = {
		{"", NULL, PERM_DOM_RO},
		{"uuid", f->uuid, PERM_INHERIT},
		{"name", f->cfg->name, PERM_INHERIT},
		{"start_time", f->start, PERM_INHERIT},
	};

	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		if (!write_node(h, t, f->vm, &nodes[i], f->domid))
			return false;
	return true;
}

/* All nodes in one transaction, retried on EAGAIN as libxl does. */
static int
write_all_nodes(struct xs_handle *h, const struct dom_facts *f)
{
	for (int i = 0; i < TX_RETRIES; i++) {
		xs_transaction_t t = xs_transaction_start(h);
		bool ok;

		if (t == XBT_NULL)
			return -errno;
		ok = write_dom_nodes(h, t, f) && write_vm_nodes(h, t, f);
		if (!ok) {
			int err = errno;

			xs_transaction_end(h, t, true);
			return -err;
		}
		if (xs_transaction_end(h, t, false))
			return 0;
		if (errno != EAGAIN)
			return -errno;
	}
	return -EAGAIN;
}

static int
gather_facts(struct xylctl *c, const struct config *cfg, xyl_domid_t domid,
	     uint32_t port, struct dom_facts *f)
{
	struct xyl_dominfo info;
	uint64_t gfn = 0, con_port = 0, con_gfn = 0;
	int r;

	r = xylctl_domain_getinfo(c, domid, &info);
	if (r == 0)
		r = xylctl_hvm_param_get(c, domid, HVM_PARAM_STORE_PFN, &gfn);
	if (r == 0)
		r = xylctl_hvm_param_get(c, domid, HVM_PARAM_CONSOLE_EVTCHN,
					 &con_port);
	if (r == 0)
		r = xylctl_hvm_param_get(c, domid, HVM_PARAM_CONSOLE_PFN,
					 &con_gfn);
	if (r < 0)
		return r;
	memset(f, 0, sizeof(*f));
	f->domid = domid;
	f->cfg = cfg;
	config_uuid_format(cfg->has_uuid ? cfg->uuid : info.uuid, f->uuid);
	snprintf(f->vm, sizeof(f->vm), "/vm/%s", f->uuid);
	snprintf(f->domid_s, sizeof(f->domid_s), "%u", domid);
	snprintf(f->mem_kib, sizeof(f->mem_kib), "%" PRIu64,
		 cfg->memory_mib * 1024);
	snprintf(f->port, sizeof(f->port), "%u", port);
	snprintf(f->gfn, sizeof(f->gfn), "%" PRIu64, gfn);
	if (con_port && con_gfn) {
		snprintf(f->con_port, sizeof(f->con_port), "%" PRIu64,
			 con_port);
		snprintf(f->con_gfn, sizeof(f->con_gfn), "%" PRIu64, con_gfn);
	}
	snprintf(f->start, sizeof(f->start), "%" PRIu64 ".%02" PRIu64,
		 info.create_time_ns / 1000000000,
		 info.create_time_ns % 1000000000 / 10000000);
	return 0;
}

/* Backend directories dom0 still holds for the domain (devices whose
 * backends did not clean up), as libxl removes them at destroy. */
static void
remove_backends(struct xs_handle *h, xyl_domid_t domid)
{
	unsigned int nr = 0;
	char **kinds =
		xs_directory(h, XBT_NULL, "/local/domain/0/backend", &nr);
	char path[512];

	for (unsigned int i = 0; kinds && i < nr; i++) {
		snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u",
			 kinds[i], domid);
		xs_rm(h, XBT_NULL, path);
	}
	free(kinds);
}

static void
remove_nodes(struct xs_handle *h, xyl_domid_t domid)
{
	char path[64], *vm;
	unsigned int len;

	snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
	vm = xs_read(h, XBT_NULL, path, &len);
	/* The guest cannot write vm (n0,r<domid>); check it anyway. */
	if (vm && strncmp(vm, "/vm/", 4) == 0 && strlen(vm) == 40 &&
	    !strchr(vm + 4, '/'))
		xs_rm(h, XBT_NULL, vm);
	free(vm);
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	xs_rm(h, XBT_NULL, path);
	remove_backends(h, domid);
}

int
xsdomain_introduce(struct xyl *x, struct xylctl *c, const struct config *cfg,
		   xyl_domid_t domid)
{
	struct xs_handle *h = xsdomain_connect(x);
	struct dom_facts f;
	uint32_t port = 0;
	const char *step = "connect";
	int r;

	if (!h && errno == ENOENT) {
		log_dom_info(domid,
			     "%s: no xenstored on this host: the domain "
			     "runs without xenstore",
			     cfg->name);
		return 0;
	}
	r = h ? 0 : -errno;
	if (r == 0) {
		step = "store event channel";
		r = xylctl_evtchn_alloc_unbound(c, domid, 0, &port);
	}
	if (r == 0 && (r = gather_facts(c, cfg, domid, port, &f)) < 0)
		step = "domain info";
	if (r == 0 && (r = write_all_nodes(h, &f)) < 0)
		step = "writing the domain's nodes";
	if (r == 0 &&
	    !xs_introduce_domain(h, domid, strtoul(f.gfn, NULL, 10), port)) {
		r = -errno;
		step = "INTRODUCE";
	}
	if (r == 0) {
		step = "HVM_PARAM_STORE_EVTCHN";
		r = xylctl_hvm_param_set(c, domid, HVM_PARAM_STORE_EVTCHN,
					 port);
		if (r < 0)
			xs_release_domain(h, domid);
	}
	if (r < 0) {
		log_err("create %s: xenstore: %s: %s", cfg->name, step,
			strerror(-r));
		if (h)
			remove_nodes(h, domid);
		xylctl_domain_destroy(c, domid);
	}
	xs_close(h);
	return r;
}

void
xsdomain_release(struct xyl *x, xyl_domid_t domid)
{
	struct xs_handle *h;

	if (domid == 0)
		return;
	h = xsdomain_connect(x);
	if (!h)
		return;
	/* ENOENT/EINVAL: not introduced, or released already. */
	xs_release_domain(h, domid);
	remove_nodes(h, domid);
	xs_close(h);
}

/* Did the guest say it handles cmd?  control/feature-<cmd> = "1". */
static bool
guest_supports(struct xs_handle *h, xyl_domid_t domid, const char *cmd)
{
	char path[96], *v;
	unsigned int len;
	bool yes;

	snprintf(path, sizeof(path), "/local/domain/%u/control/feature-%s",
		 domid, cmd);
	v = xs_read(h, XBT_NULL, path, &len);
	yes = v && strcmp(v, "1") == 0;
	free(v);
	return yes;
}

int
xsdomain_control(struct xyl *x, xyl_domid_t domid, const char *verb,
		 const char *cmd)
{
	struct xs_handle *h = xsdomain_connect(x);
	char path[96];
	int r = 0;

	/* No xenstored (or a dead one): the guest has no connection. */
	if (!h) {
		log_dom_info(domid, "%s: xenstored: %s", verb, strerror(errno));
		return -EOPNOTSUPP;
	}
	if (!guest_supports(h, domid, cmd)) {
		xs_close(h);
		return -EOPNOTSUPP;
	}
	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown",
		 domid);
	if (!xs_write(h, XBT_NULL, path, cmd, (unsigned int)strlen(cmd))) {
		r = -errno;
		log_err("%s: domain %u: writing %s: %s", verb, domid, path,
			strerror(-r));
	}
	xs_close(h);
	return r;
}

void
xsdomain_rename(struct xyl *x, xyl_domid_t domid, const char *name)
{
	struct xs_handle *h = xsdomain_connect(x);
	char path[96], *vm;
	unsigned int len;

	if (!h)
		return;
	snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
	vm = xs_read(h, XBT_NULL, path, &len);
	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	if (!xs_write(h, XBT_NULL, path, name, (unsigned int)strlen(name)))
		log_dom_warn(domid, "xenstore: writing %s: %s", path,
			     strerror(errno));
	if (vm && strncmp(vm, "/vm/", 4) == 0 && strlen(vm) == 40) {
		snprintf(path, sizeof(path), "%s/name", vm);
		xs_write(h, XBT_NULL, path, name, (unsigned int)strlen(name));
	}
	free(vm);
	xs_close(h);
}
