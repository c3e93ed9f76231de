/*
 * hypervisor/credit.h: the credit scheduler's policy (credit.c): per-domain
 * weight and cap, per-vCPU hard affinity, per-vCPU CPU time.  vCPUs are
 * host threads; shares are enforced by the host kernel's scheduler through
 * one cpu cgroup per domain (docs/scheduler.md says why and what was
 * measured).  Values come from the control socket, checked here.
 */
#ifndef HV_CREDIT_H
#define HV_CREDIT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct hv;
struct domain;
struct vcpu;

#define CREDIT_DEFAULT_WEIGHT 256
#define CREDIT_MIN_WEIGHT     1
#define CREDIT_MAX_WEIGHT     65535
#define CREDIT_MAX_HOST_CPUS  64 /* affinity masks are uint64_t */

enum credit_mode {
	CREDIT_MODE_NICE = 0,  /* no writable cpu cgroup: weights as nice */
	CREDIT_MODE_CGROUP_V1, /* cpu.shares, cpu.cfs_quota_us */
};

/* Host side: owned by struct hv, made by credit_host_init. */
struct credit_host {
	enum credit_mode mode;
	char root[192];	   /* the cpu hierarchy's mount point */
	char base[256];	   /* our cgroup directory ("" in NICE mode) */
	uint32_t nr_cpus;  /* host CPUs we may pin to (<= 64) */
	uint64_t all_cpus; /* mask of those CPUs */
	/* NICE mode's cap enforcer (credit_cap.c), started by the first cap;
	 * cap_lock guards starting and stopping it. */
	pthread_mutex_t cap_lock;
	pthread_t cap_thread;
	bool is_cap_running;
	atomic_bool cap_stop;
};

/* Find the cpu cgroup hierarchy and make our directory (removing those
 * left by dead xylem-hv processes).  Never fails: without cgroups, weights
 * fall back to nice values and caps to credit_cap.c's enforcer. */
void credit_host_init(struct hv *hv);
void credit_host_fini(struct hv *hv);

/* Per domain: its cgroup with the default weight, no cap.  -errno. */
int credit_domain_init(struct domain *d);
/* Before the vCPU threads are joined: move them out, remove the cgroup. */
void credit_domain_fini(struct domain *d);
/* Put a started vCPU thread (v->tid) under its domain's policy. */
int credit_vcpu_attach(struct vcpu *v);

/* Weight 1..65535 (0 = keep), cap in % of one CPU, 0 = none, at most
 * 100 * nr_vcpus (~0u = keep).  -EINVAL out of range; without a cgroup
 * caps are enforced by credit_cap.c. */
int credit_set(struct domain *d, uint32_t weight, uint32_t cap);
void credit_get(struct domain *d, uint32_t *weight, uint32_t *cap);
/* Hard affinity of v: a non-empty subset of the host's CPUs.  -EINVAL. */
int credit_pin(struct vcpu *v, uint64_t cpus);
/* CPU time v's thread consumed (guest + hypercalls), ns. */
uint64_t credit_vcpu_time_ns(struct vcpu *v);
/* Host CPU v's thread last ran on, or -1. */
int credit_vcpu_cpu(struct vcpu *v);

/* credit_cap.c: caps without a cgroup.  Start the enforcer (idempotent;
 * -errno from pthread_create), stop and join it (credit_host_fini). */
int credit_cap_start(struct hv *hv);
void credit_cap_stop(struct hv *hv);
/* A domain's cap changed: restart its accounting from now. */
void credit_cap_reset(struct domain *d);

#endif
