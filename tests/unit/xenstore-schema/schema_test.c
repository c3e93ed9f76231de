/*
 * tests/unit/xenstore-schema/schema_test.c: the schema parser and matcher
 * (xenstore-schema/schema.c, schema_match.c): the shipped xylem.schema
 * parses and decides the nodes libxl-style trees have; malformed schema
 * lines are refused with their line number; hostile values and paths are
 * rejected, never overrun.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

extern const char xscheck_schema_text[];

static struct schema s;

static void
load_shipped(void)
{
	char err[256] = "";

	ck_assert_msg(schema_parse(xscheck_schema_text, &s, err, sizeof(err)) ==
			      0,
		      "xylem.schema: %s", err);
}

static void
unload(void)
{
	schema_free(&s);
}

/* The rule deciding path, its value checked; returns the rule's perms
 * expanded ("" if none matched). */
static const struct schema_rule *
decide(const char *path, const char *value, struct schema_env *env,
       int *value_ok)
{
	const struct schema_rule *r = schema_find(&s, path, env);
	char why[256];

	if (r && value_ok)
		*value_ok = schema_value_check(r, value, strlen(value), env,
					       why, sizeof(why)) == 0;
	return r;
}

static void
assert_perms(const char *path, const char *value, const char *want)
{
	struct schema_env env = {0};
	char buf[256];
	int ok = 0;
	const struct schema_rule *r = decide(path, value, &env, &ok);

	ck_assert_msg(r, "%s: no rule", path);
	ck_assert_msg(ok, "%s: value \"%s\" refused (line %u)", path, value,
		      r->line);
	/* A frontend's backend domain comes from its backend node (the
	 * checker binds it from there); here it is dom0. */
	if (!schema_env_get(&env, "B"))
		schema_env_set(&env, "B", "0");
	ck_assert_int_eq(schema_expand(r->perms, &env, buf, sizeof(buf)), 0);
	ck_assert_msg(strcmp(buf, want) == 0, "%s: perms %s, want %s", path,
		      buf, want);
}

START_TEST(test_shipped_domain_nodes)
{
	assert_perms("/", "", "n0");
	assert_perms("/local/domain/0/name", "Domain-0", "n0");
	assert_perms("/local/domain/7", "", "n0,r7");
	assert_perms("/local/domain/7/domid", "7", "n0,r7");
	assert_perms("/local/domain/7/name", "web1", "n0,r7");
	assert_perms("/local/domain/7/memory/target", "524288", "n0,r7");
	assert_perms("/local/domain/7/cpu/1/availability", "offline", "n0,r7");
	assert_perms("/local/domain/7/control/shutdown", "poweroff", "n7");
	assert_perms("/local/domain/7/control/shutdown", "", "n7");
	assert_perms("/local/domain/7/control/feature-poweroff", "1", "n7");
	assert_perms("/local/domain/7/data/anything/below", "x\001", "*");
	assert_perms("/local/domain/7/vm",
		     "/vm/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "n0,r7");
	assert_perms("/local/domain/7/device/vbd/51712/backend",
		     "/local/domain/0/backend/vbd/7/51712", "n7,r0");
	assert_perms("/local/domain/0/backend/vbd/7/51712/frontend",
		     "/local/domain/7/device/vbd/51712", "n0,r7");
	assert_perms("/local/domain/0/backend/vif/7/0/mac", "00:16:3e:12:34:56",
		     "n0,r7");
	assert_perms("/local/domain/7/device/vif/0/queue-0/tx-ring-ref", "8",
		     "n7,r0");
}
END_TEST

/* /vm/<uuid> learns its domain from the domain's vm node (check.c). */
START_TEST(test_shipped_vm_nodes)
{
	struct schema_env env = {0};
	int ok = 0;
	const struct schema_rule *r =
		decide("/vm/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/start_time",
		       "1795294154.25", &env, &ok);

	ck_assert_ptr_nonnull(r);
	ck_assert(ok);
	ck_assert_str_eq(r->perms, "n0,r$D");
	ck_assert(schema_needs_unbound(r->perms, &env));
	ck_assert_int_eq(schema_env_set(&env, "D", "7"), 0);
	ck_assert(!schema_needs_unbound(r->perms, &env));
	env.nr = 0;
	r = decide("/vm/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/uuid",
		   "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", &env, &ok);
	ck_assert(ok);
	env.nr = 0;
	r = decide("/vm/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/uuid",
		   "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f1", &env, &ok);
	ck_assert(!ok);
}
END_TEST

START_TEST(test_shipped_refusals)
{
	struct schema_env env = {0};
	int ok = 1;

	/* Values of the wrong form. */
	decide("/local/domain/7/domid", "8", &env, &ok);
	ck_assert(!ok);
	env.nr = 0;
	decide("/local/domain/7/memory/target", "0x10", &env, &ok);
	ck_assert(!ok);
	env.nr = 0;
	decide("/local/domain/7/control/shutdown", "explode", &env, &ok);
	ck_assert(!ok);
	env.nr = 0;
	/* A backend link to another domain's device. */
	decide("/local/domain/7/device/vbd/51712/backend",
	       "/local/domain/0/backend/vbd/8/51712", &env, &ok);
	ck_assert(!ok);
	env.nr = 0;
	decide("/local/domain/7/vm", "/vm/NOT-A-UUID", &env, &ok);
	ck_assert(!ok);
	/* Unknown nodes and malformed paths match nothing. */
	ck_assert_ptr_null(schema_find(&s, "/foo", &env));
	ck_assert_ptr_null(schema_find(&s, "/local/domain/7/bogus", &env));
	ck_assert_ptr_null(schema_find(&s, "/local/domain/07/name", &env));
	ck_assert_ptr_null(schema_find(&s, "/local//domain", &env));
	ck_assert_ptr_null(schema_find(&s, "local/domain", &env));
	ck_assert_ptr_null(schema_find(&s, "", &env));
	ck_assert_ptr_null(schema_find(
		&s, "/local/domain/99999999999999999999/name", &env));
}
END_TEST

START_TEST(test_required_links)
{
	const struct schema_rule *r, *p;
	struct schema_env env = {0};

	r = schema_find(&s, "/local/domain/7/store/port", &env);
	ck_assert_ptr_nonnull(r);
	ck_assert(r->required);
	ck_assert_int_ge(r->parent, 0);
	p = &s.rules[r->parent];
	ck_assert_str_eq(p->path.text, "/local/domain/$D/store");
	/* dom0's own rule is not the guest rule: no guest nodes needed. */
	env.nr = 0;
	r = schema_find(&s, "/local/domain/0", &env);
	ck_assert_str_eq(r->path.text, "/local/domain/0");
}
END_TEST

START_TEST(test_bad_schema_lines)
{
	static const struct {
		const char *text;
		const char *err;
	} cases[] = {
		{"R /a xyl n0\n", "line 1: want 5 columns, found 4"},
		{"\n# c\nX /a xyl n0 empty\n", "line 3: first column"},
		{"R a xyl n0 empty\n", "line 1: a pattern is an absolute"},
		{"R /a/ xyl n0 empty\n", "line 1: a pattern is an absolute"},
		{"R /a//b xyl n0 empty\n", "line 1: a pattern is an absolute"},
		{"R /a/$X xyl n0 empty\n", "line 1: unknown variable"},
		{"R /a/**/b xyl n0 empty\n", "line 1: ** must be the last"},
		{"R /a/b$D xyl n0 empty\n", "line 1: '*' or '$' inside"},
		{"R /a xyl n0 blob\n", "line 1: unknown value form"},
		{"R /a xyl n0 path:relative\n", "line 1: a pattern is an"},
		{"# nothing\n", "line 2: no rules"},
	};
	struct schema t;
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		ck_assert_int_eq(
			schema_parse(cases[i].text, &t, err, sizeof(err)),
			-EINVAL);
		ck_assert_msg(
			strncmp(err, cases[i].err, strlen(cases[i].err)) == 0,
			"case %zu: \"%s\", want \"%s\"", i, err, cases[i].err);
	}
}
END_TEST

START_TEST(test_values)
{
	struct schema t;
	struct schema_env env = {0};
	char err[256], why[128];
	const char *text = "O /u xyl * uint\nO /b xyl * bool\n"
			   "O /m xyl * mac\nO /t xyl * time\nO /e xyl * "
			   "enum:|a|bc\nO /s xyl * string\n";
	static const struct {
		const char *path, *value;
		int ok;
	} cases[] = {
		{"/u", "0", 1},
		{"/u", "4294967295", 1},
		{"/u", "01", 0},
		{"/u", "", 0},
		{"/u", "-1", 0},
		{"/u", "12345678901", 0},
		{"/b", "1", 1},
		{"/b", "2", 0},
		{"/m", "00:16:3e:aa:bb:cc", 1},
		{"/m", "00:16:3e:aa:bb", 0},
		{"/m", "00-16-3e-aa-bb-cc", 0},
		{"/t", "12.05", 1},
		{"/t", "12", 1},
		{"/t", "12.", 0},
		{"/t", ".5", 0},
		{"/e", "", 1},
		{"/e", "bc", 1},
		{"/e", "b", 0},
		{"/e", "abc", 0},
		{"/s", "x y", 1},
		{"/s", "", 0},
		{"/s", "tab\there", 0},
	};

	ck_assert_int_eq(schema_parse(text, &t, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct schema_rule *r =
			schema_find(&t, cases[i].path, &env);

		ck_assert_ptr_nonnull(r);
		ck_assert_msg((schema_value_check(r, cases[i].value,
						  strlen(cases[i].value), &env,
						  why, sizeof(why)) == 0) ==
				      cases[i].ok,
			      "%s=\"%s\"", cases[i].path, cases[i].value);
	}
	schema_free(&t);
}
END_TEST

START_TEST(test_bindings)
{
	struct schema_env env = {0};
	char buf[16];

	ck_assert_int_eq(schema_env_set(&env, "D", "5"), 0);
	ck_assert_int_eq(schema_env_set(&env, "D", "5"), 0);
	ck_assert_int_eq(schema_env_set(&env, "D", "6"), -EEXIST);
	ck_assert_int_eq(schema_expand("n$D,r$B", &env, buf, sizeof(buf)),
			 -ENOENT);
	ck_assert_str_eq(buf, "$B");
	ck_assert_int_eq(schema_env_set(&env, "B", "0"), 0);
	ck_assert_int_eq(schema_expand("n$D,r$B", &env, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "n5,r0");
	ck_assert_int_eq(schema_expand("n$D,r$B,r$D,r$D,r$D", &env, buf, 8),
			 -ERANGE);
	ck_assert_int_eq(schema_env_set(&env, "DEV", "51712"), 0);
	ck_assert_int_eq(schema_expand("=$DEV", &env, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "=51712");
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("xs_schema");
	TCase *tc = tcase_create("shipped");
	TCase *tp = tcase_create("parser");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, load_shipped, unload);
	tcase_add_test(tc, test_shipped_domain_nodes);
	tcase_add_test(tc, test_shipped_vm_nodes);
	tcase_add_test(tc, test_shipped_refusals);
	tcase_add_test(tc, test_required_links);
	tcase_add_test(tp, test_bad_schema_lines);
	tcase_add_test(tp, test_values);
	tcase_add_test(tp, test_bindings);
	suite_add_tcase(su, tc);
	suite_add_tcase(su, tp);
	sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
