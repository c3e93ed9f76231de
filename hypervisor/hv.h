/*
 * hypervisor/hv.h: the xylem-hv program context.  One struct hv per
 * process, created in main.c and passed down as the first argument; it
 * owns the KVM system fd, the event loop, the domain table, the hypervisor
 * log and the control server.
 */
#ifndef HV_HV_H
#define HV_HV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "xylem/ctl.h"
#include "log.h"
#include "loop.h"
#include "credit.h"

struct domain;
struct ctl_server;
struct evtchn_dom0;

struct hv_options {
	const char *rundir; /* $XYLEM_RUNDIR or /run/xylem */
	gid_t ctl_gid;	    /* group allowed on the control socket; -1 none */
	int verbose;	    /* -v count */
	bool foreground;    /* --foreground (we never daemonise anyway) */
	/* $XYLEM_NO_FAST_NOTIFY=1: no doorbell ioeventfds (evtchn_doorbell.c);
	 * doorbell writes all exit to user space. */
	bool no_fast_notify;
};

struct hv {
	struct hv_options opt;
	int kvm_fd;	      /* /dev/kvm, O_CLOEXEC */
	uint64_t tsc_khz;     /* KVM_GET_TSC_KHZ of a probe VM */
	char kvm_flavour[32]; /* "vmx", "svm", "pvm", "unknown" */
	struct loop loop;     /* main thread's epoll loop */
	struct logring dmesg; /* `xyl dmesg` */
	struct ctl_server *ctl;
	/* dom0's event-channel ends (evtchn_dom0.c): evtchn_dom0_init creates
	 * it after loop_init, evtchn_dom0_fini frees it after the loop stops.
	 */
	struct evtchn_dom0 *evtchn_dom0;

	/* Domain table.  domains_lock guards the table and next_domid; take
	 * it before any domain lock (domain.h has the full lock order). */
	pthread_mutex_t domains_lock;
	struct domain *domains[XYL_DOMID_MAX + 1];
	xyl_domid_t next_domid; /* round-robin; never reuse a live id */
	uint32_t nr_domains;
	uint64_t guest_kib;

	uint8_t pvclock_flags; /* XEN_PVCLOCK_TSC_STABLE_BIT if true here */
	size_t kvm_run_size;   /* KVM_GET_VCPU_MMAP_SIZE */
	/* Written (eventfd) whenever a domain shuts down; --boot mode waits
	 * on it.  -1 if nobody listens. */
	int shutdown_efd;
	struct credit_host sched; /* credit.c: cgroup base, host CPUs */
	/* --boot mode: copy this domain's console_io output to stdout. */
	xyl_domid_t boot_domid; /* 0 = none */
	/* The shared-timer page (stimer.c): memfd and a PROT_READ mapping
	 * that memory.c maps into every guest read-only.  -1/NULL if none. */
	int stimer_fd;
	void *stimer_hva;
};

#endif
