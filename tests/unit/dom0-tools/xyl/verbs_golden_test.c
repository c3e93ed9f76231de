/*
 * tests/unit/dom0-tools/xyl/verbs_golden_test.c: golden-output tests of
 * xyl's verbs that need no hypervisor: usage and argument errors, the
 * "not running" paths, and the config corpus round trips (`create -n` of
 * xl.cfg files with xl's quirks, printed as JSON).  For each
 * tests/unit/dom0-tools/verbs/<n>.cmd (one argument per line) it runs xyl
 * in that directory and compares stdout with <n>.out (if present), stderr
 * with <n>.err and the exit status with <n>.rc (default 1).  "@DIR@" in
 * the expected text stands for that directory.  XYL_GOLDEN_UPDATE=1
 * rewrites .out/.err from what xyl printed (review the diff!).
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef XYL_TEST_VERBS
#error "XYL_TEST_VERBS must name tests/unit/dom0-tools/verbs"
#endif
#ifndef XYL_SYSTEMD_DIR
#error "XYL_SYSTEMD_DIR must name dom0-tools/systemd"
#endif
#ifndef XYL_MAN_PAGE
#error "XYL_MAN_PAGE must name docs/man/xyl.1"
#endif

#define MAX_CASES 256
#define MAX_ARGS  32
#define OUT_MAX	  (1 << 16)

static char *cases[MAX_CASES];
static int nr_cases;
static char xyl_path[PATH_MAX];

static int
case_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
find_cases(void)
{
	DIR *d = opendir(XYL_TEST_VERBS);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) && nr_cases < MAX_CASES) {
		size_t len = strlen(de->d_name);

		if (len > 4 && strcmp(de->d_name + len - 4, ".cmd") == 0)
			cases[nr_cases++] = strndup(de->d_name, len - 4);
	}
	closedir(d);
	qsort(cases, (size_t)nr_cases, sizeof(cases[0]), case_cmp);
}

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

/* The file's text, or NULL if it does not exist. */
static char *
slurp(const char *name, const char *ext)
{
	char path[PATH_MAX];
	char *buf;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s%s", XYL_TEST_VERBS, name, ext);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	buf = malloc(OUT_MAX);
	ck_assert_ptr_nonnull(buf);
	n = fread(buf, 1, OUT_MAX - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
spit(const char *name, const char *ext, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s%s", XYL_TEST_VERBS, name, ext);
	f = fopen(path, "we");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* Replace every occurrence of the test directory with "@DIR@". */
static void
mask_dir(char *s)
{
	const char *dir = XYL_TEST_VERBS;
	size_t dlen = strlen(dir);
	char *p;

	while ((p = strstr(s, dir))) {
		memcpy(p, "@DIR@", 5);
		memmove(p + 5, p + dlen, strlen(p + dlen) + 1);
	}
}

/* Read both pipes until they close. */
static void
collect(int out_fd, int err_fd, char *out, char *err)
{
	size_t lens[2] = {0, 0};
	char *bufs[2] = {out, err};
	struct pollfd p[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
	int open_fds = 2, i;

	while (open_fds > 0) {
		ck_assert_int_ge(poll(p, 2, 20000), 1);
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (p[i].fd < 0 || !p[i].revents)
				continue;
			n = read(p[i].fd, bufs[i] + lens[i],
				 OUT_MAX - 1 - lens[i]);
			if (n <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				open_fds--;
			} else {
				lens[i] += (size_t)n;
			}
		}
	}
	out[lens[0]] = '\0';
	err[lens[1]] = '\0';
}

static int
run(char **argv, char *out, char *err)
{
	int po[2], pe[2], status;
	pid_t pid;

	ck_assert_int_eq(pipe(po), 0);
	ck_assert_int_eq(pipe(pe), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (chdir(XYL_TEST_VERBS) < 0)
			_exit(126);
		dup2(po[1], STDOUT_FILENO);
		dup2(pe[1], STDERR_FILENO);
		close(po[0]);
		close(pe[0]);
		setenv("XYLEM_RUNDIR", "/nonexistent/xyl-golden", 1);
		setenv("XYLEM_HOOKS_DIR", "/nonexistent/xyl-golden-hooks", 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	collect(po[0], pe[0], out, err);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "xyl died with a signal");
	return WEXITSTATUS(status);
}

START_TEST(test_verb)
{
	const char *name = cases[_i];
	char *cmd = slurp(name, ".cmd"), *want_out = slurp(name, ".out");
	char *want_err = slurp(name, ".err"), *want_rc = slurp(name, ".rc");
	char *argv[MAX_ARGS], *line, *save, *out, *err;
	int argc = 0, rc;

	ck_assert_ptr_nonnull(cmd);
	argv[argc++] = xyl_path;
	for (line = strtok_r(cmd, "\n", &save); line && argc < MAX_ARGS - 1;
	     line = strtok_r(NULL, "\n", &save))
		argv[argc++] = line;
	argv[argc] = NULL;
	out = malloc(OUT_MAX);
	err = malloc(OUT_MAX);
	ck_assert(out && err);
	rc = run(argv, out, err);
	mask_dir(out);
	mask_dir(err);
	if (getenv("XYL_GOLDEN_UPDATE")) {
		if (want_out || out[0])
			spit(name, ".out", out);
		spit(name, ".err", err);
	} else {
		ck_assert_msg(want_err, "%s: no .err file", name);
		ck_assert_msg(strcmp(err, want_err) == 0,
			      "%s: stderr differs.\n--- expected:\n%s--- "
			      "got:\n%s",
			      name, want_err, err);
		ck_assert_msg(!want_out || strcmp(out, want_out) == 0,
			      "%s: stdout differs.\n--- expected:\n%s--- "
			      "got:\n%s",
			      name, want_out, out);
	}
	ck_assert_msg(rc == (want_rc ? atoi(want_rc) : 1),
		      "%s: exit %d, expected %d", name, rc,
		      want_rc ? atoi(want_rc) : 1);
	free(out);
	free(err);
	free(cmd);
	free(want_out);
	free(want_err);
	free(want_rc);
}
END_TEST

/* Does the man page have an entry for verb?  Headings write a verb as
 * ".BI \"verb ...", ".B verb", or ", verb " when one entry has several. */
static bool
man_has_verb(const char *man, const char *verb)
{
	static const char *const forms[] = {"\"%s ", "\"%s\"", ", %s ",
					    ".B %s\n"};
	char esc[128], want[160];
	size_t i, j = 0;

	for (i = 0; verb[i] && j < sizeof(esc) - 3; i++) {
		if (verb[i] == '-')
			esc[j++] = '\\';
		esc[j++] = verb[i];
	}
	esc[j] = '\0';
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		snprintf(want, sizeof(want), forms[i], esc);
		if (strstr(man, want))
			return true;
	}
	return false;
}

/* Every verb `xyl help` lists has an entry in xyl(1). */
START_TEST(test_man_covers_verbs)
{
	char *argv[] = {xyl_path, "help", NULL}, *out = malloc(OUT_MAX);
	char *err = malloc(OUT_MAX), *man, *line, *save, verb[64];
	char missing[1024] = "";
	FILE *f = fopen(XYL_MAN_PAGE, "re");
	size_t n;
	bool in_verbs = false;

	ck_assert(out && err && f);
	man = calloc(1, OUT_MAX * 2);
	ck_assert_ptr_nonnull(man);
	n = fread(man, 1, OUT_MAX * 2 - 1, f);
	man[n] = '\0';
	fclose(f);
	ck_assert_int_eq(run(argv, out, err), 0);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, "Verbs:") == 0) {
			in_verbs = true;
			continue;
		}
		if (!in_verbs || line[0] != ' ' ||
		    sscanf(line, " %63s", verb) != 1)
			continue;
		if (!man_has_verb(man, verb) &&
		    strlen(missing) + strlen(verb) + 2 < sizeof(missing)) {
			strcat(missing, " ");
			strcat(missing, verb);
		}
	}
	ck_assert_msg(!missing[0], "verbs without an entry in %s:%s",
		      XYL_MAN_PAGE, missing);
	free(man);
	free(out);
	free(err);
}
END_TEST

/* The systemd units pass `systemd-analyze verify` without a complaint.
 * @SBINDIR@ points at stand-in executables (verify checks ExecStart's
 * program exists), so the test needs no daemon built. */
START_TEST(test_systemd_units_verify)
{
	char tmp[] = "/tmp/xyl-units-XXXXXX", cmd[PATH_MAX * 4];
	char *err = malloc(OUT_MAX);
	size_t n = 0;
	FILE *f;
	int rc;

	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(cmd, sizeof(cmd),
		 "set -e; mkdir %s/sbin; for u in %s/*.in; do "
		 "n=$(basename $u .in); p=${n%%.service}; "
		 "printf '#!/bin/sh\\n' > %s/sbin/$p; chmod 755 %s/sbin/$p; "
		 "sed 's|@SBINDIR@|%s/sbin|g' $u > %s/$n; done; "
		 "cp %s/*.target %s/; "
		 "systemd-analyze verify --man=no %s/*.service %s/*.target "
		 "> %s/verify.out 2>&1",
		 tmp, XYL_SYSTEMD_DIR, tmp, tmp, tmp, tmp, XYL_SYSTEMD_DIR, tmp,
		 tmp, tmp, tmp);
	rc = system(cmd);
	snprintf(cmd, sizeof(cmd), "%s/verify.out", tmp);
	f = fopen(cmd, "re");
	if (f) {
		n = fread(err, 1, OUT_MAX - 1, f);
		fclose(f);
	}
	err[n] = '\0';
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_msg(rc == 0 && err[0] == '\0',
		      "systemd-analyze verify (status %d):\n%s", rc, err);
	free(err);
}
END_TEST

START_TEST(test_have_cases)
{
	ck_assert_msg(nr_cases >= 10, "only %d cases in %s", nr_cases,
		      XYL_TEST_VERBS);
	ck_assert_msg(access(xyl_path, X_OK) == 0, "%s: %s", xyl_path,
		      strerror(errno));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("xyl_verbs_golden");
	TCase *tc = tcase_create("golden");
	SRunner *sr;
	int failed;

	find_cases();
	find_xyl();
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_have_cases);
	tcase_add_test(tc, test_man_covers_verbs);
	tcase_add_test(tc, test_systemd_units_verify);
	tcase_add_loop_test(tc, test_verb, 0, nr_cases);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
