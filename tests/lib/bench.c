/*
 * tests/lib/bench.c: benchmark table rows and clock (bench.h).
 */
#include <stdio.h>
#include <time.h>

#include "bench.h"

static FILE *bench_table;

void
bench_table_open(int argc, char **argv)
{
	bench_table = argc > 1 ? fopen(argv[1], "a") : NULL;
}

void
bench_table_close(void)
{
	if (bench_table)
		fclose(bench_table);
	bench_table = NULL;
}

void
bench_row(const char *what, const char *measured, const char *peer,
	  const char *ratio)
{
	char line[1024];

	snprintf(line, sizeof(line), "| %s | %s | %s | %s |\n", what, measured,
		 peer, ratio);
	fputs(line, stdout);
	if (bench_table)
		fputs(line, bench_table);
}

uint64_t
bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
