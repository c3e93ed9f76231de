/*
 * hypervisor/ctl_parse.c: decoding and validation of control requests.
 * Trust boundary: every byte and fd count here comes from a dom0 client
 * that passed the credential check but may still be buggy or hostile.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/hvm/params.h>

#include "ctl_parse.h"
#include "memory.h"

/* A request type's body checker: 0 or -EINVAL with detail written. */
typedef int (*ctl_check_fn)(const struct ctl_request *r, char *detail,
			    size_t detail_len);

struct ctl_type_desc {
	const char *name;
	bool is_request;    /* clients may send it */
	size_t body_size;   /* exact request body size */
	size_t reply_size;  /* reply body size on success */
	unsigned reply_fds; /* fds on a successful reply */
	ctl_check_fn check; /* NULL: nothing beyond the size */
};

static int fail(char *detail, size_t detail_len, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
fail(char *detail, size_t detail_len, int err, const char *fmt, ...)
{
	va_list ap;

	if (detail_len) {
		va_start(ap, fmt);
		vsnprintf(detail, detail_len, fmt, ap);
		va_end(ap);
	}
	return err;
}

static bool
str_is_terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static int
check_domid(xyl_domid_t domid, char *detail, size_t detail_len)
{
	if (domid > XYL_DOMID_MAX)
		return fail(detail, detail_len, -EINVAL,
			    "domid %u out of range (max %u)", domid,
			    XYL_DOMID_MAX);
	return 0;
}

static int
check_pad(uint32_t pad, const char *field, char *detail, size_t detail_len)
{
	if (pad != 0)
		return fail(detail, detail_len, -EINVAL,
			    "reserved field %s must be zero", field);
	return 0;
}

/* Names become xenstore values and CLI arguments: printable ASCII, no
 * '/', and not all digits (that would read as a domid). */
static int
check_name(const char *name, char *detail, size_t detail_len)
{
	bool is_number = true;
	size_t i;

	if (!str_is_terminated(name, XYL_NAME_MAX))
		return fail(detail, detail_len, -EINVAL,
			    "name is not NUL-terminated within %d bytes",
			    XYL_NAME_MAX);
	if (name[0] == '\0')
		return fail(detail, detail_len, -EINVAL, "name is empty");
	for (i = 0; name[i]; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c <= 0x20 || c >= 0x7f || c == '/')
			return fail(detail, detail_len, -EINVAL,
				    "name has a bad character at %zu "
				    "(printable ASCII, no space or '/')",
				    i);
		if (c < '0' || c > '9')
			is_number = false;
	}
	if (is_number)
		return fail(detail, detail_len, -EINVAL,
			    "name must not be all digits");
	return 0;
}

static int
check_create(const struct ctl_request *r, char *detail, size_t detail_len)
{
	const struct xyl_ctl_domain_create *c = &r->u.create;
	uint64_t max_kib = MEMORY_MAX_RAM >> 10;
	int rc;

	rc = check_name(c->name, detail, detail_len);
	if (rc)
		return rc;
	if (!str_is_terminated(c->cmdline, XYL_CMDLINE_MAX))
		return fail(detail, detail_len, -EINVAL,
			    "cmdline is not NUL-terminated within %d bytes",
			    XYL_CMDLINE_MAX);
	if (c->mem_kib < 4096 || c->mem_kib % 4 || c->mem_kib > max_kib)
		return fail(detail, detail_len, -EINVAL,
			    "mem_kib %llu: need a multiple of 4 in "
			    "[4096, %llu]",
			    (unsigned long long)c->mem_kib,
			    (unsigned long long)max_kib);
	if (c->vcpus < 1 || c->vcpus > XYL_MAX_VCPUS)
		return fail(detail, detail_len, -EINVAL,
			    "vcpus %u out of range [1, %d]", c->vcpus,
			    XYL_MAX_VCPUS);
	if (c->has_ramdisk > 1)
		return fail(detail, detail_len, -EINVAL,
			    "has_ramdisk must be 0 or 1");
	if (r->nr_fds != 1 + c->has_ramdisk)
		return fail(detail, detail_len, -EINVAL,
			    "DOMAIN_CREATE needs %u fds (kernel%s), got %u",
			    1 + c->has_ramdisk,
			    c->has_ramdisk ? ", ramdisk" : "", r->nr_fds);
	return 0;
}

static int
check_domid_req(const struct ctl_request *r, char *detail, size_t detail_len)
{
	int rc = check_pad(r->u.domid.pad, "pad", detail, detail_len);

	return rc ? rc : check_domid(r->u.domid.domid, detail, detail_len);
}

static int
check_rename(const struct ctl_request *r, char *detail, size_t detail_len)
{
	int rc = check_pad(r->u.rename.pad, "pad", detail, detail_len);

	if (!rc)
		rc = check_domid(r->u.rename.domid, detail, detail_len);
	return rc ? rc : check_name(r->u.rename.name, detail, detail_len);
}

static int
check_list(const struct ctl_request *r, char *detail, size_t detail_len)
{
	return check_pad(r->u.list.pad, "pad", detail, detail_len);
}

static int
check_shutdown(const struct ctl_request *r, char *detail, size_t detail_len)
{
	if (r->u.shutdown.reason > SHUTDOWN_MAX)
		return fail(detail, detail_len, -EINVAL,
			    "shutdown reason %u out of range [0, %d]",
			    r->u.shutdown.reason, SHUTDOWN_MAX);
	return check_domid(r->u.shutdown.domid, detail, detail_len);
}

static int
check_param(const struct ctl_request *r, char *detail, size_t detail_len)
{
	const struct xyl_ctl_hvm_param *p = &r->u.param;

	if (p->index >= HVM_NR_PARAMS)
		return fail(detail, detail_len, -EINVAL,
			    "HVM param index %u out of range [0, %d)", p->index,
			    HVM_NR_PARAMS);
	if (r->type == XYL_CTL_HVM_PARAM_GET && p->value != 0)
		return fail(detail, detail_len, -EINVAL,
			    "HVM_PARAM_GET: value must be zero");
	return check_domid(p->domid, detail, detail_len);
}

static int
check_alloc(const struct ctl_request *r, char *detail, size_t detail_len)
{
	int rc = check_domid(r->u.alloc.dom, detail, detail_len);

	return rc ? rc : check_domid(r->u.alloc.remote_dom, detail, detail_len);
}

static int
check_bind(const struct ctl_request *r, char *detail, size_t detail_len)
{
	return check_domid(r->u.bind.remote_dom, detail, detail_len);
}

static int
check_port(const struct ctl_request *r, char *detail, size_t detail_len)
{
	return check_pad(r->u.port.pad, "pad", detail, detail_len);
}

static int
check_log(const struct ctl_request *r, char *detail, size_t detail_len)
{
	const struct xyl_ctl_log_read *l = &r->u.log;

	if (r->type == XYL_CTL_DMESG) {
		if (l->domid != 0)
			return fail(detail, detail_len, -EINVAL,
				    "DMESG: domid must be 0");
		if (l->clear > 1)
			return fail(detail, detail_len, -EINVAL,
				    "DMESG: clear must be 0 or 1");
		return 0;
	}
	if (l->clear != 0)
		return fail(detail, detail_len, -EINVAL,
			    "CONSOLE_READ: clear must be 0");
	return check_domid(l->domid, detail, detail_len);
}

static int
check_subscribe(const struct ctl_request *r, char *detail, size_t detail_len)
{
	int rc = check_pad(r->u.sub.pad, "pad", detail, detail_len);

	if (rc || r->u.sub.domid == XYL_DOMID_ANY)
		return rc;
	return check_domid(r->u.sub.domid, detail, detail_len);
}

/* Issue 8.  Ranges that need the domain (cap <= 100 * vcpus, vcpu <
 * vcpus) are checked by the handler. */
static int
check_sched(const struct ctl_request *r, char *detail, size_t detail_len)
{
	const struct xyl_ctl_sched_credit *c = &r->u.sched;
	int rc = check_pad(c->pad, "pad", detail, detail_len);

	if (rc)
		return rc;
	if (c->weight > 65535)
		return fail(detail, detail_len, -EINVAL,
			    "weight %u out of range [1, 65535]", c->weight);
	if (c->cap != XYL_SCHED_KEEP && c->cap > 100 * XYL_MAX_VCPUS)
		return fail(detail, detail_len, -EINVAL,
			    "cap %u out of range [0, %d]", c->cap,
			    100 * XYL_MAX_VCPUS);
	return check_domid(c->domid, detail, detail_len);
}

static int
check_pin(const struct ctl_request *r, char *detail, size_t detail_len)
{
	const struct xyl_ctl_vcpu_pin *p = &r->u.pin;

	if (p->vcpu != XYL_VCPU_ALL && p->vcpu >= XYL_MAX_VCPUS)
		return fail(detail, detail_len, -EINVAL,
			    "vcpu %u out of range [0, %d)", p->vcpu,
			    XYL_MAX_VCPUS);
	if (p->cpus == 0)
		return fail(detail, detail_len, -EINVAL, "empty CPU mask");
	return check_domid(p->domid, detail, detail_len);
}

static int
check_vcpu_set(const struct ctl_request *r, char *detail, size_t detail_len)
{
	const struct xyl_ctl_vcpu_set *v = &r->u.vcpu_set;

	if (v->nr_online < 1 || v->nr_online > XYL_MAX_VCPUS)
		return fail(detail, detail_len, -EINVAL,
			    "nr_online %u out of range [1, %d]", v->nr_online,
			    XYL_MAX_VCPUS);
	return check_domid(v->domid, detail, detail_len);
}

/* The bound needing the domain (>= its current memory) is the handler's. */
static int
check_max_mem(const struct ctl_request *r, char *detail, size_t detail_len)
{
	const struct xyl_ctl_domain_set_max_mem *m = &r->u.max_mem;
	uint64_t max_kib = MEMORY_MAX_RAM >> 10;
	int rc = check_pad(m->pad, "pad", detail, detail_len);

	if (rc)
		return rc;
	if (m->max_kib % 4 || m->max_kib > max_kib)
		return fail(detail, detail_len, -EINVAL,
			    "max_kib %llu: need a multiple of 4 in [0, %llu]",
			    (unsigned long long)m->max_kib,
			    (unsigned long long)max_kib);
	return check_domid(m->domid, detail, detail_len);
}

#define REQ(t, n, body, reply, fds, fn)                                        \
	[XYL_CTL_##t] = {n, true, body, reply, fds, fn}

static const struct ctl_type_desc ctl_types[XYL_CTL_TYPE_COUNT] = {
	[XYL_CTL_ERROR_REPLY] = {"ERROR_REPLY", false, 0, 0, 0, NULL},
	REQ(HOST_INFO, "HOST_INFO", 0, sizeof(struct xyl_ctl_host_info_reply),
	    0, NULL),
	REQ(DOMAIN_CREATE, "DOMAIN_CREATE",
	    sizeof(struct xyl_ctl_domain_create),
	    sizeof(struct xyl_ctl_domain_create_reply), 0, check_create),
	REQ(DOMAIN_DESTROY, "DOMAIN_DESTROY", sizeof(struct xyl_ctl_domid), 0,
	    0, check_domid_req),
	REQ(DOMAIN_PAUSE, "DOMAIN_PAUSE", sizeof(struct xyl_ctl_domid), 0, 0,
	    check_domid_req),
	REQ(DOMAIN_UNPAUSE, "DOMAIN_UNPAUSE", sizeof(struct xyl_ctl_domid), 0,
	    0, check_domid_req),
	REQ(DOMAIN_GETINFO, "DOMAIN_GETINFO", sizeof(struct xyl_ctl_domid),
	    sizeof(struct xyl_dominfo), 0, check_domid_req),
	REQ(DOMAIN_LIST, "DOMAIN_LIST", sizeof(struct xyl_ctl_domain_list),
	    sizeof(struct xyl_ctl_domain_list_reply), 0, check_list),
	REQ(DOMAIN_SHUTDOWN, "DOMAIN_SHUTDOWN",
	    sizeof(struct xyl_ctl_domain_shutdown), 0, 0, check_shutdown),
	REQ(MEMORY_MAP, "MEMORY_MAP", sizeof(struct xyl_ctl_domid),
	    sizeof(struct xyl_ctl_memory_map_reply), 1, check_domid_req),
	REQ(HVM_PARAM_GET, "HVM_PARAM_GET", sizeof(struct xyl_ctl_hvm_param),
	    sizeof(struct xyl_ctl_hvm_param), 0, check_param),
	REQ(HVM_PARAM_SET, "HVM_PARAM_SET", sizeof(struct xyl_ctl_hvm_param), 0,
	    0, check_param),
	REQ(EVTCHN_ALLOC_UNBOUND, "EVTCHN_ALLOC_UNBOUND",
	    sizeof(struct xyl_ctl_evtchn_alloc_unbound),
	    sizeof(struct xyl_ctl_evtchn_port), 0, check_alloc),
	REQ(EVTCHN_BIND_INTERDOMAIN, "EVTCHN_BIND_INTERDOMAIN",
	    sizeof(struct xyl_ctl_evtchn_bind_interdomain),
	    sizeof(struct xyl_ctl_evtchn_port), 2, check_bind),
	REQ(EVTCHN_CLOSE, "EVTCHN_CLOSE", sizeof(struct xyl_ctl_evtchn_port), 0,
	    0, check_port),
	REQ(GNTTAB_FRAMES, "GNTTAB_FRAMES", sizeof(struct xyl_ctl_domid),
	    sizeof(struct xyl_ctl_gnttab_frames_reply), 0, check_domid_req),
	REQ(DMESG, "DMESG", sizeof(struct xyl_ctl_log_read),
	    sizeof(struct xyl_ctl_log_read_reply), 0, check_log),
	REQ(CONSOLE_READ, "CONSOLE_READ", sizeof(struct xyl_ctl_log_read),
	    sizeof(struct xyl_ctl_log_read_reply), 0, check_log),
	REQ(EVENTS_SUBSCRIBE, "EVENTS_SUBSCRIBE",
	    sizeof(struct xyl_ctl_events_subscribe), 0, 0, check_subscribe),
	[XYL_CTL_EVENT] = {"EVENT", false, 0, 0, 0, NULL},
	REQ(SCHED_CREDIT_GET, "SCHED_CREDIT_GET", sizeof(struct xyl_ctl_domid),
	    sizeof(struct xyl_ctl_sched_credit), 0, check_domid_req),
	REQ(SCHED_CREDIT_SET, "SCHED_CREDIT_SET",
	    sizeof(struct xyl_ctl_sched_credit), 0, 0, check_sched),
	REQ(VCPU_LIST, "VCPU_LIST", sizeof(struct xyl_ctl_domid),
	    sizeof(struct xyl_ctl_vcpu_list_reply), 0, check_domid_req),
	REQ(VCPU_PIN, "VCPU_PIN", sizeof(struct xyl_ctl_vcpu_pin), 0, 0,
	    check_pin),
	REQ(VCPU_SET, "VCPU_SET", sizeof(struct xyl_ctl_vcpu_set), 0, 0,
	    check_vcpu_set),
	REQ(DOMAIN_RENAME, "DOMAIN_RENAME", sizeof(struct xyl_ctl_domain_rename),
	    0, 0, check_rename),
	REQ(SHARED_TIMER_MAP, "SHARED_TIMER_MAP", 0,
	    sizeof(struct xyl_ctl_shared_timer_map_reply), 1, NULL),
	REQ(DOMAIN_SET_MAX_MEM, "DOMAIN_SET_MAX_MEM",
	    sizeof(struct xyl_ctl_domain_set_max_mem), 0, 0, check_max_mem),
};

const char *
ctl_type_name(uint32_t type)
{
	if (type >= XYL_CTL_TYPE_COUNT || !ctl_types[type].name)
		return "unknown";
	return ctl_types[type].name;
}

size_t
ctl_reply_body_size(uint16_t type)
{
	return type < XYL_CTL_TYPE_COUNT ? ctl_types[type].reply_size : 0;
}

unsigned
ctl_reply_nr_fds(uint16_t type)
{
	return type < XYL_CTL_TYPE_COUNT ? ctl_types[type].reply_fds : 0;
}

/* Header checks: size, magic, version, truncation, type, exact len. */
static int
parse_header(const void *buf, size_t len, int msg_flags,
	     struct ctl_request *out, char *detail, size_t detail_len)
{
	struct xyl_ctl_hdr h;
	const struct ctl_type_desc *t;

	if (len < sizeof(h))
		return fail(detail, detail_len, -EINVAL,
			    "packet of %zu bytes is shorter than the "
			    "%zu-byte header",
			    len, sizeof(h));
	memcpy(&h, buf, sizeof(h));
	out->seq = h.seq;
	out->type = h.type;
	if (h.magic != XYL_CTL_MAGIC)
		return fail(detail, detail_len, -EPROTO,
			    "bad magic 0x%08x (want 0x%08x)", h.magic,
			    XYL_CTL_MAGIC);
	if (h.version != XYL_CTL_VERSION)
		return fail(detail, detail_len, -EPROTO,
			    "protocol version %u not supported (want %d)",
			    h.version, XYL_CTL_VERSION);
	if (msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		return fail(detail, detail_len, -EINVAL,
			    "%s: packet truncated (over %d bytes or %d fds)",
			    ctl_type_name(h.type), XYL_CTL_MAX_PACKET,
			    XYL_CTL_MAX_FDS);
	if (h.type >= XYL_CTL_TYPE_COUNT || !ctl_types[h.type].is_request)
		return fail(detail, detail_len, -EINVAL,
			    "type %u (%s) is not a request", h.type,
			    ctl_type_name(h.type));
	t = &ctl_types[h.type];
	if (h.len != len - sizeof(h))
		return fail(detail, detail_len, -EINVAL,
			    "%s: header len %u but %zu bytes follow it",
			    t->name, h.len, len - sizeof(h));
	if (h.len != t->body_size)
		return fail(detail, detail_len, -EINVAL,
			    "%s: body is %u bytes, must be %zu", t->name, h.len,
			    t->body_size);
	return 0;
}

int
ctl_parse_request(const void *buf, size_t len, int msg_flags, unsigned nr_fds,
		  struct ctl_request *out, char *detail, size_t detail_len)
{
	const struct ctl_type_desc *t;
	int rc;

	memset(out, 0, sizeof(*out));
	if (detail_len)
		detail[0] = '\0';
	rc = parse_header(buf, len, msg_flags, out, detail, detail_len);
	if (rc)
		return rc;
	t = &ctl_types[out->type];
	memcpy(&out->u, (const uint8_t *)buf + sizeof(struct xyl_ctl_hdr),
	       t->body_size);
	out->nr_fds = nr_fds;
	/* DOMAIN_CREATE's fd count depends on its body: check_create. */
	if (out->type != XYL_CTL_DOMAIN_CREATE && nr_fds != 0)
		return fail(detail, detail_len, -EINVAL,
			    "%s takes no fds, got %u", t->name, nr_fds);
	return t->check ? t->check(out, detail, detail_len) : 0;
}

_Static_assert(sizeof(((struct ctl_request *)0)->u) >=
		       sizeof(struct xyl_ctl_domain_create),
	       "ctl_request body holds the largest request");
_Static_assert(XYL_CTL_MAX_PACKET >=
		       sizeof(struct xyl_ctl_reply) +
			       sizeof(struct xyl_ctl_domain_list_reply),
	       "largest reply fits a packet");
