/*
 * tests/integration/netback_test.c: xylem-netback with real guests, all
 * traffic inside a network namespace this test makes (bridge xenbr0 with
 * 10.99.0.1/24, TAP devices made there by a netback started in it through
 * `ip netns exec ... xyl host start`); addresses 10.99.0.0/24 only.  The
 * host pings a guest and exchanges UDP with it; guests ping each other and
 * exchange UDP; a vif is attached to and detached from a running guest
 * (whose netfront closes it) and attached again;
 * netback is killed with -9 and restarted (vifs come back, no reboot); a
 * hostile frontend's malformed requests are dropped and counted and its
 * vif closed while the others keep talking.  A vif with `rate=8Mb/s`
 * delivers a UDP stream to the host at no more than that (plus a burst)
 * while an unlimited one is clearly faster, and the stream's TX requests
 * show up in `xyl profile --json <dom> vif0` and in `xyl top -n`.
 */
#include <arpa/inet.h>
#include <check.h>
#include <json-c/json.h>
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

#include "guest.h"
#include "harness.h"
#include "proc.h"
#include "suite.h"

#define STEP_TIMEOUT_MS 60000
#define IP_BIN		"/usr/sbin/ip"

static struct harness_hv hv;
static char xyl[GUEST_PATH_MAX], guest[GUEST_PATH_MAX], scripts[PATH_MAX + 32],
	ns[32];

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
	return guest_cfg_write(
		hv.rundir, name,
		"name = \"%s\"\ntype = \"pvh\"\nkernel = \"%s\"\n"
		"memory = 32\nvcpus = 1\ncmdline = \"%s\"\n"
		"on_poweroff = \"destroy\"\non_crash = \"preserve\"\n"
		"%s%s%s",
		name, guest, cmdline, vif ? "vif = [ '" : "", vif ? vif : "",
		vif ? "' ]\n" : "");
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
	return harness_read_file(path);
}

/* Wait until the guest's console log holds text. */
static void
expect_console(const char *name, const char *text)
{
	for (int waited = 0; waited < STEP_TIMEOUT_MS; waited += 100) {
		if (strstr(console_log(name), text))
			return;
		usleep(100000);
	}
	char nb_log[512];

	fprintf(stderr, "---- %s ----\n%s\n", name, console_log(name));
	snprintf(nb_log, sizeof(nb_log), "%s/xylem-netback.log", hv.rundir);
	fprintf(stderr, "---- netback ----\n%s\n", harness_read_file(nb_log));
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
	return (pid_t)atoi(harness_read_file(path));
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

	ck_assert_int_eq(harness_build_path("..", root, sizeof(root)), 0);
	snprintf(scripts, sizeof(scripts), "%s/dom0-tools/hotplug", root);
	setenv("XYLEM_SCRIPTS_DIR", scripts, 1);
	guest_hv_start(&hv, xyl, guest);
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
	char *del[] = {IP_BIN, "netns", "del", ns, NULL};

	guest_host(xyl, hv.rundir, "stop");
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
		usleep(100000);
	}
	ck_assert_msg(gone, "%s still exists after network-detach", ifname);
	{
		const char *args[] = {"/usr/bin/ping", "-c", "1", "-W", "1",
				      "10.99.0.5",     NULL};

		ck_assert_msg(run_in_ns(args, &out) != 0,
			      "detached guest still answers");
		free(out);
	}
	/* netfront followed the backend: rings dropped, grants revoked,
	 * its state Closed before xyl removed the directories. */
	expect_console("late", "netfront: vif 0: backend Clos");
	expect_console("late", "netfront: vif 0: closed, frontend state "
			       "Closed, 0 grants kept");
	expect_console("late", "net: vif 0 down");
	/* The same devid again: the running guest picks it up. */
	ck_assert_int_eq(run(argv_att, NULL), 0);
	expect_console("late", "netfront: vif 0: connected again");
	ck_assert_msg(host_ping_eventually("10.99.0.5", 10) == 0,
		      "re-attached vif: no ping");
	ck_assert_msg(host_ping("10.99.0.5", "3") == 0,
		      "re-attached vif: ping lost");
}
END_TEST

START_TEST(netback_kill9_and_restart)
{
	pid_t old = netback_pid();

	ck_assert_int_gt(old, 0);
	ck_assert_int_eq(kill(old, SIGKILL), 0);
	for (int i = 0; i < 100 && kill(old, 0) == 0; i++)
		usleep(50000);
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

/* A UDP sink in the namespace on 10.99.0.1:port: counts datagrams of at
 * least 1000 bytes until want came or 3 s pass without one. */
struct sink_result {
	long pkts, bytes, ns; /* ns: first to last datagram */
};
struct sink {
	pid_t pid;
	int fd; /* read end: "ready", then the result */
};

static void
sink_child(int port, long want, int wfd)
{
	char path[128], buf[2048];
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port)};
	struct sink_result r = {0};
	struct timespec t0 = {0}, t1;
	int big = 8 << 20, s, fd;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
		_exit(255);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		_exit(254);
	if (write(wfd, "r", 1) != 1)
		_exit(253);
	while (r.pkts < want) {
		struct pollfd pf = {.fd = s, .events = POLLIN};
		ssize_t n;

		if (poll(&pf, 1, r.pkts ? 3000 : STEP_TIMEOUT_MS) != 1)
			break;
		n = recv(s, buf, sizeof(buf), 0);
		if (n < 1000)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (r.pkts == 0)
			t0 = t1;
		else
			r.bytes += n; /* what came after the first one */
		r.pkts++;
		r.ns = (t1.tv_sec - t0.tv_sec) * 1000000000L +
		       (t1.tv_nsec - t0.tv_nsec);
	}
	if (write(wfd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(252);
	_exit(0);
}

static struct sink
sink_start(int port, long want)
{
	struct sink k;
	int p[2];
	char c;

	ck_assert_int_eq(pipe(p), 0);
	k.pid = fork();
	ck_assert_int_ge(k.pid, 0);
	if (k.pid == 0) {
		close(p[0]);
		sink_child(port, want, p[1]);
	}
	close(p[1]);
	k.fd = p[0];
	ck_assert_int_eq(read(k.fd, &c, 1), 1);
	return k;
}

static struct sink_result
sink_wait(struct sink *k)
{
	struct sink_result r = {0};
	int status;

	ck_assert_int_eq(read(k->fd, &r, sizeof(r)), (ssize_t)sizeof(r));
	close(k->fd);
	ck_assert_int_eq(waitpid(k->pid, &status, 0), k->pid);
	return r;
}

/* Mbit/s of a sink's stream (0 if it had fewer than 2 datagrams). */
static double
sink_mbps(const struct sink_result *r)
{
	return r->ns > 0 ? (double)r->bytes * 8e3 / (double)r->ns : 0.0;
}

/* Stream count datagrams from a new guest (vif spec vif) to the host. */
static struct sink_result
stream_from(const char *name, const char *ip, const char *vif, int port,
	    long count)
{
	char cmdline[256];
	struct sink k = sink_start(port, count);

	snprintf(cmdline, sizeof(cmdline),
		 "app=netbench mode=send dst=10.99.0.1 port=%d count=%ld "
		 "size=1024 linger=60 ip=%s/24",
		 port, count, ip);
	create(name, cmdline, vif);
	return sink_wait(&k);
}

static uint64_t
netback_stat(const char *name, const char *key)
{
	char *argv[] = {xyl, "domid", (char *)name, NULL};
	char *out = NULL, path[512];
	const char *at;
	unsigned long long v = 0;

	ck_assert_int_eq(run(argv, &out), 0);
	snprintf(path, sizeof(path), "%s/netback/%d-0.stats", hv.rundir,
		 atoi(out));
	free(out);
	at = strstr(harness_read_file(path), key);
	if (at)
		sscanf(at + strlen(key), " %llu", &v);
	return v;
}

START_TEST(rate_limits_guest_tx)
{
	/* 8 Mb/s = 1 MB/s: 50,000 bytes of credit every 50 ms. */
	const long n = 1200;
	struct sink_result lim, free_;
	double lim_mbps, free_mbps;

	lim = stream_from("slow", "10.99.0.20", "bridge=xenbr0,rate=8Mb/s",
			  5001, n);
	free_ = stream_from("fast", "10.99.0.21", "bridge=xenbr0", 5002, n);
	lim_mbps = sink_mbps(&lim);
	free_mbps = sink_mbps(&free_);
	fprintf(stderr,
		"netback_test: rate=8Mb/s: %ld datagrams, %.2f Mbit/s over "
		"%.2f s; unlimited: %ld datagrams, %.2f Mbit/s\n",
		lim.pkts, lim_mbps, lim.ns / 1e9, free_.pkts, free_mbps);
	ck_assert_msg(lim.pkts == n, "limited vif: %ld of %ld arrived",
		      lim.pkts, n);
	/* Frames carry 42 header bytes per 1024 of payload; a burst of one
	 * interval's credit fits in the 10 % allowance over ~1.2 s. */
	ck_assert_msg(lim_mbps <= 8.0 * 1.1 && lim_mbps > 8.0 * 0.5,
		      "limited vif delivered %.2f Mbit/s for rate=8Mb/s",
		      lim_mbps);
	ck_assert_msg(free_.pkts > 10 && free_mbps > 2.0 * lim_mbps,
		      "unlimited vif: %.2f Mbit/s, limited %.2f", free_mbps,
		      lim_mbps);
	ck_assert_uint_gt(netback_stat("slow", "tx_throttled"), 0);
	ck_assert_uint_eq(netback_stat("fast", "tx_throttled"), 0);
}
END_TEST

/* `xyl profile --json fast vif0` (after rate_limits_guest_tx's stream):
 * TX requests profiled, histograms filled and consistent. */
START_TEST(vif_profile_after_udp_stream)
{
	char *argv[] = {xyl, "profile", "--json", "fast", "vif0", NULL};
	struct json_object *root = NULL, *devs, *d, *v, *ivs, *iv, *b;
	int64_t counted = 0, sum;
	char *out = NULL;

	/* netback copies the histograms out once a second. */
	for (int i = 0; i < 50 && counted <= 0; i++) {
		if (root)
			json_object_put(root);
		root = NULL;
		free(out);
		out = NULL;
		ck_assert_int_eq(run(argv, &out), 0);
		root = json_tokener_parse(out);
		if (root && json_object_object_get_ex(root, "devices", &devs) &&
		    json_object_array_length(devs) == 1) {
			d = json_object_array_get_idx(devs, 0);
			if (json_object_object_get_ex(d, "counted", &v))
				counted = json_object_get_int64(v);
		}
		if (counted <= 0)
			usleep(200000);
	}
	ck_assert_msg(counted > 0, "no vif requests profiled:\n%s", out);
	ck_assert(json_object_object_get_ex(d, "type", &v));
	ck_assert_str_eq(json_object_get_string(v), "vif");
	ck_assert(json_object_object_get_ex(d, "intervals", &ivs));
	json_object_object_foreach(ivs, key, val)
	{
		(void)key;
		iv = val;
		ck_assert(json_object_object_get_ex(iv, "buckets", &b));
		sum = 0;
		for (size_t k = 0; k < json_object_array_length(b); k++)
			sum += json_object_get_int64(
				json_object_array_get_idx(b, k));
		ck_assert_int_eq(sum, counted);
	}
	fprintf(stderr,
		"netback_test: vif0 of fast: %lld TX requests "
		"profiled\n",
		(long long)counted);
	json_object_put(root);
	free(out);
}
END_TEST

/* `xyl top -b -n` (after the streams above): a line per vif, and the
 * first frame's end-to-end percentiles (since connect) of a profiled vif
 * are numbers, read from netback's files. */
START_TEST(top_shows_vif_lines)
{
	char *argv[] = {xyl, "top", "-b", "-n", "-i", "2", "-d", "1", NULL};
	char *out = NULL, p50[32], p99[32];
	const char *at;
	int vifs = 0, profiled = 0;

	ck_assert_int_eq(run(argv, &out), 0);
	for (at = out; (at = strstr(at, "    vif ")); at++) {
		double v[6];
		unsigned devid;

		vifs++;
		if (sscanf(at,
			   "    vif %u TX/s %lf RX/s %lf TX(k)/s %lf RX(k)/s "
			   "%lf NTFY/s %lf SUPP/s %lf E2E50/99(us) %31s %31s",
			   &devid, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			   p50, p99) == 9 &&
		    strcmp(p50, "-") != 0 && strcmp(p99, "-") != 0)
			profiled++;
	}
	ck_assert_msg(vifs >= 2 && profiled >= 1,
		      "%d vif lines, %d with percentiles:\n%s", vifs, profiled,
		      out);
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
	tcase_add_test(tc, rate_limits_guest_tx);
	tcase_add_test(tc, vif_profile_after_udp_stream);
	tcase_add_test(tc, top_shows_vif_lines);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return suite_main("netback_test", netback_suite);
}
