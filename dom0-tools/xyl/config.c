/*
 * dom0-tools/xyl/config.c: check every key of a domain configuration and
 * build struct config (config.h).  The text itself is read and parsed by
 * config_src.c; this file sees only typed values, each checked here, and
 * reports each problem at the line that set the key.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "xylem/ctl.h"
#include "xylem/svi.h"
#include "block.h"
#include "config.h"
#include "config_src.h"
#include "vif.h"

static const char *const known_keys[] = {
	"name",	       "type",	    "builder",	"kernel", "ramdisk", "cmdline",
	"root",	       "extra",	    "memory",	"maxmem", "vcpus",   "uuid",
	"on_poweroff", "on_reboot", "on_crash", "disk",	  "vif",
	"bootloader",  "bootloader_args",
};

/* ---- checking each key ---- */

static bool
name_is_valid(const char *n)
{
	size_t i, len = strlen(n);
	bool all_digits = true;

	if (len == 0 || len >= XYL_NAME_MAX || strcmp(n, "Domain-0") == 0)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)n[i];

		if (c < 0x20 || c == 0x7f || c == '/')
			return false;
		if (c < '0' || c > '9')
			all_digits = false;
	}
	return !all_digits;
}

static int
check_name(struct cfgsrc *s, struct config *c)
{
	int r = config_src_string(s, "name", &c->name);

	if (r == -ESRCH)
		config_src_error(s, "name", "must be specified");
	else if (r == 0 && !name_is_valid(c->name))
		config_src_error(s, "name",
				 "\"%s\" is not a valid domain name (1 to %d "
				 "bytes, no '/' or control characters, not all "
				 "digits, not Domain-0)",
				 c->name, XYL_NAME_MAX - 1);
	return r == -ENOMEM ? r : 0;
}

static int
check_type(struct cfgsrc *s, struct config *c)
{
	int r;

	if (config_src_has(s, "builder"))
		config_src_error(s, "builder",
				 "is not supported; use type = \"pvh\"");
	r = config_src_string(s, "type", &c->type);
	if (r == -ESRCH) {
		c->type = strdup("pvh");
		return c->type ? 0 : -ENOMEM;
	}
	if (r == 0 && strcmp(c->type, "pvh") != 0)
		config_src_error(
			s, "type",
			"\"%s\" is not supported (only \"pvh\" guests)",
			c->type);
	return r == -ENOMEM ? r : 0;
}

/* Make a relative image path absolute against the config file's dir. */
static int
resolve_path(const char *cfg_path, char **p)
{
	char *copy, *dir, *abs_dir, *joined;
	int r = 0;

	if ((*p)[0] == '/')
		return 0;
	copy = strdup(cfg_path);
	if (!copy)
		return -ENOMEM;
	dir = dirname(copy);
	abs_dir = realpath(dir, NULL);
	if (asprintf(&joined, "%s/%s", abs_dir ? abs_dir : dir, *p) < 0) {
		r = -ENOMEM;
	} else {
		free(*p);
		/* Tidy "dir/../x" when the file exists; else keep it as is
		 * (the error comes when xyl create opens it). */
		*p = realpath(joined, NULL);
		if (*p)
			free(joined);
		else
			*p = joined;
	}
	free(abs_dir);
	free(copy);
	return r;
}

static int
check_image(struct cfgsrc *s, const char *key, bool required, char **out)
{
	int r = config_src_string(s, key, out);

	if (r == -ESRCH) {
		if (required)
			config_src_error(s, key, "must be specified");
		return 0;
	}
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	if ((*out)[0] == '\0') {
		config_src_error(s, key, "is empty");
		return 0;
	}
	return resolve_path(s->path, out);
}

/* xl's rule: cmdline wins over root= and extra=; otherwise the command
 * line is "root=<root> <extra>", "root=<root>" or "<extra>". */
static int
check_cmdline(struct cfgsrc *s, struct config *c)
{
	char *cmdline = NULL, *root = NULL, *extra = NULL;
	int r = 0, rc, rr, re;

	rc = config_src_string(s, "cmdline", &cmdline);
	rr = config_src_string(s, "root", &root);
	re = config_src_string(s, "extra", &extra);
	if (rc == -ENOMEM || rr == -ENOMEM || re == -ENOMEM) {
		r = -ENOMEM;
		goto out;
	}
	if (cmdline && (root || extra))
		config_src_warn(s, "cmdline",
				"root= and extra= ignored in favour "
				"of cmdline=");
	if (cmdline) {
		c->cmdline = cmdline;
		cmdline = NULL;
	} else if (asprintf(&c->cmdline, "%s%s%s%s", root ? "root=" : "",
			    root ? root : "", root && extra ? " " : "",
			    extra ? extra : "") < 0) {
		c->cmdline = NULL;
		r = -ENOMEM;
		goto out;
	}
	if (strlen(c->cmdline) >= XYL_CMDLINE_MAX)
		config_src_error(
			s, cmdline || !extra ? "cmdline" : "extra",
			"the command line is %zu bytes, longer than the "
			"limit of %d",
			strlen(c->cmdline), XYL_CMDLINE_MAX - 1);
out:
	free(cmdline);
	free(root);
	free(extra);
	return r;
}

static void
check_memory(struct cfgsrc *s, struct config *c)
{
	int r, errors_before = s->nr_errors;
	long mem, maxmem;

	c->memory_mib = CONFIG_MEMORY_DEFAULT_MIB;
	r = config_src_long(s, "memory", &mem);
	if (r == 0 && (mem < (long)CONFIG_MEMORY_MIN_MIB ||
		       (unsigned long)mem > CONFIG_MEMORY_MAX_MIB))
		config_src_error(s, "memory",
				 "%ld MiB is out of range (%llu to %llu MiB)",
				 mem, CONFIG_MEMORY_MIN_MIB,
				 CONFIG_MEMORY_MAX_MIB);
	else if (r == 0)
		c->memory_mib = (uint64_t)mem;
	c->maxmem_mib = c->memory_mib;
	if (s->nr_errors > errors_before)
		return; /* memory is wrong: comparing maxmem says nothing */
	/* As xl.cfg: maxmem is at least memory.  Above it the domain starts
	 * with memory and reports maxmem as its maximum (no balloon: its RAM
	 * never grows towards it). */
	if (config_src_long(s, "maxmem", &maxmem) != 0)
		return;
	if (maxmem < 0 || (uint64_t)maxmem < c->memory_mib)
		config_src_error(s, "maxmem",
				 "%ld MiB is below memory (%llu MiB); maxmem "
				 "must be equal to or greater than memory",
				 maxmem, (unsigned long long)c->memory_mib);
	else if ((unsigned long)maxmem > CONFIG_MEMORY_MAX_MIB)
		config_src_error(s, "maxmem",
				 "%ld MiB is out of range (memory to %llu MiB)",
				 maxmem, CONFIG_MEMORY_MAX_MIB);
	else
		c->maxmem_mib = (uint64_t)maxmem;
}

static void
check_vcpus(struct cfgsrc *s, struct config *c)
{
	long v;

	c->vcpus = 1;
	if (config_src_long(s, "vcpus", &v) != 0)
		return;
	if (v < 1 || v > XYL_MAX_VCPUS)
		config_src_error(s, "vcpus", "%ld is out of range (1 to %d)", v,
				 XYL_MAX_VCPUS);
	else
		c->vcpus = (uint32_t)v;
}

static int
check_uuid(struct cfgsrc *s, struct config *c)
{
	char *u;
	int r = config_src_string(s, "uuid", &u);

	if (r < 0)
		return r == -ENOMEM ? r : 0;
	if (config_uuid_parse(u, c->uuid) < 0)
		config_src_error(s, "uuid",
				 "\"%s\" is not a UUID "
				 "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
				 u);
	else
		c->has_uuid = true;
	free(u);
	return 0;
}

static int
check_action(struct cfgsrc *s, const char *key, enum config_action def,
	     enum config_action *out)
{
	static const char *const later[] = {"coredump-destroy",
					    "coredump-restart", "soft-reset"};
	char *a;
	size_t i;
	int r = config_src_string(s, key, &a);

	*out = def;
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	if (strcmp(a, "destroy") == 0)
		*out = CONFIG_ACTION_DESTROY;
	else if (strcmp(a, "restart") == 0)
		*out = CONFIG_ACTION_RESTART;
	else if (strcmp(a, "preserve") == 0)
		*out = CONFIG_ACTION_PRESERVE;
	else if (strcmp(a, "rename-restart") == 0)
		*out = CONFIG_ACTION_RENAME_RESTART;
	else {
		for (i = 0; i < sizeof(later) / sizeof(later[0]); i++)
			if (strcmp(a, later[i]) == 0)
				break;
		if (i < sizeof(later) / sizeof(later[0]))
			config_src_error(s, key,
					 "action \"%s\" is not supported yet "
					 "(use destroy, restart, preserve or "
					 "rename-restart)",
					 a);
		else
			config_src_error(
				s, key,
				"unknown action \"%s\" (destroy, restart, "
				"preserve, rename-restart)",
				a);
	}
	free(a);
	return 0;
}

/* disk = [ ... ]: each spec checked by block_disk_parse (libxlutil's
 * xlu_disk_parse inside), its complaint reported as this key's. */
static int
check_disk(struct cfgsrc *s, const char *spec)
{
	struct block_disk d;
	char *msg = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&msg, &len);
	int r;

	if (!m)
		return -ENOMEM;
	r = block_disk_parse(1, &spec, m, "disk", &d);
	fclose(m);
	block_disk_free(&d);
	if (r == -EINVAL && msg) {
		char *line = strncmp(msg, "disk: ", 6) == 0 ? msg + 6 : msg;

		line[strcspn(line, "\n")] = '\0';
		config_src_error(s, "disk", "%s", line);
		r = 0;
	}
	free(msg);
	return r;
}

/* Does spec, re-parsed, name target as its image and otherwise say what
 * the original (parsed as *orig) says? */
static bool
disk_same_but_target(const char *spec, const struct block_disk *orig,
		     const char *target)
{
	struct block_disk d;
	FILE *quiet = fopen("/dev/null", "w");
	bool same;

	if (!quiet)
		return false;
	same = block_disk_parse(1, &spec, quiet, "disk", &d) == 0 &&
	       strcmp(d.target, target) == 0 && d.devid == orig->devid &&
	       d.is_read_only == orig->is_read_only &&
	       d.is_cdrom == orig->is_cdrom && d.discard == orig->discard;
	block_disk_free(&d);
	fclose(quiet);
	return same;
}

/* A relative disk target is relative to the config file's directory, as
 * kernel and ramdisk are: rewrite *spec with the absolute path in place
 * of the target (the token "target=..." runs to the end of the spec; a
 * positional target stands between commas).  The rewritten spec must
 * parse to the same disk, else *spec stays as written. */
static int
disk_resolve(struct cfgsrc *s, char **spec)
{
	struct block_disk d;
	FILE *quiet = fopen("/dev/null", "w");
	char *abs = NULL, *out = NULL, *at;
	size_t tlen;
	int r;

	if (!quiet)
		return -errno;
	r = block_disk_parse(1, (const char *const *)spec, quiet, "disk", &d);
	fclose(quiet);
	if (r < 0 || !d.target || !d.target[0] || d.target[0] == '/')
		goto out;
	tlen = strlen(d.target);
	if (!(abs = strdup(d.target))) {
		r = -ENOMEM;
		goto out;
	}
	r = resolve_path(s->path, &abs);
	for (at = strstr(*spec, d.target); r == 0 && at;
	     at = strstr(at + 1, d.target)) {
		bool starts = at == *spec || at[-1] == ',' || at[-1] == ' ' ||
			      at[-1] == '=';
		bool ends = at[tlen] == '\0' || at[tlen] == ',';

		if (!starts || !ends)
			continue;
		if (asprintf(&out, "%.*s%s%s", (int)(at - *spec), *spec, abs,
			     at + tlen) < 0) {
			out = NULL;
			r = -ENOMEM;
			break;
		}
		if (disk_same_but_target(out, &d, abs)) {
			free(*spec);
			*spec = out;
			out = NULL;
			break;
		}
		free(out);
		out = NULL;
	}
out:
	free(abs);
	block_disk_free(&d);
	return r < 0 && r != -EINVAL ? r : 0;
}

static int
check_disks(struct cfgsrc *s, struct config *c)
{
	const char *spec;
	int i, nr = 0, r;

	if (config_src_list_len(s, "disk", &nr) < 0 || nr == 0)
		return 0;
	c->disks = calloc((size_t)nr, sizeof(*c->disks));
	if (!c->disks)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		if (config_src_list_get(s, "disk", i, &spec) < 0) {
			config_src_error(s, "disk", "item %d is not a string",
					 i + 1);
			continue;
		}
		if ((r = check_disk(s, spec)) < 0)
			return r;
		if (!(c->disks[c->nr_disks] = strdup(spec)))
			return -ENOMEM;
		c->nr_disks++;
		if ((r = disk_resolve(s, &c->disks[c->nr_disks - 1])) < 0)
			return r;
	}
	return 0;
}

/* vif = [ ... ]: each spec checked by vif_parse, its complaint reported
 * as this key's. */
static int
check_vifs(struct cfgsrc *s, struct config *c)
{
	const char *spec;
	int i, nr = 0, r;

	if (config_src_list_len(s, "vif", &nr) < 0 || nr == 0)
		return 0;
	c->vifs = calloc((size_t)nr, sizeof(*c->vifs));
	if (!c->vifs)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		struct vif_spec v;
		char *msg = NULL;
		size_t len = 0;
		FILE *m;

		if (config_src_list_get(s, "vif", i, &spec) < 0) {
			config_src_error(s, "vif", "item %d is not a string",
					 i + 1);
			continue;
		}
		if (!(m = open_memstream(&msg, &len)))
			return -ENOMEM;
		r = vif_parse(spec, m, "vif", &v);
		fclose(m);
		vif_spec_free(&v);
		if (r == -EINVAL && msg) {
			char *line = strncmp(msg, "vif: ", 5) == 0 ? msg + 5
								  : msg;

			line[strcspn(line, "\n")] = '\0';
			config_src_error(s, "vif", "%s", line);
		}
		free(msg);
		if (r == -ENOMEM)
			return r;
		if (r == 0 && !(c->vifs[c->nr_vifs++] = strdup(spec)))
			return -ENOMEM;
	}
	return 0;
}

/* ---- bootloader = "svi" (issue 6; docs/config.md) ---- */

/* One of bootloader_args: "kernel=NAME", "ramdisk=NAME", "cmdline=NAME". */
static int
boot_arg(struct cfgsrc *s, struct config *c, const char *arg)
{
	static const char *const keys[] = {"kernel", "ramdisk", "cmdline"};
	char **slots[] = {&c->svi_kernel, &c->svi_ramdisk, &c->svi_cmdline};
	const char *eq = strchr(arg, '=');
	size_t i;

	for (i = 0; eq && eq[1] && i < 3; i++) {
		if ((size_t)(eq - arg) != strlen(keys[i]) ||
		    strncmp(arg, keys[i], strlen(keys[i])) != 0)
			continue;
		free(*slots[i]);
		*slots[i] = strdup(eq + 1);
		return *slots[i] ? 0 : -ENOMEM;
	}
	config_src_error(s, "bootloader_args",
			 "\"%s\" is not kernel=NAME, ramdisk=NAME or "
			 "cmdline=NAME",
			 arg);
	return 0;
}

/* The volume is the first disk; it must be read-only (it is shared).  A
 * spec block_disk_parse() refuses is reported by check_disk(). */
static int
boot_volume(struct cfgsrc *s, struct config *c)
{
	struct block_disk d;
	const char *spec;
	char *msg = NULL;
	size_t len = 0;
	FILE *quiet;
	int nr = 0, r;

	if (config_src_list_len(s, "disk", &nr) < 0 || nr < 1) {
		config_src_error(s, "bootloader",
				 "\"svi\" boots from the first disk, and "
				 "there is none (disk = [ "
				 "\"/path/vol.svi,raw,xvda,r\" ])");
		return 0;
	}
	if (config_src_list_get(s, "disk", 0, &spec) < 0)
		return 0;
	quiet = open_memstream(&msg, &len);
	if (!quiet)
		return -ENOMEM;
	r = block_disk_parse(1, &spec, quiet, "disk", &d);
	fclose(quiet);
	free(msg);
	if (r < 0)
		return r == -EINVAL ? 0 : r;
	if (!d.is_read_only)
		config_src_error(s, "disk",
				 "\"%s\": the svi volume must be read-only "
				 "(access r)",
				 spec);
	else if (!(c->svi_volume = strdup(d.target)))
		r = -ENOMEM;
	else
		r = resolve_path(s->path, &c->svi_volume);
	block_disk_free(&d);
	return r;
}

static int
check_bootloader(struct cfgsrc *s, struct config *c)
{
	const char *arg;
	int i, nr = 0, r = config_src_string(s, "bootloader", &c->bootloader);

	if (r == -ESRCH && config_src_has(s, "bootloader_args"))
		config_src_warn(s, "bootloader_args",
				"ignored without a bootloader");
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	if (strcmp(c->bootloader, "svi") != 0) {
		config_src_error(s, "bootloader",
				 "\"%s\" is not supported (only \"svi\")",
				 c->bootloader);
		return 0;
	}
	if (c->kernel || c->ramdisk)
		config_src_error(s, c->kernel ? "kernel" : "ramdisk",
				 "cannot be combined with bootloader = "
				 "\"svi\" (it comes from the volume)");
	c->svi_kernel = strdup(XYL_SVI_BOOT_KERNEL);
	c->svi_ramdisk = strdup(XYL_SVI_BOOT_RAMDISK);
	c->svi_cmdline = strdup(XYL_SVI_BOOT_CMDLINE);
	if (!c->svi_kernel || !c->svi_ramdisk || !c->svi_cmdline)
		return -ENOMEM;
	if (config_src_list_len(s, "bootloader_args", &nr) == 0)
		for (i = 0; i < nr; i++) {
			if (config_src_list_get(s, "bootloader_args", i, &arg) <
			    0)
				config_src_error(s, "bootloader_args",
						 "item %d is not a string",
						 i + 1);
			else if ((r = boot_arg(s, c, arg)) < 0)
				return r;
		}
	return boot_volume(s, c);
}

static int
check_all(struct cfgsrc *s, struct config *c)
{
	int r;

	if ((r = check_name(s, c)) < 0 || (r = check_type(s, c)) < 0 ||
	    (r = check_image(s, "kernel", !config_src_has(s, "bootloader"),
			     &c->kernel)) < 0 ||
	    (r = check_image(s, "ramdisk", false, &c->ramdisk)) < 0 ||
	    (r = check_cmdline(s, c)) < 0)
		return r;
	check_memory(s, c);
	check_vcpus(s, c);
	if ((r = check_uuid(s, c)) < 0 ||
	    (r = check_action(s, "on_poweroff", CONFIG_ACTION_DESTROY,
			      &c->on_poweroff)) < 0 ||
	    (r = check_action(s, "on_reboot", CONFIG_ACTION_RESTART,
			      &c->on_reboot)) < 0 ||
	    (r = check_action(s, "on_crash", CONFIG_ACTION_DESTROY,
			      &c->on_crash)) < 0 ||
	    (r = check_bootloader(s, c)) < 0 || (r = check_disks(s, c)) < 0 ||
	    (r = check_vifs(s, c)) < 0)
		return r;
	return 0;
}

int
config_parse(const char *path, char *const *overrides, int nr_overrides,
	     FILE *report, struct config *out)
{
	struct cfgsrc s;
	int r;

	memset(out, 0, sizeof(*out));
	r = config_src_open(&s, path, overrides, nr_overrides, report,
			    known_keys,
			    sizeof(known_keys) / sizeof(known_keys[0]));
	if (r < 0)
		goto out;
	out->source = strdup(path);
	r = out->source ? check_all(&s, out) : -ENOMEM;
	if (r == 0 && s.nr_errors)
		r = -EINVAL;
out:
	if (r < 0)
		config_free(out);
	config_src_close(&s);
	return r;
}

void
config_free(struct config *c)
{
	free(c->source);
	free(c->name);
	free(c->type);
	free(c->kernel);
	free(c->ramdisk);
	free(c->cmdline);
	free(c->bootloader);
	free(c->svi_volume);
	free(c->svi_kernel);
	free(c->svi_ramdisk);
	free(c->svi_cmdline);
	for (int i = 0; i < c->nr_disks; i++)
		free(c->disks[i]);
	free(c->disks);
	for (int i = 0; i < c->nr_vifs; i++)
		free(c->vifs[i]);
	free(c->vifs);
	memset(c, 0, sizeof(*c));
}

const char *
config_action_name(enum config_action a)
{
	switch (a) {
	case CONFIG_ACTION_DESTROY:
		return "destroy";
	case CONFIG_ACTION_RESTART:
		return "restart";
	case CONFIG_ACTION_PRESERVE:
		return "preserve";
	case CONFIG_ACTION_RENAME_RESTART:
		return "rename-restart";
	}
	return "unknown";
}
