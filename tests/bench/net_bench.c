/*
 * tests/bench/net_bench.c: xylem-netback's UDP throughput and packet rate,
 * guest->host and guest->guest, against the host's own path between two
 * network namespaces over a veth pair; and TX packets per notification
 * with packet clustering off and on.  All traffic stays in namespaces this
 * program makes (10.99.0.0/24 on a bridge, 10.99.1.0/24 on the veth).
 * Appends rows to the table named by argv[1].
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "harness.h"
#include "proc.h"

#define IP_BIN	  "/usr/sbin/ip"
#define NR_PKTS	  20000
#define PKT_BYTES 1024

static struct harness_hv hv;
static char xyl[4096], guest[4096], ns[32], ns2[32];

struct rx_result {
	uint64_t pkts, bytes, ns;
};

static void
row(const char *what, const char *measured, const char *peer, double ratio)
{
	char r[32];

	snprintf(r, sizeof(r), "%.2f", ratio);
	bench_row(what, measured, peer, r);
}

static int
run(char *const argv[])
{
	struct proc p;
	int rc = proc_run(&p, hv.rundir, argv, 120000);

	if (rc)
		fprintf(stderr, "net_bench: %s %s: exit %d: %s\n", argv[0],
			argv[1] ? argv[1] : "", rc, p.out);
	proc_free(&p);
	return rc;
}

static int
in_ns(const char *which, const char *a, const char *b, const char *c,
      const char *d, const char *e, const char *f)
{
	char *argv[] = {IP_BIN,	   "netns",   "exec",	 (char *)which,
			IP_BIN,	   (char *)a, (char *)b, (char *)c,
			(char *)d, (char *)e, (char *)f, NULL};

	return run(argv);
}

static int
enter_ns(const char *which)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", which);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 || setns(fd, CLONE_NEWNET) < 0 ? -1 : 0;
}

/* A UDP receiver in namespace which on port; counts until 1.5 s of
 * silence after the first datagram.  Result through the pipe fd. */
static pid_t
receiver_start(const char *which, int port, int *result_fd)
{
	int pfd[2];
	pid_t pid;

	if (pipe(pfd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct sockaddr_in sa = {.sin_family = AF_INET,
					 .sin_port = htons((uint16_t)port)};
		struct rx_result r = {0};
		uint64_t first = 0, last = 0;
		int s, big = 8 << 20;
		char buf[2048];

		close(pfd[0]);
		if (enter_ns(which) < 0)
			_exit(1);
		s = socket(AF_INET, SOCK_DGRAM, 0);
		setsockopt(s, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
		if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			_exit(1);
		if (write(pfd[1], "R", 1) != 1)
			_exit(1);
		for (;;) {
			struct pollfd pf = {.fd = s, .events = POLLIN};
			ssize_t n;

			if (poll(&pf, 1, r.pkts ? 1500 : 120000) != 1)
				break;
			n = recv(s, buf, sizeof(buf), 0);
			if (n < 0)
				break;
			last = bench_now_ns();
			if (!r.pkts)
				first = last;
			r.pkts++;
			r.bytes += (uint64_t)n;
		}
		r.ns = last - first;
		if (write(pfd[1], &r, sizeof(r)) != sizeof(r))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	{
		char c;

		if (read(pfd[0], &c, 1) != 1)
			return -1;
	}
	*result_fd = pfd[0];
	return pid;
}

static int
receiver_wait(pid_t pid, int fd, struct rx_result *r)
{
	ssize_t n = read(fd, r, sizeof(*r));

	close(fd);
	waitpid(pid, NULL, 0);
	return n == sizeof(*r) ? 0 : -1;
}

static void
create(const char *name, const char *cmdline)
{
	char path[512], *argv[] = {xyl, "create", path, NULL};
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.cfg", hv.rundir, name);
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f,
		"name = \"%s\"\ntype = \"pvh\"\nkernel = \"%s\"\n"
		"memory = 32\nvcpus = 1\ncmdline = \"%s\"\n"
		"on_poweroff = \"destroy\"\non_crash = \"preserve\"\n"
		"vif = [ 'bridge=xenbr0' ]\n",
		name, guest, cmdline);
	fclose(f);
	run(argv);
}

/* Wait for key= in the guest's console log; its value, or -1. */
static long long
guest_value(const char *name, const char *key, int timeout_ms)
{
	char path[512], buf[65536];

	snprintf(path, sizeof(path), "%s/console/%s.log", hv.rundir, name);
	for (int waited = 0; waited < timeout_ms; waited += 100) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof(buf) - 1);
		const char *p;

		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = '\0';
		p = strstr(buf, key);
		if (p)
			return atoll(p + strlen(key));
		usleep(100000);
	}
	return -1;
}

/* The host's own path: a veth pair between two namespaces. */
static int
veth_path(struct rx_result *r)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons(9100)};
	int fd, status;
	pid_t rx, tx;
	char buf[PKT_BYTES] = {0};

	rx = receiver_start(ns2, 9100, &fd);
	if (rx < 0)
		return -1;
	tx = fork();
	if (tx == 0) {
		int s;

		if (enter_ns(ns) < 0)
			_exit(1);
		inet_pton(AF_INET, "10.99.1.2", &sa.sin_addr);
		s = socket(AF_INET, SOCK_DGRAM, 0);
		if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			_exit(1);
		for (int i = 0; i < NR_PKTS; i++)
			if (send(s, buf, sizeof(buf), 0) < 0)
				i--;
		_exit(0);
	}
	waitpid(tx, &status, 0);
	return receiver_wait(rx, fd, r);
}

static double
pps(const struct rx_result *r)
{
	return r->ns ? (double)(r->pkts - 1) * 1e9 / (double)r->ns : 0;
}

static double
mbps(const struct rx_result *r)
{
	return r->ns ? (double)r->bytes * 8e3 / (double)r->ns : 0;
}

static int
setup(void)
{
	char *add[] = {IP_BIN, "netns", "add", ns, NULL};
	char *add2[] = {IP_BIN, "netns", "add", ns2, NULL};
	char *start[] = {IP_BIN, "netns", "exec",  ns,
			 xyl,	 "host",  "start", NULL};
	char root[PATH_MAX], scripts[PATH_MAX + 32];

	if (proc_bin_path("xyl", xyl, sizeof(xyl)) ||
	    proc_guest_path(guest, sizeof(guest)) ||
	    harness_build_path("..", root, sizeof(root)))
		return -1;
	snprintf(scripts, sizeof(scripts), "%s/dom0-tools/hotplug", root);
	setenv("XYLEM_SCRIPTS_DIR", scripts, 1);
	if (harness_hv_start(&hv, NULL, 10000))
		return -1;
	snprintf(ns, sizeof(ns), "xylnb%d", (int)getpid());
	snprintf(ns2, sizeof(ns2), "xylnb%d-2", (int)getpid());
	if (run(add) || run(add2))
		return -1;
	if (in_ns(ns, "link", "set", "lo", "up", NULL, NULL) ||
	    in_ns(ns, "link", "add", "xenbr0", "type", "bridge", NULL) ||
	    in_ns(ns, "link", "set", "xenbr0", "up", NULL, NULL) ||
	    in_ns(ns, "addr", "add", "10.99.0.1/24", "dev", "xenbr0", NULL))
		return -1;
	return run(start);
}

static int
setup_veth(void)
{
	char *mk[] = {IP_BIN, "netns", "exec", ns,     IP_BIN, "link", "add",
		      "vA",   "type",  "veth", "peer", "name", "vB",   NULL};

	if (run(mk) || in_ns(ns, "link", "set", "vB", "netns", ns2, NULL) ||
	    in_ns(ns, "addr", "add", "10.99.1.1/24", "dev", "vA", NULL) ||
	    in_ns(ns, "link", "set", "vA", "up", NULL, NULL) ||
	    in_ns(ns2, "addr", "add", "10.99.1.2/24", "dev", "vB", NULL) ||
	    in_ns(ns2, "link", "set", "vB", "up", NULL, NULL) ||
	    in_ns(ns2, "link", "set", "lo", "up", NULL, NULL))
		return -1;
	return 0;
}

static void
teardown(void)
{
	char *stop[] = {xyl, "host", "stop", NULL};
	char *del[] = {IP_BIN, "netns", "del", ns, NULL};
	char *del2[] = {IP_BIN, "netns", "del", ns2, NULL};

	run(stop);
	harness_hv_stop(&hv);
	if (ns[0])
		run(del);
	if (ns2[0])
		run(del2);
}

/* guest -> host: one sender guest; rows for rate and notifications. */
static int
guest_to_host(const char *name, const char *extra, struct rx_result *r,
	      long long *per_notify_x100)
{
	char cmd[256];
	int fd;
	pid_t rx = receiver_start(ns, 9000, &fd);

	if (rx < 0)
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "app=netbench mode=send dst=10.99.0.1 port=9000 count=%d "
		 "size=%d ip=10.99.0.%s",
		 NR_PKTS, PKT_BYTES, extra);
	create(name, cmd);
	*per_notify_x100 =
		guest_value(name, "net_pkts_per_notify_x100=", 180000);
	return receiver_wait(rx, fd, r);
}

int
main(int argc, char **argv)
{
	struct rx_result host_r = {0}, veth = {0}, cl_r = {0}, nc_r = {0};
	long long pn_off = -1, pn_on = -1, pn_classic = -1, gg_pps, gg_ns,
		  gg_pkts;
	char m[160], p[160], cmd[256];
	int rc = 1;

	bench_table_open(argc, argv);
	if (harness_skip_reason()) {
		printf("net_bench: skipped: %s\n", harness_skip_reason());
		return 0;
	}
	if (setup() || setup_veth() || veth_path(&veth)) {
		fprintf(stderr, "net_bench: setup failed\n");
		goto out;
	}
	if (guest_to_host("tx1", "2/24", &host_r, &pn_off) < 0)
		goto out;
	snprintf(m, sizeof(m), "%.0f pkt/s, %.0f Mbit/s (%llu of %d arrived)",
		 pps(&host_r), mbps(&host_r), (unsigned long long)host_r.pkts,
		 NR_PKTS + 1);
	snprintf(p, sizeof(p), "host veth ns->ns %.0f pkt/s, %.0f Mbit/s",
		 pps(&veth), mbps(&veth));
	row("UDP 1024 B guest -> host (netfront, netback, TAP, bridge)", m, p,
	    pps(&veth) > 0 ? pps(&host_r) / pps(&veth) : 0);

	/* guest -> guest */
	create("rx3", "app=netbench mode=recv port=9001 count=20000 "
		      "ip=10.99.0.3/24");
	guest_value("rx3", "netbench: receiving", 60000);
	snprintf(cmd, sizeof(cmd),
		 "app=netbench mode=send dst=10.99.0.3 port=9001 count=%d "
		 "size=%d ip=10.99.0.4/24",
		 NR_PKTS, PKT_BYTES);
	create("tx4", cmd);
	gg_pkts = guest_value("rx3", "net_rx_pkts=", 180000);
	gg_ns = guest_value("rx3", "net_rx_ns=", 1000);
	gg_pps = guest_value("rx3", "net_rx_pps=", 1000);
	snprintf(m, sizeof(m), "%lld pkt/s, %.0f Mbit/s (%lld of %d arrived)",
		 gg_pps,
		 gg_ns > 0 ? (double)gg_pkts * PKT_BYTES * 8e3 / gg_ns : 0,
		 gg_pkts, NR_PKTS + 1);
	row("UDP 1024 B guest -> guest (through netback twice and the bridge)",
	    m, p, pps(&veth) > 0 ? (double)gg_pps / pps(&veth) : 0);

	/* clustering on */
	if (guest_to_host("tx5", "5/24 cluster=32 cluster_us=500", &cl_r,
			  &pn_on) < 0)
		goto out;
	snprintf(m, sizeof(m),
		 "%.2f pkts/notification with cluster=32, 500 us (%.0f pkt/s)",
		 pn_on / 100.0, pps(&cl_r));
	snprintf(p, sizeof(p), "%.2f without clustering (%.0f pkt/s)",
		 pn_off / 100.0, pps(&host_r));
	row("netfront TX packets per notification, clustering on vs off", m, p,
	    pn_off > 0 ? (double)pn_on / (double)pn_off : 0);

	/* Xen's req_event suppression instead of the coalescing flag. */
	if (guest_to_host("tx6", "6/24 coalesce=0", &nc_r, &pn_classic) < 0)
		goto out;
	snprintf(m, sizeof(m),
		 "%.2f pkts/notification with Xen's req_event (%.0f pkt/s)",
		 pn_classic / 100.0, pps(&nc_r));
	snprintf(p, sizeof(p), "%.2f with the coalescing flag (%.0f pkt/s)",
		 pn_off / 100.0, pps(&host_r));
	row("netfront TX packets per notification, no clustering: "
	    "coalescing flag off vs on",
	    m, p, pn_off > 0 ? (double)pn_classic / (double)pn_off : 0);
	rc = host_r.pkts > 0 ? 0 : 1;
out:
	teardown();
	bench_table_close();
	return rc;
}
