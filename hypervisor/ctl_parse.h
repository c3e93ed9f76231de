/*
 * hypervisor/ctl_parse.h: decoding of one control request packet into a
 * validated struct ctl_request.  ctl_parse_request() is the only code that
 * looks at a client's raw bytes; it is pure (no I/O, no hv state) so that
 * its hostile cases are tested on their own (tests/unit/hypervisor/).
 */
#ifndef HV_CTL_PARSE_H
#define HV_CTL_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "xylem/ctl.h"

/* A request whose header, length, reserved fields, strings, fd count and
 * ranges were checked.  Handlers read only this, never the packet. */
struct ctl_request {
	uint16_t type;	 /* enum xyl_ctl_type, a request type */
	uint32_t seq;	 /* echoed in the reply */
	unsigned nr_fds; /* SCM_RIGHTS fds that came with it (as expected) */
	union {
		struct xyl_ctl_domain_create create;
		struct xyl_ctl_domid domid;
		struct xyl_ctl_domain_list list;
		struct xyl_ctl_domain_shutdown shutdown;
		struct xyl_ctl_domain_rename rename;
		struct xyl_ctl_hvm_param param;
		struct xyl_ctl_evtchn_alloc_unbound alloc;
		struct xyl_ctl_evtchn_bind_interdomain bind;
		struct xyl_ctl_evtchn_port port;
		struct xyl_ctl_log_read log;
		struct xyl_ctl_events_subscribe sub;
		struct xyl_ctl_sched_credit sched;
		struct xyl_ctl_vcpu_pin pin;
		struct xyl_ctl_vcpu_set vcpu_set;
		struct xyl_ctl_domain_set_max_mem max_mem;
	} u;
};

/*
 * Parse the packet buf[0..len) received with recvmsg flags msg_flags and
 * nr_fds SCM_RIGHTS descriptors.  Returns 0 and fills *out, or:
 *   -EPROTO  bad magic or version (a client of another protocol)
 *   -EINVAL  anything else: short or truncated packet, unknown or
 *            non-request type, len not exactly the type's body size,
 *            non-zero pad/reserved field, string without NUL, wrong fd
 *            count, out-of-range value.
 * On failure detail (detail_len bytes, may be XYL_DETAIL_MAX) holds a
 * one-line reason, and out->seq / out->type are set when the header was
 * readable (else 0) so the error reply can echo them.  The caller owns
 * and closes the fds either way.
 */
int ctl_parse_request(const void *buf, size_t len, int msg_flags,
		      unsigned nr_fds, struct ctl_request *out, char *detail,
		      size_t detail_len);

/* Name of a message type for log lines and details ("DOMAIN_CREATE");
 * "unknown" for values outside the enum. */
const char *ctl_type_name(uint32_t type);

/* Size of the reply body of a request type on success (0 if empty), and
 * the number of fds that reply carries. */
size_t ctl_reply_body_size(uint16_t type);
unsigned ctl_reply_nr_fds(uint16_t type);

#endif
