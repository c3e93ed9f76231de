/*
 * tests/integration/control_test.c: the control socket of a live
 * xylem-hv (private rundir, --group 100): hostile raw packets get error
 * replies while a second connection keeps working, a flooding client is
 * dropped without blocking others, non-members are refused (file mode
 * and SO_PEERCRED), group members are accepted, host info, events, logs,
 * and a second xylem-hv on the same rundir refuses to start.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "xylctl.h"

#define CTL_GROUP 100 /* "users": a group nobody (65534) is not in */
#define NOBODY	  65534

static struct harness_hv hv;

static void
start_hv(void)
{
	static const char *const args[] = {"--group", "100", NULL};
	int rc = harness_hv_start(&hv, args, 10000);

	if (rc)
		fprintf(stderr, "control_test: xylem-hv did not start: %s\n",
			strerror(-rc));
}

static void
stop_hv(void)
{
	harness_hv_stop(&hv);
}

/* ---- raw packets ---- */

struct raw_reply {
	struct xyl_ctl_reply r;
	uint8_t body[8192];
};

static int
raw_send(int fd, const void *buf, size_t len, const int *fds, unsigned nfds)
{
	union {
		char b[CMSG_SPACE(sizeof(int) * 8)];
		struct cmsghdr a;
	} cb;
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cm;

	if (nfds) {
		memset(&cb, 0, sizeof(cb));
		m.msg_control = cb.b;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	return sendmsg(fd, &m, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* Receive one packet (5 s at most); its length, 0 at EOF, or -errno. */
static ssize_t
raw_recv(int fd, struct raw_reply *rep)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	ssize_t n;

	memset(rep, 0, sizeof(*rep));
	if (poll(&p, 1, 5000) != 1)
		return -ETIMEDOUT;
	n = recv(fd, rep, sizeof(*rep), 0);
	return n < 0 ? -errno : n;
}

static int
raw_connect(void)
{
	int fd = harness_connect(hv.sock_path);

	ck_assert_msg(fd >= 0, "connect: %s", strerror(-fd));
	return fd;
}

static size_t
mk(uint8_t *buf, uint16_t type, uint32_t len, uint32_t seq)
{
	struct xyl_ctl_hdr h = {.magic = XYL_CTL_MAGIC,
				.version = XYL_CTL_VERSION,
				.type = type,
				.len = len,
				.seq = seq};

	memcpy(buf, &h, sizeof(h));
	return sizeof(h);
}

/* A well-formed HOST_INFO on a raw connection answers correctly. */
static void
raw_host_info_ok(int fd, uint32_t seq)
{
	uint8_t buf[64];
	struct raw_reply rep;
	size_t n = mk(buf, XYL_CTL_HOST_INFO, 0, seq);

	ck_assert_int_eq(raw_send(fd, buf, n, NULL, 0), 0);
	ck_assert_int_eq(raw_recv(fd, &rep),
			 sizeof(rep.r) +
				 sizeof(struct xyl_ctl_host_info_reply));
	ck_assert_uint_eq(rep.r.hdr.type, XYL_CTL_HOST_INFO);
	ck_assert_uint_eq(rep.r.hdr.seq, seq);
	ck_assert_int_eq(rep.r.err, 0);
}

static void
lib_host_info_ok(void)
{
	struct xyl_ctl_host_info_reply h;
	struct xylctl *x;

	ck_assert_int_eq(xylctl_open(hv.rundir, &x), 0);
	ck_assert_int_eq(xylctl_host_info(x, &h), 0);
	xylctl_close(x);
}

START_TEST(test_host_info)
{
	struct xyl_ctl_host_info_reply h;
	struct xylctl *x;

	ck_assert_int_eq(xylctl_open(hv.rundir, &x), 0);
	ck_assert_int_eq(xylctl_host_info(x, &h), 0);
	ck_assert_uint_ge(h.nr_cpus, 1);
	ck_assert_uint_gt(h.total_kib, 0);
	ck_assert_uint_gt(h.free_kib, 0);
	ck_assert_uint_le(h.free_kib, h.total_kib);
	ck_assert_uint_eq(h.nr_domains, 0);
	ck_assert_uint_gt(h.tsc_khz, 0);
	ck_assert_uint_eq(h.xen_major, 4);
	ck_assert_msg(strncmp(h.hv_version, "xylem-hv", 8) == 0, "%s",
		      h.hv_version);
	ck_assert_msg(h.kvm_flavour[0], "no flavour");
	xylctl_close(x);
}
END_TEST

/* Hostile packets, one per loop index: each gets an ERROR_REPLY with
 * the expected errno and a detail, the connection stays usable, and a
 * second connection is undisturbed. */
START_TEST(test_hostile_packets)
{
	static uint8_t buf[70000];
	struct xyl_ctl_domain_create create;
	struct raw_reply rep;
	int fd = raw_connect(), devnull, fds[6], i;
	int want = -EINVAL;
	size_t n = 0;
	uint32_t seq = 1000 + (uint32_t)_i;

	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	for (i = 0; i < 6; i++)
		fds[i] = devnull;
	memset(buf, 0, sizeof(buf));
	memset(&create, 0, sizeof(create));
	switch (_i) {
	case 0: /* empty packet */
		n = 0;
		break;
	case 1: /* shorter than a header */
		n = 3;
		break;
	case 2:
		n = mk(buf, XYL_CTL_HOST_INFO, 0, seq);
		buf[0] ^= 0xff;
		want = -EPROTO;
		break;
	case 3:
		n = mk(buf, XYL_CTL_HOST_INFO, 0, seq);
		buf[4] = 7; /* version */
		want = -EPROTO;
		break;
	case 4:
		n = mk(buf, 999, 0, seq);
		break;
	case 5:
		n = mk(buf, XYL_CTL_EVENT, 0, seq);
		break;
	case 6: /* header says 8 bytes follow, none do */
		n = mk(buf, XYL_CTL_DOMAIN_GETINFO, 8, seq);
		break;
	case 7: /* huge len */
		n = mk(buf, XYL_CTL_DOMAIN_GETINFO, 0xffffffffu, seq) + 8;
		break;
	case 8: /* consistent but wrong size for the type */
		n = mk(buf, XYL_CTL_DOMAIN_GETINFO, 12, seq) + 12;
		break;
	case 9: /* name without NUL */
		memset(create.name, 'a', sizeof(create.name));
		create.mem_kib = 65536;
		create.vcpus = 1;
		n = mk(buf, XYL_CTL_DOMAIN_CREATE, sizeof(create), seq);
		memcpy(buf + n, &create, sizeof(create));
		n += sizeof(create);
		break;
	case 10: /* non-zero pad */
		n = mk(buf, XYL_CTL_DOMAIN_PAUSE, 8, seq) + 8;
		buf[n - 1] = 1;
		break;
	case 11: /* an fd HOST_INFO does not take */
		n = mk(buf, XYL_CTL_HOST_INFO, 0, seq);
		ck_assert_int_eq(raw_send(fd, buf, n, fds, 1), 0);
		n = (size_t)-1;
		break;
	case 12: /* DOMAIN_CREATE without its kernel fd */
		strcpy(create.name, "nokernel");
		create.mem_kib = 65536;
		create.vcpus = 1;
		n = mk(buf, XYL_CTL_DOMAIN_CREATE, sizeof(create), seq);
		memcpy(buf + n, &create, sizeof(create));
		n += sizeof(create);
		break;
	case 13: /* bigger than any packet: truncated */
		n = mk(buf, XYL_CTL_HOST_INFO, sizeof(buf) - 16, seq);
		n = sizeof(buf);
		break;
	case 14: /* more fds than any request carries */
		n = mk(buf, XYL_CTL_HOST_INFO, 0, seq);
		ck_assert_int_eq(raw_send(fd, buf, n, fds, 6), 0);
		n = (size_t)-1;
		break;
	}
	if (n != (size_t)-1)
		ck_assert_int_eq(raw_send(fd, buf, n, NULL, 0), 0);
	close(devnull);
	ck_assert_int_eq(raw_recv(fd, &rep), sizeof(rep.r));
	ck_assert_uint_eq(rep.r.hdr.type, XYL_CTL_ERROR_REPLY);
	ck_assert_int_eq(rep.r.err, want);
	ck_assert_uint_eq(rep.r.hdr.seq, n >= 16 ? seq : 0);
	ck_assert_msg(rep.r.detail[0], "case %d: empty detail", _i);
	ck_assert_ptr_nonnull(memchr(rep.r.detail, 0, sizeof(rep.r.detail)));
	raw_host_info_ok(fd, seq + 1); /* same connection still works */
	lib_host_info_ok();	       /* and others were not disturbed */
	close(fd);
	ck_assert(harness_hv_alive(&hv));
}
END_TEST

/* A client that sends without reading is dropped; others keep working. */
START_TEST(test_flood)
{
	uint8_t buf[32];
	struct raw_reply rep;
	int fd = raw_connect(), i, sent = 0;
	ssize_t r;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (i = 0; i < 20000; i++) {
		size_t n = mk(buf, XYL_CTL_HOST_INFO, 0, (uint32_t)i + 1);

		if (send(fd, buf, n, MSG_NOSIGNAL) < 0) {
			if (errno == EAGAIN) {
				usleep(1000);
				if (!harness_hv_alive(&hv))
					break;
				continue;
			}
			break; /* EPIPE/ECONNRESET: dropped */
		}
		sent++;
	}
	ck_assert_int_gt(sent, 64);
	lib_host_info_ok();
	/* Drain what was queued: the connection must end (EOF/reset). */
	fcntl(fd, F_SETFL, 0);
	do
		r = raw_recv(fd, &rep);
	while (r > 0);
	ck_assert_msg(r == 0 || r == -ECONNRESET, "flooder not dropped: %zd",
		      r);
	close(fd);
	lib_host_info_ok();
}
END_TEST

/* Run fn in a child with uid/gid nobody and the given supplementary
 * groups; returns the child's exit code. */
static int
as_nobody(int (*fn)(void), const gid_t *groups, int nr_groups)
{
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (setgroups((size_t)nr_groups, groups) < 0 ||
		    setgid(NOBODY) < 0 || setuid(NOBODY) < 0)
			_exit(100);
		_exit(fn());
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* 0 if refused: connect fails with EACCES, or the daemon answers with an
 * -EACCES ERROR_REPLY and closes. */
static int
child_expect_refused(void)
{
	struct raw_reply rep;
	uint8_t buf[32];
	int fd = harness_connect(hv.sock_path);
	ssize_t n;

	if (fd == -EACCES)
		return 0;
	if (fd < 0)
		return 10;
	(void)buf;
	n = raw_recv(fd, &rep); /* refused peers are told without asking */
	if (n == (ssize_t)sizeof(rep.r) &&
	    rep.r.hdr.type == XYL_CTL_ERROR_REPLY && rep.r.err == -EACCES) {
		n = raw_recv(fd, &rep);
		return n == 0 || n == -ECONNRESET ? 0 : 11;
	}
	return n == 0 ? 0 : 12;
}

static int
child_expect_accepted(void)
{
	struct xyl_ctl_host_info_reply h;
	struct xylctl *x;
	int rc = xylctl_open(hv.rundir, &x);

	if (rc)
		return 20;
	rc = xylctl_host_info(x, &h);
	xylctl_close(x);
	return rc ? 21 : 0;
}

START_TEST(test_nonmember_refused)
{
	gid_t none[1] = {NOBODY};

	/* The socket's mode (0660, group 100) already keeps nobody out. */
	ck_assert_int_eq(as_nobody(child_expect_refused, none, 1), 0);
	/* With the file wide open, SO_PEERCRED at accept must refuse. */
	ck_assert_int_eq(chmod(hv.sock_path, 0666), 0);
	ck_assert_int_eq(as_nobody(child_expect_refused, none, 1), 0);
	ck_assert_int_eq(chmod(hv.sock_path, 0660), 0);
	lib_host_info_ok();
}
END_TEST

START_TEST(test_member_accepted)
{
	gid_t member[1] = {CTL_GROUP};
	struct stat st;

	ck_assert_int_eq(stat(hv.sock_path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0660);
	ck_assert_uint_eq(st.st_gid, CTL_GROUP);
	/* A supplementary member, through the file mode and /proc Groups. */
	ck_assert_int_eq(as_nobody(child_expect_accepted, member, 1), 0);
}
END_TEST

START_TEST(test_domain_errors)
{
	struct xyl_dominfo info, *all;
	struct xylctl *x;
	uint64_t v;
	size_t nr;

	ck_assert_int_eq(xylctl_open(hv.rundir, &x), 0);
	ck_assert_int_eq(xylctl_domain_getinfo(x, 4000, &info), -ESRCH);
	ck_assert_str_eq(xylctl_last_detail(x), "no domain 4000");
	ck_assert_int_eq(xylctl_domain_pause(x, 4000), -ESRCH);
	ck_assert_int_eq(xylctl_domain_destroy(x, 4000), -ESRCH);
	ck_assert_int_eq(xylctl_hvm_param_get(x, 4000, 1, &v), -ESRCH);
	ck_assert_int_eq(xylctl_hvm_param_get(x, 1, 1000, &v), -EINVAL);
	ck_assert_msg(strstr(xylctl_last_detail(x), "index"), "%s",
		      xylctl_last_detail(x));
	ck_assert_int_eq(xylctl_domain_list(x, &all, &nr), 0);
	ck_assert_uint_eq(nr, 0);
	free(all);
	xylctl_close(x);
}
END_TEST

/* DOMAIN_CREATE with a kernel fd that is not a PVH kernel: an error with
 * a detail, and nothing left behind. */
START_TEST(test_create_bad_kernel)
{
	struct xylctl_domain_spec s = {.name = "badkernel",
				       .mem_kib = 16384,
				       .vcpus = 1,
				       .ramdisk_fd = -1};
	struct xyl_dominfo *all;
	struct xylctl *x;
	xyl_domid_t domid;
	size_t nr;
	int rc;

	s.kernel_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(s.kernel_fd, 0);
	ck_assert_int_eq(xylctl_open(hv.rundir, &x), 0);
	rc = xylctl_domain_create(x, &s, &domid);
	ck_assert_msg(rc < 0, "created a domain from /dev/null");
	ck_assert_msg(xylctl_last_detail(x)[0], "no detail");
	ck_assert_int_eq(xylctl_domain_list(x, &all, &nr), 0);
	ck_assert_uint_eq(nr, 0);
	free(all);
	close(s.kernel_fd);
	xylctl_close(x);
}
END_TEST

START_TEST(test_events_and_logs)
{
	struct xyl_ctl_event ev;
	struct xylctl *e, *x;
	uint64_t pos = 0;
	char buf[4096];
	size_t len;

	ck_assert_int_eq(xylctl_events_open(hv.rundir, &e), 0);
	ck_assert_int_eq(xylctl_event_next(e, &ev, 100), -ETIMEDOUT);
	xylctl_close(e);
	ck_assert_int_eq(xylctl_open(hv.rundir, &x), 0);
	ck_assert_int_eq(xylctl_dmesg(x, &pos, 0, buf, sizeof(buf), &len), 0);
	ck_assert_uint_gt(len, 0);
	ck_assert_uint_gt(pos, 0);
	ck_assert_int_eq(
		xylctl_console_read(x, 4000, &pos, buf, sizeof(buf), &len),
		-ESRCH);
	xylctl_close(x);
}
END_TEST

/* A second xylem-hv on the same rundir exits; the first keeps serving. */
START_TEST(test_second_instance_refused)
{
	struct harness_hv second;
	int rc;

	int i, status;

	memset(&second, 0, sizeof(second));
	/* Its socket check succeeds at once: the first one answers there. */
	rc = harness_hv_start_in(&second, hv.rundir, NULL, 0);
	(void)rc;
	for (i = 0; i < 150 && harness_hv_alive(&second); i++)
		usleep(20000);
	status = harness_hv_stop(&second);
	ck_assert_msg(status >= 0 && WIFEXITED(status) &&
			      WEXITSTATUS(status) != 0,
		      "second xylem-hv did not refuse (status %d)", status);
	lib_host_info_ok();
}
END_TEST

/* A stale socket file (no server) is replaced at start. */
START_TEST(test_stale_socket_replaced)
{
	struct harness_hv h;
	char dir[] = "/tmp/xylem-stale.XXXXXX";
	char path[128];
	int fd, rc;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/hv.sock", dir);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	{
		struct sockaddr_un sa = {.sun_family = AF_UNIX};

		strcpy(sa.sun_path, path);
		ck_assert_int_eq(bind(fd, (void *)&sa, sizeof(sa)), 0);
	}
	close(fd); /* leaves the file, nobody listening */
	memset(&h, 0, sizeof(h));
	rc = harness_hv_start_in(&h, dir, NULL, 10000);
	if (rc)
		harness_hv_dump_log(&h);
	ck_assert_int_eq(rc, 0);
	harness_hv_stop(&h);
	harness_rm_rf(dir);
}
END_TEST

/* Wait for an event of kind for domid (others are skipped). */
static void
expect_event(struct xylctl *e, uint32_t kind, xyl_domid_t domid,
	     struct xyl_ctl_event *ev)
{
	int rc;

	do {
		rc = xylctl_event_next(e, ev, 10000);
		ck_assert_msg(rc == 0, "waiting for event %u: %s", kind,
			      strerror(-rc));
	} while (ev->kind != kind || ev->domid != domid);
}

/* The whole life of a real (tiny) guest through libxylemctl. */
START_TEST(test_domain_lifecycle)
{
	struct xylctl_domain_spec s = {.name = "ctltest",
				       .mem_kib = 16384,
				       .vcpus = 1,
				       .cmdline = "ctl-test-marker",
				       .ramdisk_fd = -1};
	struct xyl_ctl_gnttab_frames_reply frames;
	struct xylctl_guest_mem mem;
	struct xylctl_evtchn ec;
	struct xyl_ctl_event ev;
	struct xyl_dominfo info;
	struct xylctl *x, *e;
	char path[4096], con[4096];
	xyl_domid_t domid, found;
	uint64_t v, pos = 0;
	uint32_t port;
	size_t len, total = 0;
	int i;

	ck_assert_int_eq(harness_guest_path("hello.elf", path, sizeof(path)),
			 0);
	s.kernel_fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(s.kernel_fd >= 0, "%s: %s (make tests)", path,
		      strerror(errno));
	ck_assert_int_eq(xylctl_events_open(hv.rundir, &e), 0);
	ck_assert_int_eq(xylctl_open(hv.rundir, &x), 0);
	ck_assert_msg(xylctl_domain_create(x, &s, &domid) == 0, "create: %s",
		      xylctl_last_detail(x));
	close(s.kernel_fd);
	expect_event(e, XYL_EVENT_DOMAIN_CREATED, domid, &ev);
	ck_assert_int_eq(xylctl_domain_lookup(x, "ctltest", &found), 0);
	ck_assert_uint_eq(found, domid);
	ck_assert_int_eq(xylctl_domain_getinfo(x, domid, &info), 0);
	ck_assert_str_eq(info.name, "ctltest");
	ck_assert_uint_eq(info.vcpus, 1);
	ck_assert(info.state & XYL_DOMSTATE_PAUSED);

	/* Guest memory through the memfd. */
	ck_assert_int_eq(xylctl_map_guest(x, domid, &mem), 0);
	ck_assert_uint_eq(mem.layout.ram_bytes, 16384ull << 10);
	ck_assert_ptr_nonnull(xylctl_gpa(&mem, 0x100000, 4096));
	ck_assert_ptr_nonnull(xylctl_gpa(&mem, mem.layout.special_gpa, 4096));
	ck_assert_ptr_null(xylctl_gpa(&mem, mem.layout.ram_bytes, 1));
	xylctl_unmap_guest(&mem);

	/* HVM params: set, read back; out of range refused. */
	ck_assert_int_eq(xylctl_hvm_param_set(x, domid, 2 /* PAE */, 1), 0);
	ck_assert_int_eq(xylctl_hvm_param_get(x, domid, 2, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(xylctl_hvm_param_set(x, domid, 39, 1), -EINVAL);

	/* An interdomain channel bound to a pair of eventfds. */
	ck_assert_int_eq(xylctl_evtchn_alloc_unbound(x, domid, 0, &port), 0);
	ck_assert_msg(xylctl_evtchn_bind_interdomain(x, domid, port, &ec) == 0,
		      "bind: %s", xylctl_last_detail(x));
	ck_assert_int_ge(ec.notify_fd, 0);
	ck_assert_int_eq(xylctl_evtchn_notify(&ec), 0);
	ck_assert_int_ge(xylctl_evtchn_drain(&ec), 0);
	ck_assert_int_eq(xylctl_evtchn_close(x, &ec), 0);
	ck_assert_int_eq(xylctl_gnttab_frames(x, domid, &frames), 0);
	ck_assert_uint_le(frames.nr_frames, XYL_GNTTAB_MAX_FRAMES);

	/* Run it: it prints its command line and powers off. */
	ck_assert_int_eq(xylctl_domain_pause(x, domid), 0);
	expect_event(e, XYL_EVENT_DOMAIN_PAUSED, domid, &ev);
	ck_assert_int_eq(xylctl_domain_unpause(x, domid), 0);
	expect_event(e, XYL_EVENT_DOMAIN_UNPAUSED, domid, &ev);
	expect_event(e, XYL_EVENT_DOMAIN_SHUTDOWN, domid, &ev);
	ck_assert_uint_eq(ev.arg, 0); /* SHUTDOWN_poweroff */
	for (i = 0; i < 10 && total < sizeof(con) - 1; i++) {
		ck_assert_int_eq(
			xylctl_console_read(x, domid, &pos, con + total,
					    sizeof(con) - 1 - total, &len),
			0);
		total += len;
		if (!len)
			break;
	}
	con[total] = '\0';
	ck_assert_msg(strstr(con, "ctl-test-marker"), "console: %s", con);
	ck_assert_int_eq(xylctl_domain_destroy(x, domid), 0);
	expect_event(e, XYL_EVENT_DOMAIN_DESTROYED, domid, &ev);
	ck_assert_int_eq(xylctl_domain_getinfo(x, domid, &info), -ESRCH);
	xylctl_close(x);
	xylctl_close(e);
}
END_TEST

static Suite *
control_suite(const char *skip)
{
	Suite *s = suite_create("control-integration");
	TCase *tc = tcase_create("live");

	if (skip)
		return s;
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, start_hv, stop_hv);
	tcase_add_test(tc, test_host_info);
	tcase_add_loop_test(tc, test_hostile_packets, 0, 15);
	tcase_add_test(tc, test_flood);
	tcase_add_test(tc, test_nonmember_refused);
	tcase_add_test(tc, test_member_accepted);
	tcase_add_test(tc, test_domain_errors);
	tcase_add_test(tc, test_create_bad_kernel);
	tcase_add_test(tc, test_events_and_logs);
	tcase_add_test(tc, test_domain_lifecycle);
	tcase_add_test(tc, test_second_instance_refused);
	tcase_add_test(tc, test_stale_socket_replaced);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *skip = harness_skip_reason();
	SRunner *sr;
	int failed;

	if (skip)
		printf("control_test: skipped: %s\n", skip);
	sr = srunner_create(control_suite(skip));
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (!skip && !harness_hv_alive(&hv) && hv.pid != 0)
		failed++;
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
