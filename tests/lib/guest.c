/*
 * tests/lib/guest.c: domain configs and guest start-up for integration
 * tests (see guest.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <check.h>

#include "guest.h"

#define GUEST_HV_TIMEOUT_MS   10000
#define GUEST_HOST_TIMEOUT_MS 30000

void
guest_hv_start(struct harness_hv *hv, char *xyl, char *guest)
{
	ck_assert_int_eq(proc_bin_path("xyl", xyl, GUEST_PATH_MAX), 0);
	ck_assert_int_eq(proc_guest_path(guest, GUEST_PATH_MAX), 0);
	ck_assert_int_eq(harness_hv_start(hv, NULL, GUEST_HV_TIMEOUT_MS), 0);
}

int
guest_xyl(struct proc *p, const char *xyl, const char *rundir,
	  char *const args[], int timeout_ms)
{
	char *argv[16] = {(char *)xyl};
	int i;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	return proc_run(p, rundir, argv, timeout_ms);
}

int
guest_host(const char *xyl, const char *rundir, const char *verb)
{
	char *args[] = {"host", (char *)verb, NULL};
	struct proc p;
	int rc = guest_xyl(&p, xyl, rundir, args, GUEST_HOST_TIMEOUT_MS);

	if (rc != 0)
		fprintf(stderr, "xyl host %s: %d\n%s\n", verb, rc, p.out);
	proc_free(&p);
	return rc;
}

char *
guest_cfg_write(const char *dir, const char *name, const char *fmt, ...)
{
	char *path;
	va_list ap;
	FILE *f;

	ck_assert(asprintf(&path, "%s/%s.cfg", dir, name) > 0);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

int
guest_start(struct proc *p, const char *xyl, const char *rundir,
	    const char *cfg)
{
	char *argv[] = {(char *)xyl, "create", (char *)cfg, "-c", NULL};

	return proc_start(p, rundir, argv);
}
