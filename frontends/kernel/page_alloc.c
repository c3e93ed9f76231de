/*
 * kernel/page_alloc.c: the physical page allocator: a free bitmap over the
 * identity-mapped 4 GiB, first fit from a rotating hint.  Bookkeeping only;
 * it never reads or writes the pages it hands out.
 */
#include "gk/errno.h"
#include "gk/page_alloc.h"
#include "gk/string.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ull << PAGE_SHIFT)

static int
is_free(const struct gk_pages *p, uint64_t pfn)
{
	return (p->free_bits[pfn / 64] >> (pfn % 64)) & 1;
}

static int
is_managed(const struct gk_pages *p, uint64_t pfn)
{
	return (p->managed_bits[pfn / 64] >> (pfn % 64)) & 1;
}

static void
set_managed(struct gk_pages *p, uint64_t pfn, int managed)
{
	uint64_t bit = 1ull << (pfn % 64);

	if (managed)
		p->managed_bits[pfn / 64] |= bit;
	else
		p->managed_bits[pfn / 64] &= ~bit;
}

static void
set_free(struct gk_pages *p, uint64_t pfn, int free)
{
	uint64_t bit = 1ull << (pfn % 64);

	if (free)
		p->free_bits[pfn / 64] |= bit;
	else
		p->free_bits[pfn / 64] &= ~bit;
}

void
gk_pages_init(struct gk_pages *p)
{
	memset(p, 0, sizeof(*p));
	p->hint = 1;
}

void
gk_pages_add_range(struct gk_pages *p, uint64_t addr, uint64_t len)
{
	uint64_t first, end;

	if (__builtin_add_overflow(addr, len, &end))
		end = ~0ull;
	first = (addr + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (addr > ~0ull - PAGE_SIZE)
		return;
	end >>= PAGE_SHIFT;
	if (end > GK_PAGES_LIMIT_PFN)
		end = GK_PAGES_LIMIT_PFN;
	if (first == 0)
		first = 1;
	for (uint64_t pfn = first; pfn < end; pfn++) {
		if (!is_managed(p, pfn)) {
			set_managed(p, pfn, 1);
			set_free(p, pfn, 1);
			p->nr_free++;
			p->nr_total++;
		}
	}
}

void
gk_pages_reserve_range(struct gk_pages *p, uint64_t addr, uint64_t len)
{
	uint64_t first = addr >> PAGE_SHIFT, end;

	if (len == 0)
		return;
	if (__builtin_add_overflow(addr, len - 1, &end))
		end = ~0ull;
	end = (end >> PAGE_SHIFT) + 1;
	if (end > GK_PAGES_LIMIT_PFN)
		end = GK_PAGES_LIMIT_PFN;
	for (uint64_t pfn = first; pfn < end; pfn++) {
		if (is_free(p, pfn))
			p->nr_free--;
		if (is_managed(p, pfn))
			p->nr_total--;
		set_free(p, pfn, 0);
		set_managed(p, pfn, 0);
	}
}

/* First fit in [from, to); returns the pfn or 0. */
static uint64_t
find_run(const struct gk_pages *p, uint64_t from, uint64_t to, uint64_t nr)
{
	uint64_t run = 0;

	for (uint64_t pfn = from; pfn < to; pfn++) {
		if (run == 0 && (pfn % 64) == 0 &&
		    p->free_bits[pfn / 64] == 0 && pfn + 64 <= to) {
			pfn += 63; /* skip a fully used word */
			continue;
		}
		run = is_free(p, pfn) ? run + 1 : 0;
		if (run == nr)
			return pfn + 1 - nr;
	}
	return 0;
}

uint64_t
gk_pages_alloc(struct gk_pages *p, uint64_t nr)
{
	uint64_t pfn;

	if (nr == 0 || nr > p->nr_free)
		return 0;
	pfn = find_run(p, p->hint, GK_PAGES_LIMIT_PFN, nr);
	if (!pfn)
		pfn = find_run(p, 1, GK_PAGES_LIMIT_PFN, nr);
	if (!pfn)
		return 0;
	for (uint64_t i = 0; i < nr; i++)
		set_free(p, pfn + i, 0);
	p->nr_free -= nr;
	p->hint = pfn + nr < GK_PAGES_LIMIT_PFN ? pfn + nr : 1;
	return pfn;
}

int
gk_pages_free(struct gk_pages *p, uint64_t pfn, uint64_t nr)
{
	uint64_t end;

	if (pfn == 0 || nr == 0 || __builtin_add_overflow(pfn, nr, &end) ||
	    end > GK_PAGES_LIMIT_PFN)
		return -EINVAL;
	for (uint64_t i = pfn; i < end; i++) {
		if (!is_managed(p, i) || is_free(p, i))
			return -EINVAL;
	}
	for (uint64_t i = pfn; i < end; i++)
		set_free(p, i, 1);
	p->nr_free += nr;
	return 0;
}
