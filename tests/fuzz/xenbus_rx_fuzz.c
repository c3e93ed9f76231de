/*
 * tests/fuzz/xenbus_rx_fuzz.c: libFuzzer target for the guest's xenstore
 * reply path (frontends/kernel/xenbus_wire.c): the input is what a hostile
 * daemon controls (rsp_prod, req_cons, the response ring), fed through
 * reassembly and every reply parser.  `make fuzz` builds it;
 *   build/fuzz/xenbus_rx_fuzz -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gk/xenbus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
parse_all(const struct xenbus_msg *m)
{
	const char *a, *b;
	uint32_t off = 0, v;

	xenbus_reply_status(m, XS_READ);
	xenbus_watch_event_parse(m, &a, &b);
	while (xenbus_strings_next(m->body, m->hdr.len, &off, &a) == 1)
		xenbus_u32_parse(a, &v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xenstore_domain_interface ring;
	static struct xenbus_rx rx;
	uint32_t step;

	if (size < 12)
		return 0;
	memset(&ring, 0, sizeof(ring));
	memcpy(&ring.rsp_cons, data, 4);
	memcpy(&step, data + 4, 4);
	memcpy(&ring.req_cons, data + 8, 4);
	data += 12;
	size -= 12;
	xenbus_ring_put(&ring, "abc", 3);
	xenbus_rx_reset(&rx);
	/* The daemon publishes the input a chunk at a time. */
	ring.rsp_prod = ring.rsp_cons;
	for (size_t done = 0; done < size;) {
		size_t n = 1 + step % 700;
		int r;

		if (n > size - done)
			n = size - done;
		if (n > XENSTORE_RING_SIZE - (ring.rsp_prod - ring.rsp_cons))
			n = XENSTORE_RING_SIZE -
			    (ring.rsp_prod - ring.rsp_cons);
		for (size_t i = 0; i < n; i++)
			ring.rsp[MASK_XENSTORE_IDX(ring.rsp_prod + i)] =
				(char)data[done + i];
		ring.rsp_prod += (uint32_t)n;
		done += n;
		if (step & 0x80000000u)
			ring.rsp_prod += step & 0xffff; /* a lying producer */
		while ((r = xenbus_rx_pull(&rx, &ring)) == 1) {
			parse_all(&rx.msg);
			xenbus_rx_reset(&rx);
		}
		if (r < 0)
			return 0;
		if (n == 0)
			break;
	}
	return 0;
}
