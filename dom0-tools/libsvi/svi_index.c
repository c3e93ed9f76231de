/*
 * dom0-tools/libsvi/svi_index.c: the dom0 parser of a volume's index.
 * Trust boundary: the index bytes come from a file anyone may have made;
 * every field is checked here, once, into struct svi_index.
 */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

static bool
all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

uint32_t
svi_index_crc(const void *index)
{
	static const uint8_t zero[4];
	const uint8_t *b = index;
	uLong crc = crc32(0, Z_NULL, 0);

	crc = crc32(crc, b, XYL_SVI_CRC_FIELD_OFFSET);
	crc = crc32(crc, zero, sizeof(zero));
	crc = crc32(crc, b + XYL_SVI_CRC_FIELD_OFFSET + 4,
		    XYL_SVI_INDEX_BYTES - XYL_SVI_CRC_FIELD_OFFSET - 4);
	return (uint32_t)crc;
}

static bool
name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '+' ||
	       c == '-';
}

int
svi_name_check(const char *name)
{
	size_t i, len = strnlen(name, XYL_SVI_NAME_MAX);

	if (len == 0 || len >= XYL_SVI_NAME_MAX || name[0] == '.')
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!name_char_ok(name[i]))
			return -EINVAL;
	return 0;
}

static int
check_header(const struct xyl_svi_header *h, const void *index,
	     uint64_t dev_bytes, char *detail, size_t cap)
{
	uint64_t vol = le64toh(h->volume_bytes);

	if (memcmp(h->magic, XYL_SVI_MAGIC, XYL_SVI_MAGIC_BYTES) != 0)
		return fail(-EINVAL, detail, cap,
			    "not an svi volume (bad magic)");
	if (le32toh(h->version) != XYL_SVI_VERSION)
		return fail(-EPROTONOSUPPORT, detail, cap,
			    "svi version %u is not supported (only %u)",
			    le32toh(h->version), XYL_SVI_VERSION);
	if (le32toh(h->index_bytes) != XYL_SVI_INDEX_BYTES)
		return fail(-EINVAL, detail, cap,
			    "index size %u is not %u (version 1)",
			    le32toh(h->index_bytes), XYL_SVI_INDEX_BYTES);
	if (svi_index_crc(index) != le32toh(h->index_crc32))
		return fail(-EBADMSG, detail, cap,
			    "index checksum mismatch (stored %08x, computed "
			    "%08x)",
			    le32toh(h->index_crc32), svi_index_crc(index));
	if (h->flags || !all_zero(h->reserved, sizeof(h->reserved)))
		return fail(-EINVAL, detail, cap,
			    "header flags or reserved bytes are not zero");
	if (le32toh(h->nr_entries) > XYL_SVI_MAX_ENTRIES)
		return fail(-EINVAL, detail, cap, "%u entries (at most %u)",
			    le32toh(h->nr_entries), XYL_SVI_MAX_ENTRIES);
	if (vol % XYL_SVI_ALIGN || vol < XYL_SVI_INDEX_BYTES ||
	    vol > XYL_SVI_VOLUME_MAX)
		return fail(-EINVAL, detail, cap,
			    "volume size %llu is invalid (a multiple of %u, "
			    "at least %u)",
			    (unsigned long long)vol, XYL_SVI_ALIGN,
			    XYL_SVI_INDEX_BYTES);
	if (vol > dev_bytes)
		return fail(-EINVAL, detail, cap,
			    "truncated: the volume is %llu bytes, the file "
			    "only %llu",
			    (unsigned long long)vol,
			    (unsigned long long)dev_bytes);
	return 0;
}

static int
check_name(const struct xyl_svi_entry *e, uint32_t i, char *detail, size_t cap)
{
	const char *nul = memchr(e->name, '\0', sizeof(e->name));

	if (!nul)
		return fail(-EINVAL, detail, cap,
			    "entry %u: name is not NUL-terminated", i);
	if (!all_zero(nul, sizeof(e->name) - (size_t)(nul - e->name)))
		return fail(-EINVAL, detail, cap,
			    "entry %u: bytes after the name's NUL are not zero",
			    i);
	if (svi_name_check(e->name) < 0)
		return fail(-EINVAL, detail, cap,
			    "entry %u: invalid name (1 to %u bytes of "
			    "[A-Za-z0-9._+-], not starting with '.')",
			    i, XYL_SVI_NAME_MAX - 1);
	return 0;
}

/* Check one used entry against the header and the entry before it
 * (prev_end: where the previous image ended). */
static int
check_entry(const struct xyl_svi_entry *e, uint32_t i, uint64_t vol,
	    uint64_t prev_end, struct svi_file *f, char *detail, size_t cap)
{
	uint64_t end, max_size;
	int r = check_name(e, i, detail, cap);

	if (r < 0)
		return r;
	memcpy(f->name, e->name, sizeof(f->name));
	f->offset = le64toh(e->offset);
	f->stored_bytes = le64toh(e->stored_bytes);
	f->size_bytes = le64toh(e->size_bytes);
	f->crc32 = le32toh(e->crc32);
	f->flags = le32toh(e->flags);
	f->slot = i;
	if (f->flags & ~XYL_SVI_F_KNOWN)
		return fail(-EINVAL, detail, cap,
			    "entry %u '%s': unknown flags 0x%x", i, f->name,
			    f->flags);
	if (!all_zero(e->reserved, sizeof(e->reserved)))
		return fail(-EINVAL, detail, cap,
			    "entry %u '%s': reserved bytes are not zero", i,
			    f->name);
	if (f->offset % XYL_SVI_ALIGN || f->offset < XYL_SVI_INDEX_BYTES)
		return fail(-EINVAL, detail, cap,
			    "entry %u '%s': offset %llu is not a multiple of "
			    "%u after the index",
			    i, f->name, (unsigned long long)f->offset,
			    XYL_SVI_ALIGN);
	if (__builtin_add_overflow(f->offset, f->stored_bytes, &end) ||
	    end > vol)
		return fail(-EINVAL, detail, cap,
			    "entry %u '%s': %llu bytes at offset %llu run past "
			    "the volume's end (%llu)",
			    i, f->name, (unsigned long long)f->stored_bytes,
			    (unsigned long long)f->offset,
			    (unsigned long long)vol);
	if (f->offset < prev_end)
		return fail(-EINVAL, detail, cap,
			    "entry %u '%s': offset %llu overlaps the previous "
			    "file (ends at %llu) or is out of order",
			    i, f->name, (unsigned long long)f->offset,
			    (unsigned long long)prev_end);
	if (!(f->flags & XYL_SVI_F_ZLIB) && f->stored_bytes != f->size_bytes)
		return fail(-EINVAL, detail, cap,
			    "entry %u '%s': stored uncompressed but its size "
			    "%llu differs from its stored size %llu",
			    i, f->name, (unsigned long long)f->size_bytes,
			    (unsigned long long)f->stored_bytes);
	if (__builtin_mul_overflow(f->stored_bytes, XYL_SVI_ZLIB_MAX_RATIO,
				   &max_size) ||
	    __builtin_add_overflow(max_size, XYL_SVI_ZLIB_SLACK, &max_size))
		max_size = UINT64_MAX;
	if ((f->flags & XYL_SVI_F_ZLIB) &&
	    (f->stored_bytes == 0 || f->size_bytes > max_size))
		return fail(-EINVAL, detail, cap,
			    "entry %u '%s': compressed size %llu cannot "
			    "inflate to %llu bytes (decompression bomb)",
			    i, f->name, (unsigned long long)f->stored_bytes,
			    (unsigned long long)f->size_bytes);
	return 0;
}

static int
check_unique(const struct svi_index *ix, char *detail, size_t cap)
{
	uint32_t i, j;

	for (i = 1; i < ix->nr_files; i++)
		for (j = 0; j < i; j++)
			if (strcmp(ix->files[i].name, ix->files[j].name) == 0)
				return fail(-EINVAL, detail, cap,
					    "entry %u '%s': duplicate name "
					    "(also entry %u)",
					    i, ix->files[i].name, j);
	return 0;
}

int
svi_index_parse(const void *index, size_t len, uint64_t dev_bytes,
		struct svi_index *out, char *detail, size_t cap)
{
	const struct xyl_svi_header *h = index;
	const struct xyl_svi_entry *ents;
	uint64_t prev_end = XYL_SVI_INDEX_BYTES;
	uint32_t i, nr;
	int r;

	if (detail && cap)
		detail[0] = '\0';
	memset(out, 0, sizeof(*out));
	if (len < XYL_SVI_INDEX_BYTES)
		return fail(-EINVAL, detail, cap,
			    "truncated: %zu bytes, the index alone is %u", len,
			    XYL_SVI_INDEX_BYTES);
	r = check_header(h, index, dev_bytes, detail, cap);
	if (r < 0)
		return r;
	ents = (const struct xyl_svi_entry *)((const uint8_t *)index +
					      XYL_SVI_HEADER_BYTES);
	nr = le32toh(h->nr_entries);
	for (i = 0; i < nr; i++) {
		r = check_entry(&ents[i], i, le64toh(h->volume_bytes), prev_end,
				&out->files[i], detail, cap);
		if (r < 0)
			goto fail;
		prev_end = out->files[i].offset + out->files[i].stored_bytes;
	}
	for (; i < XYL_SVI_MAX_ENTRIES; i++)
		if (!all_zero(&ents[i], sizeof(ents[i]))) {
			r = fail(-EINVAL, detail, cap,
				 "entry %u: unused slot (nr_entries %u) is not "
				 "zero",
				 i, nr);
			goto fail;
		}
	out->nr_files = nr;
	out->volume_bytes = le64toh(h->volume_bytes);
	r = check_unique(out, detail, cap);
	if (r == 0)
		return 0;
fail:
	memset(out, 0, sizeof(*out));
	return r;
}

const struct svi_file *
svi_index_find(const struct svi_index *ix, const char *name)
{
	uint32_t i;

	for (i = 0; i < ix->nr_files; i++)
		if (strcmp(ix->files[i].name, name) == 0)
			return &ix->files[i];
	return NULL;
}
