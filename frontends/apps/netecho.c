/*
 * apps/netecho.c: a UDP echo server on the guest's IPv4 stack (gk/net.h):
 * every datagram to port (default 7) goes back to its sender; ICMP echo
 * and ARP are answered by the stack.  Cmdline: ip=A.B.C.D/N [port=N]
 * [max=N: power off after N echoes] and net_init's keys.
 */
#include <stdint.h>

#include "gk/console.h"
#include "gk/errno.h"
#include "gk/heap.h"
#include "gk/kernel.h"
#include "gk/net.h"
#include "gk/printf.h"
#include "gk/time.h"

struct netecho {
	struct net_stack *s;
	uint64_t echoed, failed;
};

static void
netecho_rx(void *arg, uint32_t src, uint16_t sport, uint16_t dport,
	   const uint8_t *data, uint32_t len)
{
	struct netecho *e = arg;

	if (net_udp_send(e->s, src, dport, sport, data, len) == 0)
		e->echoed++;
	else
		e->failed++;
	net_flush(e->s);
}

int
gk_app_netecho(const char *cmdline)
{
	struct netecho e = {0};
	uint64_t port = 7, max = 0, last = 0;
	char ip[20];
	int rc;

	e.s = gk_zalloc(sizeof(*e.s));
	if (!e.s)
		return -ENOMEM;
	gk_cmdline_get_u64(cmdline, "port", &port);
	gk_cmdline_get_u64(cmdline, "max", &max);
	rc = net_init(e.s, cmdline);
	if (rc < 0) {
		gk_err("netecho: no network (%d)\n", rc);
		return rc;
	}
	net_udp_bind(e.s, (uint16_t)port, netecho_rx, &e);
	net_ip_str(e.s->ip, ip, sizeof(ip));
	gk_info("netecho: ready on %s port %u mac "
		"%02x:%02x:%02x:%02x:%02x:%02x\n",
		ip, (unsigned)port, e.s->nf.mac[0], e.s->nf.mac[1],
		e.s->nf.mac[2], e.s->nf.mac[3], e.s->nf.mac[4], e.s->nf.mac[5]);
	while (!max || e.echoed < max) {
		net_wait_until(e.s, gk_time_now_ns() + 1000000000ull);
		if (e.s->nf.is_broken) {
			gk_err("netecho: vif broken\n");
			return -EIO;
		}
		if (e.echoed != last && e.echoed % 100 == 0) {
			gk_info("netecho: %lu echoed\n",
				(unsigned long)e.echoed);
			last = e.echoed;
		}
	}
	gk_info("netecho: done: %lu echoed, %lu failed, icmp %lu, bad %lu\n",
		(unsigned long)e.echoed, (unsigned long)e.failed,
		(unsigned long)e.s->stats.rx_icmp,
		(unsigned long)e.s->stats.rx_bad);
	return 0;
}
