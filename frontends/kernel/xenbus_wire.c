/*
 * kernel/xenbus_wire.c: the xenstore wire protocol on the guest's side:
 * request encoding, the ring copy in and out, and reply parsing.  Trust
 * boundary: the daemon writes rsp[], rsp_prod and req_cons; each index is
 * read once and checked, and a reply is copied out once before parsing.
 * Memory work only: also compiled as host code under Check.
 */
#include <stddef.h>
#include <stdint.h>

#include "gk/string.h"
#include "gk/xenbus.h"

#define RING_SIZE XENSTORE_RING_SIZE

static uint32_t
idx_load(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void
idx_store(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

int
xenbus_ring_put(struct xenstore_domain_interface *intf, const void *buf,
		uint32_t len)
{
	uint32_t cons = idx_load(&intf->req_cons);
	uint32_t prod = intf->req_prod; /* ours: the daemon never writes it */
	uint32_t used = prod - cons, done = 0;
	const char *src = buf;

	if (used > RING_SIZE)
		return -EIO;
	while (done < len && used < RING_SIZE) {
		uint32_t off = MASK_XENSTORE_IDX(prod);
		uint32_t n = RING_SIZE - off;

		if (n > RING_SIZE - used)
			n = RING_SIZE - used;
		if (n > len - done)
			n = len - done;
		memcpy(intf->req + off, src + done, n);
		done += n;
		prod += n;
		used += n;
	}
	/* The bytes must be visible before the daemon sees the index. */
	idx_store(&intf->req_prod, prod);
	return (int)done;
}

void
xenbus_rx_reset(struct xenbus_rx *rx)
{
	rx->have = 0;
}

/* Copy up to want bytes from the response ring to dst: bytes copied or
 * -EIO.  rsp_cons is ours; rsp_prod is the daemon's, read once. */
static int
ring_get(struct xenstore_domain_interface *intf, char *dst, uint32_t want)
{
	uint32_t prod = idx_load(&intf->rsp_prod);
	uint32_t cons = intf->rsp_cons;
	uint32_t avail = prod - cons, done = 0;

	if (avail > RING_SIZE)
		return -EIO;
	while (done < want && done < avail) {
		uint32_t off = MASK_XENSTORE_IDX(cons + done);
		uint32_t n = RING_SIZE - off;

		if (n > avail - done)
			n = avail - done;
		if (n > want - done)
			n = want - done;
		memcpy(dst + done, intf->rsp + off, n);
		done += n;
	}
	/* Our copies are complete before the daemon may reuse the space. */
	idx_store(&intf->rsp_cons, cons + done);
	return (int)done;
}

int
xenbus_rx_pull(struct xenbus_rx *rx, struct xenstore_domain_interface *intf)
{
	const uint32_t hdr_len = sizeof(rx->msg.hdr);
	int n;

	if (rx->have < hdr_len) {
		n = ring_get(intf, (char *)&rx->msg.hdr + rx->have,
			     hdr_len - rx->have);
		if (n < 0)
			return n;
		rx->have += (uint32_t)n;
		if (rx->have < hdr_len)
			return 0;
		/* The header is our copy now: check it once, here. */
		if (rx->msg.hdr.len > XENSTORE_PAYLOAD_MAX)
			return -E2BIG;
	}
	if (rx->have - hdr_len < rx->msg.hdr.len) {
		uint32_t got = rx->have - hdr_len;

		n = ring_get(intf, rx->msg.body + got, rx->msg.hdr.len - got);
		if (n < 0)
			return n;
		rx->have += (uint32_t)n;
		if (rx->have - hdr_len < rx->msg.hdr.len)
			return 0;
	}
	rx->msg.body[rx->msg.hdr.len] = '\0';
	return 1;
}

int
xenbus_msg_build(struct xenbus_msg *m, uint32_t type, uint32_t req_id,
		 uint32_t tx_id, const char *const *strs, unsigned int nr,
		 const void *data, uint32_t data_len)
{
	uint32_t len = 0;

	for (unsigned int i = 0; i < nr; i++) {
		size_t n;

		if (!strs[i])
			return -EINVAL;
		n = strnlen(strs[i], XENSTORE_PAYLOAD_MAX + 1);
		if (n + 1 > XENSTORE_PAYLOAD_MAX - len)
			return -E2BIG;
		memcpy(m->body + len, strs[i], n + 1);
		len += (uint32_t)n + 1;
	}
	if (data_len > XENSTORE_PAYLOAD_MAX - len)
		return -E2BIG;
	if (data_len && !data)
		return -EINVAL;
	if (data_len)
		memcpy(m->body + len, data, data_len);
	len += data_len;
	m->body[len] = '\0';
	m->hdr = (struct xsd_sockmsg){
		.type = type, .req_id = req_id, .tx_id = tx_id, .len = len};
	return 0;
}

uint32_t
xenbus_msg_size(const struct xenbus_msg *m)
{
	return (uint32_t)sizeof(m->hdr) + m->hdr.len;
}

int
xenbus_error_parse(const char *name, uint32_t len)
{
	size_t n = strnlen(name, len);

	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]);
	     i++) {
		const char *e = xsd_errors[i].errstring;

		if (strlen(e) == n && memcmp(e, name, n) == 0)
			return -xsd_errors[i].errnum;
	}
	return -EINVAL;
}

int
xenbus_reply_status(const struct xenbus_msg *m, uint32_t want)
{
	if (m->hdr.type == XS_ERROR)
		return xenbus_error_parse(m->body, m->hdr.len);
	return m->hdr.type == want ? 0 : -EIO;
}

int
xenbus_strings_next(const char *body, uint32_t len, uint32_t *off,
		    const char **s)
{
	size_t n;

	if (*off >= len)
		return 0;
	n = strnlen(body + *off, len - *off);
	if (n == len - *off)
		return -EIO;
	*s = body + *off;
	*off += (uint32_t)n + 1;
	return 1;
}

int
xenbus_watch_event_parse(const struct xenbus_msg *m, const char **path,
			 const char **token)
{
	uint32_t off = 0;

	if (m->hdr.type != XS_WATCH_EVENT)
		return -EIO;
	if (xenbus_strings_next(m->body, m->hdr.len, &off, path) != 1 ||
	    xenbus_strings_next(m->body, m->hdr.len, &off, token) != 1)
		return -EIO;
	return 0;
}

int
xenbus_u32_parse(const char *s, uint32_t *v)
{
	uint64_t acc = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		acc = acc * 10 + (uint64_t)(*s - '0');
		if (acc > UINT32_MAX)
			return -EINVAL;
	}
	*v = (uint32_t)acc;
	return 0;
}
