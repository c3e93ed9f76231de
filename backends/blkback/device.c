/*
 * backends/blkback/device.c: one vbd's XenbusState handshake, backend
 * side (blkif.h STATE DIAGRAMS, docs/blkback.md): probe and publish
 * features (InitWait), connect when the frontend is Initialised or
 * Connected, close when it or the toolstack goes away, reattach after a
 * restart.  Trust boundary: frontend state values (be_xenbus_read_state).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device.h"
#include "stats.h"
#include "xylem/coalesce.h"

struct blkback_dev *
blkback_dev_new(struct blkback *bb, xyl_domid_t domid, uint32_t devid)
{
	struct blkback_dev *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->bb = bb;
	dev->domid = domid;
	dev->devid = devid;
	dev->img.fd = dev->img.fd_buffered = -1;
	snprintf(dev->be_dir, sizeof(dev->be_dir),
		 "/local/domain/0/backend/vbd/%u/%u", domid, devid);
	/* The toolstack's frontend path is not trusted to name another
	 * domain's directory: we use the standard one. */
	snprintf(dev->fe_dir, sizeof(dev->fe_dir),
		 "/local/domain/%u/device/vbd/%u", domid, devid);
	xs_watch(bb->be.xs, dev->fe_dir, "fe");
	return dev;
}

static void
blkback_dev_set_state(struct blkback_dev *dev, enum xenbus_state s)
{
	int rc = be_xenbus_switch_state(dev->bb->be.xs, dev->be_dir, s);

	if (rc == -ENOENT) /* the toolstack removed the device */
		log_dom_info(dev->domid, "vbd %u: gone; state %s not written",
			     dev->devid, be_xenbus_state_name(s));
	else if (rc)
		log_dom_warn(dev->domid, "vbd %u: state %s: %s", dev->devid,
			     be_xenbus_state_name(s), strerror(-rc));
	else
		log_dom_info(dev->domid, "vbd %u: %s", dev->devid,
			     be_xenbus_state_name(s));
}

void
blkback_dev_fail(struct blkback_dev *dev, const char *why)
{
	log_dom_limited(&dev->rl, DLOG_ERR, (int)dev->domid,
			"vbd %u: %s: closing the device", dev->devid, why);
	blkback_dev_disconnect(dev);
	dev->phase = BLKBACK_DEV_CLOSING;
	blkback_dev_set_state(dev, XenbusStateClosing);
}

static int
blkback_dev_open_image(struct blkback_dev *dev)
{
	char params[BE_XS_VALUE_MAX], mode[8] = "w";
	uint32_t hint = 512;
	int rc;

	if (dev->img.fd >= 0)
		return 0;
	rc = be_xs_read(dev->bb->be.xs, dev->be_dir, "params", params,
			sizeof(params));
	if (rc)
		return rc;
	be_xs_read(dev->bb->be.xs, dev->be_dir, "mode", mode, sizeof(mode));
	be_xs_read_u32(dev->bb->be.xs, dev->be_dir, "xylem-sector-size", &hint);
	rc = blkback_image_open(&dev->img, params, mode[0] == 'r', hint);
	if (rc) {
		dev->img.fd = dev->img.fd_buffered = -1;
		return rc;
	}
	dev->lim = (struct blkback_limits){
		.nr_sectors = dev->img.size_bytes >> BLKBACK_SECTOR_SHIFT,
		.sector_size = dev->img.sector_size,
		.is_read_only = dev->img.is_read_only,
		.has_discard = dev->img.has_discard &&
			       be_xs_read_bool(dev->bb->be.xs, dev->be_dir,
					       "discard-enable", true),
		.has_indirect = true,
	};
	return 0;
}

static void
blkback_dev_publish_features(struct blkback_dev *dev)
{
	struct xs_handle *xs = dev->bb->be.xs;
	const char *d = dev->be_dir;

	be_xs_printf(xs, XBT_NULL, d, "feature-flush-cache", "1");
	be_xs_printf(xs, XBT_NULL, d, "feature-barrier", "1");
	be_xs_printf(xs, XBT_NULL, d, "feature-discard", "%d",
		     dev->lim.has_discard ? 1 : 0);
	if (dev->lim.has_discard) {
		be_xs_printf(xs, XBT_NULL, d, "discard-granularity", "%u",
			     dev->lim.sector_size);
		be_xs_printf(xs, XBT_NULL, d, "discard-alignment", "0");
		be_xs_printf(xs, XBT_NULL, d, "discard-secure", "0");
	}
	be_xs_printf(xs, XBT_NULL, d, "feature-persistent", "1");
	be_xs_printf(xs, XBT_NULL, d, "feature-max-indirect-segments", "%u",
		     BLKBACK_MAX_INDIRECT_SEGS);
	be_xs_printf(xs, XBT_NULL, d, "max-ring-page-order", "%u",
		     BLKBACK_MAX_RING_ORDER);
	be_xs_printf(xs, XBT_NULL, d, "multi-queue-max-queues", "%u",
		     BLKBACK_MAX_QUEUES);
	be_xs_printf(xs, XBT_NULL, d, XYL_COALESCE_FEATURE_KEY, "1");
	if (dev->bb->be.stimer.page)
		be_xs_printf(xs, XBT_NULL, d, XYL_PROFILE_FEATURE_KEY, "1");
	be_xs_printf(xs, XBT_NULL, d, "physical-device-path", "%s", "blkback");
	be_xs_printf(xs, XBT_NULL, d, "hotplug-status", "connected");
}

static void
blkback_dev_publish_disk(struct blkback_dev *dev)
{
	struct xs_handle *xs = dev->bb->be.xs;
	const char *d = dev->be_dir;

	/* 512-byte units whatever sector-size says, as Linux's blkback and
	 * blkfront use it (blkif.h's text says sector-size units). */
	be_xs_printf(xs, XBT_NULL, d, "sectors", "%llu",
		     (unsigned long long)(dev->img.size_bytes >>
					  BLKBACK_SECTOR_SHIFT));
	be_xs_printf(xs, XBT_NULL, d, "sector-size", "%u",
		     dev->img.sector_size);
	be_xs_printf(xs, XBT_NULL, d, "physical-sector-size", "%u",
		     dev->img.sector_size);
	be_xs_printf(xs, XBT_NULL, d, "info", "%u",
		     dev->img.is_read_only ? VDISK_READONLY : 0);
}

/* Open the image and publish what we offer; InitWait. */
static void
blkback_dev_probe(struct blkback_dev *dev)
{
	int rc = blkback_dev_open_image(dev);

	if (rc) {
		log_dom_err(dev->domid, "vbd %u: cannot open image: %s",
			    dev->devid, strerror(-rc));
		be_xs_printf(dev->bb->be.xs, XBT_NULL, dev->be_dir,
			     "hotplug-error", "cannot open image: %s",
			     strerror(-rc));
		be_xs_printf(dev->bb->be.xs, XBT_NULL, dev->be_dir,
			     "hotplug-status", "error");
		dev->phase = BLKBACK_DEV_FAILED;
		blkback_dev_set_state(dev, XenbusStateClosed);
		return;
	}
	blkback_dev_publish_features(dev);
	dev->phase = BLKBACK_DEV_INITWAIT;
	blkback_dev_set_state(dev, XenbusStateInitWait);
}

static void
blkback_dev_do_connect(struct blkback_dev *dev)
{
	int rc = blkback_dev_connect(dev, false);

	if (rc) {
		log_dom_limited(&dev->rl, DLOG_ERR, (int)dev->domid,
				"vbd %u: connect: %s", dev->devid,
				strerror(-rc));
		dev->phase = BLKBACK_DEV_CLOSING;
		blkback_dev_set_state(dev, XenbusStateClosing);
		return;
	}
	blkback_dev_publish_disk(dev);
	blkback_dev_set_state(dev, XenbusStateConnected);
	log_dom_info(dev->domid,
		     "vbd %u: connected: %u queue(s), ring order %u, "
		     "persistent %d, coalesce %d",
		     dev->devid, dev->nr_queues, dev->ring_order,
		     dev->use_persistent, dev->use_coalesce);
}

/* First sight of a device: a fresh one, or one we served before a
 * restart (both ends still Connected): take the rings over in place. */
static void
blkback_dev_first(struct blkback_dev *dev, enum xenbus_state be,
		  enum xenbus_state fe)
{
	int rc;

	if (be == XenbusStateConnected &&
	    (fe == XenbusStateConnected || fe == XenbusStateInitialised)) {
		rc = blkback_dev_open_image(dev);
		if (rc == 0)
			rc = blkback_dev_connect(dev, true);
		if (rc == 0) {
			log_dom_info(dev->domid, "vbd %u: reattached",
				     dev->devid);
			return;
		}
		log_dom_err(dev->domid, "vbd %u: reattach failed: %s",
			    dev->devid, strerror(-rc));
		dev->phase = BLKBACK_DEV_CLOSING;
		blkback_dev_set_state(dev, XenbusStateClosing);
		return;
	}
	/* The toolstack writes state=1 with (or after) the other keys:
	 * until it is there, the device is still being made. */
	if (be == XenbusStateUnknown)
		return;
	if (be == XenbusStateClosing || be == XenbusStateClosed) {
		dev->phase = be == XenbusStateClosing ? BLKBACK_DEV_CLOSING
						      : BLKBACK_DEV_CLOSED;
		return;
	}
	blkback_dev_probe(dev);
}

static bool
blkback_fe_gone(enum xenbus_state fe)
{
	return fe == XenbusStateClosing || fe == XenbusStateClosed ||
	       fe == XenbusStateUnknown;
}

void
blkback_dev_update(struct blkback_dev *dev)
{
	struct xs_handle *xs = dev->bb->be.xs;
	enum xenbus_state be = be_xenbus_read_state(xs, dev->be_dir);
	enum xenbus_state fe = be_xenbus_read_state(xs, dev->fe_dir);
	bool online = be_xs_read_bool(xs, dev->be_dir, "online", true);

	switch (dev->phase) {
	case BLKBACK_DEV_NEW:
		blkback_dev_first(dev, be, fe);
		break;
	case BLKBACK_DEV_INITWAIT:
		if (!online || be == XenbusStateClosing) {
			dev->phase = BLKBACK_DEV_CLOSED;
			blkback_dev_set_state(dev, XenbusStateClosed);
		} else if (fe == XenbusStateInitialised ||
			   fe == XenbusStateConnected) {
			blkback_dev_do_connect(dev);
		}
		break;
	case BLKBACK_DEV_CONNECTED:
		if (blkback_fe_gone(fe) || !online ||
		    be == XenbusStateClosing) {
			blkback_dev_disconnect(dev);
			dev->phase = BLKBACK_DEV_CLOSING;
			blkback_dev_set_state(dev, XenbusStateClosing);
		}
		if (dev->phase != BLKBACK_DEV_CLOSING)
			break;
		/* fall through */
	case BLKBACK_DEV_CLOSING:
		if (fe == XenbusStateClosed || fe == XenbusStateUnknown ||
		    fe == XenbusStateInitialising || !online) {
			dev->phase = BLKBACK_DEV_CLOSED;
			blkback_dev_set_state(dev, XenbusStateClosed);
		}
		break;
	case BLKBACK_DEV_CLOSED:
		/* The frontend starts over: prepare for a reconnect. */
		if (online && fe == XenbusStateInitialising)
			blkback_dev_probe(dev);
		break;
	default:
		break;
	}
	blkback_dev_write_stats(dev);
}

/* The frontend's histograms, checked, for `xyl profile` (D-N.profile);
 * the last good copy stays when the frontend is mid-update. */
static void
blkback_dev_write_profile(struct blkback_dev *dev)
{
	struct be_profile_snap snap;
	char path[512];

	if (be_profile_snapshot(&dev->prof, &snap))
		return;
	snprintf(path, sizeof(path), "%s/%u-%u.profile", dev->bb->be.state_dir,
		 dev->domid, dev->devid);
	be_profile_write(path, &snap);
}

void
blkback_dev_write_stats(struct blkback_dev *dev)
{
	struct be_ring_stats rs = {0};
	char path[512];

	for (uint32_t i = 0; dev->queues && i < dev->nr_queues; i++) {
		const struct be_ring_stats *s = &dev->queues[i].ring.stats;

		rs.requests += s->requests;
		rs.responses += s->responses;
		rs.kicks += s->kicks;
		rs.notify_sent += s->notify_sent;
		rs.notify_suppressed += s->notify_suppressed;
		rs.batches += s->batches;
	}
	const struct be_stat st[] = {
		{"phase", dev->phase},
		{"queues", dev->queues ? dev->nr_queues : 0},
		{"ring_order", dev->ring_order},
		{"persistent", dev->use_persistent},
		{"coalesce", dev->use_coalesce},
		{"sectors", dev->lim.nr_sectors},
		{"sector_size", dev->lim.sector_size},
		{"read_only", dev->lim.is_read_only},
		{"o_direct", dev->img.is_direct},
		{"rd_req", dev->stats.rd_req},
		{"wr_req", dev->stats.wr_req},
		{"flush_req", dev->stats.flush_req},
		{"barrier_req", dev->stats.barrier_req},
		{"discard_req", dev->stats.discard_req},
		{"indirect_req", dev->stats.indirect_req},
		{"rd_sect", dev->stats.rd_sect},
		{"wr_sect", dev->stats.wr_sect},
		{"errors", dev->stats.errors},
		{"bounces", dev->stats.bounces},
		{"persistent_hits", dev->stats.persistent_hits},
		{"requests", rs.requests},
		{"responses", rs.responses},
		{"kicks_received", rs.kicks},
		{"batches", rs.batches},
		{"notify_sent", rs.notify_sent},
		{"notify_suppressed", rs.notify_suppressed},
		{"profile", dev->prof.area != NULL},
		{"profile_stamps", dev->prof.stamps},
	};

	snprintf(path, sizeof(path), "%s/%u-%u.stats", dev->bb->be.state_dir,
		 dev->domid, dev->devid);
	be_stats_write(path, st, sizeof(st) / sizeof(st[0]));
	blkback_dev_write_profile(dev);
}

void
blkback_dev_free(struct blkback_dev *dev)
{
	char path[512];

	blkback_dev_disconnect(dev);
	blkback_image_close(&dev->img);
	xs_unwatch(dev->bb->be.xs, dev->fe_dir, "fe");
	snprintf(path, sizeof(path), "%s/%u-%u.stats", dev->bb->be.state_dir,
		 dev->domid, dev->devid);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%u-%u.profile", dev->bb->be.state_dir,
		 dev->domid, dev->devid);
	unlink(path);
	for (uint32_t i = 0; i < BLKBACK_MAX_QUEUES; i++) {
		snprintf(path, sizeof(path), "%s/%u-%u-q%u.journal",
			 dev->bb->be.state_dir, dev->domid, dev->devid, i);
		unlink(path);
	}
	free(dev);
}
