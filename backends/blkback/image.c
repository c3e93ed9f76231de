/*
 * backends/blkback/image.c: a vbd's backing image, a raw file or a block
 * device.  Owns the image fd.  Opened O_DIRECT when the file system takes
 * it (else buffered); size, logical sector size and O_DIRECT alignment
 * come from the kernel.  The path comes from the toolstack (dom0 only).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blkback.h"

static void
blkback_image_dio_align(struct blkback_image *img)
{
	struct statx stx;

	img->dio_align = 512;
#ifdef STATX_DIOALIGN
	if (statx(img->fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &stx) == 0 &&
	    (stx.stx_mask & STATX_DIOALIGN) && stx.stx_dio_offset_align) {
		img->dio_align = stx.stx_dio_offset_align;
		if (stx.stx_dio_mem_align > img->dio_align)
			img->dio_align = stx.stx_dio_mem_align;
	}
#else
	(void)stx;
#endif
}

static int
blkback_image_size(struct blkback_image *img, uint32_t hint)
{
	struct stat st;
	int ssz = 512;

	if (fstat(img->fd, &st) < 0)
		return -errno;
	img->is_block_dev = S_ISBLK(st.st_mode);
	if (!img->is_block_dev && !S_ISREG(st.st_mode))
		return -EINVAL;
	if (img->is_block_dev) {
		if (ioctl(img->fd, BLKGETSIZE64, &img->size_bytes) < 0 ||
		    ioctl(img->fd, BLKSSZGET, &ssz) < 0)
			return -errno;
		img->has_discard = true;
	} else {
		img->size_bytes = (uint64_t)st.st_size;
		if (hint == 4096)
			ssz = 4096;
		img->has_discard = true; /* fallocate PUNCH_HOLE */
	}
	if (ssz != 512 && ssz != 4096)
		return -EINVAL;
	img->sector_size = (uint32_t)ssz;
	/* A partial last sector is not addressable. */
	img->size_bytes -= img->size_bytes % img->sector_size;
	return 0;
}

int
blkback_image_open(struct blkback_image *img, const char *path, bool read_only,
		   uint32_t sector_size_hint)
{
	int flags = (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	int rc;

	memset(img, 0, sizeof(*img));
	img->fd_buffered = -1;
	img->fd = open(path, flags | O_DIRECT);
	img->is_direct = img->fd >= 0;
	if (img->fd < 0 && errno == EINVAL)
		img->fd = open(path, flags);
	if (img->fd < 0)
		return -errno;
	img->is_read_only = read_only;
	rc = blkback_image_size(img, sector_size_hint);
	if (rc) {
		blkback_image_close(img);
		return rc;
	}
	if (img->is_direct) {
		blkback_image_dio_align(img);
		/* Whole logical sectors too, as a 4Kn device wants. */
		if (img->dio_align < img->sector_size)
			img->dio_align = img->sector_size;
		img->fd_buffered = open(path, flags);
		if (img->fd_buffered < 0) {
			rc = -errno;
			blkback_image_close(img);
			return rc;
		}
	} else {
		img->dio_align = 1;
	}
	if (read_only)
		img->has_discard = false;
	return 0;
}

void
blkback_image_close(struct blkback_image *img)
{
	if (img->fd >= 0)
		close(img->fd);
	if (img->fd_buffered >= 0)
		close(img->fd_buffered);
	img->fd = img->fd_buffered = -1;
}

int
blkback_image_discard_sync(struct blkback_image *img, uint64_t off,
			   uint64_t len)
{
	uint64_t range[2] = {off, len};

	if (ioctl(img->fd, BLKDISCARD, range) < 0)
		return -errno;
	return 0;
}
