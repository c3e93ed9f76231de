/*
 * apps/selftest_gnttab.c: the selftest's grant-table checks: query_size,
 * setup_table, set_version, a copy between two of its own pages through a
 * self-grant (v1 entry flags), end_access and bad grefs.
 */
#include <stdarg.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/version.h>
#include <xen/memory.h>
#include <xen/vcpu.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

#include "gk/console.h"
#include "gk/errno.h"
#include "gk/evtchn.h"
#include "gk/gnttab.h"
#include "gk/heap.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/printf.h"
#include "gk/string.h"
#include "gk/time.h"

#include "selftest.h"

/* The two pages a self-grant copies between. */
static char st_src_page[4096]
	__attribute__((aligned(4096), section(".bss.page")));
static char st_dst_page[4096]
	__attribute__((aligned(4096), section(".bss.page")));

static long
st_copy(grant_ref_t ref, domid_t domid, int16_t *status)
{
	struct gnttab_copy op = {
		.source = {.u.ref = ref, .domid = domid, .offset = 0},
		.dest = {.u.gmfn = (uintptr_t)st_dst_page >> 12,
			 .domid = DOMID_SELF,
			 .offset = 0},
		.len = 4096,
		.flags = GNTCOPY_source_gref,
	};
	long rc = gk_hc_grant_table_op(GNTTABOP_copy, &op, 1);

	*status = op.status;
	return rc;
}

static void
test_gnttab_copy(struct st *t)
{
	struct grant_entry_v1 *e;
	grant_ref_t ref = 0;
	int16_t status = 0;
	long rc;

	for (unsigned int i = 0; i < 4096; i++)
		st_src_page[i] = (char)(i * 7 + 3);
	memset(st_dst_page, 0, 4096);
	rc = gk_gnttab_grant_access(t->domid, (uintptr_t)st_src_page >> 12, 1,
				    &ref);
	st_check(t, rc == 0, "grant_table_op grant_access (v1 entry): ref %u",
		 ref);
	if (rc)
		return;
	rc = st_copy(ref, DOMID_SELF, &status);
	e = gk_gnttab_entry(ref);
	st_check(t,
		 rc == 0 && status == GNTST_okay &&
			 memcmp(st_src_page, st_dst_page, 4096) == 0,
		 "grant_table_op copy via self-grant: rc %ld status %d", rc,
		 status);
	st_check(t, e && e->flags == (GTF_permit_access | GTF_readonly),
		 "grant_table_op v1 entry flags after copy: %#x",
		 e ? e->flags : 0);
	rc = gk_gnttab_end_access(ref);
	st_rc(t, "grant_table_op end_access", rc, 0);
	rc = st_copy(ref, DOMID_SELF, &status);
	st_check(t, rc == 0 && status == GNTST_general_error,
		 "grant_table_op copy after end_access: status %d", status);
	rc = st_copy(0xfffff, DOMID_SELF, &status);
	st_check(t, rc == 0 && status == GNTST_bad_gntref,
		 "grant_table_op copy bad gref: status %d (want %d)", status,
		 GNTST_bad_gntref);
	rc = gk_hc_grant_table_op(GNTTABOP_copy, (void *)ST_UNMAPPED_VA, 1);
	st_rc(t, "grant_table_op copy unmapped VA", rc, -EFAULT);
}

void
st_test_gnttab(struct st *t)
{
	struct gnttab_query_size q = {.dom = DOMID_SELF};
	xen_pfn_t frames[1] = {0};
	struct gnttab_setup_table su = {.dom = DOMID_SELF, .nr_frames = 1};
	struct gnttab_set_version sv = {.version = 1};
	long rc;

	rc = gk_hc_grant_table_op(GNTTABOP_query_size, &q, 1);
	st_check(t,
		 rc == 0 && q.status == GNTST_okay && q.nr_frames >= 1 &&
			 q.max_nr_frames >= q.nr_frames,
		 "grant_table_op query_size: %u of %u frames", q.nr_frames,
		 q.max_nr_frames);
	set_xen_guest_handle(su.frame_list, frames);
	rc = gk_hc_grant_table_op(GNTTABOP_setup_table, &su, 1);
	st_check(t, rc == 0 && su.status == GNTST_okay && frames[0] != 0,
		 "grant_table_op setup_table: rc %ld status %d frame %#llx", rc,
		 su.status, (unsigned long long)frames[0]);
	rc = gk_hc_grant_table_op(GNTTABOP_set_version, &sv, 1);
	st_rc(t, "grant_table_op set_version 1", rc, 0);
	sv.version = 2;
	rc = gk_hc_grant_table_op(GNTTABOP_set_version, &sv, 1);
	st_check(t, rc == -ENOSYS || rc == -EINVAL,
		 "grant_table_op set_version 2 refused: rc %ld", rc);
	test_gnttab_copy(t);
	rc = gk_hc_grant_table_op(GNTTABOP_query_size, (void *)st_past_ram(),
				  1);
	st_rc(t, "grant_table_op query_size past RAM", rc, -EFAULT);
	rc = gk_hc_grant_table_op(1000, &q, 1);
	st_rc(t, "grant_table_op unknown sub-op", rc, -ENOSYS);
}
