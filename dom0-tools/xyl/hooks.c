/*
 * dom0-tools/xyl/hooks.c: toolstack events and orchestration hooks
 * (docs/hooks.md).  xyl_event() appends one JSON line to the event log
 * and runs every executable in the hooks directory, in name order, with
 * the domain's details in its environment and as JSON on its stdin.  A
 * hook is an untrusted child: bounded output, killed (its whole process
 * group) when it outlives the timeout.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json.h>

#include "config.h"
#include "dlog.h"
#include "evlog.h"
#include "xyl.h"

#define HOOKS_DIR_DEFAULT      "/etc/xylem/hooks.d"
#define HOOK_TIMEOUT_DEFAULT_S 30
#define HOOK_OUTPUT_MAX	       4096
#define HOOK_POLL_MS	       50

/* One event being delivered: what every hook of it gets. */
struct hook_call {
	const char *event;
	const char *name;
	char domid[16]; /* "" before the domain exists */
	char uuid[37];	/* "" if unknown */
	const char *config_json;
	const char *detail_json;
	const char *stdin_json;
};

/* What one hook run produced. */
struct hook_result {
	char out[HOOK_OUTPUT_MAX]; /* stdout and stderr, NUL-terminated */
	size_t out_len;
	int status; /* wait status, valid unless timed_out */
	bool timed_out;
};

static const char *
hooks_dir(void)
{
	const char *d = getenv("XYLEM_HOOKS_DIR");

	return d && d[0] ? d : HOOKS_DIR_DEFAULT;
}

static int
hooks_timeout_ms(void)
{
	const char *t = getenv("XYLEM_HOOKS_TIMEOUT");
	char *end;
	long s;

	if (!t || !t[0])
		return HOOK_TIMEOUT_DEFAULT_S * 1000;
	s = strtol(t, &end, 10);
	if (*end || s < 1 || s > 3600)
		return HOOK_TIMEOUT_DEFAULT_S * 1000;
	return (int)s * 1000;
}

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Hooks are executable regular files not starting with '.' and not
 * editor backups ("~"), run in strcmp order (as run-parts). */
static int
hook_filter(const struct dirent *de)
{
	size_t len = strlen(de->d_name);

	return de->d_name[0] != '.' && len > 0 && de->d_name[len - 1] != '~';
}

static bool
hook_is_runnable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, X_OK) == 0;
}

static void __attribute__((noreturn))
hook_exec(const char *path, const struct hook_call *hc, int in_fd, int out_fd)
{
	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	dup2(in_fd, STDIN_FILENO);
	dup2(out_fd, STDOUT_FILENO);
	dup2(out_fd, STDERR_FILENO);
	setenv("XYLEM_EVENT", hc->event, 1);
	setenv("XYLEM_DOMAIN", hc->name ? hc->name : "", 1);
	setenv("XYLEM_DOMID", hc->domid, 1);
	setenv("XYLEM_UUID", hc->uuid, 1);
	setenv("XYLEM_CONFIG", hc->config_json, 1);
	setenv("XYLEM_DETAIL", hc->detail_json, 1);
	setenv("XYLEM_RUNDIR", xylctl_default_rundir(), 1);
	execl(path, path, hc->event, hc->name ? hc->name : "", (char *)NULL);
	fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
	_exit(127);
}

/* Keep the first HOOK_OUTPUT_MAX - 1 bytes; read and drop the rest so the
 * hook never blocks on a full pipe.  1 read something, 0 end of file, -1
 * nothing there now (or an error). */
static int
hook_read_output(int out_fd, struct hook_result *res)
{
	char buf[512];
	ssize_t n = read(out_fd, buf, sizeof(buf));
	size_t room = HOOK_OUTPUT_MAX - 1 - res->out_len, take;

	if (n <= 0)
		return n == 0 ? 0 : -1;
	take = (size_t)n < room ? (size_t)n : room;
	memcpy(res->out + res->out_len, buf, take);
	res->out_len += take;
	return 1;
}

/* Feed stdin and collect output until the hook exits or time runs out. */
static void
hook_wait(pid_t pid, int in_fd, int out_fd, const char *input,
	  struct hook_result *res)
{
	size_t in_len = strlen(input), in_off = 0;
	uint64_t deadline = mono_ms() + (uint64_t)hooks_timeout_ms();
	bool exited = false, out_open = true;

	fcntl(in_fd, F_SETFL, O_NONBLOCK);
	fcntl(out_fd, F_SETFL, O_NONBLOCK);
	while (!exited && mono_ms() < deadline) {
		/* poll() skips negative fds: nothing to wait for on a pipe
		 * that is done, only the timeout. */
		struct pollfd p[2] = {{out_open ? out_fd : -1, POLLIN, 0},
				      {in_fd, POLLOUT, 0}};
		ssize_t n;

		poll(p, 2, HOOK_POLL_MS);
		if (in_fd >= 0 && (p[1].revents & (POLLOUT | POLLERR))) {
			n = write(in_fd, input + in_off, in_len - in_off);
			if (n > 0)
				in_off += (size_t)n;
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				in_off = in_len; /* it closed its stdin */
			if (in_off == in_len) {
				close(in_fd);
				in_fd = -1;
			}
		}
		if (out_open && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			out_open = hook_read_output(out_fd, res) != 0;
		exited = waitpid(pid, &res->status, WNOHANG) == pid;
	}
	if (in_fd >= 0)
		close(in_fd);
	if (!exited) {
		res->timed_out = true;
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &res->status, 0);
		return;
	}
	/* What the hook wrote before exiting; a grandchild holding the pipe
	 * open is not waited for. */
	while (out_open && hook_read_output(out_fd, res) > 0)
		;
}

static int
hook_run(const char *path, const struct hook_call *hc, struct hook_result *res)
{
	int in[2], out[2];
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(in, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return -errno;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0)
		hook_exec(path, hc, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	if (pid < 0) {
		close(in[1]);
		close(out[0]);
		return -errno;
	}
	setpgid(pid, pid); /* both sides: no race with the kill */
	hook_wait(pid, in[1], out[0], hc->stdin_json, res);
	close(out[0]);
	res->out[res->out_len] = '\0';
	return 0;
}

/* The first non-empty line of the hook's output, or a status text. */
static void
hook_message(const char *hook, const struct hook_result *res, char *msg,
	     size_t cap)
{
	const char *p = res->out;
	size_t len;

	while (*p == '\n' || *p == '\r' || *p == ' ')
		p++;
	len = strcspn(p, "\r\n");
	if (res->timed_out)
		snprintf(msg, cap, "hook %s: timed out after %d s (killed)",
			 hook, hooks_timeout_ms() / 1000);
	else if (len > 0)
		snprintf(msg, cap, "hook %s: %.*s", hook, (int)len, p);
	else if (WIFEXITED(res->status))
		snprintf(msg, cap, "hook %s: exited with status %d", hook,
			 WEXITSTATUS(res->status));
	else
		snprintf(msg, cap, "hook %s: killed by signal %d", hook,
			 WIFSIGNALED(res->status) ? WTERMSIG(res->status) : 0);
}

static bool
hook_failed(const struct hook_result *res)
{
	return res->timed_out || !WIFEXITED(res->status) ||
	       WEXITSTATUS(res->status) != 0;
}

/* Run every hook for hc; 0, or -EPERM (prepare vetoed, message in msg). */
static int
hooks_run_all(const struct hook_call *hc, char *msg, size_t msg_cap)
{
	const char *dir = hooks_dir();
	struct dirent **list = NULL;
	struct hook_result *res = malloc(sizeof(*res));
	bool can_veto = strcmp(hc->event, "prepare") == 0;
	char path[4096], text[512];
	int i, n, r = 0;
	void (*old_pipe)(int);

	n = scandir(dir, &list, hook_filter, alphasort);
	if (n < 0 || !res) {
		free(res);
		return 0; /* no hooks directory: nothing to run */
	}
	old_pipe = signal(SIGPIPE, SIG_IGN);
	/* An inherited SIG_IGN would make the kernel reap hooks itself and
	 * waitpid() never see them exit. */
	signal(SIGCHLD, SIG_DFL);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		if (r < 0 || !hook_is_runnable(path))
			continue;
		if (hook_run(path, hc, res) < 0) {
			log_warn("hook %s: cannot run: %s", path,
				 strerror(errno));
			continue;
		}
		hook_message(list[i]->d_name, res, text, sizeof(text));
		if (res->timed_out)
			log_warn("%s (event %s, domain %s)", text, hc->event,
				 hc->name ? hc->name : "-");
		if (hook_failed(res) && can_veto) {
			if (msg)
				snprintf(msg, msg_cap, "%s", text);
			r = -EPERM;
		} else if (hook_failed(res) && !res->timed_out) {
			log_warn("%s (event %s, domain %s)", text, hc->event,
				 hc->name ? hc->name : "-");
		} else {
			log_debug("hook %s ran for %s", list[i]->d_name,
				  hc->event);
		}
	}
	signal(SIGPIPE, old_pipe);
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	free(res);
	return r;
}

/* The config as JSON: cfg's, else the domain's saved record ("uuid" of
 * the record is the domain's real one). */
static struct json_object *
event_config(const struct xyl *x, xyl_domid_t domid, const struct config *cfg)
{
	char path[4096];

	if (cfg)
		return config_to_json(cfg);
	if (domid == XYL_EVENT_NO_DOMID ||
	    xyl_record_path(x, domid, path, sizeof(path)) < 0)
		return NULL;
	return json_object_from_file(path);
}

/* The domain's uuid and (if the caller gave none) name: from xylem-hv
 * while it exists, else from its config. */
static void
event_identity(const struct xyl *x, xyl_domid_t domid, struct json_object *conf,
	       char uuid[37], char name[XYL_NAME_MAX])
{
	struct xyl_dominfo info;
	struct json_object *u;
	struct xylctl *c;

	uuid[0] = name[0] = '\0';
	if (domid != XYL_EVENT_NO_DOMID && xylctl_open(x->rundir, &c) == 0) {
		if (xylctl_domain_getinfo(c, domid, &info) == 0) {
			config_uuid_format(info.uuid, uuid);
			snprintf(name, XYL_NAME_MAX, "%s", info.name);
		}
		xylctl_close(c);
	}
	if (!uuid[0] && conf && json_object_object_get_ex(conf, "uuid", &u) &&
	    json_object_is_type(u, json_type_string))
		snprintf(uuid, 37, "%s", json_object_get_string(u));
	if (!name[0] && conf && json_object_object_get_ex(conf, "name", &u) &&
	    json_object_is_type(u, json_type_string))
		snprintf(name, XYL_NAME_MAX, "%s", json_object_get_string(u));
}

int
xyl_event(struct xyl *x, const char *event, xyl_domid_t domid, const char *name,
	  const struct config *cfg, struct json_object *detail, char *msg,
	  size_t msg_cap)
{
	return xyl_event_json(x, event, domid, name,
			      event_config(x, domid, cfg), detail, msg,
			      msg_cap);
}

int
xyl_event_json(struct xyl *x, const char *event, xyl_domid_t domid,
	       const char *name, struct json_object *conf,
	       struct json_object *detail, char *msg, size_t msg_cap)
{
	struct json_object *rec, *full;
	struct hook_call hc = {.event = event, .name = name};
	char found_name[XYL_NAME_MAX];
	int r;

	if (msg && msg_cap)
		msg[0] = '\0';
	event_identity(x, domid, conf, hc.uuid, found_name);
	if (!name && found_name[0])
		name = hc.name = found_name;
	if (domid != XYL_EVENT_NO_DOMID)
		snprintf(hc.domid, sizeof(hc.domid), "%u", domid);
	rec = evlog_record("xyl", event,
			   domid == XYL_EVENT_NO_DOMID ? -1 : (long)domid, name,
			   hc.uuid[0] ? hc.uuid : NULL, detail);
	if (!rec) {
		json_object_put(conf);
		return 0;
	}
	if (strcmp(event, "prepare") != 0)
		evlog_append(x->rundir, rec);
	full = NULL;
	json_object_deep_copy(rec, &full, NULL);
	if (full)
		json_object_object_add(full, "config", json_object_get(conf));
	hc.config_json = conf ? json_object_to_json_string_ext(
					conf, JSON_C_TO_STRING_PLAIN)
			      : "null";
	hc.detail_json =
		json_object_to_json_string_ext(detail, JSON_C_TO_STRING_PLAIN);
	hc.stdin_json =
		full ? json_object_to_json_string_ext(
			       full, JSON_C_TO_STRING_PLAIN |
					     JSON_C_TO_STRING_NOSLASHESCAPE)
		     : "{}";
	r = hooks_run_all(&hc, msg, msg_cap);
	/* prepare is logged once its outcome is known. */
	if (strcmp(event, "prepare") == 0) {
		if (r < 0)
			json_object_object_add(
				rec, "vetoed",
				json_object_new_string(msg ? msg : ""));
		evlog_append(x->rundir, rec);
	}
	json_object_put(full);
	json_object_put(rec);
	json_object_put(conf);
	return r;
}
