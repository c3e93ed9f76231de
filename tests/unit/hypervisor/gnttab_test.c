/*
 * tests/unit/hypervisor/gnttab_test.c: grant tables (gnttab.c) against
 * fake domains: table sub-ops, GNTTABOP_copy with good and hostile grant
 * references, frame placement with add_to_physmap, and the ctl reply.
 */
#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <xen/grant_table.h>

#include "fake_events_world.h"
#include "gnttab.h"
#include "hypercall.h"
#include "memory.h"

#define ARG_GPA	    0x20000u
#define LIST_GPA    0x30000u
#define PAGE	    4096u
#define SPECIAL_GFN (MEMORY_SPECIAL_GPA / PAGE)

static struct hv *hv;
static struct domain *d1, *d2;

static void
setup(void)
{
	hv = fake_hv_new();
	d1 = fake_domain_new(hv, 1, 1);
	d2 = fake_domain_new(hv, 2, 1);
	ck_assert_int_eq(gnttab_domain_init(d1), 0);
	ck_assert_int_eq(gnttab_domain_init(d2), 0);
}

static void
teardown(void)
{
	gnttab_domain_destroy(d1);
	gnttab_domain_free(d1);
	gnttab_domain_free(d2);
	fake_domain_free(d1);
	fake_domain_free(d2);
	fake_hv_free(hv);
}

static void *
gpa(struct domain *d, uint64_t addr)
{
	return memory_gpa_to_hva(d, addr, 1);
}

/* Run one op as d's vCPU 0, arg (count structs) in guest memory. */
static int64_t
op(struct domain *d, uint64_t cmd, void *arg, size_t size, uint64_t count)
{
	void *g = memory_gpa_to_hva(d, ARG_GPA, size);
	int64_t rc;

	memcpy(g, arg, size);
	rc = hc_grant_table_op(&d->vcpus[0], cmd, ARG_GPA, count);
	memcpy(arg, g, size);
	return rc;
}

/* The granter's entry ref, through where its frame lives now. */
static struct grant_entry_v1 *
entry(struct domain *d, uint32_t ref)
{
	struct xyl_ctl_gnttab_frames_reply fr;
	uint64_t gfn;

	gnttab_frames(d, &fr);
	gfn = fr.gfn[ref / 512];
	if (gfn >= FAKE_RAM_BYTES / PAGE &&
	    (gfn < SPECIAL_GFN || gfn >= SPECIAL_GFN + 64))
		gfn = SPECIAL_GFN + ref / 512; /* aliased: the home page */
	return (struct grant_entry_v1 *)gpa(d, gfn * PAGE) + ref % 512;
}

static void
grant(struct domain *d, uint32_t ref, uint16_t flags, uint16_t domid,
      uint32_t frame)
{
	struct grant_entry_v1 *e = entry(d, ref);

	e->domid = domid;
	e->frame = frame;
	e->flags = flags;
}

static struct gnttab_copy
copy_from_gref(uint16_t dom, uint32_t ref, uint64_t gmfn, uint16_t len)
{
	struct gnttab_copy c;

	memset(&c, 0, sizeof(c));
	c.source.u.ref = ref;
	c.source.domid = dom;
	c.dest.u.gmfn = gmfn;
	c.dest.domid = DOMID_SELF;
	c.len = len;
	c.flags = GNTCOPY_source_gref;
	return c;
}

START_TEST(test_query_size_and_frames)
{
	struct gnttab_query_size q = {.dom = DOMID_SELF};
	struct xyl_ctl_gnttab_frames_reply fr;

	ck_assert_int_eq(op(d1, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	ck_assert_int_eq(q.status, GNTST_okay);
	ck_assert_uint_eq(q.nr_frames, GNTTAB_INITIAL_FRAMES);
	ck_assert_uint_eq(q.max_nr_frames, GNTTAB_MAX_FRAMES);
	gnttab_frames(d1, &fr);
	ck_assert_uint_eq(fr.nr_frames, GNTTAB_INITIAL_FRAMES);
	for (uint32_t i = 0; i < GNTTAB_INITIAL_FRAMES; i++)
		ck_assert_uint_eq(fr.gfn[i], SPECIAL_GFN + i);
	ck_assert_uint_eq(fr.gfn[GNTTAB_INITIAL_FRAMES], 0);

	q.dom = 2;
	ck_assert_int_eq(op(d1, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	ck_assert_int_eq(q.status, GNTST_permission_denied);
	q.dom = 42;
	ck_assert_int_eq(op(d1, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	ck_assert_int_eq(q.status, GNTST_bad_domain);
	ck_assert_int_eq(op(d1, GNTTABOP_query_size, &q, sizeof(q), 2),
			 -EINVAL);
	ck_assert_int_eq(hc_grant_table_op(&d1->vcpus[0], GNTTABOP_query_size,
					   0xffff0000000ull, 1),
			 -EFAULT);
}
END_TEST

START_TEST(test_versions)
{
	struct gnttab_set_version sv = {.version = 1};
	struct gnttab_get_version gv = {.dom = DOMID_SELF};

	ck_assert_int_eq(op(d1, GNTTABOP_set_version, &sv, sizeof(sv), 1), 0);
	ck_assert_uint_eq(sv.version, 1);
	sv.version = 2;
	ck_assert_int_eq(op(d1, GNTTABOP_set_version, &sv, sizeof(sv), 1),
			 -ENOSYS);
	ck_assert_uint_eq(sv.version, 1);
	sv.version = 3;
	ck_assert_int_eq(op(d1, GNTTABOP_set_version, &sv, sizeof(sv), 1),
			 -EINVAL);
	ck_assert_int_eq(op(d1, GNTTABOP_set_version, &sv, sizeof(sv), 0),
			 -EINVAL);
	ck_assert_int_eq(op(d1, GNTTABOP_get_version, &gv, sizeof(gv), 1), 0);
	ck_assert_uint_eq(gv.version, 1);
	gv.dom = 2;
	ck_assert_int_eq(op(d1, GNTTABOP_get_version, &gv, sizeof(gv), 1),
			 -EPERM);
	gv.dom = 99;
	ck_assert_int_eq(op(d1, GNTTABOP_get_version, &gv, sizeof(gv), 1),
			 -ESRCH);
}
END_TEST

START_TEST(test_setup_table)
{
	struct gnttab_setup_table st;
	uint64_t *list = gpa(d1, LIST_GPA);
	struct gnttab_query_size q = {.dom = DOMID_SELF};

	memset(&st, 0, sizeof(st));
	st.dom = DOMID_SELF;
	st.nr_frames = 8;
	st.frame_list.p = (xen_pfn_t *)(uintptr_t)LIST_GPA;
	ck_assert_int_eq(op(d1, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
	ck_assert_int_eq(st.status, GNTST_okay);
	for (uint32_t i = 0; i < 8; i++)
		ck_assert_uint_eq(list[i], SPECIAL_GFN + i);
	ck_assert_int_eq(op(d1, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	ck_assert_uint_eq(q.nr_frames, 8);

	st.nr_frames = GNTTAB_MAX_FRAMES + 1;
	ck_assert_int_eq(op(d1, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
	ck_assert_int_eq(st.status, GNTST_general_error);
	st.nr_frames = 2;
	st.frame_list.p = (xen_pfn_t *)(uintptr_t)0xfff00000000ull;
	ck_assert_int_eq(op(d1, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
	ck_assert_int_eq(st.status, GNTST_bad_virt_addr);
	st.dom = 2;
	ck_assert_int_eq(op(d1, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
	ck_assert_int_eq(st.status, GNTST_permission_denied);
	ck_assert_int_eq(op(d1, GNTTABOP_setup_table, &st, sizeof(st), 3),
			 -EINVAL);
}
END_TEST

START_TEST(test_unknown_ops)
{
	uint8_t zero[64] = {0};
	uint64_t cmds[] = {GNTTABOP_map_grant_ref,
			   GNTTABOP_unmap_grant_ref,
			   GNTTABOP_dump_table,
			   GNTTABOP_transfer,
			   GNTTABOP_unmap_and_replace,
			   GNTTABOP_get_status_frames,
			   GNTTABOP_swap_grant_ref,
			   GNTTABOP_cache_flush,
			   1000};

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		ck_assert_int_eq(op(d1, cmds[i], zero, sizeof(zero), 1),
				 -ENOSYS);
}
END_TEST

START_TEST(test_copy_from_grant)
{
	uint8_t *src = gpa(d2, 0x50000), *dst = gpa(d1, 0x60000);
	struct gnttab_copy c;

	memcpy(src + 100, "granted bytes", 14);
	grant(d2, 5, GTF_permit_access | GTF_readonly, 1, 0x50);
	c = copy_from_gref(2, 5, 0x60, 14);
	c.source.offset = 100;
	c.dest.offset = 8;
	ck_assert_int_eq(op(d1, GNTTABOP_copy, &c, sizeof(c), 1), 0);
	ck_assert_int_eq(c.status, GNTST_okay);
	ck_assert_str_eq((char *)dst + 8, "granted bytes");
	/* The pin is gone once the copy is done. */
	ck_assert_uint_eq(entry(d2, 5)->flags,
			  GTF_permit_access | GTF_readonly);
}
END_TEST

START_TEST(test_copy_to_grant)
{
	uint8_t *src = gpa(d1, 0x60000), *dst = gpa(d2, 0x50000);
	struct gnttab_copy c;

	memcpy(src, "to the granter", 15);
	grant(d2, 511, GTF_permit_access, 1, 0x50);
	memset(&c, 0, sizeof(c));
	c.source.u.gmfn = 0x60;
	c.source.domid = DOMID_SELF;
	c.dest.u.ref = 511;
	c.dest.domid = 2;
	c.dest.offset = PAGE - 15;
	c.len = 15;
	c.flags = GNTCOPY_dest_gref;
	ck_assert_int_eq(op(d1, GNTTABOP_copy, &c, sizeof(c), 1), 0);
	ck_assert_int_eq(c.status, GNTST_okay);
	ck_assert_str_eq((char *)dst + PAGE - 15, "to the granter");
	ck_assert_uint_eq(entry(d2, 511)->flags, GTF_permit_access);

	/* A read-only grant is no destination. */
	grant(d2, 511, GTF_permit_access | GTF_readonly, 1, 0x50);
	ck_assert_int_eq(op(d1, GNTTABOP_copy, &c, sizeof(c), 1), 0);
	ck_assert_int_eq(c.status, GNTST_general_error);
	ck_assert_uint_eq(entry(d2, 511)->flags,
			  GTF_permit_access | GTF_readonly);
}
END_TEST

START_TEST(test_copy_keeps_others_pins)
{
	struct gnttab_copy c = copy_from_gref(2, 7, 0x60, 16);

	/* A backend has the entry in use: its bit outlives our copy. */
	grant(d2, 7, GTF_permit_access | GTF_reading, 1, 0x50);
	ck_assert_int_eq(op(d1, GNTTABOP_copy, &c, sizeof(c), 1), 0);
	ck_assert_int_eq(c.status, GNTST_okay);
	ck_assert_uint_eq(entry(d2, 7)->flags, GTF_permit_access | GTF_reading);
}
END_TEST

START_TEST(test_copy_hostile)
{
	struct gnttab_copy c;

	grant(d2, 3, GTF_permit_access, 1, 0x50);
	grant(d2, 4, GTF_permit_access, 7, 0x50);   /* for dom 7 */
	grant(d2, 6, GTF_accept_transfer, 1, 0x50); /* not access */
	grant(d2, 8, GTF_invalid, 1, 0x50);
	grant(d2, 9, GTF_permit_access, 1, 0x7ffff); /* frame past RAM */
	grant(d2, 10, GTF_permit_access, 1, MEMORY_SPECIAL_GPA / PAGE);

	c = copy_from_gref(2, GNTTAB_INITIAL_FRAMES * 512, 0x60, 8);
	ck_assert_int_eq(op(d1, GNTTABOP_copy, &c, sizeof(c), 1), 0);
	ck_assert_int_eq(c.status, GNTST_bad_gntref);
	c = copy_from_gref(2, 0xffffffffu, 0x60, 8);
	op(d1, GNTTABOP_copy, &c, sizeof(c), 1);
	ck_assert_int_eq(c.status, GNTST_bad_gntref);
	c = copy_from_gref(2, 4, 0x60, 8);
	op(d1, GNTTABOP_copy, &c, sizeof(c), 1);
	ck_assert_int_eq(c.status, GNTST_general_error);
	ck_assert_uint_eq(entry(d2, 4)->flags, GTF_permit_access);
	c = copy_from_gref(2, 6, 0x60, 8);
	op(d1, GNTTABOP_copy, &c, sizeof(c), 1);
	ck_assert_int_eq(c.status, GNTST_general_error);
	c = copy_from_gref(2, 8, 0x60, 8);
	op(d1, GNTTABOP_copy, &c, sizeof(c), 1);
	ck_assert_int_eq(c.status, GNTST_general_error);
	c = copy_from_gref(2, 9, 0x60, 8);
	op(d1, GNTTABOP_copy, &c, sizeof(c), 1);
	ck_assert_int_eq(c.status, GNTST_bad_page);
	ck_assert_uint_eq(entry(d2, 9)->flags, GTF_permit_access);
	c = copy_from_gref(2, 10, 0x60, 8);
	op(d1, GNTTABOP_copy, &c, sizeof(c), 1);
	ck_assert_int_eq(c.status, GNTST_bad_page);

	c = copy_from_gref(33, 3, 0x60, 8);
	op(d1, GNTTABOP_copy, &c, sizeof(c), 1);
	ck_assert_int_eq(c.status, GNTST_bad_domain);
	c = copy_from_gref(0, 3, 0x60, 8);
	op(d1, GNTTABOP_copy, &c, sizeof(c), 1);
	ck_assert_int_eq(c.status, GNTST_bad_domain);

	c = copy_from_gref(2, 3, 0x60, 8);
	c.source.offset = PAGE - 4;
	op(d1, GNTTABOP_copy, &c, sizeof(c), 1);
	ck_assert_int_eq(c.status, GNTST_bad_copy_arg);
	c = copy_from_gref(2, 3, 0x60, 8);
	c.dest.offset = 0xffff;
	op(d1, GNTTABOP_copy, &c, sizeof(c), 1);
	ck_assert_int_eq(c.status, GNTST_bad_copy_arg);
	c = copy_from_gref(2, 3, 0x60, PAGE + 1);
	op(d1, GNTTABOP_copy, &c, sizeof(c), 1);
	ck_assert_int_eq(c.status, GNTST_bad_copy_arg);
	ck_assert_uint_eq(entry(d2, 3)->flags, GTF_permit_access);

	/* The local side: only own RAM, only by DOMID_SELF or own id. */
	c = copy_from_gref(2, 3, FAKE_RAM_BYTES / PAGE, 8);
	op(d1, GNTTABOP_copy, &c, sizeof(c), 1);
	ck_assert_int_eq(c.status, GNTST_bad_page);
	ck_assert_uint_eq(entry(d2, 3)->flags, GTF_permit_access);
	c = copy_from_gref(2, 3, 0x60, 8);
	c.dest.domid = 2;
	op(d1, GNTTABOP_copy, &c, sizeof(c), 1);
	ck_assert_int_eq(c.status, GNTST_permission_denied);
	c = copy_from_gref(2, 3, 0x60, 8);
	c.dest.domid = 1;
	op(d1, GNTTABOP_copy, &c, sizeof(c), 1);
	ck_assert_int_eq(c.status, GNTST_okay);
	c.flags |= 0x100;
	op(d1, GNTTABOP_copy, &c, sizeof(c), 1);
	ck_assert_int_eq(c.status, GNTST_bad_copy_arg);
}
END_TEST

START_TEST(test_copy_batch)
{
	struct gnttab_copy c[3];

	grant(d2, 1, GTF_permit_access, 1, 0x50);
	c[0] = copy_from_gref(2, 1, 0x60, 4);
	c[1] = copy_from_gref(2, 2, 0x60, 4); /* never granted */
	c[2] = copy_from_gref(2, 1, 0x61, 4);
	ck_assert_int_eq(op(d1, GNTTABOP_copy, c, sizeof(c), 3), 0);
	ck_assert_int_eq(c[0].status, GNTST_okay);
	ck_assert_int_eq(c[1].status, GNTST_general_error);
	ck_assert_int_eq(c[2].status, GNTST_okay);
	ck_assert_int_eq(op(d1, GNTTABOP_copy, c, sizeof(c), 0), 0);
	ck_assert_int_eq(
		hc_grant_table_op(&d1->vcpus[0], GNTTABOP_copy, ARG_GPA, 1025),
		-EINVAL);
	/* A batch running off guest memory faults at the first bad op. */
	ck_assert_int_eq(hc_grant_table_op(&d1->vcpus[0], GNTTABOP_copy,
					   FAKE_RAM_BYTES - sizeof(c[0]), 2),
			 -EFAULT);
}
END_TEST

START_TEST(test_self_grant)
{
	struct gnttab_copy c = copy_from_gref(DOMID_SELF, 12, 0x61, 5);

	memcpy(gpa(d1, 0x70000), "self", 5);
	grant(d1, 12, GTF_permit_access, 1, 0x70);
	ck_assert_int_eq(op(d1, GNTTABOP_copy, &c, sizeof(c), 1), 0);
	ck_assert_int_eq(c.status, GNTST_okay);
	ck_assert_str_eq(gpa(d1, 0x61000), "self");
}
END_TEST

START_TEST(test_map_frame_in_ram)
{
	struct xyl_ctl_gnttab_frames_reply fr;
	struct gnttab_copy c = copy_from_gref(2, 513, 0x60, 3);
	uint8_t *ram = gpa(d2, 0x80000);

	grant(d2, 513, GTF_permit_access, 1, 0x50);
	memcpy(gpa(d2, 0x50000), "abc", 3);
	ck_assert_int_eq(gnttab_map_frame(d2, 1, 0x80), 0);
	gnttab_frames(d2, &fr);
	ck_assert_uint_eq(fr.gfn[1], 0x80);
	ck_assert_uint_eq(fr.generation, 1);
	/* Contents moved with the frame, and copies use the new place. */
	ck_assert_uint_eq(((struct grant_entry_v1 *)ram)[1].frame, 0x50);
	((struct grant_entry_v1 *)ram)[1].frame = 0x51;
	memcpy(gpa(d2, 0x51000), "xyz", 3);
	ck_assert_int_eq(op(d1, GNTTABOP_copy, &c, sizeof(c), 1), 0);
	ck_assert_int_eq(c.status, GNTST_okay);
	ck_assert_int_eq(memcmp(gpa(d1, 0x60000), "xyz", 3), 0);

	/* Back home: the home page gets the current contents. */
	ck_assert_int_eq(gnttab_map_frame(d2, 1, SPECIAL_GFN + 1), 0);
	gnttab_frames(d2, &fr);
	ck_assert_uint_eq(fr.gfn[1], SPECIAL_GFN + 1);
	ck_assert_uint_eq(
		((struct grant_entry_v1 *)gpa(d2, MEMORY_SPECIAL_GPA + PAGE))[1]
			.frame,
		0x51);
}
END_TEST

START_TEST(test_map_frame_outside_ram)
{
	struct xyl_ctl_gnttab_frames_reply fr;
	unsigned before = fake_alias_count();

	ck_assert_int_eq(gnttab_map_frame(d1, 10, 0xf0000), 0);
	ck_assert_uint_eq(fake_alias_count(), before + 1);
	ck_assert_uint_eq(fake_alias_last_gfn(), 0xf0000);
	ck_assert_ptr_eq(fake_alias_last_hva(),
			 gpa(d1, MEMORY_SPECIAL_GPA + 10 * PAGE));
	gnttab_frames(d1, &fr);
	ck_assert_uint_eq(fr.nr_frames, 11);
	ck_assert_uint_eq(fr.gfn[10], 0xf0000);
	/* Again at the same gfn: nothing to do, no second alias. */
	ck_assert_int_eq(gnttab_map_frame(d1, 10, 0xf0000), 0);
	ck_assert_uint_eq(fake_alias_count(), before + 1);
	gnttab_frames(d1, &fr);
	ck_assert_uint_eq(fr.generation, 1);

	fake_alias_fail_next(-ENOSPC);
	ck_assert_int_eq(gnttab_map_frame(d1, 11, 0xf0001), -ENOSPC);
	gnttab_frames(d1, &fr);
	ck_assert_uint_eq(fr.nr_frames, 11);

	ck_assert_int_eq(gnttab_map_frame(d1, GNTTAB_MAX_FRAMES, 0xf0002),
			 -EINVAL);
	ck_assert_int_eq(gnttab_map_frame(d1, 0xffffffffffull, 0xf0002),
			 -EINVAL);
	ck_assert_int_eq(gnttab_map_frame(d1, 0, 0xffffffffffffffffull),
			 -EINVAL);
	/* Another page of the special area (say the xenstore ring): no. */
	ck_assert_int_eq(gnttab_map_frame(d1, 0, SPECIAL_GFN + 70), -EINVAL);
	ck_assert_int_eq(gnttab_map_frame(d1, 0, SPECIAL_GFN + 1), -EINVAL);
}
END_TEST

START_TEST(test_destroyed_granter)
{
	struct gnttab_copy c = copy_from_gref(2, 3, 0x60, 8);
	struct xyl_ctl_gnttab_frames_reply fr;

	grant(d2, 3, GTF_permit_access, 1, 0x50);
	gnttab_domain_destroy(d2);
	ck_assert_int_eq(op(d1, GNTTABOP_copy, &c, sizeof(c), 1), 0);
	ck_assert_int_eq(c.status, GNTST_bad_gntref);
	ck_assert_int_eq(gnttab_map_frame(d2, 0, 0x80), -ESRCH);
	gnttab_frames(d2, &fr);
	ck_assert_uint_eq(fr.nr_frames, 0);
	gnttab_domain_free(d2);
	ck_assert_ptr_null(d2->gnttab);
	ck_assert_int_eq(op(d1, GNTTABOP_copy, &c, sizeof(c), 1), 0);
	ck_assert_int_eq(c.status, GNTST_bad_domain);
	ck_assert_int_eq(gnttab_map_frame(d2, 0, 0x80), -EINVAL);
}
END_TEST

/* Random grants and random copies from a hostile guest: nothing crashes
 * (ASan/UBSan watch) and no GTF_reading/GTF_writing pin is left behind. */
START_TEST(test_random_copies)
{
	static const uint16_t doms[] = {1, 2, 7, DOMID_SELF, 0, 0x7ff5};
	unsigned seed = 99, okay = 0;

	for (uint32_t ref = 0; ref < 64; ref++) {
		uint16_t flags = (uint16_t)(rand_r(&seed) % 4) |
				 (rand_r(&seed) % 2 ? GTF_readonly : 0);
		uint32_t frame = rand_r(&seed) % 3 ? 0x50 + ref % 8
						   : (uint32_t)rand_r(&seed);

		grant(d2, ref, flags, doms[rand_r(&seed) % 3], frame);
		grant(d1, ref, flags, doms[rand_r(&seed) % 3], frame);
	}
	for (int i = 0; i < 20000; i++) {
		struct gnttab_copy c;
		uint32_t *w = (uint32_t *)&c;

		for (size_t j = 0; j < sizeof(c) / 4; j++)
			w[j] = (uint32_t)rand_r(&seed);
		c.flags %= 5;
		c.source.u.gmfn = (uint32_t)rand_r(&seed) % 300;
		c.dest.u.gmfn = (uint32_t)rand_r(&seed) % 300;
		if (c.flags & GNTCOPY_source_gref)
			c.source.u.ref = (uint32_t)rand_r(&seed) % 80;
		if (c.flags & GNTCOPY_dest_gref)
			c.dest.u.ref = (uint32_t)rand_r(&seed) % 80;
		c.source.domid = doms[rand_r(&seed) % 6];
		c.dest.domid = doms[rand_r(&seed) % 6];
		c.source.offset %= 4200;
		c.dest.offset %= 4200;
		c.len %= 600;
		op(d1, GNTTABOP_copy, &c, sizeof(c), 1);
		ck_assert_int_le(c.status, 0);
		ck_assert_int_ge(c.status, GNTST_no_space);
		okay += c.status == GNTST_okay;
	}
	ck_assert_uint_gt(okay, 100); /* the good path ran too */
	for (uint32_t ref = 0; ref < 64; ref++) {
		ck_assert_uint_eq(
			entry(d2, ref)->flags & (GTF_reading | GTF_writing), 0);
		ck_assert_uint_eq(
			entry(d1, ref)->flags & (GTF_reading | GTF_writing), 0);
	}
}
END_TEST

static Suite *
gnttab_suite(void)
{
	Suite *s = suite_create("gnttab");
	TCase *tc = tcase_create("table");
	TCase *tcp = tcase_create("copy");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_query_size_and_frames);
	tcase_add_test(tc, test_versions);
	tcase_add_test(tc, test_setup_table);
	tcase_add_test(tc, test_unknown_ops);
	tcase_add_test(tc, test_map_frame_in_ram);
	tcase_add_test(tc, test_map_frame_outside_ram);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tcp, setup, teardown);
	tcase_add_test(tcp, test_copy_from_grant);
	tcase_add_test(tcp, test_copy_to_grant);
	tcase_add_test(tcp, test_copy_keeps_others_pins);
	tcase_add_test(tcp, test_copy_hostile);
	tcase_add_test(tcp, test_copy_batch);
	tcase_add_test(tcp, test_self_grant);
	tcase_add_test(tcp, test_destroyed_granter);
	tcase_add_test(tcp, test_random_copies);
	suite_add_tcase(s, tcp);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(gnttab_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
