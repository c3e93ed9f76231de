/*
 * hypervisor/evtchn_dom0.c: dom0's ends of interdomain event channels.
 * dom0 is host processes, so each of its ports is a pair of eventfds:
 * "notify" (we write it when the guest sends) and "kick" (dom0 writes it;
 * the loop thread sees it and raises the guest's end).  Requests arrive
 * from control.c, already decoded; the guest's port is re-checked here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "domain.h"
#include "evtchn.h"
#include "evtchn_port.h"
#include "hv.h"
#include "loop.h"

enum evtchn_dom0_state {
	EVTCHN_DOM0_FREE = 0,
	EVTCHN_DOM0_BOUND,     /* connected to (remote_dom, remote_port) */
	EVTCHN_DOM0_PEER_GONE, /* the guest closed its end or died */
	EVTCHN_DOM0_CLOSING,   /* fds being released; not reusable yet */
};

/* One dom0 port.  Guarded by the table lock, except that kick_fd and
 * notify_fd change only on the loop thread (bind and close). */
struct evtchn_dom0_port {
	struct evtchn_dom0 *tab; /* back pointer for the loop callback */
	uint32_t port;
	uint8_t state;	 /* enum evtchn_dom0_state */
	bool is_watched; /* kick_fd is in hv->loop */
	/* BOUND only: an ioeventfd on the guest's VM signals notify_fd when
	 * the guest rings the doorbell with remote_port (evtchn_doorbell.c).
	 * Set and dropped under the table lock, while the guest's lock is
	 * held too whenever its port changes, so a reused port number never
	 * reaches an old eventfd. */
	bool has_doorbell;
	xyl_domid_t remote_dom;
	uint32_t remote_port;
	void *owner;   /* control connection that bound it */
	int notify_fd; /* ours; the client got a dup */
	int kick_fd;   /* ours; the client got a dup */
};

/*
 * The hv-wide dom0 table.  Owner: struct hv (hv->evtchn_dom0), created by
 * evtchn_dom0_init in main, freed by evtchn_dom0_fini.  lock guards the
 * ports; it ranks as domid 0, so it is taken before any guest's evtchn
 * lock and never while one is held.
 */
struct evtchn_dom0 {
	struct hv *hv;
	pthread_mutex_t lock;
	struct evtchn_dom0_port ports[EVTCHN_NR_PORTS];
};

int
evtchn_dom0_init(struct hv *hv)
{
	struct evtchn_dom0 *t;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->hv = hv;
	pthread_mutex_init(&t->lock, NULL);
	for (uint32_t i = 0; i < EVTCHN_NR_PORTS; i++) {
		t->ports[i].tab = t;
		t->ports[i].port = i;
		t->ports[i].notify_fd = -1;
		t->ports[i].kick_fd = -1;
	}
	hv->evtchn_dom0 = t;
	return 0;
}

static void
evtchn_dom0_close_fds(struct evtchn_dom0_port *p)
{
	if (p->notify_fd >= 0)
		close(p->notify_fd);
	if (p->kick_fd >= 0)
		close(p->kick_fd);
	p->notify_fd = -1;
	p->kick_fd = -1;
}

/* After the loop has stopped: no loop_del, the loop goes away too. */
void
evtchn_dom0_fini(struct hv *hv)
{
	struct evtchn_dom0 *t = hv->evtchn_dom0;

	if (!t)
		return;
	for (uint32_t i = 1; i < EVTCHN_NR_PORTS; i++)
		evtchn_dom0_close_fds(&t->ports[i]);
	pthread_mutex_destroy(&t->lock);
	free(t);
	hv->evtchn_dom0 = NULL;
}

static void
evtchn_dom0_kick_cb(void *arg, uint32_t epoll_events)
{
	struct evtchn_dom0_port *p = arg;
	struct evtchn_dom0 *t = p->tab;
	struct domain *rd;
	xyl_domid_t rdom;
	uint32_t rport;
	uint64_t count;

	(void)epoll_events;
	/* One read takes the whole counter: many kicks, one event. */
	if (read(p->kick_fd, &count, sizeof(count)) != sizeof(count))
		return;
	pthread_mutex_lock(&t->lock);
	rdom = p->remote_dom;
	rport = p->remote_port;
	if (p->state != EVTCHN_DOM0_BOUND)
		rport = 0; /* peer gone: kicks are dropped */
	pthread_mutex_unlock(&t->lock);
	if (!rport)
		return;
	rd = domain_get(t->hv, rdom);
	if (!rd)
		return;
	evtchn_deliver_from(rd, rport, 0, p->port);
	domain_put(rd);
}

static int
evtchn_dom0_port_alloc(struct evtchn_dom0 *t, uint32_t *port)
{
	for (uint32_t i = 1; i < EVTCHN_NR_PORTS; i++) {
		if (t->ports[i].state == EVTCHN_DOM0_FREE) {
			*port = i;
			return 0;
		}
	}
	return -ENOSPC;
}

/* Connect a new dom0 port to remote's unbound port, which must name
 * dom0.  Table lock held; takes remote's lock inside it (domid 0 first). */
static int
evtchn_dom0_bind_locked(struct evtchn_dom0 *t, struct domain *remote,
			uint32_t remote_port, uint32_t *dom0_port)
{
	struct evtchn_port *rp;
	int rc;

	rc = evtchn_dom0_port_alloc(t, dom0_port);
	if (rc)
		return rc;
	evtchn_lock(remote);
	rp = evtchn_port_get(remote, remote_port);
	if (remote->evtchn->is_dying)
		rc = -ESRCH;
	else if (!rp || rp->state != EVTCHN_UNBOUND || rp->remote_dom != 0)
		rc = -EINVAL;
	if (rc == 0) {
		rp->state = EVTCHN_INTERDOMAIN;
		rp->remote_port = *dom0_port;
	}
	evtchn_unlock(remote);
	return rc;
}

static int
evtchn_dom0_new_fds(int fds[2], int dups[2])
{
	int rc = 0;

	fds[0] = fds[1] = dups[0] = dups[1] = -1;
	for (int i = 0; i < 2 && rc == 0; i++) {
		fds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fds[i] >= 0)
			dups[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 0);
		if (fds[i] < 0 || dups[i] < 0)
			rc = -errno;
	}
	if (rc) {
		for (int i = 0; i < 2; i++) {
			if (fds[i] >= 0)
				close(fds[i]);
			if (dups[i] >= 0)
				close(dups[i]);
		}
	}
	return rc;
}

static void
evtchn_dom0_notify_fd(int fd)
{
	uint64_t one = 1;

	/* Non-blocking: a saturated counter already says "events". */
	if (write(fd, &one, sizeof(one)) < 0)
		return;
}

int
evtchn_dom0_bind(struct hv *hv, struct domain *remote, uint32_t remote_port,
		 void *owner, uint32_t *dom0_port, int *notify_fd, int *kick_fd)
{
	struct evtchn_dom0 *t = hv->evtchn_dom0;
	struct evtchn_dom0_port *p = NULL;
	int fds[2], dups[2];
	int rc;

	if (!t || !remote->evtchn)
		return -ESRCH;
	rc = evtchn_dom0_new_fds(fds, dups);
	if (rc)
		return rc;
	pthread_mutex_lock(&t->lock);
	rc = evtchn_dom0_bind_locked(t, remote, remote_port, dom0_port);
	if (rc == 0) {
		p = &t->ports[*dom0_port];
		p->state = EVTCHN_DOM0_BOUND;
		p->remote_dom = remote->domid;
		p->remote_port = remote_port;
		p->owner = owner;
		p->notify_fd = fds[0];
		p->kick_fd = fds[1];
		p->is_watched = false;
		p->has_doorbell =
			evtchn_doorbell_attach(remote, remote_port, fds[0]);
	}
	pthread_mutex_unlock(&t->lock);
	if (rc)
		goto fail;
	rc = loop_add(&hv->loop, fds[1], EPOLLIN, evtchn_dom0_kick_cb, p);
	if (rc) {
		evtchn_dom0_close(hv, *dom0_port, owner);
		fds[0] = fds[1] = -1; /* closed by evtchn_dom0_close */
		goto fail;
	}
	p->is_watched = true;
	/* As a guest's bind_interdomain: the new end starts pending. */
	evtchn_dom0_notify_fd(p->notify_fd);
	*notify_fd = dups[0];
	*kick_fd = dups[1];
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		close(dups[i]);
	}
	return rc;
}

void
evtchn_dom0_notify(struct hv *hv, uint32_t dom0_port, xyl_domid_t from_dom,
		   uint32_t from_port)
{
	struct evtchn_dom0 *t = hv->evtchn_dom0;
	struct evtchn_dom0_port *p;

	if (!t || dom0_port == 0 || dom0_port >= EVTCHN_NR_PORTS)
		return;
	p = &t->ports[dom0_port];
	pthread_mutex_lock(&t->lock);
	if (p->state == EVTCHN_DOM0_BOUND && p->remote_dom == from_dom &&
	    p->remote_port == from_port)
		evtchn_dom0_notify_fd(p->notify_fd);
	pthread_mutex_unlock(&t->lock);
}

int
evtchn_dom0_guest_close(struct hv *hv, struct domain *d, uint32_t port,
			uint32_t dom0_port)
{
	struct evtchn_dom0 *t = hv->evtchn_dom0;
	struct evtchn_dom0_port *p = NULL;
	struct evtchn_port *gp;
	int rc = -EAGAIN;

	if (t && dom0_port != 0 && dom0_port < EVTCHN_NR_PORTS)
		p = &t->ports[dom0_port];
	if (t)
		pthread_mutex_lock(&t->lock);
	evtchn_lock(d);
	gp = evtchn_port_get(d, port);
	if (gp && gp->state == EVTCHN_INTERDOMAIN && gp->remote_dom == 0 &&
	    gp->remote_port == dom0_port) {
		if (p && p->state == EVTCHN_DOM0_BOUND &&
		    p->remote_dom == d->domid && p->remote_port == port) {
			p->state = EVTCHN_DOM0_PEER_GONE;
			if (p->has_doorbell)
				evtchn_doorbell_detach(d, port, p->notify_fd);
			p->has_doorbell = false;
		}
		evtchn_port_free(d, port);
		rc = 0;
	}
	evtchn_unlock(d);
	if (t)
		pthread_mutex_unlock(&t->lock);
	return rc;
}

/* Unbind dom0_port from its guest (the guest's end becomes unbound for
 * dom0 again, as in Xen) and mark it CLOSING, so that nobody reuses it
 * before its fds are gone.  -EINVAL no such port, -EPERM another
 * connection's port. */
static int
evtchn_dom0_detach(struct evtchn_dom0 *t, uint32_t dom0_port, void *owner,
		   bool check_owner)
{
	struct evtchn_dom0_port *p = &t->ports[dom0_port];
	struct domain *rd = NULL;
	struct evtchn_port *rp;
	xyl_domid_t rdom;
	int rc = 0;

	/* domain_get takes hv->domains_lock, which ranks above ours. */
	pthread_mutex_lock(&t->lock);
	rdom = p->remote_dom;
	if (p->state == EVTCHN_DOM0_FREE || p->state == EVTCHN_DOM0_CLOSING)
		rc = -EINVAL;
	else if (check_owner && p->owner != owner)
		rc = -EPERM;
	pthread_mutex_unlock(&t->lock);
	if (rc)
		return rc;
	rd = domain_get(t->hv, rdom);

	pthread_mutex_lock(&t->lock);
	if (p->state == EVTCHN_DOM0_BOUND && rd && rd->evtchn) {
		evtchn_lock(rd);
		rp = evtchn_port_get(rd, p->remote_port);
		if (rp && rp->state == EVTCHN_INTERDOMAIN &&
		    rp->remote_dom == 0 && rp->remote_port == dom0_port) {
			rp->state = EVTCHN_UNBOUND;
			rp->remote_port = 0;
		}
		if (p->has_doorbell)
			evtchn_doorbell_detach(rd, p->remote_port,
					       p->notify_fd);
		evtchn_unlock(rd);
	}
	/* No rd: the domain left the table after its ports were closed,
	 * which dropped the doorbell already (or its VM is gone). */
	p->has_doorbell = false;
	p->state = EVTCHN_DOM0_CLOSING;
	pthread_mutex_unlock(&t->lock);
	if (rd)
		domain_put(rd);
	return 0;
}

/* Loop thread only (control.c): loop_del must not race the callback. */
int
evtchn_dom0_close(struct hv *hv, uint32_t dom0_port, void *owner)
{
	struct evtchn_dom0 *t = hv->evtchn_dom0;
	struct evtchn_dom0_port *p;
	int rc;

	if (!t || dom0_port == 0 || dom0_port >= EVTCHN_NR_PORTS)
		return -EINVAL;
	rc = evtchn_dom0_detach(t, dom0_port, owner, true);
	if (rc)
		return rc;
	p = &t->ports[dom0_port];
	if (p->is_watched)
		loop_del(&hv->loop, p->kick_fd);
	evtchn_dom0_close_fds(p);
	pthread_mutex_lock(&t->lock);
	p->is_watched = false;
	p->owner = NULL;
	p->remote_dom = 0;
	p->remote_port = 0;
	p->state = EVTCHN_DOM0_FREE;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

void
evtchn_dom0_close_owner(struct hv *hv, void *owner)
{
	struct evtchn_dom0 *t = hv->evtchn_dom0;

	if (!t)
		return;
	for (uint32_t i = 1; i < EVTCHN_NR_PORTS; i++) {
		bool mine;

		pthread_mutex_lock(&t->lock);
		mine = t->ports[i].state != EVTCHN_DOM0_FREE &&
		       t->ports[i].owner == owner;
		pthread_mutex_unlock(&t->lock);
		if (mine)
			evtchn_dom0_close(hv, i, owner);
	}
}
