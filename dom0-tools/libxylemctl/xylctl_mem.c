/*
 * dom0-tools/libxylemctl/xylctl_mem.c: guest memory (the domain's memfd,
 * mapped once), HVM params and the grant-table frame list.  The layout in
 * a MEMORY_MAP reply is checked against the memfd before it is mapped.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xylctl_priv.h"

static int
check_layout(struct xylctl *x, const struct xyl_ctl_memory_map_reply *l, int fd)
{
	uint64_t sum, special_end;
	struct stat st;

	if (__builtin_add_overflow(l->ram_bytes, l->special_bytes, &sum) ||
	    __builtin_add_overflow(l->special_gpa, l->special_bytes,
				   &special_end) ||
	    sum != l->memfd_bytes || l->memfd_bytes == 0 ||
	    l->special_gpa < l->ram_bytes || (l->memfd_bytes & 4095) ||
	    (l->special_gpa & 4095) || l->memfd_bytes > SIZE_MAX)
		return xylctl_fail(x, -EPROTO, "memory layout inconsistent");
	if (fstat(fd, &st) < 0)
		return -errno;
	if ((uint64_t)st.st_size < l->memfd_bytes)
		return xylctl_fail(x, -EPROTO,
				   "memfd is %lld bytes, layout says %llu",
				   (long long)st.st_size,
				   (unsigned long long)l->memfd_bytes);
	return 0;
}

int
xylctl_map_guest(struct xylctl *x, xyl_domid_t domid,
		 struct xylctl_guest_mem *out)
{
	struct xyl_ctl_domid req = {.domid = domid};
	int fd = -1, rc;
	void *p;

	memset(out, 0, sizeof(*out));
	out->memfd = -1;
	rc = xylctl_call(x, XYL_CTL_MEMORY_MAP, &req, sizeof(req), NULL, 0,
			 &out->layout, sizeof(out->layout), &fd, 1);
	if (rc)
		return rc;
	rc = check_layout(x, &out->layout, fd);
	if (rc)
		goto fail;
	p = mmap(NULL, (size_t)out->layout.memfd_bytes, PROT_READ | PROT_WRITE,
		 MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		rc = xylctl_fail(x, -errno, "mmap of guest memory failed");
		goto fail;
	}
	out->memfd = fd;
	out->base = p;
	return 0;
fail:
	close(fd);
	return rc;
}

void
xylctl_unmap_guest(struct xylctl_guest_mem *m)
{
	if (m->base)
		munmap(m->base, (size_t)m->layout.memfd_bytes);
	if (m->memfd >= 0)
		close(m->memfd);
	m->base = NULL;
	m->memfd = -1;
}

void *
xylctl_gpa(const struct xylctl_guest_mem *m, uint64_t gpa, size_t len)
{
	const struct xyl_ctl_memory_map_reply *l = &m->layout;
	uint64_t end;

	if (!m->base || __builtin_add_overflow(gpa, (uint64_t)len, &end))
		return NULL;
	if (end <= l->ram_bytes)
		return m->base + gpa;
	if (gpa >= l->special_gpa && end <= l->special_gpa + l->special_bytes)
		return m->base + l->ram_bytes + (gpa - l->special_gpa);
	return NULL;
}

int
xylctl_hvm_param_get(struct xylctl *x, xyl_domid_t domid, uint32_t index,
		     uint64_t *value)
{
	struct xyl_ctl_hvm_param req = {.domid = domid, .index = index};
	struct xyl_ctl_hvm_param rep;
	int rc;

	rc = xylctl_call(x, XYL_CTL_HVM_PARAM_GET, &req, sizeof(req), NULL, 0,
			 &rep, sizeof(rep), NULL, 0);
	if (rc)
		return rc;
	if (rep.domid != domid || rep.index != index)
		return xylctl_fail(x, -EPROTO, "param reply for another index");
	*value = rep.value;
	return 0;
}

int
xylctl_hvm_param_set(struct xylctl *x, xyl_domid_t domid, uint32_t index,
		     uint64_t value)
{
	struct xyl_ctl_hvm_param req = {
		.domid = domid, .index = index, .value = value};

	return xylctl_call(x, XYL_CTL_HVM_PARAM_SET, &req, sizeof(req), NULL, 0,
			   NULL, 0, NULL, 0);
}

int
xylctl_gnttab_frames(struct xylctl *x, xyl_domid_t domid,
		     struct xyl_ctl_gnttab_frames_reply *out)
{
	struct xyl_ctl_domid req = {.domid = domid};
	int rc;

	rc = xylctl_call(x, XYL_CTL_GNTTAB_FRAMES, &req, sizeof(req), NULL, 0,
			 out, sizeof(*out), NULL, 0);
	if (rc == 0 && out->nr_frames > XYL_GNTTAB_MAX_FRAMES)
		return xylctl_fail(x, -EPROTO, "%u grant frames",
				   out->nr_frames);
	return rc;
}
