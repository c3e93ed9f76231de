/*
 * tests/integration/blkfront_test.c: the guest's blkfront against
 * xylem-blkback, all real (xylem-hv, `xyl host start`, `xyl create` with
 * disk = [...]): blktest over negotiated feature sets and a read-only
 * disk; kill -9 of blkback 20 times under a write workload (the guest
 * reconnects without a reboot and loses no write acknowledged before a
 * flush); a guest destroyed mid-write (the image holds every flushed
 * write); and a hostile frontend guest beside a guest whose blktest passes.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xenstore.h>

#include "guest.h"
#include "harness.h"
#include "proc.h"
#include "suite.h"

#define BOOT_TIMEOUT_MS 120000
#define TOOL_TIMEOUT_MS 30000
#define DURABLE_MAGIC	0x58594c4d44555241ull
#define DURABLE_BLOCKS	16
#define KILL_ROUNDS	20

static struct harness_hv hv;
static char xyl[GUEST_PATH_MAX], guest[GUEST_PATH_MAX];

static int
run_xyl(struct proc *p, char **args)
{
	return guest_xyl(p, xyl, hv.rundir, args, TOOL_TIMEOUT_MS);
}

static void
setup(void)
{
	guest_hv_start(&hv, xyl, guest);
	guest_host(xyl, hv.rundir, "start");
}

/* Detach the loop device a test left (its path in rundir/loopdev). */
static void
loop_cleanup(void)
{
	char path[256], dev[64] = "";
	char *argv[] = {"/sbin/losetup", "-d", dev, NULL};
	struct proc p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/loopdev", hv.rundir);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fscanf(f, "%63s", dev) == 1) {
		proc_run(&p, NULL, argv, TOOL_TIMEOUT_MS);
		proc_free(&p);
	}
	fclose(f);
	unlink(path);
}

static void
teardown(void)
{
	guest_host(xyl, hv.rundir, "stop");
	loop_cleanup();
	ck_assert_int_ge(harness_hv_stop(&hv), 0);
}

static char *
rpath(const char *name)
{
	char *p;

	ck_assert(asprintf(&p, "%s/%s", hv.rundir, name) > 0);
	return p;
}

static void
make_image(const char *name, off_t bytes)
{
	char *p = rpath(name);
	int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, bytes), 0);
	close(fd);
	free(p);
}

/* A config for guest name running cmdline with the given disk specs
 * (image names in the rundir, ",w" or ",r" appended by the caller). */
static char *
make_cfg(const char *name, const char *cmdline, const char *disks)
{
	return guest_cfg_write(
		hv.rundir, name,
		"name = \"%s\"\ntype = \"pvh\"\nkernel = \"%s\"\n"
		"memory = 96\nvcpus = 1\ncmdline = \"%s\"\n"
		"disk = [ %s ]\n",
		name, guest, cmdline, disks);
}

static char *
disk_spec(const char *image, const char *vdev, const char *mode)
{
	char *img = rpath(image), *s;

	ck_assert(asprintf(&s, "\"%s,raw,%s,%s\"", img, vdev, mode) > 0);
	free(img);
	return s;
}

static void
expect_passed(const struct proc *p, const char *who, int rc)
{
	ck_assert_msg(rc == 0 && strstr(p->out, " 0 failed"), "%s: exit %d\n%s",
		      who, rc, p->out);
}

START_TEST(blktest_passes)
{
	char *a, *b, *disks, *cfg;
	struct proc p;
	int rc;

	make_image("data.img", 64 << 20);
	make_image("ro.img", 4 << 20);
	a = disk_spec("data.img", "xvda", "w");
	b = disk_spec("ro.img", "xvdb", "r");
	ck_assert(asprintf(&disks, "%s, %s", a, b) > 0);
	cfg = make_cfg("bt", "app=blktest ro_dev=51728", disks);
	rc = run_xyl(&p, (char *[]){"create", cfg, "-c", NULL});
	expect_passed(&p, "blktest", rc);
	ck_assert_msg(strstr(p.out, "read-only: write refused"), "%s", p.out);
	ck_assert_msg(strstr(p.out, "2-queues: open"), "%s", p.out);
	ck_assert_msg(strstr(p.out, "indirect 32"), "%s", p.out);
	proc_free(&p);
	free(a);
	free(b);
	free(disks);
	free(cfg);
}
END_TEST

/* A block device with 4096-byte logical sectors (a loop device): blkif
 * sectors stay 512-byte units, requests must be 4 KiB aligned. */
START_TEST(blktest_4k_sectors)
{
	char *img, *cfg, *disks, *lpath;
	char *argv[] = {"/sbin/losetup",
			"--sector-size",
			"4096",
			"--show",
			"-f",
			NULL,
			NULL};
	struct proc p, l;
	FILE *f;
	int rc;

	make_image("4k.img", 32 << 20);
	img = rpath("4k.img");
	argv[5] = img;
	rc = proc_run(&l, NULL, argv, TOOL_TIMEOUT_MS);
	ck_assert_msg(rc == 0, "losetup: %d %s", rc, l.out);
	l.out[strcspn(l.out, "\n")] = '\0';
	lpath = rpath("loopdev");
	f = fopen(lpath, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s\n", l.out);
	fclose(f);
	ck_assert(asprintf(&disks, "\"%s,raw,xvda,w\"", l.out) > 0);
	cfg = make_cfg("bt4k", "app=blktest", disks);
	rc = run_xyl(&p, (char *[]){"create", cfg, "-c", NULL});
	expect_passed(&p, "blktest on 4K sectors", rc);
	ck_assert_msg(strstr(p.out, "sector-size 4096"), "%s", p.out);
	ck_assert_msg(strstr(p.out, "unaligned sector on 4K device refused"),
		      "%s", p.out);
	proc_free(&p);
	proc_free(&l);
	free(img);
	free(lpath);
	free(disks);
	free(cfg);
}
END_TEST

/* ---- data safety ---- */

/* The last "durable gen=N" the guest printed (acknowledged after its
 * flush), or 0. */
static long
last_gen(const char *out)
{
	const char *p = out, *hit = NULL;

	while ((p = strstr(p, "durable gen=")) != NULL)
		hit = p++;
	return hit ? strtol(hit + strlen("durable gen="), NULL, 10) : 0;
}

static int
wait_gen(struct proc *p, long want)
{
	for (int i = 0; i < 600; i++) {
		if (last_gen(p->out ? p->out : "") >= want)
			return 0;
		if (proc_read_some(p, 100) == 0)
			return -EPIPE;
	}
	return -ETIMEDOUT;
}

/* Every block of the image: intact, and at least generation gen. */
static void
check_image(const char *image, long gen)
{
	char *path = rpath(image);
	uint8_t blk[4096];
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	for (uint64_t i = 0; i < DURABLE_BLOCKS; i++) {
		uint64_t h[4], sum = 0;

		ck_assert_int_eq(pread(fd, blk, sizeof(blk), i * 4096), 4096);
		memcpy(h, blk, sizeof(h));
		for (size_t o = sizeof(h); o < sizeof(blk); o += 8) {
			uint64_t w;

			memcpy(&w, blk + o, 8);
			sum += w;
		}
		ck_assert_msg(h[0] == DURABLE_MAGIC && h[1] == i && h[3] == sum,
			      "block %lu torn or missing", (unsigned long)i);
		ck_assert_msg((long)h[2] >= gen,
			      "block %lu holds gen %lu, flushed gen %ld: lost",
			      (unsigned long)i, (unsigned long)h[2], gen);
	}
	close(fd);
	free(path);
}

static pid_t
blkback_pid(void)
{
	char *path = rpath("xylem-blkback.pid");
	FILE *f = fopen(path, "r");
	int pid = 0;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%d", &pid), 1);
	fclose(f);
	free(path);
	return pid;
}

static void
kill9_blkback(void)
{
	pid_t pid = blkback_pid();

	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	for (int i = 0; i < 400 && kill(pid, 0) == 0; i++)
		usleep(5000);
}

static void
guest_stop_request(const char *out)
{
	const char *d = strstr(out, "durable start domid=");
	char sock[256], path[96];
	struct xs_handle *xs;

	ck_assert_ptr_nonnull(d);
	snprintf(sock, sizeof(sock), "%s/xenstored/socket", hv.rundir);
	setenv("XENSTORED_PATH", sock, 1);
	xs = xs_open(0);
	ck_assert_ptr_nonnull(xs);
	snprintf(path, sizeof(path), "/local/domain/%ld/data/blktest-stop",
		 strtol(d + strlen("durable start domid="), NULL, 10));
	ck_assert(xs_write(xs, XBT_NULL, path, "1", 1));
	xs_close(xs);
}

static void
start_durable(struct proc *p, const char *name, char **cfg)
{
	char *disk, cmd[96];

	make_image("dur.img", 16 << 20);
	disk = disk_spec("dur.img", "xvda", "w");
	snprintf(cmd, sizeof(cmd), "app=blktest mode=durable blocks=%d",
		 DURABLE_BLOCKS);
	*cfg = make_cfg(name, cmd, disk);
	ck_assert_int_eq(guest_start(p, xyl, hv.rundir, *cfg), 0);
	free(disk);
}

/* The notify doorbell across blkback restarts: each new binding got a
 * fresh ioeventfd (KVM would refuse one for a guest port whose stale
 * registration was left behind, and xylem-hv would log "refused"), and
 * every one was dropped by the time the guest was destroyed.  xylem-hv
 * logs one summary line per destroyed domain; the suite's earlier guests
 * wrote the first `before` of them. */
#define DOORBELL_SUMMARY                                                       \
	"doorbell: %llu ioeventfds registered, %llu "                          \
	"dropped, %llu bad"

static int
doorbell_summaries(unsigned long long v[3])
{
	const char *l = harness_read_file(hv.log_path);
	int n = 0;

	while ((l = strstr(l, "doorbell: ")) != NULL) {
		if (sscanf(l, DOORBELL_SUMMARY, &v[0], &v[1], &v[2]) == 3)
			n++;
		l++;
	}
	return n;
}

static bool
fast_notify_off(void)
{
	const char *e = getenv("XYLEM_NO_FAST_NOTIFY");

	return e && strcmp(e, "1") == 0;
}

static void
check_doorbells(int before, int min_registered)
{
	unsigned long long v[3] = {0, 0, 0};
	const char *log;
	int n = 0;

	if (fast_notify_off())
		return;
	/* The line comes when the domain is destroyed, just after xyl. */
	for (int i = 0; i < 100 && n <= before; i++) {
		n = doorbell_summaries(v);
		if (n <= before)
			usleep(50000);
	}
	log = harness_read_file(hv.log_path);
	if (n <= before || v[0] < (unsigned long long)min_registered ||
	    v[0] != v[1] || v[2] || strstr(log, "refused") ||
	    strstr(log, "dropping port"))
		harness_hv_dump_log(&hv);
	ck_assert_msg(n > before, "no doorbell summary in xylem-hv's log");
	ck_assert_msg(v[0] >= (unsigned long long)min_registered &&
			      v[0] == v[1] && v[2] == 0,
		      "doorbell: %llu registered, %llu dropped, %llu bad", v[0],
		      v[1], v[2]);
	ck_assert_msg(!strstr(log, "refused") && !strstr(log, "dropping port"),
		      "doorbell trouble in xylem-hv's log");
}

START_TEST(blkback_kill9_reconnects)
{
	struct proc p;
	char *cfg;
	unsigned long long v[3];
	int before = doorbell_summaries(v);
	long gen;
	int rc;

	start_durable(&p, "kill9", &cfg);
	ck_assert_msg(wait_gen(&p, 2) == 0, "no progress:\n%s", p.out);
	for (int round = 0; round < KILL_ROUNDS; round++) {
		kill9_blkback();
		gen = last_gen(p.out);
		guest_host(xyl, hv.rundir, "start");
		/* Two more generations: the old one finished after the
		 * restart, a whole new one went through the new blkback. */
		ck_assert_msg(wait_gen(&p, gen + 2) == 0,
			      "round %d: stuck at gen %ld:\n%s", round, gen,
			      p.out);
	}
	guest_stop_request(p.out);
	rc = proc_wait(&p, BOOT_TIMEOUT_MS);
	ck_assert_msg(rc == 0 && strstr(p.out, "durable verify: 16 passed, "
					       "0 failed"),
		      "exit %d:\n%s", rc, p.out);
	check_image("dur.img", last_gen(p.out));
	check_doorbells(before, KILL_ROUNDS + 1);
	proc_free(&p);
	free(cfg);
}
END_TEST

START_TEST(guest_destroyed_mid_write)
{
	struct proc p, d;
	char *cfg;
	long gen;
	int rc;

	start_durable(&p, "victim", &cfg);
	ck_assert_msg(wait_gen(&p, 5) == 0, "no progress:\n%s", p.out);
	rc = run_xyl(&d, (char *[]){"destroy", "victim", NULL});
	ck_assert_msg(rc == 0, "xyl destroy: %d %s", rc, d.out);
	proc_free(&d);
	proc_wait(&p, TOOL_TIMEOUT_MS);
	gen = last_gen(p.out);
	ck_assert_int_ge(gen, 5);
	check_image("dur.img", gen);
	proc_free(&p);
	free(cfg);
}
END_TEST

START_TEST(hostile_frontend_beside_blktest)
{
	char *hd, *gd, *hcfg, *gcfg;
	struct proc h, g, l;
	int rh, rg;

	make_image("hostile.img", 8 << 20);
	make_image("good.img", 64 << 20);
	hd = disk_spec("hostile.img", "xvda", "w");
	gd = disk_spec("good.img", "xvda", "w");
	hcfg = make_cfg("evil", "app=blkhostile", hd);
	gcfg = make_cfg("good", "app=blktest", gd);
	ck_assert_int_eq(guest_start(&g, xyl, hv.rundir, gcfg), 0);
	ck_assert_int_eq(guest_start(&h, xyl, hv.rundir, hcfg), 0);
	rh = proc_wait(&h, BOOT_TIMEOUT_MS);
	rg = proc_wait(&g, BOOT_TIMEOUT_MS);
	expect_passed(&h, "blkhostile", rh);
	expect_passed(&g, "blktest beside it", rg);
	ck_assert_msg(strstr(h.out, "closes the device"), "%s", h.out);
	/* blkback is still the one that served both. */
	ck_assert_int_eq(kill(blkback_pid(), 0), 0);
	rh = run_xyl(&l, (char *[]){"host", "status", NULL});
	ck_assert_msg(strstr(l.out, "xylem-blkback: running"), "%s", l.out);
	proc_free(&l);
	proc_free(&h);
	proc_free(&g);
	free(hd);
	free(gd);
	free(hcfg);
	free(gcfg);
}
END_TEST

static Suite *
blkfront_suite(void)
{
	Suite *s = suite_create("blkfront");
	TCase *tc = tcase_create("guest");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, blktest_passes);
	tcase_add_test(tc, blktest_4k_sectors);
	tcase_add_test(tc, blkback_kill9_reconnects);
	tcase_add_test(tc, guest_destroyed_mid_write);
	tcase_add_test(tc, hostile_frontend_beside_blktest);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return suite_main("blkfront_test", blkfront_suite);
}
