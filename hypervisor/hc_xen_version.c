/*
 * hypervisor/hc_xen_version.c: __HYPERVISOR_xen_version.  Tells the guest
 * it runs on Xen 4.17 with the PVH feature set xylem-hv implements.
 * Trust boundary: guest pointers only through guest_copy_to.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/version.h>
#include <xen/features.h>

#include "domain.h"
#include "hypercall.h"

#define HC_XEN_MAJOR 4
#define HC_XEN_MINOR 17

/* What we implement: HVM-style paging and descriptors, auto-translated
 * physmap, the per-vCPU callback vector, and pvclock + Xen timers. */
#define HC_FEATURES                                                            \
	((1u << XENFEAT_writable_page_tables) |                                \
	 (1u << XENFEAT_writable_descriptor_tables) |                          \
	 (1u << XENFEAT_auto_translated_physmap) |                             \
	 (1u << XENFEAT_supervisor_mode_kernel) |                              \
	 (1u << XENFEAT_hvm_callback_vector) |                                 \
	 (1u << XENFEAT_hvm_safe_pvclock))

static int64_t
hc_version_get_features(struct vcpu *v, uint64_t arg)
{
	xen_feature_info_t fi;
	int rc = guest_copy_from(v, &fi, arg, sizeof(fi));

	if (rc < 0)
		return rc;
	if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
		return -EINVAL;
	fi.submap = HC_FEATURES;
	return guest_copy_to(v, arg, &fi, sizeof(fi));
}

static int64_t
hc_version_string(struct vcpu *v, uint64_t arg, const char *s, size_t size)
{
	char buf[1024] = {0};

	strncpy(buf, s, size - 1);
	return guest_copy_to(v, arg, buf, size);
}

int64_t
hc_xen_version(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	switch (cmd) {
	case XENVER_version:
		return (HC_XEN_MAJOR << 16) | HC_XEN_MINOR;
	case XENVER_extraversion:
		return hc_version_string(v, arg, ".0-xylem",
					 sizeof(xen_extraversion_t));
	case XENVER_capabilities:
		return hc_version_string(v, arg, "hvm-3.0-x86_64 ",
					 sizeof(xen_capabilities_info_t));
	case XENVER_changeset:
		return hc_version_string(v, arg, "xylem",
					 sizeof(xen_changeset_info_t));
	case XENVER_get_features:
		return hc_version_get_features(v, arg);
	case XENVER_pagesize:
		return 4096;
	case XENVER_guest_handle:
		return guest_copy_to(v, arg, v->d->uuid,
				     sizeof(xen_domain_handle_t));
	case XENVER_commandline:
		return -EPERM; /* the host's; not a guest's business */
	default:
		return -ENOSYS;
	}
}
