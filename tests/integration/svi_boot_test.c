/*
 * tests/integration/svi_boot_test.c: bootloader = "svi" end to end: a
 * volume made by `xyl svi create` boots real guests (kernel compressed in
 * the volume, command line from it plus the config's), four guests boot
 * from one volume at once, the volume is attached as a read-only vbd, a
 * damaged volume or a missing entry stops `xyl create` with an error
 * naming the entry and no domain left behind, and the guest's own
 * extractor (app=svicheck, frontends/svi/) verifies every file of the
 * volume over its vbd (blkfront), alone and four guests at once, and
 * names a corrupted entry; app=svicat prints a file of it.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest.h"
#include "harness.h"
#include "proc.h"
#include "suite.h"

#define BOOT_TIMEOUT_MS 120000
#define TOOL_TIMEOUT_MS 30000

static struct harness_hv hv;
static char xyl[GUEST_PATH_MAX], guest[GUEST_PATH_MAX];

/* xylem-hv alone: guests without disks, whose console then goes through
 * console_io synchronously (a crashing guest's last lines are kept). */
static void
setup_hv_only(void)
{
	guest_hv_start(&hv, xyl, guest);
}

static void
teardown_hv_only(void)
{
	ck_assert_int_ge(harness_hv_stop(&hv), 0);
}

/* Host services for the whole suite (unchecked fixture: runs in the
 * parent, so teardown happens even when a test fails): xylem-hv from the
 * harness, then `xyl host start` adds xenstored and the backends (the
 * volume is attached to each guest as a read-only vbd). */
static void
setup(void)
{
	setup_hv_only();
	guest_host(xyl, hv.rundir, "start");
}

static void
teardown(void)
{
	guest_host(xyl, hv.rundir, "stop");
	teardown_hv_only();
}

static char *
rundir_path(const char *name)
{
	char *p;

	ck_assert(asprintf(&p, "%s/%s", hv.rundir, name) > 0);
	return p;
}

static void
put_text(const char *name, const char *text)
{
	char *p = rundir_path(name);
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	free(p);
}

/* Run xyl with args (NULL-terminated) in the rundir; returns its exit
 * status and leaves the output in *p (caller frees). */
static int
run_xyl(struct proc *p, char **args)
{
	return guest_xyl(p, xyl, hv.rundir, args, TOOL_TIMEOUT_MS);
}

static void put_data(const char *name, size_t len, int text);

/* A volume with the guest kernel (compressed) under kernel_name, a
 * command line under cmdline_name, "motd" (stored: too small to shrink),
 * "log.txt" (1 MB of text, compressed) and "random.bin" (200 kB that
 * does not compress, stored): five files, which the guest app svicheck
 * reads over its vbd and verifies. */
static void
make_volume(const char *vol, const char *kernel_name, const char *cmdline_name,
	    const char *cmdline)
{
	char *volp = rundir_path(vol), *k, *c, *cl = rundir_path("cl.txt");
	char *motd = rundir_path("motd"), *log = rundir_path("log.txt");
	char *rnd = rundir_path("random.bin");
	struct proc p;
	int rc;

	put_text("motd", "hello from the volume\n");
	put_data("log.txt", 1000000, 1);
	put_data("random.bin", 200000, 0);
	put_text("cl.txt", cmdline);
	ck_assert(asprintf(&k, "%s=%s", guest, kernel_name) > 0);
	ck_assert(asprintf(&c, "%s=%s", cl, cmdline_name) > 0);
	rc = run_xyl(&p, (char *[]){"svi", "create", volp, "--compress", k, c,
				    motd, log, rnd, NULL});
	ck_assert_msg(rc == 0, "xyl svi create: %d: %s", rc, p.out);
	proc_free(&p);
	free(volp);
	free(k);
	free(c);
	free(cl);
	free(motd);
	free(log);
	free(rnd);
}

/* Write <name>.cfg for domain name; returns its path. */
static char *
write_config(const char *name, const char *vol, const char *extra_lines)
{
	char *volp = rundir_path(vol);
	char *path =
		guest_cfg_write(hv.rundir, name,
				"name = \"%s\"\nbootloader = \"svi\"\n"
				"disk = [ \"%s,raw,xvda,r\" ]\nmemory = 64\n%s",
				name, volp, extra_lines);

	free(volp);
	return path;
}

/* svicheck read every file of the volume over the vbd and all passed
 * (it powers off then; a failure crashes: exit 2). */
static void
assert_passed(struct proc *p, int rc, const char *name)
{
	if (rc != 0 || proc_count(p->out, "5 passed, 0 failed") != 1) {
		fprintf(stderr, "---- %s ----\n%s\n----\n", name, p->out);
		harness_hv_dump_log(&hv);
	}
	ck_assert_msg(rc == 0, "%s: xyl create -c exited %d", name, rc);
	ck_assert_msg(strstr(p->out, "svicheck: volume on disk 51712: "),
		      "%s: the volume was not read from the vbd", name);
	ck_assert_msg(proc_count(p->out, "5 passed, 0 failed") == 1,
		      "%s: no '5 passed, 0 failed' line", name);
	ck_assert_msg(strstr(p->out, "ok: log.txt (1000000 bytes, "
				     "zlib") &&
			      strstr(p->out, "ok: random.bin (200000 bytes, "
					     "crc32"),
		      "%s: files missing", name);
	ck_assert_msg(strstr(p->out, "svicheck: motd: hello from the volume"),
		      "%s: the guest did not print motd", name);
}

START_TEST(boots_from_volume)
{
	struct proc p;
	char *cfg;
	int rc;

	/* The volume says app=idle; the config's extra wins (later key). */
	make_volume("boot.svi", "kernel", "cmdline", "app=idle\n");
	cfg = write_config("svi1", "boot.svi",
			   "extra = \"app=svicheck show=motd\"\n");
	rc = run_xyl(&p, (char *[]){"create", cfg, "-c", NULL});
	assert_passed(&p, rc, "svi1");
	proc_free(&p);
	free(cfg);
}
END_TEST

START_TEST(bootloader_args_pick_names)
{
	struct proc p;
	char *cfg;
	int rc;

	make_volume("named.svi", "boot.elf", "args", "app=svicheck show=motd");
	cfg = write_config("svi2", "named.svi",
			   "bootloader_args = [ \"kernel=boot.elf\", "
			   "\"cmdline=args\" ]\n");
	rc = run_xyl(&p, (char *[]){"create", cfg, "-c", NULL});
	assert_passed(&p, rc, "svi2");
	proc_free(&p);
	free(cfg);
	/* The default names are not in this volume. */
	cfg = write_config("svi3", "named.svi", "");
	rc = run_xyl(&p, (char *[]){"create", cfg, "-c", NULL});
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(p.out, "no entry 'kernel'"), "%s", p.out);
	proc_free(&p);
	free(cfg);
}
END_TEST

/* Flip one byte in the middle of the first (kernel) image. */
static void
damage_volume(const char *vol)
{
	char *p = rundir_path(vol);
	int fd = open(p, O_RDWR);
	uint8_t b;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &b, 1, 65536 + 5000), 1);
	b ^= 0x5a;
	ck_assert_int_eq(pwrite(fd, &b, 1, 65536 + 5000), 1);
	close(fd);
	free(p);
}

/* Flip a byte in the middle of entry name's image (offsets read from
 * the index: entry i's offset and stored size at 128 + 128 i + 64/72). */
static void
damage_volume_at(const char *vol, const char *name)
{
	char *p = rundir_path(vol), ename[64];
	uint64_t off, stored;
	int fd = open(p, O_RDWR), i;
	uint8_t b;

	ck_assert_int_ge(fd, 0);
	for (i = 0; i < 511; i++) {
		ck_assert_int_eq(pread(fd, ename, 64, 128 + 128 * i), 64);
		if (strncmp(ename, name, 64) == 0)
			break;
	}
	ck_assert_int_lt(i, 511);
	ck_assert_int_eq(pread(fd, &off, 8, 128 + 128 * i + 64), 8);
	ck_assert_int_eq(pread(fd, &stored, 8, 128 + 128 * i + 72), 8);
	ck_assert_int_eq(pread(fd, &b, 1, (off_t)(off + stored / 2)), 1);
	b ^= 0x5a;
	ck_assert_int_eq(pwrite(fd, &b, 1, (off_t)(off + stored / 2)), 1);
	close(fd);
	free(p);
}

START_TEST(damaged_volume_refused)
{
	struct proc p;
	char *cfg, *vol;
	int rc;

	make_volume("bad.svi", "kernel", "cmdline", "app=svicheck");
	damage_volume("bad.svi");
	vol = rundir_path("bad.svi");
	rc = run_xyl(&p, (char *[]){"svi", "verify", vol, NULL});
	free(vol);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(p.out, "FAIL: entry 0 'kernel'") &&
			      strstr(p.out, "4 passed, 1 failed"),
		      "%s", p.out);
	proc_free(&p);
	cfg = write_config("svibad", "bad.svi", "");
	rc = run_xyl(&p, (char *[]){"create", cfg, "-c", NULL});
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(p.out, "create svibad: volume ") &&
			      strstr(p.out, "entry 0 'kernel'"),
		      "%s", p.out);
	proc_free(&p);
	rc = run_xyl(&p, (char *[]){"list", NULL});
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(!strstr(p.out, "svibad"), "domain left: %s", p.out);
	proc_free(&p);
	free(cfg);
}
END_TEST

/* One volume, four guests booting from it at once. */
START_TEST(four_guests_share_a_volume)
{
	enum { NR = 4 };
	struct proc p[NR];
	char name[16], *cfg, *over;
	int i, rc;

	make_volume("shared.svi", "kernel", "cmdline",
		    "app=svicheck show=motd");
	cfg = write_config("share", "shared.svi", "");
	for (i = 0; i < NR; i++) {
		/* Unique names: override name= on the command line. */
		ck_assert(asprintf(&over, "name=\"share%d\"", i) > 0);
		ck_assert_int_eq(proc_start(&p[i], hv.rundir,
					    (char *[]){xyl, "create", cfg, over,
						       "-c", NULL}),
				 0);
		free(over);
	}
	free(cfg);
	/* Each reads and verifies every file through its own blkfront from
	 * the one read-only file (four blkback devices on it at once). */
	for (i = 0; i < NR; i++) {
		snprintf(name, sizeof(name), "share%d", i);
		rc = proc_wait(&p[i], BOOT_TIMEOUT_MS);
		assert_passed(&p[i], rc, name);
		proc_free(&p[i]);
	}
}
END_TEST

/* The volume is also the guest's read-only vbd xvda (xylem-blkback). */
START_TEST(volume_attached_read_only)
{
	char *cfg, *sectors;
	struct proc p;
	int rc;

	make_volume("idle.svi", "kernel", "cmdline", "app=idle");
	cfg = write_config("svidle", "idle.svi", "");
	rc = run_xyl(&p, (char *[]){"create", cfg, NULL});
	ck_assert_msg(rc == 0, "%s", p.out);
	proc_free(&p);
	rc = run_xyl(&p, (char *[]){"block-list", "-l", "svidle", NULL});
	ck_assert_msg(rc == 0, "%s", p.out);
	ck_assert_msg(strstr(p.out, "51712") && strstr(p.out, "read_only 1"),
		      "%s", p.out);
	sectors = strstr(p.out, "sectors ");
	ck_assert_ptr_nonnull(sectors);
	/* 64 KiB index + the kernel and cmdline images, in 512-byte units. */
	ck_assert_int_gt(atol(sectors + 8), 128);
	proc_free(&p);
	rc = run_xyl(&p, (char *[]){"destroy", "svidle", NULL});
	ck_assert_msg(rc == 0, "%s", p.out);
	proc_free(&p);
	free(cfg);
}
END_TEST

/* Files for the volumes: text (compresses), random (does not). */
static void
put_data(const char *name, size_t len, int text)
{
	char *p = rundir_path(name);
	FILE *f = fopen(p, "w");
	uint32_t x = 7;
	size_t i;

	ck_assert_ptr_nonnull(f);
	for (i = 0; i < len; i++) {
		x = x * 1103515245 + 12345;
		fputc(text ? "guest svi text\n"[i % 15] : (int)(x >> 16 & 0xff),
		      f);
	}
	ck_assert_int_eq(fclose(f), 0);
	free(p);
}

/* The demo's way to read a file of its disk: app=svicat name=motd. */
START_TEST(guest_reads_a_file)
{
	struct proc p;
	char *cfg;
	int rc;

	make_volume("cat.svi", "kernel", "cmdline", "app=svicat name=motd");
	cfg = write_config("svicat", "cat.svi", "");
	rc = run_xyl(&p, (char *[]){"create", cfg, "-c", NULL});
	ck_assert_msg(rc == 0 && strstr(p.out, "\nhello from the volume"),
		      "%d: %s", rc, p.out);
	proc_free(&p);
	/* A name the volume does not have: an error, the guest crashes. */
	rc = run_xyl(&p, (char *[]){"create", cfg, "extra=\"name=nope\"", "-c",
				    NULL});
	ck_assert_msg(rc == 2 && strstr(p.out, "svicat: no entry 'nope' on "
					       "disk 51712"),
		      "%d: %s", rc, p.out);
	proc_free(&p);
	free(cfg);
}
END_TEST

/* One damaged compressed file of the boot volume: dom0 still boots from
 * it (kernel and cmdline are intact); the guest reports that file by
 * name, the others pass, and it crashes (exit 2). */
START_TEST(guest_names_a_corrupted_entry)
{
	struct proc p;
	char *cfg;
	int rc;

	make_volume("dmg.svi", "kernel", "cmdline", "app=svicheck");
	damage_volume_at("dmg.svi", "log.txt");
	cfg = write_config("svidmg", "dmg.svi", "");
	rc = run_xyl(&p, (char *[]){"create", cfg, "-c", NULL});
	ck_assert_msg(rc == 2, "xyl create -c exited %d: %s", rc, p.out);
	ck_assert_msg(strstr(p.out, "FAIL: entry 3 'log.txt': ") &&
			      strstr(p.out, "ok: random.bin") &&
			      strstr(p.out, "4 passed, 1 failed"),
		      "%s", p.out);
	proc_free(&p);
	free(cfg);
}
END_TEST

/* svisrc=ramdisk: the same extractor over the PVH ramdisk (no disk, no
 * backends: xylem-hv alone). */
START_TEST(guest_extracts_from_the_ramdisk)
{
	char *cfg, *vol;
	struct proc p;
	FILE *f;
	int rc;

	make_volume("rd.svi", "kernel", "cmdline", "app=idle");
	vol = rundir_path("rd.svi");
	cfg = rundir_path("svird.cfg");
	f = fopen(cfg, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
		"name = \"svird\"\nkernel = \"%s\"\nramdisk = \"%s\"\n"
		"memory = 64\ncmdline = \"app=svicheck svisrc=ramdisk\"\n",
		guest, vol);
	ck_assert_int_eq(fclose(f), 0);
	rc = run_xyl(&p, (char *[]){"create", cfg, "-c", NULL});
	ck_assert_msg(rc == 0 && strstr(p.out, "svicheck: volume on ramdisk") &&
			      strstr(p.out, "5 passed, 0 failed"),
		      "%d: %s", rc, p.out);
	proc_free(&p);
	free(cfg);
	free(vol);
}
END_TEST

static Suite *
svi_boot_suite(void)
{
	Suite *s = suite_create("svi_boot");
	TCase *tc = tcase_create("boot");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, boots_from_volume);
	tcase_add_test(tc, bootloader_args_pick_names);
	tcase_add_test(tc, damaged_volume_refused);
	tcase_add_test(tc, four_guests_share_a_volume);
	tcase_add_test(tc, volume_attached_read_only);
	tcase_add_test(tc, guest_reads_a_file);
	tcase_add_test(tc, guest_names_a_corrupted_entry);
	suite_add_tcase(s, tc);
	tc = tcase_create("guest");
	tcase_add_unchecked_fixture(tc, setup_hv_only, teardown_hv_only);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, guest_extracts_from_the_ramdisk);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return suite_main("svi_boot_test", svi_boot_suite);
}
