/*
 * kernel/heap.c: the kernel heap.  Small blocks come from per-class free
 * lists (32 B .. 2 KiB, each class carving whole pages); bigger ones are
 * whole pages from the page allocator.  A 16-byte header in front of every
 * block records how to free it.
 */
#include <stdint.h>

#include "gk/heap.h"
#include "gk/kernel.h"
#include "gk/string.h"

#define HEAP_MIN_SHIFT 5
#define HEAP_MAX_SHIFT 11
#define HEAP_CLASSES   (HEAP_MAX_SHIFT - HEAP_MIN_SHIFT + 1)
#define HEAP_MAGIC     0x67686561u /* "ghea" */

struct heap_hdr {
	uint32_t magic;
	uint32_t shift;	   /* size class, or 0 for a page run */
	uint64_t nr_pages; /* page runs only */
};

struct heap_free {
	struct heap_free *next;
};
_Static_assert(HEAP_CLASSES == GK_HEAP_CLASSES, "heap classes");

static int
class_of(size_t total)
{
	for (int s = HEAP_MIN_SHIFT; s <= HEAP_MAX_SHIFT; s++) {
		if (total <= (1ul << s))
			return s;
	}
	return 0;
}

static int
refill(int shift)
{
	uint64_t pfn = gk_pages_alloc(&gk.pages, 1);
	char *page;

	if (!pfn)
		return -1;
	page = (char *)(uintptr_t)(pfn << 12);
	for (size_t off = 0; off < 4096; off += 1ul << shift) {
		struct heap_free *f = (struct heap_free *)(page + off);

		f->next = gk.heap_lists[shift - HEAP_MIN_SHIFT];
		gk.heap_lists[shift - HEAP_MIN_SHIFT] = f;
	}
	return 0;
}

void *
gk_malloc(size_t size)
{
	size_t total = size + sizeof(struct heap_hdr);
	struct heap_hdr *h;
	int shift;

	if (size == 0 || total < size)
		return 0;
	shift = class_of(total);
	if (shift) {
		struct heap_free **list =
			&gk.heap_lists[shift - HEAP_MIN_SHIFT];

		if (!*list && refill(shift) < 0)
			return 0;
		h = (struct heap_hdr *)*list;
		*list = (*list)->next;
		h->nr_pages = 0;
	} else {
		uint64_t nr = (total + 4095) / 4096;
		uint64_t pfn = gk_pages_alloc(&gk.pages, nr);

		if (!pfn)
			return 0;
		h = (struct heap_hdr *)(uintptr_t)(pfn << 12);
		h->nr_pages = nr;
	}
	h->magic = HEAP_MAGIC;
	h->shift = (uint32_t)shift;
	return h + 1;
}

void *
gk_zalloc(size_t size)
{
	void *p = gk_malloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void
gk_free(void *ptr)
{
	struct heap_hdr *h;

	if (!ptr)
		return;
	h = (struct heap_hdr *)ptr - 1;
	if (h->magic != HEAP_MAGIC)
		gk_panic("heap: bad free of %p", ptr);
	h->magic = 0;
	if (h->shift) {
		struct heap_free *f = (struct heap_free *)h;

		f->next = gk.heap_lists[h->shift - HEAP_MIN_SHIFT];
		gk.heap_lists[h->shift - HEAP_MIN_SHIFT] = f;
	} else {
		gk_pages_free(&gk.pages, (uintptr_t)h >> 12, h->nr_pages);
	}
}
