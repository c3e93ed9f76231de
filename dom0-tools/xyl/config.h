/*
 * dom0-tools/xyl/config.h: a domain configuration in xl.cfg syntax, parsed
 * and checked into struct config.  config_parse() is the only code in xyl
 * that reads a config file or a key=value override; it uses Debian's
 * libxlutil for the syntax and checks every value here (STYLE.md 3.6).
 * It is pure: no hypervisor, no opened kernels; tests call it directly.
 */
#ifndef XYL_CONFIG_H
#define XYL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;

/* What to do when the domain shuts down with a given reason. */
enum config_action {
	CONFIG_ACTION_DESTROY = 0,
	CONFIG_ACTION_RESTART,
	CONFIG_ACTION_PRESERVE,
	CONFIG_ACTION_RENAME_RESTART, /* keep it renamed, start a new one */
};

#define CONFIG_MEMORY_MIN_MIB 4ull /* xyl_ctl_domain_create's floor */
#define CONFIG_MEMORY_MAX_MIB                                                  \
	(1ull << 20)			     /* 1 TiB: far above any host here \
					      */
#define CONFIG_MEMORY_DEFAULT_MIB 32ull	     /* libxl's default max_memkb */
#define CONFIG_FILE_MAX_BYTES	  (1u << 20) /* a config file larger is refused */

/*
 * A checked configuration.  Owned by the caller of config_parse(), freed
 * with config_free().  Strings are malloc'd; kernel and ramdisk are
 * absolute (relative ones resolved against the config file's directory).
 */
struct config {
	char *source; /* the config file as named on the command line */
	char *name;
	char *type;    /* always "pvh" for now */
	char *kernel;  /* absolute path */
	char *ramdisk; /* absolute path or NULL */
	char *cmdline; /* final command line: cmdline, or root= + extra */
	uint64_t memory_mib;
	uint64_t maxmem_mib; /* >= memory_mib: the domain's maximum */
	uint32_t vcpus;
	bool has_uuid;
	uint8_t uuid[16];
	enum config_action on_poweroff;
	enum config_action on_reboot;
	enum config_action on_crash;
	/* bootloader = "svi" (svi_boot.c): kernel, ramdisk and command line
	 * come from the volume, the first disk; NULL without a bootloader. */
	char *bootloader;  /* "svi" */
	char *svi_volume;  /* absolute path of the volume */
	char *svi_kernel;  /* entry names (bootloader_args) */
	char *svi_ramdisk; /* optional entry: absent from the volume is ok */
	char *svi_cmdline; /* optional entry; cmdline above is appended */
	/* disk = [ ... ]: the xl disk specs as written, each checked with
	 * block_disk_parse (block.h); attached at create. */
	char **disks;
	int nr_disks;
	/* vif = [ ... ]: the xl vif specs as written, each checked with
	 * vif_parse (vif.h); attached at create (issue 5). */
	char **vifs;
	int nr_vifs;
};

/*
 * Parse the config file at path, then the overrides ("key=value" strings,
 * later ones winning, as extra lines after the file would).  Every problem
 * is written to report as one line naming the source, line and key
 * ("xyl: web.cfg:4: memory: ..."; libxlutil's own syntax and type messages
 * use its "web.cfg:4: ..." form); warnings (unknown keys) do not fail.
 * Returns 0 and fills *out, or:
 *   -EINVAL  the configuration has errors (all of them reported)
 *   -ENOENT, -EACCES, -EFBIG, ...  the file could not be read (reported)
 *   -ENOMEM
 */
int config_parse(const char *path, char *const *overrides, int nr_overrides,
		 FILE *report, struct config *out);
void config_free(struct config *c);

const char *config_action_name(enum config_action a);

/* Format a UUID as 8-4-4-4-12 lower-case hex into buf (37 bytes). */
void config_uuid_format(const uint8_t uuid[16], char buf[37]);
/* Parse 8-4-4-4-12 hex; 0 or -EINVAL. */
int config_uuid_parse(const char *s, uint8_t uuid[16]);

/* The configuration as a JSON object (what `xyl create -n` prints). */
struct json_object *config_to_json(const struct config *c);

#endif
