/*
 * include/xylem/ctl.h: the control protocol between dom0 programs
 * (through libxylemctl) and xylem-hv, over $XYLEM_RUNDIR/hv.sock.
 * The counterpart of Xen's domctl/sysctl plus the privcmd, evtchn and
 * gntdev devices.  Only hypervisor/control.c and libxylemctl encode or
 * decode these messages.
 *
 * Transport: a SOCK_SEQPACKET Unix socket; one request or reply is one
 * packet.  The peer's credentials are checked at accept (SO_PEERCRED: uid
 * 0, or a member of the group given to xylem-hv with --group).  File
 * descriptors travel as SCM_RIGHTS on the reply packet that names them.
 *
 * Every packet starts with struct xyl_ctl_hdr.  A request is the header
 * followed by exactly the fixed-size body of its type (len == sizeof body);
 * the hypervisor checks magic, version, type and len before it reads the
 * body, and answers any malformed packet with XYL_CTL_ERROR_REPLY carrying
 * -EINVAL (or -EPROTO for a bad magic/version) and a detail string.  It
 * never closes other clients' connections because of one bad packet.
 *
 * A reply is struct xyl_ctl_reply followed by the body of the request
 * type's reply (possibly empty; len covers the xyl_ctl_reply fields after
 * the header plus the body).  reply.err is 0 or a negative errno; on error
 * the body is absent and detail[] says what was wrong in one line.
 *
 * Replies always carry the whole fixed-size body of their type (log and
 * list replies say in their own fields how much of it is valid), so
 * hdr.len is exact for every (type, err) pair: sizeof(struct
 * xyl_ctl_reply) - sizeof(struct xyl_ctl_hdr) + (err ? 0 : body size).
 * A peer refused at accept receives one XYL_CTL_ERROR_REPLY (seq 0,
 * err -EACCES) and is disconnected.  docs/control-protocol.md lists every
 * request's body, reply, fds and errors.
 *
 * Request/reply pairs are strictly in order on one connection (seq is
 * echoed).  A connection that sent XYL_CTL_EVENTS_SUBSCRIBE additionally
 * receives XYL_CTL_EVENT packets (hdr.type == XYL_CTL_EVENT, seq 0) at any
 * time; libxylemctl keeps event connections separate from request ones.
 *
 * All integers are host-endian (the socket never leaves the host).  All
 * reserved / pad fields must be zero and are checked.  Strings are
 * NUL-terminated within their array; a string without a NUL is -EINVAL.
 */
#ifndef XYLEM_CTL_H
#define XYLEM_CTL_H

#include <stdint.h>

#define XYL_CTL_MAGIC	    0x434c5958u /* "XYLC" little-endian */
#define XYL_CTL_VERSION	    1
#define XYL_CTL_SOCKET_NAME "hv.sock" /* under $XYLEM_RUNDIR */
#define XYL_CTL_MAX_PACKET  65536     /* no packet is larger than this */
#define XYL_CTL_MAX_FDS	    4	      /* SCM_RIGHTS fds on one packet */

#define XYL_NAME_MAX	64   /* domain name, including the NUL */
#define XYL_CMDLINE_MAX 2048 /* guest command line, including the NUL */
#define XYL_DETAIL_MAX	160  /* error detail string, including the NUL */

typedef uint32_t xyl_domid_t; /* 0 is dom0; guests are 1..0x7fef */
#define XYL_DOMID_FIRST_GUEST 1
#define XYL_DOMID_MAX	      0x7fef /* DOMID_FIRST_RESERVED - 1, as Xen */

struct xyl_ctl_hdr {
	uint32_t magic;	  /* XYL_CTL_MAGIC */
	uint16_t version; /* XYL_CTL_VERSION */
	uint16_t type;	  /* enum xyl_ctl_type */
	uint32_t len;	  /* bytes after this header */
	uint32_t seq;	  /* chosen by the client, echoed in the reply */
};

enum xyl_ctl_type {
	XYL_CTL_ERROR_REPLY =
		0, /* reply to a packet that could not be parsed */
	XYL_CTL_HOST_INFO = 1,
	XYL_CTL_DOMAIN_CREATE = 2,
	XYL_CTL_DOMAIN_DESTROY = 3,
	XYL_CTL_DOMAIN_PAUSE = 4,
	XYL_CTL_DOMAIN_UNPAUSE = 5,
	XYL_CTL_DOMAIN_GETINFO = 6,
	XYL_CTL_DOMAIN_LIST = 7,
	XYL_CTL_DOMAIN_SHUTDOWN =
		8, /* hard shutdown with a reason (xc_domain_shutdown) */
	XYL_CTL_MEMORY_MAP = 9, /* get the domain's memfd and layout */
	XYL_CTL_HVM_PARAM_GET = 10,
	XYL_CTL_HVM_PARAM_SET = 11,
	XYL_CTL_EVTCHN_ALLOC_UNBOUND = 12,
	XYL_CTL_EVTCHN_BIND_INTERDOMAIN = 13,
	XYL_CTL_EVTCHN_CLOSE = 14,
	XYL_CTL_GNTTAB_FRAMES = 15, /* where the domain's grant frames are */
	XYL_CTL_DMESG = 16,
	XYL_CTL_CONSOLE_READ = 17,
	XYL_CTL_EVENTS_SUBSCRIBE = 18,
	XYL_CTL_EVENT = 19, /* hypervisor -> subscriber only */
	XYL_CTL_DOMAIN_RENAME = 20, /* xl rename: a new, unused name */
	/* Issue 8: the credit scheduler and vCPUs.  Numbered apart so other
	 * requests can be added above without renumbering. */
	XYL_CTL_SCHED_CREDIT_GET = 32, /* xyl_ctl_domid -> xyl_ctl_sched_credit */
	XYL_CTL_SCHED_CREDIT_SET = 33, /* xyl_ctl_sched_credit -> empty */
	XYL_CTL_VCPU_LIST = 34,	/* xyl_ctl_domid -> xyl_ctl_vcpu_list_reply */
	XYL_CTL_VCPU_PIN = 35,	/* xyl_ctl_vcpu_pin -> empty */
	XYL_CTL_VCPU_SET = 36,	/* xyl_ctl_vcpu_set -> empty */
	/* Issue 7: the shared-timer page (include/xylem/sharedtimer.h):
	 * empty -> xyl_ctl_shared_timer_map_reply + its memfd. */
	XYL_CTL_SHARED_TIMER_MAP = 48,
	/* Issue 8: xl mem-max (no balloon: the maximum only). */
	XYL_CTL_DOMAIN_SET_MAX_MEM = 56, /* xyl_ctl_domain_set_max_mem */
	XYL_CTL_TYPE_COUNT
};

/* Every reply starts like this. */
struct xyl_ctl_reply {
	struct xyl_ctl_hdr hdr;	     /* type = request type (or ERROR_REPLY) */
	int32_t err;		     /* 0 or -errno */
	uint32_t nr_fds;	     /* fds attached with SCM_RIGHTS */
	char detail[XYL_DETAIL_MAX]; /* "" on success */
};

/* XYL_CTL_HOST_INFO: empty request. */
struct xyl_ctl_host_info_reply {
	uint32_t nr_cpus;
	uint32_t nr_domains; /* guests alive (not counting dom0) */
	uint64_t total_kib;  /* host RAM */
	uint64_t free_kib;   /* host RAM free (MemAvailable) */
	uint64_t guest_kib;  /* RAM given to guests */
	uint64_t tsc_khz;    /* as KVM reports it */
	uint32_t xen_major;  /* the Xen version guests are told */
	uint32_t xen_minor;
	char hv_version[32];  /* xylem-hv's own version */
	char kvm_flavour[32]; /* "vmx", "svm", "pvm" or "unknown" */
};

/*
 * XYL_CTL_DOMAIN_CREATE: build a domain, paused.  The caller opened the
 * kernel (and ramdisk) and passes them as SCM_RIGHTS fds on the request
 * packet (fd 0 kernel, fd 1 ramdisk if has_ramdisk): xylem-hv never opens
 * a path on a client's behalf.
 */
struct xyl_ctl_domain_create {
	char name[XYL_NAME_MAX];
	uint64_t mem_kib; /* guest RAM, multiple of 4 KiB, >= 4 MiB */
	uint32_t vcpus;	  /* 1..XYL_MAX_VCPUS */
	uint32_t has_ramdisk;
	uint8_t uuid[16]; /* all zero: xylem-hv makes one */
	char cmdline[XYL_CMDLINE_MAX];
};
#define XYL_MAX_VCPUS 64
struct xyl_ctl_domain_create_reply {
	xyl_domid_t domid;
	uint32_t pad;
};

/* DESTROY, PAUSE, UNPAUSE, GETINFO, MEMORY_MAP, GNTTAB_FRAMES, CONSOLE_READ...
 */
struct xyl_ctl_domid {
	xyl_domid_t domid;
	uint32_t pad;
};

enum xyl_domain_state {
	XYL_DOMSTATE_PAUSED = 1 << 0,	/* paused by the toolstack */
	XYL_DOMSTATE_RUNNING = 1 << 1,	/* some vCPU is running */
	XYL_DOMSTATE_BLOCKED = 1 << 2,	/* every vCPU is blocked */
	XYL_DOMSTATE_SHUTDOWN = 1 << 3, /* shut down; reason valid */
	XYL_DOMSTATE_CRASHED = 1 << 4,	/* shut down with SHUTDOWN_crash */
	XYL_DOMSTATE_DYING = 1 << 5,	/* being destroyed */
};

struct xyl_dominfo {
	xyl_domid_t domid;
	uint32_t state;		  /* enum xyl_domain_state bits */
	uint32_t shutdown_reason; /* SHUTDOWN_* from xen/sched.h, if SHUTDOWN */
	uint32_t vcpus;		  /* configured */
	uint32_t vcpus_online;
	uint32_t pad;
	uint64_t mem_kib; /* current RAM */
	uint64_t max_mem_kib;
	uint64_t cpu_time_ns;	 /* summed over vCPUs */
	uint64_t create_time_ns; /* CLOCK_REALTIME at create */
	uint8_t uuid[16];
	char name[XYL_NAME_MAX];
};

/* XYL_CTL_DOMAIN_LIST: up to XYL_LIST_MAX domains with domid >= first. */
struct xyl_ctl_domain_list {
	xyl_domid_t first;
	uint32_t pad;
};
#define XYL_LIST_MAX 32
struct xyl_ctl_domain_list_reply {
	uint32_t nr;   /* entries valid in info[] */
	uint32_t more; /* 1 if domains with domid > info[nr-1].domid exist */
	struct xyl_dominfo info[XYL_LIST_MAX];
};

/* XYL_CTL_DOMAIN_RENAME: empty reply; -EEXIST if another domain has the
 * name, -EINVAL if the name is not valid (as DOMAIN_CREATE's). */
struct xyl_ctl_domain_rename {
	xyl_domid_t domid;
	uint32_t pad; /* must be zero */
	char name[XYL_NAME_MAX];
};

/* XYL_CTL_DOMAIN_SHUTDOWN */
struct xyl_ctl_domain_shutdown {
	xyl_domid_t domid;
	uint32_t reason; /* SHUTDOWN_poweroff .. SHUTDOWN_soft_reset */
};

/*
 * XYL_CTL_MEMORY_MAP: reply carries one fd, the domain's memfd (guest RAM
 * and the special area).  Guest-physical address gpa lives at file offset
 * gpa for gpa < ram_bytes, and at (gpa - special_gpa + ram_bytes) for the
 * special area.  Map it MAP_SHARED once.
 */
struct xyl_ctl_memory_map_reply {
	uint64_t ram_bytes;   /* RAM: gpa [0, ram_bytes) */
	uint64_t special_gpa; /* the reserved special area starts here */
	uint64_t special_bytes;
	uint64_t memfd_bytes; /* ram_bytes + special_bytes */
	uint64_t store_gfn;   /* xenstore ring page */
	uint64_t console_gfn; /* console ring page */
};

/* XYL_CTL_SHARED_TIMER_MAP: empty request.  The reply carries one fd: the
 * host-wide shared-timer memfd (read-write; sealed against resizing), one
 * page laid out as struct xyl_stimer_page.  Every guest sees the same page
 * read-only at gpa.  Only xylem-sharedtimer writes it; others map it
 * PROT_READ. */
struct xyl_ctl_shared_timer_map_reply {
	uint64_t gpa;	/* XYL_STIMER_GPA in every guest */
	uint32_t bytes; /* XYL_STIMER_BYTES */
	uint32_t pad;	/* zero */
};

/* XYL_CTL_HVM_PARAM_GET / SET: HVM_PARAM_* from xen/hvm/params.h. */
struct xyl_ctl_hvm_param {
	xyl_domid_t domid;
	uint32_t index;
	uint64_t value; /* in for SET, out (reply body) for GET */
};

/* XYL_CTL_EVTCHN_ALLOC_UNBOUND: a port in dom's table for remote_dom. */
struct xyl_ctl_evtchn_alloc_unbound {
	xyl_domid_t dom;	/* where the port is made (a guest) */
	xyl_domid_t remote_dom; /* who may bind it (0 for dom0) */
};
struct xyl_ctl_evtchn_port {
	uint32_t port;
	uint32_t pad;
};

/*
 * XYL_CTL_EVTCHN_BIND_INTERDOMAIN: bind a dom0 port to remote_dom's
 * unbound port remote_port (which must name remote dom 0).  The reply
 * carries the dom0 port number and two eventfds (EFD_CLOEXEC|EFD_NONBLOCK
 * on the dom0 side):
 *   fd 0 "notify": xylem-hv increments it each time the guest sends on its
 *        end (dom0 reads it to learn of events);
 *   fd 1 "kick":   dom0 writes 1 to it to send an event to the guest.
 * EVTCHN_CLOSE (body xyl_ctl_evtchn_port, dom0's port) closes dom0's end;
 * the guest's end becomes unbound again, as in Xen.  Closing the
 * connection closes every port it bound.
 */
struct xyl_ctl_evtchn_bind_interdomain {
	xyl_domid_t remote_dom;
	uint32_t remote_port;
};

/*
 * XYL_CTL_GNTTAB_FRAMES: where the grant table's frames are in guest-
 * physical space now.  A frame moves when the guest maps it elsewhere with
 * XENMEM_add_to_physmap; generation changes each time any frame moves, so
 * a backend re-reads this when a lookup through a stale map fails.
 */
#define XYL_GNTTAB_MAX_FRAMES 64
struct xyl_ctl_gnttab_frames_reply {
	uint32_t nr_frames; /* frames in use (set up) */
	uint32_t generation;
	uint64_t gfn[XYL_GNTTAB_MAX_FRAMES];
};

/* XYL_CTL_DMESG: the hypervisor log from byte offset `from`. */
struct xyl_ctl_log_read {
	xyl_domid_t domid; /* CONSOLE_READ: whose console_io output; DMESG: 0 */
	uint32_t clear;	   /* DMESG: 1 = clear after reading */
	uint64_t from;	   /* absolute byte offset into the stream */
};
#define XYL_LOG_CHUNK 4096
struct xyl_ctl_log_read_reply {
	uint64_t start; /* offset of data[0]; > from if older bytes were dropped
			 */
	uint64_t next;	/* offset to ask for next time */
	uint32_t len;	/* bytes valid in data[] */
	uint32_t pad;
	char data[XYL_LOG_CHUNK];
};

/*
 * XYL_CTL_EVENTS_SUBSCRIBE: request body struct xyl_ctl_events_subscribe,
 * empty reply; from then on the connection also receives XYL_CTL_EVENT
 * packets: struct xyl_ctl_hdr (type XYL_CTL_EVENT, seq 0, len =
 * sizeof(struct xyl_ctl_event)) then struct xyl_ctl_event.  Only events
 * of the chosen domain are sent (all with XYL_DOMID_ANY); OVERFLOW always
 * is.  Subscribing twice is -EALREADY.
 */
#define XYL_DOMID_ANY 0xffffffffu
struct xyl_ctl_events_subscribe {
	xyl_domid_t domid; /* a domid (need not exist yet) or XYL_DOMID_ANY */
	uint32_t pad;
};
enum xyl_event_kind {
	XYL_EVENT_DOMAIN_CREATED = 1,
	XYL_EVENT_DOMAIN_UNPAUSED = 2,
	XYL_EVENT_DOMAIN_PAUSED = 3,
	XYL_EVENT_DOMAIN_SHUTDOWN = 4, /* arg = SHUTDOWN_* reason */
	XYL_EVENT_DOMAIN_DESTROYED = 5,
	XYL_EVENT_CONSOLE_OUTPUT = 6, /* data holds console_io bytes */
	XYL_EVENT_OVERFLOW = 7,	      /* the subscriber fell behind: events
				       * were lost and xylem-hv closes the
				       * connection after this one */
};
struct xyl_ctl_event {
	uint32_t kind; /* enum xyl_event_kind */
	xyl_domid_t domid;
	uint32_t arg;
	uint32_t len; /* bytes valid in data[] */
	char data[1024];
};

/*
 * Issue 8: the credit scheduler (docs/scheduler.md).
 *
 * XYL_CTL_SCHED_CREDIT_GET / _SET: a domain's weight and cap.  weight is
 * 1..65535 (default 256; SET: 0 = keep), cap is the % of one host CPU the
 * domain may use, 0 = no cap, at most 100 * vcpus (SET: XYL_SCHED_KEEP =
 * keep).  A cap needs the cpu cgroup: -EOPNOTSUPP without one.
 */
#define XYL_SCHED_KEEP 0xffffffffu
struct xyl_ctl_sched_credit {
	xyl_domid_t domid;
	uint32_t weight;
	uint32_t cap;
	uint32_t pad; /* 0 */
};

/* XYL_CTL_VCPU_LIST: every vCPU of a domain. */
enum xyl_vcpu_state {
	XYL_VCPU_ONLINE = 1 << 0,  /* up (VCPUOP_up or vCPU 0 at boot) */
	XYL_VCPU_RUNNING = 1 << 1, /* its thread is in the guest now */
	XYL_VCPU_BLOCKED = 1 << 2, /* in SCHEDOP_block/poll or halted */
};
struct xyl_vcpu_info {
	uint32_t vcpu;
	uint32_t state;	      /* enum xyl_vcpu_state bits */
	int32_t cpu;	      /* host CPU it last ran on, -1 unknown */
	uint32_t pad;
	uint64_t cpu_time_ns;	/* CPU time of its thread (guest + hypercalls) */
	uint64_t hard_affinity; /* host CPU mask (bit n = CPU n) */
};
struct xyl_ctl_vcpu_list_reply {
	uint32_t nr_vcpus;     /* entries used in vcpus[] */
	uint32_t nr_host_cpus; /* CPUs xylem-hv may use: bits 0..n-1 */
	struct xyl_vcpu_info vcpus[XYL_MAX_VCPUS];
};

/* XYL_CTL_VCPU_PIN: hard affinity of one vCPU or all (XYL_VCPU_ALL);
 * cpus must name at least one of the host's CPUs (-EINVAL). */
#define XYL_VCPU_ALL 0xffffffffu
struct xyl_ctl_vcpu_pin {
	xyl_domid_t domid;
	uint32_t vcpu;
	uint64_t cpus;
};

/* XYL_CTL_VCPU_SET: keep vCPUs 0..nr_online-1 available, take the others
 * offline (as if the guest had VCPUOP_down'ed them) and refuse to bring
 * them up; raising nr_online again restores the vCPUs it took down.
 * 1 <= nr_online <= vcpus. */
struct xyl_ctl_vcpu_set {
	xyl_domid_t domid;
	uint32_t nr_online;
};

/* XYL_CTL_DOMAIN_SET_MAX_MEM: set the domain's maximum memory (what
 * getinfo reports as max_mem_kib and the guest reads with
 * XENMEM_maximum_reservation); empty reply.  There is no balloon: the
 * current memory never changes, so max_kib must be >= it (-EINVAL, the
 * detail names both sizes).  max_kib is a multiple of 4 (a whole number
 * of pages) and at most the largest RAM a domain can have. */
struct xyl_ctl_domain_set_max_mem {
	xyl_domid_t domid;
	uint32_t pad; /* must be zero */
	uint64_t max_kib;
};

#endif /* XYLEM_CTL_H */
