/*
 * kernel/xenbus_control.c: the guest's side of control/shutdown
 * (xenstore-schema/: the toolstack writes "poweroff", "reboot", ...; the
 * guest acknowledges by writing "" and shuts down with that reason).  The
 * value comes from the toolstack through xenstored: unknown words are
 * acknowledged and ignored, never acted on.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/sched.h>

#include "gk/console.h"
#include "gk/evtchn.h"
#include "gk/kernel.h"
#include "gk/string.h"
#include "gk/xenbus.h"

#define CONTROL_NODE "control/shutdown"

struct control_req {
	char word[32];
	int too_long;
};

/* Read and clear control/shutdown in one transaction, as xl expects. */
static int
take_request(uint32_t tx, void *arg)
{
	struct control_req *req = arg;
	int r;

	req->word[0] = '\0';
	req->too_long = 0;
	r = xenbus_read(tx, CONTROL_NODE, req->word, sizeof(req->word), 0);
	if (r == -ENOENT)
		return 0;
	if (r == -ERANGE)
		req->too_long = 1;
	else if (r < 0)
		return r;
	if (req->word[0] == '\0' && !req->too_long)
		return 0;
	return xenbus_write(tx, CONTROL_NODE, "");
}

static void
on_control(const char *path, const char *token, void *arg)
{
	struct control_req req;
	int r;

	(void)path;
	(void)token;
	(void)arg;
	r = xenbus_transaction(take_request, &req);
	if (r < 0) {
		gk_warn("control: cannot read %s (%d)\n", CONTROL_NODE, r);
		return;
	}
	if (req.too_long) {
		gk_warn("control: ignoring an over-long shutdown request\n");
		return;
	}
	if (req.word[0] == '\0')
		return;
	if (strcmp(req.word, "poweroff") == 0 ||
	    strcmp(req.word, "halt") == 0) {
		gk_info("control: %s requested: powering off\n", req.word);
		gk_shutdown(SHUTDOWN_poweroff);
	}
	if (strcmp(req.word, "reboot") == 0) {
		gk_info("control: reboot requested: rebooting\n");
		gk_shutdown(SHUTDOWN_reboot);
	}
	gk_warn("control: unsupported shutdown request \"%s\" ignored\n",
		req.word);
}

int
xenbus_control_init(void)
{
	int r;

	if (!xenbus_is_connected())
		return -ENOTCONN;
	r = xenbus_write(0, "control/feature-poweroff", "1");
	if (r == 0)
		r = xenbus_write(0, "control/feature-reboot", "1");
	if (r == 0)
		r = xenbus_watch(CONTROL_NODE, "gk-control", on_control, 0);
	if (r < 0)
		gk_warn("control: %s not watched (%d): xyl shutdown will be "
			"a hard one\n",
			CONTROL_NODE, r);
	/* Take the watch's first event now, at boot, not in the middle of
	 * an app's timing. */
	gk_evtchn_poll();
	return r;
}
