/*
 * tests/integration/hv_boot_test.c: xylem-hv --boot with the bring-up
 * guests of tests/integration/guests/: console output and exit codes for
 * poweroff, crash (triple fault with a register dump) and bad kernels,
 * and the guest kernel's selftest when it is built.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "proc.h"

static char rundir[64];

static int
boot(struct proc *p, const char *kernel_path, const char *cmdline)
{
	char hv[4096];
	char *argv[8];
	int n = 0;

	ck_assert_int_eq(harness_hv_path(hv, sizeof(hv)), 0);
	argv[n++] = hv;
	argv[n++] = "--rundir";
	argv[n++] = rundir;
	argv[n++] = "--boot";
	argv[n++] = (char *)kernel_path;
	if (cmdline) {
		argv[n++] = "--cmdline";
		argv[n++] = (char *)cmdline;
	}
	argv[n] = NULL;
	return proc_run(p, NULL, argv, 60000);
}

static void
guest(const char *name, char *buf, size_t len)
{
	ck_assert_int_eq(harness_guest_path(name, buf, len), 0);
}

START_TEST(test_hello_poweroff)
{
	struct proc p;
	char k[4096];

	guest("hello.elf", k, sizeof(k));
	ck_assert_int_eq(boot(&p, k, "abc def"), 0);
	ck_assert_ptr_nonnull(strstr(p.out, "cmdline: abc def"));
	ck_assert_ptr_nonnull(strstr(p.out, "null hypercalls x10000"));
	ck_assert_ptr_nonnull(strstr(p.out, "bad pointer: -EFAULT ok"));
	proc_free(&p);
}
END_TEST

START_TEST(test_crash_reports_registers)
{
	struct proc p;
	char k[4096];

	guest("crash.elf", k, sizeof(k));
	ck_assert_int_eq(boot(&p, k, NULL), 2);
	ck_assert_ptr_nonnull(strstr(p.out, "triple fault"));
	ck_assert_ptr_nonnull(strstr(p.out, "insn [0f 0b"));
	ck_assert_ptr_nonnull(strstr(p.out, "rax 0x12345678"));
	proc_free(&p);
}
END_TEST

START_TEST(test_mmio_outside_ram_crashes)
{
	struct proc p;
	char k[4096];

	guest("mmio.elf", k, sizeof(k));
	ck_assert_int_eq(boot(&p, k, NULL), 2);
	ck_assert_ptr_nonnull(
		strstr(p.out, "MMIO read 0xf0001000 outside RAM"));
	ck_assert_ptr_nonnull(strstr(p.out, "insn [a1 00 10 00 f0"));
	proc_free(&p);
}
END_TEST

START_TEST(test_upcall_vector)
{
	struct proc p;
	char k[4096];

	guest("upcall.elf", k, sizeof(k));
	ck_assert_int_eq(boot(&p, k, NULL), 0);
	ck_assert_ptr_nonnull(strstr(p.out, "vector 0xf3 delivered once"));
	proc_free(&p);
}
END_TEST

/* The global callback vector: no EOI, none while IF=0, re-kick, hlt. */
START_TEST(test_callback_vector)
{
	struct proc p;
	char k[4096];

	guest("callback.elf", k, sizeof(k));
	ck_assert_int_eq(boot(&p, k, NULL), 0);
	ck_assert_ptr_nonnull(
		strstr(p.out, "vector 0xf3 x4, no EOI, none while IF=0"));
	proc_free(&p);
}
END_TEST

/* A vCPU spinning in the guest must not keep xylem-hv from stopping. */
START_TEST(test_sigterm_while_spinning)
{
	char hv[4096], k[4096];
	char *argv[] = {hv, "--rundir", rundir, "--boot", k, NULL};
	struct proc p;

	ck_assert_int_eq(harness_hv_path(hv, sizeof(hv)), 0);
	guest("spin.elf", k, sizeof(k));
	ck_assert_int_eq(proc_start(&p, NULL, argv), 0);
	usleep(500 * 1000);
	kill(p.pid, SIGTERM);
	ck_assert_int_eq(proc_wait(&p, 10000), 0);
	ck_assert_ptr_nonnull(strstr(p.out, "spinning"));
	ck_assert_ptr_nonnull(strstr(p.out, "destroyed"));
	proc_free(&p);
}
END_TEST

START_TEST(test_bad_kernels)
{
	char path[] = "/tmp/xylem-badk-XXXXXX";
	int fd = mkstemp(path);
	struct proc p;

	ck_assert_int_ge(fd, 0);
	static const char ident[20] = "\177ELF\002\001\001";
	ck_assert_int_eq(write(fd, ident, sizeof(ident)), sizeof(ident));
	close(fd);
	ck_assert_int_eq(boot(&p, path, NULL), 1);
	ck_assert_ptr_nonnull(strstr(p.out, "kernel: truncated ELF header"));
	proc_free(&p);
	ck_assert_int_eq(boot(&p, "/nonexistent/kernel", NULL), 1);
	ck_assert_ptr_nonnull(strstr(p.out, "No such file"));
	proc_free(&p);
	unlink(path);
}
END_TEST

START_TEST(test_guest_selftest)
{
	char self[4096], k[4200];
	struct proc p;
	char *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	ck_assert_int_gt(n, 0);
	self[n] = 0;
	for (int i = 0; i < 2 && (slash = strrchr(self, '/')); i++)
		*slash = 0;
	snprintf(k, sizeof(k), "%s/guest/xylem-guest.elf", self);
	if (access(k, R_OK) != 0) {
		printf("hv_boot_test: %s not built, selftest skipped\n", k);
		return;
	}
	int rc = boot(&p, k, "app=selftest");
	if (rc != 0)
		printf("%s\n", p.out);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(p.out, " 0 failed"));
	proc_free(&p);
}
END_TEST

int
main(void)
{
	const char *skip = harness_skip_reason();
	Suite *s = suite_create("hv_boot");
	TCase *tc = tcase_create("boot");
	SRunner *sr;
	int failed;

	if (skip) {
		printf("hv_boot_test: skipped: %s\n", skip);
		return 0;
	}
	snprintf(rundir, sizeof(rundir), "/tmp/xylem-hvboot-XXXXXX");
	if (!mkdtemp(rundir))
		return 1;
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_hello_poweroff);
	tcase_add_test(tc, test_crash_reports_registers);
	tcase_add_test(tc, test_mmio_outside_ram_crashes);
	tcase_add_test(tc, test_upcall_vector);
	tcase_add_test(tc, test_callback_vector);
	tcase_add_test(tc, test_sigterm_while_spinning);
	tcase_add_test(tc, test_bad_kernels);
	tcase_add_test(tc, test_guest_selftest);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	harness_rm_rf(rundir);
	return failed ? 1 : 0;
}
