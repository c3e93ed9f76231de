/*
 * apps/xsbench.c: xenstore round trips from a guest through its ring and
 * xylem-xenstored (the guest half of tests/bench/xenstored_bench.c).
 * count=N (default 300) WRITEs then READs of data/xsbench, one at a time
 * as xenbus does them; prints "xsbench: write_ns=W read_ns=R".
 */
#include <stdint.h>

#include "gk/cmdline.h"
#include "gk/console.h"
#include "gk/kernel.h"
#include "gk/time.h"
#include "gk/xenbus.h"

#define XSBENCH_DEFAULT_COUNT 300
#define XSBENCH_MAX_COUNT     100000

int
gk_app_xsbench(const char *cmdline)
{
	uint64_t n = XSBENCH_DEFAULT_COUNT, i, t0, w_ns, r_ns;
	char buf[32];
	size_t len;

	gk_cmdline_get_u64(cmdline, "count", &n);
	if (n == 0 || n > XSBENCH_MAX_COUNT)
		n = XSBENCH_DEFAULT_COUNT;
	if (!xenbus_is_connected()) {
		gk_err("xsbench: no xenstore connection\n");
		return -1;
	}
	t0 = gk_time_now_ns();
	for (i = 0; i < n; i++)
		if (xenbus_write(0, "data/xsbench", "0123456789abcdef") < 0)
			return -1;
	w_ns = (gk_time_now_ns() - t0) / n;
	t0 = gk_time_now_ns();
	for (i = 0; i < n; i++)
		if (xenbus_read(0, "data/xsbench", buf, sizeof(buf), &len) < 0)
			return -1;
	r_ns = (gk_time_now_ns() - t0) / n;
	gk_info("xsbench: write_ns=%llu read_ns=%llu\n",
		(unsigned long long)w_ns, (unsigned long long)r_ns);
	return 0;
}
