/*
 * tests/unit/dom0-tools/common/daemon_test.c: the dom0 daemons' shared
 * start-up (dom0-tools/common/daemon.c): the common and a program's own
 * options, bad usage, --help, and daemon_main's order: pid file locked
 * (a second instance refused), pid written before run, fini after a
 * failed init, the pid file gone at the end.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "dlog.h"

struct fake {
	int init_rc, run_rc;
	int nr_init, nr_run, nr_fini;
	uint32_t num;	 /* --num N */
	char pid[32];	 /* the pid file's content when run began */
	int nested_exit; /* a second daemon_main on the same rundir */
};

static char rundir[64];

static void
fake_usage(FILE *f)
{
	fprintf(f, "usage: fake [--rundir DIR] [--num N] [-v]...\n");
}

static int
fake_on_opt(void *ctx, int c, const char *value)
{
	struct fake *f = ctx;

	ck_assert_int_eq(c, 'n');
	if (atoi(value) <= 0)
		return -EINVAL;
	f->num = (uint32_t)atoi(value);
	return 0;
}

static const struct option fake_opts[] = {
	{"num", required_argument, NULL, 'n'},
	{NULL, 0, NULL, 0},
};

static int
fake_init(void *ctx, const char *dir)
{
	struct fake *f = ctx;

	ck_assert_str_eq(dir, rundir);
	f->nr_init++;
	return f->init_rc;
}

static int fake_main(struct fake *f, char **argv);

static int
fake_run(void *ctx)
{
	struct fake *f = ctx;
	char path[128];
	FILE *pf;

	f->nr_run++;
	snprintf(path, sizeof(path), "%s/fake.pid", rundir);
	pf = fopen(path, "r");
	ck_assert_ptr_nonnull(pf);
	ck_assert_ptr_nonnull(fgets(f->pid, sizeof(f->pid), pf));
	fclose(pf);
	if (f->nested_exit == -1) {
		struct fake second = {0};
		char *argv[] = {"fake", "--rundir", rundir, NULL};

		f->nested_exit = fake_main(&second, argv);
		ck_assert_int_eq(second.nr_init, 0);
	}
	return f->run_rc;
}

static void
fake_fini(void *ctx)
{
	struct fake *f = ctx;

	f->nr_fini++;
}

static int
fake_main(struct fake *f, char **argv)
{
	int argc = 0;
	struct daemon_main m = {
		.program = "fake",
		.cli = {fake_usage, fake_opts, "n:", fake_on_opt, f},
		.rundir = "/nonexistent",
		.init = fake_init,
		.run = fake_run,
		.fini = fake_fini,
	};

	while (argv[argc])
		argc++;
	optind = 0; /* getopt starts afresh */
	return daemon_main(&m, argc, argv);
}

static void
setup(void)
{
	snprintf(rundir, sizeof(rundir), "/tmp/daemon-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(rundir));
}

static void
teardown(void)
{
	rmdir(rundir);
}

START_TEST(serves_and_cleans_up)
{
	struct fake f = {.nested_exit = -1};
	char *argv[] = {"fake", "-v", "--rundir", rundir, "--num", "7", NULL};
	char want[32], path[128];

	ck_assert_int_eq(fake_main(&f, argv), 0);
	ck_assert_int_eq(f.num, 7);
	ck_assert_int_eq(f.nr_init, 1);
	ck_assert_int_eq(f.nr_run, 1);
	ck_assert_int_eq(f.nr_fini, 1);
	snprintf(want, sizeof(want), "%d\n", (int)getpid());
	ck_assert_str_eq(f.pid, want);
	/* A second instance on the same rundir is refused, untouched. */
	ck_assert_int_eq(f.nested_exit, 1);
	snprintf(path, sizeof(path), "%s/fake.pid", rundir);
	ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

START_TEST(failed_init_and_run)
{
	struct fake f = {.init_rc = -EIO};
	char *argv[] = {"fake", "-r", rundir, NULL};

	ck_assert_int_eq(fake_main(&f, argv), 1);
	ck_assert_int_eq(f.nr_run, 0);
	ck_assert_int_eq(f.nr_fini, 1);
	f = (struct fake){.run_rc = -EPIPE};
	ck_assert_int_eq(fake_main(&f, argv), 1);
	ck_assert_int_eq(f.nr_run, 1);
	ck_assert_int_eq(f.nr_fini, 1);
}
END_TEST

START_TEST(usage_errors_and_help)
{
	char *bad_opt[] = {"fake", "--bogus", NULL};
	char *bad_val[] = {"fake", "--num", "0", NULL};
	char *extra[] = {"fake", "word", NULL};
	char *help[] = {"fake", "--help", NULL};
	char *no_arg[] = {"fake", "--rundir", NULL};
	struct fake f = {0};

	ck_assert_int_eq(fake_main(&f, bad_opt), 2);
	ck_assert_int_eq(fake_main(&f, bad_val), 2);
	ck_assert_int_eq(fake_main(&f, extra), 2);
	ck_assert_int_eq(fake_main(&f, no_arg), 2);
	ck_assert_int_eq(fake_main(&f, help), 0);
	ck_assert_int_eq(f.nr_init + f.nr_run + f.nr_fini, 0);
}
END_TEST

START_TEST(parse_args_alone)
{
	const struct daemon_cli cli = {fake_usage, NULL, NULL, NULL, NULL};
	char *argv[] = {"x", "--rundir", "/a/b", NULL};
	const char *dir = "/default";

	optind = 0;
	ck_assert_int_eq(daemon_parse_args(&cli, 3, argv, &dir), 0);
	ck_assert_str_eq(dir, "/a/b");
	dir = "/default";
	optind = 0;
	ck_assert_int_eq(daemon_parse_args(&cli, 1, argv, &dir), 0);
	ck_assert_str_eq(dir, "/default");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dom0_daemon");
	TCase *tc = tcase_create("daemon");
	SRunner *sr;
	int failed;

	log_init("daemon_test");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, serves_and_cleans_up);
	tcase_add_test(tc, failed_init_and_run);
	tcase_add_test(tc, usage_errors_and_help);
	tcase_add_test(tc, parse_args_alone);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
