/*
 * tests/lib/fake_ctl_world.c: fakes of loop.c, log.c, domain.c, evtchn.c
 * and gnttab.c for the control server's unit test (fake_ctl_world.h).
 * domain_create accepts any kernel fd whose file starts with "\177ELF".
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "evtchn.h"
#include "fake_ctl_world.h"
#include "gnttab.h"
#include "log.h"
#include "loop.h"
#include "vcpu.h"

struct fake_ctl_calls fake_ctl_calls;

/* ---- loop ---- */

#define FAKE_CTL_LOOP_MAX 8
/* One lock over the entries and each whole pump round (callbacks
 * included), so loop_del from another thread returns only once no
 * callback for that fd is running: loop.h's promise. */
static pthread_mutex_t loop_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int fd;
	loop_cb cb;
	void *arg;
} loop_entries[FAKE_CTL_LOOP_MAX];
static unsigned loop_nr;

int
loop_add(struct loop *l, int fd, uint32_t epoll_events, loop_cb cb, void *arg)
{
	int rc = 0;

	(void)l;
	(void)epoll_events;
	pthread_mutex_lock(&loop_lock);
	if (loop_nr == FAKE_CTL_LOOP_MAX) {
		rc = -ENOSPC;
	} else {
		loop_entries[loop_nr].fd = fd;
		loop_entries[loop_nr].cb = cb;
		loop_entries[loop_nr].arg = arg;
		loop_nr++;
	}
	pthread_mutex_unlock(&loop_lock);
	return rc;
}

int
loop_del(struct loop *l, int fd)
{
	unsigned i;
	int rc = -ENOENT;

	(void)l;
	pthread_mutex_lock(&loop_lock);
	for (i = 0; i < loop_nr; i++)
		if (loop_entries[i].fd == fd) {
			loop_entries[i] = loop_entries[--loop_nr];
			rc = 0;
			break;
		}
	pthread_mutex_unlock(&loop_lock);
	return rc;
}

/* One round: poll the fds, run the callbacks of the ready ones. */
static int
pump_round(int timeout_ms)
{
	struct pollfd p[FAKE_CTL_LOOP_MAX];
	unsigned i, nr;
	int n, runs = 0;

	pthread_mutex_lock(&loop_lock);
	nr = loop_nr;
	for (i = 0; i < nr; i++) {
		p[i].fd = loop_entries[i].fd;
		p[i].events = POLLIN;
		p[i].revents = 0;
	}
	n = poll(p, nr, timeout_ms);
	for (i = 0; n > 0 && i < nr; i++)
		if (p[i].revents) {
			loop_entries[i].cb(loop_entries[i].arg, EPOLLIN);
			runs++;
		}
	pthread_mutex_unlock(&loop_lock);
	return runs;
}

int
fake_ctl_pump(int timeout_ms)
{
	int runs = 0, r, round;

	for (round = 0; round < 1000; round++) {
		r = pump_round(round ? 0 : timeout_ms);
		if (r <= 0)
			break;
		runs += r;
	}
	return runs;
}

/* ---- log ---- */

void
log_msg(struct hv *hv, enum log_level level, int domid, const char *fmt, ...)
{
	(void)hv;
	(void)level;
	(void)domid;
	(void)fmt;
}

static const char fake_log_text[] = "xylem-hv: hello from the fake log\n";

size_t
logring_read(struct logring *r, uint64_t from, char *out, size_t cap,
	     uint64_t *start, uint64_t *next)
{
	size_t len = sizeof(fake_log_text) - 1, n;

	(void)r;
	if (from > len)
		from = len;
	n = len - from < cap ? len - from : cap;
	memcpy(out, fake_log_text + from, n);
	*start = from;
	*next = from + n;
	return n;
}

void
logring_clear(struct logring *r)
{
	(void)r;
}

/* ---- domains ---- */

struct hv *
fake_ctl_hv_new(const char *rundir, gid_t ctl_gid)
{
	struct hv *hv = calloc(1, sizeof(*hv));

	hv->opt.rundir = rundir;
	hv->opt.ctl_gid = ctl_gid;
	hv->tsc_khz = 1234567;
	strcpy(hv->kvm_flavour, "pvm");
	pthread_mutex_init(&hv->domains_lock, NULL);
	memset(&fake_ctl_calls, 0, sizeof(fake_ctl_calls));
	return hv;
}

static void
fake_domain_free(struct domain *d)
{
	close(d->mem.memfd);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

void
fake_ctl_hv_free(struct hv *hv)
{
	xyl_domid_t i;

	for (i = 0; i <= XYL_DOMID_MAX; i++)
		if (hv->domains[i])
			fake_domain_free(hv->domains[i]);
	free(hv);
}

struct domain *
fake_ctl_domain_add(struct hv *hv, xyl_domid_t domid, const char *name)
{
	struct domain *d = calloc(1, sizeof(*d));

	d->hv = hv;
	d->domid = domid;
	snprintf(d->name, sizeof(d->name), "%s", name);
	atomic_init(&d->refcnt, 1);
	pthread_mutex_init(&d->lock, NULL);
	d->mem.memfd = memfd_create("fake-guest", MFD_CLOEXEC);
	d->mem.ram_bytes = 64 << 10;
	d->mem.special_gpa = 0xfe000000ull;
	d->mem.special_bytes = 16 << 10;
	if (ftruncate(d->mem.memfd,
		      (off_t)(d->mem.ram_bytes + d->mem.special_bytes)) < 0)
		abort();
	d->hvm_params[HVM_PARAM_STORE_PFN] = 0xfe001;
	d->state = DOMAIN_PAUSED;
	hv->domains[domid] = d;
	hv->nr_domains++;
	return d;
}

struct domain *
domain_get(struct hv *hv, xyl_domid_t domid)
{
	struct domain *d = domid <= XYL_DOMID_MAX ? hv->domains[domid] : NULL;

	if (d)
		atomic_fetch_add(&d->refcnt, 1);
	return d;
}

struct domain *
domain_get_next(struct hv *hv, xyl_domid_t first)
{
	xyl_domid_t i;

	for (i = first; i <= XYL_DOMID_MAX; i++)
		if (hv->domains[i])
			return domain_get(hv, i);
	return NULL;
}

void
domain_put(struct domain *d)
{
	if (atomic_fetch_sub(&d->refcnt, 1) == 1)
		fake_domain_free(d);
}

int
domain_create(struct hv *hv, const struct domain_config *cfg,
	      struct domain **out, char *err, size_t errlen)
{
	char magic[4] = {0};
	xyl_domid_t id;

	fake_ctl_calls.create++;
	if (pread(cfg->kernel_fd, magic, 4, 0) != 4 ||
	    memcmp(magic, "\177ELF", 4) != 0) {
		snprintf(err, errlen, "kernel: not an ELF image");
		return -ENOEXEC;
	}
	for (id = XYL_DOMID_FIRST_GUEST; id <= XYL_DOMID_MAX; id++)
		if (!hv->domains[id])
			break;
	*out = fake_ctl_domain_add(hv, id, cfg->name);
	return 0;
}

int
domain_destroy(struct domain *d)
{
	fake_ctl_calls.destroy++;
	d->hv->domains[d->domid] = NULL;
	d->hv->nr_domains--;
	domain_put(d); /* the table's reference */
	return 0;
}

int
domain_rename(struct hv *hv, struct domain *d, const char *name, char *err,
	      size_t errlen)
{
	for (xyl_domid_t id = XYL_DOMID_FIRST_GUEST; id <= XYL_DOMID_MAX; id++)
		if (hv->domains[id] && hv->domains[id] != d &&
		    strcmp(hv->domains[id]->name, name) == 0) {
			snprintf(err, errlen, "name %s in use", name);
			return -EEXIST;
		}
	snprintf(d->name, sizeof(d->name), "%s", name);
	return 0;
}

int
domain_pause(struct domain *d)
{
	(void)d;
	fake_ctl_calls.pause++;
	return 0;
}

int
domain_unpause(struct domain *d)
{
	(void)d;
	fake_ctl_calls.unpause++;
	return 0;
}

void
domain_shutdown(struct domain *d, uint32_t reason)
{
	(void)d;
	fake_ctl_calls.shutdown++;
	fake_ctl_calls.last_shutdown_reason = reason;
}

void
domain_getinfo(struct domain *d, struct xyl_dominfo *out)
{
	memset(out, 0, sizeof(*out));
	out->domid = d->domid;
	out->state = XYL_DOMSTATE_PAUSED;
	out->vcpus = 1;
	memcpy(out->name, d->name, sizeof(out->name));
}

/* ---- event channels and grant frames ---- */

int
evtchn_alloc_unbound(struct domain *d, xyl_domid_t remote_dom, uint32_t *port)
{
	(void)d;
	(void)remote_dom;
	*port = 5;
	return 0;
}

int
evtchn_dom0_bind(struct hv *hv, struct domain *remote, uint32_t remote_port,
		 void *owner, uint32_t *dom0_port, int *notify_fd, int *kick_fd)
{
	(void)hv;
	(void)remote;
	fake_ctl_calls.bind++;
	fake_ctl_calls.last_owner = owner;
	if (remote_port != 5)
		return -EINVAL;
	*dom0_port = 1;
	*notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	*kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return 0;
}

int
evtchn_dom0_close(struct hv *hv, uint32_t dom0_port, void *owner)
{
	(void)hv;
	fake_ctl_calls.close++;
	if (owner != fake_ctl_calls.last_owner)
		return -EPERM;
	return dom0_port == 1 ? 0 : -EINVAL;
}

void
evtchn_dom0_close_owner(struct hv *hv, void *owner)
{
	(void)hv;
	if (owner == fake_ctl_calls.last_owner)
		fake_ctl_calls.close_owner++;
}

void
gnttab_frames(struct domain *d, struct xyl_ctl_gnttab_frames_reply *out)
{
	(void)d;
	memset(out, 0, sizeof(*out));
	out->nr_frames = 4;
	out->gfn[0] = 0xfe000;
}

/* smp.c (issue 8) interrupts vCPUs it takes offline. */
void
vcpu_interrupt(struct vcpu *v)
{
	(void)v;
}
