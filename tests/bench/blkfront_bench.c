/*
 * tests/bench/blkfront_bench.c: the whole block path from a guest
 * (apps/blkbench.c over blkfront, xylem-blkback, the image file) against
 * fio on the host on the same image file, same block size and queue depth,
 * in one run: sequential MB/s and 4 KiB random IOPS at QD1 and QD32; and
 * notifications per request (ours + the backend's) with the coalescing
 * flag on and off; QD1 IOPS with the notify doorbell against
 * EVTCHNOP_send.  Appends rows to the table named by argv[1].
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "harness.h"
#include "proc.h"

#define IMAGE_BYTES (128ll << 20)
#define SEQ_BS	    131072
#define RUN_MS	    "600"

static struct harness_hv hv;
static char xyl[4096], guest[4096], image[256];

static void
row(const char *what, const char *measured, const char *peer, double ratio)
{
	char r[32];

	snprintf(r, sizeof(r), "%.2f", ratio);
	bench_row(what, measured, peer, r);
}

static int
xyl_run(struct proc *p, char *const *args, int timeout_ms)
{
	char *argv[8] = {xyl};
	int i;

	for (i = 0; args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	return proc_run(p, hv.rundir, argv, timeout_ms);
}

/* Run blkbench in a guest (extra: more cmdline words, e.g. qd= and
 * fastnotify=); its output in *out (caller frees). */
static int
guest_bench(int coalesce, const char *extra, char **out)
{
	char cfg[256], cmd[200];
	struct proc p;
	FILE *f;
	int rc;

	snprintf(cfg, sizeof(cfg), "%s/bench.cfg", hv.rundir);
	snprintf(cmd, sizeof(cmd),
		 "app=blkbench ms=" RUN_MS " seq_bs=%d coalesce=%d %s", SEQ_BS,
		 coalesce, extra);
	f = fopen(cfg, "w");
	if (!f)
		return -errno;
	fprintf(f,
		"name = \"blkbench\"\ntype = \"pvh\"\nkernel = \"%s\"\n"
		"memory = 128\nvcpus = 1\ncmdline = \"%s\"\n"
		"disk = [ \"%s,raw,xvda,w\" ]\n",
		guest, cmd, image);
	fclose(f);
	rc = xyl_run(&p, (char *[]){"create", cfg, "-c", NULL}, 300000);
	*out = p.out;
	p.out = NULL;
	proc_free(&p);
	if (rc != 0 || !strstr(*out, "blkbench: done")) {
		fprintf(stderr, "blkfront_bench: guest: %d\n%s\n", rc, *out);
		return -EIO;
	}
	return 0;
}

/* A value from the blkbench line "bench: blk <name> bs=.. qd=<qd> ..". */
static double
guest_value(const char *out, const char *name, int qd, const char *key)
{
	char pat[64], k[32];
	const char *l, *v;

	snprintf(pat, sizeof(pat), "bench: blk %s bs=", name);
	snprintf(k, sizeof(k), " %s=", key);
	for (l = strstr(out, pat); l; l = strstr(l + 1, pat)) {
		const char *q = strstr(l, " qd="), *eol = strchr(l, '\n');

		if (!q || atoi(q + 4) != qd)
			continue;
		v = strstr(l, k);
		if (v && (!eol || v < eol))
			return strtod(v + strlen(k), NULL);
	}
	return -1;
}

/* fio on the host: MB/s (field 7/48: KiB/s) or IOPS (8/49). */
static double
fio_value(const char *rw, int bs, int qd, int want_iops, int direct)
{
	char bin[] = "/usr/bin/fio", a_rw[32], a_bs[32], a_qd[32], a_f[300],
	     a_d[16];
	char *argv[] = {bin,
			"--name=x",
			a_f,
			a_rw,
			a_bs,
			a_qd,
			a_d,
			"--ioengine=io_uring",
			"--runtime="
			"1",
			"--time_based",
			"--minimal",
			NULL};
	int is_write = strstr(rw, "write") != NULL, field, rc;
	struct proc p;
	char *s, *tok;
	double v = -1;

	snprintf(a_f, sizeof(a_f), "--filename=%s", image);
	snprintf(a_rw, sizeof(a_rw), "--rw=%s", rw);
	snprintf(a_bs, sizeof(a_bs), "--bs=%d", bs);
	snprintf(a_qd, sizeof(a_qd), "--iodepth=%d", qd);
	snprintf(a_d, sizeof(a_d), "--direct=%d", direct);
	rc = proc_run(&p, NULL, argv, 60000);
	if (rc != 0) {
		proc_free(&p);
		return direct ? fio_value(rw, bs, qd, want_iops, 0) : -1;
	}
	field = (is_write ? 48 : 7) + (want_iops ? 1 : 0);
	s = p.out;
	for (int i = 1; (tok = strsep(&s, ";")) != NULL; i++) {
		if (i == field) {
			v = strtod(tok, NULL);
			break;
		}
	}
	proc_free(&p);
	return want_iops ? v : v / 1024.0;
}

static void
compare(const char *out, const char *name, const char *fio_rw, int bs, int qd,
	int want_iops)
{
	const char *key = want_iops ? "iops" : "mbps";
	const char *unit = want_iops ? "IOPS" : "MB/s";
	double g = guest_value(out, name, qd, key);
	double h = fio_value(fio_rw, bs, qd, want_iops, 1);
	char what[128], m[64], peer[64];

	snprintf(what, sizeof(what), "blkfront %s %d KiB QD%d (guest blkbench)",
		 name, bs / 1024, qd);
	snprintf(m, sizeof(m), "%.0f %s", g, unit);
	snprintf(peer, sizeof(peer), "fio on host: %.0f %s", h, unit);
	row(what, m, peer, h > 0 ? g / h : 0);
}

static void
notifications(const char *on, const char *off, const char *name, int qd)
{
	double a = guest_value(on, name, qd, "tx_per_req") +
		   guest_value(on, name, qd, "rx_per_req");
	double b = guest_value(off, name, qd, "tx_per_req") +
		   guest_value(off, name, qd, "rx_per_req");
	char what[128], m[64], peer[64];

	snprintf(what, sizeof(what),
		 "blkfront notifications/request %s QD%d, coalescing on", name,
		 qd);
	snprintf(m, sizeof(m), "%.3f", a);
	snprintf(peer, sizeof(peer), "coalescing off: %.3f", b);
	row(what, m, peer, b > 0 ? a / b : 0);
}

/* QD1 IOPS with the notify doorbell against EVTCHNOP_send. */
static void
notify_paths(const char *bell, const char *send, const char *name)
{
	double a = guest_value(bell, name, 1, "iops");
	double b = guest_value(send, name, 1, "iops");
	char what[128], m[64], peer[64];

	snprintf(what, sizeof(what),
		 "blkfront %s 4 KiB QD1, notify by doorbell (fastnotify=1)",
		 name);
	snprintf(m, sizeof(m), "%.0f IOPS", a);
	snprintf(peer, sizeof(peer), "EVTCHNOP_send (fastnotify=0): %.0f IOPS",
		 b);
	row(what, m, peer, b > 0 ? a / b : 0);
}

static int
make_image(void)
{
	char buf[1 << 16];
	int fd;

	snprintf(image, sizeof(image), "%s/bench.img", hv.rundir);
	fd = open(image, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	/* Written, not sparse: reads must touch data on both sides. */
	memset(buf, 0x3c, sizeof(buf));
	for (long long off = 0; off < IMAGE_BYTES; off += sizeof(buf))
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
			close(fd);
			return -EIO;
		}
	fsync(fd);
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name, *fio;
		int bs, iops;
	} runs[] = {{"seqread", "read", SEQ_BS, 0},
		    {"seqwrite", "write", SEQ_BS, 0},
		    {"randread", "randread", 4096, 1},
		    {"randwrite", "randwrite", 4096, 1}};
	char *on = NULL, *off = NULL, *bell = NULL, *send = NULL;
	struct proc p;
	int rc;

	if (harness_skip_reason()) {
		printf("blkfront_bench: skipped: %s\n", harness_skip_reason());
		return 0;
	}
	bench_table_open(argc, argv);
	if (proc_bin_path("xyl", xyl, sizeof(xyl)) < 0 ||
	    proc_guest_path(guest, sizeof(guest)) < 0 ||
	    harness_hv_start(&hv, NULL, 10000) < 0)
		return 1;
	rc = xyl_run(&p, (char *[]){"host", "start", NULL}, 30000);
	proc_free(&p);
	if (rc == 0)
		rc = make_image();
	if (rc == 0)
		rc = guest_bench(1, "qd=1,32", &on);
	if (rc == 0)
		rc = guest_bench(0, "qd=1,32", &off);
	if (rc == 0)
		rc = guest_bench(1, "qd=1 fastnotify=1", &bell);
	if (rc == 0)
		rc = guest_bench(1, "qd=1 fastnotify=0", &send);
	for (unsigned int i = 0; rc == 0 && i < 4; i++)
		for (int qd = 1; qd <= 32; qd += 31)
			compare(on, runs[i].name, runs[i].fio, runs[i].bs, qd,
				runs[i].iops);
	if (rc == 0) {
		notifications(on, off, "randread", 1);
		notifications(on, off, "randread", 32);
		notifications(on, off, "seqwrite", 32);
		notify_paths(bell, send, "randread");
		notify_paths(bell, send, "randwrite");
	}
	xyl_run(&p, (char *[]){"host", "stop", NULL}, 30000);
	proc_free(&p);
	harness_hv_stop(&hv);
	free(on);
	free(off);
	free(bell);
	free(send);
	bench_table_close();
	return rc == 0 ? 0 : 1;
}
