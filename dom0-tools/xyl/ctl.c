/*
 * dom0-tools/xyl/ctl.c: xyl's side of libxylemctl: connecting with a clear
 * message, naming domains, and the per-domain record (the config JSON
 * that `xyl list -l` shows) under $XYLEM_RUNDIR/xyl/.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json.h>

#include "config.h"
#include "dlog.h"
#include "xyl.h"

void
xyl_report(struct xylctl *c, const char *what, int err)
{
	const char *detail = c ? xylctl_last_detail(c) : "";

	if (detail && detail[0])
		log_err("%s: %s: %s", what, strerror(-err), detail);
	else
		log_err("%s: %s", what, strerror(-err));
}

int
xyl_connect(struct xyl *x, const char *verb, struct xylctl **out)
{
	int r = xylctl_open(x->rundir, out);

	if (r == -ECONNREFUSED || r == -ENOENT)
		log_err("%s: xylem-hv is not running at %s "
			"(start it with: xyl host start)",
			verb, x->rundir);
	else if (r < 0)
		log_err("%s: cannot connect to xylem-hv at %s: %s", verb,
			x->rundir, strerror(-r));
	return r;
}

int
xyl_lookup(struct xylctl *c, const char *verb, const char *dom,
	   xyl_domid_t *domid)
{
	int r = xylctl_domain_lookup(c, dom, domid);

	if (r == -ESRCH)
		log_err("%s: %s: no such domain", verb, dom);
	else if (r < 0) {
		char what[128];

		snprintf(what, sizeof(what), "%s %s", verb, dom);
		xyl_report(c, what, r);
	}
	return r;
}

int
xyl_mkdirs(const char *path)
{
	char buf[4096];
	size_t i, len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		buf[i] = path[i];
	}
	return 0;
}

int
xyl_record_path(const struct xyl *x, xyl_domid_t domid, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s/xyl/%u.json", x->rundir, domid);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int
xyl_record_save(const struct xyl *x, xyl_domid_t domid,
		const struct config *cfg, const uint8_t *uuid)
{
	struct json_object *j = config_to_json(cfg);
	char path[4096], dir[4096], text_uuid[37];
	const char *text;
	int fd, r;

	if (!j)
		return -ENOMEM;
	if (uuid && !cfg->has_uuid) {
		config_uuid_format(uuid, text_uuid);
		json_object_object_add(j, "uuid",
				       json_object_new_string(text_uuid));
	}
	snprintf(dir, sizeof(dir), "%s/xyl", x->rundir);
	r = xyl_mkdirs(dir);
	if (r == 0)
		r = xyl_record_path(x, domid, path, sizeof(path));
	if (r < 0)
		goto out;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
	if (write(fd, text, strlen(text)) < 0)
		r = -errno;
	close(fd);
out:
	json_object_put(j);
	return r;
}

int
xyl_record_save_minimal(const struct xyl *x, xyl_domid_t domid,
			const char *name)
{
	struct json_object *j = json_object_new_object();
	char path[4096], dir[4096];
	int r;

	if (!j)
		return -ENOMEM;
	json_object_object_add(j, "name", json_object_new_string(name));
	snprintf(dir, sizeof(dir), "%s/xyl", x->rundir);
	r = xyl_mkdirs(dir);
	if (r == 0)
		r = xyl_record_path(x, domid, path, sizeof(path));
	if (r == 0 &&
	    json_object_to_file_ext(path, j, JSON_C_TO_STRING_PLAIN) < 0)
		r = -EIO;
	json_object_put(j);
	return r;
}

int
xyl_record_rename(const struct xyl *x, xyl_domid_t domid, const char *name)
{
	struct json_object *j;
	char path[4096];
	int r = xyl_record_path(x, domid, path, sizeof(path));

	if (r < 0)
		return r;
	j = json_object_from_file(path);
	if (!j)
		return -ENOENT;
	json_object_object_add(j, "name", json_object_new_string(name));
	r = json_object_to_file_ext(path, j, JSON_C_TO_STRING_PLAIN) < 0 ? -EIO
									 : 0;
	json_object_put(j);
	return r;
}

void
xyl_record_remove(const struct xyl *x, xyl_domid_t domid)
{
	char path[4096];

	if (xyl_record_path(x, domid, path, sizeof(path)) == 0)
		unlink(path);
}

int
xyl_one_domain(struct xyl *x, const char *verb, int argc, char **argv,
	       struct xylctl **c, xyl_domid_t *domid)
{
	int r;

	if (argc != 2 || argv[1][0] == '-') {
		xyl_usage(verb);
		return -EINVAL;
	}
	r = xyl_connect(x, verb, c);
	if (r < 0)
		return r;
	/* dom0 is the host, never in the hypervisor's domain list. */
	if (strcmp(argv[1], "0") == 0 || strcmp(argv[1], "Domain-0") == 0) {
		*domid = 0;
		return 0;
	}
	r = xyl_lookup(*c, verb, argv[1], domid);
	if (r < 0) {
		xylctl_close(*c);
		*c = NULL;
	}
	return r;
}

/* The host's busy CPU time (all CPUs, not idle/iowait), in ns. */
uint64_t
xyl_host_busy_ns(void)
{
	unsigned long long v[8] = {0};
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/stat", "re");
	uint64_t ticks;

	if (!f)
		return 0;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
		memset(v, 0, sizeof(v));
	fclose(f);
	/* user nice system [idle iowait] irq softirq steal */
	ticks = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
	return hz > 0 ? ticks * (1000000000ull / (uint64_t)hz) : 0;
}
