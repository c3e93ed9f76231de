/*
 * tests/unit/dom0-tools/xyl/create_golden_test.c: golden-output tests of
 * xyl's config errors.  For each tests/unit/dom0-tools/configs/<n>.cfg it
 * runs `xyl create -n <n>.cfg [overrides from <n>.args]` in that directory
 * and checks stderr byte for byte against <n>.err and the exit status
 * against <n>.rc (default 1).
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef XYL_TEST_CONFIGS
#error "XYL_TEST_CONFIGS must name tests/unit/dom0-tools/configs"
#endif

#define MAX_CASES 256
#define MAX_ARGS  16

static char *cases[MAX_CASES];
static int nr_cases;
static char xyl_path[PATH_MAX];

static int
case_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every <n>.cfg that has an <n>.err beside it, sorted. */
static void
find_cases(void)
{
	DIR *d = opendir(XYL_TEST_CONFIGS);
	struct dirent *de;
	char err[PATH_MAX];

	if (!d)
		return;
	while ((de = readdir(d)) && nr_cases < MAX_CASES) {
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".cfg") != 0)
			continue;
		snprintf(err, sizeof(err), "%s/%.*s.err", XYL_TEST_CONFIGS,
			 (int)(len - 4), de->d_name);
		if (access(err, R_OK) == 0)
			cases[nr_cases++] = strndup(de->d_name, len - 4);
	}
	closedir(d);
	qsort(cases, (size_t)nr_cases, sizeof(cases[0]), case_cmp);
}

/* build/.../tests/<this> -> build/.../bin/xyl */
static void
find_xyl(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return;
	self[n] = '\0';
	snprintf(xyl_path, sizeof(xyl_path), "%s/../bin/xyl", dirname(self));
}

static char *
read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0;

	*len = 0;
	if (!f)
		return NULL;
	buf = malloc(1 << 16);
	cap = buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
	if (!buf) {
		fclose(f);
		return NULL;
	}
	buf[cap] = '\0';
	*len = cap;
	fclose(f);
	return buf;
}

static int
expected_rc(const char *name)
{
	char path[PATH_MAX];
	size_t len;
	char *text;
	int rc = 1;

	snprintf(path, sizeof(path), "%s/%s.rc", XYL_TEST_CONFIGS, name);
	text = read_whole(path, &len);
	if (text)
		rc = atoi(text);
	free(text);
	return rc;
}

/* argv: xyl create -n <name>.cfg [lines of <name>.args] */
static int
build_argv(const char *name, char **argv, char *cfg, size_t cfg_len,
	   char **args_text)
{
	char path[PATH_MAX], *line, *save;
	size_t len;
	int argc = 0;

	argv[argc++] = xyl_path;
	argv[argc++] = "create";
	argv[argc++] = "-n";
	snprintf(cfg, cfg_len, "%s.cfg", name);
	argv[argc++] = cfg;
	snprintf(path, sizeof(path), "%s/%s.args", XYL_TEST_CONFIGS, name);
	*args_text = read_whole(path, &len);
	for (line = *args_text ? strtok_r(*args_text, "\n", &save) : NULL;
	     line && argc < MAX_ARGS - 1; line = strtok_r(NULL, "\n", &save))
		argv[argc++] = line;
	argv[argc] = NULL;
	return argc;
}

/* Run xyl with stderr into a pipe; returns its exit status. */
static int
run_capture(char **argv, char *out, size_t cap, size_t *len)
{
	int p[2], status;
	pid_t pid;
	ssize_t n;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null_fd = open("/dev/null", O_WRONLY);

		if (chdir(XYL_TEST_CONFIGS) < 0)
			_exit(126);
		dup2(null_fd, STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		setenv("XYLEM_RUNDIR", "/nonexistent/xyl-golden", 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	*len = 0;
	while ((n = read(p[0], out + *len, cap - 1 - *len)) > 0)
		*len += (size_t)n;
	out[*len] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "xyl died with a signal");
	return WEXITSTATUS(status);
}

START_TEST(test_golden)
{
	const char *name = cases[_i];
	char *argv[MAX_ARGS], cfg[PATH_MAX], err_path[PATH_MAX], *args_text;
	char got[1 << 16];
	size_t got_len, want_len;
	char *want;
	int rc;

	build_argv(name, argv, cfg, sizeof(cfg), &args_text);
	snprintf(err_path, sizeof(err_path), "%s/%s.err", XYL_TEST_CONFIGS,
		 name);
	want = read_whole(err_path, &want_len);
	ck_assert_ptr_nonnull(want);
	rc = run_capture(argv, got, sizeof(got), &got_len);
	ck_assert_msg(got_len == want_len && memcmp(got, want, got_len) == 0,
		      "%s: stderr differs.\n--- expected:\n%s--- got:\n%s",
		      name, want, got);
	ck_assert_msg(rc == expected_rc(name), "%s: exit %d, expected %d", name,
		      rc, expected_rc(name));
	free(want);
	free(args_text);
}
END_TEST

START_TEST(test_have_cases)
{
	ck_assert_msg(nr_cases >= 10, "only %d golden cases found in %s",
		      nr_cases, XYL_TEST_CONFIGS);
	ck_assert_msg(access(xyl_path, X_OK) == 0, "%s: %s", xyl_path,
		      strerror(errno));
}
END_TEST

static Suite *
golden_suite(void)
{
	Suite *s = suite_create("xyl_create_golden");
	TCase *tc = tcase_create("golden");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_have_cases);
	tcase_add_loop_test(tc, test_golden, 0, nr_cases);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	find_cases();
	find_xyl();
	sr = srunner_create(golden_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
