/*
 * tests/unit/dom0-tools/xylctl_test.c: libxylemctl against a fake
 * xylem-hv: a thread in the test serves a temporary hv.sock and answers
 * each request with canned good or malformed replies, so the library's
 * checks (-EPROTO), fd passing, detail strings and paging are exercised.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "xylctl.h"

/* What the fake server saw of the last request. */
struct seen {
	struct xyl_ctl_hdr h;
	uint8_t body[4096];
	unsigned nr_fds;
	int fds[XYL_CTL_MAX_FDS];
};

/* A responder answers one request on fd; returns 0 to go on, 1 to hang
 * up after this request. */
typedef int (*responder)(int fd, const struct seen *s);

static char rundir[64];
static int listen_fd = -1;
static pthread_t server;
static responder respond;
static struct seen last;
static bool refuse_at_accept;

static int
send_raw(int fd, const void *buf, size_t len, const int *fds, unsigned nfds)
{
	union {
		char b[CMSG_SPACE(sizeof(int) * XYL_CTL_MAX_FDS)];
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

/* A well-formed reply to s, then optionally broken by the caller. */
static size_t
build_reply(uint8_t *buf, const struct seen *s, int err, const char *detail,
	    const void *body, size_t body_len, unsigned nr_fds)
{
	struct xyl_ctl_reply r;

	memset(&r, 0, sizeof(r));
	r.hdr.magic = XYL_CTL_MAGIC;
	r.hdr.version = XYL_CTL_VERSION;
	r.hdr.type = s->h.type;
	r.hdr.seq = s->h.seq;
	r.hdr.len = (uint32_t)(sizeof(r) - sizeof(r.hdr) + body_len);
	r.err = err;
	r.nr_fds = nr_fds;
	if (detail)
		snprintf(r.detail, sizeof(r.detail), "%s", detail);
	memcpy(buf, &r, sizeof(r));
	if (body_len)
		memcpy(buf + sizeof(r), body, body_len);
	return sizeof(r) + body_len;
}

static int
reply(int fd, const struct seen *s, int err, const char *detail,
      const void *body, size_t body_len, const int *fds, unsigned nr_fds)
{
	static uint8_t buf[XYL_CTL_MAX_PACKET];
	size_t n = build_reply(buf, s, err, detail, body, body_len, nr_fds);

	return send_raw(fd, buf, n, fds, nr_fds);
}

static void
close_seen_fds(struct seen *s)
{
	unsigned i;

	for (i = 0; i < s->nr_fds; i++)
		close(s->fds[i]);
}

static int
recv_request(int fd, struct seen *s)
{
	union {
		char b[CMSG_SPACE(sizeof(int) * XYL_CTL_MAX_FDS)];
		struct cmsghdr a;
	} cb;
	uint8_t buf[8192];
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = cb.b,
			   .msg_controllen = sizeof(cb.b)};
	struct cmsghdr *cm;
	ssize_t n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);

	if (n < (ssize_t)sizeof(s->h))
		return -1;
	memset(s, 0, sizeof(*s));
	memcpy(&s->h, buf, sizeof(s->h));
	memcpy(s->body, buf + sizeof(s->h),
	       (size_t)n - sizeof(s->h) < sizeof(s->body)
		       ? (size_t)n - sizeof(s->h)
		       : sizeof(s->body));
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
		unsigned k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		memcpy(s->fds, CMSG_DATA(cm), sizeof(int) * k);
		s->nr_fds = k;
	}
	return 0;
}

static void *
server_main(void *arg)
{
	struct seen s;
	int fd;

	(void)arg;
	while ((fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		if (refuse_at_accept) {
			struct seen z = {.h = {.type = XYL_CTL_ERROR_REPLY}};

			reply(fd, &z, -EACCES, "permission denied", NULL, 0,
			      NULL, 0);
			close(fd);
			continue;
		}
		while (recv_request(fd, &s) == 0) {
			int stop;

			last = s;
			stop = respond(fd, &s);
			close_seen_fds(&s);
			if (stop)
				break;
		}
		close(fd);
	}
	return NULL;
}

static void
setup(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	strcpy(rundir, "/tmp/xylctl-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(rundir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/hv.sock", rundir);
	listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(listen_fd, 0);
	ck_assert_int_eq(bind(listen_fd, (void *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(listen_fd, 8), 0);
	refuse_at_accept = false;
	ck_assert_int_eq(pthread_create(&server, NULL, server_main, NULL), 0);
}

static void
teardown(void)
{
	char path[128];

	shutdown(listen_fd, SHUT_RDWR);
	pthread_join(server, NULL);
	close(listen_fd);
	snprintf(path, sizeof(path), "%s/hv.sock", rundir);
	unlink(path);
	rmdir(rundir);
}

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)))
		n++;
	closedir(d);
	return n;
}

/* The fake server closes its copies just after replying: wait for it. */
static int
count_fds_settled(int want)
{
	int i, n = count_fds();

	for (i = 0; i < 100 && n != want; i++) {
		usleep(10000);
		n = count_fds();
	}
	return n;
}

static struct xylctl *
open_client(void)
{
	struct xylctl *x;

	ck_assert_int_eq(xylctl_open(rundir, &x), 0);
	return x;
}

/* ---- host info and the generic reply checks ---- */

static int
r_host_info(int fd, const struct seen *s)
{
	struct xyl_ctl_host_info_reply h;

	memset(&h, 0, sizeof(h));
	h.nr_cpus = 2;
	h.tsc_khz = 2000000;
	strcpy(h.kvm_flavour, "pvm");
	strcpy(h.hv_version, "xylem-hv test");
	reply(fd, s, 0, NULL, &h, sizeof(h), NULL, 0);
	return 0;
}

START_TEST(test_host_info_good)
{
	struct xyl_ctl_host_info_reply h;
	struct xylctl *x;

	respond = r_host_info;
	x = open_client();
	ck_assert_int_eq(xylctl_host_info(x, &h), 0);
	ck_assert_uint_eq(h.nr_cpus, 2);
	ck_assert_str_eq(h.kvm_flavour, "pvm");
	ck_assert_uint_eq(last.h.type, XYL_CTL_HOST_INFO);
	ck_assert_uint_eq(last.h.len, 0);
	ck_assert_uint_eq(last.h.magic, XYL_CTL_MAGIC);
	/* seq advances per request */
	ck_assert_int_eq(xylctl_host_info(x, &h), 0);
	ck_assert_uint_eq(last.h.seq, 2);
	ck_assert_str_eq(xylctl_last_detail(x), "");
	xylctl_close(x);
}
END_TEST

/* Malformations of a good host-info reply, chosen by _i. */
static int bad_kind;

static int
r_host_info_bad(int fd, const struct seen *s)
{
	static uint8_t buf[XYL_CTL_MAX_PACKET];
	struct xyl_ctl_host_info_reply h;
	struct xyl_ctl_reply *r = (void *)buf;
	size_t n;
	int pfd[2];

	memset(&h, 0, sizeof(h));
	n = build_reply(buf, s, 0, NULL, &h, sizeof(h), 0);
	switch (bad_kind) {
	case 0:
		r->hdr.magic ^= 1;
		break;
	case 1:
		r->hdr.version = 9;
		break;
	case 2:
		r->hdr.seq++;
		break;
	case 3:
		r->hdr.type = XYL_CTL_DOMAIN_LIST;
		break;
	case 4:
		r->hdr.len++;
		break;
	case 5:
		n -= 8;
		r->hdr.len -= 8;
		break; /* short body */
	case 6:
		n = 10;
		break; /* runt */
	case 7:
		r->err = 5;
		break; /* positive err */
	case 8:
		r->hdr.type = XYL_CTL_ERROR_REPLY;
		break; /* error, err 0 */
	case 9:
		memset(r->detail, 'a', sizeof(r->detail));
		break;
	case 10: /* an fd nobody asked for */
		ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
		r->nr_fds = 1;
		send_raw(fd, buf, n, &pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		return 0;
	case 11: /* error reply carrying a body */
		r->err = -EIO;
		break;
	case 12: /* strings unterminated */
		memset(buf + sizeof(*r) + offsetof(typeof(h), kvm_flavour), 'x',
		       sizeof(h.kvm_flavour));
		break;
	}
	send_raw(fd, buf, n, NULL, 0);
	return 0;
}

START_TEST(test_host_info_malformed)
{
	struct xyl_ctl_host_info_reply h;
	struct xylctl *x;
	int before;

	respond = r_host_info_bad;
	bad_kind = _i;
	/* the client's socket and the server's accepted one */
	before = count_fds() + 2;
	x = open_client();
	ck_assert_int_eq(xylctl_host_info(x, &h), -EPROTO);
	ck_assert_msg(xylctl_last_detail(x)[0], "kind %d: no detail", _i);
	ck_assert_int_eq(count_fds_settled(before),
			 before); /* stray fds closed */
	xylctl_close(x);
}
END_TEST

static int
r_error(int fd, const struct seen *s)
{
	reply(fd, s, -ESRCH, "no domain 9", NULL, 0, NULL, 0);
	return 0;
}

START_TEST(test_error_detail)
{
	struct xyl_dominfo info;
	struct xylctl *x;

	respond = r_error;
	x = open_client();
	ck_assert_int_eq(xylctl_domain_getinfo(x, 9, &info), -ESRCH);
	ck_assert_str_eq(xylctl_last_detail(x), "no domain 9");
	ck_assert_uint_eq(last.h.type, XYL_CTL_DOMAIN_GETINFO);
	ck_assert_uint_eq(last.h.len, sizeof(struct xyl_ctl_domid));
	ck_assert_uint_eq(((struct xyl_ctl_domid *)last.body)->domid, 9);
	ck_assert_int_eq(xylctl_domain_pause(x, 9), -ESRCH);
	ck_assert_int_eq(xylctl_domain_destroy(x, 9), -ESRCH);
	xylctl_close(x);
}
END_TEST

static int
r_error_seq0(int fd, const struct seen *s)
{
	struct seen z = *s;

	z.h.seq = 0;
	z.h.type = XYL_CTL_ERROR_REPLY;
	reply(fd, &z, -EINVAL, "packet too short", NULL, 0, NULL, 0);
	return 0;
}

START_TEST(test_error_reply_seq0)
{
	struct xylctl *x;

	respond = r_error_seq0;
	x = open_client();
	ck_assert_int_eq(xylctl_domain_unpause(x, 1), -EINVAL);
	ck_assert_str_eq(xylctl_last_detail(x), "packet too short");
	xylctl_close(x);
}
END_TEST

START_TEST(test_refused)
{
	struct xyl_ctl_host_info_reply h;
	struct xylctl *x;

	refuse_at_accept = true;
	x = open_client();
	usleep(50000); /* let the server refuse and close first */
	ck_assert_int_eq(xylctl_host_info(x, &h), -EACCES);
	ck_assert_str_eq(xylctl_last_detail(x), "permission denied");
	xylctl_close(x);
}
END_TEST

static int
r_hangup(int fd, const struct seen *s)
{
	(void)fd;
	(void)s;
	return 1;
}

START_TEST(test_hangup)
{
	struct xyl_ctl_host_info_reply h;
	struct xylctl *x;

	respond = r_hangup;
	x = open_client();
	ck_assert_int_eq(xylctl_host_info(x, &h), -EPIPE);
	xylctl_close(x);
}
END_TEST

START_TEST(test_no_server)
{
	struct xylctl *x;

	ck_assert_int_eq(xylctl_open("/nonexistent-xylem", &x), -ENOENT);
	ck_assert_int_eq(xylctl_open("/tmp/xylem-test-path-that-is-far-too-"
				     "long-for-a-unix-socket-address-"
				     "because-sun-path-is-108-bytes-only",
				     &x),
			 -ENAMETOOLONG);
}
END_TEST

/* ---- domain create / list / lookup ---- */

static int
r_create(int fd, const struct seen *s)
{
	struct xyl_ctl_domain_create_reply rep = {.domid = 7};

	reply(fd, s, 0, NULL, &rep, sizeof(rep), NULL, 0);
	return 0;
}

START_TEST(test_create_sends_fds)
{
	const struct xyl_ctl_domain_create *req = (const void *)last.body;
	struct xylctl_domain_spec spec = {.name = "web1",
					  .mem_kib = 65536,
					  .vcpus = 2,
					  .cmdline = "console=hvc0"};
	char longname[100];
	xyl_domid_t domid = 0;
	struct xylctl *x;
	int p[2];

	respond = r_create;
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	spec.kernel_fd = p[0];
	spec.ramdisk_fd = p[1];
	x = open_client();
	ck_assert_int_eq(xylctl_domain_create(x, &spec, &domid), 0);
	ck_assert_uint_eq(domid, 7);
	ck_assert_uint_eq(last.nr_fds, 2);
	ck_assert_str_eq(req->name, "web1");
	ck_assert_str_eq(req->cmdline, "console=hvc0");
	ck_assert_uint_eq(req->has_ramdisk, 1);
	ck_assert_uint_eq(req->mem_kib, 65536);
	spec.ramdisk_fd = -1;
	ck_assert_int_eq(xylctl_domain_create(x, &spec, &domid), 0);
	ck_assert_uint_eq(last.nr_fds, 1);
	ck_assert_uint_eq(req->has_ramdisk, 0);
	/* checked locally, nothing sent */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	spec.name = longname;
	ck_assert_int_eq(xylctl_domain_create(x, &spec, &domid), -EINVAL);
	spec.name = "ok";
	spec.kernel_fd = -1;
	ck_assert_int_eq(xylctl_domain_create(x, &spec, &domid), -EBADF);
	close(p[0]);
	close(p[1]);
	xylctl_close(x);
}
END_TEST

/* 40 domains, ids 1, 3, 5, ... served XYL_LIST_MAX at a time. */
static int list_bad;

static int
r_list(int fd, const struct seen *s)
{
	static struct xyl_ctl_domain_list_reply rep;
	xyl_domid_t first =
		((const struct xyl_ctl_domain_list *)s->body)->first;
	xyl_domid_t id;

	memset(&rep, 0, sizeof(rep));
	for (id = 1; id < 80 && rep.nr < XYL_LIST_MAX; id += 2) {
		if (id < first)
			continue;
		rep.info[rep.nr].domid = id;
		snprintf(rep.info[rep.nr].name, XYL_NAME_MAX, "dom-%u", id);
		rep.nr++;
	}
	rep.more = id < 80;
	if (list_bad == 1)
		rep.info[1].domid = 0; /* not sorted */
	if (list_bad == 2)
		rep.nr = XYL_LIST_MAX + 1;
	if (list_bad == 3) /* more with nothing: would loop forever */
		rep.nr = 0, rep.more = 1;
	if (list_bad == 4)
		memset(rep.info[0].name, 'n', XYL_NAME_MAX);
	reply(fd, s, 0, NULL, &rep, sizeof(rep), NULL, 0);
	return 0;
}

START_TEST(test_list_paging)
{
	struct xyl_dominfo *all;
	struct xylctl *x;
	xyl_domid_t domid;
	size_t nr, i;

	respond = r_list;
	list_bad = 0;
	x = open_client();
	ck_assert_int_eq(xylctl_domain_list(x, &all, &nr), 0);
	ck_assert_uint_eq(nr, 40);
	for (i = 0; i < nr; i++)
		ck_assert_uint_eq(all[i].domid, 2 * i + 1);
	free(all);
	/* second page asked from after the last id of the first */
	ck_assert_uint_eq(((struct xyl_ctl_domain_list *)last.body)->first,
			  2 * (XYL_LIST_MAX - 1) + 1 + 1);
	ck_assert_int_eq(xylctl_domain_lookup(x, "dom-77", &domid), 0);
	ck_assert_uint_eq(domid, 77);
	ck_assert_int_eq(xylctl_domain_lookup(x, "nope", &domid), -ESRCH);
	ck_assert_msg(strstr(xylctl_last_detail(x), "nope"), "detail");
	ck_assert_int_eq(xylctl_domain_lookup(x, "999999", &domid), -ESRCH);
	xylctl_close(x);
}
END_TEST

START_TEST(test_list_malformed)
{
	struct xyl_dominfo *all = (void *)1;
	struct xylctl *x;
	size_t nr = 5;

	respond = r_list;
	list_bad = _i + 1;
	x = open_client();
	ck_assert_int_eq(xylctl_domain_list(x, &all, &nr), -EPROTO);
	ck_assert_ptr_null(all);
	ck_assert_uint_eq(nr, 0);
	xylctl_close(x);
}
END_TEST

static int
r_getinfo(int fd, const struct seen *s)
{
	struct xyl_dominfo info;

	memset(&info, 0, sizeof(info));
	info.domid = ((const struct xyl_ctl_domid *)s->body)->domid;
	strcpy(info.name, "web1");
	reply(fd, s, 0, NULL, &info, sizeof(info), NULL, 0);
	return 0;
}

START_TEST(test_lookup_by_id)
{
	struct xylctl *x;
	xyl_domid_t domid;

	respond = r_getinfo;
	x = open_client();
	ck_assert_int_eq(xylctl_domain_lookup(x, "12", &domid), 0);
	ck_assert_uint_eq(domid, 12);
	ck_assert_uint_eq(last.h.type, XYL_CTL_DOMAIN_GETINFO);
	xylctl_close(x);
}
END_TEST

/* ---- memory ---- */

static int mem_bad;

static int
r_memory_map(int fd, const struct seen *s)
{
	struct xyl_ctl_memory_map_reply l = {
		.ram_bytes = 8192,
		.special_gpa = 0xfe000000ull,
		.special_bytes = 4096,
		.memfd_bytes = 12288,
		.store_gfn = 0xfe001,
	};
	int mfd = memfd_create("guest", MFD_CLOEXEC);
	uint8_t *p;

	ck_assert_int_ge(mfd, 0);
	ck_assert_int_eq(ftruncate(mfd, 12288), 0);
	p = mmap(NULL, 12288, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	p[4096] = 0xab;	    /* gpa 0x1000 */
	p[8192 + 5] = 0xcd; /* gpa 0xfe000005 */
	munmap(p, 12288);
	if (mem_bad == 1)
		l.memfd_bytes = 1ull << 40;
	if (mem_bad == 2)
		l.special_bytes = 8192; /* sum mismatch */
	if (mem_bad == 3) {
		reply(fd, s, 0, NULL, &l, sizeof(l), NULL, 0); /* no fd */
		close(mfd);
		return 0;
	}
	reply(fd, s, 0, NULL, &l, sizeof(l), &mfd, 1);
	close(mfd);
	return 0;
}

START_TEST(test_map_guest)
{
	struct xylctl_guest_mem m;
	struct xylctl *x;
	uint8_t *p;

	respond = r_memory_map;
	mem_bad = 0;
	x = open_client();
	ck_assert_int_eq(xylctl_map_guest(x, 3, &m), 0);
	ck_assert_int_ge(m.memfd, 0);
	ck_assert_uint_eq(m.layout.store_gfn, 0xfe001);
	p = xylctl_gpa(&m, 0x1000, 1);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(*p, 0xab);
	p = xylctl_gpa(&m, 0xfe000005ull, 1);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(*p, 0xcd);
	ck_assert_ptr_null(xylctl_gpa(&m, 8190, 4));	 /* past RAM */
	ck_assert_ptr_null(xylctl_gpa(&m, 0x100000, 1)); /* hole */
	ck_assert_ptr_null(xylctl_gpa(&m, 0xfe000ffeull, 4));
	ck_assert_ptr_null(xylctl_gpa(&m, UINT64_MAX - 1, 4));
	xylctl_unmap_guest(&m);
	ck_assert_int_eq(m.memfd, -1);
	xylctl_close(x);
}
END_TEST

START_TEST(test_map_guest_malformed)
{
	struct xylctl_guest_mem m;
	struct xylctl *x;
	int before;

	respond = r_memory_map;
	mem_bad = _i + 1;
	/* the client's socket and the server's accepted one */
	before = count_fds() + 2;
	x = open_client();
	ck_assert_int_eq(xylctl_map_guest(x, 3, &m), -EPROTO);
	ck_assert_int_eq(count_fds_settled(before), before);
	ck_assert_ptr_null(m.base);
	xylctl_close(x);
}
END_TEST

static int
r_param(int fd, const struct seen *s)
{
	struct xyl_ctl_hvm_param p;

	memcpy(&p, s->body, sizeof(p));
	if (s->h.type == XYL_CTL_HVM_PARAM_SET) {
		reply(fd, s, 0, NULL, NULL, 0, NULL, 0);
		return 0;
	}
	p.value = 0x1234;
	reply(fd, s, 0, NULL, &p, sizeof(p), NULL, 0);
	return 0;
}

START_TEST(test_hvm_params)
{
	struct xylctl *x;
	uint64_t v = 0;

	respond = r_param;
	x = open_client();
	ck_assert_int_eq(xylctl_hvm_param_get(x, 2, 1, &v), 0);
	ck_assert_uint_eq(v, 0x1234);
	ck_assert_int_eq(xylctl_hvm_param_set(x, 2, 17, 99), 0);
	ck_assert_uint_eq(((struct xyl_ctl_hvm_param *)last.body)->value, 99);
	ck_assert_uint_eq(((struct xyl_ctl_hvm_param *)last.body)->index, 17);
	xylctl_close(x);
}
END_TEST

/* ---- event channels ---- */

static int srv_notify = -1, srv_kick = -1;

static int
r_bind(int fd, const struct seen *s)
{
	struct xyl_ctl_evtchn_port p = {.port = 5};
	int fds[2];

	if (s->h.type == XYL_CTL_EVTCHN_CLOSE) {
		reply(fd, s, 0, NULL, NULL, 0, NULL, 0);
		return 0;
	}
	fds[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	fds[1] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	srv_notify = dup(fds[0]);
	srv_kick = dup(fds[1]);
	reply(fd, s, 0, NULL, &p, sizeof(p), fds, 2);
	close(fds[0]);
	close(fds[1]);
	return 0;
}

START_TEST(test_evtchn_bind)
{
	struct xylctl_evtchn e;
	struct xylctl *x;
	uint64_t v = 3, got = 0;

	respond = r_bind;
	x = open_client();
	ck_assert_int_eq(xylctl_evtchn_bind_interdomain(x, 4, 9, &e), 0);
	ck_assert_uint_eq(e.port, 5);
	ck_assert_int_ge(e.notify_fd, 0);
	ck_assert_int_ge(e.kick_fd, 0);
	ck_assert_int_eq(xylctl_evtchn_drain(&e), 0);
	ck_assert_int_eq(write(srv_notify, &v, sizeof(v)), sizeof(v));
	ck_assert_int_eq(xylctl_evtchn_drain(&e), 3);
	ck_assert_int_eq(xylctl_evtchn_notify(&e), 0);
	ck_assert_int_eq(read(srv_kick, &got, sizeof(got)), sizeof(got));
	ck_assert_uint_eq(got, 1);
	ck_assert_int_eq(xylctl_evtchn_close(x, &e), 0);
	ck_assert_int_eq(e.notify_fd, -1);
	ck_assert_uint_eq(((struct xyl_ctl_evtchn_port *)last.body)->port, 5);
	xylctl_close(x);
}
END_TEST

/* ---- logs ---- */

static int
r_log(int fd, const struct seen *s)
{
	static struct xyl_ctl_log_read_reply rep;
	const struct xyl_ctl_log_read *q = (const void *)s->body;

	memset(&rep, 0, sizeof(rep));
	rep.start = q->from < 100 ? 100 : q->from; /* 0..99 dropped */
	rep.len = 10;
	rep.next = rep.start + rep.len;
	memcpy(rep.data, "0123456789", 10);
	if (q->domid == 66)
		rep.len = XYL_LOG_CHUNK + 1;
	reply(fd, s, 0, NULL, &rep, sizeof(rep), NULL, 0);
	return 0;
}

START_TEST(test_log_reads)
{
	struct xylctl *x;
	uint64_t pos = 0;
	char buf[16];
	size_t len;

	respond = r_log;
	x = open_client();
	ck_assert_int_eq(xylctl_dmesg(x, &pos, 1, buf, sizeof(buf), &len), 0);
	ck_assert_uint_eq(len, 10);
	ck_assert_uint_eq(pos, 110);
	ck_assert_uint_eq(((struct xyl_ctl_log_read *)last.body)->clear, 1);
	/* a small buffer: the rest is asked for next time */
	pos = 0;
	ck_assert_int_eq(xylctl_console_read(x, 3, &pos, buf, 4, &len), 0);
	ck_assert_uint_eq(len, 4);
	ck_assert_uint_eq(pos, 104);
	ck_assert_int_eq(memcmp(buf, "0123", 4), 0);
	ck_assert_int_eq(xylctl_console_read(x, 66, &pos, buf, 4, &len),
			 -EPROTO);
	ck_assert_int_eq(xylctl_console_read(x, 3, &pos, buf, 0, &len),
			 -EINVAL);
	xylctl_close(x);
}
END_TEST

/* ---- events ---- */

static int ev_mode;

static void
send_event(int fd, uint32_t kind, uint32_t len, int corrupt)
{
	struct {
		struct xyl_ctl_hdr h;
		struct xyl_ctl_event ev;
	} p;

	memset(&p, 0, sizeof(p));
	p.h.magic = XYL_CTL_MAGIC;
	p.h.version = XYL_CTL_VERSION;
	p.h.type = XYL_CTL_EVENT;
	p.h.len = sizeof(p.ev);
	p.ev.kind = kind;
	p.ev.domid = 4;
	p.ev.len = len;
	if (corrupt)
		p.h.len--;
	send_raw(fd, &p, sizeof(p), NULL, 0);
}

static int
r_events(int fd, const struct seen *s)
{
	reply(fd, s, 0, NULL, NULL, 0, NULL, 0);
	if (ev_mode == 0) {
		send_event(fd, XYL_EVENT_DOMAIN_CREATED, 0, 0);
		send_event(fd, XYL_EVENT_DOMAIN_SHUTDOWN, 0, 0);
	} else if (ev_mode == 1) {
		send_event(fd, XYL_EVENT_OVERFLOW, 0, 0);
	} else if (ev_mode == 2) {
		send_event(fd, XYL_EVENT_CONSOLE_OUTPUT, 5000, 0);
	} else {
		send_event(fd, XYL_EVENT_DOMAIN_CREATED, 0, 1);
	}
	return 0;
}

START_TEST(test_events)
{
	struct xyl_ctl_event ev;
	struct xylctl *x;

	respond = r_events;
	ev_mode = 0;
	ck_assert_int_eq(xylctl_events_open(rundir, &x), 0);
	ck_assert_uint_eq(last.h.type, XYL_CTL_EVENTS_SUBSCRIBE);
	ck_assert_uint_eq(last.h.len, sizeof(struct xyl_ctl_events_subscribe));
	ck_assert_uint_eq(((struct xyl_ctl_events_subscribe *)last.body)->domid,
			  XYL_DOMID_ANY);
	ck_assert_int_ge(xylctl_events_fd(x), 0);
	ck_assert_int_eq(xylctl_event_next(x, &ev, 1000), 0);
	ck_assert_uint_eq(ev.kind, XYL_EVENT_DOMAIN_CREATED);
	ck_assert_uint_eq(ev.domid, 4);
	ck_assert_int_eq(xylctl_event_next(x, &ev, 1000), 0);
	ck_assert_uint_eq(ev.kind, XYL_EVENT_DOMAIN_SHUTDOWN);
	ck_assert_int_eq(xylctl_event_next(x, &ev, 50), -ETIMEDOUT);
	/* requests are refused on an event connection */
	ck_assert_int_eq(xylctl_domain_pause(x, 1), -EINVAL);
	xylctl_close(x);
}
END_TEST

START_TEST(test_events_bad)
{
	static const int want[] = {-ENOBUFS, -EPROTO, -EPROTO};
	struct xyl_ctl_event ev;
	struct xylctl *x;

	respond = r_events;
	ev_mode = _i + 1;
	ck_assert_int_eq(xylctl_events_open(rundir, &x), 0);
	ck_assert_int_eq(xylctl_event_next(x, &ev, 1000), want[_i]);
	ck_assert_msg(xylctl_last_detail(x)[0], "no detail");
	xylctl_close(x);
}
END_TEST

static Suite *
xylctl_suite(void)
{
	Suite *s = suite_create("libxylemctl");
	TCase *tc = tcase_create("fake-server");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_host_info_good);
	tcase_add_loop_test(tc, test_host_info_malformed, 0, 13);
	tcase_add_test(tc, test_error_detail);
	tcase_add_test(tc, test_error_reply_seq0);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_hangup);
	tcase_add_test(tc, test_no_server);
	tcase_add_test(tc, test_create_sends_fds);
	tcase_add_test(tc, test_list_paging);
	tcase_add_loop_test(tc, test_list_malformed, 0, 4);
	tcase_add_test(tc, test_lookup_by_id);
	tcase_add_test(tc, test_map_guest);
	tcase_add_loop_test(tc, test_map_guest_malformed, 0, 3);
	tcase_add_test(tc, test_hvm_params);
	tcase_add_test(tc, test_evtchn_bind);
	tcase_add_test(tc, test_log_reads);
	tcase_add_test(tc, test_events);
	tcase_add_loop_test(tc, test_events_bad, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(xylctl_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
