/*
 * tests/unit/dom0-tools/xyl/evlog_test.c: the toolstack's event log
 * (dom0-tools/xyl/evlog.c): records, appending, following the file from
 * its start or its end, and a hostile file (garbage, non-objects,
 * over-long and partial lines, rotation).
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json.h>

#include "evlog.h"

static char dir[64];
static struct evlog_tail tail;

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/evlog-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char path[128];

	evlog_tail_close(&tail);
	snprintf(path, sizeof(path), "%s/%s", dir, EVLOG_NAME);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s.1", dir, EVLOG_NAME);
	unlink(path);
	rmdir(dir);
}

static void
append(const char *event, long domid)
{
	struct json_object *r =
		evlog_record("xyl", event, domid, "web1", NULL, NULL);

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(evlog_append(dir, r), 0);
	json_object_put(r);
}

static void
append_raw(const char *text)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, EVLOG_NAME);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* The next record's event name, or NULL if none is complete. */
static const char *
next_event(void)
{
	static char name[64];
	struct json_object *o = evlog_tail_next(&tail), *v;

	if (!o)
		return NULL;
	ck_assert(json_object_object_get_ex(o, "event", &v));
	snprintf(name, sizeof(name), "%s", json_object_get_string(v));
	json_object_put(o);
	return name;
}

START_TEST(test_record_fields)
{
	struct json_object *d = json_object_new_object(), *r, *v;

	json_object_object_add(d, "reason", json_object_new_string("crash"));
	r = evlog_record("hypervisor", "shutdown", 7, "web1", "u-u-i-d", d);
	ck_assert(json_object_object_get_ex(r, "domid", &v));
	ck_assert_int_eq(json_object_get_int(v), 7);
	ck_assert(json_object_object_get_ex(r, "source", &v));
	ck_assert_str_eq(json_object_get_string(v), "hypervisor");
	ck_assert(json_object_object_get_ex(r, "detail", &v));
	ck_assert(json_object_object_get_ex(r, "time", &v));
	ck_assert_double_gt(json_object_get_double(v), 1e9);
	json_object_put(r);
	r = evlog_record("xyl", "prepare", -1, NULL, NULL, NULL);
	ck_assert(json_object_object_get_ex(r, "domid", &v));
	ck_assert_ptr_null(v);
	ck_assert(!json_object_object_get_ex(r, "detail", &v));
	json_object_put(r);
}
END_TEST

START_TEST(test_tail_from_start_and_end)
{
	append("prepare", -1);
	append("started", 1);
	evlog_tail_init(&tail, dir, true);
	ck_assert_str_eq(next_event(), "prepare");
	ck_assert_str_eq(next_event(), "started");
	ck_assert_ptr_null(next_event());
	append("shutdown", 1);
	ck_assert_str_eq(next_event(), "shutdown");
	evlog_tail_close(&tail);
	/* From the end: only what comes next. */
	evlog_tail_init(&tail, dir, false);
	ck_assert_ptr_null(next_event());
	append("released", 1);
	ck_assert_str_eq(next_event(), "released");
	ck_assert_ptr_null(next_event());
}
END_TEST

START_TEST(test_file_appears_later)
{
	evlog_tail_init(&tail, dir, false);
	ck_assert_ptr_null(next_event());
	append("started", 3);
	ck_assert_str_eq(next_event(), "started");
}
END_TEST

START_TEST(test_hostile_lines)
{
	char *longline = malloc(EVLOG_LINE_MAX * 2 + 2);

	ck_assert_ptr_nonnull(longline);
	memset(longline, 'x', EVLOG_LINE_MAX * 2);
	strcpy(longline + EVLOG_LINE_MAX * 2, "\n");
	evlog_tail_init(&tail, dir, true);
	append_raw("not json\n[1,2,3]\n\"a string\"\n\n{\"event\":");
	ck_assert_ptr_null(next_event()); /* the last line is partial */
	append_raw("\"late\"}\n");
	ck_assert_str_eq(next_event(), "late");
	append_raw(longline);
	append_raw("{\"event\":\"after-long\"}\n");
	ck_assert_str_eq(next_event(), "after-long");
	ck_assert_ptr_null(next_event());
	free(longline);
}
END_TEST

START_TEST(test_rotation_is_followed)
{
	char path[128], old[140];

	append("one", 1);
	evlog_tail_init(&tail, dir, true);
	ck_assert_str_eq(next_event(), "one");
	snprintf(path, sizeof(path), "%s/%s", dir, EVLOG_NAME);
	snprintf(old, sizeof(old), "%s.1", path);
	ck_assert_int_eq(rename(path, old), 0);
	append("two", 1);
	ck_assert_str_eq(next_event(), "two");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("xyl_evlog");
	TCase *tc = tcase_create("evlog");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_record_fields);
	tcase_add_test(tc, test_tail_from_start_and_end);
	tcase_add_test(tc, test_file_appears_later);
	tcase_add_test(tc, test_hostile_lines);
	tcase_add_test(tc, test_rotation_is_followed);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
