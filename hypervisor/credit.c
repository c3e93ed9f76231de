/*
 * hypervisor/credit.c: the credit scheduler's policy on a Linux host.  Owns
 * xylem-hv's cpu cgroup directory and one child per domain (weight ->
 * cpu.shares, cap -> CFS bandwidth quota), each vCPU thread's hard
 * affinity (sched_setaffinity) and its CPU-time accounting (the thread's
 * CPU clock).  Trust boundary: weights, caps and CPU masks come from dom0
 * over the control socket and are range-checked here.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "domain.h"
#include "hv.h"
#include "credit.h"

/* CFS bandwidth period for caps: short enough that a capped vCPU never
 * stalls for long (a 25 % cap runs 2.5 ms of every 10 ms), long enough
 * that the 1 ms minimum quota allows caps down to 10 %; below that the
 * period is 100 ms. */
#define CREDIT_CAP_PERIOD_US	  10000
#define CREDIT_CAP_LONG_PERIOD_US 100000
/* cpu.shares per unit of Xen weight: weight 256 = 1024 shares, the share
 * of one ordinary host thread, so a default domain competes as one. */
#define CREDIT_SHARES_PER_WEIGHT 4

static int credit_write(const char *dir, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
credit_write(const char *dir, const char *file, const char *fmt, ...)
{
	char path[512], buf[64];
	va_list ap;
	int fd, n, rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)n) != n)
		rc = -errno;
	close(fd);
	return rc;
}

/* The mount point of the cgroup v1 hierarchy with the cpu controller. */
static int
credit_find_cpu_v1(char *out, size_t len)
{
	char dev[64], dir[256], type[32], opts[256];
	FILE *f = fopen("/proc/self/mounts", "re");
	int rc = -ENOENT;

	if (!f)
		return -errno;
	while (fscanf(f, "%63s %255s %31s %255s %*d %*d", dev, dir, type,
		      opts) == 4) {
		char *tok, *save = NULL;
		if (strcmp(type, "cgroup") != 0)
			continue;
		for (tok = strtok_r(opts, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save))
			if (strcmp(tok, "cpu") == 0)
				break;
		if (!tok)
			continue;
		rc = snprintf(out, len, "%s", dir) < (int)len ? 0
							      : -ENAMETOOLONG;
		break;
	}
	fclose(f);
	return rc;
}

/* Remove xylem-<pid> directories whose xylem-hv is gone (killed). */
static void
credit_sweep_stale(const char *root)
{
	DIR *dir = opendir(root);
	struct dirent *e;
	char path[512], sub[1024];

	if (!dir)
		return;
	while ((e = readdir(dir))) {
		int pid;
		if (sscanf(e->d_name, "xylem-%d", &pid) != 1 || pid <= 0 ||
		    kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", root, e->d_name) >=
		    (int)sizeof(path))
			continue;
		DIR *d = opendir(path);
		struct dirent *c;
		while (d && (c = readdir(d)))
			if (strncmp(c->d_name, "dom", 3) == 0) {
				if (snprintf(sub, sizeof(sub), "%s/%s", path,
					     c->d_name) < (int)sizeof(sub))
					rmdir(sub);
			}
		if (d)
			closedir(d);
		rmdir(path);
	}
	closedir(dir);
}

static void
credit_host_cpus(struct credit_host *s)
{
	cpu_set_t set;

	s->all_cpus = 0;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		CPU_ZERO(&set);
	for (int i = 0; i < CREDIT_MAX_HOST_CPUS; i++)
		if (CPU_ISSET(i, &set))
			s->all_cpus |= 1ull << i;
	if (!s->all_cpus)
		s->all_cpus = 1;
	s->nr_cpus = (uint32_t)(64 - __builtin_clzll(s->all_cpus));
}

void
credit_host_init(struct hv *hv)
{
	struct credit_host *s = &hv->sched;
	const char *env = getenv("XYLEM_SCHED_CGROUP");
	char root[192];

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->cap_lock, NULL);
	credit_host_cpus(s);
	s->mode = CREDIT_MODE_NICE;
	/* XYLEM_SCHED_CGROUP=0: plain threads (the benchmark's baseline). */
	if (env && strcmp(env, "0") == 0)
		goto nice;
	if (credit_find_cpu_v1(root, sizeof(root)) < 0)
		goto nice;
	credit_sweep_stale(root);
	snprintf(s->root, sizeof(s->root), "%s", root);
	snprintf(s->base, sizeof(s->base), "%s/xylem-%d", root, (int)getpid());
	if (mkdir(s->base, 0755) < 0 && errno != EEXIST)
		goto nice;
	s->mode = CREDIT_MODE_CGROUP_V1;
	log_info(hv, "scheduler: cpu cgroup %s, %u host cpus", s->base,
		 s->nr_cpus);
	return;
nice:
	s->base[0] = 0;
	log_info(hv, "scheduler: no writable cpu cgroup; weights as nice "
		     "values, caps by xylem-hv");
}

void
credit_host_fini(struct hv *hv)
{
	credit_cap_stop(hv);
	if (hv->sched.mode == CREDIT_MODE_CGROUP_V1)
		rmdir(hv->sched.base);
}

static void
credit_domain_dir(struct domain *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s/dom%u", d->hv->sched.base, d->domid);
}

int
credit_domain_init(struct domain *d)
{
	char dir[320];

	d->sched_weight = CREDIT_DEFAULT_WEIGHT;
	d->sched_cap = 0;
	if (d->hv->sched.mode != CREDIT_MODE_CGROUP_V1)
		return 0;
	credit_domain_dir(d, dir, sizeof(dir));
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	d->has_sched_cgroup = true;
	return credit_write(dir, "cpu.shares", "%u",
			    CREDIT_DEFAULT_WEIGHT * CREDIT_SHARES_PER_WEIGHT);
}

/* Move the tasks of cgroup dir to the hierarchy's root. */
static void
credit_move_tasks(struct hv *hv, const char *dir)
{
	char path[512];
	FILE *f;
	int tid;

	if (snprintf(path, sizeof(path), "%s/tasks", dir) >= (int)sizeof(path))
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	while (fscanf(f, "%d", &tid) == 1)
		credit_write(hv->sched.root, "tasks", "%d", tid);
	fclose(f);
}

void
credit_domain_fini(struct domain *d)
{
	char dir[320];

	if (!d->has_sched_cgroup)
		return;
	/* Move every task out first: the vCPU threads, and KVM's per-VM
	 * worker (kvm-nx-lpage-recovery), which the first KVM_RUN forks
	 * from a vCPU thread and which lives until the VM fd closes. */
	credit_domain_dir(d, dir, sizeof(dir));
	credit_move_tasks(d->hv, dir);
	for (int i = 0; i < 100 && rmdir(dir) < 0 && errno == EBUSY; i++)
		usleep(1000);
	d->has_sched_cgroup = false;
}

/* Nice value whose CFS weight relative to nice 0 is weight/256
 * (each nice step is a factor of ~1.25). */
static int
credit_weight_to_nice(uint32_t weight)
{
	double r = (double)weight / CREDIT_DEFAULT_WEIGHT;
	int nice = 0;

	/* Round to the nearest step: 1.118 is sqrt(1.25). */
	while (r > 1.118 && nice > -20) {
		r /= 1.25;
		nice--;
	}
	while (r < 1 / 1.118 && nice < 19) {
		r *= 1.25;
		nice++;
	}
	return nice;
}

static void
credit_apply_nice(struct vcpu *v, uint32_t weight)
{
	if (v->tid > 0 && setpriority(PRIO_PROCESS, (id_t)v->tid,
				      credit_weight_to_nice(weight)) < 0) {
		/* not root: keep the inherited nice value */
	}
}

int
credit_vcpu_attach(struct vcpu *v)
{
	struct domain *d = v->d;
	char dir[320];
	int rc;

	v->hard_affinity = d->hv->sched.all_cpus;
	if (!d->has_sched_cgroup) {
		credit_apply_nice(v, d->sched_weight);
		return 0;
	}
	credit_domain_dir(d, dir, sizeof(dir));
	rc = credit_write(dir, "tasks", "%d", (int)v->tid);
	return rc;
}

static int
credit_apply_cap(struct domain *d, uint32_t cap)
{
	char dir[320];
	uint32_t period =
		cap >= 10 ? CREDIT_CAP_PERIOD_US : CREDIT_CAP_LONG_PERIOD_US;
	int rc;

	credit_domain_dir(d, dir, sizeof(dir));
	if (cap == 0)
		return credit_write(dir, "cpu.cfs_quota_us", "-1");
	/* Quota first at -1 so a period shorter than the old one never
	 * meets a quota the kernel finds inconsistent. */
	rc = credit_write(dir, "cpu.cfs_quota_us", "-1");
	if (rc == 0)
		rc = credit_write(dir, "cpu.cfs_period_us", "%u", period);
	if (rc == 0)
		rc = credit_write(dir, "cpu.cfs_quota_us", "%llu",
				  (unsigned long long)period * cap / 100);
	return rc;
}

int
credit_set(struct domain *d, uint32_t weight, uint32_t cap)
{
	char dir[320];
	int rc = 0;

	if (weight != 0 &&
	    (weight < CREDIT_MIN_WEIGHT || weight > CREDIT_MAX_WEIGHT))
		return -EINVAL;
	if (cap != ~0u && cap > 100 * d->nr_vcpus)
		return -EINVAL;
	if (cap != ~0u && cap != 0 && !d->has_sched_cgroup) {
		rc = credit_cap_start(d->hv);
		if (rc < 0)
			return rc;
	}
	pthread_mutex_lock(&d->lock);
	if (weight && d->has_sched_cgroup) {
		credit_domain_dir(d, dir, sizeof(dir));
		rc = credit_write(dir, "cpu.shares", "%u",
				  weight * CREDIT_SHARES_PER_WEIGHT);
	} else if (weight) {
		for (uint32_t i = 0; i < d->nr_vcpus; i++)
			credit_apply_nice(&d->vcpus[i], weight);
	}
	if (rc == 0 && weight)
		d->sched_weight = weight;
	if (rc == 0 && cap != ~0u && d->has_sched_cgroup)
		rc = credit_apply_cap(d, cap);
	if (rc == 0 && cap != ~0u)
		d->sched_cap = cap;
	pthread_mutex_unlock(&d->lock);
	if (rc == 0 && cap != ~0u && !d->has_sched_cgroup)
		credit_cap_reset(d);
	return rc;
}

void
credit_get(struct domain *d, uint32_t *weight, uint32_t *cap)
{
	pthread_mutex_lock(&d->lock);
	*weight = d->sched_weight;
	*cap = d->sched_cap;
	pthread_mutex_unlock(&d->lock);
}

int
credit_pin(struct vcpu *v, uint64_t cpus)
{
	cpu_set_t set;

	cpus &= v->d->hv->sched.all_cpus;
	if (!cpus)
		return -EINVAL;
	CPU_ZERO(&set);
	for (int i = 0; i < CREDIT_MAX_HOST_CPUS; i++)
		if (cpus & (1ull << i))
			CPU_SET(i, &set);
	if (v->tid <= 0)
		return -ESRCH;
	if (sched_setaffinity(v->tid, sizeof(set), &set) < 0)
		return -errno;
	v->hard_affinity = cpus;
	return 0;
}

uint64_t
credit_vcpu_time_ns(struct vcpu *v)
{
	struct timespec ts;
	clockid_t clk;

	/* The thread's CPU clock named by tid (Linux's encoding: per-thread,
	 * CPUCLOCK_SCHED), so a thread that already exited gives an error
	 * instead of pthread_getcpuclockid's use of a joined thread. */
	if (v->tid <= 0)
		return 0;
	clk = (clockid_t)((~(unsigned)v->tid << 3) | 6);
	if (clock_gettime(clk, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int
credit_vcpu_cpu(struct vcpu *v)
{
	char path[64], buf[1024], *p;
	int fd, cpu = -1;
	ssize_t n;

	if (v->tid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)v->tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	/* Field 39 (processor); count from after the ")" of comm, which
	 * may itself hold spaces. */
	p = strrchr(buf, ')');
	for (int field = 2; p && field < 39; field++)
		p = strchr(p + 1, ' ');
	if (p)
		cpu = atoi(p + 1);
	return cpu;
}
