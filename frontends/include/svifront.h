/*
 * svifront.h: the guest's single-volume image extractor (frontends/svi/):
 * open a volume through a "read blocks" callback (blkfront, or a test's
 * file), validate its index, and extract files by name with zlib inflate
 * and CRC-32.  Freestanding (no libc); no allocation: callers give every
 * buffer.  The volume is hostile: svifront_open() is the guest's only
 * parser of it (STYLE.md 3.6).
 */
#ifndef SVIFRONT_H
#define SVIFRONT_H

#include <stddef.h>
#include <stdint.h>

#include <xen/errno.h>

#include "xylem/svi.h"

/* Errors beyond gk/errno.h's set (Xen's values, equal to Linux's). */
#ifndef EIO
#define EIO 5
#endif
#ifndef EBADMSG
#define EBADMSG 74
#endif
_Static_assert(EIO == XEN_EIO, "EIO");
_Static_assert(EBADMSG == XEN_EBADMSG, "EBADMSG");

/* The device a volume lives on. */
struct svifront_dev {
	/* Read nr_blocks blocks from block into buf (nr_blocks * block_bytes
	 * bytes); 0 or -errno.  Never asked for a block >= nr_blocks. */
	int (*read_blocks)(void *arg, uint64_t block, uint32_t nr_blocks,
			   void *buf);
	void *arg;
	uint32_t block_bytes; /* power of two, 512..XYL_SVI_ALIGN */
	uint64_t nr_blocks;
};

/* One validated entry, copied out of the index. */
struct svifront_file {
	char name[XYL_SVI_NAME_MAX]; /* NUL-terminated */
	uint64_t offset;
	uint64_t stored_bytes;
	uint64_t size_bytes;
	uint32_t crc32;
	uint32_t flags; /* XYL_SVI_F_* */
	uint32_t slot;	/* index slot, for messages */
};

/*
 * An open volume.  Lives wherever the caller puts it (it is ~4 KiB); the
 * index buffer it points to is the caller's, XYL_SVI_INDEX_BYTES long,
 * filled and checked by svifront_open() and not written afterwards.
 * After an error, why is a short reason and why_slot the entry it is
 * about (-1: the header or the device).
 */
struct svifront_vol {
	const struct svifront_dev *dev;
	const uint8_t *index;
	uint64_t volume_bytes;
	uint32_t nr_files;
	const char *why;
	int why_slot;
	/* The last block of a stored file; 512-aligned, as block devices
	 * (gk/blk.h) want their buffers. */
	_Alignas(512) uint8_t bounce[XYL_SVI_ALIGN];
};

/*
 * Read the index through dev into index_buf and check every rule of
 * include/xylem/svi.h.  Returns 0 or:
 *   -EINVAL   bad device geometry, malformed index (v->why, v->why_slot)
 *   -EBADMSG  the index CRC does not match
 *   the read callback's -errno
 */
int svifront_open(struct svifront_vol *v, const struct svifront_dev *dev,
		  void *index_buf);

/* Entry i (0..nr_files-1) into *f; 0 or -ENOENT. */
int svifront_file(const struct svifront_vol *v, uint32_t i,
		  struct svifront_file *f);
/* The entry named name into *f; 0 or -ENOENT. */
int svifront_lookup(const struct svifront_vol *v, const char *name,
		    struct svifront_file *f);

/* Scratch bytes svifront_extract() needs for f (0 for a stored file). */
uint64_t svifront_scratch_bytes(const struct svifront_vol *v,
				const struct svifront_file *f);

/*
 * Extract f into out (out_cap >= f->size_bytes), using scratch for a
 * compressed image; check the exact size and the CRC.  Returns 0 or:
 *   -ENOSPC   out or scratch too small
 *   -EBADMSG  bad zlib stream, wrong size, CRC mismatch (v->why)
 *   the read callback's -errno
 */
int svifront_extract(struct svifront_vol *v, const struct svifront_file *f,
		     void *out, uint64_t out_cap, void *scratch,
		     uint64_t scratch_cap);

/* CRC-32 as zlib's crc32(): start with crc = 0. */
uint32_t svifront_crc32(uint32_t crc, const void *buf, size_t len);

/*
 * Inflate one zlib (RFC 1950) stream of exactly in_len bytes into
 * exactly out_len bytes; the Adler-32 trailer is checked.  0, or -EBADMSG
 * with *why set (bad header, bad code, distance too far, output would
 * exceed out_len, stream ends early or has trailing bytes, size short).
 */
int svifront_inflate(const uint8_t *in, size_t in_len, uint8_t *out,
		     size_t out_len, const char **why);

#endif
