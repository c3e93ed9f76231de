/*
 * tests/unit/hypervisor/ctl_server_test.c: the control server (control.c,
 * ctl_client.c, ctl_event.c and the handlers) on a real socket, with the
 * rest of xylem-hv faked (tests/lib/fake_ctl_world.c) and a thread playing
 * the loop.  Clients are libxylemctl and raw sockets: socket set-up,
 * round trips, hostile packets, fd hygiene, flooding, events from many
 * threads and a subscriber that falls behind.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "ctl_priv.h"
#include "fake_ctl_world.h"
#include "xylctl.h"

static char tmpdir[64];
static char rundir[128];
static char sock_path[160];
static struct hv *hv;
static pthread_t pump;
static atomic_bool pump_stop;

static void *
pump_main(void *arg)
{
	(void)arg;
	while (!atomic_load(&pump_stop))
		fake_ctl_pump(10);
	return NULL;
}

static void
rm_tree(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

static void
setup(void)
{
	strcpy(tmpdir, "/tmp/ctl-server-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(rundir, sizeof(rundir), "%s/run/xylem", tmpdir);
	snprintf(sock_path, sizeof(sock_path), "%s/hv.sock", rundir);
	hv = fake_ctl_hv_new(rundir, (gid_t)-1);
	fake_ctl_domain_add(hv, 3, "three");
	ck_assert_int_eq(ctl_server_start(hv), 0);
	atomic_store(&pump_stop, false);
	ck_assert_int_eq(pthread_create(&pump, NULL, pump_main, NULL), 0);
}

static void
teardown(void)
{
	atomic_store(&pump_stop, true);
	pthread_join(pump, NULL);
	ctl_server_stop(hv);
	fake_ctl_hv_free(hv);
	rm_tree();
}

static struct xylctl *
open_client(void)
{
	struct xylctl *x;

	ck_assert_int_eq(xylctl_open(rundir, &x), 0);
	return x;
}

static int
raw_connect(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	strcpy(sa.sun_path, sock_path);
	ck_assert_int_eq(connect(fd, (void *)&sa, sizeof(sa)), 0);
	return fd;
}

static int
raw_send(int fd, const void *buf, size_t len, const int *fds, unsigned n)
{
	union {
		char b[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr a;
	} cb;
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cm;

	if (n) {
		memset(&cb, 0, sizeof(cb));
		m.msg_control = cb.b;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
	}
	return sendmsg(fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 ? -errno : 0;
}

static ssize_t
raw_recv(int fd, void *buf, size_t len)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	ssize_t n;

	if (poll(&p, 1, 2000) != 1)
		return -ETIMEDOUT;
	n = recv(fd, buf, len, MSG_DONTWAIT);
	return n < 0 ? -errno : n;
}

static size_t
mk(void *buf, uint16_t type, uint32_t len, uint32_t seq)
{
	struct xyl_ctl_hdr h = {.magic = XYL_CTL_MAGIC,
				.version = XYL_CTL_VERSION,
				.type = type,
				.len = len,
				.seq = seq};

	memcpy(buf, &h, sizeof(h));
	return sizeof(h);
}

START_TEST(test_socket_setup)
{
	struct hv *other = fake_ctl_hv_new(rundir, (gid_t)-1);
	char path2[200], dir2[200];
	struct stat st;

	ck_assert_int_eq(stat(rundir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0755);
	ck_assert_int_eq(stat(sock_path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 0777, 0660);
	/* A second server on the same rundir: the first one answers. */
	ck_assert_int_eq(ctl_server_start(other), -EADDRINUSE);
	ck_assert_int_eq(stat(sock_path, &st), 0); /* left alone */
	/* A file that is not a socket is never removed. */
	snprintf(dir2, sizeof(dir2), "%s/other", tmpdir);
	mkdir(dir2, 0755);
	other->opt.rundir = dir2;
	snprintf(path2, sizeof(path2), "%s/other/hv.sock", tmpdir);
	close(open(path2, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	ck_assert_int_eq(ctl_server_start(other), -EEXIST);
	fake_ctl_hv_free(other);
}
END_TEST

START_TEST(test_stale_socket_and_stop)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct hv *other;
	char dir[80];
	int fd;

	snprintf(dir, sizeof(dir), "%s/stale", tmpdir);
	mkdir(dir, 0755);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/hv.sock", dir);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ck_assert_int_eq(bind(fd, (void *)&sa, sizeof(sa)), 0);
	close(fd); /* a socket file nobody listens on */
	other = fake_ctl_hv_new(dir, (gid_t)-1);
	ck_assert_int_eq(ctl_server_start(other), 0);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(connect(fd, (void *)&sa, sizeof(sa)), 0);
	close(fd);
	ctl_server_stop(other);
	ck_assert_int_eq(access(sa.sun_path, F_OK), -1); /* unlinked */
	ck_assert_ptr_null(other->ctl);
	ctl_server_stop(other); /* twice is harmless */
	fake_ctl_hv_free(other);
}
END_TEST

START_TEST(test_round_trips)
{
	struct xyl_ctl_host_info_reply h;
	struct xyl_ctl_gnttab_frames_reply fr;
	struct xylctl_guest_mem mem;
	struct xyl_dominfo info, *all;
	struct xylctl *x = open_client();
	xyl_domid_t domid;
	uint64_t v, pos = 0;
	char buf[128];
	size_t nr, len;

	ck_assert_int_eq(xylctl_host_info(x, &h), 0);
	ck_assert_uint_eq(h.tsc_khz, 1234567);
	ck_assert_str_eq(h.kvm_flavour, "pvm");
	ck_assert_uint_eq(h.nr_domains, 1);
	ck_assert_uint_eq(h.xen_major, 4);
	ck_assert_int_eq(xylctl_domain_getinfo(x, 3, &info), 0);
	ck_assert_str_eq(info.name, "three");
	ck_assert_int_eq(xylctl_domain_getinfo(x, 4, &info), -ESRCH);
	ck_assert_str_eq(xylctl_last_detail(x), "no domain 4");
	ck_assert_int_eq(xylctl_domain_list(x, &all, &nr), 0);
	ck_assert_uint_eq(nr, 1);
	free(all);
	ck_assert_int_eq(xylctl_domain_lookup(x, "three", &domid), 0);
	ck_assert_uint_eq(domid, 3);
	ck_assert_int_eq(xylctl_domain_pause(x, 3), 0);
	ck_assert_int_eq(xylctl_domain_unpause(x, 3), 0);
	ck_assert_int_eq(xylctl_domain_shutdown(x, 3, 1), 0);
	ck_assert_uint_eq(fake_ctl_calls.pause, 1);
	ck_assert_uint_eq(fake_ctl_calls.unpause, 1);
	ck_assert_uint_eq(fake_ctl_calls.last_shutdown_reason, 1);
	ck_assert_int_eq(xylctl_domain_shutdown(x, 3, 9), -EINVAL);
	ck_assert_int_eq(xylctl_hvm_param_set(x, 3, 17, 0xabc), 0);
	ck_assert_int_eq(xylctl_hvm_param_get(x, 3, 17, &v), 0);
	ck_assert_uint_eq(v, 0xabc);
	ck_assert_int_eq(xylctl_map_guest(x, 3, &mem), 0);
	ck_assert_uint_eq(mem.layout.console_gfn, 0xabc);
	ck_assert_uint_eq(mem.layout.store_gfn, 0xfe001);
	ck_assert_uint_eq(mem.layout.memfd_bytes, 80 << 10);
	ck_assert_ptr_nonnull(xylctl_gpa(&mem, 0xfe000000ull, 16 << 10));
	xylctl_unmap_guest(&mem);
	ck_assert_int_eq(xylctl_gnttab_frames(x, 3, &fr), 0);
	ck_assert_uint_eq(fr.nr_frames, 4);
	ck_assert_int_eq(xylctl_dmesg(x, &pos, 0, buf, sizeof(buf), &len), 0);
	ck_assert_int_eq(memcmp(buf, "xylem-hv: hello", 15), 0);
	ck_assert_int_eq(
		xylctl_console_read(x, 3, &pos, buf, sizeof(buf), &len), 0);
	ck_assert_uint_eq(len, 0); /* pos is at the end already */
	ck_assert_int_eq(xylctl_domain_destroy(x, 3), 0);
	ck_assert_int_eq(xylctl_domain_getinfo(x, 3, &info), -ESRCH);
	xylctl_close(x);
}
END_TEST

/* Issue 8's requests through the real handlers (ctl_sched.c) and the
 * real credit.c/smp.c on a fake domain: it has no vCPUs and no cgroup. */
START_TEST(test_sched_requests)
{
	struct xyl_ctl_vcpu_list_reply l;
	struct xylctl *x = open_client();
	uint32_t w, c;

	ck_assert_int_eq(xylctl_sched_credit_set(x, 3, 512, XYL_SCHED_KEEP), 0);
	ck_assert_int_eq(xylctl_sched_credit_get(x, 3, &w, &c), 0);
	ck_assert_uint_eq(w, 512);
	ck_assert_uint_eq(c, 0);
	/* cap > 100 * nr_vcpus (0 here) */
	ck_assert_int_eq(xylctl_sched_credit_set(x, 3, 0, 50), -EINVAL);
	ck_assert_int_eq(xylctl_sched_credit_set(x, 3, 70000, 0), -EINVAL);
	ck_assert_int_eq(xylctl_sched_credit_get(x, 4, &w, &c), -ESRCH);
	ck_assert_int_eq(xylctl_vcpu_list(x, 3, &l), 0);
	ck_assert_uint_eq(l.nr_vcpus, 0);
	ck_assert_int_eq(xylctl_vcpu_pin(x, 3, 0, 1), -EINVAL);
	ck_assert_int_eq(xylctl_vcpu_pin(x, 3, XYL_VCPU_ALL, 0), -EINVAL);
	ck_assert_int_eq(xylctl_vcpu_pin(x, 3, 64, 1), -EINVAL);
	ck_assert_int_eq(xylctl_vcpu_set(x, 3, 1), -EINVAL);
	ck_assert_int_eq(xylctl_vcpu_set(x, 3, 0), -EINVAL);
	xylctl_close(x);
}
END_TEST

static int
kernel_memfd(const char *bytes)
{
	int fd = memfd_create("kernel", MFD_CLOEXEC);

	ck_assert_int_eq(write(fd, bytes, strlen(bytes)), strlen(bytes));
	return fd;
}

START_TEST(test_create)
{
	struct xylctl_domain_spec s = {
		.name = "web", .mem_kib = 65536, .vcpus = 1, .ramdisk_fd = -1};
	struct xylctl *x = open_client();
	xyl_domid_t domid;

	s.kernel_fd = kernel_memfd("\177ELF....");
	ck_assert_int_eq(xylctl_domain_create(x, &s, &domid), 0);
	ck_assert_uint_eq(domid, 1);
	close(s.kernel_fd);
	s.kernel_fd = kernel_memfd("#!/bin/sh");
	ck_assert_int_eq(xylctl_domain_create(x, &s, &domid), -ENOEXEC);
	ck_assert_str_eq(xylctl_last_detail(x),
			 "create web: kernel: not an ELF image");
	s.name = "123";
	ck_assert_int_eq(xylctl_domain_create(x, &s, &domid), -EINVAL);
	ck_assert_str_eq(xylctl_last_detail(x), "name must not be all digits");
	ck_assert_uint_eq(fake_ctl_calls.create, 2);
	close(s.kernel_fd);
	xylctl_close(x);
}
END_TEST

/* Hostile packets on one connection: each answered, connection usable,
 * and an fd sent where none is taken is closed by the server. */
START_TEST(test_hostile_raw)
{
	struct {
		struct xyl_ctl_reply r;
		uint8_t body[8192];
	} rep;
	uint8_t buf[256];
	int fd = raw_connect(), p[2];
	size_t n;
	char c;

	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(raw_send(fd, buf, 0, NULL, 0), 0); /* empty */
	ck_assert_int_eq(raw_recv(fd, &rep, sizeof(rep)), sizeof(rep.r));
	ck_assert_uint_eq(rep.r.hdr.type, XYL_CTL_ERROR_REPLY);
	ck_assert_int_eq(rep.r.err, -EINVAL);
	n = mk(buf, XYL_CTL_HOST_INFO, 0, 9);
	buf[0] = 'Z';
	ck_assert_int_eq(raw_send(fd, buf, n, NULL, 0), 0);
	ck_assert_int_eq(raw_recv(fd, &rep, sizeof(rep)), sizeof(rep.r));
	ck_assert_int_eq(rep.r.err, -EPROTO);
	ck_assert_uint_eq(rep.r.hdr.seq, 9);
	/* an fd with HOST_INFO: refused, and the server's copy closed */
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	n = mk(buf, XYL_CTL_HOST_INFO, 0, 10);
	ck_assert_int_eq(raw_send(fd, buf, n, &p[1], 1), 0);
	close(p[1]);
	ck_assert_int_eq(raw_recv(fd, &rep, sizeof(rep)), sizeof(rep.r));
	ck_assert_int_eq(rep.r.err, -EINVAL);
	ck_assert_msg(strstr(rep.r.detail, "takes no fds"), "%s", rep.r.detail);
	ck_assert_int_eq(read(p[0], &c, 1), 0); /* EOF: no copy left open */
	close(p[0]);
	/* and a good one still works */
	n = mk(buf, XYL_CTL_HOST_INFO, 0, 11);
	ck_assert_int_eq(raw_send(fd, buf, n, NULL, 0), 0);
	ck_assert_int_eq(raw_recv(fd, &rep, sizeof(rep)),
			 sizeof(rep.r) +
				 sizeof(struct xyl_ctl_host_info_reply));
	ck_assert_int_eq(rep.r.err, 0);
	ck_assert_uint_eq(rep.r.hdr.seq, 11);
	close(fd);
}
END_TEST

/* Event channels bound by a connection are closed with it. */
START_TEST(test_evtchn_owner)
{
	struct xylctl *x = open_client(), *y = open_client();
	struct xylctl_evtchn e, e2;
	uint32_t port;
	int i;

	ck_assert_int_eq(xylctl_evtchn_alloc_unbound(x, 3, 0, &port), 0);
	ck_assert_uint_eq(port, 5);
	ck_assert_int_eq(xylctl_evtchn_bind_interdomain(x, 3, 7, &e2), -EINVAL);
	ck_assert_int_eq(xylctl_evtchn_bind_interdomain(x, 3, 5, &e), 0);
	ck_assert_int_ge(e.notify_fd, 0);
	ck_assert_int_ge(e.kick_fd, 0);
	ck_assert_int_eq(xylctl_evtchn_notify(&e), 0);
	/* another connection may not close it */
	e2 = e;
	e2.notify_fd = e2.kick_fd = -1;
	ck_assert_int_eq(xylctl_evtchn_close(y, &e2), -EPERM);
	xylctl_close(x);
	for (i = 0; i < 200 && fake_ctl_calls.close_owner == 0; i++)
		usleep(5000);
	ck_assert_uint_eq(fake_ctl_calls.close_owner, 1);
	close(e.notify_fd);
	close(e.kick_fd);
	xylctl_close(y);
}
END_TEST

/* Events emitted by several threads all reach a reading subscriber, in
 * each thread's order. */
#define EMITTERS    4
#define PER_EMITTER 50

static void *
emitter(void *arg)
{
	struct xyl_ctl_event ev;
	uint32_t i;

	memset(&ev, 0, sizeof(ev));
	ev.kind = XYL_EVENT_CONSOLE_OUTPUT;
	ev.domid = (xyl_domid_t)(uintptr_t)arg;
	ev.len = 1;
	for (i = 0; i < PER_EMITTER; i++) {
		ev.arg = i;
		ev.data[0] = (char)('a' + i % 26);
		ctl_emit_event(hv, &ev);
		if (i % 8 == 0)
			usleep(1000);
	}
	return NULL;
}

START_TEST(test_events_threads)
{
	uint32_t next[EMITTERS] = {0};
	pthread_t t[EMITTERS];
	struct xyl_ctl_event ev;
	struct xylctl *e;
	int i, got = 0;

	ck_assert_int_eq(xylctl_events_open(rundir, &e), 0);
	for (i = 0; i < EMITTERS; i++)
		pthread_create(&t[i], NULL, emitter, (void *)(uintptr_t)i);
	while (got < EMITTERS * PER_EMITTER) {
		ck_assert_int_eq(xylctl_event_next(e, &ev, 2000), 0);
		ck_assert_uint_lt(ev.domid, EMITTERS);
		ck_assert_uint_eq(ev.arg, next[ev.domid]);
		ck_assert_int_eq(ev.data[0], 'a' + ev.arg % 26);
		next[ev.domid]++;
		got++;
	}
	for (i = 0; i < EMITTERS; i++)
		pthread_join(t[i], NULL);
	ck_assert_int_eq(xylctl_event_next(e, &ev, 50), -ETIMEDOUT);
	xylctl_close(e);
}
END_TEST

/* A subscriber that does not read gets OVERFLOW as its last event, then
 * the connection closes; a request connection meanwhile is unaffected. */
START_TEST(test_event_overflow)
{
	struct xyl_ctl_host_info_reply h;
	struct xyl_ctl_event ev;
	struct xylctl *e, *x;
	int i, got = 0, rc;

	ck_assert_int_eq(xylctl_events_open(rundir, &e), 0);
	memset(&ev, 0, sizeof(ev));
	ev.kind = XYL_EVENT_DOMAIN_CREATED;
	for (i = 0; i < 5000; i++) {
		ev.arg = (uint32_t)i;
		ctl_emit_event(hv, &ev);
		if (i % 100 == 99)
			usleep(5000); /* let the loop fan out */
	}
	usleep(50000);
	x = open_client();
	ck_assert_int_eq(xylctl_host_info(x, &h), 0);
	xylctl_close(x);
	while ((rc = xylctl_event_next(e, &ev, 2000)) == 0) {
		ck_assert_uint_eq(ev.arg, (uint32_t)got);
		got++;
	}
	ck_assert_int_eq(rc, -ENOBUFS);
	ck_assert_int_gt(got, CTL_OUT_MAX_PKTS / 2);
	ck_assert_int_lt(got, 5000);
	ck_assert_int_eq(xylctl_event_next(e, &ev, 2000), -EPIPE);
	xylctl_close(e);
}
END_TEST

/* A filtered subscriber sees only its domain's events; one subscriber
 * falling behind does not disturb the others. */
START_TEST(test_event_filter)
{
	struct xyl_ctl_event ev;
	struct xylctl *only7, *all, *slow;
	int i;

	ck_assert_int_eq(xylctl_events_open_domain(rundir, 7, &only7), 0);
	ck_assert_int_eq(xylctl_events_open(rundir, &all), 0);
	ck_assert_int_eq(xylctl_events_open_domain(rundir, 9, &slow), 0);
	memset(&ev, 0, sizeof(ev));
	ev.kind = XYL_EVENT_DOMAIN_PAUSED;
	for (i = 0; i < 10; i++) {
		ev.domid = 7 + (i % 2); /* 7, 8, 7, 8... */
		ev.arg = (uint32_t)i;
		ctl_emit_event(hv, &ev);
	}
	for (i = 0; i < 10; i++) {
		ck_assert_int_eq(xylctl_event_next(all, &ev, 2000), 0);
		ck_assert_uint_eq(ev.arg, (uint32_t)i);
	}
	for (i = 0; i < 10; i += 2) {
		ck_assert_int_eq(xylctl_event_next(only7, &ev, 2000), 0);
		ck_assert_uint_eq(ev.domid, 7);
		ck_assert_uint_eq(ev.arg, (uint32_t)i);
	}
	ck_assert_int_eq(xylctl_event_next(only7, &ev, 50), -ETIMEDOUT);
	/* dom 9 floods its never-reading subscriber into OVERFLOW ... */
	ev.domid = 9;
	for (i = 0; i < 5000; i++) {
		ctl_emit_event(hv, &ev);
		if (i % 200 == 199)
			usleep(5000);
	}
	/* ... while dom 7's subscriber carries on */
	ev.domid = 7;
	ev.arg = 99;
	ctl_emit_event(hv, &ev);
	ck_assert_int_eq(xylctl_event_next(only7, &ev, 2000), 0);
	ck_assert_uint_eq(ev.arg, 99);
	while ((i = xylctl_event_next(slow, &ev, 2000)) == 0)
		;
	ck_assert_int_eq(i, -ENOBUFS);
	xylctl_close(only7);
	xylctl_close(all);
	xylctl_close(slow);
}
END_TEST

/* A client that floods requests without reading is dropped; another is
 * served meanwhile. */
START_TEST(test_flood)
{
	struct xyl_ctl_host_info_reply h;
	uint8_t buf[4096];
	struct xylctl *x = open_client();
	int fd = raw_connect(), i, sent = 0;
	ssize_t r;

	for (i = 0; i < 5000; i++) {
		size_t n = mk(buf, XYL_CTL_HOST_INFO, 0, (uint32_t)i);
		int rc = raw_send(fd, buf, n, NULL, 0);

		if (rc == -EAGAIN) {
			usleep(1000);
			continue;
		}
		if (rc)
			break;
		sent++;
	}
	ck_assert_int_gt(sent, CTL_OUT_MAX_PKTS);
	ck_assert_int_eq(xylctl_host_info(x, &h), 0);
	do
		r = raw_recv(fd, buf, sizeof(buf));
	while (r > 0);
	ck_assert_msg(r == 0 || r == -ECONNRESET, "not dropped: %zd", r);
	close(fd);
	ck_assert_int_eq(xylctl_host_info(x, &h), 0);
	xylctl_close(x);
}
END_TEST

START_TEST(test_peer_allowed)
{
	gid_t groups[2] = {4242, 4343};

	hv->opt.ctl_gid = (gid_t)-1;
	ck_assert_int_eq(ctl_peer_allowed(hv, getpid(), 0, 0), 0);
	ck_assert_int_eq(ctl_peer_allowed(hv, getpid(), 1000, 1000), -EACCES);
	hv->opt.ctl_gid = 1000;
	ck_assert_int_eq(ctl_peer_allowed(hv, getpid(), 1000, 1000), 0);
	hv->opt.ctl_gid = 4343;
	if (geteuid() != 0 || setgroups(2, groups) < 0)
		return; /* supplementary groups need root to set up */
	ck_assert_int_eq(ctl_peer_allowed(hv, getpid(), 1000, 1000), 0);
	hv->opt.ctl_gid = 4444;
	ck_assert_int_eq(ctl_peer_allowed(hv, getpid(), 1000, 1000), -EACCES);
	ck_assert_int_eq(ctl_peer_allowed(hv, 999999999, 1000, 1000),
			 -EACCES); /* no such pid */
}
END_TEST

static Suite *
ctl_server_suite(void)
{
	Suite *s = suite_create("ctl_server");
	TCase *tc = tcase_create("server");

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_socket_setup);
	tcase_add_test(tc, test_stale_socket_and_stop);
	tcase_add_test(tc, test_round_trips);
	tcase_add_test(tc, test_sched_requests);
	tcase_add_test(tc, test_create);
	tcase_add_test(tc, test_hostile_raw);
	tcase_add_test(tc, test_evtchn_owner);
	tcase_add_test(tc, test_events_threads);
	tcase_add_test(tc, test_event_overflow);
	tcase_add_test(tc, test_event_filter);
	tcase_add_test(tc, test_flood);
	tcase_add_test(tc, test_peer_allowed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ctl_server_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
