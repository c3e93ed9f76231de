/*
 * hypervisor/domain.c: domain life cycle and the domain table.  Owns each
 * domain's KVM VM, memory, vCPUs and their threads; domain_destroy is the
 * only path that frees them.  Configs come from the control socket and
 * kernels from files: both are checked before anything is built.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xen/sched.h>

#include "control.h"
#include "domain.h"
#include "evtchn.h"
#include "gnttab.h"
#include "hv.h"
#include "kvm.h"
#include "memory.h"
#include "pvh.h"
#include "credit.h"
#include "timer.h"
#include "vcpu.h"

#define DOMAIN_MAX_IMAGE    (512ull << 20)
#define DOMAIN_CONSOLE_RING (64 * 1024)

static uint64_t
domain_clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

uint64_t
domain_system_time_ns(const struct domain *d)
{
	return domain_clock_ns(CLOCK_MONOTONIC) - d->boot_mono_ns;
}

/* Read a whole (borrowed) fd into a new buffer. */
static int
domain_read_image(int fd, uint8_t **out, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > DOMAIN_MAX_IMAGE)
		return -EINVAL;
	buf = malloc((size_t)st.st_size);
	if (!buf)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + got, (size_t)st.st_size - got,
				  (off_t)got);
		if (n <= 0) {
			int rc = n < 0 ? -errno : -EIO;
			free(buf);
			return rc;
		}
		got += (size_t)n;
	}
	*out = buf;
	*len = got;
	return 0;
}

static int
domain_check_config(const struct domain_config *cfg, char *err, size_t errlen)
{
	uint64_t bytes = cfg->mem_kib * 1024;

	if (strnlen(cfg->name, XYL_NAME_MAX) == 0 ||
	    strnlen(cfg->name, XYL_NAME_MAX) >= XYL_NAME_MAX) {
		snprintf(err, errlen, "bad domain name");
		return -EINVAL;
	}
	if (cfg->mem_kib % 4 || cfg->mem_kib > (MEMORY_MAX_RAM >> 10) ||
	    bytes < MEMORY_MIN_RAM) {
		snprintf(err, errlen,
			 "memory %llu KiB: need a multiple of 4 "
			 "KiB in [%llu MiB, %llu MiB]",
			 (unsigned long long)cfg->mem_kib, MEMORY_MIN_RAM >> 20,
			 MEMORY_MAX_RAM >> 20);
		return -EINVAL;
	}
	if (cfg->vcpus < 1 || cfg->vcpus > XYL_MAX_VCPUS) {
		snprintf(err, errlen, "vcpus %u: need 1..%u", cfg->vcpus,
			 XYL_MAX_VCPUS);
		return -EINVAL;
	}
	if (strnlen(cfg->cmdline, XYL_CMDLINE_MAX) >= XYL_CMDLINE_MAX) {
		snprintf(err, errlen, "command line not terminated");
		return -EINVAL;
	}
	return 0;
}

int
domain_rename(struct hv *hv, struct domain *d, const char *name, char *err,
	      size_t errlen)
{
	int rc = 0;

	/* Lock order (domain.h): the domain table, then the domain. */
	pthread_mutex_lock(&hv->domains_lock);
	for (xyl_domid_t id = XYL_DOMID_FIRST_GUEST; id <= XYL_DOMID_MAX; id++)
		if (hv->domains[id] && hv->domains[id] != d &&
		    strcmp(hv->domains[id]->name, name) == 0) {
			snprintf(err, errlen, "name %s in use (dom %u)", name,
				 id);
			rc = -EEXIST;
			goto out;
		}
	pthread_mutex_lock(&d->lock);
	snprintf(d->name, sizeof(d->name), "%s", name);
	pthread_mutex_unlock(&d->lock);
out:
	pthread_mutex_unlock(&hv->domains_lock);
	return rc;
}

/* Reserve a domid (round robin, never one in use) and check the name;
 * d goes into the table in DOMAIN_DYING until it is fully built. */
static int
domain_table_insert(struct hv *hv, struct domain *d, char *err, size_t errlen)
{
	int rc = -ENOSPC;

	pthread_mutex_lock(&hv->domains_lock);
	for (xyl_domid_t id = XYL_DOMID_FIRST_GUEST; id <= XYL_DOMID_MAX; id++)
		if (hv->domains[id] &&
		    strcmp(hv->domains[id]->name, d->name) == 0) {
			snprintf(err, errlen, "name %s in use", d->name);
			rc = -EEXIST;
			goto out;
		}
	for (uint32_t i = 0; i < XYL_DOMID_MAX; i++) {
		xyl_domid_t id = hv->next_domid;
		hv->next_domid =
			id >= XYL_DOMID_MAX ? XYL_DOMID_FIRST_GUEST : id + 1;
		if (id < XYL_DOMID_FIRST_GUEST || hv->domains[id])
			continue;
		d->domid = id;
		hv->domains[id] = d;
		hv->nr_domains++;
		rc = 0;
		goto out;
	}
	snprintf(err, errlen, "no free domain id");
out:
	pthread_mutex_unlock(&hv->domains_lock);
	return rc;
}

static void
domain_table_remove(struct domain *d)
{
	struct hv *hv = d->hv;

	pthread_mutex_lock(&hv->domains_lock);
	if (hv->domains[d->domid] == d) {
		hv->domains[d->domid] = NULL;
		hv->nr_domains--;
	}
	pthread_mutex_unlock(&hv->domains_lock);
}

static struct domain *
domain_alloc(struct hv *hv, const struct domain_config *cfg)
{
	struct domain *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->hv = hv;
	d->vm_fd = -1;
	d->mem.memfd = -1;
	atomic_init(&d->refcnt, 1);
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->cond, NULL);
	d->state = DOMAIN_DYING;
	d->shutdown_code = ~0u;
	memcpy(d->name, cfg->name, XYL_NAME_MAX);
	d->name[XYL_NAME_MAX - 1] = 0;
	memcpy(d->uuid, cfg->uuid, sizeof(d->uuid));
	d->create_time_ns = domain_clock_ns(CLOCK_REALTIME);
	d->boot_mono_ns = domain_clock_ns(CLOCK_MONOTONIC);
	d->boot_real_ns = d->create_time_ns;
	if (logring_init(&d->console, DOMAIN_CONSOLE_RING) < 0) {
		free(d);
		return NULL;
	}
	return d;
}

static void
domain_make_uuid(struct domain *d)
{
	static const uint8_t zero[16];
	FILE *f;

	if (memcmp(d->uuid, zero, sizeof(zero)) != 0)
		return;
	f = fopen("/proc/sys/kernel/random/uuid", "re");
	if (f) {
		unsigned b[16];
		if (fscanf(f,
			   "%2x%2x%2x%2x-%2x%2x-%2x%2x-%2x%2x-%2x%2x%2x%2x%2x"
			   "%2x",
			   &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[6],
			   &b[7], &b[8], &b[9], &b[10], &b[11], &b[12], &b[13],
			   &b[14], &b[15]) == 16)
			for (int i = 0; i < 16; i++)
				d->uuid[i] = (uint8_t)b[i];
		fclose(f);
	}
}

/* Kernel and ramdisk into RAM, start_info, vCPU 0's entry state. */
static int
domain_load(struct domain *d, const struct domain_config *cfg,
	    struct pvh_boot *boot, char *err, size_t errlen)
{
	struct pvh_mem m = {d->mem.hva, d->mem.ram_bytes, d->mem.special_gpa,
			    d->mem.special_bytes};
	uint8_t *kernel = NULL, *ramdisk = NULL;
	size_t klen = 0, rlen = 0;
	int rc;

	rc = domain_read_image(cfg->kernel_fd, &kernel, &klen);
	if (rc < 0) {
		snprintf(err, errlen, "kernel: cannot read: %s", strerror(-rc));
		goto out;
	}
	if (cfg->ramdisk_fd >= 0) {
		rc = domain_read_image(cfg->ramdisk_fd, &ramdisk, &rlen);
		if (rc < 0) {
			snprintf(err, errlen, "ramdisk: cannot read: %s",
				 strerror(-rc));
			goto out;
		}
	}
	char why[XYL_DETAIL_MAX - 16];
	rc = pvh_load(&m, kernel, klen, cfg->cmdline, ramdisk, rlen, boot, why,
		      sizeof(why));
	if (rc < 0)
		snprintf(err, errlen, "kernel: %s", why);
out:
	free(kernel);
	free(ramdisk);
	return rc;
}

static void
domain_init_shared_info(struct domain *d)
{
	struct shared_info *s =
		memory_special_page(d, MEMORY_SPECIAL_SHINFO_PAGE);

	/* Xen starts every vCPU with upcalls masked. */
	for (int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
		s->vcpu_info[i].evtchn_upcall_mask = 1;
	d->shared_info = s;
	d->shared_info_gfn = MEMORY_SPECIAL_GFN(MEMORY_SPECIAL_SHINFO_PAGE);
	d->hvm_params[HVM_PARAM_STORE_PFN] =
		MEMORY_SPECIAL_GFN(MEMORY_SPECIAL_STORE_PAGE);
	d->hvm_params[HVM_PARAM_CONSOLE_PFN] =
		MEMORY_SPECIAL_GFN(MEMORY_SPECIAL_CONSOLE_PAGE);
	timer_wallclock_update(d);
}

static int
domain_init_vcpus(struct domain *d, const struct pvh_boot *boot)
{
	struct pvh_mem m = {d->mem.hva, d->mem.ram_bytes, d->mem.special_gpa,
			    d->mem.special_bytes};
	int rc;

	d->vcpus = calloc(d->nr_vcpus, sizeof(*d->vcpus));
	if (!d->vcpus)
		return -ENOMEM;
	for (uint32_t i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = &d->vcpus[i];
		rc = vcpu_init(d, v, i);
		if (rc < 0)
			return rc;
		if (i < XEN_LEGACY_MAX_VCPUS)
			atomic_store(&v->vcpu_info,
				     &d->shared_info->vcpu_info[i]);
		timer_pvclock_update(v);
	}
	atomic_store(&d->vcpus[0].is_up, true);
	d->vcpus[0].is_initialised = true;
	return pvh_vcpu_setup(d->vcpus[0].fd, &m, boot);
}

/* Everything after the table slot: VM, memory, image, vCPUs, events. */
static int
domain_build(struct domain *d, const struct domain_config *cfg, char *err,
	     size_t errlen)
{
	struct pvh_boot boot;
	int rc;

	rc = kvm_vm_create(d->hv, &d->vm_fd);
	if (rc < 0) {
		snprintf(err, errlen, "KVM VM: %s", strerror(-rc));
		return rc;
	}
	rc = memory_init(d, cfg->mem_kib * 1024);
	if (rc < 0) {
		snprintf(err, errlen, "guest memory: %s", strerror(-rc));
		return rc;
	}
	atomic_store(&d->max_mem_kib, cfg->mem_kib);
	domain_init_shared_info(d);
	rc = domain_load(d, cfg, &boot, err, errlen);
	if (rc < 0)
		return rc;
	d->nr_vcpus = cfg->vcpus;
	rc = domain_init_vcpus(d, &boot);
	if (rc < 0) {
		snprintf(err, errlen, "vcpus: %s", strerror(-rc));
		return rc;
	}
	rc = credit_domain_init(d);
	if (rc < 0) {
		snprintf(err, errlen, "scheduler cgroup: %s", strerror(-rc));
		return rc;
	}
	rc = evtchn_domain_init(d);
	if (rc == 0)
		rc = gnttab_domain_init(d);
	if (rc < 0) {
		snprintf(err, errlen, "event channels / grants: %s",
			 strerror(-rc));
		return rc;
	}
	return 0;
}

/* Release what domain_build made, in reverse order.  vCPU threads must
 * be stopped (state DYING). */
static void
domain_teardown(struct domain *d)
{
	credit_domain_fini(d);
	for (uint32_t i = 0; d->vcpus && i < d->nr_vcpus; i++)
		vcpu_join(&d->vcpus[i]);
	/* No timer may raise a VIRQ once the event channels go. */
	for (uint32_t i = 0; d->vcpus && i < d->nr_vcpus; i++)
		if (d->vcpus[i].d)
			timer_vcpu_fini(&d->vcpus[i]);
	if (d->gnttab)
		gnttab_domain_destroy(d);
	if (d->evtchn)
		evtchn_domain_destroy(d);
	for (uint32_t i = 0; d->vcpus && i < d->nr_vcpus; i++)
		if (d->vcpus[i].d)
			vcpu_fini(&d->vcpus[i]);
}

/* The last reference: what another thread holding a domain_get()
 * reference may still touch (event/grant tables, guest memory) goes
 * only now. */
static void
domain_free(struct domain *d)
{
	if (d->evtchn)
		evtchn_domain_free(d);
	if (d->gnttab)
		gnttab_domain_free(d);
	__atomic_store_n(&d->shared_info, NULL, __ATOMIC_RELEASE);
	memory_fini(d);
	if (d->vm_fd >= 0)
		close(d->vm_fd);
	d->vm_fd = -1;
	free(d->vcpus);
	logring_fini(&d->console);
	pthread_cond_destroy(&d->cond);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

int
domain_create(struct hv *hv, const struct domain_config *cfg,
	      struct domain **out, char *err, size_t errlen)
{
	struct domain *d;
	int rc;

	err[0] = 0;
	rc = domain_check_config(cfg, err, errlen);
	if (rc < 0)
		return rc;
	d = domain_alloc(hv, cfg);
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	domain_make_uuid(d);
	rc = domain_table_insert(hv, d, err, errlen);
	if (rc < 0) {
		domain_put(d);
		return rc;
	}
	rc = domain_build(d, cfg, err, errlen);
	if (rc < 0) {
		domain_teardown(d);
		domain_table_remove(d);
		domain_put(d);
		return rc;
	}
	pthread_mutex_lock(&hv->domains_lock);
	hv->guest_kib += cfg->mem_kib;
	pthread_mutex_unlock(&hv->domains_lock);
	pthread_mutex_lock(&d->lock);
	d->state = DOMAIN_PAUSED;
	d->is_paused_by_ctl = true;
	pthread_mutex_unlock(&d->lock);
	for (uint32_t i = 0; i < d->nr_vcpus; i++) {
		rc = vcpu_start(&d->vcpus[i]);
		if (rc == 0)
			rc = credit_vcpu_attach(&d->vcpus[i]);
		if (rc < 0) {
			snprintf(err, errlen, "vcpu thread %u: %s", i,
				 strerror(-rc));
			domain_destroy(d);
			return rc;
		}
	}
	log_info(hv, "dom %u (%s) created: %llu MiB, %u vcpu(s)", d->domid,
		 d->name, (unsigned long long)(cfg->mem_kib >> 10), cfg->vcpus);
	*out = d;
	return 0;
}

static void
domain_interrupt_all(struct domain *d)
{
	for (uint32_t i = 0; i < d->nr_vcpus; i++)
		vcpu_interrupt(&d->vcpus[i]);
}

static bool
domain_on_own_vcpu(struct domain *d)
{
	for (uint32_t i = 0; i < d->nr_vcpus; i++)
		if (d->vcpus[i].thread_started &&
		    pthread_equal(d->vcpus[i].thread, pthread_self()))
			return true;
	return false;
}

/* Wake --boot mode's waiter (hv->shutdown_efd) after a shutdown or a
 * destroy. */
static void
domain_notify_listener(struct domain *d)
{
	uint64_t one = 1;

	if (d->hv->shutdown_efd >= 0 &&
	    write(d->hv->shutdown_efd, &one, sizeof(one)) < 0) {
		/* counter full: the listener is awake anyway */
	}
}

static void
domain_notify_shutdown(struct domain *d, uint32_t reason)
{
	struct xyl_ctl_event ev = {.kind = XYL_EVENT_DOMAIN_SHUTDOWN,
				   .domid = d->domid,
				   .arg = reason};

	ctl_emit_event(d->hv, &ev);
	domain_notify_listener(d);
}

int
domain_destroy(struct domain *d)
{
	struct hv *hv = d->hv;
	struct xyl_ctl_event ev = {.kind = XYL_EVENT_DOMAIN_DESTROYED};

	if (domain_on_own_vcpu(d))
		return -EDEADLK;
	pthread_mutex_lock(&d->lock);
	if (d->state == DOMAIN_DYING) {
		pthread_mutex_unlock(&d->lock);
		return -ESRCH;
	}
	d->state = DOMAIN_DYING;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	domain_interrupt_all(d);
	domain_teardown(d);
	domain_table_remove(d);
	pthread_mutex_lock(&hv->domains_lock);
	hv->guest_kib -= d->mem.ram_bytes >> 10;
	pthread_mutex_unlock(&hv->domains_lock);
	log_info(hv, "dom %u (%s) destroyed", d->domid, d->name);
	domain_notify_listener(d);
	(void)ev; /* DESTROYED is emitted by the control handler (H4 split) */
	domain_put(d);
	return 0;
}

int
domain_pause(struct domain *d)
{
	bool wait = !domain_on_own_vcpu(d);

	pthread_mutex_lock(&d->lock);
	if (d->state != DOMAIN_RUNNING && d->state != DOMAIN_PAUSED) {
		pthread_mutex_unlock(&d->lock);
		return -EINVAL;
	}
	d->state = DOMAIN_PAUSED;
	d->is_paused_by_ctl = true;
	pthread_mutex_unlock(&d->lock);
	domain_interrupt_all(d);
	pthread_mutex_lock(&d->lock);
	for (uint32_t i = 0; wait && i < d->nr_vcpus; i++) {
		while (d->vcpus[i].in_guest && d->state == DOMAIN_PAUSED)
			pthread_cond_wait(&d->cond, &d->lock);
		d->vcpus[i].pause_count++;
	}
	pthread_mutex_unlock(&d->lock);
	return 0;
}

int
domain_unpause(struct domain *d)
{
	pthread_mutex_lock(&d->lock);
	if (d->state != DOMAIN_PAUSED) {
		int rc = d->state == DOMAIN_RUNNING ? 0 : -EINVAL;
		pthread_mutex_unlock(&d->lock);
		return rc;
	}
	d->state = DOMAIN_RUNNING;
	d->is_paused_by_ctl = false;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	return 0;
}

void
domain_shutdown(struct domain *d, uint32_t reason)
{
	pthread_mutex_lock(&d->lock);
	if (d->state != DOMAIN_RUNNING && d->state != DOMAIN_PAUSED) {
		pthread_mutex_unlock(&d->lock);
		return;
	}
	d->state = DOMAIN_SHUTDOWN;
	d->shutdown_reason = reason;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	domain_interrupt_all(d);
	for (uint32_t i = 0; i < d->nr_vcpus; i++) {
		timer_stop_singleshot(&d->vcpus[i]);
		timer_stop_periodic(&d->vcpus[i]);
	}
	log_info(d->hv, "dom %u (%s) shut down, reason %u", d->domid, d->name,
		 reason);
	domain_notify_shutdown(d, reason);
}

void
domain_crash(struct domain *d, const char *why)
{
	log_msg(d->hv, LOG_ERR, (int)d->domid, "crashed: %s", why);
	domain_shutdown(d, SHUTDOWN_crash);
}

void
domain_getinfo(struct domain *d, struct xyl_dominfo *out)
{
	bool all_blocked = true;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&d->lock);
	out->domid = d->domid;
	memcpy(out->name, d->name, sizeof(out->name));
	memcpy(out->uuid, d->uuid, sizeof(out->uuid));
	out->vcpus = d->nr_vcpus;
	out->mem_kib = d->mem.ram_bytes >> 10;
	out->max_mem_kib = atomic_load(&d->max_mem_kib);
	out->create_time_ns = d->create_time_ns;
	for (uint32_t i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = &d->vcpus[i];
		out->cpu_time_ns += credit_vcpu_time_ns(v);
		if (atomic_load(&v->is_up)) {
			out->vcpus_online++;
			all_blocked &= atomic_load(&v->is_blocked);
		}
	}
	switch (d->state) {
	case DOMAIN_PAUSED:
		out->state = XYL_DOMSTATE_PAUSED;
		break;
	case DOMAIN_RUNNING:
		out->state = all_blocked ? XYL_DOMSTATE_BLOCKED
					 : XYL_DOMSTATE_RUNNING;
		break;
	case DOMAIN_SHUTDOWN:
		out->state = XYL_DOMSTATE_SHUTDOWN;
		out->shutdown_reason = d->shutdown_reason;
		if (d->shutdown_reason == SHUTDOWN_crash)
			out->state |= XYL_DOMSTATE_CRASHED;
		break;
	case DOMAIN_DYING:
		out->state = XYL_DOMSTATE_DYING;
		break;
	}
	pthread_mutex_unlock(&d->lock);
}

struct domain *
domain_get(struct hv *hv, xyl_domid_t domid)
{
	struct domain *d = NULL;

	if (domid > XYL_DOMID_MAX)
		return NULL;
	pthread_mutex_lock(&hv->domains_lock);
	d = hv->domains[domid];
	if (d && __atomic_load_n(&d->state, __ATOMIC_ACQUIRE) != DOMAIN_DYING)
		atomic_fetch_add(&d->refcnt, 1);
	else
		d = NULL;
	pthread_mutex_unlock(&hv->domains_lock);
	return d;
}

struct domain *
domain_get_next(struct hv *hv, xyl_domid_t first)
{
	for (xyl_domid_t id = first; id <= XYL_DOMID_MAX; id++) {
		struct domain *d = domain_get(hv, id);
		if (d)
			return d;
	}
	return NULL;
}

void
domain_put(struct domain *d)
{
	if (atomic_fetch_sub(&d->refcnt, 1) != 1)
		return;
	domain_free(d);
}

void
domain_console_write(struct domain *d, const char *buf, size_t len)
{
	struct xyl_ctl_event ev = {.kind = XYL_EVENT_CONSOLE_OUTPUT,
				   .domid = d->domid};

	logring_write(&d->console, buf, len);
	if (d->hv->boot_domid == d->domid && d->domid != 0) {
		fwrite(buf, 1, len, stdout);
		fflush(stdout);
	}
	while (len) {
		size_t n = len < sizeof(ev.data) ? len : sizeof(ev.data);
		memcpy(ev.data, buf, n);
		ev.len = (uint32_t)n;
		ctl_emit_event(d->hv, &ev);
		buf += n;
		len -= n;
	}
}
