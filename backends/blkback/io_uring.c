/*
 * backends/blkback/io_uring.c: the asynchronous I/O engine (liburing).
 * Owns the ring and its completion eventfd.  Operations are queued while
 * the loop drains a blkif ring and submitted with one io_uring_submit per
 * batch; an io's steps are linked (IOSQE_IO_LINK) and a barrier's first
 * step drains everything before it (IOSQE_IO_DRAIN).
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/falloc.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "blkback.h"

/* Owner: the program context (one engine for every device). */
struct blkback_engine {
	struct io_uring ring;
	int efd;
	uint32_t queued;   /* SQEs prepared, not submitted */
	uint32_t inflight; /* SQEs submitted, not completed */
};

int
blkback_engine_open(unsigned entries, struct blkback_engine **out)
{
	struct blkback_engine *e = calloc(1, sizeof(*e));
	int rc;

	if (!e)
		return -ENOMEM;
	rc = io_uring_queue_init(entries, &e->ring, 0);
	if (rc < 0)
		goto fail;
	e->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (e->efd < 0) {
		rc = -errno;
		io_uring_queue_exit(&e->ring);
		goto fail;
	}
	rc = io_uring_register_eventfd(&e->ring, e->efd);
	if (rc < 0) {
		close(e->efd);
		io_uring_queue_exit(&e->ring);
		goto fail;
	}
	*out = e;
	return 0;
fail:
	free(e);
	return rc;
}

void
blkback_engine_close(struct blkback_engine *e)
{
	if (!e)
		return;
	io_uring_queue_exit(&e->ring);
	close(e->efd);
	free(e);
}

int
blkback_engine_fd(const struct blkback_engine *e)
{
	return e->efd;
}

uint32_t
blkback_engine_inflight(const struct blkback_engine *e)
{
	return e->queued + e->inflight;
}

static void
blkback_engine_prep(struct io_uring_sqe *sqe, struct blkback_io *io,
		    const struct blkback_io_step *s)
{
	switch (s->kind) {
	case BLKBACK_IO_READV:
		io_uring_prep_readv(sqe, io->fd, io->iov, io->nr_iov,
				    s->offset);
		break;
	case BLKBACK_IO_WRITEV:
		io_uring_prep_writev(sqe, io->fd, io->iov, io->nr_iov,
				     s->offset);
		break;
	case BLKBACK_IO_FSYNC:
		io_uring_prep_fsync(sqe, io->fd, IORING_FSYNC_DATASYNC);
		break;
	default:
		io_uring_prep_fallocate(
			sqe, io->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			s->offset, s->len);
		break;
	}
	io_uring_sqe_set_data(sqe, io);
}

int
blkback_engine_queue(struct blkback_engine *e, struct blkback_io *io)
{
	if (io_uring_sq_space_left(&e->ring) < io->nr_steps)
		return -EBUSY;
	io->pending = io->nr_steps;
	io->res = 0;
	for (uint32_t i = 0; i < io->nr_steps; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&e->ring);
		unsigned flags = 0;

		blkback_engine_prep(sqe, io, &io->steps[i]);
		if (i + 1 < io->nr_steps)
			flags |= IOSQE_IO_LINK;
		if (io->steps[i].is_drain)
			flags |= IOSQE_IO_DRAIN;
		io_uring_sqe_set_flags(sqe, flags);
		e->queued++;
	}
	return 0;
}

int
blkback_engine_submit(struct blkback_engine *e)
{
	int rc;

	if (e->queued == 0)
		return 0;
	rc = io_uring_submit(&e->ring);
	if (rc < 0)
		return rc;
	e->inflight += e->queued;
	e->queued = 0;
	return 0;
}

/* The step a completion belongs to is the first still pending. */
static void
blkback_engine_complete(struct blkback_io *io, int res)
{
	const struct blkback_io_step *s =
		&io->steps[io->nr_steps - io->pending];

	if (io->res == 0) {
		if (res < 0)
			io->res = res;
		else if ((s->kind == BLKBACK_IO_READV ||
			  s->kind == BLKBACK_IO_WRITEV) &&
			 (uint64_t)res != s->len)
			io->res = -EIO; /* short transfer */
	}
	if (--io->pending == 0)
		io->done(io, io->res);
}

void
blkback_engine_reap(struct blkback_engine *e)
{
	struct io_uring_cqe *cqe;
	uint64_t n;

	if (read(e->efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	while (io_uring_peek_cqe(&e->ring, &cqe) == 0) {
		struct blkback_io *io = io_uring_cqe_get_data(cqe);
		int res = cqe->res;

		io_uring_cqe_seen(&e->ring, cqe);
		e->inflight--;
		if (io)
			blkback_engine_complete(io, res);
	}
}

void
blkback_engine_drain(struct blkback_engine *e)
{
	struct pollfd p = {.fd = e->efd, .events = POLLIN};

	blkback_engine_submit(e);
	while (e->inflight > 0) {
		poll(&p, 1, 1000);
		blkback_engine_reap(e);
	}
}
