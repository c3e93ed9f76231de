/*
 * hypervisor/memory.h: guest memory.  RAM and the special area are one
 * memfd per domain, mapped once into xylem-hv and given to dom0 over the
 * control socket.  Guest-physical layout:
 *
 *   [0, ram_bytes)                          RAM (e820 RAM, minus the legacy
 *                                           hole [0x9fc00, 0x100000))
 *   [special_gpa, special_gpa+special_bytes) special area, e820 reserved:
 *        page 0..XYL_GNTTAB_MAX_FRAMES-1  grant-table frames (home)
 *        then: xenstore ring, console ring, shared_info home, spare pages
 *   XYL_STIMER_GPA (right after the special area, one page, e820
 *        reserved): the host-wide shared-timer page, read-only memslot
 *
 * special_gpa is fixed (MEMORY_SPECIAL_GPA) below 4 GiB, in what Xen calls
 * the special-pages area, so it is identical for every domain.
 */
#ifndef HV_MEMORY_H
#define HV_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#define MEMORY_SPECIAL_GPA   0xfe000000ull /* below the LAPIC at 0xfee00000 */
#define MEMORY_SPECIAL_PAGES 128
#define MEMORY_MAX_RAM	     (MEMORY_SPECIAL_GPA - (16ull << 20))
#define MEMORY_MIN_RAM	     (4ull << 20)
#define MEMORY_MAX_ALIASES   64

/* Pages of the special area (index from special_gpa).  The grant frames'
 * homes come first (XYL_GNTTAB_MAX_FRAMES of them). */
#define MEMORY_SPECIAL_GNTTAB_PAGE  0
#define MEMORY_SPECIAL_STORE_PAGE   64
#define MEMORY_SPECIAL_CONSOLE_PAGE 65
#define MEMORY_SPECIAL_SHINFO_PAGE  66
#define MEMORY_SPECIAL_GFN(page)    ((MEMORY_SPECIAL_GPA >> 12) + (page))

/* The legacy hole: RAM in the memslot, reserved in the e820 map. */
#define MEMORY_LEGACY_HOLE_START 0x9fc00ull
#define MEMORY_LEGACY_HOLE_END	 0x100000ull

struct guest_memory {
	int memfd;    /* owned; O_CLOEXEC */
	uint8_t *hva; /* mmap of the whole memfd */
	uint64_t ram_bytes;
	uint64_t special_gpa;
	uint64_t special_bytes;
	uint32_t next_slot; /* next free KVM memslot id */
	/* 4 KiB aliases made by memory_alias_gfn (grant frames in the hole);
	 * written by the vCPU thread under d->lock. */
	struct {
		uint64_t gfn;
		uint8_t *hva;
		uint32_t slot;
	} alias[MEMORY_MAX_ALIASES];
	uint32_t nr_aliases;
};

struct domain;
/* Create the memfd (RAM + special area), map it and register its two KVM
 * memslots on d->vm_fd.  -EINVAL bad size, -ENOMEM, or the KVM errno. */
int memory_init(struct domain *d, uint64_t ram_bytes);
/* Unmap and close; the memory goes back to the host. */
void memory_fini(struct domain *d);
/* Host pointer of special-area page `page` (MEMORY_SPECIAL_*). */
void *memory_special_page(struct domain *d, unsigned page);
/* Translate [gpa, gpa+len) to a host pointer if it lies wholly inside RAM
 * or the special area (or a gfn aliased there); NULL otherwise. */
void *memory_gpa_to_hva(struct domain *d, uint64_t gpa, size_t len);
/* Make gfn (outside RAM) show host page hva to the guest: a 4 KiB KVM
 * memslot.  Used for grant frames the guest places in its MMIO hole. */
int memory_alias_gfn(struct domain *d, uint64_t gfn, void *hva);

#endif
