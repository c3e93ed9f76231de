/*
 * backends/lib/backend.h: the part of a backend daemon that does not
 * depend on its device type: the xenstore watches on backend/<kind> and
 * @releaseDomain, the device registry those keep in line, the frontend
 * domains' memory mappings, the shared-timer page, the stats timer,
 * signals and the epoll loop.  A backend plugs its devices in through
 * struct be_backend_ops.  One thread; every handler runs to completion.
 */
#ifndef BE_BACKEND_H
#define BE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grant.h"
#include "xylctl.h"

struct be_backend;

/* The backend's context struct that has be_backend member `field` at be. */
#define BE_BACKEND_OWNER(be, type, field)                                      \
	((type *)((char *)(be)-offsetof(type, field)))

/* One frontend domain.  Owner: struct be_backend's list; refs counts the
 * devices that have it mapped; freed (memory unmapped) at the last put. */
struct be_dom {
	struct be_dom *next;
	struct be_backend *be;
	xyl_domid_t domid;
	uint32_t refs;
	struct xylctl_guest_mem mem;
	struct be_gnttab gnttab;
};

/* One registry entry: backend/<kind>/<domid>/<devid> and the backend's
 * device for it.  Owner: struct be_backend's list; made when the
 * directory appears, freed when it goes (or the program stops). */
struct be_dev {
	struct be_dev *next;
	xyl_domid_t domid;
	uint32_t devid;
	bool is_seen; /* still present at the last scan */
	void *obj;    /* what ops->dev_new returned */
};

/* What a backend adds.  Every hook gets the device ops->dev_new made. */
struct be_backend_ops {
	const char *name; /* "blkback": rundir/<name> is the state dir */
	const char *kind; /* "vbd", "vif": backend/<kind>, log lines */
	/* A new backend/<kind>/domid/devid: its device, or NULL (skipped
	 * until the next scan). */
	void *(*dev_new)(struct be_backend *be, xyl_domid_t domid,
			 uint32_t devid);
	void (*dev_update)(void *dev); /* run its state machine */
	void (*dev_free)(void *dev);   /* its directory went */
	void (*dev_write_stats)(void *dev);
	/* true while the device has its domain's memory mapped. */
	bool (*dev_is_mapped)(void *dev);
	/* Its domain died: let go of its memory, stop working for it. */
	void (*dev_domain_gone)(void *dev);
	/* The program stops: let go of the device, leave xenstore as it is
	 * so that the next instance takes the rings over. */
	void (*dev_stop)(void *dev);
	/* An epoll source the backend registered with be_backend_epoll_*. */
	void (*dispatch)(struct be_backend *be, void *src);
};

/* The program's common half.  Owner: the backend's context struct
 * (main.c), set up by be_backend_init, torn down by be_backend_fini. */
struct be_backend {
	const struct be_backend_ops *ops;
	const char *rundir;
	char state_dir[256]; /* rundir/<name>: journals and stats */
	char dir[64];	     /* /local/domain/0/backend/<kind> */
	struct xylctl *ctl;
	struct xs_handle *xs;
	/* For I/O profiling (docs/profiling.md), read-only; page NULL: none,
	 * devices do not offer feature-xylem-profile. */
	struct xylctl_stimer stimer;
	int epfd;
	int timer_fd; /* 1 s: every device writes its stats */
	int signal_fd;
	bool is_stopping;
	int exit_code; /* non-zero: stopping on a lost xenstored */
	/* Bumped when a device frees what epoll data points at: the rest of
	 * that batch may be stale. */
	uint64_t nr_frees;
	struct be_dom *doms;
	struct be_dev *devs;
};

/* Make the state dir, reach xylem-hv and xenstored, map the shared-timer
 * page, open the signal, timer and epoll fds and set the watches.  0 or -errno
 * (printed); be_backend_fini cleans up either way. */
int be_backend_init(struct be_backend *be, const struct be_backend_ops *ops,
		    const char *rundir);
/* Scan, then run the loop until SIGTERM/SIGINT or a lost xenstored.
 * 0, -EPIPE (xenstored lost) or -errno from epoll (logged). */
int be_backend_run(struct be_backend *be);
/* Stop every device (ops->dev_stop) and close what init opened. */
void be_backend_fini(struct be_backend *be);

/* Watch fd for input (or stop, is_on false) with src handed to
 * ops->dispatch.  0 or -errno. */
int be_backend_epoll_add(struct be_backend *be, int fd, void *src);
int be_backend_epoll_set(struct be_backend *be, int fd, void *src, bool is_on);
void be_backend_epoll_del(struct be_backend *be, int fd);

/* domid's memory, mapped once for all its devices: counted, or NULL with
 * *err = -errno. */
struct be_dom *be_backend_dom_get(struct be_backend *be, xyl_domid_t domid,
				  int *err);
void be_backend_dom_put(struct be_dom *dom);

#endif
