/*
 * tests/lib/bench.h: what every benchmark program shares: the markdown
 * table rows it prints (to stdout and appended to the file named by its
 * first argument, which tools/run-bench.sh collects into results.md) and
 * a monotonic clock.
 */
#ifndef TESTS_BENCH_H
#define TESTS_BENCH_H

#include <stdint.h>

/* Open the table file argv[1] for appending, if there is one. */
void bench_table_open(int argc, char **argv);
void bench_table_close(void);
/* One row "| what | measured | peer | ratio |" to stdout and the table. */
void bench_row(const char *what, const char *measured, const char *peer,
	       const char *ratio);
/* CLOCK_MONOTONIC in ns. */
uint64_t bench_now_ns(void);

#endif
