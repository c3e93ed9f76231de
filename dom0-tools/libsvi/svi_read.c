/*
 * dom0-tools/libsvi/svi_read.c: open a volume and extract its files:
 * read the image (bounded by its validated entry), inflate it with zlib,
 * and check the exact size and CRC.  The index itself is parsed only by
 * svi_index.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "svi.h"

#define READ_CHUNK (1u << 20) /* bytes read from the volume at once */
#define CHUNK_OUT  (1u << 18) /* inflate output handed to the sink */

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
dev_size(int fd, uint64_t *bytes)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, bytes) < 0 ? -errno : 0;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	*bytes = (uint64_t)st.st_size;
	return 0;
}

/* pread exactly len bytes; -EIO if the file ends first. */
static int
read_at(int fd, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int
svi_open(const char *path, struct svi_volume **out, char *detail, size_t cap)
{
	struct svi_volume *v = calloc(1, sizeof(*v));
	void *index = malloc(XYL_SVI_INDEX_BYTES);
	int r;

	if (detail && cap)
		detail[0] = '\0';
	if (v)
		v->fd = -1;
	if (!v || !index) {
		r = -ENOMEM;
		goto fail;
	}
	v->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (v->fd < 0) {
		r = -errno;
		goto fail;
	}
	r = dev_size(v->fd, &v->dev_bytes);
	if (r == -EINVAL)
		r = fail(-EINVAL, detail, cap,
			 "not a regular file or block device");
	if (r < 0)
		goto fail;
	if (v->dev_bytes < XYL_SVI_INDEX_BYTES) {
		r = fail(-EINVAL, detail, cap,
			 "truncated: %llu bytes, the index alone is %u",
			 (unsigned long long)v->dev_bytes, XYL_SVI_INDEX_BYTES);
		goto fail;
	}
	r = read_at(v->fd, index, XYL_SVI_INDEX_BYTES, 0);
	if (r == 0)
		r = svi_index_parse(index, XYL_SVI_INDEX_BYTES, v->dev_bytes,
				    &v->ix, detail, cap);
	if (r < 0)
		goto fail;
	free(index);
	*out = v;
	return 0;
fail:
	if (v && v->fd >= 0)
		close(v->fd);
	free(v);
	free(index);
	return r;
}

void
svi_close(struct svi_volume *v)
{
	if (!v)
		return;
	close(v->fd);
	free(v);
}

/* Progress of one extraction. */
struct xfer {
	const struct svi_file *f;
	svi_sink_fn sink;
	void *arg;
	uint64_t out_bytes; /* handed to the sink so far */
	uLong crc;
	char *detail;
	size_t cap;
};

static int
emit(struct xfer *x, const void *buf, size_t len)
{
	if (len > x->f->size_bytes - x->out_bytes)
		return fail(-EBADMSG, x->detail, x->cap,
			    "entry %u '%s': inflates past its size %llu "
			    "(decompression bomb)",
			    x->f->slot, x->f->name,
			    (unsigned long long)x->f->size_bytes);
	x->out_bytes += len;
	x->crc = crc32_z(x->crc, buf, len);
	return x->sink ? x->sink(x->arg, buf, len) : 0;
}

/* Feed one chunk of the compressed image through inflate.  *ended is set
 * once the stream's end has been seen. */
static int
inflate_chunk(struct xfer *x, z_stream *zs, uint8_t *in, size_t len,
	      uint8_t *out, bool *ended)
{
	int zr, r;

	if (*ended && len)
		return fail(-EBADMSG, x->detail, x->cap,
			    "entry %u '%s': data after the end of the zlib "
			    "stream",
			    x->f->slot, x->f->name);
	zs->next_in = in;
	zs->avail_in = (uInt)len;
	do {
		zs->next_out = out;
		zs->avail_out = CHUNK_OUT;
		zr = inflate(zs, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
			return fail(-EBADMSG, x->detail, x->cap,
				    "entry %u '%s': bad zlib stream (%s)",
				    x->f->slot, x->f->name,
				    zs->msg ? zs->msg : zError(zr));
		r = emit(x, out, CHUNK_OUT - zs->avail_out);
		if (r < 0)
			return r;
		if (zr == Z_STREAM_END) {
			*ended = true;
			if (zs->avail_in)
				return fail(-EBADMSG, x->detail, x->cap,
					    "entry %u '%s': data after the end "
					    "of the zlib stream",
					    x->f->slot, x->f->name);
			return 0;
		}
		if (zr == Z_BUF_ERROR && zs->avail_in == 0)
			return 0;
		if (zr == Z_BUF_ERROR) /* no progress with room on both sides */
			return fail(-EBADMSG, x->detail, x->cap,
				    "entry %u '%s': bad zlib stream",
				    x->f->slot, x->f->name);
	} while (zs->avail_in > 0 || zs->avail_out == 0);
	return 0;
}

static int
extract_loop(struct svi_volume *v, struct xfer *x, z_stream *zs, uint8_t *in,
	     uint8_t *out)
{
	const struct svi_file *f = x->f;
	uint64_t pos = 0;
	bool ended = false;
	int r = 0;

	while (pos < f->stored_bytes) {
		size_t n = f->stored_bytes - pos < READ_CHUNK
				   ? (size_t)(f->stored_bytes - pos)
				   : READ_CHUNK;

		r = read_at(v->fd, in, n, f->offset + pos);
		if (r < 0)
			return fail(r, x->detail, x->cap,
				    "entry %u '%s': reading %zu bytes at %llu: "
				    "%s",
				    f->slot, f->name, n,
				    (unsigned long long)(f->offset + pos),
				    r == -EIO ? "volume truncated"
					      : strerror(-r));
		r = zs ? inflate_chunk(x, zs, in, n, out, &ended)
		       : emit(x, in, n);
		if (r < 0)
			return r;
		pos += n;
	}
	if (zs && !ended)
		return fail(-EBADMSG, x->detail, x->cap,
			    "entry %u '%s': zlib stream is cut short", f->slot,
			    f->name);
	return 0;
}

int
svi_extract(struct svi_volume *v, const struct svi_file *f, svi_sink_fn sink,
	    void *arg, char *detail, size_t cap)
{
	struct xfer x = {.f = f,
			 .sink = sink,
			 .arg = arg,
			 .crc = crc32(0, Z_NULL, 0),
			 .detail = detail,
			 .cap = cap};
	bool zlib = f->flags & XYL_SVI_F_ZLIB;
	z_stream zs = {0};
	uint8_t *in = malloc(READ_CHUNK), *out = malloc(CHUNK_OUT);
	int r;

	if (detail && cap)
		detail[0] = '\0';
	if (!in || !out || (zlib && inflateInit(&zs) != Z_OK)) {
		r = -ENOMEM;
		zlib = false;
		goto out;
	}
	r = extract_loop(v, &x, zlib ? &zs : NULL, in, out);
	if (r < 0)
		goto out;
	if (x.out_bytes != f->size_bytes)
		r = fail(-EBADMSG, detail, cap,
			 "entry %u '%s': extracted %llu bytes, the index says "
			 "%llu",
			 f->slot, f->name, (unsigned long long)x.out_bytes,
			 (unsigned long long)f->size_bytes);
	else if ((uint32_t)x.crc != f->crc32)
		r = fail(-EBADMSG, detail, cap,
			 "entry %u '%s': checksum mismatch (index %08x, data "
			 "%08x)",
			 f->slot, f->name, f->crc32, (uint32_t)x.crc);
out:
	if (zlib)
		inflateEnd(&zs);
	free(in);
	free(out);
	return r;
}

struct membuf {
	uint8_t *buf;
	size_t len;
};

static int
mem_sink(void *arg, const void *buf, size_t len)
{
	struct membuf *m = arg;

	memcpy(m->buf + m->len, buf, len);
	m->len += len;
	return 0;
}

int
svi_extract_mem(struct svi_volume *v, const struct svi_file *f,
		size_t max_bytes, void **buf, char *detail, size_t cap)
{
	struct membuf m = {0};
	int r;

	if (f->size_bytes > max_bytes)
		return fail(-EFBIG, detail, cap,
			    "entry %u '%s': %llu bytes, more than the limit of "
			    "%zu",
			    f->slot, f->name, (unsigned long long)f->size_bytes,
			    max_bytes);
	/* emit() never passes more than size_bytes to the sink. */
	m.buf = calloc(1, (size_t)f->size_bytes + 1);
	if (!m.buf)
		return -ENOMEM;
	r = svi_extract(v, f, mem_sink, &m, detail, cap);
	if (r < 0) {
		free(m.buf);
		return r;
	}
	*buf = m.buf;
	return 0;
}

int
svi_fd_sink(void *arg, const void *buf, size_t len)
{
	int fd = *(int *)arg;
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
