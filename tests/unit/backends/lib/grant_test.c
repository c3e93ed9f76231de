/*
 * tests/unit/backends/lib/grant_test.c: the dom0 grant library against
 * fake guest memory (a memfd laid out as xylem-hv does: RAM, then the
 * special area holding the grant frames): good grants, every hostile
 * entry, pin counting, frames that move, multi-page ring views, ring
 * grants a frontend revokes while they are mapped.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xen/grant_table.h>

#include "grant.h"

#define RAM_PAGES     64
#define SPECIAL_PAGES 8
#define SPECIAL_GPA   0x100000000ull

static struct xylctl_guest_mem mem;
static struct be_gnttab gt;
static struct xyl_ctl_gnttab_frames_reply fake_frames;
static int frames_calls;
static int frames_err;

static int
fake_frames_fn(void *arg, xyl_domid_t domid,
	       struct xyl_ctl_gnttab_frames_reply *out)
{
	(void)arg;
	ck_assert_uint_eq(domid, 7);
	frames_calls++;
	if (frames_err)
		return frames_err;
	*out = fake_frames;
	return 0;
}

static struct grant_entry_v1 *
entry(uint32_t gref)
{
	uint64_t gfn = fake_frames.gfn[gref / 512];

	if (gfn >= RAM_PAGES) /* aliased outside RAM: its home page */
		gfn = (SPECIAL_GPA >> 12) + gref / 512;

	return (struct grant_entry_v1 *)xylctl_gpa(&mem, gfn << 12, 4096) +
	       gref % 512;
}

static void
grant(uint32_t gref, uint16_t flags, uint16_t domid, uint32_t frame)
{
	struct grant_entry_v1 *e = entry(gref);

	e->frame = frame;
	e->domid = domid;
	e->flags = flags;
}

static void
setup(void)
{
	size_t bytes = (RAM_PAGES + SPECIAL_PAGES) * 4096ul;

	memset(&mem, 0, sizeof(mem));
	mem.memfd = memfd_create("guest", MFD_CLOEXEC);
	ck_assert_int_ge(mem.memfd, 0);
	ck_assert_int_eq(ftruncate(mem.memfd, (off_t)bytes), 0);
	mem.base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
			mem.memfd, 0);
	ck_assert_ptr_ne(mem.base, MAP_FAILED);
	mem.layout.ram_bytes = RAM_PAGES * 4096ul;
	mem.layout.special_gpa = SPECIAL_GPA;
	mem.layout.special_bytes = SPECIAL_PAGES * 4096ul;
	mem.layout.memfd_bytes = bytes;
	memset(&fake_frames, 0, sizeof(fake_frames));
	fake_frames.nr_frames = 2;
	fake_frames.gfn[0] = SPECIAL_GPA >> 12;
	fake_frames.gfn[1] = (SPECIAL_GPA >> 12) + 1;
	frames_calls = 0;
	frames_err = 0;
	ck_assert_int_eq(be_gnttab_init(&gt, 7, &mem, fake_frames_fn, NULL), 0);
}

static void
teardown(void)
{
	be_gnttab_fini(&gt);
	xylctl_unmap_guest(&mem);
}

START_TEST(test_read_grant_pins_and_unpins)
{
	struct be_grant g;

	grant(10, GTF_permit_access | GTF_readonly, 0, 5);
	memcpy(mem.base + 5 * 4096, "hello", 6);
	ck_assert_int_eq(be_grant_acquire(&gt, 10, BE_GRANT_READ, &g), 0);
	ck_assert_str_eq((char *)g.page, "hello");
	ck_assert(entry(10)->flags & GTF_reading);
	ck_assert(!(entry(10)->flags & GTF_writing));
	be_grant_release(&gt, &g);
	ck_assert_uint_eq(entry(10)->flags, GTF_permit_access | GTF_readonly);
	ck_assert_ptr_null(g.page);
}
END_TEST

START_TEST(test_write_grant_sets_writing)
{
	struct be_grant g;

	grant(11, GTF_permit_access, 0, 6);
	ck_assert_int_eq(be_grant_acquire(&gt, 11, BE_GRANT_WRITE, &g), 0);
	ck_assert_uint_eq(entry(11)->flags,
			  GTF_permit_access | GTF_reading | GTF_writing);
	memcpy(g.page, "data", 5);
	ck_assert_str_eq((char *)mem.base + 6 * 4096, "data");
	be_grant_release(&gt, &g);
	ck_assert_uint_eq(entry(11)->flags, GTF_permit_access);
}
END_TEST

START_TEST(test_hostile_entries)
{
	struct be_grant g;

	grant(1, GTF_permit_access | GTF_readonly, 0, 5);
	ck_assert_int_eq(be_grant_acquire(&gt, 1, BE_GRANT_WRITE, &g), -EROFS);
	ck_assert_uint_eq(entry(1)->flags, GTF_permit_access | GTF_readonly);
	grant(2, GTF_permit_access, 5, 5); /* granted to domain 5 */
	ck_assert_int_eq(be_grant_acquire(&gt, 2, BE_GRANT_READ, &g), -EACCES);
	grant(3, GTF_invalid, 0, 5);
	ck_assert_int_eq(be_grant_acquire(&gt, 3, BE_GRANT_READ, &g), -EACCES);
	grant(4, GTF_accept_transfer, 0, 5);
	ck_assert_int_eq(be_grant_acquire(&gt, 4, BE_GRANT_READ, &g), -EACCES);
	grant(5, GTF_transitive, 0, 5);
	ck_assert_int_eq(be_grant_acquire(&gt, 5, BE_GRANT_READ, &g), -EACCES);
	/* Frame outside RAM: the special area, and far beyond anything. */
	grant(6, GTF_permit_access, 0, (uint32_t)(SPECIAL_GPA >> 12));
	ck_assert_int_eq(be_grant_acquire(&gt, 6, BE_GRANT_READ, &g), -EFAULT);
	ck_assert_uint_eq(entry(6)->flags, GTF_permit_access);
	grant(7, GTF_permit_access, 0, 0xffffffffu);
	ck_assert_int_eq(be_grant_acquire(&gt, 7, BE_GRANT_WRITE, &g), -EFAULT);
	ck_assert_uint_eq(entry(7)->flags, GTF_permit_access);
	grant(8, GTF_permit_access, 0, RAM_PAGES); /* one past the end */
	ck_assert_int_eq(be_grant_acquire(&gt, 8, BE_GRANT_READ, &g), -EFAULT);
	ck_assert_int_eq(be_grant_acquire(&gt, 9, 3, &g), -EINVAL);
	ck_assert_uint_eq(gt.stats.read_only, 1);
	ck_assert_uint_eq(gt.stats.not_granted, 4);
	ck_assert_uint_eq(gt.stats.bad_frame, 3);
	ck_assert_uint_eq(gt.pins_used, 0);
}
END_TEST

START_TEST(test_bad_refs)
{
	struct be_grant g;

	ck_assert_int_eq(be_grant_acquire(&gt, 2 * 512, BE_GRANT_READ, &g),
			 -ENOENT);
	ck_assert_int_eq(be_grant_acquire(&gt, 0xffffffffu, BE_GRANT_READ, &g),
			 -ENOENT);
	ck_assert_uint_eq(gt.stats.bad_ref, 2);
	/* A failing frame query is passed up. */
	frames_err = -EPIPE;
	gt.has_frames = false;
	ck_assert_int_eq(be_grant_acquire(&gt, 3, BE_GRANT_READ, &g), -EPIPE);
	ck_assert_uint_eq(gt.pins_used, 0);
}
END_TEST

START_TEST(test_nested_pins)
{
	struct be_grant r1, r2, w;

	grant(20, GTF_permit_access, 0, 9);
	ck_assert_int_eq(be_grant_acquire(&gt, 20, BE_GRANT_READ, &r1), 0);
	ck_assert_int_eq(be_grant_acquire(&gt, 20, BE_GRANT_WRITE, &w), 0);
	ck_assert_int_eq(be_grant_acquire(&gt, 20, BE_GRANT_READ, &r2), 0);
	be_grant_release(&gt, &w);
	ck_assert_uint_eq(entry(20)->flags, GTF_permit_access | GTF_reading);
	be_grant_release(&gt, &r1);
	ck_assert_uint_eq(entry(20)->flags, GTF_permit_access | GTF_reading);
	be_grant_release(&gt, &r2);
	ck_assert_uint_eq(entry(20)->flags, GTF_permit_access);
	ck_assert_uint_eq(gt.pins_used, 0);
}
END_TEST

START_TEST(test_many_pins_grow_and_clear)
{
	static struct be_grant g[700];

	for (uint32_t i = 0; i < 700; i++) {
		grant(i + 8, GTF_permit_access, 0, i % RAM_PAGES);
		ck_assert_int_eq(
			be_grant_acquire(&gt, i + 8, BE_GRANT_WRITE, &g[i]), 0);
	}
	ck_assert_uint_eq(gt.pins_used, 700);
	/* Release in an order unlike insertion (exercise the deletion). */
	for (uint32_t i = 0; i < 700; i += 2)
		be_grant_release(&gt, &g[i]);
	for (uint32_t i = 1; i < 700; i += 2)
		be_grant_release(&gt, &g[i]);
	for (uint32_t i = 0; i < 700; i++)
		ck_assert_uint_eq(entry(i + 8)->flags, GTF_permit_access);
	ck_assert_uint_eq(gt.pins_used, 0);
}
END_TEST

START_TEST(test_frame_moves)
{
	struct be_grant g;
	uint8_t *old, *new;

	grant(30, GTF_permit_access, 0, 3);
	ck_assert_int_eq(be_grant_acquire(&gt, 30, BE_GRANT_READ, &g), 0);
	be_grant_release(&gt, &g);
	/* The guest maps frame 0 at RAM gfn 40: contents move there, the
	 * old home no longer holds the grant. */
	old = xylctl_gpa(&mem, fake_frames.gfn[0] << 12, 4096);
	new = mem.base + 40 * 4096;
	memcpy(new, old, 4096);
	memset(old, 0, 4096);
	fake_frames.gfn[0] = 40;
	fake_frames.generation++;
	ck_assert_int_eq(be_grant_acquire(&gt, 30, BE_GRANT_READ, &g), 0);
	ck_assert(((struct grant_entry_v1 *)new)[30].flags & GTF_reading);
	be_grant_release(&gt, &g);
	ck_assert_uint_eq(((struct grant_entry_v1 *)new)[30].flags,
			  GTF_permit_access);
	/* Shown in a hole above RAM (as our guest kernel does): the frame
	 * is its home page in the special area. */
	memcpy(old, new, 4096);
	memset(new, 0, 4096); /* page 40 is ordinary RAM again */
	fake_frames.gfn[0] = 0xfd000;
	fake_frames.generation++;
	ck_assert_int_eq(be_grant_acquire(&gt, 30, BE_GRANT_READ, &g), 0);
	ck_assert(((struct grant_entry_v1 *)old)[30].flags & GTF_reading);
	be_grant_release(&gt, &g);
	/* A table that grew: gref in frame 2 found after a refresh. */
	fake_frames.nr_frames = 3;
	fake_frames.gfn[2] = (SPECIAL_GPA >> 12) + 2;
	fake_frames.generation++;
	grant(2 * 512 + 1, GTF_permit_access, 0, 4);
	ck_assert_int_eq(be_grant_acquire(&gt, 2 * 512 + 1, BE_GRANT_READ, &g),
			 0);
	be_grant_release(&gt, &g);
}
END_TEST

START_TEST(test_copy_from)
{
	char buf[16];

	grant(40, GTF_permit_access | GTF_readonly, 0, 12);
	memcpy(mem.base + 12 * 4096 + 100, "indirect", 9);
	ck_assert_int_eq(be_grant_copy_from(&gt, 40, 100, buf, 9), 0);
	ck_assert_str_eq(buf, "indirect");
	ck_assert_uint_eq(entry(40)->flags, GTF_permit_access | GTF_readonly);
	ck_assert_int_eq(be_grant_copy_from(&gt, 40, 4090, buf, 16), -EINVAL);
	ck_assert_int_eq(be_grant_copy_from(&gt, 40, 5000, buf, 1), -EINVAL);
	ck_assert_int_eq(be_grant_copy_from(&gt, 41, 0, buf, 1), -EACCES);
}
END_TEST

START_TEST(test_ring_map_contiguous)
{
	uint32_t grefs[3] = {50, 51, 52};
	struct be_ring_map m;

	grant(50, GTF_permit_access, 0, 20);
	grant(51, GTF_permit_access, 0, 7); /* not contiguous in the guest */
	grant(52, GTF_permit_access, 0, 33);
	ck_assert_int_eq(be_grant_map_ring(&gt, grefs, 3, &m), 0);
	m.base[4096 + 5] = 'x';
	m.base[2 * 4096] = 'y';
	ck_assert_int_eq(mem.base[7 * 4096 + 5], 'x');
	ck_assert_int_eq(mem.base[33 * 4096], 'y');
	ck_assert(entry(51)->flags & GTF_writing);
	be_grant_unmap_ring(&gt, &m);
	ck_assert_uint_eq(entry(51)->flags, GTF_permit_access);
	/* A bad page in the middle: nothing stays pinned. */
	grant(51, GTF_permit_access | GTF_readonly, 0, 7);
	ck_assert_int_eq(be_grant_map_ring(&gt, grefs, 3, &m), -EROFS);
	ck_assert_uint_eq(entry(50)->flags, GTF_permit_access);
	ck_assert_ptr_null(m.base);
	ck_assert_int_eq(be_grant_map_ring(&gt, grefs, 0, &m), -EINVAL);
	ck_assert_int_eq(
		be_grant_map_ring(&gt, grefs, BE_RING_MAX_PAGES + 1, &m),
		-EINVAL);
}
END_TEST

START_TEST(test_fini_clears_pins)
{
	struct be_grant g;

	grant(60, GTF_permit_access, 0, 2);
	ck_assert_int_eq(be_grant_acquire(&gt, 60, BE_GRANT_WRITE, &g), 0);
	be_gnttab_fini(&gt);
	ck_assert_uint_eq(entry(60)->flags, GTF_permit_access);
	ck_assert_int_eq(be_gnttab_init(&gt, 7, &mem, fake_frames_fn, NULL), 0);
}
END_TEST

/* The frontend flips the grantee while we pin: the word is checked and
 * pinned together, so either we see dom 0 or we refuse. */
START_TEST(test_grantee_swapped_after_pin)
{
	struct be_grant g;

	grant(70, GTF_permit_access, 0, 2);
	ck_assert_int_eq(be_grant_acquire(&gt, 70, BE_GRANT_READ, &g), 0);
	entry(70)->domid = 9; /* hostile: changes a pinned entry */
	be_grant_release(&gt, &g);
	ck_assert(!(entry(70)->flags & GTF_reading));
	ck_assert_int_eq(be_grant_acquire(&gt, 70, BE_GRANT_READ, &g), -EACCES);
}
END_TEST

/* A frontend that revokes its ring grants while they are mapped (ignoring
 * the pins): the view stays guest RAM, unmapping only clears our bits,
 * and the revoked grants cannot be mapped again. */
START_TEST(test_ring_revoked_while_mapped)
{
	uint32_t grefs[2] = {80, 81};
	struct be_ring_map m;

	grant(80, GTF_permit_access, 0, 12);
	grant(81, GTF_permit_access, 0, 13);
	ck_assert_int_eq(be_grant_map_ring(&gt, grefs, 2, &m), 0);
	memset(entry(80), 0, sizeof(struct grant_entry_v1));
	entry(81)->flags = 0;
	m.base[4096] = 'z'; /* still the guest's page, no fault */
	ck_assert_int_eq(mem.base[13 * 4096], 'z');
	be_grant_unmap_ring(&gt, &m);
	ck_assert_uint_eq(entry(80)->flags, 0);
	ck_assert_uint_eq(entry(81)->flags, 0);
	ck_assert_int_eq(be_grant_map_ring(&gt, grefs, 2, &m), -EACCES);
	ck_assert_ptr_null(m.base);
}
END_TEST

static Suite *
grant_suite(void)
{
	Suite *s = suite_create("be_grant");
	TCase *tc = tcase_create("grant");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_read_grant_pins_and_unpins);
	tcase_add_test(tc, test_write_grant_sets_writing);
	tcase_add_test(tc, test_hostile_entries);
	tcase_add_test(tc, test_bad_refs);
	tcase_add_test(tc, test_nested_pins);
	tcase_add_test(tc, test_many_pins_grow_and_clear);
	tcase_add_test(tc, test_frame_moves);
	tcase_add_test(tc, test_copy_from);
	tcase_add_test(tc, test_ring_revoked_while_mapped);
	tcase_add_test(tc, test_ring_map_contiguous);
	tcase_add_test(tc, test_fini_clears_pins);
	tcase_add_test(tc, test_grantee_swapped_after_pin);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(grant_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
