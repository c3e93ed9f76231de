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
int cmd_profile(struct xyl *x, int argc, char **argv);
int cmd_destroy(struct xyl *x, int argc, char **argv);
int cmd_pause(struct xyl *x, int argc, char **argv);
int cmd_unpause(struct xyl *x, int argc, char **argv);
int cmd_shutdown(struct xyl *x, int argc, char **argv);
int cmd_reboot(struct xyl *x, int argc, char **argv);
int cmd_dmesg(struct xyl *x, int argc, char **argv);
int cmd_info(struct xyl *x, int argc, char **argv);
int cmd_host(struct xyl *x, int argc, char **argv);
int cmd_console(struct xyl *x, int argc, char **argv);
int cmd_help(struct xyl *x, int argc, char **argv);
int cmd_events(struct xyl *x, int argc, char **argv);
int cmd_domid(struct xyl *x, int argc, char **argv);
int cmd_domname(struct xyl *x, int argc, char **argv);
int cmd_uptime(struct xyl *x, int argc, char **argv);
int cmd_top(struct xyl *x, int argc, char **argv);
int cmd_mem_set(struct xyl *x, int argc, char **argv);
int cmd_mem_max(struct xyl *x, int argc, char **argv);
int cmd_network_attach(struct xyl *x, int argc, char **argv);
int cmd_network_detach(struct xyl *x, int argc, char **argv);
int cmd_network_list(struct xyl *x, int argc, char **argv);
int cmd_block_attach(struct xyl *x, int argc, char **argv);
int cmd_block_detach(struct xyl *x, int argc, char **argv);
int cmd_block_list(struct xyl *x, int argc, char **argv);
int cmd_rename(struct xyl *x, int argc, char **argv);
int cmd_svi(struct xyl *x, int argc, char **argv);
/* cmd_sched.c, cmd_vcpu.c (issue 8). */
int cmd_sched_credit(struct xyl *x, int argc, char **argv);
int cmd_vcpu_list(struct xyl *x, int argc, char **argv);
int cmd_vcpu_pin(struct xyl *x, int argc, char **argv);
int cmd_vcpu_set(struct xyl *x, int argc, char **argv);

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
/* uuid: the domain's real one (the config may have none), or NULL. */
int xyl_record_save(const struct xyl *x, xyl_domid_t domid,
		    const struct config *cfg, const uint8_t *uuid);
void xyl_record_remove(const struct xyl *x, xyl_domid_t domid);
/* A record for a domain xyl did not create: {"name": name}. */
int xyl_record_save_minimal(const struct xyl *x, xyl_domid_t domid,
			    const char *name);
/* Set the record's "name" (after a rename); -ENOENT no record. */
int xyl_record_rename(const struct xyl *x, xyl_domid_t domid, const char *name);
/* Rename a domain everywhere the toolstack keeps its name (xylem-hv,
 * the record, xenstore) and emit "renamed"; prints its errors. */
int xyl_rename(struct xyl *x, struct xylctl *c, xyl_domid_t domid,
	       const char *old_name, const char *new_name);
/* The toolstack's part once xylem-hv renamed the domain. */
void xyl_rename_done(struct xyl *x, xyl_domid_t domid, const char *old_name,
		     const char *new_name);
/* The host's busy CPU time (all CPUs, not idle/iowait) in ns: dom0's
 * "Time" in list and top. */
uint64_t xyl_host_busy_ns(void);
/* mkdir -p for a directory under the rundir; 0 or -errno. */
int xyl_mkdirs(const char *path);

/* host.c: the host services (xylem-hv for now). */
bool host_is_up(const struct xyl *x);
int host_start(struct xyl *x); /* prints progress/errors; 0 or -errno */
int host_stop(struct xyl *x);
int host_status(struct xyl *x); /* prints; 0 all up, 3 not */
/* host.c helpers shared with host_daemons.c and console_attach.c. */
int host_find_program(const char *program, const char *env_var, char *buf,
		      size_t cap); /* $env_var, beside xyl, PATH; -ENOENT */
pid_t host_pidfile_read(const char *path); /* -1 if none or bad */
bool host_pid_runs(pid_t pid, const char *comm);
void host_print_log_tail(const char *log);
/* host_daemons.c: the dom0 daemons (xylem-consoled, ...) started after
 * xylem-hv and stopped before it; each prints its own lines. */
int host_daemons_start(struct xyl *x);
void host_daemons_stop(struct xyl *x);
void host_daemons_status(const struct xyl *x);
/* Is <program> running for this rundir (its pid file names a live one)? */
bool host_daemon_running(const struct xyl *x, const char *program,
			 pid_t *pid);

/* console_setup.c: the console event channel of a new (paused) domain,
 * published as HVM_PARAM_CONSOLE_EVTCHN; warns and returns -errno. */
int console_setup(struct xylctl *c, xyl_domid_t domid);
/* console_attach.c: a guest's console through xylem-consoled's pty. */
/* Open the pty of domid (waiting up to timeout_ms for consoled to make
 * it); fd or -errno (-ENOENT: no consoled, or it does not serve domid). */
int console_pty_open(const struct xyl *x, xyl_domid_t domid, int timeout_ms);
/* Copy pty <-> in/out until the pty hangs up (0), Ctrl-] is typed (1), or
 * *stop is set (2).  A tty on in_fd is put in raw mode meanwhile. */
int console_session(int pty_fd, int in_fd, int out_fd,
		    volatile sig_atomic_t *stop);
/* create -c: follow a domain's console on a thread while the life cycle
 * runs.  NULL (nothing started) if consoled does not serve the domain:
 * then follow console_io instead.  Ctrl-] sets *detach. */
struct console_follow;
struct console_follow *console_follow_start(struct xyl *x, xyl_domid_t domid,
					    volatile sig_atomic_t *detach);
/* lifecycle_hooks.on_restart for a follow (arg): attach to new_domid. */
void console_follow_restart(void *arg, xyl_domid_t old, xyl_domid_t new_domid);
/* Stop following: with drain, first read the pty to its end (bounded). */
void console_follow_finish(struct console_follow *f, bool drain);

/* lifecycle.c: build, watch and restart a domain. */
/* Open the images and create the domain paused; errors printed as
 * "xyl: create <name>: ...". */
/* svi_boot.c: bootloader = "svi": open cfg->svi_volume and fill the
 * spec's kernel_fd, ramdisk_fd (memfds) and cmdline (*cmdline, malloc'd,
 * the caller frees it and closes the fds, also on failure).  Errors
 * printed as "xyl: create <name>: volume <path>: ...". */
struct xylctl_domain_spec;
int svi_boot_prepare(const struct config *cfg, struct xylctl_domain_spec *spec,
		     char **cmdline);
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

/*
 * The domain is gone (destroyed by its action, by `xyl destroy` or by
 * anyone else): clean up everything the toolstack made for it (its saved
 * record, xenstore, backends, host state) and emit "released".  The one
 * place such cleanup goes; safe to call twice for the same domid.  cfg
 * may be NULL (the saved record then names it).
 */
void lifecycle_release(struct xyl *x, struct xylctl *c, xyl_domid_t domid,
		       const char *name, const struct config *cfg);

/* monitor.c: fork the per-domain monitor that carries out on_* for a
 * domain created without -c.  Returns once the monitor is subscribed to
 * events (so the caller may unpause), with its pid.  inherited: the
 * caller's connections (NULL-terminated), closed in the monitor. */
int monitor_spawn(struct xyl *x, struct xylctl *const *inherited,
		  const struct config *cfg, xyl_domid_t domid, pid_t *pid);

/*
 * hooks.c: toolstack events (docs/hooks.md).  xyl_event() appends the
 * event to $XYLEM_RUNDIR/events.log (what `xyl events` streams) and runs
 * the hooks in the hooks directory for it.  Life-cycle events: "prepare"
 * (before the domain exists: domid XYL_EVENT_NO_DOMID; a hook may veto),
 * "started", "shutdown", "released"; device events "device-add" and
 * "device-remove" (detail: {"type": "vbd", "devid": N, ...}).
 * cfg may be NULL: the domain's saved config record is used then.
 * detail (may be NULL) is a JSON object and is consumed.  Returns 0, or
 * -EPERM when a "prepare" hook vetoed: msg then holds its message
 * ("hook 10-quota: <first line of its output>").  Never fails otherwise
 * (problems are logged).
 */
#define XYL_EVENT_NO_DOMID ((xyl_domid_t)~0u)
struct json_object;
int xyl_event(struct xyl *x, const char *event, xyl_domid_t domid,
	      const char *name, const struct config *cfg,
	      struct json_object *detail, char *msg, size_t msg_cap);
/* The same with the config as JSON (conf, may be NULL, is consumed). */
int xyl_event_json(struct xyl *x, const char *event, xyl_domid_t domid,
		   const char *name, struct json_object *conf,
		   struct json_object *detail, char *msg, size_t msg_cap);

#endif
