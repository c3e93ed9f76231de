/*
 * dom0-tools/xenstored/wire.c: the only parser of xsd_sockmsg.  Takes the
 * bytes a client sent (already copied out of the socket or ring), checks
 * the header and the payload's shape for its type, and fills a
 * struct store_req.  Everything it reads is hostile.
 */
#include <errno.h>
#include <string.h>

#include "wire.h"

/* Shape of each request type: how many NUL-terminated strings. */
struct wire_shape {
	uint8_t served;
	uint8_t min_args, max_args;
	uint8_t free_form; /* payload not checked (TRANSACTION_START etc.) */
	uint8_t value;	   /* WRITE: path, then raw bytes */
};

static const struct wire_shape wire_shapes[XS_TYPE_COUNT] = {
	[XS_CONTROL] = {1, 1, STORE_REQ_MAX_ARGS, 0, 0},
	[XS_DIRECTORY] = {1, 1, 1, 0, 0},
	[XS_READ] = {1, 1, 1, 0, 0},
	[XS_GET_PERMS] = {1, 1, 1, 0, 0},
	[XS_WATCH] = {1, 2, 3, 0, 0},
	[XS_UNWATCH] = {1, 2, 2, 0, 0},
	[XS_TRANSACTION_START] = {1, 0, 0, 1, 0},
	[XS_TRANSACTION_END] = {1, 1, 1, 0, 0},
	[XS_INTRODUCE] = {1, 3, 3, 0, 0},
	[XS_RELEASE] = {1, 1, 1, 0, 0},
	[XS_GET_DOMAIN_PATH] = {1, 1, 1, 0, 0},
	[XS_WRITE] = {1, 1, 1, 0, 1},
	[XS_MKDIR] = {1, 1, 1, 0, 0},
	[XS_RM] = {1, 1, 1, 0, 0},
	[XS_SET_PERMS] = {1, 2, STORE_REQ_MAX_ARGS, 0, 0},
	[XS_IS_DOMAIN_INTRODUCED] = {1, 1, 1, 0, 0},
	[XS_RESUME] = {1, 1, 1, 0, 0},
	[XS_SET_TARGET] = {1, 2, 2, 0, 0},
	[XS_RESET_WATCHES] = {1, 0, 0, 1, 0},
	[XS_DIRECTORY_PART] = {1, 2, 2, 0, 0},
};

int
store_wire_frame(const void *buf, size_t avail)
{
	struct xsd_sockmsg hdr;

	if (avail < STORE_WIRE_HDR)
		return 0;
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.len > XENSTORE_PAYLOAD_MAX)
		return -EPROTO;
	if (avail < STORE_WIRE_HDR + hdr.len)
		return 0;
	return (int)(STORE_WIRE_HDR + hdr.len);
}

/* Split body[0..len) into NUL-terminated strings; -EINVAL if too many. */
static int
wire_split(struct store_req *req, uint32_t len, uint32_t max)
{
	uint32_t off = 0;

	req->nr_args = 0;
	while (off < len) {
		size_t l = strlen(req->body + off);

		if (req->nr_args == max || off + l >= len)
			return -EINVAL; /* too many, or no NUL at the end */
		req->args[req->nr_args++] = req->body + off;
		off += (uint32_t)l + 1;
	}
	return 0;
}

static int
wire_shape_check(struct store_req *req, const struct wire_shape *s)
{
	size_t l;

	if (s->free_form)
		return 0;
	if (s->value) {
		l = strnlen(req->body, req->len);
		if (l == req->len)
			return -EINVAL;
		req->args[0] = req->body;
		req->nr_args = 1;
		req->value = req->body + l + 1;
		req->value_len = req->len - (uint32_t)l - 1;
		return 0;
	}
	if (req->len == 0 || req->body[req->len - 1] != '\0')
		return -EINVAL;
	if (wire_split(req, req->len, s->max_args) < 0)
		return -EINVAL;
	return req->nr_args < s->min_args ? -EINVAL : 0;
}

int
store_wire_parse(const void *msg, size_t size, struct store_req *req)
{
	struct xsd_sockmsg hdr;

	if (size < STORE_WIRE_HDR)
		return -EPROTO;
	memcpy(&hdr, msg, sizeof(hdr));
	req->type = hdr.type;
	req->req_id = hdr.req_id;
	req->tx_id = hdr.tx_id;
	req->len = 0;
	req->nr_args = 0;
	req->value = NULL;
	req->value_len = 0;
	if (hdr.len > XENSTORE_PAYLOAD_MAX || size != STORE_WIRE_HDR + hdr.len)
		return -EPROTO;
	req->len = hdr.len;
	memcpy(req->body, (const char *)msg + STORE_WIRE_HDR, hdr.len);
	req->body[hdr.len] = '\0';
	if (hdr.type >= XS_TYPE_COUNT || !wire_shapes[hdr.type].served)
		return -ENOSYS;
	return wire_shape_check(req, &wire_shapes[hdr.type]);
}

const char *
store_wire_errname(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (xsd_errors[i].errnum == err)
			return xsd_errors[i].errstring;
	return "EIO";
}

void
store_wire_header(void *out, uint32_t type, uint32_t req_id, uint32_t tx_id,
		  uint32_t len)
{
	struct xsd_sockmsg hdr = {
		.type = type, .req_id = req_id, .tx_id = tx_id, .len = len};

	memcpy(out, &hdr, sizeof(hdr));
}
