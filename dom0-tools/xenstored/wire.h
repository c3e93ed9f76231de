/*
 * dom0-tools/xenstored/wire.h: the xenstore wire protocol (xs_wire.h) as
 * xylem-xenstored reads and writes it.  wire.c is the only code that
 * parses a struct xsd_sockmsg from a client (socket or guest ring): the
 * rest of the daemon sees a validated struct store_req.
 */
#ifndef XENSTORED_WIRE_H
#define XENSTORED_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

#define STORE_WIRE_HDR	   sizeof(struct xsd_sockmsg)
#define STORE_WIRE_MAX	   (STORE_WIRE_HDR + XENSTORE_PAYLOAD_MAX)
#define STORE_REQ_MAX_ARGS 68 /* SET_PERMS: path + 64 perms + spare */

/*
 * A validated request.  args[] point into body, a private NUL-terminated
 * copy of the payload; args[0..nr_args) are NUL-terminated strings.  For
 * WRITE, value/value_len are the raw bytes after the path.
 */
struct store_req {
	uint32_t type, req_id, tx_id, len;
	char body[XENSTORE_PAYLOAD_MAX + 1];
	const char *args[STORE_REQ_MAX_ARGS];
	uint32_t nr_args;
	const char *value;
	uint32_t value_len;
};

/*
 * Is a whole message at buf (avail bytes)?  Returns its total size
 * (header + payload) when complete, 0 when more bytes are needed, and
 * -EPROTO when the header announces more than XENSTORE_PAYLOAD_MAX (the
 * connection is then broken beyond repair).
 */
int store_wire_frame(const void *buf, size_t avail);

/*
 * Parse one complete message (size from store_wire_frame) into req.
 * -EPROTO as store_wire_frame; otherwise the header fields are filled in
 * even on failure, so an error reply can echo them: -ENOSYS for a type
 * the daemon does not serve, -EINVAL for a payload that does not have
 * the shape the type requires (argument count, missing NUL).
 */
int store_wire_parse(const void *msg, size_t size, struct store_req *req);

/* Error name for a negative errno, as Xen sends it ("ENOENT"); EIO for
 * values outside xsd_errors[]. */
const char *store_wire_errname(int err);

/* Header for an outgoing message into out (16 bytes). */
void store_wire_header(void *out, uint32_t type, uint32_t req_id,
		       uint32_t tx_id, uint32_t len);

#endif
