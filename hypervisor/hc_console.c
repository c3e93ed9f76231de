/*
 * hypervisor/hc_console.c: __HYPERVISOR_console_io.  Writes go to the
 * domain's console (logring, XYL_EVENT_CONSOLE_OUTPUT, --boot stdout);
 * reads return 0 bytes (there is no hypervisor console input).
 * Trust boundary: count is bounded, the buffer copied in chunks.
 */
#include <errno.h>
#include <stdint.h>

#include <xen/xen.h>

#include "domain.h"
#include "hypercall.h"

#define HC_CONSOLE_MAX	 65536 /* bytes per call; longer writes are -EINVAL */
#define HC_CONSOLE_CHUNK 512

int64_t
hc_console_io(struct vcpu *v, uint64_t cmd, uint64_t count, uint64_t buf)
{
	char chunk[HC_CONSOLE_CHUNK];

	switch (cmd) {
	case CONSOLEIO_write:
		if (count > HC_CONSOLE_MAX)
			return -EINVAL;
		while (count) {
			size_t n =
				count < sizeof(chunk) ? count : sizeof(chunk);
			int rc = guest_copy_from(v, chunk, buf, n);
			if (rc < 0) {
				log_guest(v->d, LOG_DEBUG,
					  "console_io: bad "
					  "buffer %#llx",
					  (unsigned long long)buf);
				return rc;
			}
			domain_console_write(v->d, chunk, n);
			buf += n;
			count -= n;
		}
		return 0;
	case CONSOLEIO_read:
		return 0;
	default:
		return -ENOSYS;
	}
}
