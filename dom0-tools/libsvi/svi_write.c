/*
 * dom0-tools/libsvi/svi_write.c: build a volume (xyl svi create): write
 * each input file (zlib-compressed on request) at the next aligned
 * offset, then the index with its CRC, then pad to the volume size.
 * Inputs are the caller's own files; names are checked like a reader would.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "svi.h"

static int
fail(int err, char *detail, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (detail && cap) {
		va_start(ap, fmt);
		vsnprintf(detail, cap, fmt, ap);
		va_end(ap);
	}
	return err;
}

static int
write_at(int fd, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int
check_inputs(const struct svi_input *in, size_t nr, char *detail, size_t cap)
{
	size_t i, j;

	if (nr > XYL_SVI_MAX_ENTRIES)
		return fail(-EINVAL, detail, cap, "%zu files (at most %u)", nr,
			    XYL_SVI_MAX_ENTRIES);
	for (i = 0; i < nr; i++) {
		if (svi_name_check(in[i].name) < 0)
			return fail(-EINVAL, detail, cap,
				    "%s: invalid entry name '%s' (1 to %u "
				    "bytes of [A-Za-z0-9._+-], not starting "
				    "with '.')",
				    in[i].path, in[i].name,
				    XYL_SVI_NAME_MAX - 1);
		for (j = 0; j < i; j++)
			if (strcmp(in[i].name, in[j].name) == 0)
				return fail(-EINVAL, detail, cap,
					    "duplicate entry name '%s' (%s "
					    "and %s)",
					    in[i].name, in[j].path, in[i].path);
	}
	return 0;
}

/* Map an input file read-only (len 0: *data NULL); -ELOOP if it is the
 * volume being written (out). */
static int
map_input(const char *path, const struct stat *out, const void **data,
	  size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;

	*data = NULL;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		goto out;
	}
	if (st.st_dev == out->st_dev && st.st_ino == out->st_ino) {
		r = -ELOOP;
		goto out;
	}
	*len = (size_t)st.st_size;
	if (*len) {
		void *p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);

		if (p == MAP_FAILED)
			r = -errno;
		else
			*data = p;
	}
out:
	close(fd);
	return r;
}

/* Write one file's image at *pos and fill its entry; *pos moves to the
 * next aligned offset. */
static int
write_file(int fd, const struct svi_input *in, bool compress, uint64_t *pos,
	   struct xyl_svi_entry *e, char *detail, size_t cap)
{
	const void *data;
	const void *image;
	uint8_t *z = NULL;
	size_t len = 0, stored;
	uLongf zlen;
	uint32_t flags = 0;
	struct stat vol;
	int r = fstat(fd, &vol) < 0 ? -errno : 0;

	if (r == 0)
		r = map_input(in->path, &vol, &data, &len);
	if (r == -ELOOP)
		return fail(-EINVAL, detail, cap,
			    "%s: is the volume being written", in->path);
	if (r < 0)
		return fail(r, detail, cap, "%s: %s", in->path,
			    r == -EINVAL ? "not a regular file" : strerror(-r));
	image = data;
	stored = len;
	if (compress) {
		zlen = compressBound(len);
		z = malloc(zlen);
		if (!z) {
			r = -ENOMEM;
			goto out;
		}
		if (compress2(z, &zlen, data ? data : (const void *)"", len,
			      Z_BEST_COMPRESSION) != Z_OK) {
			r = fail(-EIO, detail, cap, "%s: zlib failed",
				 in->path);
			goto out;
		}
		if (zlen < len) {
			image = z;
			stored = zlen;
			flags = XYL_SVI_F_ZLIB;
		}
	}
	if (stored) {
		r = write_at(fd, image, stored, *pos);
		if (r < 0) {
			r = fail(r, detail, cap, "writing %s: %s", in->name,
				 strerror(-r));
			goto out;
		}
	}
	snprintf(e->name, sizeof(e->name), "%s", in->name);
	e->offset = htole64(*pos);
	e->stored_bytes = htole64(stored);
	e->size_bytes = htole64(len);
	e->crc32 = htole32((uint32_t)crc32_z(crc32(0, Z_NULL, 0), data, len));
	e->flags = htole32(flags);
	*pos += (stored + XYL_SVI_ALIGN - 1) / XYL_SVI_ALIGN * XYL_SVI_ALIGN;
out:
	free(z);
	if (data)
		munmap((void *)data, len);
	return r;
}

/* Fill in the header and write the index at offset 0. */
static int
write_index(int fd, uint8_t *index, size_t nr, uint64_t volume_bytes)
{
	struct xyl_svi_header *h = (struct xyl_svi_header *)index;

	memcpy(h->magic, XYL_SVI_MAGIC, XYL_SVI_MAGIC_BYTES);
	h->version = htole32(XYL_SVI_VERSION);
	h->index_bytes = htole32(XYL_SVI_INDEX_BYTES);
	h->nr_entries = htole32((uint32_t)nr);
	h->volume_bytes = htole64(volume_bytes);
	h->index_crc32 = htole32(svi_index_crc(index));
	return write_at(fd, index, XYL_SVI_INDEX_BYTES, 0);
}

/*
 * The volume is written to a temporary file beside path and renamed over
 * it at the end: guests (and blkback) that have the old volume open keep
 * reading the old file, never a half-written one.
 */
int
svi_create(const char *path, const struct svi_input *in, size_t nr,
	   unsigned int flags, char *detail, size_t cap)
{
	uint8_t *index = calloc(1, XYL_SVI_INDEX_BYTES);
	struct xyl_svi_entry *ents =
		(struct xyl_svi_entry *)(index + XYL_SVI_HEADER_BYTES);
	uint64_t pos = XYL_SVI_INDEX_BYTES;
	char *tmp = NULL;
	size_t i;
	int fd = -1, r;

	if (detail && cap)
		detail[0] = '\0';
	if (!index || asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		r = -ENOMEM;
		goto out;
	}
	r = check_inputs(in, nr, detail, cap);
	if (r < 0)
		goto out;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0644) < 0) {
		r = -errno;
		goto out;
	}
	for (i = 0; i < nr && r == 0; i++)
		r = write_file(fd, &in[i], flags & SVI_CREATE_COMPRESS, &pos,
			       &ents[i], detail, cap);
	if (r == 0)
		r = write_index(fd, index, nr, pos);
	if (r == 0 && ftruncate(fd, (off_t)pos) < 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
out:
	if (fd >= 0) {
		close(fd);
		if (r < 0)
			unlink(tmp);
	}
	free(tmp);
	free(index);
	return r;
}
