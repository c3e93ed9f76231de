/*
 * backends/netback/rate_parse.c: the vif `rate` key in xl's syntax
 * ("10Mb/s", "1MB/s@20ms") -> bytes per interval (pure, host-tested).
 * Trust boundary: the string is the toolstack's; every number is bounded
 * so nothing overflows, anything else is -EINVAL.
 */
#include <errno.h>
#include <string.h>

#include "netback.h"

#define RATE_DEFAULT_INTERVAL_US 50000ull
#define RATE_MAX_INTERVAL_US	 0xffffffffull
#define RATE_MAX_BYTES_PER_SEC	 (1ull << 40)

/* Leading decimal digits of *s into *v (advancing *s): 0 or -EINVAL. */
static int
rate_number(const char **s, uint64_t *v)
{
	const char *p = *s;
	uint64_t n = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > RATE_MAX_BYTES_PER_SEC)
			return -ERANGE;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	*s = p;
	*v = n;
	return 0;
}

/* "<N>[K|M|G]<B|b>/s" -> bytes per second (decimal prefixes, b = bits). */
static int
rate_bytes_per_sec(const char **s, uint64_t *out)
{
	uint64_t n, mult = 1;
	int rc = rate_number(s, &n);

	if (rc)
		return rc;
	switch (**s) {
	case 'G':
		mult = 1000000000ull;
		break;
	case 'M':
		mult = 1000000ull;
		break;
	case 'K':
	case 'k':
		mult = 1000ull;
		break;
	default:
		break;
	}
	if (mult != 1)
		(*s)++;
	/* Bits allow 8x the byte limit; above it is out of range anyway. */
	if (n > RATE_MAX_BYTES_PER_SEC * 8 / mult)
		return -ERANGE;
	if (**s == 'b')
		n = n * mult / 8;
	else if (**s == 'B')
		n = n * mult;
	else
		return -EINVAL;
	(*s)++;
	if (strncmp(*s, "/s", 2) != 0)
		return -EINVAL;
	*s += 2;
	if (n == 0 || n > RATE_MAX_BYTES_PER_SEC)
		return -ERANGE;
	*out = n;
	return 0;
}

/* "<N>[s|ms|us]" (no unit: microseconds) -> microseconds. */
static int
rate_interval(const char *s, uint64_t *us)
{
	uint64_t n, mult = 1;
	int rc = rate_number(&s, &n);

	if (rc)
		return rc;
	if (strcmp(s, "s") == 0)
		mult = 1000000ull;
	else if (strcmp(s, "ms") == 0)
		mult = 1000ull;
	else if (*s && strcmp(s, "us") != 0)
		return -EINVAL;
	if (n == 0 || n > RATE_MAX_INTERVAL_US / mult)
		return -ERANGE;
	*us = n * mult;
	return 0;
}

int
netback_rate_parse(const char *s, uint64_t *bytes, uint64_t *interval_us)
{
	uint64_t bps, us = RATE_DEFAULT_INTERVAL_US;
	int rc = rate_bytes_per_sec(&s, &bps);

	if (rc)
		return rc;
	if (*s == '@')
		rc = rate_interval(s + 1, &us);
	else if (*s)
		rc = -EINVAL;
	if (rc)
		return rc;
	/* bps <= 2^40, us < 2^32: split so nothing overflows. */
	*bytes = bps / 1000000ull * us + bps % 1000000ull * us / 1000000ull;
	if (*bytes == 0)
		*bytes = 1;
	*interval_us = us;
	return 0;
}
