/*
 * tests/integration/console_test.c: xylem-consoled with real guests: type
 * a line into app=echo through `xyl console` (a pipe, no tty) and read
 * the echo, the log file, quit → poweroff; `xyl create -c` through
 * consoled is loss-free; and a guest whose ring indices dom0 corrupts
 * loses only its own ring while consoled keeps serving another guest; a
 * restarted consoled takes the running guests' rings over.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/io/console.h>

#include "guest.h"
#include "harness.h"
#include "proc.h"
#include "suite.h"
#include "xylctl.h"

#define BOOT_TIMEOUT_MS 120000
#define STEP_TIMEOUT_MS 60000

static struct harness_hv hv;
static char xyl[GUEST_PATH_MAX], guest[GUEST_PATH_MAX], consoled_bin[4096],
	consoled_log[256];
static pid_t consoled_pid = -1;

static void
consoled_start(void)
{
	char pidfile[256];
	int waited;

	snprintf(consoled_log, sizeof(consoled_log), "%s/consoled.log",
		 hv.rundir);
	snprintf(pidfile, sizeof(pidfile), "%s/xylem-consoled.pid", hv.rundir);
	consoled_pid = fork();
	ck_assert_int_ge(consoled_pid, 0);
	if (consoled_pid == 0) {
		int fd =
			open(consoled_log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		dup2(fd, 1);
		dup2(fd, 2);
		execl(consoled_bin, "xylem-consoled", "--rundir", hv.rundir,
		      "-v", (char *)NULL);
		_exit(127);
	}
	for (waited = 0; waited < 10000; waited += 20) {
		if (atoi(harness_read_file(pidfile)) == consoled_pid)
			return;
		usleep(20000);
	}
	ck_abort_msg("xylem-consoled did not start: %s",
		     harness_read_file(consoled_log));
}

static int
consoled_alive(void)
{
	return consoled_pid > 0 && waitpid(consoled_pid, NULL, WNOHANG) == 0;
}

static void
setup(void)
{
	ck_assert_int_eq(proc_bin_path("xylem-consoled", consoled_bin,
				       sizeof(consoled_bin)),
			 0);
	guest_hv_start(&hv, xyl, guest);
	consoled_start();
}

static void
teardown(void)
{
	if (consoled_pid > 0) {
		kill(consoled_pid, SIGTERM);
		waitpid(consoled_pid, NULL, 0);
		consoled_pid = -1;
	}
	harness_hv_stop(&hv);
}

static char *
write_config(const char *name, const char *cmdline)
{
	return guest_cfg_write(
		hv.rundir, name,
		"name = \"%s\"\ntype = \"pvh\"\nkernel = \"%s\"\n"
		"memory = 32\nvcpus = 1\ncmdline = \"%s\"\n"
		"on_poweroff = \"destroy\"\non_crash = \"destroy\"\n",
		name, guest, cmdline);
}

/* `xyl create <cfg>` (detached: a monitor does the life cycle). */
static void
create_detached(const char *name, const char *cmdline)
{
	char *cfg = write_config(name, cmdline);
	char *argv[] = {xyl, "create", cfg, NULL};
	struct proc p;
	int rc = proc_run(&p, hv.rundir, argv, BOOT_TIMEOUT_MS);

	ck_assert_msg(rc == 0, "xyl create %s: exit %d: %s", name, rc, p.out);
	proc_free(&p);
	free(cfg);
}

/* Start argv with a pipe on its stdin (*in_fd) and its output captured in
 * p, as proc_start does. */
static void
start_with_stdin(struct proc *p, char *const argv[], int *in_fd)
{
	int in[2], out[2];

	memset(p, 0, sizeof(*p));
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	p->pid = fork();
	ck_assert_int_ge(p->pid, 0);
	if (p->pid == 0) {
		setpgid(0, 0);
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		setenv("XYLEM_RUNDIR", hv.rundir, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	p->out_fd = out[0];
	p->out = calloc(1, 1);
	*in_fd = in[1];
}

static void
type_line(int fd, const char *line)
{
	size_t len = strlen(line);

	ck_assert_int_eq(write(fd, line, len), (ssize_t)len);
}

static void
expect(struct proc *p, const char *text)
{
	int rc = proc_wait_output(p, text, STEP_TIMEOUT_MS);

	if (rc != 0) {
		fprintf(stderr,
			"---- output ----\n%s\n---- consoled ----\n%s\n",
			p->out, harness_read_file(consoled_log));
		harness_hv_dump_log(&hv);
	}
	ck_assert_msg(rc == 0, "'%s' did not show (%s)", text, strerror(-rc));
}

/* The domain is gone (poweroff + on_poweroff=destroy). */
static void
expect_gone(const char *name)
{
	struct xylctl *c;
	xyl_domid_t domid;
	int waited;

	ck_assert_int_eq(xylctl_open(hv.rundir, &c), 0);
	for (waited = 0; waited < STEP_TIMEOUT_MS; waited += 50) {
		if (xylctl_domain_lookup(c, name, &domid) == -ESRCH)
			break;
		usleep(50000);
	}
	xylctl_close(c);
	ck_assert_msg(waited < STEP_TIMEOUT_MS, "%s did not go away", name);
}

START_TEST(echo_through_xyl_console)
{
	char *argv[] = {xyl, "console", "echo1", NULL};
	char log[256];
	struct proc p;
	int in_fd, rc;

	create_detached("echo1", "app=echo");
	start_with_stdin(&p, argv, &in_fd);
	expect(&p, "echo: ready");
	type_line(in_fd, "hello xylem\n");
	expect(&p, "echo: hello xylem");
	snprintf(log, sizeof(log), "%s/console/echo1.log", hv.rundir);
	ck_assert_msg(strstr(harness_read_file(log), "echo: hello xylem"),
		      "log %s lacks the echo: %s", log, harness_read_file(log));
	type_line(in_fd, "quit\n");
	close(in_fd);
	rc = proc_wait(&p, STEP_TIMEOUT_MS);
	ck_assert_msg(rc == 0, "xyl console exit %d: %s", rc, p.out);
	ck_assert_msg(strstr(p.out, "echo: bye"), "no bye: %s", p.out);
	proc_free(&p);
	expect_gone("echo1");
	ck_assert(consoled_alive());
}
END_TEST

START_TEST(create_c_is_loss_free)
{
	char *cfg = write_config("st1", "app=selftest timer_slack_us=2000000");
	char *argv[] = {xyl, "create", "-c", cfg, NULL};
	char log[256];
	const char *logged;
	struct proc p;
	int rc;

	int in_fd;

	/* stdin at its end at once: output must still all come. */
	start_with_stdin(&p, argv, &in_fd);
	close(in_fd);
	rc = proc_wait(&p, BOOT_TIMEOUT_MS);
	/* The console is too long for a Check message: show it on stderr. */
	if (rc != 0 || proc_count(p.out, " passed, 0 failed") != 1)
		fprintf(stderr, "---- xyl create -c st1 ----\n%s\n----\n",
			p.out);
	ck_assert_msg(rc == 0, "xyl create -c exit %d", rc);
	ck_assert_msg(proc_count(p.out, " passed, 0 failed") == 1,
		      "no summary line");
	snprintf(log, sizeof(log), "%s/console/st1.log", hv.rundir);
	logged = harness_read_file(log);
	ck_assert_msg(proc_count(logged, "ok: ") > 50, "log: %s", logged);
	/* Every line the guest logged reached xyl's stdout too. */
	ck_assert_int_eq(proc_count(p.out, "ok: "), proc_count(logged, "ok: "));
	proc_free(&p);
	free(cfg);
}
END_TEST

/* Scribble on a guest's console ring indices from dom0. */
static void
corrupt_ring(const char *name)
{
	struct xylctl_guest_mem mem;
	struct xencons_interface *intf;
	struct xylctl *c;
	xyl_domid_t domid;

	ck_assert_int_eq(xylctl_open(hv.rundir, &c), 0);
	ck_assert_int_eq(xylctl_domain_lookup(c, name, &domid), 0);
	ck_assert_int_eq(xylctl_map_guest(c, domid, &mem), 0);
	intf = xylctl_gpa(&mem, mem.layout.console_gfn << 12, 4096);
	ck_assert_ptr_nonnull(intf);
	intf->in_cons = 0xdeadbeef;
	intf->in_prod = 0x12345678;
	intf->out_cons = 0xfeedface;
	intf->out_prod = 0x0badf00d;
	xylctl_unmap_guest(&mem);
	xylctl_close(c);
}

START_TEST(corrupt_ring_spares_consoled_and_others)
{
	char *argv_b[] = {xyl, "console", "good", NULL};
	struct proc a, b;
	int in_a, in_b, waited, rc;
	char *argv_a[] = {xyl, "console", "bad", NULL};

	create_detached("bad", "app=echo");
	create_detached("good", "app=echo");
	start_with_stdin(&a, argv_a, &in_a);
	expect(&a, "echo: ready");
	corrupt_ring("bad");
	type_line(in_a, "are you there\n");
	for (waited = 0; waited < STEP_TIMEOUT_MS; waited += 50) {
		if (strstr(harness_read_file(consoled_log),
			   "console ring broken"))
			break;
		usleep(50000);
	}
	ck_assert_msg(waited < STEP_TIMEOUT_MS, "no 'broken' line: %s",
		      harness_read_file(consoled_log));
	ck_assert_msg(consoled_alive(), "xylem-consoled died");
	/* The other guest is served as before. */
	start_with_stdin(&b, argv_b, &in_b);
	expect(&b, "echo: ready");
	type_line(in_b, "still here\n");
	expect(&b, "echo: still here");
	type_line(in_b, "quit\n");
	close(in_b);
	rc = proc_wait(&b, STEP_TIMEOUT_MS);
	ck_assert_msg(rc == 0, "xyl console good: exit %d: %s", rc, b.out);
	proc_free(&b);
	expect_gone("good");
	/* And a later guest too. */
	create_detached("later", "app=echo");
	start_with_stdin(&b, (char *[]){xyl, "console", "later", NULL}, &in_b);
	expect(&b, "echo: ready");
	type_line(in_b, "quit\n");
	close(in_b);
	ck_assert_int_eq(proc_wait(&b, STEP_TIMEOUT_MS), 0);
	proc_free(&b);
	ck_assert(consoled_alive());
	close(in_a);
	kill(-a.pid, SIGTERM);
	proc_wait(&a, 5000);
	proc_free(&a);
}
END_TEST

START_TEST(consoled_restart_resumes)
{
	char *argv[] = {xyl, "console", "phoenix", NULL};
	struct proc p;
	int in_fd, rc;

	create_detached("phoenix", "app=echo");
	start_with_stdin(&p, argv, &in_fd);
	expect(&p, "echo: ready");
	close(in_fd);
	kill(consoled_pid, SIGTERM);
	waitpid(consoled_pid, NULL, 0);
	consoled_pid = -1;
	/* The pty went with consoled: xyl console ends. */
	ck_assert_int_eq(proc_wait(&p, STEP_TIMEOUT_MS), 0);
	proc_free(&p);
	consoled_start();
	start_with_stdin(&p, argv, &in_fd);
	type_line(in_fd, "again\n");
	expect(&p, "echo: again");
	type_line(in_fd, "quit\n");
	close(in_fd);
	rc = proc_wait(&p, STEP_TIMEOUT_MS);
	ck_assert_msg(rc == 0, "xyl console exit %d: %s", rc, p.out);
	proc_free(&p);
	expect_gone("phoenix");
}
END_TEST

static Suite *
console_suite(void)
{
	Suite *s = suite_create("console");
	TCase *tc = tcase_create("consoled");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, echo_through_xyl_console);
	tcase_add_test(tc, create_c_is_loss_free);
	tcase_add_test(tc, corrupt_ring_spares_consoled_and_others);
	tcase_add_test(tc, consoled_restart_resumes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return suite_main("console_test", console_suite);
}
