/*
 * backends/lib/stats.c: the per-device counter files (stats.h).  Owns no
 * state; the files are dom0's own, but the reader still checks each line.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "stats.h"

int
be_stats_write(const char *path, const struct be_stat *stats, size_t n)
{
	char tmp[4096];
	FILE *f;
	int rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s %llu\n", stats[i].name,
			(unsigned long long)stats[i].value);
	if (fclose(f) != 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc)
		remove(tmp);
	return rc;
}

int
be_stats_read(const char *path, const char *name, uint64_t *value)
{
	char line[256], key[128];
	unsigned long long v;
	FILE *f = fopen(path, "re");
	int rc = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %llu", key, &v) != 2) {
			rc = -EINVAL;
			break;
		}
		if (strcmp(key, name) == 0) {
			*value = v;
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}
