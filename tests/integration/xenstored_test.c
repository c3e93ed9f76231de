/*
 * tests/integration/xenstored_test.c: a live xylem-xenstored with its own
 * rundir, driven by Debian's xenstore-utils and libxenstore (transactions
 * with a forced conflict, watches, permissions), raw hostile clients
 * (bad lengths, missing NULs, unknown types, floods) and, when /dev/kvm
 * is present, guest rings: INTRODUCE of real (paused) xylem-hv domains,
 * a request left on the ring, a corrupt ring, domain death.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "harness.h"
#include "proc.h"
#include "xylctl.h"

static char rundir[64] = "/tmp/xs-itest-XXXXXX";
static char sock_path[100];
static pid_t xs_pid = -1;

/* xylem-xenstored in the foreground, in its own process group. */
static void
daemon_start(void)
{
	char bin[4096];

	ck_assert_int_eq(proc_bin_path("xylem-xenstored", bin, sizeof(bin)), 0);
	xs_pid = fork();
	if (xs_pid == 0) {
		setpgid(0, 0);
		execl(bin, "xylem-xenstored", "--rundir", rundir, "-v",
		      (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(harness_wait_stream_socket(sock_path, 10000), 0);
	setenv("XENSTORED_PATH", sock_path, 1);
}

static void
daemon_stop(void)
{
	int status;

	if (xs_pid <= 0)
		return;
	kill(xs_pid, SIGTERM);
	waitpid(xs_pid, &status, 0);
	xs_pid = -1;
}

static int
daemon_alive(void)
{
	char path[64], buf[256];
	FILE *f;
	int alive = 0;

	/* not our child when asked from a forked test: look at /proc */
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)xs_pid);
	f = fopen(path, "r");
	if (f && fgets(buf, sizeof(buf), f))
		alive = strstr(buf, ") Z ") == NULL;
	if (f)
		fclose(f);
	return alive;
}

static void
suite_setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(rundir));
	snprintf(sock_path, sizeof(sock_path), "%s/xenstored/socket", rundir);
	daemon_start();
}

static void
suite_teardown(void)
{
	daemon_stop();
	harness_rm_rf(rundir);
}

/* Run a xenstore-utils program; returns its exit code, output in *out. */
static int
tool(char **out, const char *prog, ...)
{
	char *argv[16], path[64];
	struct proc p;
	va_list ap;
	int n = 0, rc;

	snprintf(path, sizeof(path), "/usr/bin/%s", prog);
	argv[n++] = path;
	va_start(ap, prog);
	while (n < 15 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	rc = proc_run(&p, NULL, argv, 20000);
	if (out)
		*out = strdup(p.out ? p.out : "");
	proc_free(&p);
	return rc;
}

START_TEST(test_utils_write_read)
{
	char *out;

	ck_assert_int_eq(tool(NULL, "xenstore-write", "/t/a", "one", "/t/b",
			      "two", NULL),
			 0);
	ck_assert_int_eq(tool(&out, "xenstore-read", "/t/a", "/t/b", NULL), 0);
	ck_assert_str_eq(out, "one\ntwo\n");
	free(out);
	/* relative paths are dom0's: /local/domain/0 */
	ck_assert_int_eq(tool(NULL, "xenstore-write", "rel", "r", NULL), 0);
	ck_assert_int_eq(
		tool(&out, "xenstore-read", "/local/domain/0/rel", NULL), 0);
	ck_assert_str_eq(out, "r\n");
	free(out);
	ck_assert_int_eq(tool(&out, "xenstore-read", "/t/nope", NULL), 1);
	ck_assert_ptr_nonnull(strstr(out, "couldn't read path"));
	free(out);
}
END_TEST

START_TEST(test_utils_ls_list_exists)
{
	char *out;

	tool(NULL, "xenstore-write", "/l/x/y", "v", "/l/z", "w", NULL);
	ck_assert_int_eq(tool(&out, "xenstore-ls", "-f", "/l", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "/l/x/y = \"v\""));
	ck_assert_ptr_nonnull(strstr(out, "/l/z = \"w\""));
	free(out);
	ck_assert_int_eq(tool(&out, "xenstore-list", "/l", NULL), 0);
	ck_assert_str_eq(out, "x\nz\n");
	free(out);
	ck_assert_int_eq(tool(NULL, "xenstore-exists", "/l/x", NULL), 0);
	ck_assert_int_eq(tool(NULL, "xenstore-exists", "/l/q", NULL), 1);
}
END_TEST

START_TEST(test_utils_chmod_rm)
{
	char *out;

	tool(NULL, "xenstore-write", "/c/node", "v", NULL);
	ck_assert_int_eq(
		tool(NULL, "xenstore-chmod", "/c/node", "n0", "r5", NULL), 0);
	ck_assert_int_eq(tool(&out, "xenstore-ls", "-p", "/c", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "(n0,r5)"));
	free(out);
	ck_assert_int_eq(tool(NULL, "xenstore-rm", "/c", NULL), 0);
	ck_assert_int_eq(tool(NULL, "xenstore-exists", "/c/node", NULL), 1);
}
END_TEST

START_TEST(test_utils_watch)
{
	char path[] = "/usr/bin/xenstore-watch", n[] = "-n", two[] = "2",
	     key[] = "/wt";
	char *argv[] = {path, n, two, key, NULL};
	struct proc p;

	tool(NULL, "xenstore-write", "/wt", "", NULL);
	ck_assert_int_eq(proc_start(&p, NULL, argv), 0);
	/* the initial event, then one for the write */
	ck_assert_int_eq(proc_wait_output(&p, "/wt\n", 10000), 0);
	ck_assert_int_eq(tool(NULL, "xenstore-write", "/wt/x", "1", NULL), 0);
	ck_assert_int_eq(proc_wait(&p, 10000), 0);
	ck_assert_str_eq(p.out, "/wt\n/wt/x\n");
	proc_free(&p);
}
END_TEST

START_TEST(test_lib_transaction_conflict)
{
	struct xs_handle *a = xs_open(0), *b = xs_open(0);
	xs_transaction_t t;
	unsigned int len;
	char *v;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert(xs_write(a, XBT_NULL, "/tx/k", "0", 1));
	t = xs_transaction_start(a);
	ck_assert_uint_ne(t, XBT_NULL);
	v = xs_read(a, t, "/tx/k", &len);
	ck_assert_ptr_nonnull(v);
	free(v);
	ck_assert(xs_write(a, t, "/tx/out", "1", 1));
	/* not visible outside before commit */
	ck_assert_ptr_null(xs_read(b, XBT_NULL, "/tx/out", &len));
	/* forced conflict: another client changes what t read */
	ck_assert(xs_write(b, XBT_NULL, "/tx/k", "other", 5));
	ck_assert(!xs_transaction_end(a, t, false));
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_ptr_null(xs_read(b, XBT_NULL, "/tx/out", &len));
	/* the retry commits */
	t = xs_transaction_start(a);
	v = xs_read(a, t, "/tx/k", &len);
	free(v);
	ck_assert(xs_write(a, t, "/tx/out", "2", 1));
	ck_assert(xs_transaction_end(a, t, false));
	v = xs_read(b, XBT_NULL, "/tx/out", &len);
	ck_assert_str_eq(v, "2");
	free(v);
	/* abort leaves nothing */
	t = xs_transaction_start(a);
	ck_assert(xs_write(a, t, "/tx/gone", "x", 1));
	ck_assert(xs_transaction_end(a, t, true));
	ck_assert_ptr_null(xs_read(b, XBT_NULL, "/tx/gone", &len));
	xs_close(a);
	xs_close(b);
}
END_TEST

static char **
read_watch_timeout(struct xs_handle *h, int timeout_ms)
{
	struct pollfd pfd = {.fd = xs_fileno(h), .events = POLLIN};
	unsigned int num;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return NULL;
	return xs_read_watch(h, &num);
}

START_TEST(test_lib_watches)
{
	struct xs_handle *a = xs_open(0), *b = xs_open(0);
	char **ev;

	ck_assert(xs_write(b, XBT_NULL, "/w/base", "", 0));
	ck_assert(xs_watch(a, "/w", "tok"));
	ev = read_watch_timeout(a, 5000); /* fires once when set */
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(ev[XS_WATCH_PATH], "/w");
	ck_assert_str_eq(ev[XS_WATCH_TOKEN], "tok");
	free(ev);
	ck_assert(xs_write(b, XBT_NULL, "/w/base/leaf", "1", 1));
	ev = read_watch_timeout(a, 5000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(ev[XS_WATCH_PATH], "/w/base/leaf");
	free(ev);
	/* a removed parent reports the watch's own path */
	ck_assert(xs_watch(a, "/w/base/leaf", "deep"));
	free(read_watch_timeout(a, 5000));
	ck_assert(xs_rm(b, XBT_NULL, "/w/base"));
	ev = read_watch_timeout(a, 5000);
	ck_assert_ptr_nonnull(ev);
	free(ev);
	ev = read_watch_timeout(a, 5000);
	ck_assert_ptr_nonnull(ev);
	free(ev);
	/* a duplicate watch is EEXIST; unwatch stops events */
	ck_assert(!xs_watch(a, "/w", "tok"));
	ck_assert_int_eq(errno, EEXIST);
	ck_assert(xs_unwatch(a, "/w", "tok"));
	ck_assert(xs_unwatch(a, "/w/base/leaf", "deep"));
	ck_assert(xs_write(b, XBT_NULL, "/w/after", "", 0));
	ck_assert_ptr_null(read_watch_timeout(a, 300));
	xs_close(a);
	xs_close(b);
}
END_TEST

START_TEST(test_lib_perms_domain_path)
{
	struct xs_permissions set[2] = {{0, XS_PERM_NONE}, {7, XS_PERM_READ}};
	struct xs_handle *h = xs_open(0);
	struct xs_permissions *got;
	unsigned int num;
	char *p;

	ck_assert(xs_write(h, XBT_NULL, "/p/n", "", 0));
	ck_assert(xs_set_permissions(h, XBT_NULL, "/p/n", set, 2));
	got = xs_get_permissions(h, XBT_NULL, "/p/n", &num);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(num, 2);
	ck_assert_uint_eq(got[1].id, 7);
	ck_assert_int_eq(got[1].perms, XS_PERM_READ);
	free(got);
	p = xs_get_domain_path(h, 12);
	ck_assert_str_eq(p, "/local/domain/12");
	free(p);
	ck_assert(!xs_is_domain_introduced(h, 12));
	ck_assert(xs_is_domain_introduced(h, 0));
	ck_assert(!xs_release_domain(h, 12));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert(xs_mkdir(h, XBT_NULL, "/p/dir"));
	ck_assert(!xs_rm(h, XBT_NULL, "/p/missing/child"));
	ck_assert_int_eq(errno, ENOENT);
	xs_close(h);
}
END_TEST

/* --- raw clients --- */

static int
raw_connect(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void
raw_send(int fd, uint32_t type, uint32_t req_id, const void *body, uint32_t len)
{
	struct xsd_sockmsg h = {type, req_id, 0, len};

	ck_assert_int_eq(write(fd, &h, sizeof(h)), (int)sizeof(h));
	if (len)
		ck_assert_int_eq(write(fd, body, len), (int)len);
}

/* Read one reply; its payload NUL-terminated into body; -1 on EOF. */
static int
raw_recv(int fd, struct xsd_sockmsg *h, char *body, size_t cap)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(*h)) {
		if (poll(&pfd, 1, 5000) <= 0)
			return -1;
		n = read(fd, (char *)h + got, sizeof(*h) - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	ck_assert_uint_lt(h->len, cap);
	for (got = 0; got < h->len; got += (size_t)n) {
		if (poll(&pfd, 1, 5000) <= 0)
			return -1;
		n = read(fd, body + got, h->len - got);
		if (n <= 0)
			return -1;
	}
	body[h->len] = '\0';
	return 0;
}

START_TEST(test_raw_errors)
{
	struct xsd_sockmsg h;
	char body[8192];
	int fd = raw_connect();

	raw_send(fd, 99, 1, "", 0);
	ck_assert_int_eq(raw_recv(fd, &h, body, sizeof(body)), 0);
	ck_assert_uint_eq(h.type, XS_ERROR);
	ck_assert_uint_eq(h.req_id, 1);
	ck_assert_str_eq(body, "ENOSYS");
	raw_send(fd, XS_READ, 2, "/no-nul", 7);
	ck_assert_int_eq(raw_recv(fd, &h, body, sizeof(body)), 0);
	ck_assert_str_eq(body, "EINVAL");
	raw_send(fd, XS_READ, 3, "/bad//path", 11);
	ck_assert_int_eq(raw_recv(fd, &h, body, sizeof(body)), 0);
	ck_assert_str_eq(body, "EINVAL");
	raw_send(fd, XS_WATCH_EVENT, 4, "/a\0b", 5);
	ck_assert_int_eq(raw_recv(fd, &h, body, sizeof(body)), 0);
	ck_assert_str_eq(body, "ENOSYS");
	raw_send(fd, XS_TRANSACTION_END, 5, "T", 2); /* tx 0 */
	ck_assert_int_eq(raw_recv(fd, &h, body, sizeof(body)), 0);
	ck_assert_str_eq(body, "ENOENT");
	/* still serving this client */
	raw_send(fd, XS_READ, 6, "/local/domain/0/name", 21);
	ck_assert_int_eq(raw_recv(fd, &h, body, sizeof(body)), 0);
	ck_assert_uint_eq(h.type, XS_READ);
	ck_assert_str_eq(body, "Domain-0");
	close(fd);
}
END_TEST

START_TEST(test_raw_oversize_closes_only_that_client)
{
	struct xsd_sockmsg h = {XS_READ, 0, 0, XENSTORE_PAYLOAD_MAX + 1};
	char body[8192];
	int bad = raw_connect(), good = raw_connect();

	ck_assert_int_eq(write(bad, &h, sizeof(h)), (int)sizeof(h));
	ck_assert_int_eq(raw_recv(bad, &h, body, sizeof(body)), -1);
	close(bad);
	raw_send(good, XS_READ, 1, "/local/domain/0/domid", 22);
	ck_assert_int_eq(raw_recv(good, &h, body, sizeof(body)), 0);
	ck_assert_str_eq(body, "0");
	close(good);
	ck_assert(daemon_alive());
}
END_TEST

START_TEST(test_raw_flood)
{
	static char buf[20000 * 40];
	struct xsd_sockmsg h;
	char body[8192];
	int fd = raw_connect(), i, n = 20000;
	size_t off = 0;

	/* 20000 requests written before any reply is read */
	for (i = 0; i < n; i++) {
		struct xsd_sockmsg q = {XS_READ, (uint32_t)i, 0, 22};

		memcpy(buf + off, &q, sizeof(q));
		memcpy(buf + off + sizeof(q), "/local/domain/0/domid", 22);
		off += sizeof(q) + 22;
	}
	if (fork() == 0) {
		ssize_t w = 0;

		for (size_t o = 0; o < off && w >= 0; o += (size_t)w)
			w = write(fd, buf + o, off - o);
		_exit(0);
	}
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(raw_recv(fd, &h, body, sizeof(body)), 0);
		ck_assert_uint_eq(h.req_id, (uint32_t)i);
	}
	wait(NULL);
	close(fd);
}
END_TEST

START_TEST(test_raw_control_directory_part)
{
	struct xsd_sockmsg h;
	char body[8192];
	int fd = raw_connect();

	raw_send(fd, XS_CONTROL, 1, "quota", 6);
	ck_assert_int_eq(raw_recv(fd, &h, body, sizeof(body)), 0);
	ck_assert_ptr_nonnull(strstr(body, "nodes 1000\n"));
	raw_send(fd, XS_CONTROL, 2,
		 "quota\0set\0watches\0"
		 "64",
		 21);
	ck_assert_int_eq(raw_recv(fd, &h, body, sizeof(body)), 0);
	ck_assert_str_eq(body, "OK");
	raw_send(fd, XS_CONTROL, 3, "log\0on", 7);
	ck_assert_int_eq(raw_recv(fd, &h, body, sizeof(body)), 0);
	ck_assert_str_eq(body, "OK");
	raw_send(fd, XS_CONTROL, 4, "nope", 5);
	ck_assert_int_eq(raw_recv(fd, &h, body, sizeof(body)), 0);
	ck_assert_str_eq(body, "EINVAL");
	raw_send(fd, XS_DIRECTORY_PART, 5,
		 "/tool\0"
		 "0",
		 8);
	ck_assert_int_eq(raw_recv(fd, &h, body, sizeof(body)), 0);
	ck_assert_uint_eq(h.type, XS_DIRECTORY_PART);
	/* "<gen>\0xenstored\0\0" */
	ck_assert_uint_eq(h.len, strlen(body) + 1 + 11);
	ck_assert_mem_eq(body + strlen(body) + 1, "xenstored\0\0", 11);
	close(fd);
}
END_TEST

/* --- guest rings (needs /dev/kvm and xylem-hv) --- */

struct test_guest {
	xyl_domid_t domid;
	uint32_t port;
	struct xylctl_guest_mem mem;
	struct xenstore_domain_interface *intf;
};

static void
guest_make(struct xylctl *x, const char *name, struct test_guest *g)
{
	struct xylctl_domain_spec spec = {
		.name = name, .mem_kib = 16384, .vcpus = 1, .ramdisk_fd = -1};
	char kernel[4096];

	ck_assert_int_eq(proc_guest_path(kernel, sizeof(kernel)), 0);
	spec.kernel_fd = open(kernel, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(spec.kernel_fd, 0);
	ck_assert_int_eq(xylctl_domain_create(x, &spec, &g->domid), 0);
	close(spec.kernel_fd);
	ck_assert_int_eq(xylctl_evtchn_alloc_unbound(x, g->domid, 0, &g->port),
			 0);
	ck_assert_int_eq(xylctl_map_guest(x, g->domid, &g->mem), 0);
	g->intf = xylctl_gpa(&g->mem, g->mem.layout.store_gfn * 4096, 4096);
	ck_assert_ptr_nonnull(g->intf);
}

/* Put one request on the guest's ring, as its xenbus would. */
static void
guest_put_request(struct test_guest *g, uint32_t type, const char *body,
		  uint32_t len)
{
	struct xsd_sockmsg h = {type, 42, 0, len};
	uint32_t prod = g->intf->req_prod;

	memcpy(g->intf->req + prod, &h, sizeof(h));
	memcpy(g->intf->req + prod + sizeof(h), body, len);
	__atomic_store_n(&g->intf->req_prod, prod + sizeof(h) + len,
			 __ATOMIC_RELEASE);
}

static int
wait_u32(volatile uint32_t *p, uint32_t want, int timeout_ms)
{
	int waited;

	for (waited = 0; waited < timeout_ms; waited += 10) {
		if (*p == want)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

static void
expect_special(struct xs_handle *w, const char *name)
{
	char **ev = read_watch_timeout(w, 10000);

	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(ev[XS_WATCH_PATH], name);
	free(ev);
}

START_TEST(test_guest_rings)
{
	static struct harness_hv hv;
	struct test_guest g1, g2;
	struct xs_handle *h, *w;
	struct xsd_sockmsg rsp;
	char path[64], *v, bin[4096];
	struct xylctl *x;
	unsigned int len;
	pid_t xs2;
	int waited;

	if (harness_skip_reason()) {
		printf("skip guest rings: %s\n", harness_skip_reason());
		return;
	}
	ck_assert_int_eq(harness_hv_start(&hv, NULL, 10000), 0);
	ck_assert_int_eq(proc_bin_path("xylem-xenstored", bin, sizeof(bin)), 0);
	xs2 = fork();
	if (xs2 == 0) {
		execl(bin, "xylem-xenstored", "--rundir", hv.rundir,
		      (char *)NULL);
		_exit(127);
	}
	snprintf(sock_path, sizeof(sock_path), "%s/xenstored/socket",
		 hv.rundir);
	ck_assert_int_eq(harness_wait_stream_socket(sock_path, 10000), 0);
	setenv("XENSTORED_PATH", sock_path, 1);
	h = xs_open(0);
	w = xs_open(0);
	ck_assert_ptr_nonnull(h);
	ck_assert(xs_watch(w, "@introduceDomain", "i"));
	expect_special(w, "@introduceDomain");
	ck_assert(xs_watch(w, "@releaseDomain", "r"));
	expect_special(w, "@releaseDomain");
	ck_assert_int_eq(xylctl_open(hv.rundir, &x), 0);

	/* A request already on the ring is served at INTRODUCE. */
	guest_make(x, "xs-ring", &g1);
	snprintf(path, sizeof(path), "/local/domain/%u/name", g1.domid);
	ck_assert(xs_write(h, XBT_NULL, path, "xs-ring", 7));
	guest_put_request(&g1, XS_READ, "name", 5);
	ck_assert(xs_introduce_domain(h, g1.domid, g1.mem.layout.store_gfn,
				      g1.port));
	expect_special(w, "@introduceDomain");
	ck_assert(xs_is_domain_introduced(h, g1.domid));
	/* the guest may not read a dom0-owned node */
	ck_assert_int_eq(wait_u32(&g1.intf->rsp_prod, sizeof(rsp) + 7, 10000),
			 0);
	memcpy(&rsp, g1.intf->rsp, sizeof(rsp));
	ck_assert_uint_eq(rsp.type, XS_ERROR);
	ck_assert_uint_eq(rsp.req_id, 42);
	ck_assert_mem_eq(g1.intf->rsp + sizeof(rsp), "EACCES", 7);
	ck_assert_uint_ne(g1.intf->server_features, 0);

	/* A corrupt ring: a producer far ahead. Only that guest suffers. */
	guest_make(x, "xs-bad", &g2);
	g2.intf->req_prod = 5000;
	ck_assert(xs_introduce_domain(h, g2.domid, g2.mem.layout.store_gfn,
				      g2.port));
	expect_special(w, "@introduceDomain");
	ck_assert_int_eq(
		wait_u32(&g2.intf->error, XENSTORE_ERROR_RINGIDX, 10000), 0);
	v = xs_read(h, XBT_NULL, path, &len);
	ck_assert_str_eq(v, "xs-ring");
	free(v);

	/* Death of a domain drops it and fires @releaseDomain. */
	ck_assert_int_eq(xylctl_domain_destroy(x, g1.domid), 0);
	expect_special(w, "@releaseDomain");
	for (waited = 0; waited < 5000 && xs_is_domain_introduced(h, g1.domid);
	     waited += 20)
		usleep(20000);
	ck_assert(!xs_is_domain_introduced(h, g1.domid));
	/* RELEASE of the other one. */
	ck_assert(xs_release_domain(h, g2.domid));
	expect_special(w, "@releaseDomain");
	ck_assert(!xs_is_domain_introduced(h, g2.domid));

	xylctl_unmap_guest(&g1.mem);
	xylctl_unmap_guest(&g2.mem);
	xylctl_domain_destroy(x, g2.domid);
	xylctl_close(x);
	xs_close(h);
	xs_close(w);
	kill(xs2, SIGTERM);
	waitpid(xs2, NULL, 0);
	harness_hv_stop(&hv);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("xenstored_integration");
	TCase *tu = tcase_create("xenstore-utils");
	TCase *tl = tcase_create("libxenstore");
	TCase *tr = tcase_create("hostile");
	TCase *tg = tcase_create("guest");
	SRunner *sr;
	int nf;

	tcase_add_unchecked_fixture(tu, suite_setup, NULL);
	tcase_add_unchecked_fixture(tr, NULL, suite_teardown);
	tcase_set_timeout(tu, 60);
	tcase_set_timeout(tl, 60);
	tcase_set_timeout(tr, 120);
	tcase_set_timeout(tg, 120);
	tcase_add_test(tu, test_utils_write_read);
	tcase_add_test(tu, test_utils_ls_list_exists);
	tcase_add_test(tu, test_utils_chmod_rm);
	tcase_add_test(tu, test_utils_watch);
	tcase_add_test(tl, test_lib_transaction_conflict);
	tcase_add_test(tl, test_lib_watches);
	tcase_add_test(tl, test_lib_perms_domain_path);
	tcase_add_test(tr, test_raw_errors);
	tcase_add_test(tr, test_raw_oversize_closes_only_that_client);
	tcase_add_test(tr, test_raw_flood);
	tcase_add_test(tr, test_raw_control_directory_part);
	tcase_add_test(tg, test_guest_rings);
	suite_add_tcase(s, tu);
	suite_add_tcase(s, tl);
	suite_add_tcase(s, tr);
	suite_add_tcase(s, tg);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
