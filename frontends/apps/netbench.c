/*
 * apps/netbench.c: network checks and benchmarks on the guest's IPv4
 * stack.  mode=ping (ICMP echo to dst), mode=udpping (datagrams to a UDP
 * echo server at dst:port, each answer checked), mode=send (a UDP stream:
 * count datagrams of size bytes as fast as the ring takes them), mode=recv
 * (count a stream on port until it stops; linger=S keeps the guest on the
 * network S seconds after a send, e.g. for `xyl profile`).  Results are
 * "netbench: ..." and "bench: key=value" lines.
 */
#include <stdint.h>

#include "gk/console.h"
#include "gk/errno.h"
#include "gk/heap.h"
#include "gk/kernel.h"
#include "gk/net.h"
#include "gk/printf.h"
#include "gk/string.h"
#include "gk/time.h"

struct netbench {
	struct net_stack *s;
	uint32_t dst;
	uint64_t port, count, size, linger;
	/* udpping / recv */
	uint64_t got, bytes, first_ns, last_ns;
	uint32_t want_seq;
	int matched;
};

static int
netbench_ping(struct netbench *b)
{
	uint64_t ok = 0, rtt, sum = 0;

	for (uint64_t i = 0; i < b->count; i++) {
		int rc = net_ping(b->s, b->dst, (uint16_t)i, 2000000000ull,
				  &rtt);

		if (rc == 0) {
			ok++;
			sum += rtt;
		}
		gk_info("netbench: ping seq %lu %s %lu us\n", (unsigned long)i,
			rc == 0 ? "ok" : "lost",
			rc == 0 ? (unsigned long)(rtt / 1000) : 0ul);
	}
	gk_info("netbench: ping %lu/%lu ok\n", (unsigned long)ok,
		(unsigned long)b->count);
	if (ok)
		gk_info("bench: net_ping_rtt_us=%lu\n",
			(unsigned long)(sum / ok / 1000));
	return ok == b->count ? 0 : -ETIMEDOUT;
}

static void
netbench_udp_rx(void *arg, uint32_t src, uint16_t sport, uint16_t dport,
		const uint8_t *data, uint32_t len)
{
	struct netbench *b = arg;
	uint32_t seq;

	(void)sport;
	(void)dport;
	b->last_ns = gk_time_now_ns();
	if (!b->got++)
		b->first_ns = b->last_ns;
	b->bytes += len;
	if (src == b->dst && len >= 4) {
		memcpy(&seq, data, 4);
		if (seq == b->want_seq)
			b->matched = 1;
	}
}

static int
netbench_udpping(struct netbench *b)
{
	uint8_t buf[64];
	uint64_t ok = 0;

	net_udp_bind(b->s, 40000, netbench_udp_rx, b);
	for (uint32_t i = 0; i < b->count; i++) {
		uint64_t end = gk_time_now_ns() + 2000000000ull;

		memset(buf, 'x', sizeof(buf));
		memcpy(buf, &i, 4);
		b->want_seq = i;
		b->matched = 0;
		if (net_udp_send(b->s, b->dst, 40000, (uint16_t)b->port, buf,
				 sizeof(buf)) == 0) {
			net_flush(b->s);
			while (!b->matched && gk_time_now_ns() < end)
				net_wait_until(b->s, end);
		}
		ok += b->matched;
	}
	gk_info("netbench: udp echo %lu/%lu ok\n", (unsigned long)ok,
		(unsigned long)b->count);
	return ok == b->count ? 0 : -ETIMEDOUT;
}

static void
netbench_report_tx(struct netbench *b, uint64_t ns)
{
	const struct netfront *nf = &b->s->nf;
	uint64_t notes = nf->tx.stats.notify_sent;
	uint64_t pps = ns ? b->count * 1000000000ull / ns : 0;

	gk_info("bench: net_tx_pkts=%lu net_tx_ns=%lu net_tx_pps=%lu "
		"net_tx_mbps=%lu\n",
		(unsigned long)b->count, (unsigned long)ns, (unsigned long)pps,
		(unsigned long)(pps * b->size * 8 / 1000000));
	gk_info("bench: net_tx_notifications=%lu net_tx_pushes=%lu "
		"net_pkts_per_notify_x100=%lu\n",
		(unsigned long)notes, (unsigned long)nf->cluster.flushes,
		(unsigned long)(notes ? nf->stats.tx_packets * 100 / notes
				      : 0));
}

static int
netbench_send(struct netbench *b)
{
	uint8_t *buf = gk_zalloc(NET_UDP_MAX_DATA);
	uint64_t start, sent = 0;

	if (!buf)
		return -ENOMEM;
	if (b->size < 8 || b->size > NET_UDP_MAX_DATA)
		b->size = NET_UDP_MAX_DATA;
	/* Resolve first, so the timing covers only the stream. */
	if (net_udp_send(b->s, b->dst, 40001, (uint16_t)b->port, "hi", 2) < 0)
		return -ETIMEDOUT;
	net_flush(b->s);
	start = gk_time_now_ns();
	while (sent < b->count) {
		int rc;

		memcpy(buf, &sent, 8);
		rc = net_udp_send(b->s, b->dst, 40001, (uint16_t)b->port, buf,
				  (uint32_t)b->size);
		if (rc == -EAGAIN) {
			net_wait_until(b->s, gk_time_now_ns() + 1000000ull);
			continue;
		}
		if (rc < 0)
			return rc;
		sent++;
	}
	net_flush(b->s);
	netbench_report_tx(b, gk_time_now_ns() - start);
	gk_info("netbench: sent %lu\n", (unsigned long)sent);
	start = gk_time_now_ns() + b->linger * 1000000000ull;
	while (gk_time_now_ns() < start)
		net_wait_until(b->s, start);
	return 0;
}

static int
netbench_recv(struct netbench *b)
{
	uint64_t ns;

	net_udp_bind(b->s, (uint16_t)b->port, netbench_udp_rx, b);
	b->dst = 0;
	gk_info("netbench: receiving on port %lu\n", (unsigned long)b->port);
	for (;;) {
		uint64_t now = gk_time_now_ns();

		if (b->got &&
		    (b->got >= b->count || now - b->last_ns > 1000000000ull))
			break;
		net_wait_until(b->s, now + 200000000ull);
	}
	ns = b->last_ns - b->first_ns;
	gk_info("bench: net_rx_pkts=%lu net_rx_bytes=%lu net_rx_ns=%lu "
		"net_rx_pps=%lu\n",
		(unsigned long)b->got, (unsigned long)b->bytes,
		(unsigned long)ns,
		(unsigned long)(ns ? (b->got - 1) * 1000000000ull / ns : 0));
	return 0;
}

int
gk_app_netbench(const char *cmdline)
{
	struct netbench b = {.port = 7, .count = 4, .size = 1024};
	char mode[16], dst[20];
	int rc;

	b.s = gk_zalloc(sizeof(*b.s));
	if (!b.s || gk_cmdline_get(cmdline, "mode", mode, sizeof(mode)) < 0) {
		gk_err("netbench: mode=ping|udpping|send|recv needed\n");
		return -EINVAL;
	}
	gk_cmdline_get_u64(cmdline, "port", &b.port);
	gk_cmdline_get_u64(cmdline, "count", &b.count);
	gk_cmdline_get_u64(cmdline, "size", &b.size);
	gk_cmdline_get_u64(cmdline, "linger", &b.linger);
	if (strcmp(mode, "recv") != 0 &&
	    (gk_cmdline_get(cmdline, "dst", dst, sizeof(dst)) < 0 ||
	     net_parse_ip(dst, &b.dst) < 0)) {
		gk_err("netbench: dst=A.B.C.D needed\n");
		return -EINVAL;
	}
	rc = net_init(b.s, cmdline);
	if (rc < 0) {
		gk_err("netbench: no network (%d)\n", rc);
		return rc;
	}
	gk_info("netbench: up, mode %s\n", mode);
	if (strcmp(mode, "ping") == 0)
		return netbench_ping(&b);
	if (strcmp(mode, "udpping") == 0)
		return netbench_udpping(&b);
	if (strcmp(mode, "send") == 0)
		return netbench_send(&b);
	if (strcmp(mode, "recv") == 0)
		return netbench_recv(&b);
	gk_err("netbench: unknown mode %s\n", mode);
	return -EINVAL;
}
