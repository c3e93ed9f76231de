/*
 * dom0-tools/xyl/lifecycle.c: a domain's life cycle as the toolstack sees
 * it: build it from a checked config, watch it (and its console) until it
 * shuts down or dies, then carry out on_poweroff / on_reboot / on_crash.
 * Used by `xyl create -c` and by the per-domain monitor (monitor.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <stdint.h>
#include <xen/sched.h>

#include <json.h>

#include "block.h"
#include "vif.h"
#include "config.h"
#include "dlog.h"
#include "xyl.h"
#include "xs_domain.h"

#define WATCH_POLL_MS	 200 /* re-check the domain if no event came */
#define RESTART_WINDOW_S 10  /* more than RESTART_BURST restarts in */
#define RESTART_BURST	 5   /* this window: stop restarting */

/* The watcher's state; lives on lifecycle_watch()'s stack. */
struct watch {
	struct xyl *x;
	struct xylctl *c;
	struct xylctl **ev; /* the caller's; replaced if it breaks */
	const struct config *cfg;
	xyl_domid_t domid;
	bool follow;
	uint64_t con_pos; /* console stream offset already printed */
	time_t restarts[RESTART_BURST];
	unsigned int nr_restarts;
	volatile sig_atomic_t *detach; /* from lifecycle_hooks */
};

static int
open_image(const struct config *cfg, const char *what, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		log_err("create %s: %s %s: %s", cfg->name, what, path,
			strerror(errno));
	return fd < 0 ? -errno : fd;
}

/* maxmem above memory: the new domain's maximum, set before it first
 * runs (it stays paused until the caller unpauses it).  On failure the
 * domain is destroyed. */
static int
build_max_mem(struct xylctl *c, const struct config *cfg, xyl_domid_t domid)
{
	char what[XYL_NAME_MAX + 32];
	int r;

	if (cfg->maxmem_mib <= cfg->memory_mib)
		return 0;
	r = xylctl_domain_set_max_mem(c, domid, cfg->maxmem_mib * 1024);
	if (r < 0) {
		snprintf(what, sizeof(what), "create %s: maxmem", cfg->name);
		xyl_report(c, what, r);
		xylctl_domain_destroy(c, domid);
	}
	return r;
}

int
lifecycle_build(struct xyl *x, struct xylctl *c, const struct config *cfg,
		xyl_domid_t *domid)
{
	struct xylctl_domain_spec spec = {
		.name = cfg->name,
		.mem_kib = cfg->memory_mib * 1024,
		.vcpus = cfg->vcpus,
		.cmdline = cfg->cmdline,
		.kernel_fd = -1,
		.ramdisk_fd = -1,
		.uuid = cfg->has_uuid ? cfg->uuid : NULL,
	};
	struct xyl_dominfo info;
	xyl_domid_t other;
	char *boot_cmdline = NULL; /* bootloader = "svi" */
	char what[512];
	int r;

	/* Names are unique, as in xl; the hypervisor does not check. */
	if (xylctl_domain_lookup(c, cfg->name, &other) == 0) {
		log_err("create %s: a domain with that name exists (domid %u)",
			cfg->name, other);
		return -EEXIST;
	}
	/* Orchestration hooks may refuse the domain (docs/hooks.md). */
	if (xyl_event(x, "prepare", XYL_EVENT_NO_DOMID, cfg->name, cfg, NULL,
		      what, sizeof(what)) < 0) {
		log_err("create %s: refused by %s", cfg->name, what);
		return -EPERM;
	}
	if (cfg->bootloader) /* kernel, ramdisk, cmdline from the volume */
		r = svi_boot_prepare(cfg, &spec, &boot_cmdline);
	else
		r = spec.kernel_fd = open_image(cfg, "kernel", cfg->kernel);
	if (r >= 0 && cfg->ramdisk)
		r = spec.ramdisk_fd = open_image(cfg, "ramdisk", cfg->ramdisk);
	if (r < 0)
		goto out;
	r = xylctl_domain_create(c, &spec, domid);
	if (r < 0) {
		snprintf(what, sizeof(what), "create %s", cfg->name);
		xyl_report(c, what, r);
		goto out;
	}
	r = build_max_mem(c, cfg, *domid); /* failure: destroyed */
	if (r < 0)
		goto out;
	console_setup(c, *domid); /* failure: the guest keeps console_io */
	r = xsdomain_introduce(x, c, cfg, *domid); /* failure: destroyed */
	if (r < 0)
		goto out;
	r = block_attach_specs(x, *domid, cfg->disks, cfg->nr_disks, "create");
	if (r == 0)
		r = vif_attach_specs(x, *domid, cfg->vifs, cfg->nr_vifs,
				     "create");
	if (r < 0) { /* it never ran: undo it whole */
		xylctl_domain_destroy(c, *domid);
		block_release(x, *domid);
		vif_release(x, *domid);
		xsdomain_release(x, *domid);
		goto out;
	}
	if (xylctl_domain_getinfo(c, *domid, &info) < 0)
		memset(info.uuid, 0, sizeof(info.uuid));
	if (xyl_record_save(x, *domid, cfg, info.uuid) < 0)
		log_dom_warn(*domid, "could not save its config for list -l");
	xyl_event(x, "started", *domid, cfg->name, NULL, NULL, NULL, 0);
out:
	free(boot_cmdline);
	if (spec.ramdisk_fd >= 0)
		close(spec.ramdisk_fd);
	if (spec.kernel_fd >= 0)
		close(spec.kernel_fd);
	return r < 0 ? r : 0;
}

static void
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* Print the console bytes we have not printed yet.  Events only wake us:
 * reading by offset loses nothing if an event was dropped. */
static void
console_drain(struct watch *w)
{
	char buf[XYL_LOG_CHUNK];
	size_t len;

	if (!w->follow)
		return;
	do {
		if (xylctl_console_read(w->c, w->domid, &w->con_pos, buf,
					sizeof(buf), &len) < 0)
			return;
		write_all(STDOUT_FILENO, buf, len);
	} while (len > 0);
}

/* Is the domain shut down or gone?  1 shut down (*reason set), 0 gone,
 * -EAGAIN still alive, other -errno on failure. */
static int
domain_check(struct watch *w, uint32_t *reason)
{
	struct xyl_dominfo info;
	int r = xylctl_domain_getinfo(w->c, w->domid, &info);

	if (r == -ESRCH)
		return 0;
	if (r < 0)
		return r;
	if (info.state & XYL_DOMSTATE_CRASHED) {
		*reason = SHUTDOWN_crash;
		return 1;
	}
	if (info.state & XYL_DOMSTATE_SHUTDOWN) {
		*reason = info.shutdown_reason;
		return 1;
	}
	return -EAGAIN;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Read what events are queued (waiting up to WATCH_POLL_MS for the first):
 * 1 our domain shut down (*reason), 0 it was destroyed, -EAGAIN nothing
 * decisive, other -errno: the event connection broke.  Console output is
 * only noted: one drain afterwards reads it all by offset.
 */
static int
events_collect(struct watch *w, uint32_t *reason, bool *console)
{
	struct xyl_ctl_event e;
	int r, timeout = WATCH_POLL_MS;

	for (;; timeout = 0) {
		r = xylctl_event_next(*w->ev, &e, timeout);
		if (r == -ETIMEDOUT || r == -EINTR)
			return -EAGAIN;
		if (r < 0)
			return r;
		if (e.domid != w->domid)
			continue;
		if (e.kind == XYL_EVENT_CONSOLE_OUTPUT)
			*console = true;
		else if (e.kind == XYL_EVENT_DOMAIN_SHUTDOWN) {
			*reason = e.arg;
			return 1;
		} else if (e.kind == XYL_EVENT_DOMAIN_DESTROYED)
			return 0;
	}
}

/*
 * The event connection broke (xylem-hv drops a subscriber that falls
 * behind, e.g. under many guests' console output): subscribe again.
 * Nothing is lost: console bytes are read by offset and the domain's state
 * is checked right after.
 */
static int
events_reopen(struct watch *w)
{
	struct xylctl *ev;
	int r = xylctl_events_open(w->x->rundir, &ev);

	if (r < 0)
		return r;
	xylctl_close(*w->ev);
	*w->ev = ev;
	log_dom_debug(w->domid, "%s: event connection reopened", w->cfg->name);
	return 0;
}

/* Wait for the domain's end: 1 shut down (*reason), 0 destroyed, -errno
 * (-EINTR when asked to detach). */
static int
wait_end(struct watch *w, uint32_t *reason)
{
	uint64_t last_check = 0;
	bool console;
	int r;

	for (;;) {
		if (w->detach && *w->detach)
			return -EINTR;
		console = false;
		r = events_collect(w, reason, &console);
		if (console || r >= 0)
			console_drain(w);
		if (r >= 0)
			return r;
		if (r != -EAGAIN && events_reopen(w) < 0)
			return r;
		if (r == -EAGAIN && now_ms() - last_check < WATCH_POLL_MS)
			continue;
		/* A quiet spell or a lost subscription: ask directly. */
		last_check = now_ms();
		console_drain(w);
		r = domain_check(w, reason);
		if (r != -EAGAIN)
			return r;
	}
}

static const char *
reason_name(uint32_t reason)
{
	static const char *const names[] = {"poweroff", "reboot",
					    "suspend",	"crash",
					    "watchdog", "soft_reset"};

	return reason < sizeof(names) / sizeof(names[0]) ? names[reason]
							 : "unknown";
}

static enum config_action
reason_action(const struct config *cfg, uint32_t reason)
{
	switch (reason) {
	case SHUTDOWN_poweroff:
		return cfg->on_poweroff;
	case SHUTDOWN_reboot:
		return cfg->on_reboot;
	case SHUTDOWN_crash:
		return cfg->on_crash;
	default: /* suspend, watchdog, soft reset: no save/restore yet */
		return CONFIG_ACTION_DESTROY;
	}
}

static int
reason_exit(uint32_t reason)
{
	switch (reason) {
	case SHUTDOWN_poweroff:
		return XYL_EXIT_OK;
	case SHUTDOWN_crash:
		return XYL_EXIT_CRASH;
	case SHUTDOWN_reboot:
		return XYL_EXIT_REBOOT;
	default:
		return XYL_EXIT_OTHER;
	}
}

static void
emit_shutdown(struct watch *w, uint32_t reason, enum config_action action)
{
	struct json_object *d = json_object_new_object();

	json_object_object_add(d, "reason",
			       json_object_new_string(reason_name(reason)));
	json_object_object_add(
		d, "action",
		json_object_new_string(config_action_name(action)));
	xyl_event(w->x, "shutdown", w->domid, w->cfg->name, NULL, d, NULL, 0);
}

static int
destroy_domain(struct watch *w)
{
	char what[128];
	int r = xylctl_domain_destroy(w->c, w->domid);

	if (r < 0 && r != -ESRCH) {
		snprintf(what, sizeof(what), "destroy %s (domid %u)",
			 w->cfg->name, w->domid);
		xyl_report(w->c, what, r);
		return r;
	}
	log_dom_info(w->domid, "%s: destroyed", w->cfg->name);
	lifecycle_release(w->x, w->c, w->domid, w->cfg->name, NULL);
	return 0;
}

void
lifecycle_release(struct xyl *x, struct xylctl *c, xyl_domid_t domid,
		  const char *name, const struct config *cfg)
{
	struct json_object *conf;
	char path[4096], claimed[4096 + 16];

	(void)c;
	(void)cfg;
	/* Once per domain, whoever comes first (its monitor, `xyl destroy`):
	 * renaming the record is the claim; the loser finds it gone. */
	if (xyl_record_path(x, domid, path, sizeof(path)) < 0)
		return;
	snprintf(claimed, sizeof(claimed), "%s.released", path);
	if (rename(path, claimed) < 0)
		return;
	conf = json_object_from_file(claimed);
	/* per-service cleanup (xenstore, backends, host state): */
	xsdomain_release(x, domid);
	block_release(x, domid);
	vif_release(x, domid);

	xyl_event_json(x, "released", domid, name, conf, NULL, NULL, 0);
	unlink(claimed);
}

/*
 * rename-restart: the shut-down domain stays, for inspection, under
 * "<name>-<UTC time>" (xl's suffix), and a new one takes the name.  It is
 * no longer watched; `xyl destroy` releases it.
 */
static int
preserve_renamed(struct watch *w)
{
	char stamp[32], name[XYL_NAME_MAX + 40];
	time_t now = time(NULL);
	struct tm tm;
	int i, r = -EEXIST;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "-%Y%m%dT%H%MZ", &tm);
	for (i = 1; i < 100 && r == -EEXIST; i++) {
		/* Keep the suffix: cut the name if it would be too long. */
		if (i == 1)
			snprintf(name, sizeof(name), "%.*s%s",
				 (int)(XYL_NAME_MAX - 1 - strlen(stamp)),
				 w->cfg->name, stamp);
		else
			snprintf(name, sizeof(name), "%.*s%s-%d",
				 (int)(XYL_NAME_MAX - 4 - strlen(stamp)),
				 w->cfg->name, stamp, i);
		r = xylctl_domain_rename(w->c, w->domid, name);
	}
	if (r < 0) {
		snprintf(stamp, sizeof(stamp), "rename-restart %.16s",
			 w->cfg->name);
		xyl_report(w->c, stamp, r);
		return r;
	}
	log_dom_info(w->domid, "%s: preserved as %s", w->cfg->name, name);
	xyl_rename_done(w->x, w->domid, w->cfg->name, name);
	return 0;
}

/* Too many restarts in a short time means a guest that cannot boot. */
static bool
restart_allowed(struct watch *w)
{
	time_t now = time(NULL);
	unsigned int slot = w->nr_restarts % RESTART_BURST;

	if (w->nr_restarts >= RESTART_BURST &&
	    now - w->restarts[slot] < RESTART_WINDOW_S)
		return false;
	w->restarts[slot] = now;
	w->nr_restarts++;
	return true;
}

static int
restart_domain(struct watch *w, enum config_action action,
	       const struct lifecycle_hooks *hooks)
{
	xyl_domid_t old = w->domid, domid;
	char what[128];
	int r;

	if (!restart_allowed(w)) {
		log_err("%s: restarted %d times within %d s; giving up "
			"(domid %u left shut down)",
			w->cfg->name, RESTART_BURST, RESTART_WINDOW_S,
			w->domid);
		return -EAGAIN;
	}
	r = action == CONFIG_ACTION_RENAME_RESTART ? preserve_renamed(w)
						   : destroy_domain(w);
	if (r == 0)
		r = lifecycle_build(w->x, w->c, w->cfg, &domid);
	if (r < 0)
		return r;
	w->domid = domid;
	w->con_pos = 0;
	if (hooks && hooks->on_restart)
		hooks->on_restart(hooks->arg, old, domid);
	r = xylctl_domain_unpause(w->c, domid);
	if (r < 0) {
		snprintf(what, sizeof(what), "unpause %s (domid %u)",
			 w->cfg->name, domid);
		xyl_report(w->c, what, r);
		destroy_domain(w);
		return r;
	}
	log_dom_info(domid, "%s: restarted (was domid %u)", w->cfg->name, old);
	return 0;
}

int
lifecycle_watch(struct xyl *x, struct xylctl *c, struct xylctl **ev,
		const struct config *cfg, xyl_domid_t *domid,
		bool follow_console, const struct lifecycle_hooks *hooks)
{
	struct watch w = {.x = x,
			  .c = c,
			  .ev = ev,
			  .cfg = cfg,
			  .domid = *domid,
			  .follow = follow_console,
			  .detach = hooks ? hooks->detach : NULL};
	enum config_action action;
	uint32_t reason = 0;
	int r;

	for (;;) {
		console_drain(&w);
		r = wait_end(&w, &reason);
		console_drain(&w);
		*domid = w.domid;
		if (r == 0) {
			log_dom_info(w.domid, "%s: destroyed", cfg->name);
			lifecycle_release(x, c, w.domid, cfg->name, NULL);
			return XYL_EXIT_DESTROYED;
		}
		if (r == -EINTR && w.detach && *w.detach)
			return LIFECYCLE_DETACHED;
		if (r < 0) {
			log_err("%s (domid %u): lost xylem-hv: %s", cfg->name,
				w.domid, strerror(-r));
			/* xylem-hv is gone and every domain with it: the
			 * toolstack's state of this one goes too. */
			if (!host_is_up(x))
				lifecycle_release(x, c, w.domid, cfg->name,
						  NULL);
			return XYL_EXIT_ERROR;
		}
		action = reason_action(cfg, reason);
		log_dom_info(w.domid, "%s: shut down (%s); action: %s",
			     cfg->name, reason_name(reason),
			     config_action_name(action));
		emit_shutdown(&w, reason, action);
		if (action == CONFIG_ACTION_DESTROY && destroy_domain(&w) < 0)
			return XYL_EXIT_ERROR;
		if (action != CONFIG_ACTION_RESTART &&
		    action != CONFIG_ACTION_RENAME_RESTART)
			return reason_exit(reason);
		if (restart_domain(&w, action, hooks) < 0)
			return XYL_EXIT_ERROR;
		*domid = w.domid;
	}
}
