/*
 * tests/lib/fake_events_loop.c: a fake of loop.c.  loop_add/loop_del
 * record fds and callbacks; a test fires a callback by hand, as the loop
 * thread would when the fd becomes readable.
 */
#include <errno.h>
#include <sys/epoll.h>

#include "fake_events_world.h"
#include "loop.h"

#define FAKE_LOOP_MAX 512

static struct {
	int fd;
	loop_cb cb;
	void *arg;
} fake_entries[FAKE_LOOP_MAX];
static unsigned fake_nr;

int
loop_add(struct loop *l, int fd, uint32_t epoll_events, loop_cb cb, void *arg)
{
	(void)l;
	(void)epoll_events;
	if (fake_nr == FAKE_LOOP_MAX || fake_loop_has(fd))
		return -EEXIST;
	fake_entries[fake_nr].fd = fd;
	fake_entries[fake_nr].cb = cb;
	fake_entries[fake_nr].arg = arg;
	fake_nr++;
	return 0;
}

int
loop_del(struct loop *l, int fd)
{
	(void)l;
	for (unsigned i = 0; i < fake_nr; i++) {
		if (fake_entries[i].fd == fd) {
			fake_entries[i] = fake_entries[--fake_nr];
			return 0;
		}
	}
	return -ENOENT;
}

bool
fake_loop_has(int fd)
{
	for (unsigned i = 0; i < fake_nr; i++)
		if (fake_entries[i].fd == fd)
			return true;
	return false;
}

bool
fake_loop_fire(int fd)
{
	for (unsigned i = 0; i < fake_nr; i++) {
		if (fake_entries[i].fd == fd) {
			fake_entries[i].cb(fake_entries[i].arg, EPOLLIN);
			return true;
		}
	}
	return false;
}

unsigned
fake_loop_count(void)
{
	return fake_nr;
}

unsigned
fake_loop_fire_all(void)
{
	unsigned n = fake_nr;

	/* Callbacks read their eventfd: one with nothing to read returns. */
	for (unsigned i = 0; i < n && i < fake_nr; i++)
		fake_entries[i].cb(fake_entries[i].arg, EPOLLIN);
	return n;
}
