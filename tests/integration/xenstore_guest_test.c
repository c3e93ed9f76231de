/*
 * tests/integration/xenstore_guest_test.c: issue 3 end to end with real
 * guests: xylem-hv and xylem-xenstored in a private rundir, guests made by
 * `xyl create`.  The selftest guest reads and writes its own nodes, is
 * refused dom0's and a peer's, gets watch events, retries a conflicting
 * transaction and reconnects its ring (also after half a request);
 * `xyl shutdown` / `xyl reboot` go through control/shutdown; a guest
 * whose xenstored dies before it boots still runs (xenbus times out) and
 * `xyl shutdown` falls back to a hard shutdown; the schema checker passes
 * on the live tree, with a disk attached, and after teardown.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xenstore.h>

#include "guest.h"
#include "harness.h"
#include "proc.h"
#include "suite.h"

#define BOOT_TIMEOUT_MS 120000
#define CMD_TIMEOUT_MS	30000

static struct harness_hv hv;
static pid_t xs_pid = -1;
static char xyl[GUEST_PATH_MAX], guest[GUEST_PATH_MAX], check_bin[4096],
	sock_path[108];

/* xylem-xenstored in the foreground beside the harness's xylem-hv; it
 * dies with this process (Check may end a failed test abruptly). */
static void
xenstored_start(void)
{
	char bin[4096];

	ck_assert_int_eq(proc_bin_path("xylem-xenstored", bin, sizeof(bin)), 0);
	xs_pid = fork();
	ck_assert_int_ge(xs_pid, 0);
	if (xs_pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execl(bin, "xylem-xenstored", "--rundir", hv.rundir,
		      "--foreground", (char *)NULL);
		_exit(127);
	}
	snprintf(sock_path, sizeof(sock_path), "%s/xenstored/socket",
		 hv.rundir);
	ck_assert_int_eq(harness_wait_stream_socket(sock_path, 10000), 0);
	setenv("XENSTORED_PATH", sock_path, 1);
}

static void
xenstored_stop(int sig)
{
	if (xs_pid <= 0)
		return;
	kill(xs_pid, sig);
	waitpid(xs_pid, NULL, 0);
	xs_pid = -1;
}

static void
setup(void)
{
	ck_assert_int_eq(
		proc_bin_path("xylem-xs-check", check_bin, sizeof(check_bin)),
		0);
	guest_hv_start(&hv, xyl, guest);
	xenstored_start();
}

static void
teardown(void)
{
	xenstored_stop(SIGTERM);
	ck_assert_int_ge(harness_hv_stop(&hv), 0);
}

static char *
write_config(const char *name, const char *cmdline, const char *on_reboot)
{
	return guest_cfg_write(
		hv.rundir, name,
		"name = \"%s\"\ntype = \"pvh\"\nkernel = \"%s\"\n"
		"memory = 48\nvcpus = 1\ncmdline = \"%s\"\n"
		"on_poweroff = \"destroy\"\non_crash = \"destroy\"\n"
		"on_reboot = \"%s\"\n",
		name, guest, cmdline, on_reboot);
}

/* `xyl create <cfg> -c [-p]`, left running. */
static void
start_guest(struct proc *p, const char *name, const char *cmdline,
	    const char *on_reboot, int paused)
{
	char *cfg = write_config(name, cmdline, on_reboot);
	char *argv[] = {xyl, "create", cfg, "-c", paused ? "-p" : NULL, NULL};

	ck_assert_int_eq(proc_start(p, hv.rundir, argv), 0);
	free(cfg);
}

static void
wait_output(struct proc *p, const char *text, const char *name)
{
	int r = proc_wait_output(p, text, BOOT_TIMEOUT_MS);

	if (r)
		fprintf(stderr, "---- %s ----\n%s\n----\n", name, p->out);
	ck_assert_msg(r == 0, "%s: no \"%s\" (%d)", name, text, r);
}

/* Run xyl with up to three arguments; returns its exit code. */
static int
run_xyl(struct proc *p, const char *a, const char *b, const char *c)
{
	char *argv[] = {xyl, (char *)a, (char *)b, (char *)c, NULL};

	return proc_run(p, hv.rundir, argv, CMD_TIMEOUT_MS);
}

/* The schema checker on the live tree: must report 0 problems. */
static void
assert_schema_clean(const char *when)
{
	char *argv[] = {check_bin, "--rundir", hv.rundir, NULL};
	struct proc p;
	int rc = proc_run(&p, hv.rundir, argv, CMD_TIMEOUT_MS);

	if (rc != 0)
		fprintf(stderr, "---- xylem-xs-check %s ----\n%s----\n", when,
			p.out);
	ck_assert_msg(rc == 0, "xylem-xs-check %s: exit %d", when, rc);
	ck_assert_msg(strstr(p.out, " 0 problems"), "checker %s: %s", when,
		      p.out);
	proc_free(&p);
}

static int
domid_of(const char *name)
{
	struct proc p;
	int rc = run_xyl(&p, "domid", name, NULL), d = -1;

	if (rc == 0)
		d = atoi(p.out);
	proc_free(&p);
	return d;
}

static int
node_exists(const char *path)
{
	struct xs_handle *h = xs_open(0);
	unsigned int len;
	char *v;

	ck_assert_ptr_nonnull(h);
	v = xs_read(h, XBT_NULL, path, &len);
	free(v);
	xs_close(h);
	return v != NULL;
}

START_TEST(selftest_guest_uses_xenstore)
{
	struct proc peer, self, d;
	char cmdline[128], path[64];
	int peer_id, rc;

	start_guest(&peer, "peer", "app=idle", "destroy", 0);
	wait_output(&peer, "idle: touched 0 MiB", "peer");
	peer_id = domid_of("peer");
	ck_assert_int_gt(peer_id, 0);
	assert_schema_clean("with an idle guest");
	snprintf(cmdline, sizeof(cmdline),
		 "app=selftest xenstore=1 xs_peer=%d timer_slack_us=2000000",
		 peer_id);
	start_guest(&self, "self", cmdline, "destroy", 0);
	rc = proc_wait(&self, BOOT_TIMEOUT_MS);
	if (rc != 0 || proc_count(self.out, "FAIL") != 0) {
		fprintf(stderr, "---- self ----\n%s\n----\n", self.out);
		harness_hv_dump_log(&hv);
	}
	ck_assert_msg(rc == 0, "selftest: xyl create -c exited %d", rc);
	ck_assert_int_eq(proc_count(self.out, "FAIL"), 0);
	ck_assert_int_eq(proc_count(self.out, " passed, 0 failed"), 1);
	/* The xenstore checks ran, and these in particular. */
	ck_assert_int_eq(proc_count(self.out, "ok: xenstore connected"), 1);
	ck_assert_int_eq(proc_count(self.out, "ok: xenstore read the peer's "
					      "name"),
			 1);
	ck_assert_int_eq(proc_count(self.out, "ok: xenstore read dom0's name"),
			 1);
	ck_assert_int_eq(proc_count(self.out, "ok: xenstore watch event for "
					      "a write below"),
			 1);
	ck_assert_int_eq(proc_count(self.out, "ok: xenstore transaction "
					      "conflict"),
			 1);
	/* Ring reconnection (xenstore-ring.txt): watches and transactions
	 * dropped, nodes kept, half a request discarded. */
	ck_assert_int_eq(proc_count(self.out, "ok: xenstore reconnect: rc 0"),
			 1);
	ck_assert_int_eq(proc_count(self.out, "ok: xenstore reconnect: old "
					      "transaction id refused"),
			 1);
	ck_assert_int_eq(proc_count(self.out, "ok: xenstore reconnect drops "
					      "watches"),
			 1);
	ck_assert_int_eq(proc_count(self.out, "ok: xenstore reconnect: the "
					      "same watch set again fires"),
			 1);
	ck_assert_int_eq(proc_count(self.out, " bytes of a request: rc 0"), 2);
	proc_free(&self);
	/* The selftest guest is gone, and so are its nodes. */
	assert_schema_clean("after the selftest guest powered off");
	rc = run_xyl(&d, "destroy", "peer", NULL);
	ck_assert_msg(rc == 0, "xyl destroy: %s", d.out);
	proc_free(&d);
	proc_wait(&peer, CMD_TIMEOUT_MS);
	proc_free(&peer);
	snprintf(path, sizeof(path), "/local/domain/%d", peer_id);
	ck_assert_msg(!node_exists(path), "%s left after destroy", path);
	assert_schema_clean("after teardown");
}
END_TEST

START_TEST(shutdown_and_reboot_through_control)
{
	struct proc g, c;
	int rc;

	start_guest(&g, "downer", "app=idle", "destroy", 0);
	wait_output(&g, "idle: touched 0 MiB", "downer");
	rc = run_xyl(&c, "shutdown", "-w", "downer");
	ck_assert_msg(rc == 0, "xyl shutdown -w: %d: %s", rc, c.out);
	ck_assert_ptr_null(strstr(c.out, "PV control interface"));
	proc_free(&c);
	rc = proc_wait(&g, CMD_TIMEOUT_MS);
	ck_assert_msg(strstr(g.out, "control: poweroff requested"),
		      "guest did not see control/shutdown: %s", g.out);
	ck_assert_msg(rc == 0, "downer: xyl create -c exit %d (want 0)", rc);
	proc_free(&g);

	start_guest(&g, "rebooter", "app=idle", "destroy", 0);
	wait_output(&g, "idle: touched 0 MiB", "rebooter");
	rc = run_xyl(&c, "reboot", "rebooter", NULL);
	ck_assert_msg(rc == 0, "xyl reboot: %d: %s", rc, c.out);
	proc_free(&c);
	rc = proc_wait(&g, CMD_TIMEOUT_MS);
	ck_assert_msg(strstr(g.out, "control: reboot requested"),
		      "guest did not see control/shutdown: %s", g.out);
	ck_assert_msg(rc == 3,
		      "rebooter: xyl create -c exit %d (want 3, "
		      "rebooted)",
		      rc);
	proc_free(&g);
	assert_schema_clean("after shutdown and reboot");
}
END_TEST

/* Wait until xyl create has introduced name to xenstored (it sets
 * STORE_EVTCHN right after); returns its domid. */
static int
wait_introduced(const char *name)
{
	struct xs_handle *h = xs_open(0);
	int d = -1;

	ck_assert_ptr_nonnull(h);
	for (int i = 0; i < 1000; i++) {
		d = domid_of(name);
		if (d > 0 && xs_is_domain_introduced(h, (unsigned int)d))
			break;
		usleep(20000);
	}
	xs_close(h);
	usleep(300000);
	return d;
}

/* xenstored dies after the domains were introduced, before they run: the
 * guests' xenbus init times out, their apps still run, and `xyl shutdown`
 * falls back to the hypervisor. */
START_TEST(silent_xenstored_does_not_hang_the_guest)
{
	struct proc lonely, hard, c;
	int rc;

	start_guest(&lonely, "lonely", "app=selftest timer_slack_us=2000000",
		    "destroy", 1);
	start_guest(&hard, "hard", "app=idle", "destroy", 1);
	ck_assert_int_gt(wait_introduced("lonely"), 0);
	ck_assert_int_gt(wait_introduced("hard"), 0);
	xenstored_stop(SIGKILL);
	rc = run_xyl(&c, "unpause", "lonely", NULL);
	ck_assert_msg(rc == 0, "xyl unpause: %s", c.out);
	proc_free(&c);
	rc = run_xyl(&c, "unpause", "hard", NULL);
	ck_assert_msg(rc == 0, "xyl unpause: %s", c.out);
	proc_free(&c);
	rc = proc_wait(&lonely, BOOT_TIMEOUT_MS);
	if (rc != 0)
		fprintf(stderr, "---- lonely ----\n%s\n----\n", lonely.out);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(proc_count(lonely.out, "xenstore checks skipped"), 1);
	/* It offered reconnection before it died: the wait is bounded. */
	ck_assert_int_eq(proc_count(lonely.out, "ok: xenstore reconnect "
						"without a daemon: rc -110"),
			 1);
	ck_assert_int_eq(proc_count(lonely.out, " passed, 0 failed"), 1);
	proc_free(&lonely);

	wait_output(&hard, "idle: touched 0 MiB", "hard");
	rc = run_xyl(&c, "shutdown", "-w", "hard");
	ck_assert_msg(rc == 0, "xyl shutdown: %s", c.out);
	ck_assert_msg(strstr(c.out, "PV control interface not available"),
		      "no fallback message: %s", c.out);
	proc_free(&c);
	ck_assert_int_eq(proc_wait(&hard, CMD_TIMEOUT_MS), 0);
	proc_free(&hard);
}
END_TEST

/* xylem-blkback beside them, dying with this process; its pid. */
static pid_t
blkback_start(void)
{
	char bin[4096], pidfile[256];
	pid_t pid;

	ck_assert_int_eq(proc_bin_path("xylem-blkback", bin, sizeof(bin)), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execl(bin, "xylem-blkback", "--rundir", hv.rundir,
		      (char *)NULL);
		_exit(127);
	}
	snprintf(pidfile, sizeof(pidfile), "%s/xylem-blkback.pid", hv.rundir);
	for (int i = 0; i < 500 && access(pidfile, F_OK) != 0; i++)
		usleep(20000);
	ck_assert_msg(access(pidfile, F_OK) == 0, "xylem-blkback not ready");
	return pid;
}

/* A disk attached to a running guest (backend and frontend nodes from
 * xyl, blkback's features): the tree still fits the schema, and destroy
 * leaves no backend node behind. */
START_TEST(schema_after_device_connect)
{
	struct proc g, c;
	char img[256], spec[512];
	pid_t blk = blkback_start();
	int rc, fd;

	snprintf(img, sizeof(img), "%s/disk.img", hv.rundir);
	fd = open(img, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 8 << 20), 0);
	close(fd);
	start_guest(&g, "disky", "app=idle", "destroy", 0);
	wait_output(&g, "idle: touched 0 MiB", "disky");
	snprintf(spec, sizeof(spec),
		 "format=raw, vdev=xvdb, access=rw, target=%s", img);
	rc = run_xyl(&c, "block-attach", "disky", spec);
	ck_assert_msg(rc == 0, "xyl block-attach: %d: %s", rc, c.out);
	proc_free(&c);
	assert_schema_clean("after block-attach");
	rc = run_xyl(&c, "destroy", "disky", NULL);
	ck_assert_msg(rc == 0, "xyl destroy: %s", c.out);
	proc_free(&c);
	proc_wait(&g, CMD_TIMEOUT_MS);
	proc_free(&g);
	assert_schema_clean("after destroying the disk's guest");
	kill(blk, SIGTERM);
	waitpid(blk, NULL, 0);
}
END_TEST

static Suite *
xenstore_guest_suite(void)
{
	Suite *s = suite_create("xenstore_guest");
	TCase *tc = tcase_create("guests");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, selftest_guest_uses_xenstore);
	tcase_add_test(tc, shutdown_and_reboot_through_control);
	tcase_add_test(tc, silent_xenstored_does_not_hang_the_guest);
	tcase_add_test(tc, schema_after_device_connect);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return suite_main("xenstore_guest_test", xenstore_guest_suite);
}
