/*
 * dom0-tools/xyl/cmd_reboot.c: `xyl reboot [-a] [-w] <dom>`: write "reboot"
 * to the guest's control/shutdown (hard reboot through the hypervisor when
 * the guest has no PV control interface); cmd_shutdown.c does the work.
 */
#include <stdint.h>
#include <xen/sched.h>

#include "xs_domain.h"
#include "xyl.h"

int
cmd_reboot(struct xyl *x, int argc, char **argv)
{
	return shutdown_run(x, argc, argv, SHUTDOWN_reboot);
}
