/*
 * backends/netback/rate.c: a vif's TX rate limit (the toolstack's `rate`
 * key, xl syntax), enforced as Xen's netback does: a credit of bytes per
 * interval; when it is used up netback stops taking TX requests (they stay
 * in the ring) until a timer replenishes it.  Trust boundary: the `rate`
 * key is the toolstack's, parsed strictly by rate_parse.c; a bad one is
 * logged and not enforced.
 */
#include <errno.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "netback.h"

static uint64_t
rate_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int
netback_rate_setup(struct netback_vif *vif)
{
	struct netback_rate *r = &vif->rate;
	char buf[64];
	int rc;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	rc = be_xs_read(vif->nb->be.xs, vif->be_dir, "rate", buf, sizeof(buf));
	if (rc == -ENOENT || (rc == 0 && buf[0] == '\0'))
		return 0;
	if (rc == 0)
		rc = netback_rate_parse(buf, &r->credit_bytes, &r->interval_us);
	if (rc) {
		log_dom_limited(&vif->rl, DLOG_WARN, (int)vif->domid,
				"vif %u: rate: %s; not enforced", vif->devid,
				strerror(-rc));
		r->credit_bytes = 0;
		return 0;
	}
	r->fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (r->fd < 0)
		return -errno;
	vif->rate_src = (struct netback_evsrc){NETBACK_SRC_RATE, vif};
	rc = be_backend_epoll_add(&vif->nb->be, r->fd, &vif->rate_src);
	if (rc) {
		close(r->fd);
		r->fd = -1;
		return rc;
	}
	r->remaining = (int64_t)r->credit_bytes;
	r->next_ns = rate_now_ns() + r->interval_us * 1000ull;
	log_dom_info(vif->domid, "vif %u: tx rate %llu bytes per %llu us",
		     vif->devid, (unsigned long long)r->credit_bytes,
		     (unsigned long long)r->interval_us);
	return 0;
}

void
netback_rate_teardown(struct netback_vif *vif)
{
	struct netback_rate *r = &vif->rate;

	if (r->fd >= 0) {
		be_backend_epoll_del(&vif->nb->be, r->fd);
		vif->nb->be.nr_frees++;
		close(r->fd);
	}
	r->fd = -1;
	r->credit_bytes = 0;
	r->is_throttled = false;
}

bool
netback_rate_allow(struct netback_vif *vif)
{
	struct netback_rate *r = &vif->rate;
	struct itimerspec its = {{0, 0}, {0, 0}};
	uint64_t now;

	if (!r->credit_bytes)
		return true;
	now = rate_now_ns();
	if (now >= r->next_ns) {
		/* A debt left by the last packet is paid first; unused
		 * credit does not pile up beyond one interval's worth. */
		r->remaining += (int64_t)r->credit_bytes;
		if (r->remaining > (int64_t)r->credit_bytes)
			r->remaining = (int64_t)r->credit_bytes;
		r->next_ns = now + r->interval_us * 1000ull;
	}
	if (r->remaining > 0) {
		r->is_throttled = false;
		return true;
	}
	if (!r->is_throttled)
		vif->stats.tx_throttled++;
	r->is_throttled = true;
	its.it_value.tv_sec = (time_t)(r->next_ns / 1000000000ull);
	its.it_value.tv_nsec = (long)(r->next_ns % 1000000000ull);
	timerfd_settime(r->fd, TFD_TIMER_ABSTIME, &its, NULL);
	return false;
}

void
netback_rate_charge(struct netback_vif *vif, uint32_t len)
{
	if (vif->rate.credit_bytes)
		vif->rate.remaining -= len;
}

void
netback_rate_on_timer(struct netback_vif *vif)
{
	uint64_t n;

	if (read(vif->rate.fd, &n, sizeof(n)) < 0)
		return;
	if (vif->phase == NETBACK_VIF_CONNECTED)
		netback_vif_tx(vif);
}
