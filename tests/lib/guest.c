/*
 * tests/lib/guest.c: domain configs and guest start-up for integration
 * tests (see guest.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <check.h>

#include "guest.h"

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
