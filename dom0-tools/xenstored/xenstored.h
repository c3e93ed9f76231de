/*
 * dom0-tools/xenstored/xenstored.h: xylem-xenstored's daemon state: the
 * context (one per process, made in main.c), connections (a Unix socket
 * client or a guest's ring), watches and introduced domains.  All of it
 * is used from one thread, the epoll loop in daemon.c.
 */
#ifndef XENSTORED_XENSTORED_H
#define XENSTORED_XENSTORED_H

#include <stdbool.h>
#include <stdint.h>

#include "dlog.h"
#include "store.h"
#include "wire.h"
#include "xylctl.h"

/* An fd in the epoll set and what to call when it is ready. */
struct store_io {
	int fd;
	void (*handler)(struct store_io *io, uint32_t events);
};

/* A watch: owned by its connection, freed with it or on UNWATCH. */
struct store_watch {
	char *path; /* canonical absolute path, or "@..." */
	char *token;
	bool relative; /* set with a relative path: events are relative */
	struct store_watch *next;
};

/* A queued outgoing message (reply or watch event). */
struct store_out {
	struct store_out *next;
	uint32_t len, off;
	bool is_event;
	uint8_t data[];
};

enum store_conn_kind {
	STORE_CONN_SOCKET,
	STORE_CONN_RING,
};

#define STORE_OUT_EVENTS_MAX 1024	 /* queued events, unprivileged */
#define STORE_OUT_BYTES_MAX  (16u << 20) /* anyone: then the conn dies */

/*
 * One client.  Owned by ctx->conns; created by conn_socket.c (accept) or
 * domain.c (INTRODUCE), destroyed by store_conn_destroy (EOF, broken
 * peer, RELEASE, domain death), which frees its watches, transactions
 * and queued output.
 */
struct store_conn {
	struct store_ctx *ctx;
	enum store_conn_kind kind;
	struct store_io io;	  /* socket: the client fd; ring: unused */
	struct store_domain *dom; /* ring: the domain; socket: NULL */
	struct store_who who;
	char home[32];		    /* "/local/domain/N" */
	uint8_t in[STORE_WIRE_MAX]; /* bytes received, not yet parsed */
	uint32_t in_len;
	struct store_out *out_head, *out_tail;
	uint32_t nr_out, nr_out_events;
	uint64_t out_bytes;
	bool is_paused; /* input paused: too many replies queued */
	bool is_dead;	/* destroyed at the end of this loop turn */
	struct store_watch *watches;
	uint32_t nr_watches;
	struct store_txn *txns;
	uint32_t nr_txns;
	uint32_t next_txn_id;
	uint64_t nr_requests, nr_errors, nr_dropped_events;
	uint64_t nr_kicks;
	struct dlog_ratelimit rl;
	struct store_conn *next;
};

/*
 * An introduced guest.  Owned by ctx->domains; created by INTRODUCE,
 * destroyed by RELEASE or the domain's death (store_domain_destroy).
 * Holds the guest's memory mapping and dom0's end of the store event
 * channel (on ctx->ctl).
 */
struct store_domain {
	struct store_ctx *ctx;
	uint32_t domid;
	uint64_t gfn;
	uint32_t port; /* the guest's port */
	struct xylctl_guest_mem mem;
	struct xylctl_evtchn evtchn;
	struct xenstore_domain_interface *intf;
	struct store_io io; /* evtchn.notify_fd */
	struct store_conn *conn;
	uint32_t target;	     /* SET_TARGET's, kept across reconnects */
	uint32_t req_cons, rsp_prod; /* our indices: the page's are not
				      * trusted */
	bool is_shutdown;	     /* @releaseDomain already fired for it */
	bool is_broken;		     /* ring corrupt: no longer served */
	bool needs_service; /* more input waits: serve again next turn */
	bool is_dead;	    /* destroyed; freed at the end of the turn */
	bool in_service;    /* inside store_ring_service: kicks deferred */
	bool kick_pending;  /* a deferred kick is owed */
	struct dlog_ratelimit rl; /* lines this guest can trigger */
	struct store_domain *next;
};

/* The daemon: one per process, made by main.c. */
struct store_ctx {
	char rundir[256];
	char sock_path[320];
	char pid_path[320];	 /* rundir/xenstored/xenstored.pid */
	char host_pid_path[320]; /* rundir/xylem-xenstored.pid */
	int epfd;
	bool stop;
	struct store_io listen_io;
	struct store_io signal_io;
	uint64_t gen;
	struct store_tree tree;
	struct store_quota quota;
	struct store_conn *conns;
	struct store_domain *domains;
	struct store_domain *dead_domains; /* freed by store_domain_reap */
	struct xylctl *ctl;    /* to xylem-hv; opened at first INTRODUCE */
	struct xylctl *events; /* xylem-hv's event stream */
	struct store_io events_io;
};

/* daemon.c: set-up, the loop, tear-down. */
int store_daemon_init(struct store_ctx *ctx, const char *rundir);
/* SIGTERM/SIGINT/SIGHUP end the loop; after any fork (a signalfd in
 * epoll wakes only the process that made it). */
int store_daemon_signals(struct store_ctx *ctx);
int store_daemon_run(struct store_ctx *ctx);
void store_daemon_fini(struct store_ctx *ctx);
int store_io_add(struct store_ctx *ctx, struct store_io *io, uint32_t events);
int store_io_mod(struct store_ctx *ctx, struct store_io *io, uint32_t events);
void store_io_del(struct store_ctx *ctx, struct store_io *io);

/* conn.c: generic connection handling. */
struct store_conn *store_conn_new(struct store_ctx *ctx,
				  enum store_conn_kind kind,
				  const struct store_who *who);
/* Mark dead and release everything now (the struct goes at loop end). */
void store_conn_destroy(struct store_conn *c);
void store_conn_reap(struct store_ctx *ctx);
/* Parse and handle the whole messages in c->in; -EPROTO broken peer. */
int store_conn_process(struct store_conn *c);
/* Queue a message and try to send it at once. */
int store_conn_send(struct store_conn *c, uint32_t type, uint32_t req_id,
		    uint32_t tx_id, const void *body, uint32_t len,
		    bool is_event);
void store_conn_reply(struct store_conn *c, const struct store_req *req,
		      const void *body, uint32_t len);
void store_conn_reply_str(struct store_conn *c, const struct store_req *req,
			  const char *s); /* s plus its NUL */
void store_conn_reply_err(struct store_conn *c, const struct store_req *req,
			  int err);
/* The transport pushes queued output; called after queueing. */
void store_conn_flush(struct store_conn *c);
/* Drop watches and transactions (RESET_WATCHES, ring reconnect). */
void store_conn_reset(struct store_conn *c);
/* Room for more input (not paused by the outstanding quota)? */
bool store_conn_may_read(const struct store_conn *c);

/* conn_socket.c */
int store_socket_listen(struct store_ctx *ctx);
void store_socket_flush(struct store_conn *c);
/* Re-arm the client's epoll interest (input paused, output pending). */
void store_socket_update(struct store_conn *c);
void store_socket_close(struct store_ctx *ctx);

/* conn_ring.c */
void store_ring_flush(struct store_conn *c);
/* Serve the ring after a notification or a flush. */
void store_ring_service(struct store_domain *d);

/* request.c: one handler per message type. */
void store_request_handle(struct store_conn *c, struct store_req *req);
/* Strict decimal domid below STORE_DOMID_MAX; -EINVAL. */
int store_parse_domid(const char *s, uint32_t *out);

/* watch.c */
int store_watch_add(struct store_conn *c, const char *path, const char *token,
		    bool relative);
int store_watch_remove(struct store_conn *c, const char *path,
		       const char *token);
void store_watch_free_all(struct store_conn *c);
/* Tree hook of the main tree (opaque = ctx). */
void store_watch_on_change(void *opaque, const char *path,
			   enum store_change kind);
/* @introduceDomain / @releaseDomain to whoever watches them. */
void store_watch_fire_special(struct store_ctx *ctx, const char *name);
/* The first event of a new watch. */
void store_watch_fire_initial(struct store_conn *c,
			      const struct store_watch *w);

/* domain.c */
void store_domain_introduce(struct store_conn *c, struct store_req *req);
void store_domain_release(struct store_conn *c, struct store_req *req);
void store_domain_resume(struct store_conn *c, struct store_req *req);
void store_domain_set_target(struct store_conn *c, struct store_req *req);
void store_domain_is_introduced(struct store_conn *c, struct store_req *req);
void store_domain_destroy(struct store_domain *d);
void store_domain_destroy_all(struct store_ctx *ctx);
void store_domain_reap(struct store_ctx *ctx);
struct store_domain *store_domain_find(struct store_ctx *ctx, uint32_t domid);

/* control.c: XS_CONTROL ("log", "quota", "help"). */
void store_control(struct store_conn *c, struct store_req *req);

#endif
