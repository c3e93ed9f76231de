/*
 * tests/integration/profile_test.c: shared-timer I/O profiling, all real
 * (xylem-hv, `xyl host start` with xylem-sharedtimer, guests through
 * `xyl create`): a guest reads the live timer page (consistent, ticking);
 * a guest that writes to it crashes while a guest beside it keeps
 * running; a guest doing block I/O gets non-empty histograms from
 * `xyl profile --json` whose end-to-end time agrees with the guest's own
 * pvclock within one tick; `xyl top -b -x` shows a guest's live reads
 * and their latency over each refresh.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "guest.h"
#include "harness.h"
#include "proc.h"
#include "suite.h"

#define BOOT_TIMEOUT_MS 120000
#define TOOL_TIMEOUT_MS 30000

static struct harness_hv hv;
static char xyl[GUEST_PATH_MAX], guest[GUEST_PATH_MAX];

static int
run_xyl(struct proc *p, char **args, int timeout_ms)
{
	return guest_xyl(p, xyl, hv.rundir, args, timeout_ms);
}

static void
setup(void)
{
	guest_hv_start(&hv, xyl, guest);
	guest_host(xyl, hv.rundir, "start");
}

static void
teardown(void)
{
	guest_host(xyl, hv.rundir, "stop");
	ck_assert_int_ge(harness_hv_stop(&hv), 0);
}

/* A config: guest name running cmdline, disks ("" for none). */
static char *
make_cfg(const char *name, const char *cmdline, const char *disks)
{
	char *cfg;
	FILE *f;

	ck_assert(asprintf(&cfg, "%s/%s.cfg", hv.rundir, name) > 0);
	f = fopen(cfg, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
		"name = \"%s\"\ntype = \"pvh\"\nkernel = \"%s\"\n"
		"memory = 64\nvcpus = 1\ncmdline = \"%s\"\n%s%s%s\n",
		name, guest, cmdline, disks[0] ? "disk = [ " : "", disks,
		disks[0] ? " ]" : "");
	ck_assert_int_eq(fclose(f), 0);
	return cfg;
}

START_TEST(guest_reads_live_timer)
{
	char *cfg;
	struct proc p;
	int rc;

	cfg = make_cfg("st", "app=stimer", "");
	rc = run_xyl(&p, (char *[]){"create", "-c", cfg, NULL},
		     BOOT_TIMEOUT_MS);
	ck_assert_msg(rc == 0 && strstr(p.out, "stimer: all passed") &&
			      strstr(p.out, "ok: stimer: ticking"),
		      "exit %d\n%s", rc, p.out);
	proc_free(&p);
	free(cfg);
}
END_TEST

START_TEST(guest_write_kills_only_that_guest)
{
	char *idle, *bad;
	struct proc p;
	int rc;

	idle = make_cfg("bystander", "app=idle", "");
	bad = make_cfg("writer", "app=stimer write=1", "");
	rc = run_xyl(&p, (char *[]){"create", idle, NULL}, TOOL_TIMEOUT_MS);
	ck_assert_msg(rc == 0, "create bystander: %d\n%s", rc, p.out);
	proc_free(&p);
	rc = run_xyl(&p, (char *[]){"create", "-c", bad, NULL},
		     BOOT_TIMEOUT_MS);
	/* XYL_EXIT_CRASH: the write faulted and crashed that guest. */
	ck_assert_msg(rc == 2 && strstr(p.out, "writing to the read-only") &&
			      !strstr(p.out, "the write went through"),
		      "writer: exit %d\n%s", rc, p.out);
	proc_free(&p);
	rc = run_xyl(&p, (char *[]){"dmesg", NULL}, TOOL_TIMEOUT_MS);
	ck_assert_msg(strstr(p.out, "MMIO write 0xfe080010"), "dmesg:\n%s",
		      p.out);
	proc_free(&p);
	rc = run_xyl(&p, (char *[]){"list", NULL}, TOOL_TIMEOUT_MS);
	ck_assert_msg(rc == 0 && strstr(p.out, "bystander") &&
			      !strstr(p.out, "writer"),
		      "list:\n%s", p.out);
	proc_free(&p);
	rc = run_xyl(&p, (char *[]){"destroy", "bystander", NULL},
		     TOOL_TIMEOUT_MS);
	ck_assert_int_eq(rc, 0);
	proc_free(&p);
	free(idle);
	free(bad);
}
END_TEST

/* `xyl profile --json dom`: the first device's object, or NULL. */
static struct json_object *
profile_json(const char *dom, struct json_object **root)
{
	struct json_object *devs, *d;
	struct proc p;
	int rc = run_xyl(&p, (char *[]){"profile", "--json", (char *)dom, NULL},
			 TOOL_TIMEOUT_MS);

	*root = rc == 0 ? json_tokener_parse(p.out) : NULL;
	proc_free(&p);
	if (!*root || !json_object_object_get_ex(*root, "devices", &devs) ||
	    json_object_array_length(devs) < 1)
		return NULL;
	d = json_object_array_get_idx(devs, 0);
	return d;
}

static int64_t
jint(struct json_object *o, const char *k1, const char *k2, const char *k3)
{
	struct json_object *v = o;

	if (k1 && !json_object_object_get_ex(v, k1, &v))
		return -1;
	if (k2 && !json_object_object_get_ex(v, k2, &v))
		return -1;
	if (k3 && !json_object_object_get_ex(v, k3, &v))
		return -1;
	return json_object_get_int64(v);
}

/* Poll `xyl profile --json bench` while the guest runs; keep the last
 * snapshot with requests counted.  Returns it (caller puts root). */
static struct json_object *
profile_while_running(struct proc *g, struct json_object **keep)
{
	struct json_object *root, *d, *best = NULL;
	int64_t best_n = 0;

	*keep = NULL;
	for (int i = 0; i < 600; i++) {
		d = profile_json("bench", &root);
		if (d && jint(d, "counted", NULL, NULL) > best_n) {
			best_n = jint(d, "counted", NULL, NULL);
			if (*keep)
				json_object_put(*keep);
			*keep = root;
			best = d;
		} else if (root) {
			json_object_put(root);
		}
		if (proc_read_some(g, 200) == 0)
			break;
	}
	return best;
}

START_TEST(blkbench_profile_agrees_with_pvclock)
{
	char *cfg, *img, *disk;
	struct json_object *root, *d, *b;
	struct proc g, p;
	int fd, rc, nonempty = 0;
	int64_t n, period, e2e_sum, own, unstamped;
	double tick_mean_ns, own_mean_ns;

	ck_assert(asprintf(&img, "%s/prof.img", hv.rundir) > 0);
	fd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 64 << 20), 0);
	close(fd);
	ck_assert(asprintf(&disk, "\"%s,raw,xvda,w\"", img) > 0);
	cfg = make_cfg("bench",
		       "app=blkbench tests=randread,randwrite qd=1,8 ms=1500",
		       disk);
	ck_assert_int_eq(proc_start(&g, hv.rundir,
				    (char *[]){xyl, "create", "-c", cfg, NULL}),
			 0);
	d = profile_while_running(&g, &root);
	rc = proc_wait(&g, BOOT_TIMEOUT_MS);
	ck_assert_msg(rc == 0, "blkbench: exit %d\n%s", rc, g.out);
	ck_assert_msg(d, "no profile while blkbench ran\n%s", g.out);
	n = jint(d, "counted", NULL, NULL);
	period = jint(d, "period_ns", NULL, NULL);
	e2e_sum = jint(d, "intervals", "e2e", "sum_ticks");
	own = jint(d, "own_e2e_ns", NULL, NULL);
	unstamped = jint(d, "unstamped", NULL, NULL);
	ck_assert_int_gt(n, 100);
	ck_assert_int_eq(period, 1000000);
	for (int iv = 0; iv < 4; iv++) {
		static const char *const names[] = {"queue_wait", "service",
						    "delivery", "e2e"};
		struct json_object *ivo;

		ck_assert(json_object_object_get_ex(
			json_object_object_get(d, "intervals"), names[iv],
			&ivo));
		ck_assert(json_object_object_get_ex(ivo, "buckets", &b));
		int64_t sum = 0;
		for (size_t k = 0; k < json_object_array_length(b); k++)
			sum += json_object_get_int64(
				json_object_array_get_idx(b, k));
		ck_assert_int_eq(sum, n);
		nonempty++;
	}
	ck_assert_int_eq(nonempty, 4);
	tick_mean_ns = (double)e2e_sum * (double)period / (double)n;
	own_mean_ns = (double)own / (double)n;
	fprintf(stderr,
		"profile_test: %lld requests (%lld unstamped), end to end: "
		"ticks %.0f ns, pvclock %.0f ns (tick %lld ns)\n",
		(long long)n, (long long)unstamped, tick_mean_ns, own_mean_ns,
		(long long)period);
	ck_assert_msg(tick_mean_ns - own_mean_ns <= (double)period &&
			      own_mean_ns - tick_mean_ns <= (double)period,
		      "tick mean %.0f ns vs pvclock mean %.0f ns", tick_mean_ns,
		      own_mean_ns);
	json_object_put(root);
	proc_free(&g);
	(void)p;
	free(cfg);
	free(disk);
	free(img);
}
END_TEST

/* The last "    vbd N ..." line of `xyl top -x` output: its read rate
 * and end-to-end percentiles (-1 for "-").  False if there is none. */
static bool
top_last_vbd(const char *out, double *rd_s, double *e2e50, double *e2e99)
{
	const char *at = NULL, *next = out;
	char p50[32], p99[32];
	double wr_s, rk, wk, ntfy, supp;
	unsigned devid;

	while ((next = strstr(next, "    vbd ")))
		at = next++;
	if (!at ||
	    sscanf(at,
		   "    vbd %u RD/s %lf WR/s %lf RD(k)/s %lf WR(k)/s "
		   "%lf NTFY/s %lf SUPP/s %lf E2E50/99(us) %31s %31s",
		   &devid, rd_s, &wr_s, &rk, &wk, &ntfy, &supp, p50, p99) != 9)
		return false;
	*e2e50 = strcmp(p50, "-") ? atof(p50) : -1;
	*e2e99 = strcmp(p99, "-") ? atof(p99) : -1;
	return true;
}

/* `xyl top -b -x` while a guest reads its disk: the guest's row counts
 * one vbd; the vbd's line shows reads per second over the refresh and
 * end-to-end percentiles of the requests that completed in it. */
START_TEST(top_batch_shows_live_block_io)
{
	char *cfg, *img, *disk;
	struct json_object *root, *d;
	struct proc g, p;
	double rd_s = 0, e2e50 = -1, e2e99 = -1;
	int fd, rc;

	ck_assert(asprintf(&img, "%s/top.img", hv.rundir) > 0);
	fd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 16 << 20), 0);
	close(fd);
	ck_assert(asprintf(&disk, "\"%s,raw,xvda,w\"", img) > 0);
	cfg = make_cfg("bench", "app=blkbench tests=randread qd=4 ms=8000",
		       disk);
	ck_assert_int_eq(proc_start(&g, hv.rundir,
				    (char *[]){xyl, "create", "-c", cfg, NULL}),
			 0);
	/* Wait until the profile shows requests: the benchmark runs. */
	for (int i = 0; i < 300; i++) {
		int64_t n = 0;

		d = profile_json("bench", &root);
		if (d)
			n = jint(d, "counted", NULL, NULL);
		if (root)
			json_object_put(root);
		if (n > 0 || proc_read_some(&g, 100) == 0)
			break;
	}
	rc = run_xyl(&p,
		     (char *[]){"top", "-b", "-x", "-i", "3", "-d", "1", NULL},
		     TOOL_TIMEOUT_MS);
	ck_assert_msg(rc == 0 && proc_count(p.out, "xyl top -") == 3 &&
			      strstr(p.out, "E2E99(us)") &&
			      strstr(p.out, "Domain-0") &&
			      top_last_vbd(p.out, &rd_s, &e2e50, &e2e99),
		      "top: %d\n%s", rc, p.out);
	fprintf(stderr,
		"profile_test: xyl top -x: vbd %.0f reads/s, e2e p50 %.0f us, "
		"p99 %.0f us\n",
		rd_s, e2e50, e2e99);
	ck_assert_msg(rd_s > 10 && e2e50 >= 0 && e2e99 >= e2e50,
		      "vbd line: RD/s %.0f, E2E %.0f/%.0f us\n%s", rd_s, e2e50,
		      e2e99, p.out);
	proc_free(&p);
	rc = proc_wait(&g, BOOT_TIMEOUT_MS);
	ck_assert_msg(rc == 0, "blkbench: exit %d\n%s", rc, g.out);
	proc_free(&g);
	free(cfg);
	free(disk);
	free(img);
}
END_TEST

static Suite *
profile_suite(void)
{
	Suite *s = suite_create("profile");
	TCase *tc = tcase_create("profile");

	tcase_set_timeout(tc, 300);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, guest_reads_live_timer);
	tcase_add_test(tc, guest_write_kills_only_that_guest);
	tcase_add_test(tc, blkbench_profile_agrees_with_pvclock);
	tcase_add_test(tc, top_batch_shows_live_block_io);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return suite_main("profile_test", profile_suite);
}
