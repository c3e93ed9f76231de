/*
 * tests/bench/xenstored_bench.c: xylem-xenstored over its Unix socket,
 * each number set against a raw Unix-socket round trip of the same size
 * on the same machine, same run:
 *   - READ and WRITE requests per second, one client and 8 clients (one
 *     outstanding request per client, as libxenstore does);
 *   - watch-event latency (a write by one client -> the event at another),
 *     median of 2000, against one raw round trip;
 *   - with /dev/kvm: WRITE and READ from a guest through its ring (guest
 *     app xsbench, host services by `xyl host start` in a private rundir),
 *     against the same request over the socket.
 * Appends markdown rows to the file named by argv[1] (and stdout).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xen/io/xs_wire.h>

#include "bench.h"
#include "harness.h"
#include "proc.h"

#define RUN_NS	      1000000000ull /* each throughput run: 1 s */
#define CLIENTS	      8
#define WATCH_SAMPLES 2000

static char rundir[64] = "/tmp/xs-bench-XXXXXX";
static char sock_path[100];
static double read1_ops; /* socket READs/s, one client (this run) */

static int
full_io(int fd, void *buf, size_t len, int is_write)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = is_write ? write(fd, (char *)buf + off, len - off)
			     : read(fd, (char *)buf + off, len - off);
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

static int
xs_connect(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One request, one reply; reply payload into body (cap 4096+1). */
static int
xs_rpc(int fd, uint32_t type, const void *payload, uint32_t len,
       struct xsd_sockmsg *rh, char *body)
{
	char msg[sizeof(struct xsd_sockmsg) + 4096];
	struct xsd_sockmsg h = {type, 0, 0, len};

	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), payload, len);
	if (full_io(fd, msg, sizeof(h) + len, 1) < 0 ||
	    full_io(fd, rh, sizeof(*rh), 0) < 0 || rh->len > 4096 ||
	    full_io(fd, body, rh->len, 0) < 0)
		return -1;
	return 0;
}

/* Ops/s of one client for RUN_NS; kind 0 read, 1 write, 2 raw echo. */
static uint64_t
client_loop(int fd, int kind, int id)
{
	char path[64], payload[128], body[4097];
	struct xsd_sockmsg rh;
	uint64_t end = bench_now_ns() + RUN_NS, ops = 0;
	uint32_t len;

	if (kind == 0) {
		len = (uint32_t)snprintf(payload, sizeof(payload),
					 "/bench/key") +
		      1;
	} else {
		snprintf(path, sizeof(path), "/bench/c%d/key", id);
		len = (uint32_t)strlen(path) + 1;
		memcpy(payload, path, len);
		memcpy(payload + len, "0123456789abcdef", 16);
		len += 16;
	}
	while (bench_now_ns() < end) {
		if (kind == 2) {
			/* the same bytes a READ moves: request and reply */
			struct xsd_sockmsg h = {XS_READ, 0, 0, 11};
			char m[sizeof(h) + 16];

			memcpy(m, &h, sizeof(h));
			if (full_io(fd, m, sizeof(h) + 11, 1) < 0 ||
			    full_io(fd, m, sizeof(h) + 16, 0) < 0)
				break;
		} else if (xs_rpc(fd, kind ? XS_WRITE : XS_READ, payload, len,
				  &rh, body) < 0 ||
			   rh.type == XS_ERROR) {
			break;
		}
		ops++;
	}
	return ops;
}

/* The raw peer: reads 27 bytes, answers 32 (a READ's sizes). */
static void __attribute__((noreturn)) echo_server(int fd)
{
	char buf[64];

	memset(buf, 0, sizeof(buf));
	while (full_io(fd, buf, sizeof(struct xsd_sockmsg) + 11, 0) == 0 &&
	       full_io(fd, buf, sizeof(struct xsd_sockmsg) + 16, 1) == 0)
		;
	_exit(0);
}

/* Total ops/s of n clients (each a process), kind as client_loop. */
static double
run_clients(int n, int kind)
{
	int pipes[CLIENTS][2], i;
	pid_t pids[CLIENTS];
	uint64_t total = 0, ops;

	for (i = 0; i < n; i++) {
		if (pipe(pipes[i]) < 0)
			return 0;
		pids[i] = fork();
		if (pids[i] == 0) {
			int fd, sv[2];

			if (kind == 2) {
				socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
				if (fork() == 0) {
					close(sv[0]);
					echo_server(sv[1]);
				}
				close(sv[1]);
				fd = sv[0];
			} else {
				fd = xs_connect();
			}
			ops = fd >= 0 ? client_loop(fd, kind, i) : 0;
			close(fd);
			full_io(pipes[i][1], &ops, sizeof(ops), 1);
			while (wait(NULL) > 0)
				;
			_exit(0);
		}
		close(pipes[i][1]);
	}
	for (i = 0; i < n; i++) {
		ops = 0;
		full_io(pipes[i][0], &ops, sizeof(ops), 0);
		close(pipes[i][0]);
		waitpid(pids[i], NULL, 0);
		total += ops;
	}
	return (double)total * 1e9 / (double)RUN_NS;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median ns from a write by one client to the event at a watcher. */
static uint64_t
watch_latency(void)
{
	static uint64_t samples[WATCH_SAMPLES];
	struct xsd_sockmsg rh;
	char body[4097];
	int w = xs_connect(), c = xs_connect(), i;
	uint64_t t0;

	if (w < 0 || c < 0 ||
	    xs_rpc(c, XS_WRITE, "/bench/w\0", 9, &rh, body) < 0 ||
	    xs_rpc(w, XS_WATCH, "/bench/w\0tok", 13, &rh, body) < 0 ||
	    full_io(w, &rh, sizeof(rh), 0) < 0 || /* the initial event */
	    full_io(w, body, rh.len, 0) < 0)
		return 0;
	for (i = 0; i < WATCH_SAMPLES; i++) {
		t0 = bench_now_ns();
		if (xs_rpc(c, XS_WRITE, "/bench/w/x\0v", 12, &rh, body) < 0 ||
		    full_io(w, &rh, sizeof(rh), 0) < 0 ||
		    full_io(w, body, rh.len, 0) < 0 ||
		    rh.type != XS_WATCH_EVENT)
			return 0;
		samples[i] = bench_now_ns() - t0;
	}
	close(w);
	close(c);
	qsort(samples, WATCH_SAMPLES, sizeof(samples[0]), cmp_u64);
	return samples[WATCH_SAMPLES / 2];
}

static void
throughput_rows(void)
{
	static const char *const kinds[] = {"READ", "WRITE"};
	double raw1 = run_clients(1, 2), raw8 = run_clients(CLIENTS, 2);
	char v[64], c[64], r[32], what[96];
	int k, n;

	for (k = 0; k < 2; k++) {
		for (n = 1; n <= CLIENTS; n += CLIENTS - 1) {
			double ops = run_clients(n, k),
			       raw = n == 1 ? raw1 : raw8;

			if (k == 0 && n == 1)
				read1_ops = ops;
			snprintf(what, sizeof(what),
				 "xenstored %s over the socket, %d client%s",
				 kinds[k], n, n == 1 ? "" : "s");
			snprintf(v, sizeof(v), "%.0f req/s", ops);
			snprintf(c, sizeof(c), "raw Unix RTT %.0f/s", raw);
			snprintf(r, sizeof(r), "%.2f", raw > 0 ? ops / raw : 0);
			bench_row(what, v, c, r);
		}
	}
}

/* One guest running app=xsbench; its "xsbench:" line into line. */
static int
guest_xsbench(char *line, size_t cap)
{
	char xyl[4096], guest[4096], dir[] = "/tmp/xs-gbench-XXXXXX", cfg[64];
	char start[] = "start", stop[] = "stop", host[] = "host",
	     create[] = "create", c[] = "-c";
	char *argv_start[] = {xyl, host, start, NULL};
	char *argv_stop[] = {xyl, host, stop, NULL};
	char *argv_create[] = {xyl, create, cfg, c, NULL};
	struct proc p;
	char *at;
	FILE *f;
	int rc = -1;

	if (!mkdtemp(dir) || proc_bin_path("xyl", xyl, sizeof(xyl)) < 0 ||
	    proc_guest_path(guest, sizeof(guest)) < 0)
		return -1;
	snprintf(cfg, sizeof(cfg), "%s/xsbench.cfg", dir);
	f = fopen(cfg, "w");
	if (!f)
		return -1;
	fprintf(f,
		"name = \"xsbench\"\ntype = \"pvh\"\nkernel = \"%s\"\n"
		"memory = 64\nvcpus = 1\ncmdline = \"app=xsbench count=300\"\n",
		guest);
	fclose(f);
	if (proc_run(&p, dir, argv_start, 60000) == 0) {
		proc_free(&p);
		proc_run(&p, dir, argv_create, 300000);
		at = p.out ? strstr(p.out, "xsbench: write_ns=") : NULL;
		if (at) {
			snprintf(line, cap, "%.*s", (int)strcspn(at, "\r\n"),
				 at);
			rc = 0;
		}
	}
	proc_free(&p);
	proc_run(&p, dir, argv_stop, 60000);
	proc_free(&p);
	harness_rm_rf(dir);
	return rc;
}

/* Guest ring numbers against the socket's one-client READ latency. */
static void
guest_rows(double socket_read_ns)
{
	unsigned long long w_ns = 0, r_ns = 0;
	char line[128], v[64], c[64], r[32];

	if (harness_skip_reason()) {
		bench_row("xenstored through a guest ring",
			  "skipped (no /dev/kvm)", "-", "-");
		return;
	}
	if (guest_xsbench(line, sizeof(line)) < 0 ||
	    sscanf(line, "xsbench: write_ns=%llu read_ns=%llu", &w_ns, &r_ns) !=
		    2) {
		bench_row("xenstored through a guest ring", "failed", "-", "-");
		return;
	}
	snprintf(c, sizeof(c), "socket READ %.1f µs", socket_read_ns / 1e3);
	snprintf(v, sizeof(v), "%.1f µs (%.0f/s)", r_ns / 1e3, 1e9 / r_ns);
	snprintf(r, sizeof(r), "%.1f×", r_ns / socket_read_ns);
	bench_row("xenstored READ from a guest through its ring", v, c, r);
	snprintf(v, sizeof(v), "%.1f µs (%.0f/s)", w_ns / 1e3, 1e9 / w_ns);
	snprintf(r, sizeof(r), "%.1f×", w_ns / socket_read_ns);
	bench_row("xenstored WRITE from a guest through its ring", v, c, r);
}

int
main(int argc, char **argv)
{
	char bin[4096], v[64], c[64], r[32];
	uint64_t lat, rtt;
	double raw1;
	pid_t pid;
	int waited;

	bench_table_open(argc, argv);
	if (!mkdtemp(rundir) ||
	    proc_bin_path("xylem-xenstored", bin, sizeof(bin)) < 0)
		return 1;
	snprintf(sock_path, sizeof(sock_path), "%s/xenstored/socket", rundir);
	pid = fork();
	if (pid == 0) {
		execl(bin, "xylem-xenstored", "--rundir", rundir, (char *)NULL);
		_exit(127);
	}
	for (waited = 0; waited < 10000; waited += 20) {
		int fd = xs_connect();

		if (fd >= 0) {
			struct xsd_sockmsg rh;
			char body[4097];

			xs_rpc(fd, XS_WRITE,
			       "/bench/key\0"
			       "0123456789abcdef",
			       27, &rh, body);
			close(fd);
			break;
		}
		usleep(20000);
	}
	throughput_rows();
	raw1 = run_clients(1, 2);
	rtt = raw1 > 0 ? (uint64_t)(1e9 / raw1) : 0;
	lat = watch_latency();
	snprintf(v, sizeof(v), "%.1f µs median", lat / 1e3);
	snprintf(c, sizeof(c), "raw Unix RTT %.1f µs", rtt / 1e3);
	snprintf(r, sizeof(r), "%.2f", rtt ? (double)lat / (double)rtt : 0);
	bench_row("xenstored watch event: write → event at another client", v,
		  c, r);
	guest_rows(read1_ops > 0 ? 1e9 / read1_ops : 1);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	harness_rm_rf(rundir);
	bench_table_close();
	return lat ? 0 : 1;
}
