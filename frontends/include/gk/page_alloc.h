/*
 * gk/page_alloc.h: the physical page allocator.  One bit per 4 KiB page
 * below 4 GiB (the identity-mapped range); free ranges come from the
 * hvm_start_info memory map, minus what the kernel reserves.  Pure
 * bookkeeping: it never touches the pages themselves.
 */
#ifndef GK_PAGE_ALLOC_H
#define GK_PAGE_ALLOC_H

#include <stdint.h>

#define GK_PAGES_LIMIT_PFN (1ull << 20) /* 4 GiB / 4 KiB */

struct gk_pages {
	uint64_t free_bits[GK_PAGES_LIMIT_PFN / 64]; /* 1 = free */
	uint64_t managed_bits[GK_PAGES_LIMIT_PFN /
			      64]; /* 1 = ours to hand out */
	uint64_t nr_free;
	uint64_t nr_total; /* managed pages */
	uint64_t hint;	   /* pfn where the next search starts */
};

void gk_pages_init(struct gk_pages *p);
/* Add the whole pages inside [addr, addr + len) as free (clipped to 4 GiB;
 * pfn 0 is never handed out). */
void gk_pages_add_range(struct gk_pages *p, uint64_t addr, uint64_t len);
/* Take every page touching [addr, addr + len) out of the allocator for
 * good (free or not: a reserved page can never be freed into it). */
void gk_pages_reserve_range(struct gk_pages *p, uint64_t addr, uint64_t len);
/* Allocate nr contiguous pages; returns the first pfn, or 0 if none. */
uint64_t gk_pages_alloc(struct gk_pages *p, uint64_t nr);
/* Free nr pages from pfn.  0; -EINVAL if any of them is not allocated
 * (double free, never added, out of range): nothing is freed then. */
int gk_pages_free(struct gk_pages *p, uint64_t pfn, uint64_t nr);

#endif
