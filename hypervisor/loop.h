/*
 * hypervisor/loop.h: the main thread's epoll loop.  The control socket,
 * timerfds of vCPU timers and dom0's kick eventfds are served here.
 * loop_add/loop_del may be called from any thread; a callback runs only on
 * the loop thread, and after loop_del returns on the loop thread the
 * callback will not run again for that fd.  From another thread, use
 * loop_del_sync, which waits until the loop thread has dropped the entry.
 */
#ifndef HV_LOOP_H
#define HV_LOOP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

typedef void (*loop_cb)(void *arg, uint32_t epoll_events);

struct loop_entry;

struct loop {
	int epfd;
	int wake_fd; /* eventfd: loop_stop and loop_del_sync poke the loop */
	pthread_t thread;
	pthread_mutex_t lock; /* guards entries and pending deletions */
	struct loop_entry *entries;
	bool stop;
	uint64_t next_id; /* under lock: ids of entries, never reused */
};

int loop_init(struct loop *l);
void loop_fini(struct loop *l);
/* Watch fd for epoll_events (EPOLLIN...); cb(arg, revents) on the loop. */
int loop_add(struct loop *l, int fd, uint32_t epoll_events, loop_cb cb,
	     void *arg);
/* Stop watching fd; safe from the loop thread or (waiting) from others. */
int loop_del(struct loop *l, int fd);
/* Run until loop_stop; returns 0 or -errno. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

#endif
