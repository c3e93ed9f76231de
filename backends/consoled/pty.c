/*
 * backends/consoled/pty.c: a guest console's pty.  consoled holds the
 * master and keeps one slave fd open itself, so output written while
 * nobody is attached waits in the pty (and then in a bounded backlog, the
 * oldest bytes dropped first) instead of hanging the master up.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "consoled.h"

static int
pty_make_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t) < 0)
		return -errno;
	cfmakeraw(&t);
	return tcsetattr(fd, TCSANOW, &t) < 0 ? -errno : 0;
}

int
consoled_pty_open(struct consoled_pty *p, const char *dir, xyl_domid_t domid)
{
	char tmp[4096 + 16];
	const char *slave;
	int r;

	p->backlog_len = 0;
	p->dropped = 0;
	p->slave_fd = -1;
	p->link[0] = '\0';
	p->master_fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master_fd < 0)
		return -errno;
	if (grantpt(p->master_fd) < 0 || unlockpt(p->master_fd) < 0 ||
	    !(slave = ptsname(p->master_fd))) {
		r = -errno;
		goto fail;
	}
	p->slave_fd = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave_fd < 0) {
		r = -errno;
		goto fail;
	}
	r = pty_make_raw(p->slave_fd);
	if (r < 0)
		goto fail;
	if (fcntl(p->master_fd, F_SETFL, O_NONBLOCK) < 0) {
		r = -errno;
		goto fail;
	}
	/* Replace the link atomically: a stale one from a dead consoled
	 * must not name someone else's pty. */
	snprintf(p->link, sizeof(p->link), "%s/%u.pty", dir, domid);
	snprintf(tmp, sizeof(tmp), "%s.new", p->link);
	unlink(tmp);
	snprintf(p->slave_path, sizeof(p->slave_path), "%s", slave);
	if (symlink(slave, tmp) < 0 || rename(tmp, p->link) < 0) {
		r = -errno;
		unlink(tmp);
		p->link[0] = '\0';
		goto fail;
	}
	return 0;
fail:
	consoled_pty_close(p);
	return r;
}

static void
backlog_add(struct consoled_pty *p, const char *buf, size_t len)
{
	size_t drop;

	if (len >= sizeof(p->backlog)) {
		p->dropped += p->backlog_len + len - sizeof(p->backlog);
		buf += len - sizeof(p->backlog);
		len = sizeof(p->backlog);
		p->backlog_len = 0;
	}
	if (p->backlog_len + len > sizeof(p->backlog)) {
		drop = p->backlog_len + len - sizeof(p->backlog);
		memmove(p->backlog, p->backlog + drop, p->backlog_len - drop);
		p->backlog_len -= drop;
		p->dropped += drop;
	}
	memcpy(p->backlog + p->backlog_len, buf, len);
	p->backlog_len += len;
}

size_t
consoled_pty_flush(struct consoled_pty *p)
{
	size_t done = 0;
	ssize_t n;

	while (p->master_fd >= 0 && done < p->backlog_len) {
		n = write(p->master_fd, p->backlog + done,
			  p->backlog_len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	memmove(p->backlog, p->backlog + done, p->backlog_len - done);
	p->backlog_len -= done;
	return p->backlog_len;
}

void
consoled_pty_write(struct consoled_pty *p, const char *buf, size_t len)
{
	ssize_t n;

	if (p->master_fd < 0 || len == 0)
		return;
	if (p->backlog_len == 0) {
		do
			n = write(p->master_fd, buf, len);
		while (n < 0 && errno == EINTR);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		}
	}
	if (len > 0)
		backlog_add(p, buf, len);
}

size_t
consoled_pty_unread(const struct consoled_pty *p)
{
	int n = 0;

	if (p->slave_fd < 0)
		return p->backlog_len;
	if (ioctl(p->slave_fd, FIONREAD, &n) < 0 || n < 0)
		n = 0;
	return p->backlog_len + (size_t)n;
}

void
consoled_pty_close(struct consoled_pty *p)
{
	char target[64];
	ssize_t n;

	/* A new domain with the same domid may have taken the link over
	 * while this pty lingered: only remove it if it is still ours. */
	if (p->link[0]) {
		n = readlink(p->link, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			if (strcmp(target, p->slave_path) == 0)
				unlink(p->link);
		}
	}
	p->link[0] = '\0';
	if (p->slave_fd >= 0)
		close(p->slave_fd);
	if (p->master_fd >= 0)
		close(p->master_fd);
	p->slave_fd = p->master_fd = -1;
	p->backlog_len = 0;
}
