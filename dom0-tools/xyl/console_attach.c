/*
 * dom0-tools/xyl/console_attach.c: attach to a guest's console through
 * xylem-consoled's pty ($XYLEM_RUNDIR/console/<domid>.pty): the copy loop
 * of `xyl console` (raw tty, Ctrl-] detaches; pipes work too) and the
 * follower thread `xyl create -c` runs beside the life cycle.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "xyl.h"

#define CONSOLED_PROGRAM "xylem-consoled"
#define ESCAPE_CHAR	 0x1d /* Ctrl-] */
#define POLL_MS		 200
#define FOLLOW_DRAIN_MS	 20000 /* consoled closes a read-out pty in < 11 s */

int
console_pty_open(const struct xyl *x, xyl_domid_t domid, int timeout_ms)
{
	char link[4096];
	struct timespec nap = {0, 20 * 1000000};
	int waited, fd;

	snprintf(link, sizeof(link), "%s/console/%u.pty", x->rundir, domid);
	for (waited = 0;; waited += 20) {
		fd = open(link, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0)
			return fd;
		if (errno != ENOENT || waited >= timeout_ms ||
		    !host_daemon_running(x, CONSOLED_PROGRAM, NULL))
			return -ENOENT;
		nanosleep(&nap, NULL);
	}
}

/* Raw mode for a terminal on in_fd; output keeps its \n -> \r\n. */
static bool
tty_raw(int fd, struct termios *saved)
{
	struct termios t;

	if (!isatty(fd) || tcgetattr(fd, saved) < 0)
		return false;
	t = *saved;
	cfmakeraw(&t);
	t.c_oflag |= OPOST | ONLCR;
	return tcsetattr(fd, TCSANOW, &t) == 0;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	struct pollfd p = {.fd = fd, .events = POLLOUT};

	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EAGAIN) {
			poll(&p, 1, POLL_MS);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Guest -> out.  0 while the pty lives, -1 once it hung up. */
static int
copy_out(int pty_fd, int out_fd)
{
	char buf[4096];
	ssize_t n = read(pty_fd, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0)
		return -1;
	write_all(out_fd, buf, (size_t)n); /* a closed stdout is no reason
					      to stop the guest's input */
	return 0;
}

/* In -> guest.  1 on Ctrl-], -1 at the end of input, else 0. */
static int
copy_in(int in_fd, int pty_fd)
{
	char buf[1024], *esc;
	ssize_t n = read(in_fd, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0)
		return -1;
	esc = memchr(buf, ESCAPE_CHAR, (size_t)n);
	if (esc)
		n = esc - buf;
	if (n > 0 && write_all(pty_fd, buf, (size_t)n) < 0)
		return -1;
	return esc ? 1 : 0;
}

int
console_session(int pty_fd, int in_fd, int out_fd, volatile sig_atomic_t *stop)
{
	struct pollfd p[2] = {{.fd = pty_fd, .events = POLLIN},
			      {.fd = in_fd, .events = POLLIN}};
	struct termios saved;
	bool raw = tty_raw(in_fd, &saved);
	int r = 0, n;

	for (;;) {
		if (stop && *stop) {
			r = 2;
			break;
		}
		n = poll(p, p[1].fd >= 0 ? 2 : 1, POLL_MS);
		if (n < 0 && errno != EINTR)
			break;
		if (n <= 0)
			continue;
		if (p[0].revents && copy_out(pty_fd, out_fd) < 0)
			break;
		if (p[1].fd >= 0 && p[1].revents) {
			n = copy_in(in_fd, pty_fd);
			if (n == 1) {
				r = 1;
				break;
			}
			if (n < 0) /* end of input: keep showing output */
				p[1].fd = -1;
		}
	}
	if (raw)
		tcsetattr(in_fd, TCSANOW, &saved);
	return r;
}

/* The create -c follower: one thread, attached to one pty at a time. */
struct console_follow {
	struct xyl *x;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int pty_fd;  /* the pty being followed; -1 between domains */
	int next_fd; /* the pty of a restarted domain, handed over */
	bool finishing;
	volatile sig_atomic_t stop;
	volatile sig_atomic_t *detach;
};

/* Next pty to follow, or -1 when finishing. */
static int
follow_next(struct console_follow *f)
{
	int fd;

	pthread_mutex_lock(&f->lock);
	while (f->next_fd < 0 && !f->finishing)
		pthread_cond_wait(&f->cond, &f->lock);
	fd = f->next_fd;
	f->next_fd = -1;
	pthread_mutex_unlock(&f->lock);
	return fd;
}

static void *
follow_main(void *arg)
{
	struct console_follow *f = arg;
	int fd = f->pty_fd, r;

	while (fd >= 0) {
		r = console_session(fd, STDIN_FILENO, STDOUT_FILENO, &f->stop);
		close(fd);
		if (r == 1 && f->detach)
			*f->detach = 1;
		if (r != 0)
			break;
		fd = follow_next(f);
	}
	while ((fd = follow_next(f)) >= 0) /* handed over after the end */
		close(fd);
	return NULL;
}

struct console_follow *
console_follow_start(struct xyl *x, xyl_domid_t domid,
		     volatile sig_atomic_t *detach)
{
	struct console_follow *f;
	int fd;

	if (!host_daemon_running(x, CONSOLED_PROGRAM, NULL))
		return NULL;
	fd = console_pty_open(x, domid, 5000);
	if (fd < 0)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f) {
		close(fd);
		return NULL;
	}
	f->x = x;
	f->pty_fd = fd;
	f->next_fd = -1;
	f->detach = detach;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	if (pthread_create(&f->thread, NULL, follow_main, f) != 0) {
		close(fd);
		free(f);
		return NULL;
	}
	return f;
}

void
console_follow_restart(void *arg, xyl_domid_t old, xyl_domid_t new_domid)
{
	struct console_follow *f = arg;
	int fd;

	(void)old;
	if (!f)
		return;
	fd = console_pty_open(f->x, new_domid, 5000);
	if (fd < 0) {
		fprintf(stderr,
			"xyl: domid %u: no console from xylem-consoled; "
			"its output goes to %s/console/\n",
			new_domid, f->x->rundir);
		return;
	}
	pthread_mutex_lock(&f->lock);
	if (f->next_fd >= 0)
		close(f->next_fd);
	f->next_fd = fd;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

/* Wait for the thread up to ms; true if it ended. */
static bool
follow_join(struct console_follow *f, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return pthread_timedjoin_np(f->thread, NULL, &ts) == 0;
}

void
console_follow_finish(struct console_follow *f, bool drain)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	f->finishing = true;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
	if (!drain || !follow_join(f, FOLLOW_DRAIN_MS)) {
		f->stop = 1;
		pthread_join(f->thread, NULL);
	}
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->cond);
	free(f);
}
