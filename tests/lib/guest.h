/*
 * tests/lib/guest.h: guests for integration tests: an xl.cfg written into
 * a test's rundir, and `xyl create <cfg> -c` started with the console
 * attached (its output is the guest's console).  Failures to write a
 * config are Check assertion failures.
 */
#ifndef TESTS_GUEST_H
#define TESTS_GUEST_H

#include "proc.h"

/* Write dir/<name>.cfg with printf(fmt, ...); its path (malloc'd,
 * caller frees). */
char *guest_cfg_write(const char *dir, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Start `xyl create cfg -c` with XYLEM_RUNDIR=rundir (xyl a path): 0 or
 * -errno as proc_start. */
int guest_start(struct proc *p, const char *xyl, const char *rundir,
		const char *cfg);

#endif
