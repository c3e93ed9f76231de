/*
 * tests/integration/netback_test.c: xylem-netback with real guests, all
 * traffic inside a network namespace this test makes (bridge xenbr0 with
 * 10.99.0.1/24, TAP devices made there by a netback started in it through
 * `ip netns exec ... xyl host start`); addresses 10.99.0.0/24 only.  The
 * host pings a guest and exchanges UDP with it; guests ping each other and
 * exchange UDP; a vif is attached to and detached from a running guest;
 * netback is killed with -9 and restarted (vifs come back, no reboot); a
 * hostile frontend's malformed requests are dropped and counted and its
 * vif closed while the others keep talking.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "proc.h"

#define STEP_TIMEOUT_MS 60000
#define IP_BIN		"/usr/sbin/ip"

static struct harness_hv hv;
static char xyl[4096], guest[4096], scripts[PATH_MAX + 32], ns[32];

static void
nap_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

static char *
read_file(const char *path)
{
	static char buf[1 << 18];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Run argv (argv[0] a path) with XYLEM_RUNDIR; exit code, output in
 * *out (malloc'd) if out. */
static int
run(char *const argv[], char **out)
{
	struct proc p;
	int rc = proc_run(&p, hv.rundir, argv, STEP_TIMEOUT_MS);

	if (out)
		*out = strdup(p.out ? p.out : "");
	else if (rc != 0)
		fprintf(stderr, "netback_test: %s %s: exit %d: %s\n", argv[0],
			argv[1] ? argv[1] : "", rc, p.out);
	proc_free(&p);
	return rc;
}

/* `ip netns exec <ns> <argv...>` */
static int
run_in_ns(const char *const *args, char **out)
{
	char *argv[16] = {IP_BIN, "netns", "exec", ns};
	int i = 4;

	for (; *args && i < 15; args++)
		argv[i++] = (char *)*args;
	argv[i] = NULL;
	return run(argv, out);
}

static int
ns_ip(const char *a, const char *b, const char *c, const char *d, const char *e,
      const char *f)
{
	const char *args[] = {IP_BIN, a, b, c, d, e, f, NULL};

	return run_in_ns(args, NULL);
}

static char *
write_config(const char *name, const char *cmdline, const char *vif)
{
	char *path;
	FILE *f;

	ck_assert(asprintf(&path, "%s/%s.cfg", hv.rundir, name) > 0);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
		"name = \"%s\"\ntype = \"pvh\"\nkernel = \"%s\"\n"
		"memory = 32\nvcpus = 1\ncmdline = \"%s\"\n"
		"on_poweroff = \"destroy\"\non_crash = \"preserve\"\n",
		name, guest, cmdline);
	if (vif)
		fprintf(f, "vif = [ '%s' ]\n", vif);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

static void
create(const char *name, const char *cmdline, const char *vif)
{
	char *cfg = write_config(name, cmdline, vif);
	char *argv[] = {xyl, "create", cfg, NULL};

	ck_assert_msg(run(argv, NULL) == 0, "xyl create %s failed", name);
	free(cfg);
}

static const char *
console_log(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/console/%s.log", hv.rundir, name);
	return read_file(path);
}

/* Wait until the guest's console log holds text. */
static void
expect_console(const char *name, const char *text)
{
	for (int waited = 0; waited < STEP_TIMEOUT_MS; waited += 100) {
		if (strstr(console_log(name), text))
			return;
		nap_ms(100);
	}
	char nb_log[512];

	fprintf(stderr, "---- %s ----\n%s\n", name, console_log(name));
	snprintf(nb_log, sizeof(nb_log), "%s/xylem-netback.log", hv.rundir);
	fprintf(stderr, "---- netback ----\n%s\n", read_file(nb_log));
	ck_abort_msg("%s: '%s' did not show", name, text);
}

/* Linux's own ping from inside the namespace: 0 when all answered. */
static int
host_ping(const char *ip, const char *count)
{
	const char *args[] = {"/usr/bin/ping", "-c", count, "-W", "2", "-i",
			      "0.2",	       ip,   NULL};

	return run_in_ns(args, NULL);
}

/* Ping until one answer comes (a vif that is still connecting), up to
 * tries seconds. */
static int
host_ping_eventually(const char *ip, int tries)
{
	for (int i = 0; i < tries; i++) {
		const char *args[] = {
			"/usr/bin/ping", "-c", "1", "-W", "1", ip, NULL};

		char *out = NULL;
		int rc = run_in_ns(args, &out);

		free(out);
		if (rc == 0)
			return 0;
	}
	return -1;
}

/* The host's UDP program: in a child that enters the namespace, send n
 * datagrams to ip:port and count the echoes.  Returns the count. */
static int
host_udp_echo(const char *ip, int port, int n)
{
	char path[128];
	int status;
	pid_t pid;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sockaddr_in sa = {.sin_family = AF_INET,
					 .sin_port = htons((uint16_t)port)};
		int fd = open(path, O_RDONLY | O_CLOEXEC), s, got = 0;

		if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
			_exit(255);
		inet_pton(AF_INET, ip, &sa.sin_addr);
		s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)))
			_exit(254);
		for (int i = 0; i < n; i++) {
			char msg[64], back[128];

			snprintf(msg, sizeof(msg), "xylem host datagram %d", i);
			for (int tries = 0; tries < 3; tries++) {
				struct pollfd pf = {.fd = s, .events = POLLIN};
				ssize_t r;

				if (send(s, msg, strlen(msg), 0) < 0)
					continue;
				if (poll(&pf, 1, 2000) != 1)
					continue;
				r = recv(s, back, sizeof(back), 0);
				if (r == (ssize_t)strlen(msg) &&
				    !memcmp(back, msg, (size_t)r)) {
					got++;
					break;
				}
			}
		}
		_exit(got);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static pid_t
netback_pid(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/xylem-netback.pid", hv.rundir);
	return (pid_t)atoi(read_file(path));
}

static void
host_start(void)
{
	const char *args[] = {xyl, "host", "start", NULL};

	ck_assert_msg(run_in_ns(args, NULL) == 0, "xyl host start failed");
}

static void
setup(void)
{
	char root[PATH_MAX];

	ck_assert_int_eq(proc_bin_path("xyl", xyl, sizeof(xyl)), 0);
	ck_assert_int_eq(proc_guest_path(guest, sizeof(guest)), 0);
	ck_assert_int_eq(harness_build_path("..", root, sizeof(root)), 0);
	snprintf(scripts, sizeof(scripts), "%s/dom0-tools/hotplug", root);
	setenv("XYLEM_SCRIPTS_DIR", scripts, 1);
	ck_assert_int_eq(harness_hv_start(&hv, NULL, 10000), 0);
	snprintf(ns, sizeof(ns), "xylnt%d", (int)getpid());
	{
		char *argv[] = {IP_BIN, "netns", "add", ns, NULL};

		ck_assert_int_eq(run(argv, NULL), 0);
	}
	ck_assert_int_eq(ns_ip("link", "set", "lo", "up", NULL, NULL), 0);
	ck_assert_int_eq(ns_ip("link", "add", "xenbr0", "type", "bridge", NULL),
			 0);
	ck_assert_int_eq(ns_ip("link", "set", "xenbr0", "up", NULL, NULL), 0);
	ck_assert_int_eq(
		ns_ip("addr", "add", "10.99.0.1/24", "dev", "xenbr0", NULL), 0);
	host_start();
	create("echo1", "app=netecho ip=10.99.0.2/24",
	       "mac=00:16:3e:99:00:02,bridge=xenbr0");
	expect_console("echo1", "netecho: ready on 10.99.0.2");
}

static void
teardown(void)
{
	char *stop[] = {xyl, "host", "stop", NULL};
	char *del[] = {IP_BIN, "netns", "del", ns, NULL};

	run(stop, NULL);
	harness_hv_stop(&hv);
	if (ns[0])
		run(del, NULL);
}

START_TEST(host_pings_guest)
{
	ck_assert_msg(host_ping("10.99.0.2", "3") == 0,
		      "ping 10.99.0.2 from the host failed");
}
END_TEST

START_TEST(host_udp_echo_through_guest)
{
	int got = host_udp_echo("10.99.0.2", 7, 20);

	ck_assert_msg(got == 20, "%d of 20 datagrams echoed", got);
}
END_TEST

START_TEST(guests_ping_and_udp_each_other)
{
	create("pinger",
	       "app=netbench mode=ping dst=10.99.0.2 count=3 "
	       "ip=10.99.0.3/24",
	       "bridge=xenbr0");
	create("udper",
	       "app=netbench mode=udpping dst=10.99.0.2 count=5 "
	       "ip=10.99.0.4/24",
	       "bridge=xenbr0");
	expect_console("pinger", "netbench: ping 3/3 ok");
	expect_console("udper", "netbench: udp echo 5/5 ok");
}
END_TEST

START_TEST(attach_and_detach_on_running_guest)
{
	char *argv_att[] = {xyl,
			    "network-attach",
			    "late",
			    "bridge=xenbr0",
			    "mac=00:16:3e:99:00:05",
			    NULL};
	char *argv_det[] = {xyl, "network-detach", "late", "00:16:3e:99:00:05",
			    NULL};
	char *argv_dom[] = {xyl, "domid", "late", NULL};
	char *out = NULL, ifname[32];
	const char *show[] = {IP_BIN, "link", "show", ifname, NULL};
	int gone = 0;

	create("late", "app=netecho ip=10.99.0.5/24 wait_vif=120", NULL);
	ck_assert_int_eq(run(argv_dom, &out), 0);
	snprintf(ifname, sizeof(ifname), "vif%d.0", atoi(out));
	free(out);
	ck_assert_int_eq(run(argv_att, NULL), 0);
	expect_console("late", "netecho: ready on 10.99.0.5");
	ck_assert_msg(host_ping("10.99.0.5", "2") == 0,
		      "attached vif: no ping");
	ck_assert_int_eq(run(argv_det, NULL), 0);
	for (int waited = 0; waited < 10000 && !gone; waited += 100) {
		gone = run_in_ns(show, &out) != 0;
		free(out);
		nap_ms(100);
	}
	ck_assert_msg(gone, "%s still exists after network-detach", ifname);
	{
		const char *args[] = {"/usr/bin/ping", "-c", "1", "-W", "1",
				      "10.99.0.5",     NULL};

		ck_assert_msg(run_in_ns(args, &out) != 0,
			      "detached guest still answers");
		free(out);
	}
}
END_TEST

START_TEST(netback_kill9_and_restart)
{
	pid_t old = netback_pid();

	ck_assert_int_gt(old, 0);
	ck_assert_int_eq(kill(old, SIGKILL), 0);
	for (int i = 0; i < 100 && kill(old, 0) == 0; i++)
		nap_ms(50);
	host_start();
	ck_assert_int_ne(netback_pid(), old);
	ck_assert_msg(host_ping_eventually("10.99.0.2", 10) == 0,
		      "the vif did not come back after a netback restart");
	ck_assert_int_eq(host_ping("10.99.0.2", "3"), 0);
	ck_assert_int_eq(host_udp_echo("10.99.0.2", 7, 10), 10);
}
END_TEST

START_TEST(hostile_frontend_spares_the_others)
{
	pid_t nb = netback_pid();
	const char *log;
	int errors = 0, cases = 0;

	create("bad", "app=nethostile ip=10.99.0.6/24", "bridge=xenbr0");
	expect_console("bad", "nethostile: vif closed");
	log = strstr(console_log("bad"), "nethostile: ");
	ck_assert_ptr_nonnull(log);
	ck_assert_int_eq(
		sscanf(log, "nethostile: %d errors of %d", &errors, &cases), 2);
	ck_assert_msg(errors >= cases, "%d errors for %d bad requests", errors,
		      cases);
	create("bad2", "app=nethostile break=index ip=10.99.0.8/24",
	       "bridge=xenbr0");
	expect_console("bad2", "nethostile: vif closed");
	ck_assert_int_eq(netback_pid(), nb);
	ck_assert_int_eq(kill(nb, 0), 0);
	ck_assert_int_eq(host_ping("10.99.0.2", "3"), 0);
	create("udper2",
	       "app=netbench mode=udpping dst=10.99.0.2 count=5 "
	       "ip=10.99.0.7/24",
	       "bridge=xenbr0");
	expect_console("udper2", "netbench: udp echo 5/5 ok");
}
END_TEST

/* The live tree with connected vifs matches xenstore-schema/. */
START_TEST(xenstore_tree_matches_schema)
{
	char bin[4096], *out = NULL;
	char *argv[] = {bin, "--rundir", hv.rundir, NULL};
	int rc;

	ck_assert_int_eq(proc_bin_path("xylem-xs-check", bin, sizeof(bin)), 0);
	rc = run(argv, &out);
	ck_assert_msg(rc == 0 && strstr(out, " 0 problems"),
		      "xylem-xs-check: exit %d:\n%s", rc, out);
	free(out);
}
END_TEST

static Suite *
netback_suite(void)
{
	Suite *s = suite_create("netback");
	TCase *tc = tcase_create("netback");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, host_pings_guest);
	tcase_add_test(tc, host_udp_echo_through_guest);
	tcase_add_test(tc, guests_ping_and_udp_each_other);
	tcase_add_test(tc, xenstore_tree_matches_schema);
	tcase_add_test(tc, attach_and_detach_on_running_guest);
	tcase_add_test(tc, netback_kill9_and_restart);
	tcase_add_test(tc, hostile_frontend_spares_the_others);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *skip = harness_skip_reason();
	SRunner *sr;
	int failed;

	if (skip) {
		printf("netback_test: skipped: %s\n", skip);
		return 0;
	}
	sr = srunner_create(netback_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
