/*
 * backends/netback/netback.h: xylem-netback's objects: the program context
 * (struct netback around the shared struct be_backend, whose struct be_dom
 * maps a frontend domain), one struct netback_vif per backend/vif/D/N with
 * its TAP device, TX and RX rings, and the validated TX packet.  One
 * thread (the epoll loop in backends/lib/backend.c): no locks.
 */
#ifndef NETBACK_H
#define NETBACK_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/io/netif.h>

#include "backend.h"
#include "dlog.h"
#include "evtchn.h"
#include "grant.h"
#include "profile.h"
#include "ring.h"
#include "xenbus.h"
#include "xylctl.h"

#define NETBACK_PROGRAM "xylem-netback"
#define NETBACK_VIF_DIR "/local/domain/0/backend/vif"
/* Slots one TX packet may use (netif.h: a backend must take at least
 * XEN_NETIF_NR_SLOTS_MIN); more is a broken frontend. */
#define NETBACK_TX_MAX_SLOTS XEN_NETIF_NR_SLOTS_MIN
#define NETBACK_MAX_PKT	     (XEN_NETIF_MAX_TX_SIZE)
#define NETBACK_MTU_MIN	     68
#define NETBACK_MTU_MAX	     9000
#define NETBACK_ETH_HLEN     14

/* ---- tx_parse.c: the only reader of raw TX requests' meaning ---- */

/* One data slot of a validated TX packet. */
struct netback_tx_seg {
	uint32_t gref;
	uint16_t offset;
	uint16_t len;
};

/* A TX packet: the slots it used (each needs a response, in order) and
 * its data segments, checked against the page and the size rules. */
struct netback_tx_pkt {
	uint16_t ids[NETBACK_TX_MAX_SLOTS];  /* ids of every slot taken */
	bool is_extra[NETBACK_TX_MAX_SLOTS]; /* slot was an extra-info */
	uint32_t nr_slots;
	struct netback_tx_seg segs[NETBACK_TX_MAX_SLOTS];
	uint32_t nr_segs;
	uint32_t len; /* total bytes: the first slot's size */
	bool is_csum_blank;
	bool is_gso; /* a GSO extra came: we did not offer it */
};

/* Parser state fed one raw request at a time. */
struct netback_tx_parser {
	struct netback_tx_pkt pkt;
	uint32_t seg_bytes; /* sum of the slots after the first */
	bool want_more;	    /* previous data slot had more_data */
	bool want_extra;    /* extra-info slot(s) follow */
	int error; /* first error seen (-EINVAL ...), kept to the end */
};

void netback_tx_parse_begin(struct netback_tx_parser *p);
/* Feed the next request (a private copy).  1 = the packet is complete
 * (p->pkt ready; p->error says whether it is valid), 0 = more slots
 * belong to it, -EPROTO = the packet uses more than NETBACK_TX_MAX_SLOTS
 * (the ring is unusable: close the vif). */
int netback_tx_parse_slot(struct netback_tx_parser *p,
			  const struct netif_tx_request *req, uint32_t mtu);

/* Fill the IPv4 TCP/UDP checksum of a frame whose guest left it blank
 * (NETTXF_csum_blank).  0, or -EINVAL if the frame is not such a packet. */
int netback_csum_fill(uint8_t *frame, uint32_t len);

/* ---- program objects ---- */

struct netback;

/* A vif's epoll registrations carry one of these (be_backend_epoll_*). */
enum netback_src {
	NETBACK_SRC_EVTCHN = 1,
	NETBACK_SRC_TAP,
	NETBACK_SRC_RATE,
};
struct netback_evsrc {
	enum netback_src kind;
	void *obj;
};

struct netback_vif_stats {
	uint64_t tx_packets, tx_bytes, tx_dropped, tx_errors;
	uint64_t rx_packets, rx_bytes, rx_dropped, rx_errors;
	uint64_t rx_stalls;    /* TAP paused: no RX buffer posted */
	uint64_t tx_batches;   /* TX processing runs that found packets */
	uint64_t tx_throttled; /* TX stopped: rate credit used up */
};

enum netback_vif_phase {
	NETBACK_VIF_NEW = 0,
	NETBACK_VIF_INITWAIT,
	NETBACK_VIF_CONNECTED,
	NETBACK_VIF_CLOSING,
	NETBACK_VIF_CLOSED,
	NETBACK_VIF_FAILED, /* TAP or hotplug failed */
};

/* A vif's TX rate limit (rate.c).  credit_bytes 0: unlimited. */
struct netback_rate {
	uint64_t credit_bytes; /* allowed per interval */
	uint64_t interval_us;
	int64_t remaining; /* below 0 by at most one packet: a debt */
	uint64_t next_ns;  /* CLOCK_MONOTONIC of the next replenish */
	int fd;		   /* timerfd while limited, else -1 */
	bool is_throttled; /* TX stopped until the timer fires */
};

/* One vif.  Owner: the device registry (nb->be.devs); created when
 * backend/vif/D/N appears, freed when it goes.  Owns the TAP fd, the ring
 * mappings and the event channel. */
struct netback_vif {
	struct netback *nb;
	xyl_domid_t domid;
	uint32_t devid;
	char be_dir[BE_XS_PATH_MAX];
	char fe_dir[BE_XS_PATH_MAX];
	char ifname[16]; /* IFNAMSIZ */
	char script[256];
	uint32_t mtu;
	enum netback_vif_phase phase;
	/* CLOSING after the toolstack's online = 0: Closed by then even if
	 * the frontend never says Closed (CLOCK_MONOTONIC ns; 0: none). */
	uint64_t close_deadline_ns;
	bool is_hotplugged; /* script ran "online" */
	bool use_coalesce;
	bool use_sg;	   /* frontend feature-sg: multi-slot RX */
	bool is_rx_paused; /* TAP out of epoll: no RX buffers */
	int tap_fd;
	struct be_dom *dom; /* while connected */
	struct be_ring_map tx_map, rx_map;
	struct be_ring tx, rx;
	struct be_evtchn evtchn;
	struct netback_evsrc ev_src, tap_src;
	struct netback_vif_stats stats;
	struct dlog_ratelimit rl;
	uint8_t *buf;	   /* NETBACK_MAX_PKT bytes: one frame in flight */
	uint32_t held_len; /* RX frame in buf waiting for buffers, or 0 */
	struct netback_rate rate;
	struct netback_evsrc rate_src;
	struct be_profile prof; /* while connected, if the frontend gave one */
};

/* The program.  Owner: main.c.  be.devs holds the vifs (obj: struct
 * netback_vif); be.nr_frees is bumped when a vif's fds leave epoll. */
struct netback {
	struct be_backend be;
};

/* backend.c: daemon_main's hooks (daemon.h), nb a struct netback */
int netback_init(void *nb, const char *rundir);
int netback_run(void *nb);
void netback_fini(void *nb);

/* vif.c */
struct netback_vif *netback_vif_new(struct netback *nb, xyl_domid_t domid,
				    uint32_t devid);
void netback_vif_update(struct netback_vif *vif);
/* The 1 s timer: ends a close wait that passed its deadline. */
void netback_vif_tick(struct netback_vif *vif);
void netback_vif_free(struct netback_vif *vif);
void netback_vif_write_stats(struct netback_vif *vif);
void netback_vif_fail(struct netback_vif *vif, const char *why);

/* connect.c */
int netback_vif_connect(struct netback_vif *vif, bool is_resume);
void netback_vif_disconnect(struct netback_vif *vif);

/* tap.c */
int netback_tap_open(const char *name, uint32_t mtu, int *fd);
int netback_tap_set_up(const char *name, uint32_t mtu);
/* Run the hotplug script: action "online"/"offline".  0 or -errno. */
int netback_hotplug(struct netback_vif *vif, const char *action);

/* rate.c: `rate` in xl syntax ("10Mb/s", "1MB/s@20ms") -> bytes per
 * interval and the interval; 0 or -EINVAL/-ERANGE. */
int netback_rate_parse(const char *s, uint64_t *bytes, uint64_t *interval_us);
/* Read be_dir/rate at connect (a bad one is logged, not enforced). */
int netback_rate_setup(struct netback_vif *vif);
void netback_rate_teardown(struct netback_vif *vif);
/* May the next TX packet be taken?  false: timer armed, TX stopped. */
bool netback_rate_allow(struct netback_vif *vif);
void netback_rate_charge(struct netback_vif *vif, uint32_t len);
void netback_rate_on_timer(struct netback_vif *vif);

/* datapath.c */
void netback_vif_kick(struct netback_vif *vif);
void netback_vif_tx(struct netback_vif *vif);
void netback_vif_rx(struct netback_vif *vif);

#endif
