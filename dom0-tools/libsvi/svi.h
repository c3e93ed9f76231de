/*
 * dom0-tools/libsvi/svi.h: dom0's reader and writer of single-volume
 * images (include/xylem/svi.h).  svi_index_parse() is the only dom0 code
 * that reads a volume's index raw (STYLE.md 3.6); everything else works
 * on the validated struct svi_index it fills.  The library never prints:
 * errors come back as -errno plus a one-line detail naming the entry.
 */
#ifndef DOM0_SVI_H
#define DOM0_SVI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xylem/svi.h"

#define SVI_DETAIL_MAX 256 /* detail buffers: one line, NUL-terminated */

/* One validated entry (host byte order, name NUL-terminated). */
struct svi_file {
	char name[XYL_SVI_NAME_MAX];
	uint64_t offset;
	uint64_t stored_bytes;
	uint64_t size_bytes;
	uint32_t crc32;
	uint32_t flags; /* XYL_SVI_F_* */
	uint32_t slot;	/* its index slot, for messages */
};

/* A validated index.  Plain data, owned by whoever holds it. */
struct svi_index {
	uint64_t volume_bytes;
	uint32_t nr_files;
	struct svi_file files[XYL_SVI_MAX_ENTRIES];
};

/*
 * Check every field of a raw index (len bytes at index, which must be
 * XYL_SVI_INDEX_BYTES) against the rules of include/xylem/svi.h for a
 * device of dev_bytes, and fill *out.  Returns 0 or:
 *   -EINVAL           malformed or truncated (detail names the entry)
 *   -EPROTONOSUPPORT  magic is right, version is not 1
 *   -EBADMSG          the index CRC does not match
 */
int svi_index_parse(const void *index, size_t len, uint64_t dev_bytes,
		    struct svi_index *out, char *detail, size_t cap);

/* The entry named name, or NULL. */
const struct svi_file *svi_index_find(const struct svi_index *ix,
				      const char *name);

/* Is name a valid entry name (include/xylem/svi.h)?  0 or -EINVAL. */
int svi_name_check(const char *name);

/* CRC-32 of the index with its index_crc32 field read as zero. */
uint32_t svi_index_crc(const void *index);

/*
 * An open volume.  Created by svi_open(), which owns the fd (O_CLOEXEC)
 * and the index; destroyed by svi_close().
 */
struct svi_volume {
	int fd;
	uint64_t dev_bytes; /* file or block device size */
	struct svi_index ix;
};

/* Open the volume at path and validate its index (svi_index_parse's
 * errors, or the -errno of open/read). */
int svi_open(const char *path, struct svi_volume **out, char *detail,
	     size_t cap);
void svi_close(struct svi_volume *v);

/* Receives extracted bytes in order; returns 0 or -errno (stops). */
typedef int (*svi_sink_fn)(void *arg, const void *buf, size_t len);
/* A sink that writes everything to the file descriptor *(int *)arg. */
int svi_fd_sink(void *arg, const void *buf, size_t len);

/*
 * Read entry f, inflate it if compressed, check its size and CRC, and
 * hand the bytes to sink (NULL: only verify).  Bytes reach the sink
 * before the CRC is known: a caller that must not use bad data waits for
 * the return value.  Returns 0 or:
 *   -EBADMSG  bad CRC, bad zlib stream, wrong size (decompression bomb),
 *             data after the stream's end
 *   -EIO      the volume is shorter than its index says (changed since
 *             open) or a read failed
 *   -ENOMEM, or the sink's error
 */
int svi_extract(struct svi_volume *v, const struct svi_file *f,
		svi_sink_fn sink, void *arg, char *detail, size_t cap);

/* Extract into a malloc'd buffer of f->size_bytes (+1 byte, zeroed, so
 * text can be used as a string); refuses files over max_bytes (-EFBIG). */
int svi_extract_mem(struct svi_volume *v, const struct svi_file *f,
		    size_t max_bytes, void **buf, char *detail, size_t cap);

/* svi_create() inputs: a file and the entry name it gets. */
struct svi_input {
	const char *path;
	const char *name;
};

#define SVI_CREATE_COMPRESS                                                    \
	0x1u /* zlib each file (kept stored if that                            \
		is not smaller) */

/*
 * Write a new volume at path from nr inputs (replacing the file; removed
 * again on failure).  Returns 0 or -EINVAL (bad or duplicate name, too
 * many files), -errno of reading an input or writing the volume.
 */
int svi_create(const char *path, const struct svi_input *in, size_t nr,
	       unsigned int flags, char *detail, size_t cap);

#endif
