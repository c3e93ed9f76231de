/*
 * hypervisor/ctl_host.c: host-wide control requests: HOST_INFO,
 * EVENTS_SUBSCRIBE and SHARED_TIMER_MAP, plus the domain lookup the per-domain
 * handlers share. Inputs arrive validated by ctl_parse_request.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xylem/sharedtimer.h"
#include "ctl_priv.h"
#include "domain.h"
#include "hv.h"

#define CTL_HV_VERSION "xylem-hv 0.1"
/* The Xen version guests are told (xen_version), Debian 12's headers. */
#define CTL_XEN_MAJOR 4
#define CTL_XEN_MINOR 17

int
ctl_get_domain(struct ctl_client *c, xyl_domid_t domid, struct domain **out,
	       struct ctl_reply_out *o)
{
	*out = domain_get(c->srv->hv, domid);
	if (*out)
		return 0;
	snprintf(o->detail, sizeof(o->detail), "no domain %u", domid);
	return -ESRCH;
}

int
ctl_on_domain(struct ctl_client *c, xyl_domid_t domid, ctl_domain_op_fn *op,
	      const struct ctl_request *r, struct ctl_reply_out *out)
{
	struct domain *d;
	int rc;

	rc = ctl_get_domain(c, domid, &d, out);
	if (rc)
		return rc;
	rc = op(c, d, r, out);
	domain_put(d);
	return rc;
}

/* MemAvailable from /proc/meminfo in KiB; 0 if it cannot be read. */
static uint64_t
ctl_mem_available_kib(void)
{
	char line[256];
	uint64_t kib = 0;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %" SCNu64 " kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

int
ctl_host_info(struct ctl_client *c, const struct ctl_request *r, const int *fds,
	      struct ctl_reply_out *out)
{
	struct xyl_ctl_host_info_reply *h = out->body;
	struct hv *hv = c->srv->hv;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long pages = sysconf(_SC_PHYS_PAGES);
	long psize = sysconf(_SC_PAGESIZE);

	(void)r;
	(void)fds;
	h->nr_cpus = cpus > 0 ? (uint32_t)cpus : 1;
	h->total_kib = pages > 0 && psize > 0
			       ? (uint64_t)pages * (uint64_t)psize / 1024
			       : 0;
	h->free_kib = ctl_mem_available_kib();
	pthread_mutex_lock(&hv->domains_lock);
	h->nr_domains = hv->nr_domains;
	h->guest_kib = hv->guest_kib;
	pthread_mutex_unlock(&hv->domains_lock);
	h->tsc_khz = hv->tsc_khz;
	h->xen_major = CTL_XEN_MAJOR;
	h->xen_minor = CTL_XEN_MINOR;
	snprintf(h->hv_version, sizeof(h->hv_version), "%s", CTL_HV_VERSION);
	snprintf(h->kvm_flavour, sizeof(h->kvm_flavour), "%.*s",
		 (int)sizeof(hv->kvm_flavour),
		 hv->kvm_flavour[0] ? hv->kvm_flavour : "unknown");
	return 0;
}

int
ctl_events_subscribe(struct ctl_client *c, const struct ctl_request *r,
		     const int *fds, struct ctl_reply_out *out)
{
	(void)fds;
	if (c->is_subscriber) {
		snprintf(out->detail, sizeof(out->detail),
			 "EVENTS_SUBSCRIBE: already subscribed");
		return -EALREADY;
	}
	c->is_subscriber = true;
	c->event_domid = r->u.sub.domid;
	return 0;
}

int
ctl_shared_timer_map(struct ctl_client *c, const struct ctl_request *r,
		     const int *fds, struct ctl_reply_out *out)
{
	struct xyl_ctl_shared_timer_map_reply *m = out->body;
	struct hv *hv = c->srv->hv;
	int fd;

	(void)r;
	(void)fds;
	if (hv->stimer_fd < 0) {
		snprintf(out->detail, sizeof(out->detail),
			 "no shared-timer page");
		return -ENODEV;
	}
	/* The reply owns a duplicate; xylem-hv keeps its own. */
	fd = fcntl(hv->stimer_fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	out->fds[out->nr_fds++] = fd;
	m->gpa = XYL_STIMER_GPA;
	m->bytes = XYL_STIMER_BYTES;
	return 0;
}
