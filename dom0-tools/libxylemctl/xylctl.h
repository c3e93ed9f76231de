/*
 * libxylemctl: the only way dom0 programs talk to xylem-hv (the libxenctrl
 * counterpart).  Domain control, guest-memory mapping (the domain's memfd
 * over SCM_RIGHTS), event channels as eventfds, and the event stream.
 * docs/control-protocol.md describes the requests underneath.
 *
 * Every function returns 0 or a negative errno (never prints, never
 * exits).  After a failure, xylctl_last_detail() gives a one-line reason:
 * the hypervisor's for its errors, libxylemctl's own for -EPROTO and
 * local argument checks ("" if none).  Errors common to all request calls:
 *   -ECONNREFUSED / -ENOENT  xylem-hv is not running at that rundir (open)
 *   -EACCES                  the control socket refused our credentials
 *                            (at open if the socket file's mode refuses
 *                            us, else from the first request)
 *   -EPROTO                  a reply did not parse: bad magic/version,
 *                            seq or type mismatch, wrong length, detail
 *                            without NUL, unexpected fds (closed), or
 *                            contents out of range
 *   -EPIPE                   the connection was lost (reopen)
 *   -EINVAL                  the hypervisor found the request malformed or
 *                            a value out of range (detail says which), or
 *                            a request was made on an event connection
 *   -ESRCH                   no such domain (calls that take a domid)
 * Calls block until xylem-hv answers (it answers every request).
 *
 * A struct xylctl is one connection and is not thread-safe; use one per
 * thread.  An event connection (xylctl_events_open) is separate.
 */
#ifndef XYLCTL_H
#define XYLCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xylem/ctl.h"
#include "xylem/sharedtimer.h"

struct xylctl;

/* Rundir used when rundir == NULL: $XYLEM_RUNDIR, else /run/xylem. */
const char *xylctl_default_rundir(void);

/* Connect to $rundir/hv.sock.  -ENOENT / -ECONNREFUSED no xylem-hv,
 * -EACCES socket mode, -ENAMETOOLONG rundir too long, -ENOMEM. */
int xylctl_open(const char *rundir, struct xylctl **out);
/* Close the connection (its dom0 event channels close with it). */
void xylctl_close(struct xylctl *x);
/* One-line reason for the last failure on x; "" after a success. */
const char *xylctl_last_detail(const struct xylctl *x);

/* Host facts: CPUs, memory, TSC, KVM flavour, versions. */
int xylctl_host_info(struct xylctl *x, struct xyl_ctl_host_info_reply *out);

/* Create a paused domain.  kernel_fd / ramdisk_fd (-1 = none) are sent to
 * xylem-hv and stay open for the caller to close.  -EINVAL bad name
 * (printable ASCII, no space or '/', not all digits, < XYL_NAME_MAX),
 * cmdline too long, mem_kib (multiple of 4, >= 4096) or vcpus out of
 * range; -EBADF no kernel fd; -ENOEXEC not a PVH kernel; -EEXIST name in
 * use; -ENOMEM; -ENOSPC no domid left.  The detail names the cause. */
struct xylctl_domain_spec {
	const char *name;
	uint64_t mem_kib;
	uint32_t vcpus;
	const char *cmdline; /* NULL = "" */
	int kernel_fd;
	int ramdisk_fd;
	const uint8_t *uuid; /* 16 bytes or NULL */
};
int xylctl_domain_create(struct xylctl *x, const struct xylctl_domain_spec *s,
			 xyl_domid_t *domid);
/* Life cycle: -ESRCH no such domain; pause/unpause -EINVAL when the
 * domain is shut down or dying; shutdown -EINVAL reason > SHUTDOWN_MAX. */
int xylctl_domain_destroy(struct xylctl *x, xyl_domid_t domid);
int xylctl_domain_pause(struct xylctl *x, xyl_domid_t domid);
int xylctl_domain_unpause(struct xylctl *x, xyl_domid_t domid);
int xylctl_domain_shutdown(struct xylctl *x, xyl_domid_t domid,
			   uint32_t reason);
/* Rename a domain: -EEXIST name in use, -EINVAL bad name (as create). */
int xylctl_domain_rename(struct xylctl *x, xyl_domid_t domid,
			 const char *name);
/* Set a domain's maximum memory (xl mem-max), KiB rounded down to whole
 * pages: -EINVAL below its current memory (no balloon) or above the
 * largest RAM a domain can have; -ESRCH. */
int xylctl_domain_set_max_mem(struct xylctl *x, xyl_domid_t domid,
			      uint64_t max_kib);
/* One domain's info; -ESRCH if none. */
int xylctl_domain_getinfo(struct xylctl *x, xyl_domid_t domid,
			  struct xyl_dominfo *out);
/* All live guests, sorted by domid, gathered over as many DOMAIN_LIST
 * pages as needed; *out is malloc'd (free it; NULL when *nr is 0).
 * -ENOMEM; -EPROTO on an unsorted or oversized page. */
int xylctl_domain_list(struct xylctl *x, struct xyl_dominfo **out, size_t *nr);
/* Find a domain by name or by decimal id string; -ESRCH if none. */
int xylctl_domain_lookup(struct xylctl *x, const char *name_or_id,
			 xyl_domid_t *domid);

/* Guest memory: the memfd mapped MAP_SHARED once. */
struct xylctl_guest_mem {
	int memfd;
	uint8_t *base; /* mmap of memfd_bytes */
	struct xyl_ctl_memory_map_reply layout;
};
/* Receive the memfd (MEMORY_MAP) and mmap it whole.  -ESRCH; -EPROTO if
 * the layout is inconsistent or larger than the memfd; mmap's errno. */
int xylctl_map_guest(struct xylctl *x, xyl_domid_t domid,
		     struct xylctl_guest_mem *out);
/* munmap and close the memfd; safe on a zeroed or unmapped struct. */
void xylctl_unmap_guest(struct xylctl_guest_mem *m);
/* Host pointer for [gpa, gpa+len), NULL if outside RAM and special area. */
void *xylctl_gpa(const struct xylctl_guest_mem *m, uint64_t gpa, size_t len);

/* The host's shared-timer page (include/xylem/sharedtimer.h), mapped
 * once: read-write for xylem-sharedtimer (is_writer), read-only for
 * everyone else. */
struct xylctl_stimer {
	volatile struct xyl_stimer_page *page; /* NULL: not mapped */
	uint64_t gpa;			       /* where guests see it */
};
/* SHARED_TIMER_MAP + mmap.  -ENODEV xylem-hv has no page; -EPROTO the
 * memfd is not one page; mmap's errno. */
int xylctl_stimer_map(struct xylctl *x, bool is_writer,
		      struct xylctl_stimer *out);
/* munmap; safe on a zeroed struct. */
void xylctl_stimer_unmap(struct xylctl_stimer *s);
/* A consistent (tick, ns) pair by the seqlock rule: 0; -ENODEV no timer
 * has started (magic 0); -EAGAIN the writer stayed mid-update. */
int xylctl_stimer_read(const struct xylctl_stimer *s, uint64_t *tick,
		       uint64_t *ns);
/* The tick alone (one atomic load); 0 if no timer has started. */
uint64_t xylctl_stimer_tick(const struct xylctl_stimer *s);

/* HVM_PARAM_* of a domain (dom0 may set any defined one): -EINVAL index
 * >= HVM_NR_PARAMS, -ESRCH. */
int xylctl_hvm_param_get(struct xylctl *x, xyl_domid_t domid, uint32_t index,
			 uint64_t *value);
int xylctl_hvm_param_set(struct xylctl *x, xyl_domid_t domid, uint32_t index,
			 uint64_t value);

/* Event channels.  An interdomain binding gives dom0 two eventfds:
 * notify_fd becomes readable when the guest sends; writing 1 to kick_fd
 * sends to the guest (xylctl_evtchn_notify does that). */
struct xylctl_evtchn {
	uint32_t port; /* dom0's port */
	int notify_fd;
	int kick_fd;
};
/* An unbound port in guest dom that remote_dom may bind: -ESRCH, -ENOSPC
 * no free port, -EINVAL remote_dom out of range. */
int xylctl_evtchn_alloc_unbound(struct xylctl *x, xyl_domid_t dom,
				xyl_domid_t remote_dom, uint32_t *port);
/* Bind dom0's end to remote_dom's unbound port (made for dom 0): -EINVAL
 * port not unbound for dom0, -ESRCH, -ENOSPC, -EMFILE.  The new port may
 * show one notification at once (as in Xen).  Bindings belong to x's
 * connection and close with it. */
int xylctl_evtchn_bind_interdomain(struct xylctl *x, xyl_domid_t remote_dom,
				   uint32_t remote_port,
				   struct xylctl_evtchn *out);
/* Close dom0's end and its eventfds (the fds are closed even on error):
 * -EINVAL no such port, -EPERM bound by another connection. */
int xylctl_evtchn_close(struct xylctl *x, struct xylctl_evtchn *e);
/* Send an event to the guest (write 1 to kick_fd); 0 or -errno. */
int xylctl_evtchn_notify(const struct xylctl_evtchn *e);
/* Consume pending notifications (read notify_fd); returns count >= 0. */
int64_t xylctl_evtchn_drain(const struct xylctl_evtchn *e);

/* Where the grant frames are now (gfns); -ESRCH. */
int xylctl_gnttab_frames(struct xylctl *x, xyl_domid_t domid,
			 struct xyl_ctl_gnttab_frames_reply *out);

/* Log streams: read from absolute offset *pos, advance *pos.  Sets *len
 * to the bytes placed in buf (0 when nothing new; at most cap and at most
 * XYL_LOG_CHUNK per call: loop until 0).  If older bytes were dropped,
 * *pos jumps forward past them.  -EINVAL cap == 0; console: -ESRCH.
 * clear != 0 empties the hypervisor log after this read. */
int xylctl_dmesg(struct xylctl *x, uint64_t *pos, int clear, char *buf,
		 size_t cap, size_t *len);
int xylctl_console_read(struct xylctl *x, xyl_domid_t domid, uint64_t *pos,
			char *buf, size_t cap, size_t *len);

/* Event stream on its own connection (subscribed at open; no requests
 * on it afterwards): every domain's events.  Errors of xylctl_open. */
int xylctl_events_open(const char *rundir, struct xylctl **out);
/* Only domain domid's events (plus OVERFLOW); domid need not exist yet.
 * XYL_DOMID_ANY is xylctl_events_open.  -EINVAL domid out of range. */
int xylctl_events_open_domain(const char *rundir, xyl_domid_t domid,
			      struct xylctl **out);
int xylctl_events_fd(const struct xylctl *x); /* for poll() */
/* Wait up to timeout_ms (-1 forever) for one event; -ETIMEDOUT if none,
 * -ENOBUFS if events were lost (xylem-hv then drops the connection:
 * reopen and resync with xylctl_domain_list), -EPIPE connection lost,
 * -EPROTO malformed event, -EINVAL not an event connection. */
int xylctl_event_next(struct xylctl *x, struct xyl_ctl_event *ev,
		      int timeout_ms);

/* Credit scheduler (issue 8, docs/scheduler.md).  weight 1..65535 (set: 0
 * keeps it), cap in % of one host CPU, 0 = none (set: XYL_SCHED_KEEP
 * keeps it).  -ESRCH, -EINVAL out of range, -EOPNOTSUPP cap without a
 * cpu cgroup on the host. */
int xylctl_sched_credit_get(struct xylctl *x, xyl_domid_t domid,
			    uint32_t *weight, uint32_t *cap);
int xylctl_sched_credit_set(struct xylctl *x, xyl_domid_t domid,
			    uint32_t weight, uint32_t cap);
/* Every vCPU of domid (out->nr_vcpus entries): -ESRCH, -EPROTO if the
 * reply names more vCPUs than XYL_MAX_VCPUS. */
int xylctl_vcpu_list(struct xylctl *x, xyl_domid_t domid,
		     struct xyl_ctl_vcpu_list_reply *out);
/* Hard affinity of vcpu (or XYL_VCPU_ALL) to the host CPUs in mask:
 * -EINVAL no such vCPU or no such host CPU, -ESRCH. */
int xylctl_vcpu_pin(struct xylctl *x, xyl_domid_t domid, uint32_t vcpu,
		    uint64_t cpus);
/* Keep vCPUs 0..nr_online-1 online, take the rest offline: -EINVAL. */
int xylctl_vcpu_set(struct xylctl *x, xyl_domid_t domid, uint32_t nr_online);

#endif
