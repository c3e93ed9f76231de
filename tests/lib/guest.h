/*
 * tests/lib/guest.h: guests for integration tests: the private xylem-hv
 * and the paths they need, `xyl` runs (`xyl host start|stop` for the dom0
 * services), an xl.cfg written into a test's rundir, and `xyl create <cfg>
 * -c` started with the console attached (its output is the guest's
 * console).  Set-up failures are Check assertion failures.
 */
#ifndef TESTS_GUEST_H
#define TESTS_GUEST_H

#include "harness.h"
#include "proc.h"

#define GUEST_PATH_MAX 4096

/* The paths of xyl and of the guest image into xyl and guest
 * (GUEST_PATH_MAX bytes each), then a private xylem-hv in hv. */
void guest_hv_start(struct harness_hv *hv, char *xyl, char *guest);

/* Run `xyl args...` (args NULL-terminated, at most 14) with
 * XYLEM_RUNDIR=rundir for up to timeout_ms: the exit code as proc_run;
 * p holds the output (proc_free it). */
int guest_xyl(struct proc *p, const char *xyl, const char *rundir,
	      char *const args[], int timeout_ms);

/* `xyl host <verb>` ("start", "stop": xenstored, consoled, the backends):
 * 0, or xyl's exit code after printing its output (a teardown goes on). */
int guest_host(const char *xyl, const char *rundir, const char *verb);

/* Write dir/<name>.cfg with printf(fmt, ...); its path (malloc'd,
 * caller frees). */
char *guest_cfg_write(const char *dir, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Start `xyl create cfg -c` with XYLEM_RUNDIR=rundir (xyl a path): 0 or
 * -errno as proc_start. */
int guest_start(struct proc *p, const char *xyl, const char *rundir,
		const char *cfg);

#endif
