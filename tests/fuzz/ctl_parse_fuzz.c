/*
 * tests/fuzz/ctl_parse_fuzz.c: libFuzzer target for the control socket's
 * request parser (hypervisor/ctl_parse.c).  The first input byte picks
 * the recvmsg flags and fd count; the rest is the packet.  Build and run:
 *   clang -fsanitize=fuzzer,address,undefined -std=gnu11 -D_GNU_SOURCE \
 *     -D__XEN_INTERFACE_VERSION__=0x00040e00 -Iinclude -Ihypervisor \
 *     tests/fuzz/ctl_parse_fuzz.c hypervisor/ctl_parse.c -o ctl_parse_fuzz
 *   ./ctl_parse_fuzz -max_total_time=60
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ctl_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char detail[XYL_DETAIL_MAX];
	struct ctl_request req;
	uint8_t *copy;
	int flags = 0, rc;

	if (size == 0)
		return 0;
	if (data[0] & 0x10)
		flags |= MSG_TRUNC;
	if (data[0] & 0x20)
		flags |= MSG_CTRUNC;
	/* An exact-size heap copy lets ASan catch any read past the end. */
	copy = malloc(size - 1 ? size - 1 : 1);
	memcpy(copy, data + 1, size - 1);
	rc = ctl_parse_request(copy, size - 1, flags, data[0] & 7, &req, detail,
			       sizeof(detail));
	if (rc != 0 && rc != -EINVAL && rc != -EPROTO)
		abort();
	if (!memchr(detail, '\0', sizeof(detail)))
		abort();
	if (rc == 0 && (size - 1 < sizeof(struct xyl_ctl_hdr) ||
			req.type >= XYL_CTL_TYPE_COUNT))
		abort();
	free(copy);
	return 0;
}
