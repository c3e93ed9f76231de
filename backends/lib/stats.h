/*
 * backends/lib/stats.h: per-device counters published for dom0 tools:
 * one small text file per device under the backend's run directory,
 * "name value" lines, replaced atomically (write + rename) so a reader
 * (`xyl block-list -l`) never sees half a file.
 */
#ifndef BE_STATS_H
#define BE_STATS_H

#include <stddef.h>
#include <stdint.h>

struct be_stat {
	const char *name;
	uint64_t value;
};

/* Write the counters to path (via path.tmp).  0 or -errno. */
int be_stats_write(const char *path, const struct be_stat *stats, size_t n);
/* Read one counter back from such a file: -ENOENT no file or no such
 * name, -EINVAL malformed line. */
int be_stats_read(const char *path, const char *name, uint64_t *value);

#endif
