/*
 * hypervisor/ctl_priv.h: what control.c and the ctl_*.c request handlers
 * share: the server and per-connection state, the reply being built and
 * one handler prototype per request.  Not for other units.
 */
#ifndef HV_CTL_PRIV_H
#define HV_CTL_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctl_parse.h"
#include "xylem/ctl.h"

struct hv;
struct domain;

/* Limits that keep one client from costing xylem-hv more than a bounded
 * amount of memory or loop time. */
#define CTL_MAX_CLIENTS 256
/* Queued replies/events per client, and their bytes: ~1000 events (each
 * packet is 1056 bytes) on top of the socket buffer, so a subscriber to a
 * guest printing hundreds of lines while the loop was busy keeps up. */
#define CTL_OUT_MAX_PKTS  1024
#define CTL_OUT_MAX_BYTES (1u << 20)
#define CTL_RX_BUDGET	  8 /* packets read per client per wakeup */
/* Events waiting for the loop thread (4 MiB): absorbs bursts from every
 * guest while the loop is busy (e.g. building a domain). */
#define CTL_EVENT_RING 4096

/* One packet waiting in a client's output queue; owns its fds. */
struct ctl_out_pkt {
	struct ctl_out_pkt *next;
	size_t len;
	unsigned nr_fds;
	int fds[XYL_CTL_MAX_FDS];
	uint8_t data[] __attribute__((aligned(8)));
};

/* One accepted connection.  Owned by the server; lives on the loop thread
 * only.  Freed at the end of the epoll batch that marked it dead, so a
 * later event in the same batch never sees freed memory. */
struct ctl_client {
	struct ctl_client *next, *prev;
	struct ctl_server *srv;
	int fd;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	bool is_subscriber;
	xyl_domid_t event_domid; /* subscriber's filter or XYL_DOMID_ANY */
	bool is_dead;
	/* A subscriber that fell behind: XYL_EVENT_OVERFLOW is queued last,
	 * nothing more is read or queued, and the connection closes once the
	 * queue is flushed. */
	bool is_closing;
	uint32_t epoll_events; /* current mask in the inner epoll set */
	struct ctl_out_pkt *out_head, *out_tail;
	unsigned out_pkts;
	size_t out_bytes;
};

/* The server.  Created by ctl_server_start, freed by ctl_server_stop.
 * Everything except the event ring lives on the loop thread; ev_lock
 * guards ev_* (written by any thread in ctl_emit_event). */
struct ctl_server {
	struct hv *hv;
	int epfd; /* inner epoll: listen_fd, event_fd, clients */
	int listen_fd;
	int event_fd; /* eventfd poked by ctl_emit_event */
	char path[108];
	struct ctl_client *clients;
	unsigned nr_clients;
	struct ctl_client *dead; /* freed at the end of the batch */

	pthread_mutex_t ev_lock;
	struct xyl_ctl_event ev_ring[CTL_EVENT_RING];
	unsigned ev_head, ev_count;
	/* The ring overflowed: whose events were lost.  Subscribers to those
	 * domains (and to all) get OVERFLOW; the others are not disturbed. */
	bool ev_lost;
	uint8_t ev_lost_dom[(XYL_DOMID_MAX + 8) / 8];
	uint8_t ev_lost_copy[(XYL_DOMID_MAX + 8) / 8]; /* loop thread's */

	uint8_t rx[XYL_CTL_MAX_PACKET] __attribute__((aligned(8)));
};

/* What a handler fills: its reply body (ctl_reply_body_size(type) bytes,
 * zeroed), fds to attach (owned by the reply: closed after sending or on
 * error) and, on failure, a one-line detail. */
struct ctl_reply_out {
	void *body;
	int fds[XYL_CTL_MAX_FDS];
	unsigned nr_fds;
	char detail[XYL_DETAIL_MAX];
};

/* A handler: 0 or -errno.  fds are the request's SCM_RIGHTS fds (borrowed;
 * the dispatcher closes them afterwards). */
typedef int (*ctl_handler)(struct ctl_client *c, const struct ctl_request *r,
			   const int *fds, struct ctl_reply_out *out);

/* control.c / ctl_client.c / ctl_event.c */
void ctl_client_accept(struct ctl_server *srv);
void ctl_client_io(struct ctl_client *c, uint32_t events);
void ctl_client_kill(struct ctl_client *c, const char *why);
void ctl_client_free(struct ctl_client *c);
/* Queue a packet and try to send: -EPIPE (closing or dead) or -ENOBUFS
 * (queue full: the client is dropped).  Takes p either way. */
int ctl_client_queue(struct ctl_client *c, struct ctl_out_pkt *p);
/* Append without limits (only the OVERFLOW marker uses this). */
void ctl_client_append(struct ctl_client *c, struct ctl_out_pkt *p);
void ctl_client_flush(struct ctl_client *c);
struct ctl_out_pkt *ctl_pkt_alloc(size_t len);
void ctl_pkt_free(struct ctl_out_pkt *p);
void ctl_send_error(struct ctl_client *c, uint16_t type, uint32_t seq, int err,
		    const char *detail);
int ctl_peer_allowed(struct hv *hv, pid_t pid, uid_t uid, gid_t gid);
void ctl_event_drain(struct ctl_server *srv);

/* Look up a domain for a handler: counted, or -ESRCH with detail set. */
int ctl_get_domain(struct ctl_client *c, xyl_domid_t domid, struct domain **out,
		   struct ctl_reply_out *o);
/* The body of a per-domain handler, run while it holds d's reference. */
typedef int ctl_domain_op_fn(struct ctl_client *c, struct domain *d,
			     const struct ctl_request *r,
			     struct ctl_reply_out *out);
/* Look up domid, run op on it and drop the reference: op's result, or
 * -ESRCH with detail set. */
int ctl_on_domain(struct ctl_client *c, xyl_domid_t domid,
		  ctl_domain_op_fn *op, const struct ctl_request *r,
		  struct ctl_reply_out *out);
/* Queue a lifecycle event from a handler. */
void ctl_emit_simple(struct hv *hv, uint32_t kind, xyl_domid_t domid,
		     uint32_t arg);

/* One handler per request (ctl_host.c, ctl_domain.c, ctl_mem.c,
 * ctl_evtchn.c, ctl_log.c). */
int ctl_shared_timer_map(struct ctl_client *c, const struct ctl_request *r,
			 const int *fds, struct ctl_reply_out *out);
int ctl_host_info(struct ctl_client *c, const struct ctl_request *r,
		  const int *fds, struct ctl_reply_out *out);
int ctl_events_subscribe(struct ctl_client *c, const struct ctl_request *r,
			 const int *fds, struct ctl_reply_out *out);
int ctl_domain_create(struct ctl_client *c, const struct ctl_request *r,
		      const int *fds, struct ctl_reply_out *out);
int ctl_domain_destroy(struct ctl_client *c, const struct ctl_request *r,
		       const int *fds, struct ctl_reply_out *out);
int ctl_domain_pause(struct ctl_client *c, const struct ctl_request *r,
		     const int *fds, struct ctl_reply_out *out);
int ctl_domain_unpause(struct ctl_client *c, const struct ctl_request *r,
		       const int *fds, struct ctl_reply_out *out);
int ctl_domain_getinfo(struct ctl_client *c, const struct ctl_request *r,
		       const int *fds, struct ctl_reply_out *out);
int ctl_domain_list(struct ctl_client *c, const struct ctl_request *r,
		    const int *fds, struct ctl_reply_out *out);
int ctl_domain_shutdown(struct ctl_client *c, const struct ctl_request *r,
			const int *fds, struct ctl_reply_out *out);
int ctl_domain_rename(struct ctl_client *c, const struct ctl_request *r,
		      const int *fds, struct ctl_reply_out *out);
int ctl_domain_set_max_mem(struct ctl_client *c, const struct ctl_request *r,
			   const int *fds, struct ctl_reply_out *out);
int ctl_memory_map(struct ctl_client *c, const struct ctl_request *r,
		   const int *fds, struct ctl_reply_out *out);
int ctl_hvm_param_get(struct ctl_client *c, const struct ctl_request *r,
		      const int *fds, struct ctl_reply_out *out);
int ctl_hvm_param_set(struct ctl_client *c, const struct ctl_request *r,
		      const int *fds, struct ctl_reply_out *out);
int ctl_gnttab_frames(struct ctl_client *c, const struct ctl_request *r,
		      const int *fds, struct ctl_reply_out *out);
int ctl_evtchn_alloc_unbound(struct ctl_client *c, const struct ctl_request *r,
			     const int *fds, struct ctl_reply_out *out);
int ctl_evtchn_bind_interdomain(struct ctl_client *c,
				const struct ctl_request *r, const int *fds,
				struct ctl_reply_out *out);
int ctl_evtchn_close(struct ctl_client *c, const struct ctl_request *r,
		     const int *fds, struct ctl_reply_out *out);
int ctl_dmesg(struct ctl_client *c, const struct ctl_request *r, const int *fds,
	      struct ctl_reply_out *out);
int ctl_console_read(struct ctl_client *c, const struct ctl_request *r,
		     const int *fds, struct ctl_reply_out *out);

/* ctl_sched.c (issue 8): the credit scheduler and vCPUs. */
int ctl_sched_credit_get(struct ctl_client *c, const struct ctl_request *r,
			 const int *fds, struct ctl_reply_out *out);
int ctl_sched_credit_set(struct ctl_client *c, const struct ctl_request *r,
			 const int *fds, struct ctl_reply_out *out);
int ctl_vcpu_list(struct ctl_client *c, const struct ctl_request *r,
		  const int *fds, struct ctl_reply_out *out);
int ctl_vcpu_pin(struct ctl_client *c, const struct ctl_request *r,
		 const int *fds, struct ctl_reply_out *out);
int ctl_vcpu_set(struct ctl_client *c, const struct ctl_request *r,
		 const int *fds, struct ctl_reply_out *out);

#endif
