/*
 * include/xylem/svi.h: the single-volume image (svi) format, version 1.
 * One file (a "volume") = a fixed-size index followed by file images.
 * Shared by the dom0 reader/writer (dom0-tools/libsvi) and the guest
 * extractor (frontends/svi); both treat a volume as hostile input.
 */
#ifndef XYLEM_SVI_H
#define XYLEM_SVI_H

#include <stdint.h>

/*
 * Layout of a version-1 volume (all integers little-endian):
 *
 *   byte 0                      XYL_SVI_INDEX_BYTES          volume_bytes
 *   +--------+------------------+--------+------+--------+---+
 *   | header | entry[0..510]    | file 0 | pad  | file 1 |...|
 *   +--------+------------------+--------+------+--------+---+
 *   |<------- index ----------->|
 *
 * - The index is exactly XYL_SVI_INDEX_BYTES: one struct xyl_svi_header,
 *   then XYL_SVI_MAX_ENTRIES struct xyl_svi_entry slots.  Slots
 *   [0, nr_entries) are used; the rest are all zero.
 * - Every file image starts on an XYL_SVI_ALIGN boundary at or after the
 *   end of the index, so a reader can fetch it with direct block reads
 *   (512- or 4096-byte blocks).  Used entries are sorted by offset and
 *   their images [offset, offset + stored_bytes) do not overlap.
 * - volume_bytes is a multiple of XYL_SVI_ALIGN; the writer pads the file
 *   to it.  A device or file shorter than volume_bytes is truncated; one
 *   longer is accepted (the tail is ignored).
 *
 * A reader validates every field below before it uses any of them; a
 * volume that breaks a rule is refused as a whole (or, for per-file rules
 * checked on extraction: CRC and decompressed size, that file is).
 */

#define XYL_SVI_MAGIC	    "XYLEMSVI" /* 8 bytes, no NUL stored */
#define XYL_SVI_MAGIC_BYTES 8
#define XYL_SVI_VERSION	    1u

/* Fixed by version 1. */
#define XYL_SVI_INDEX_BYTES  65536u /* header + all entry slots */
#define XYL_SVI_HEADER_BYTES 128u
#define XYL_SVI_ENTRY_BYTES  128u
#define XYL_SVI_MAX_ENTRIES                                                    \
	((XYL_SVI_INDEX_BYTES - XYL_SVI_HEADER_BYTES) / XYL_SVI_ENTRY_BYTES)
#define XYL_SVI_ALIGN	 4096u /* file image alignment, volume granule */
#define XYL_SVI_NAME_MAX 64u   /* name field, including its NUL */

/*
 * Largest inflate ratio a zlib stream can reach is about 1032:1 (a run of
 * 258-byte matches coded in 1 or 2 bits each).  An entry claiming more is
 * a decompression bomb and is refused before anything is inflated.
 */
#define XYL_SVI_ZLIB_MAX_RATIO 1032u
#define XYL_SVI_ZLIB_SLACK     64u /* plus this many bytes for tiny files */

/* Entry flags. */
#define XYL_SVI_F_ZLIB	0x1u /* image is a zlib (RFC 1950) stream */
#define XYL_SVI_F_KNOWN XYL_SVI_F_ZLIB

/*
 * The header: the first XYL_SVI_HEADER_BYTES of the volume.  Written once
 * by the creator (xyl svi create); never modified in place.
 */
struct xyl_svi_header {
	/* XYL_SVI_MAGIC, not NUL-terminated. */
	uint8_t magic[XYL_SVI_MAGIC_BYTES];
	/* XYL_SVI_VERSION.  A reader refuses any other value: the index
	 * size and entry layout depend on it. */
	uint32_t version;
	/* Must equal XYL_SVI_INDEX_BYTES (redundant; catches a reader and a
	 * writer that disagree on the version's constants). */
	uint32_t index_bytes;
	/* Used entry slots: 0..XYL_SVI_MAX_ENTRIES. */
	uint32_t nr_entries;
	/* CRC-32 (zlib's: poly 0xedb88320, init/xorout 0xffffffff) of all
	 * XYL_SVI_INDEX_BYTES of the index with this field read as zero. */
	uint32_t index_crc32;
	/* Size of the volume in bytes: a multiple of XYL_SVI_ALIGN, at
	 * least XYL_SVI_INDEX_BYTES, at most 2^62. */
	uint64_t volume_bytes;
	/* Zero; a reader refuses a volume where any of these is set. */
	uint32_t flags;
	uint8_t reserved[92];
};

/*
 * One entry slot.  A used slot describes one file image.
 */
struct xyl_svi_entry {
	/*
	 * The file's name: 1..XYL_SVI_NAME_MAX-1 bytes from [A-Za-z0-9._+-],
	 * not starting with '.', NUL-terminated, every byte after the NUL
	 * zero.  Unique within the volume (compared bytewise).  Flat: no '/'.
	 */
	char name[XYL_SVI_NAME_MAX];
	/* Byte offset of the image from the start of the volume: a multiple
	 * of XYL_SVI_ALIGN, >= XYL_SVI_INDEX_BYTES, and >= the previous
	 * entry's offset + stored_bytes. */
	uint64_t offset;
	/* Bytes the image occupies in the volume: offset + stored_bytes <=
	 * volume_bytes.  Without XYL_SVI_F_ZLIB it equals size_bytes. */
	uint64_t stored_bytes;
	/* The file's original (extracted) size in bytes.  With
	 * XYL_SVI_F_ZLIB: stored_bytes >= 1 and size_bytes <= stored_bytes *
	 * XYL_SVI_ZLIB_MAX_RATIO + XYL_SVI_ZLIB_SLACK; the stream must
	 * inflate to exactly size_bytes and end there. */
	uint64_t size_bytes;
	/* CRC-32 (as index_crc32) of the original, extracted bytes. */
	uint32_t crc32;
	/* XYL_SVI_F_*; unknown bits must be zero. */
	uint32_t flags;
	/* Zero. */
	uint8_t reserved[32];
};

_Static_assert(sizeof(struct xyl_svi_header) == XYL_SVI_HEADER_BYTES,
	       "svi header size");
_Static_assert(sizeof(struct xyl_svi_entry) == XYL_SVI_ENTRY_BYTES,
	       "svi entry size");
_Static_assert(XYL_SVI_MAX_ENTRIES == 511, "svi entry slots");
_Static_assert(XYL_SVI_INDEX_BYTES % XYL_SVI_ALIGN == 0, "svi index align");

/* Offset of header.index_crc32 within the index (zeroed for the CRC). */
#define XYL_SVI_CRC_FIELD_OFFSET 20u
_Static_assert(__builtin_offsetof(struct xyl_svi_header, index_crc32) ==
		       XYL_SVI_CRC_FIELD_OFFSET,
	       "svi crc field");
#define XYL_SVI_VOLUME_MAX (1ull << 62)

/*
 * Entry names xyl's bootloader = "svi" looks for by default (docs/config.md
 * bootloader_args overrides them).  "cmdline" holds the guest command line
 * as text (at most XYL_CMDLINE_MAX - 1 bytes, no NUL inside; one trailing
 * newline is dropped).
 */
#define XYL_SVI_BOOT_KERNEL  "kernel"
#define XYL_SVI_BOOT_RAMDISK "ramdisk"
#define XYL_SVI_BOOT_CMDLINE "cmdline"

#endif
