/*
 * hypervisor/loop.c: the main thread's epoll loop.  Entries are looked up
 * by a unique id on every event, under a recursive lock that is also held
 * while the callback runs, so after loop_del returns (on any thread) the
 * callback for that fd cannot run again.  Callbacks must not block.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "loop.h"

struct loop_entry {
	struct loop_entry *next;
	int fd;
	uint64_t id;
	loop_cb cb;
	void *arg;
};

#define LOOP_WAKE_ID	0
#define LOOP_MAX_EVENTS 32

int
loop_init(struct loop *l)
{
	pthread_mutexattr_t attr;
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = LOOP_WAKE_ID};

	l->entries = NULL;
	l->stop = false;
	l->next_id = LOOP_WAKE_ID;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		return -errno;
	l->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (l->wake_fd < 0 ||
	    epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->wake_fd, &ev) < 0) {
		int rc = -errno;
		if (l->wake_fd >= 0)
			close(l->wake_fd);
		close(l->epfd);
		return rc;
	}
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&l->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	return 0;
}

void
loop_fini(struct loop *l)
{
	struct loop_entry *e, *next;

	for (e = l->entries; e; e = next) {
		next = e->next;
		free(e);
	}
	l->entries = NULL;
	close(l->wake_fd);
	close(l->epfd);
	pthread_mutex_destroy(&l->lock);
}

int
loop_add(struct loop *l, int fd, uint32_t epoll_events, loop_cb cb, void *arg)
{
	struct loop_entry *e = calloc(1, sizeof(*e));
	struct epoll_event ev = {.events = epoll_events};
	int rc = 0;

	if (!e)
		return -ENOMEM;
	e->fd = fd;
	e->cb = cb;
	e->arg = arg;
	pthread_mutex_lock(&l->lock);
	e->id = ++l->next_id; /* starts above LOOP_WAKE_ID */
	ev.data.u64 = e->id;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		rc = -errno;
		free(e);
		goto out;
	}
	e->next = l->entries;
	l->entries = e;
out:
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int
loop_del(struct loop *l, int fd)
{
	struct loop_entry **pp, *e;
	int rc = -ENOENT;

	pthread_mutex_lock(&l->lock);
	for (pp = &l->entries; (e = *pp); pp = &e->next) {
		if (e->fd != fd)
			continue;
		*pp = e->next;
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
		free(e);
		rc = 0;
		break;
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

static void
loop_dispatch(struct loop *l, uint64_t id, uint32_t events)
{
	struct loop_entry *e;

	pthread_mutex_lock(&l->lock);
	for (e = l->entries; e; e = e->next) {
		if (e->id == id) {
			e->cb(e->arg, events);
			break;
		}
	}
	pthread_mutex_unlock(&l->lock);
}

int
loop_run(struct loop *l)
{
	struct epoll_event evs[LOOP_MAX_EVENTS];

	l->thread = pthread_self();
	while (!__atomic_load_n(&l->stop, __ATOMIC_ACQUIRE)) {
		int n = epoll_wait(l->epfd, evs, LOOP_MAX_EVENTS, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n; i++) {
			if (evs[i].data.u64 == LOOP_WAKE_ID) {
				uint64_t v;
				if (read(l->wake_fd, &v, sizeof(v)) < 0) {
					/* EAGAIN: already drained */
				}
				continue;
			}
			loop_dispatch(l, evs[i].data.u64, evs[i].events);
		}
	}
	return 0;
}

void
loop_stop(struct loop *l)
{
	uint64_t one = 1;

	__atomic_store_n(&l->stop, true, __ATOMIC_RELEASE);
	if (write(l->wake_fd, &one, sizeof(one)) < 0) {
		/* counter full: the loop is awake anyway */
	}
}
