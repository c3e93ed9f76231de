/*
 * hypervisor/main.c: xylem-hv's entry.  Parses options, builds the one
 * struct hv, starts KVM, the control server and the main loop, and in
 * --boot mode runs one domain to its shutdown.  Only main() exits.
 */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xen/sched.h>

#include "control.h"
#include "domain.h"
#include "evtchn.h"
#include "hv.h"
#include "kvm.h"
#include "credit.h"
#include "stimer.h"
#include "timer.h"
#include "vcpu.h"

#define HV_DMESG_BYTES (256 * 1024)

struct hv_boot_opts {
	const char *kernel;
	const char *ramdisk;
	const char *cmdline;
	uint64_t mem_mib;
	uint32_t vcpus;
};

struct hv_main {
	struct hv hv;
	struct hv_boot_opts boot;
	int sig_fd;
	int pid_fd;
	char pid_path[4096];
	bool ctl_started;
	int exit_code;
};

static void
hv_usage(FILE *f)
{
	fprintf(f, "usage: xylem-hv [-v] [--rundir DIR] [--group NAME|GID] "
		   "[--foreground]\n"
		   "       xylem-hv [-v] --boot KERNEL [--ramdisk FILE] "
		   "[--cmdline STR] [--mem MIB] [--vcpus N]\n");
}

static int
hv_parse_group(const char *s, gid_t *gid)
{
	struct group *g = getgrnam(s);
	char *end;
	unsigned long n;

	if (g) {
		*gid = g->gr_gid;
		return 0;
	}
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || *end || end == s || n >= (gid_t)-1)
		return -EINVAL;
	*gid = (gid_t)n;
	return 0;
}

static int
hv_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end || end == s || n == 0 || n > max)
		return -EINVAL;
	*out = n;
	return 0;
}

static int
hv_parse_args(struct hv_main *m, int argc, char **argv)
{
	static const struct option opts[] = {
		{"verbose", no_argument, NULL, 'v'},
		{"rundir", required_argument, NULL, 'r'},
		{"group", required_argument, NULL, 'g'},
		{"foreground", no_argument, NULL, 'f'},
		{"boot", required_argument, NULL, 'b'},
		{"ramdisk", required_argument, NULL, 'i'},
		{"cmdline", required_argument, NULL, 'c'},
		{"mem", required_argument, NULL, 'm'},
		{"vcpus", required_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	uint64_t n;
	int c;

	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			m->hv.opt.verbose++;
			break;
		case 'r':
			m->hv.opt.rundir = optarg;
			break;
		case 'g':
			if (hv_parse_group(optarg, &m->hv.opt.ctl_gid) < 0) {
				fprintf(stderr,
					"xylem-hv: --group %s: no such "
					"group\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'f':
			m->hv.opt.foreground = true;
			break;
		case 'b':
			m->boot.kernel = optarg;
			break;
		case 'i':
			m->boot.ramdisk = optarg;
			break;
		case 'c':
			m->boot.cmdline = optarg;
			break;
		case 'm':
			if (hv_parse_uint(optarg, MEMORY_MAX_RAM >> 20,
					  &m->boot.mem_mib) < 0) {
				fprintf(stderr,
					"xylem-hv: --mem %s: bad size "
					"in MiB\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'n':
			if (hv_parse_uint(optarg, XYL_MAX_VCPUS, &n) < 0) {
				fprintf(stderr,
					"xylem-hv: --vcpus %s: need "
					"1..%u\n",
					optarg, XYL_MAX_VCPUS);
				return -EINVAL;
			}
			m->boot.vcpus = (uint32_t)n;
			break;
		case 'h':
			hv_usage(stdout);
			exit(0);
		default:
			hv_usage(stderr);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		hv_usage(stderr);
		return -EINVAL;
	}
	return 0;
}

/* Create the rundir if needed and take the pid file's lock: one
 * xylem-hv per rundir. */
static int
hv_pidfile(struct hv_main *m)
{
	char buf[32];
	int len;

	if (mkdir(m->hv.opt.rundir, 0755) < 0 && errno != EEXIST)
		return -errno;
	snprintf(m->pid_path, sizeof(m->pid_path), "%s/xylem-hv.pid",
		 m->hv.opt.rundir);
	m->pid_fd = open(m->pid_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (m->pid_fd < 0)
		return -errno;
	if (flock(m->pid_fd, LOCK_EX | LOCK_NB) < 0) {
		int rc = errno == EWOULDBLOCK ? -EADDRINUSE : -errno;
		close(m->pid_fd);
		m->pid_fd = -1;
		return rc;
	}
	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(m->pid_fd, 0) < 0 || write(m->pid_fd, buf, len) != len)
		return -errno;
	return 0;
}

static void
hv_on_signal(void *arg, uint32_t events)
{
	struct hv_main *m = arg;
	struct signalfd_siginfo si;

	(void)events;
	if (read(m->sig_fd, &si, sizeof(si)) == sizeof(si))
		log_info(&m->hv, "signal %u: shutting down", si.ssi_signo);
	m->exit_code = 0;
	loop_stop(&m->hv.loop);
}

static void
hv_on_domain_shutdown(void *arg, uint32_t events)
{
	struct hv_main *m = arg;
	struct xyl_dominfo info;
	uint64_t n;
	struct domain *d;

	(void)events;
	if (read(m->hv.shutdown_efd, &n, sizeof(n)) < 0)
		return;
	d = domain_get(&m->hv, m->hv.boot_domid);
	if (!d) {
		log_err(&m->hv, "boot: dom %u was destroyed", m->hv.boot_domid);
		m->exit_code = 1;
		loop_stop(&m->hv.loop);
		return;
	}
	domain_getinfo(d, &info);
	domain_put(d);
	if (!(info.state & XYL_DOMSTATE_SHUTDOWN))
		return;
	switch (info.shutdown_reason) {
	case SHUTDOWN_poweroff:
		m->exit_code = 0;
		break;
	case SHUTDOWN_reboot:
		m->exit_code = 3;
		break;
	default:
		m->exit_code = 2;
		break;
	}
	loop_stop(&m->hv.loop);
}

/* The events a toolstack's create + unpause would have emitted. */
static void
hv_boot_events(struct hv *hv, xyl_domid_t domid)
{
	struct xyl_ctl_event ev = {.kind = XYL_EVENT_DOMAIN_CREATED,
				   .domid = domid};

	ctl_emit_event(hv, &ev);
	ev.kind = XYL_EVENT_DOMAIN_UNPAUSED;
	ctl_emit_event(hv, &ev);
}

static int
hv_boot_domain(struct hv_main *m)
{
	struct domain_config *cfg = calloc(1, sizeof(*cfg));
	struct domain *d;
	char err[XYL_DETAIL_MAX];
	int rc;

	if (!cfg)
		return -ENOMEM;
	snprintf(cfg->name, sizeof(cfg->name), "boot");
	cfg->mem_kib = (m->boot.mem_mib ? m->boot.mem_mib : 64) << 10;
	cfg->vcpus = m->boot.vcpus ? m->boot.vcpus : 1;
	snprintf(cfg->cmdline, sizeof(cfg->cmdline), "%s",
		 m->boot.cmdline ? m->boot.cmdline : "");
	cfg->ramdisk_fd = -1;
	cfg->kernel_fd = open(m->boot.kernel, O_RDONLY | O_CLOEXEC);
	rc = cfg->kernel_fd < 0 ? -errno : 0;
	if (rc == 0 && m->boot.ramdisk) {
		cfg->ramdisk_fd = open(m->boot.ramdisk, O_RDONLY | O_CLOEXEC);
		rc = cfg->ramdisk_fd < 0 ? -errno : 0;
	}
	if (rc < 0) {
		log_err(&m->hv, "boot: %s: %s",
			cfg->kernel_fd < 0 ? m->boot.kernel : m->boot.ramdisk,
			strerror(-rc));
		goto out;
	}
	rc = domain_create(&m->hv, cfg, &d, err, sizeof(err));
	if (rc < 0) {
		log_err(&m->hv, "boot %s: %s", m->boot.kernel, err);
		goto out;
	}
	m->hv.boot_domid = d->domid;
	rc = loop_add(&m->hv.loop, m->hv.shutdown_efd, EPOLLIN,
		      hv_on_domain_shutdown, m);
	if (rc == 0)
		rc = domain_unpause(d);
	if (rc == 0)
		hv_boot_events(&m->hv, d->domid);
out:
	if (cfg->kernel_fd >= 0)
		close(cfg->kernel_fd);
	if (cfg->ramdisk_fd >= 0)
		close(cfg->ramdisk_fd);
	free(cfg);
	return rc;
}

static int
hv_setup(struct hv_main *m)
{
	sigset_t set;
	int rc;

	pthread_mutex_init(&m->hv.domains_lock, NULL);
	m->hv.next_domid = XYL_DOMID_FIRST_GUEST;
	m->hv.pvclock_flags = timer_pvclock_flags();
	rc = logring_init(&m->hv.dmesg, HV_DMESG_BYTES);
	if (rc < 0)
		return rc;
	rc = kvm_open(&m->hv);
	if (rc < 0) {
		log_err(&m->hv, "/dev/kvm: %s", strerror(-rc));
		return rc;
	}
	log_info(&m->hv, "KVM flavour %s, TSC %llu kHz%s", m->hv.kvm_flavour,
		 (unsigned long long)m->hv.tsc_khz,
		 m->hv.pvclock_flags ? ", stable" : "");
	credit_host_init(&m->hv);
	rc = stimer_init(&m->hv);
	if (rc < 0) {
		log_err(&m->hv, "shared-timer page: %s", strerror(-rc));
		return rc;
	}
	rc = vcpu_signal_init();
	if (rc == 0)
		rc = loop_init(&m->hv.loop);
	if (rc < 0)
		return rc;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sigdelset(&set, SIGPIPE);
	m->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	m->hv.shutdown_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (m->sig_fd < 0 || m->hv.shutdown_efd < 0)
		return -errno;
	rc = loop_add(&m->hv.loop, m->sig_fd, EPOLLIN, hv_on_signal, m);
	if (rc == 0)
		rc = evtchn_dom0_init(&m->hv);
	return rc;
}

/* The control server and pid file; optional in --boot mode. */
static int
hv_start_services(struct hv_main *m)
{
	int rc = hv_pidfile(m);

	if (rc == -EADDRINUSE)
		log_err(&m->hv, "another xylem-hv runs in %s",
			m->hv.opt.rundir);
	else if (rc < 0)
		log_err(&m->hv, "%s: %s", m->hv.opt.rundir, strerror(-rc));
	if (rc < 0)
		return rc;
	rc = ctl_server_start(&m->hv);
	if (rc < 0) {
		log_err(&m->hv, "control socket in %s: %s", m->hv.opt.rundir,
			strerror(-rc));
		return rc;
	}
	m->ctl_started = true;
	return 0;
}

static void
hv_destroy_all(struct hv *hv)
{
	struct domain *d;

	while ((d = domain_get_next(hv, XYL_DOMID_FIRST_GUEST))) {
		domain_destroy(d);
		domain_put(d);
	}
}

static void
hv_teardown(struct hv_main *m)
{
	hv_destroy_all(&m->hv);
	if (m->ctl_started)
		ctl_server_stop(&m->hv);
	evtchn_dom0_fini(&m->hv);
	credit_host_fini(&m->hv);
	stimer_fini(&m->hv);
	if (m->pid_fd >= 0) {
		unlink(m->pid_path);
		close(m->pid_fd);
	}
}

int
main(int argc, char **argv)
{
	static struct hv_main m; /* large (domain table): not on the stack */
	const char *env = getenv("XYLEM_RUNDIR");
	int rc;

	m.hv.opt.rundir = env && *env ? env : "/run/xylem";
	m.hv.opt.ctl_gid = (gid_t)-1;
	env = getenv("XYLEM_NO_FAST_NOTIFY");
	m.hv.opt.no_fast_notify = env && strcmp(env, "1") == 0;
	m.hv.kvm_fd = m.hv.shutdown_efd = m.sig_fd = m.pid_fd = -1;
	m.hv.stimer_fd = -1;
	m.exit_code = 1;
	if (hv_parse_args(&m, argc, argv) < 0)
		return 1;
	log_set_level(m.hv.opt.verbose ? LOG_DEBUG : LOG_INFO);
	if (m.boot.kernel)
		setvbuf(stdout, NULL, _IOLBF, 0);
	if (hv_setup(&m) < 0)
		return 1;
	rc = hv_start_services(&m);
	if (rc < 0 && !m.boot.kernel)
		goto out;
	if (rc < 0)
		log_warn(&m.hv, "boot mode without a control server");
	if (m.boot.kernel && hv_boot_domain(&m) < 0)
		goto out;
	if (!m.boot.kernel)
		m.exit_code = 0;
	rc = loop_run(&m.hv.loop);
	if (rc < 0)
		log_err(&m.hv, "main loop: %s", strerror(-rc));
out:
	hv_teardown(&m);
	return m.exit_code;
}
