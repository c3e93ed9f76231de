/*
 * tests/bench/svi_bench.c: svi extraction rate (issue 6), guest vs host on
 * the same volume in the same run: a guest booted from the volume
 * (bootloader = "svi") reads it over its read-only vbd (blkfront ->
 * xylem-blkback) and extracts and checks every file (app=svicheck,
 * frontends/svi/), against `xyl svi extract` on the host (libsvi + zlib,
 * writing files), for a stored and a zlib volume; also the guest's vbd
 * read rate alone and the same extraction from the PVH ramdisk.
 * MB/s = 10^6 bytes of extracted (original) data per second; medians.
 * Appends rows to the markdown table named by argv[1] (and stdout).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bench.h"
#include "harness.h"
#include "proc.h"

#define FILE_BYTES (48u << 20)
#define RUNS	   3

static struct harness_hv hv;
static char xyl[4096], guest[4096];

static void
row(const char *what, double value, double peer)
{
	char m[32], p[64], r[32];

	snprintf(m, sizeof(m), "%.0f MB/s", value);
	snprintf(p, sizeof(p), "host `xyl svi extract` %.0f MB/s", peer);
	snprintf(r, sizeof(r), "%.2f", peer > 0 ? value / peer : 0);
	bench_row(what, m, p, r);
}

static double
median(double *v)
{
	int i, j;

	for (i = 0; i < RUNS; i++)
		for (j = i + 1; j < RUNS; j++)
			if (v[j] < v[i]) {
				double t = v[i];
				v[i] = v[j];
				v[j] = t;
			}
	return v[RUNS / 2];
}

static uint64_t
file_bytes(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* A 48 MiB file: random (does not compress) or text (compresses). */
static int
make_input(const char *path, int text)
{
	FILE *f = fopen(path, "w");
	uint64_t x = 88172645463325252ull;
	size_t i;

	if (!f)
		return -1;
	for (i = 0; i < FILE_BYTES; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		fputc(text ? "svi log line 0123456789\n"[i % 24] ^ (x % 97 == 0)
			   : (int)(x & 0xff),
		      f);
	}
	return fclose(f);
}

/* Host: full extractions of every file into a scratch directory. */
static double
host_mbps(const char *vol, uint64_t bytes)
{
	double mbps[RUNS];
	char *dir;
	int i;

	if (asprintf(&dir, "%s/out", hv.rundir) < 0)
		return 0;
	for (i = 0; i < RUNS; i++) {
		char *argv[] = {xyl,  "svi", "extract", (char *)vol,
				"-C", dir,   NULL};
		char *mk[] = {"/bin/mkdir", "-p", dir, NULL};
		struct proc p;
		uint64_t t0;
		int rc;

		proc_run(&p, NULL, mk, 10000);
		proc_free(&p);
		t0 = bench_now_ns();
		rc = proc_run(&p, NULL, argv, 120000);
		mbps[i] = rc == 0 ? (double)bytes * 1000.0 /
					    (double)(bench_now_ns() - t0)
				  : 0;
		proc_free(&p);
	}
	free(dir);
	return median(mbps);
}

static double
field(const char *out, const char *key)
{
	const char *m = strstr(out, key);

	return m ? atof(m + strlen(key)) : 0;
}

/* Guest: svicheck's own rates over the volume, booted from it with the
 * volume as its vbd (or, ramdisk = 1, as its PVH ramdisk). */
static void
guest_mbps(const char *vol, int ramdisk, double *extract, double *read)
{
	double e[RUNS] = {0}, r[RUNS] = {0};
	struct proc p;
	char *cfg;
	FILE *f;
	int i, rc;

	*extract = *read = 0;
	if (asprintf(&cfg, "%s/svibench.cfg", hv.rundir) < 0)
		return;
	f = fopen(cfg, "w");
	if (!f)
		return;
	if (ramdisk)
		fprintf(f,
			"name = \"svibench\"\nkernel = \"%s\"\n"
			"ramdisk = \"%s\"\nmemory = 256\n"
			"cmdline = \"app=svicheck svisrc=ramdisk\"\n",
			guest, vol);
	else
		fprintf(f,
			"name = \"svibench\"\nbootloader = \"svi\"\n"
			"disk = [ \"%s,raw,xvda,r\" ]\nmemory = 192\n",
			vol);
	fclose(f);
	for (i = 0; i < RUNS; i++) {
		rc = proc_run(&p, hv.rundir,
			      (char *[]){xyl, "create", cfg, "-c", NULL},
			      120000);
		if (rc == 0 && strstr(p.out, "svi_extract_mbps=")) {
			e[i] = field(p.out, "svi_extract_mbps=");
			r[i] = field(p.out, "svi_read_ns=");
			r[i] = r[i] > 0 ? field(p.out, "svi_read_bytes=") *
						  1000.0 / r[i]
					: 0;
		} else {
			fprintf(stderr,
				"svi_bench: guest run failed (%d):\n%s\n", rc,
				p.out);
		}
		proc_free(&p);
	}
	*extract = median(e);
	*read = median(r);
	free(cfg);
}

static void
services(const char *verb)
{
	char *argv[] = {xyl, "host", (char *)verb, NULL};
	struct proc p;

	if (proc_run(&p, hv.rundir, argv, 30000) != 0)
		fprintf(stderr, "svi_bench: xyl host %s:\n%s\n", verb, p.out);
	proc_free(&p);
}

/* Make the volume (kernel, cmdline, 48 MiB of data); 0 or -1. */
static int
make_volume(const char *name, int text, int compress, char **vol,
	    uint64_t *bytes)
{
	char *in, *cl, *arg, *k, *c;
	struct proc p;
	FILE *f;
	int rc = -1;

	if (asprintf(&in, "%s/%s.in", hv.rundir, name) < 0 ||
	    asprintf(&cl, "%s/%s.cmdline", hv.rundir, name) < 0 ||
	    asprintf(vol, "%s/%s.svi", hv.rundir, name) < 0 ||
	    asprintf(&arg, "%s=data", in) < 0 ||
	    asprintf(&k, "%s=kernel", guest) < 0 ||
	    asprintf(&c, "%s=cmdline", cl) < 0)
		return -1;
	f = fopen(cl, "w");
	if (!f || fputs("app=svicheck", f) < 0 || fclose(f) != 0 ||
	    make_input(in, text) < 0)
		goto out;
	rc = proc_run(&p, NULL,
		      compress ? (char *[]){xyl, "svi", "create", *vol,
					    "--compress", k, c, arg, NULL}
			       : (char *[]){xyl, "svi", "create", *vol, k, c,
					    arg, NULL},
		      120000);
	proc_free(&p);
	*bytes = file_bytes(in) + file_bytes(cl) + file_bytes(guest);
out:
	free(in);
	free(cl);
	free(arg);
	free(k);
	free(c);
	return rc == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	double host, g, rd;
	uint64_t bytes;
	char *vol;

	if (harness_skip_reason()) {
		printf("svi_bench: skipped: %s\n", harness_skip_reason());
		return 0;
	}
	bench_table_open(argc, argv);
	if (proc_bin_path("xyl", xyl, sizeof(xyl)) < 0 ||
	    proc_guest_path(guest, sizeof(guest)) < 0 ||
	    harness_hv_start(&hv, NULL, 10000) < 0) {
		fprintf(stderr, "svi_bench: cannot start xylem-hv\n");
		return 1;
	}
	services("start"); /* xenstored, blkback: the vbd */
	if (make_volume("stored", 0, 0, &vol, &bytes) == 0) {
		host = host_mbps(vol, bytes);
		guest_mbps(vol, 0, &g, &rd);
		row("svi extract 48 MiB stored, guest over its vbd (svicheck)",
		    g, host);
		row("  of which: the guest's vbd reads alone", rd, host);
		guest_mbps(vol, 1, &g, &rd);
		row("svi extract 48 MiB stored, guest from the PVH ramdisk", g,
		    host);
		free(vol);
	}
	if (make_volume("zlib", 1, 1, &vol, &bytes) == 0) {
		host = host_mbps(vol, bytes);
		guest_mbps(vol, 0, &g, &rd);
		row("svi extract 48 MiB zlib text, guest over its vbd "
		    "(svicheck)",
		    g, host);
		free(vol);
	}
	services("stop");
	harness_hv_stop(&hv);
	bench_table_close();
	return 0;
}
