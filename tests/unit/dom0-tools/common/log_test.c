/*
 * tests/unit/dom0-tools/common/log_test.c: the dom0 logger: line format
 * ("program: [dom N:] message"), levels and -v, and the per-domain rate
 * limit (a burst, then one "N lines suppressed" line).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dlog.h"

static char captured[8192];

/* Run fn with stderr sent to a temporary file; captured gets the text. */
static void
capture(void (*fn)(void))
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n;

	ck_assert_ptr_nonnull(tmp);
	dup2(fileno(tmp), STDERR_FILENO);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(captured, 1, sizeof(captured) - 1, tmp);
	captured[n] = '\0';
	fclose(tmp);
}

static void
emit_levels(void)
{
	log_err("e %d", 1);
	log_warn("w");
	log_info("i");
	log_debug("d");
	log_dom_err(7, "vbd %d: bad", 51712);
}

START_TEST(test_format_and_levels)
{
	log_init("/usr/sbin/xylem-blkback");
	log_set_level(DLOG_WARN);
	capture(emit_levels);
	ck_assert_str_eq(captured, "xylem-blkback: e 1\nxylem-blkback: w\n"
				   "xylem-blkback: dom 7: vbd 51712: bad\n");
	log_raise_level();
	log_raise_level();
	log_raise_level(); /* capped at debug */
	ck_assert_int_eq(log_level(), DLOG_DEBUG);
	capture(emit_levels);
	ck_assert(strstr(captured, "xylem-blkback: i\nxylem-blkback: d\n"));
}
END_TEST

static struct dlog_ratelimit rl;

static void
emit_flood(void)
{
	int i;

	for (i = 0; i < 100; i++)
		log_dom_limited(&rl, DLOG_WARN, 3, "bad hypercall %d", i);
	rl.window_start_ms -= 2 * DLOG_WINDOW_MS; /* the window passes */
	log_dom_limited(&rl, DLOG_WARN, 3, "later");
}

START_TEST(test_rate_limit)
{
	char *p;
	int lines = 0;

	log_init("xyl");
	log_set_level(DLOG_WARN);
	memset(&rl, 0, sizeof(rl));
	capture(emit_flood);
	for (p = captured; (p = strchr(p, '\n')); p++)
		lines++;
	ck_assert_int_eq(lines, DLOG_BURST + 2);
	ck_assert(strstr(captured, "xyl: dom 3: 95 lines suppressed\n"
				   "xyl: dom 3: later\n"));
}
END_TEST

START_TEST(test_long_line_cut)
{
	char big[3000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_init("xyl");
	log_set_level(DLOG_WARN);
	{
		FILE *tmp = tmpfile();
		int saved = dup(STDERR_FILENO);
		size_t n;

		dup2(fileno(tmp), STDERR_FILENO);
		log_err("%s", big);
		dup2(saved, STDERR_FILENO);
		close(saved);
		rewind(tmp);
		n = fread(captured, 1, sizeof(captured) - 1, tmp);
		captured[n] = '\0';
		fclose(tmp);
	}
	ck_assert_uint_eq(strlen(captured), 1024);
	ck_assert(strstr(captured, "...\n"));
}
END_TEST

static Suite *
log_suite(void)
{
	Suite *s = suite_create("dom0_log");
	TCase *tc = tcase_create("log");

	tcase_add_test(tc, test_format_and_levels);
	tcase_add_test(tc, test_rate_limit);
	tcase_add_test(tc, test_long_line_cut);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(log_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
