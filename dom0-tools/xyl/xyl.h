/*
 * dom0-tools/xyl/xyl.h: what the xyl verbs share: the program context,
 * the verb entry points (one cmd_<verb>.c each) and the helpers that
 * connect to xylem-hv, run the host services and drive a domain's life
 * cycle.  Helpers print their own one-line errors (they are xyl's edge);
 * verbs return the process exit status.
 */
#ifndef XYL_XYL_H
#define XYL_XYL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/types.h>

#include "xylctl.h"

struct config;

/* Exit codes (xl: 0 ok, 1 error); create -c adds the guest's outcome. */
enum {
	XYL_EXIT_OK = 0,
	XYL_EXIT_ERROR = 1,
	XYL_EXIT_CRASH = 2,	/* create -c: the guest crashed */
	XYL_EXIT_REBOOT = 3,	/* create -c: rebooted, not restarted */
	XYL_EXIT_OTHER = 4,	/* create -c: suspend, watchdog, soft reset */
	XYL_EXIT_DESTROYED = 5, /* create -c: destroyed by someone else */
	XYL_EXIT_HOST_DOWN = 3, /* host status: xylem-hv not running */
};

/* The program context: one per process, made in main(). */
struct xyl {
	const char *rundir; /* $XYLEM_RUNDIR or /run/xylem */
	int verbose;	    /* -v count */
};

int cmd_create(struct xyl *x, int argc, char **argv);
int cmd_list(struct xyl *x, int argc, char **argv);
int cmd_destroy(struct xyl *x, int argc, char **argv);
int cmd_pause(struct xyl *x, int argc, char **argv);
int cmd_unpause(struct xyl *x, int argc, char **argv);
int cmd_shutdown(struct xyl *x, int argc, char **argv);
int cmd_dmesg(struct xyl *x, int argc, char **argv);
int cmd_info(struct xyl *x, int argc, char **argv);
int cmd_host(struct xyl *x, int argc, char **argv);
int cmd_help(struct xyl *x, int argc, char **argv);

/* main.c: print "usage: xyl <verb> <usage>" for a verb to stderr. */
void xyl_usage(const char *verb);

/* ctl.c: connect (error printed as "xyl: <verb>: ..."). */
int xyl_connect(struct xyl *x, const char *verb, struct xylctl **out);
/* Name or id to domid; prints "xyl: <verb>: <dom>: no such domain". */
int xyl_lookup(struct xylctl *c, const char *verb, const char *dom,
	       xyl_domid_t *domid);
/* For verbs taking exactly one <Domain>: connect and look it up.  Returns
 * 0, or -errno after printing (usage or error); *c is open on success. */
int xyl_one_domain(struct xyl *x, const char *verb, int argc, char **argv,
		   struct xylctl **c, xyl_domid_t *domid);
/* Print "xyl: <what>: <strerror(-err)>[: <detail>]". */
void xyl_report(struct xylctl *c, const char *what, int err);
/* "xyl/<domid>.json": the config of a domain xyl created (list -l). */
int xyl_record_path(const struct xyl *x, xyl_domid_t domid, char *buf,
		    size_t cap);
int xyl_record_save(const struct xyl *x, xyl_domid_t domid,
		    const struct config *cfg);
void xyl_record_remove(const struct xyl *x, xyl_domid_t domid);
/* mkdir -p for a directory under the rundir; 0 or -errno. */
int xyl_mkdirs(const char *path);

/* host.c: the host services (xylem-hv for now). */
bool host_is_up(const struct xyl *x);
int host_start(struct xyl *x); /* prints progress/errors; 0 or -errno */
int host_stop(struct xyl *x);
int host_status(struct xyl *x); /* prints; 0 all up, 3 not */

/* lifecycle.c: build, watch and restart a domain. */
/* Open the images and create the domain paused; errors printed as
 * "xyl: create <name>: ...". */
int lifecycle_build(struct xyl *x, struct xylctl *c, const struct config *cfg,
		    xyl_domid_t *domid);
/*
 * Watch domid until it shuts down or dies, then do the config's action
 * for the reason (restart makes a new domain and keeps watching).  With
 * follow_console, the guest's console output goes to stdout.  *ev must
 * have been opened before the domain was unpaused; if xylem-hv drops it,
 * it is reopened and *ev replaced.  *domid is updated on
 * restart; hooks (may be NULL) hear of each new domid and may ask to
 * detach.  Returns an XYL_EXIT_* code for the final outcome, or
 * LIFECYCLE_DETACHED.
 */
struct lifecycle_hooks {
	void (*on_restart)(void *arg, xyl_domid_t old, xyl_domid_t new_domid);
	void *arg;
	/* Set (by a signal handler) to stop watching: lifecycle_watch then
	 * returns LIFECYCLE_DETACHED and the domain lives on. */
	volatile sig_atomic_t *detach;
};
#define LIFECYCLE_DETACHED (-1)
int lifecycle_watch(struct xyl *x, struct xylctl *c, struct xylctl **ev,
		    const struct config *cfg, xyl_domid_t *domid,
		    bool follow_console, const struct lifecycle_hooks *hooks);

/* monitor.c: fork the per-domain monitor that carries out on_* for a
 * domain created without -c.  Returns once the monitor is subscribed to
 * events (so the caller may unpause), with its pid.  inherited: the
 * caller's connections (NULL-terminated), closed in the monitor. */
int monitor_spawn(struct xyl *x, struct xylctl *const *inherited,
		  const struct config *cfg, xyl_domid_t domid, pid_t *pid);

#endif
