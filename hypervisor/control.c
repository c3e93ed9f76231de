/*
 * hypervisor/control.c: the control server on $rundir/hv.sock: socket
 * set-up (stale-socket replacement, mode, group), peer credentials, and the
 * inner epoll set served from hv->loop.  Trust boundary: anyone who can
 * connect(); only root and members of --group get past accept.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "ctl_priv.h"
#include "hv.h"
#include "log.h"
#include "loop.h"

/* mkdir -p with mode 0755 for the components that are missing. */
static int
ctl_mkdir_p(const char *dir)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -errno;
		path[i] = i == n ? '\0' : '/';
	}
	return 0;
}

/* An existing socket file: refuse if a server answers, else remove it. */
static int
ctl_clear_stale(const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, rc = 0;

	if (lstat(sa->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
		rc = -EADDRINUSE;
	else if (errno == ECONNREFUSED || errno == ENOENT)
		rc = unlink(sa->sun_path) < 0 && errno != ENOENT ? -errno : 0;
	else
		rc = -errno;
	close(fd);
	return rc;
}

static int
ctl_listen(struct ctl_server *srv, gid_t gid)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int rc;

	memcpy(sa.sun_path, srv->path, sizeof(sa.sun_path));
	rc = ctl_clear_stale(&sa);
	if (rc)
		return rc;
	srv->listen_fd = socket(
		AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (srv->listen_fd < 0)
		return -errno;
	if (bind(srv->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	/* Permissions are set before listen(): until then a connect is
	 * refused, so nobody slips in through the umask's mode. */
	if (chmod(srv->path, 0660) < 0)
		return -errno;
	if (gid != (gid_t)-1 && chown(srv->path, (uid_t)-1, gid) < 0)
		return -errno;
	if (listen(srv->listen_fd, 64) < 0)
		return -errno;
	return 0;
}

static int
ctl_epoll_add(struct ctl_server *srv, int fd, void *ptr)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = ptr};

	return epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* The loop callback: one batch of the inner epoll set. */
static void
ctl_loop_cb(void *arg, uint32_t events)
{
	struct ctl_server *srv = arg;
	struct epoll_event evs[32];
	struct ctl_client *c;
	int i, n;

	(void)events;
	n = epoll_wait(srv->epfd, evs, 32, 0);
	for (i = 0; i < n; i++) {
		if (evs[i].data.ptr == srv)
			ctl_client_accept(srv);
		else if (evs[i].data.ptr == &srv->event_fd)
			ctl_event_drain(srv);
		else
			ctl_client_io(evs[i].data.ptr, evs[i].events);
	}
	while ((c = srv->dead)) {
		srv->dead = c->next;
		ctl_client_free(c);
	}
}

static void
ctl_server_free(struct ctl_server *srv)
{
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	if (srv->event_fd >= 0)
		close(srv->event_fd);
	if (srv->epfd >= 0)
		close(srv->epfd);
	pthread_mutex_destroy(&srv->ev_lock);
	free(srv);
}

static int
ctl_server_setup(struct hv *hv, struct ctl_server *srv)
{
	int rc, n;

	rc = ctl_mkdir_p(hv->opt.rundir);
	if (rc)
		return rc;
	n = snprintf(srv->path, sizeof(srv->path), "%s/%s", hv->opt.rundir,
		     XYL_CTL_SOCKET_NAME);
	if (n < 0 || (size_t)n >= sizeof(srv->path))
		return -ENAMETOOLONG;
	rc = ctl_listen(srv, hv->opt.ctl_gid);
	if (rc)
		return rc;
	srv->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->event_fd < 0 || srv->epfd < 0)
		return -errno;
	rc = ctl_epoll_add(srv, srv->listen_fd, srv);
	if (!rc)
		rc = ctl_epoll_add(srv, srv->event_fd, &srv->event_fd);
	return rc;
}

int
ctl_server_start(struct hv *hv)
{
	struct ctl_server *srv;
	int rc;

	if (!hv->opt.rundir)
		return -EINVAL;
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->hv = hv;
	srv->listen_fd = srv->event_fd = srv->epfd = -1;
	pthread_mutex_init(&srv->ev_lock, NULL);
	rc = ctl_server_setup(hv, srv);
	if (!rc)
		rc = loop_add(&hv->loop, srv->epfd, EPOLLIN, ctl_loop_cb, srv);
	if (rc)
		goto fail;
	__atomic_store_n(&hv->ctl, srv, __ATOMIC_RELEASE);
	log_info(hv, "control socket %s (group %d)", srv->path,
		 hv->opt.ctl_gid == (gid_t)-1 ? -1 : (int)hv->opt.ctl_gid);
	return 0;
fail:
	/* Only remove a socket we bound ourselves, never another server's. */
	if (srv->listen_fd >= 0 && rc != -EADDRINUSE)
		unlink(srv->path);
	ctl_server_free(srv);
	return rc;
}

void
ctl_server_stop(struct hv *hv)
{
	struct ctl_server *srv = hv->ctl;
	struct ctl_client *c;

	if (!srv)
		return;
	__atomic_store_n(&hv->ctl, NULL, __ATOMIC_RELEASE);
	loop_del(&hv->loop, srv->epfd);
	while (srv->clients)
		ctl_client_kill(srv->clients, NULL);
	while ((c = srv->dead)) {
		srv->dead = c->next;
		ctl_client_free(c);
	}
	unlink(srv->path);
	ctl_server_free(srv);
}

/* Supplementary groups of pid from /proc/<pid>/status ("Groups:"). */
static bool
ctl_pid_in_group(pid_t pid, gid_t gid)
{
	char path[64], line[4096];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = line + 7, *end;

		if (strncmp(line, "Groups:", 7) != 0)
			continue;
		for (;;) {
			unsigned long g = strtoul(p, &end, 10);

			if (end == p)
				break;
			if ((gid_t)g == gid)
				found = true;
			p = end;
		}
		break;
	}
	fclose(f);
	return found;
}

/*
 * Root, or a member of --group (primary or supplementary).  SO_PEERCRED
 * has no supplementary groups, so they are read from /proc by the peer's
 * pid right after accept; a peer that exits in that window and whose pid
 * is reused by a member is the (small) residual risk.
 */
int
ctl_peer_allowed(struct hv *hv, pid_t pid, uid_t uid, gid_t gid)
{
	gid_t want = hv->opt.ctl_gid;

	if (uid == 0)
		return 0;
	if (want == (gid_t)-1)
		return -EACCES;
	if (gid == want || ctl_pid_in_group(pid, want))
		return 0;
	return -EACCES;
}
