/*
 * dom0-tools/libxylemctl/xylctl_stimer.c: SHARED_TIMER_MAP: receive the
 * host's shared-timer memfd and map it, plus the seqlock reader of the
 * page (include/xylem/sharedtimer.h).  The reply is checked against the
 * memfd before it is mapped.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xylctl_priv.h"

int
xylctl_stimer_map(struct xylctl *x, bool is_writer, struct xylctl_stimer *out)
{
	struct xyl_ctl_shared_timer_map_reply rep;
	struct stat st;
	int fd = -1, rc;
	void *p;

	memset(out, 0, sizeof(*out));
	rc = xylctl_call(x, XYL_CTL_SHARED_TIMER_MAP, NULL, 0, NULL, 0, &rep,
			 sizeof(rep), &fd, 1);
	if (rc)
		return rc;
	if (rep.bytes != XYL_STIMER_BYTES || rep.gpa != XYL_STIMER_GPA ||
	    fstat(fd, &st) < 0 || st.st_size != XYL_STIMER_BYTES) {
		rc = xylctl_fail(x, -EPROTO,
				 "shared-timer reply does not "
				 "match the page");
		goto out;
	}
	p = mmap(NULL, XYL_STIMER_BYTES,
		 is_writer ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd,
		 0);
	if (p == MAP_FAILED) {
		rc = xylctl_fail(x, -errno, "mmap of the shared-timer page");
		goto out;
	}
	out->page = p;
	out->gpa = rep.gpa;
out:
	close(fd); /* the mapping keeps the page */
	return rc;
}

void
xylctl_stimer_unmap(struct xylctl_stimer *s)
{
	if (s->page)
		munmap((void *)s->page, XYL_STIMER_BYTES);
	s->page = NULL;
}

int
xylctl_stimer_read(const struct xylctl_stimer *s, uint64_t *tick, uint64_t *ns)
{
	const volatile struct xyl_stimer_page *pg = s->page;
	uint32_t s1;

	if (!pg || pg->magic != XYL_STIMER_MAGIC)
		return -ENODEV;
	for (uint32_t i = 0; i < XYL_STIMER_MAX_RETRIES; i++) {
		s1 = __atomic_load_n(&pg->seq, __ATOMIC_ACQUIRE);
		if (s1 & 1)
			continue;
		*tick = pg->tick;
		*ns = pg->ns;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (pg->seq == s1)
			return 0;
	}
	return -EAGAIN;
}

uint64_t
xylctl_stimer_tick(const struct xylctl_stimer *s)
{
	const volatile struct xyl_stimer_page *pg = s->page;

	return pg && pg->magic == XYL_STIMER_MAGIC ? pg->tick : 0;
}
