/*
 * tests/lib/blk_stack.h: the host side that xylem-blkback tests and
 * benchmarks need: a private xylem-hv (harness), xylem-xenstored and
 * xylem-blkback as child processes (killed with the test: PDEATHSIG), and
 * an idle guest whose memory tests/lib/fake_blkfront.c borrows.  Functions
 * return 0 or -errno and never exit.
 */
#ifndef TESTS_BLK_STACK_H
#define TESTS_BLK_STACK_H

#include <sys/types.h>

#include "harness.h"
#include "xylctl.h"

struct blk_stack {
	struct harness_hv hv;
	pid_t xs_pid;
	pid_t blk_pid;
	xyl_domid_t domid;
	const char *poll_us; /* blkback --poll-us */
};

/* xylem-hv, xenstored, an idle guest of mem_mib MiB, blkback. */
int blk_stack_start(struct blk_stack *st, unsigned mem_mib,
		    const char *poll_us);
/* (Re)start blkback and wait for its pid file. */
int blk_stack_blkback_start(struct blk_stack *st);
/* kill -9 blkback and reap it. */
void blk_stack_blkback_kill9(struct blk_stack *st);
void blk_stack_stop(struct blk_stack *st);

#endif
