/*
 * tests/integration/svi_boot_test.c: bootloader = "svi" end to end: a
 * volume made by `xyl svi create` boots real guests (kernel compressed in
 * the volume, command line from it plus the config's), four guests boot
 * from one volume at once, the volume is attached as a read-only vbd, a
 * damaged volume or a missing entry stops `xyl create` with an error
 * naming the entry and no domain left behind, and the guest's own
 * extractor (app=svicheck) verifies every file.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "proc.h"

#define BOOT_TIMEOUT_MS 120000
#define TOOL_TIMEOUT_MS 30000

static struct harness_hv hv;
static char xyl[4096], guest[4096];

/* Host services for the whole suite (unchecked fixture: runs in the
 * parent, so teardown happens even when a test fails): xylem-hv from the
 * harness, then `xyl host start` adds xenstored and the backends (the
 * volume is attached to each guest as a read-only vbd). */
static void
services(const char *verb)
{
	char *argv[] = {xyl, "host", (char *)verb, NULL};
	struct proc p;
	int rc = proc_run(&p, hv.rundir, argv, 30000);

	if (rc != 0)
		fprintf(stderr, "xyl host %s: %d\n%s\n", verb, rc, p.out);
	proc_free(&p);
}

static void
setup(void)
{
	if (harness_skip_reason())
		return;
	ck_assert_int_eq(proc_bin_path("xyl", xyl, sizeof(xyl)), 0);
	ck_assert_int_eq(proc_guest_path(guest, sizeof(guest)), 0);
	ck_assert_int_eq(harness_hv_start(&hv, NULL, 10000), 0);
	services("start");
}

static void
teardown(void)
{
	if (harness_skip_reason())
		return;
	services("stop");
	ck_assert_int_ge(harness_hv_stop(&hv), 0);
}

/* xylem-hv alone: guests without disks, whose console then goes through
 * console_io synchronously (a crashing guest's last lines are kept). */
static void
setup_hv_only(void)
{
	if (harness_skip_reason())
		return;
	ck_assert_int_eq(proc_bin_path("xyl", xyl, sizeof(xyl)), 0);
	ck_assert_int_eq(proc_guest_path(guest, sizeof(guest)), 0);
	ck_assert_int_eq(harness_hv_start(&hv, NULL, 10000), 0);
}

static void
teardown_hv_only(void)
{
	if (harness_skip_reason())
		return;
	ck_assert_int_ge(harness_hv_stop(&hv), 0);
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
	char *argv[16] = {xyl};
	int i;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	return proc_run(p, hv.rundir, argv, TOOL_TIMEOUT_MS);
}

/* A volume with the guest kernel (compressed) under kernel_name, a
 * command line under cmdline_name, and as "ramdisk" an inner volume
 * holding "motd", which the guest app svicheck verifies and prints. */
static void
make_volume(const char *vol, const char *kernel_name, const char *cmdline_name,
	    const char *cmdline)
{
	char *volp = rundir_path(vol), *k, *c, *r, *cl = rundir_path("cl.txt");
	char *inner = rundir_path("inner.svi"), *motd = rundir_path("motd");
	struct proc p;
	int rc;

	put_text("motd", "hello from the inner volume\n");
	rc = run_xyl(&p, (char *[]){"svi", "create", inner, motd, NULL});
	ck_assert_msg(rc == 0, "xyl svi create: %d: %s", rc, p.out);
	proc_free(&p);
	put_text("cl.txt", cmdline);
	ck_assert(asprintf(&k, "%s=%s", guest, kernel_name) > 0);
	ck_assert(asprintf(&c, "%s=%s", cl, cmdline_name) > 0);
	ck_assert(asprintf(&r, "%s=ramdisk", inner) > 0);
	rc = run_xyl(&p, (char *[]){"svi", "create", volp, "--compress", k, c,
				    r, NULL});
	ck_assert_msg(rc == 0, "xyl svi create: %d: %s", rc, p.out);
	proc_free(&p);
	free(volp);
	free(k);
	free(c);
	free(r);
	free(cl);
	free(inner);
	free(motd);
}

/* Write <name>.cfg for domain name; returns its path. */
static char *
write_config(const char *name, const char *vol, const char *extra_lines)
{
	char *file, *path, *volp = rundir_path(vol);
	FILE *f;

	ck_assert(asprintf(&file, "%s.cfg", name) > 0);
	path = rundir_path(file);
	free(file);
	f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f,
		"name = \"%s\"\nbootloader = \"svi\"\n"
		"disk = [ \"%s,raw,xvda,r\" ]\nmemory = 64\n%s",
		name, volp, extra_lines);
	ck_assert_int_eq(fclose(f), 0);
	free(volp);
	return path;
}

static void
assert_passed(struct proc *p, int rc, const char *name)
{
	if (rc != 0 || proc_count(p->out, " passed, 0 failed") != 1) {
		fprintf(stderr, "---- %s ----\n%s\n----\n", name, p->out);
		harness_hv_dump_log(&hv);
	}
	ck_assert_msg(rc == 0, "%s: xyl create -c exited %d", name, rc);
	ck_assert_msg(proc_count(p->out, " passed, 0 failed") == 1,
		      "%s: no 'N passed, 0 failed' line", name);
	ck_assert_msg(strstr(p->out, "svicheck: motd: hello from the inner "
				     "volume"),
		      "%s: the guest did not read the inner volume", name);
}

START_TEST(boots_from_volume)
{
	struct proc p;
	char *cfg;
	int rc;

	if (harness_skip_reason())
		return;
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

	if (harness_skip_reason())
		return;
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

	if (harness_skip_reason())
		return;
	make_volume("bad.svi", "kernel", "cmdline", "app=svicheck");
	damage_volume("bad.svi");
	vol = rundir_path("bad.svi");
	rc = run_xyl(&p, (char *[]){"svi", "verify", vol, NULL});
	free(vol);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(p.out, "FAIL: entry 0 'kernel'") &&
			      strstr(p.out, "2 passed, 1 failed"),
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

	if (harness_skip_reason())
		return;
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
	/* svicheck powers off only when every file passed (else it crashes:
	 * exit 2), so the exit status is the verdict; the console lines are
	 * not checked here: four at once through consoled sometimes lose
	 * them (reported to cons). */
	for (i = 0; i < NR; i++) {
		snprintf(name, sizeof(name), "share%d", i);
		rc = proc_wait(&p[i], BOOT_TIMEOUT_MS);
		if (rc != 0)
			fprintf(stderr, "---- %s ----\n%s\n", name, p[i].out);
		ck_assert_msg(rc == 0, "%s: xyl create -c exited %d", name, rc);
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

	if (harness_skip_reason())
		return;
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

/* Files for the guest-side volume: text (compresses), random (does not). */
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

/* Boot app=svicheck with the volume as the ramdisk; returns xyl's exit
 * status and the console in *p. */
static int
run_svicheck(struct proc *p, const char *name, const char *vol)
{
	char *cfg, *file, *volp = rundir_path(vol);
	FILE *f;
	int rc;

	ck_assert(asprintf(&file, "%s.cfg", name) > 0);
	cfg = rundir_path(file);
	f = fopen(cfg, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
		"name = \"%s\"\nkernel = \"%s\"\nramdisk = \"%s\"\n"
		"memory = 64\ncmdline = \"app=svicheck show=motd\"\n",
		name, guest, volp);
	ck_assert_int_eq(fclose(f), 0);
	rc = run_xyl(p, (char *[]){"create", cfg, "-c", NULL});
	free(cfg);
	free(file);
	free(volp);
	return rc;
}

/* The guest's own extractor (frontends/svi/) lists and verifies every
 * file; the volume reaches it as the PVH ramdisk until blkfront exists. */
START_TEST(guest_extracts_every_file)
{
	char *vol = rundir_path("guest.svi"), *args[12], *k;
	const char *names[] = {"motd", "random.bin", "log.txt"};
	struct proc p;
	int i, rc;

	if (harness_skip_reason())
		return;
	put_text("motd", "hello from the volume\n");
	put_data("random.bin", 200000, 0);
	put_data("log.txt", 1000000, 1);
	args[0] = "svi";
	args[1] = "create";
	args[2] = vol;
	args[3] = "--compress";
	for (i = 0; i < 3; i++)
		args[4 + i] = rundir_path(names[i]);
	ck_assert(asprintf(&k, "%s=kernel", guest) > 0);
	args[7] = k;
	args[8] = NULL;
	rc = run_xyl(&p, args);
	ck_assert_msg(rc == 0, "%s", p.out);
	proc_free(&p);
	rc = run_svicheck(&p, "svichk", "guest.svi");
	if (rc != 0)
		fprintf(stderr, "%s\n", p.out);
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(strstr(p.out, "4 passed, 0 failed") &&
			      strstr(p.out, "svicheck: motd: hello from the "
					    "volume") &&
			      strstr(p.out, "ok: log.txt (1000000 bytes, zlib"),
		      "%s", p.out);
	proc_free(&p);
	/* One damaged compressed file: that file fails, the others pass. */
	damage_volume_at("guest.svi", "log.txt");
	rc = run_svicheck(&p, "svichk2", "guest.svi");
	ck_assert_int_eq(rc, 2); /* the app crashes the domain on failure */
	ck_assert_msg(strstr(p.out, "FAIL: entry 2 'log.txt'") &&
			      strstr(p.out, "3 passed, 1 failed"),
		      "%s", p.out);
	proc_free(&p);
	for (i = 0; i < 3; i++)
		free(args[4 + i]);
	free(k);
	free(vol);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("svi_boot");
	TCase *tc = tcase_create("boot");
	SRunner *sr;
	int failed;

	if (harness_skip_reason())
		printf("svi_boot: skipped: %s\n", harness_skip_reason());
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, boots_from_volume);
	tcase_add_test(tc, bootloader_args_pick_names);
	tcase_add_test(tc, damaged_volume_refused);
	tcase_add_test(tc, four_guests_share_a_volume);
	tcase_add_test(tc, volume_attached_read_only);
	suite_add_tcase(s, tc);
	tc = tcase_create("guest");
	tcase_add_unchecked_fixture(tc, setup_hv_only, teardown_hv_only);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, guest_extracts_every_file);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
