/*
 * svi/svifront.c: the guest's svi volume reader: read the index through
 * the device's read callback, check every field (the guest's one parser
 * of a volume, include/xylem/svi.h), look files up and extract them with
 * size and CRC checks.  The volume and the device are both untrusted.
 */
#include "gk/errno.h"
#include "gk/string.h"
#include "svifront.h"

/* Most bytes asked of the device at once: large, so that a block device
 * can keep a deep queue of requests busy. */
#define READ_CHUNK_BYTES (16u << 20)

/* Little-endian loads from the index (its fields are not aligned for us
 * to assume anything). */
static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

#define HDR_FIELD(f)   __builtin_offsetof(struct xyl_svi_header, f)
#define ENTRY_FIELD(f) __builtin_offsetof(struct xyl_svi_entry, f)
#define HDR_RESERVED   sizeof(((struct xyl_svi_header *)0)->reserved)
#define ENTRY_RESERVED sizeof(((struct xyl_svi_entry *)0)->reserved)

static int
refuse(struct svifront_vol *v, int slot, const char *why, int err)
{
	v->why = why;
	v->why_slot = slot;
	return err;
}

static int
all_zero(const uint8_t *p, size_t len)
{
	while (len--)
		if (*p++)
			return 0;
	return 1;
}

static const uint8_t *
slot_at(const struct svifront_vol *v, uint32_t i)
{
	return v->index + XYL_SVI_HEADER_BYTES +
	       (size_t)i * XYL_SVI_ENTRY_BYTES;
}

static int
name_ok(const char *n)
{
	size_t i, len = strnlen(n, XYL_SVI_NAME_MAX);

	if (len == 0 || len >= XYL_SVI_NAME_MAX || n[0] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		char c = n[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '+' || c == '-'))
			return 0;
	}
	return 1;
}

/* Decode slot i (already known to be in use) into *f. */
static void
entry_decode(const struct svifront_vol *v, uint32_t i, struct svifront_file *f)
{
	const uint8_t *e = slot_at(v, i);

	memcpy(f->name, e, XYL_SVI_NAME_MAX);
	f->name[XYL_SVI_NAME_MAX - 1] = '\0';
	f->offset = le64(e + ENTRY_FIELD(offset));
	f->stored_bytes = le64(e + ENTRY_FIELD(stored_bytes));
	f->size_bytes = le64(e + ENTRY_FIELD(size_bytes));
	f->crc32 = le32(e + ENTRY_FIELD(crc32));
	f->flags = le32(e + ENTRY_FIELD(flags));
	f->slot = i;
}

static int
check_header(struct svifront_vol *v, uint64_t dev_bytes)
{
	const uint8_t *h = v->index;
	uint64_t vol = le64(h + HDR_FIELD(volume_bytes));
	uint8_t zero[4] = {0};
	uint32_t crc;

	if (memcmp(h, XYL_SVI_MAGIC, XYL_SVI_MAGIC_BYTES) != 0)
		return refuse(v, -1, "not an svi volume (bad magic)", -EINVAL);
	if (le32(h + HDR_FIELD(version)) != XYL_SVI_VERSION)
		return refuse(v, -1, "svi version not supported", -EINVAL);
	if (le32(h + HDR_FIELD(index_bytes)) != XYL_SVI_INDEX_BYTES)
		return refuse(v, -1, "wrong index size", -EINVAL);
	crc = svifront_crc32(0, h, XYL_SVI_CRC_FIELD_OFFSET);
	crc = svifront_crc32(crc, zero, 4);
	crc = svifront_crc32(crc, h + XYL_SVI_CRC_FIELD_OFFSET + 4,
			     XYL_SVI_INDEX_BYTES - XYL_SVI_CRC_FIELD_OFFSET -
				     4);
	if (crc != le32(h + HDR_FIELD(index_crc32)))
		return refuse(v, -1, "index checksum mismatch", -EBADMSG);
	if (le32(h + HDR_FIELD(flags)) ||
	    !all_zero(h + HDR_FIELD(reserved), HDR_RESERVED))
		return refuse(v, -1, "header flags or reserved not zero",
			      -EINVAL);
	if (le32(h + HDR_FIELD(nr_entries)) > XYL_SVI_MAX_ENTRIES)
		return refuse(v, -1, "too many entries", -EINVAL);
	if (vol % XYL_SVI_ALIGN || vol < XYL_SVI_INDEX_BYTES ||
	    vol > XYL_SVI_VOLUME_MAX)
		return refuse(v, -1, "invalid volume size", -EINVAL);
	if (vol > dev_bytes)
		return refuse(v, -1, "truncated: volume larger than the device",
			      -EINVAL);
	v->volume_bytes = vol;
	v->nr_files = le32(h + HDR_FIELD(nr_entries));
	return 0;
}

static int
check_name(struct svifront_vol *v, uint32_t i)
{
	const char *n = (const char *)slot_at(v, i);
	size_t len = strnlen(n, XYL_SVI_NAME_MAX);

	if (len == XYL_SVI_NAME_MAX)
		return refuse(v, (int)i, "name is not NUL-terminated", -EINVAL);
	if (!all_zero((const uint8_t *)n + len, XYL_SVI_NAME_MAX - len))
		return refuse(v, (int)i, "bytes after the name's NUL not zero",
			      -EINVAL);
	if (!name_ok(n))
		return refuse(v, (int)i, "invalid name", -EINVAL);
	return 0;
}

static int
check_entry(struct svifront_vol *v, uint32_t i, uint64_t *prev_end)
{
	struct svifront_file f;
	uint64_t end, max;
	int r = check_name(v, i);

	if (r < 0)
		return r;
	entry_decode(v, i, &f);
	if (f.flags & ~XYL_SVI_F_KNOWN ||
	    !all_zero(slot_at(v, i) + ENTRY_FIELD(reserved), ENTRY_RESERVED))
		return refuse(v, (int)i, "unknown flags or reserved not zero",
			      -EINVAL);
	if (f.offset % XYL_SVI_ALIGN || f.offset < XYL_SVI_INDEX_BYTES)
		return refuse(v, (int)i, "misaligned offset", -EINVAL);
	if (__builtin_add_overflow(f.offset, f.stored_bytes, &end) ||
	    end > v->volume_bytes)
		return refuse(v, (int)i, "runs past the volume's end", -EINVAL);
	if (f.offset < *prev_end)
		return refuse(v, (int)i, "overlaps the previous file", -EINVAL);
	if (!(f.flags & XYL_SVI_F_ZLIB) && f.stored_bytes != f.size_bytes)
		return refuse(v, (int)i, "stored size differs from size",
			      -EINVAL);
	if (__builtin_mul_overflow(f.stored_bytes, XYL_SVI_ZLIB_MAX_RATIO,
				   &max) ||
	    __builtin_add_overflow(max, XYL_SVI_ZLIB_SLACK, &max))
		max = UINT64_MAX;
	if ((f.flags & XYL_SVI_F_ZLIB) &&
	    (f.stored_bytes == 0 || f.size_bytes > max))
		return refuse(v, (int)i, "decompression bomb", -EINVAL);
	*prev_end = end;
	return 0;
}

static int
check_entries(struct svifront_vol *v)
{
	uint64_t prev_end = XYL_SVI_INDEX_BYTES;
	uint32_t i, j;
	int r;

	for (i = 0; i < v->nr_files; i++)
		if ((r = check_entry(v, i, &prev_end)) < 0)
			return r;
	for (; i < XYL_SVI_MAX_ENTRIES; i++)
		if (!all_zero(slot_at(v, i), XYL_SVI_ENTRY_BYTES))
			return refuse(v, (int)i, "unused slot not zero",
				      -EINVAL);
	for (i = 1; i < v->nr_files; i++)
		for (j = 0; j < i; j++)
			if (strcmp((const char *)slot_at(v, i),
				   (const char *)slot_at(v, j)) == 0)
				return refuse(v, (int)i, "duplicate name",
					      -EINVAL);
	return 0;
}

/* Read bytes [off, off + len) of the volume, block-aligned at off, into
 * buf (which must hold len rounded up to a block). */
static int
read_aligned(struct svifront_vol *v, uint64_t off, void *buf, uint64_t len)
{
	const struct svifront_dev *d = v->dev;
	uint8_t *p = buf;
	uint64_t done = 0;
	int r;

	while (done < len) {
		uint64_t n = len - done;

		if (n > READ_CHUNK_BYTES)
			n = READ_CHUNK_BYTES;
		n = (n + d->block_bytes - 1) / d->block_bytes;
		r = d->read_blocks(d->arg, (off + done) / d->block_bytes,
				   (uint32_t)n, p + done);
		if (r < 0)
			return refuse(v, -1, "device read failed", r);
		done += n * d->block_bytes;
	}
	return 0;
}

int
svifront_open(struct svifront_vol *v, const struct svifront_dev *dev,
	      void *index_buf)
{
	uint64_t dev_bytes;
	int r;

	v->dev = dev;
	v->index = index_buf;
	v->nr_files = 0;
	v->why = NULL;
	v->why_slot = -1;
	if (dev->block_bytes < 512 || dev->block_bytes > XYL_SVI_ALIGN ||
	    (dev->block_bytes & (dev->block_bytes - 1)) ||
	    __builtin_mul_overflow(dev->nr_blocks, dev->block_bytes,
				   &dev_bytes))
		return refuse(v, -1, "unusable device geometry", -EINVAL);
	if (dev_bytes < XYL_SVI_INDEX_BYTES)
		return refuse(v, -1, "truncated: device smaller than the index",
			      -EINVAL);
	r = read_aligned(v, 0, index_buf, XYL_SVI_INDEX_BYTES);
	if (r == 0)
		r = check_header(v, dev_bytes);
	if (r == 0)
		r = check_entries(v);
	if (r < 0)
		v->nr_files = 0;
	return r;
}

int
svifront_file(const struct svifront_vol *v, uint32_t i, struct svifront_file *f)
{
	if (i >= v->nr_files)
		return -ENOENT;
	entry_decode(v, i, f);
	return 0;
}

int
svifront_lookup(const struct svifront_vol *v, const char *name,
		struct svifront_file *f)
{
	uint32_t i;

	for (i = 0; i < v->nr_files; i++)
		if (strncmp((const char *)slot_at(v, i), name,
			    XYL_SVI_NAME_MAX) == 0)
			return svifront_file(v, i, f);
	return -ENOENT;
}

uint64_t
svifront_scratch_bytes(const struct svifront_vol *v,
		       const struct svifront_file *f)
{
	uint32_t bb = v->dev->block_bytes;

	if (!(f->flags & XYL_SVI_F_ZLIB))
		return 0;
	return (f->stored_bytes + bb - 1) / bb * bb;
}

/* A stored file: whole blocks straight into out, the last partial block
 * through the bounce buffer, so out needs only size_bytes. */
static int
extract_stored(struct svifront_vol *v, const struct svifront_file *f,
	       uint8_t *out)
{
	uint32_t bb = v->dev->block_bytes;
	uint64_t whole = f->size_bytes / bb * bb;
	int r = 0;

	if (whole)
		r = read_aligned(v, f->offset, out, whole);
	if (r == 0 && whole < f->size_bytes) {
		r = read_aligned(v, f->offset + whole, v->bounce, bb);
		if (r == 0)
			memcpy(out + whole, v->bounce,
			       (size_t)(f->size_bytes - whole));
	}
	return r;
}

int
svifront_extract(struct svifront_vol *v, const struct svifront_file *f,
		 void *out, uint64_t out_cap, void *scratch,
		 uint64_t scratch_cap)
{
	const char *why = NULL;
	int r;

	v->why = NULL;
	v->why_slot = (int)f->slot;
	if (out_cap < f->size_bytes ||
	    scratch_cap < svifront_scratch_bytes(v, f))
		return refuse(v, (int)f->slot, "buffer too small", -ENOSPC);
	if (f->flags & XYL_SVI_F_ZLIB) {
		r = read_aligned(v, f->offset, scratch,
				 svifront_scratch_bytes(v, f));
		if (r < 0)
			return refuse(v, (int)f->slot, v->why, r);
		r = svifront_inflate(scratch, (size_t)f->stored_bytes, out,
				     (size_t)f->size_bytes, &why);
		if (r < 0)
			return refuse(v, (int)f->slot, why, r);
	} else {
		r = extract_stored(v, f, out);
		if (r < 0)
			return refuse(v, (int)f->slot, v->why, r);
	}
	if (svifront_crc32(0, out, (size_t)f->size_bytes) != f->crc32)
		return refuse(v, (int)f->slot, "checksum mismatch", -EBADMSG);
	return 0;
}
