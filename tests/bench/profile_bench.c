/*
 * tests/bench/profile_bench.c: the cost of shared-timer I/O profiling
 * (issue 7, docs/profiling.md): blkbench IOPS in a guest with profiling
 * on (xylem-sharedtimer running: blkfront and blkback stamp every
 * request) against off (service stopped: nobody stamps), alternated and
 * taken as medians; and the timer service's own CPU cost per period.
 * Appends rows to the markdown table named by argv[1] (and stdout).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "harness.h"
#include "proc.h"

#define ROUNDS 5

static struct harness_hv hv;
static char xyl[4096], guest[4096], stimer_bin[4096], cfg[4200];
static pid_t stimer_pid;

static void
row(const char *what, const char *unit, double on, double off, const char *peer)
{
	char m[64], p[256], r[32];

	snprintf(m, sizeof(m), "%.1f %s", on, unit);
	snprintf(p, sizeof(p), "%s %.1f %s", peer, off, unit);
	snprintf(r, sizeof(r), "%.3f", off > 0 ? on / off : 0);
	bench_row(what, m, p, r);
}

static int
stimer_start(const char *period_us)
{
	stimer_pid = fork();
	if (stimer_pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(fd, 2);
		execl(stimer_bin, "xylem-sharedtimer", "--rundir", hv.rundir,
		      "--period-us", period_us, (char *)NULL);
		_exit(127);
	}
	usleep(300000);
	return stimer_pid > 0 ? 0 : -1;
}

static void
stimer_stop(void)
{
	if (stimer_pid > 0) {
		kill(stimer_pid, SIGTERM);
		waitpid(stimer_pid, NULL, 0);
	}
	stimer_pid = 0;
}

/* CPU time (utime+stime, clock ticks) of pid. */
static long
cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 2,
		       "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		       &ut, &st);
	fclose(f);
	return (long)(ut + st);
}

/* Percent of one CPU the service uses at period_us over 3 s. */
static double
stimer_cpu(const char *period_us)
{
	long t0, t1, hz = sysconf(_SC_CLK_TCK);

	stimer_start(period_us);
	t0 = cpu_ticks(stimer_pid);
	sleep(3);
	t1 = cpu_ticks(stimer_pid);
	stimer_stop();
	return 100.0 * (double)(t1 - t0) / (double)hz / 3.0;
}

/* One blkbench run: iops of the named test line, 0 on failure. */
static double
blkbench_iops(const char *test)
{
	char key[64];
	struct proc p;
	const char *m;
	double iops = 0;
	int rc = proc_run(&p, hv.rundir,
			  (char *[]){xyl, "create", "-c", cfg, NULL}, 120000);

	snprintf(key, sizeof(key), "bench: blk %s", test);
	m = strstr(p.out, key);
	if (rc == 0 && m && (m = strstr(m, "iops=")))
		iops = atof(m + 5);
	else
		fprintf(stderr, "profile_bench: run failed (%d):\n%s\n", rc,
			p.out);
	proc_free(&p);
	return iops;
}

static double
median(double *v, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (v[j] < v[i]) {
				double t = v[i];
				v[i] = v[j];
				v[j] = t;
			}
	return v[n / 2];
}

static void
services(const char *verb)
{
	struct proc p;

	proc_run(&p, hv.rundir, (char *[]){xyl, "host", (char *)verb, NULL},
		 30000);
	proc_free(&p);
}

int
main(int argc, char **argv)
{
	static const char *const tests[] = {"randread bs=4096 qd=1",
					    "randread bs=4096 qd=8"};
	double on[2][ROUNDS], off[2][ROUNDS], slow[2][ROUNDS];
	char img[4200];
	FILE *f;
	int fd;

	if (harness_skip_reason()) {
		printf("profile_bench: skipped: %s\n", harness_skip_reason());
		return 0;
	}
	bench_table_open(argc, argv);
	if (proc_bin_path("xyl", xyl, sizeof(xyl)) ||
	    proc_bin_path("xylem-sharedtimer", stimer_bin,
			  sizeof(stimer_bin)) ||
	    proc_guest_path(guest, sizeof(guest)) ||
	    harness_hv_start(&hv, NULL, 10000))
		return 1;
	/* The daemons without the timer service: we run it ourselves. */
	setenv("XYLEM_SHAREDTIMER", "/nonexistent", 1);
	services("start");
	snprintf(img, sizeof(img), "%s/bench.img", hv.rundir);
	fd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, 64 << 20) < 0)
		return 1;
	close(fd);
	snprintf(cfg, sizeof(cfg), "%s/pb.cfg", hv.rundir);
	f = fopen(cfg, "w");
	if (!f)
		return 1;
	fprintf(f,
		"name = \"pb\"\nkernel = \"%s\"\nmemory = 64\n"
		"cmdline = \"app=blkbench tests=randread qd=1,8 ms=1000\"\n"
		"disk = [ \"%s,raw,xvda,w\" ]\n",
		guest, img);
	fclose(f);
	for (int r = 0; r < ROUNDS; r++) {
		stimer_start("1000");
		for (int t = 0; t < 2; t++)
			on[t][r] = blkbench_iops(tests[t]);
		stimer_stop();
		for (int t = 0; t < 2; t++)
			off[t][r] = blkbench_iops(tests[t]);
		/* Stamps without the wakeups: a 1 s tick. */
		stimer_start("1000000");
		for (int t = 0; t < 2; t++)
			slow[t][r] = blkbench_iops(tests[t]);
		stimer_stop();
		fprintf(stderr,
			"profile_bench: round %d: qd1 on %.0f off %.0f 1s-tick "
			"%.0f, qd8 on %.0f off %.0f 1s-tick %.0f\n",
			r, on[0][r], off[0][r], slow[0][r], on[1][r], off[1][r],
			slow[1][r]);
	}
	row("blkbench 4 KiB randread qd=1, profiling on (1 ms tick)", "IOPS",
	    median(on[0], ROUNDS), median(off[0], ROUNDS), "profiling off");
	row("blkbench 4 KiB randread qd=8, profiling on (1 ms tick)", "IOPS",
	    median(on[1], ROUNDS), median(off[1], ROUNDS), "profiling off");
	row("blkbench 4 KiB randread qd=1, stamping with a 1 s tick (no "
	    "timer wakeups)",
	    "IOPS", median(slow[0], ROUNDS), median(off[0], ROUNDS),
	    "profiling off");
	row("blkbench 4 KiB randread qd=8, stamping with a 1 s tick", "IOPS",
	    median(slow[1], ROUNDS), median(off[1], ROUNDS), "profiling off");
	row("xylem-sharedtimer CPU at a 1 ms tick", "% of a CPU",
	    stimer_cpu("1000"), 100, "one CPU");
	row("xylem-sharedtimer CPU at a 100 us tick", "% of a CPU",
	    stimer_cpu("100"), 100, "one CPU");
	services("stop");
	harness_hv_stop(&hv);
	bench_table_close();
	return 0;
}
