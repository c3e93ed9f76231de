/*
 * dom0-tools/xyl/devstats.c: the backends' per-device counter and
 * profile files (devstats.h): xylem-blkback's, xylem-netback's.  The files are
 * dom0's own, but each line is still checked (bounded names, decimal values).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devstats.h"

const char *const devprof_interval_names[XYL_PROFILE_NR_INTERVALS] = {
	"queue_wait", "service", "delivery", "e2e"};

int
devstats_load(const struct xyl *x, xyl_domid_t domid, uint32_t devid,
	      const char *kind, struct devstats *ds)
{
	return devstats_load_in(x, "blkback", domid, devid, kind, ds);
}

int
devstats_load_in(const struct xyl *x, const char *backend, xyl_domid_t domid,
		 uint32_t devid, const char *kind, struct devstats *ds)
{
	char path[4096], line[128];
	unsigned long long v;
	FILE *f;
	int rc = 0;

	ds->nr = 0;
	snprintf(path, sizeof(path), "%s/%s/%u-%u.%s", x->rundir, backend,
		 domid, devid, kind);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f) && ds->nr < DEVSTATS_MAX) {
		if (sscanf(line, "%31s %llu", ds->ent[ds->nr].name, &v) != 2) {
			rc = -EINVAL;
			break;
		}
		ds->ent[ds->nr++].value = v;
	}
	fclose(f);
	return rc;
}

uint64_t
devstats_get(const struct devstats *ds, const char *name)
{
	for (size_t i = 0; i < ds->nr; i++)
		if (strcmp(ds->ent[i].name, name) == 0)
			return ds->ent[i].value;
	return 0;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int
devstats_devices(const struct xyl *x, xyl_domid_t domid, uint32_t *devids,
		 size_t cap, size_t *nr)
{
	return devstats_devices_in(x, "blkback", domid, devids, cap, nr);
}

int
devstats_devices_in(const struct xyl *x, const char *backend, xyl_domid_t domid,
		    uint32_t *devids, size_t cap, size_t *nr)
{
	char path[4096], tail[16];
	struct dirent *e;
	unsigned d, n;
	DIR *dir;

	*nr = 0;
	snprintf(path, sizeof(path), "%s/%s", x->rundir, backend);
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(dir)) && *nr < cap)
		if (sscanf(e->d_name, "%u-%u.%15s", &d, &n, tail) == 3 &&
		    d == domid && strcmp(tail, "stats") == 0)
			devids[(*nr)++] = n;
	closedir(dir);
	qsort(devids, *nr, sizeof(*devids), cmp_u32);
	return 0;
}

int
devprof_load(const struct xyl *x, xyl_domid_t domid, uint32_t devid,
	     struct devprof *p)
{
	return devprof_load_in(x, "blkback", domid, devid, p);
}

int
devprof_load_in(const struct xyl *x, const char *backend, xyl_domid_t domid,
		uint32_t devid, struct devprof *p)
{
	struct devstats ds;
	char name[40];
	int rc = devstats_load_in(x, backend, domid, devid, "profile", &ds);

	memset(p, 0, sizeof(*p));
	if (rc)
		return rc;
	p->period_ns = (uint32_t)devstats_get(&ds, "period_ns");
	p->counted = devstats_get(&ds, "counted");
	p->unstamped = devstats_get(&ds, "unstamped");
	p->own_e2e_ns = devstats_get(&ds, "own_e2e_ns");
	for (unsigned i = 0; i < XYL_PROFILE_NR_INTERVALS; i++) {
		const char *iv = devprof_interval_names[i];

		snprintf(name, sizeof(name), "%s_sum", iv);
		p->hist[i].sum_ticks = devstats_get(&ds, name);
		snprintf(name, sizeof(name), "%s_max", iv);
		p->hist[i].max_ticks = devstats_get(&ds, name);
		for (unsigned b = 0; b < XYL_PROFILE_BUCKETS; b++) {
			snprintf(name, sizeof(name), "%s_b%u", iv, b);
			p->hist[i].bucket[b] =
				(uint32_t)devstats_get(&ds, name);
		}
	}
	return 0;
}

uint64_t
devprof_percentile(const struct xyl_profile_hist *h, uint64_t count, double p)
{
	uint64_t want, seen = 0;

	if (count == 0)
		return 0;
	want = (uint64_t)((double)count * p / 100.0 + 0.999999);
	if (want == 0)
		want = 1;
	for (unsigned b = 0; b < XYL_PROFILE_BUCKETS; b++) {
		seen += h->bucket[b];
		if (seen >= want) {
			/* Bucket b holds [2^(b-1), 2^b) ticks: its top. */
			uint64_t top = b == 0 ? 0 : (1ull << b) - 1;

			return top < h->max_ticks ? top : h->max_ticks;
		}
	}
	return h->max_ticks;
}
