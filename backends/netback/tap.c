/*
 * backends/netback/tap.c: the host side of a vif: its TAP device (named
 * like Xen's vif<domid>.<devid>, or the toolstack's vifname), its MTU and
 * link state, and the hotplug script run with the arguments and
 * environment Xen's toolstack gives vif scripts (online/offline,
 * type_if=vif, XENBUS_PATH, vif, ...).  The names come from xenstore keys
 * only dom0 writes; they are still bounded and checked here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "netback.h"

#define NETBACK_HOTPLUG_TIMEOUT_MS 40000

int
netback_tap_open(const char *name, uint32_t mtu, int *out)
{
	struct ifreq ifr;
	int fd, rc;

	if (strlen(name) >= IFNAMSIZ || !*name)
		return -EINVAL;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rc = netback_tap_set_up(name, mtu);
	if (rc) {
		close(fd);
		return rc;
	}
	*out = fd;
	return 0;
}

int
netback_tap_set_up(const char *name, uint32_t mtu)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_mtu = (int)mtu;
	if (ioctl(s, SIOCSIFMTU, &ifr) < 0)
		rc = -errno;
	if (rc == 0 && ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		rc = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (rc == 0 && ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		rc = -errno;
	close(s);
	return rc;
}

/* A script name without '/' is looked up in $XYLEM_SCRIPTS_DIR, then
 * /etc/xylem/scripts, then /etc/xen/scripts (as libxl does). */
static int
netback_script_path(const char *script, char *buf, size_t cap)
{
	const char *dirs[] = {getenv("XYLEM_SCRIPTS_DIR"), "/etc/xylem/scripts",
			      "/etc/xen/scripts"};

	if (strchr(script, '/')) {
		snprintf(buf, cap, "%s", script);
		return access(buf, X_OK) == 0 ? 0 : -errno;
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!dirs[i])
			continue;
		if (snprintf(buf, cap, "%s/%s", dirs[i], script) >= (int)cap)
			continue;
		if (access(buf, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

static void __attribute__((noreturn))
netback_hotplug_exec(struct netback_vif *vif, const char *path,
		     const char *action)
{
	char xpath[64];
	int null_fd = open("/dev/null", O_RDONLY);

	if (null_fd >= 0)
		dup2(null_fd, STDIN_FILENO);
	snprintf(xpath, sizeof(xpath), "backend/vif/%u/%u", vif->domid,
		 vif->devid);
	setenv("script", path, 1);
	setenv("XENBUS_TYPE", "vif", 1);
	setenv("XENBUS_PATH", xpath, 1);
	setenv("XENBUS_BASE_PATH", "backend", 1);
	setenv("netdev", "", 1);
	setenv("vif", vif->ifname, 1);
	execl(path, path, action, "type_if=vif", (char *)NULL);
	_exit(127);
}

static int
netback_hotplug_wait(pid_t pid)
{
	struct timespec ts = {0, 5 * 1000000};
	int status;

	for (int waited = 0; waited < NETBACK_HOTPLUG_TIMEOUT_MS; waited += 5) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) && WEXITSTATUS(status) == 0
				       ? 0
				       : -EIO;
		if (r < 0)
			return -errno;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -ETIMEDOUT;
}

int
netback_hotplug(struct netback_vif *vif, const char *action)
{
	char path[PATH_MAX];
	sigset_t none;
	pid_t pid;
	int rc;

	if (!vif->script[0])
		return 0;
	rc = netback_script_path(vif->script, path, sizeof(path));
	if (rc)
		return rc;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* Our loop blocks SIGTERM for its signalfd: the script must
		 * not inherit that. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		netback_hotplug_exec(vif, path, action);
	}
	return netback_hotplug_wait(pid);
}
