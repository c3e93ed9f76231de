/*
 * dom0-tools/xyl/svi_boot.c: bootloader = "svi", dom0's extractor (like
 * pygrub): open the volume named by the config, extract the kernel, the
 * optional ramdisk and command line into memfds / a string for
 * xylctl_domain_create().  The volume is read only through libsvi.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xylem/ctl.h"
#include "config.h"
#include "dlog.h"
#include "svi.h"
#include "xyl.h"

/* Files a guest boots from are at most this big (xylem-hv refuses more
 * than RAM anyway; this only stops a huge volume entry early). */
#define SVI_BOOT_IMAGE_MAX (1ull << 30)

/* Extract entry name into a sealed-size memfd; *fd stays -1 if the entry
 * is absent and optional. */
static int
extract_fd(const struct config *cfg, struct svi_volume *v, const char *name,
	   bool optional, int *fd)
{
	const struct svi_file *f = svi_index_find(&v->ix, name);
	char detail[SVI_DETAIL_MAX];
	int r;

	*fd = -1;
	if (!f) {
		if (optional)
			return 0;
		log_err("create %s: volume %s: no entry '%s'", cfg->name,
			cfg->svi_volume, name);
		return -ENOENT;
	}
	if (f->size_bytes > SVI_BOOT_IMAGE_MAX) {
		log_err("create %s: volume %s: entry '%s' is %llu bytes (at "
			"most %llu)",
			cfg->name, cfg->svi_volume, name,
			(unsigned long long)f->size_bytes, SVI_BOOT_IMAGE_MAX);
		return -EFBIG;
	}
	*fd = memfd_create(name, MFD_CLOEXEC);
	if (*fd < 0) {
		r = -errno;
		log_err("create %s: memfd: %s", cfg->name, strerror(-r));
		return r;
	}
	r = svi_extract(v, f, svi_fd_sink, fd, detail, sizeof(detail));
	if (r < 0) {
		log_err("create %s: volume %s: %s", cfg->name, cfg->svi_volume,
			detail[0] ? detail : strerror(-r));
		close(*fd);
		*fd = -1;
	}
	return r;
}

/* The volume's command line (one trailing newline dropped), then the
 * config's, so keys set in the config win in the guest. */
static int
build_cmdline(const struct config *cfg, struct svi_volume *v, char **out)
{
	const struct svi_file *f = svi_index_find(&v->ix, cfg->svi_cmdline);
	char detail[SVI_DETAIL_MAX];
	char *text = NULL;
	size_t len = 0;
	int r;

	if (f) {
		r = svi_extract_mem(v, f, XYL_CMDLINE_MAX, (void **)&text,
				    detail, sizeof(detail));
		if (r < 0) {
			log_err("create %s: volume %s: %s", cfg->name,
				cfg->svi_volume,
				detail[0] ? detail : strerror(-r));
			return r;
		}
		len = (size_t)f->size_bytes;
		if (len && text[len - 1] == '\n')
			text[--len] = '\0';
		if (strlen(text) != len) {
			log_err("create %s: volume %s: entry '%s' holds a NUL "
				"byte",
				cfg->name, cfg->svi_volume, f->name);
			free(text);
			return -EINVAL;
		}
	}
	r = asprintf(out, "%s%s%s", text ? text : "",
		     text && len && cfg->cmdline[0] ? " " : "", cfg->cmdline);
	free(text);
	if (r < 0)
		return -ENOMEM;
	if (strlen(*out) >= XYL_CMDLINE_MAX) {
		log_err("create %s: the command line from volume %s is %zu "
			"bytes (at most %d)",
			cfg->name, cfg->svi_volume, strlen(*out),
			XYL_CMDLINE_MAX - 1);
		free(*out);
		*out = NULL;
		return -E2BIG;
	}
	return 0;
}

int
svi_boot_prepare(const struct config *cfg, struct xylctl_domain_spec *spec,
		 char **cmdline)
{
	char detail[SVI_DETAIL_MAX];
	struct svi_volume *v;
	int r;

	*cmdline = NULL;
	r = svi_open(cfg->svi_volume, &v, detail, sizeof(detail));
	if (r < 0) {
		log_err("create %s: volume %s: %s", cfg->name, cfg->svi_volume,
			detail[0] ? detail : strerror(-r));
		return r;
	}
	r = extract_fd(cfg, v, cfg->svi_kernel, false, &spec->kernel_fd);
	if (r == 0)
		r = extract_fd(cfg, v, cfg->svi_ramdisk, true,
			       &spec->ramdisk_fd);
	if (r == 0)
		r = build_cmdline(cfg, v, cmdline);
	if (r == 0)
		spec->cmdline = *cmdline;
	svi_close(v);
	/* On failure the caller closes the fds already in spec. */
	return r;
}
