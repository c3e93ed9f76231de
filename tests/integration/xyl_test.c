/*
 * tests/integration/xyl_test.c: xyl's verbs, hooks, life-cycle actions and
 * event stream against a live xylem-hv (started by the harness) with real
 * guests: every verb's success and error path, hooks in order with their
 * environment, a vetoing and a hanging hook, on_crash restart stopping at
 * the limit, rename-restart, and `xyl events --json` seeing a guest's life,
 * maxmem from the config reaching the guest, and a pause seen by the
 * guest as offline runstate time.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "proc.h"
#include "suite.h"

#define GUEST_TIMEOUT_MS 120000
#define VERB_TIMEOUT_MS	 30000

static struct harness_hv hv;
static char xyl[4096], guest[4096], hooks[4096];

static void
setup(void)
{
	ck_assert_int_eq(proc_bin_path("xyl", xyl, sizeof(xyl)), 0);
	ck_assert_int_eq(proc_guest_path(guest, sizeof(guest)), 0);
	ck_assert_int_eq(harness_hv_start(&hv, NULL, 10000), 0);
	snprintf(hooks, sizeof(hooks), "%s/hooks.d", hv.rundir);
	ck_assert_int_eq(mkdir(hooks, 0755), 0);
	setenv("XYLEM_HOOKS_DIR", hooks, 1);
}

static void
teardown(void)
{
	ck_assert_int_ge(harness_hv_stop(&hv), 0);
}

/* A config in the rundir; extra is more xl.cfg lines. */
static char *
write_config(const char *name, const char *cmdline, const char *extra)
{
	char *path;
	FILE *f;

	ck_assert(asprintf(&path, "%s/%s.cfg", hv.rundir, name) > 0);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
		"name = \"%s\"\nkernel = \"%s\"\nmemory = 32\n"
		"cmdline = \"%s\"\n%s\n",
		name, guest, cmdline, extra ? extra : "");
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

static void
write_hook(const char *name, const char *body)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", hooks, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, 0755), 0);
}

/* Run `xyl args...` to completion: its exit code; output in *out
 * (malloc'd, caller frees) if out. */
static int
xyl_run(char **out, const char *a1, const char *a2, const char *a3,
	const char *a4, const char *a5)
{
	char *argv[] = {xyl,	    (char *)a1, (char *)a2, (char *)a3,
			(char *)a4, (char *)a5, NULL};
	struct proc p;
	int rc = proc_run(&p, hv.rundir, argv, VERB_TIMEOUT_MS);

	if (out)
		*out = strdup(p.out ? p.out : "");
	proc_free(&p);
	return rc;
}

static void
expect(int rc_want, const char *text, const char *a1, const char *a2,
       const char *a3, const char *a4)
{
	char *out;
	int rc = xyl_run(&out, a1, a2, a3, a4, NULL);

	ck_assert_msg(rc == rc_want, "xyl %s %s: exit %d (want %d): %s", a1,
		      a2 ? a2 : "", rc, rc_want, out);
	ck_assert_msg(!text || strstr(out, text), "xyl %s %s: no '%s' in:\n%s",
		      a1, a2 ? a2 : "", text, out);
	free(out);
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = calloc(1, 1 << 16);

	ck_assert_ptr_nonnull(buf);
	if (f) {
		size_t n = fread(buf, 1, (1 << 16) - 1, f);

		buf[n] = '\0';
		fclose(f);
	}
	return buf;
}

START_TEST(verbs_success_and_errors)
{
	char *cfg = write_config("web1", "app=idle", NULL), *out;

	expect(0, "Waiting for domain web1", "create", cfg, NULL, NULL);
	expect(1, "a domain with that name exists", "create", cfg, NULL, NULL);
	expect(0, "web1 ", "list", NULL, NULL, NULL);
	expect(0, "\"name\": \"web1\"", "list", "--json", NULL, NULL);
	expect(0, "\"config\"", "list", "-l", "web1", NULL);
	expect(1, "nosuch: no such domain", "list", "nosuch", NULL, NULL);
	expect(0, "1\n", "domid", "web1", NULL, NULL);
	expect(1, "Can't get domid of domain name 'nosuch'", "domid", "nosuch",
	       NULL, NULL);
	expect(0, "web1\n", "domname", "1", NULL, NULL);
	expect(0, "Domain-0\n", "domname", "0", NULL, NULL);
	expect(1, "Can't get domain name of domain id '77'", "domname", "77",
	       NULL, NULL);
	expect(0, "Uptime", "uptime", NULL, NULL, NULL);
	expect(0, " up ", "uptime", "-s", "web1", NULL);
	expect(0, NULL, "pause", "web1", NULL, NULL);
	expect(0, "--p", "list", "web1", NULL, NULL);
	expect(1, "domain 0 cannot be paused", "pause", "0", NULL, NULL);
	expect(0, NULL, "unpause", "web1", NULL, NULL);
	expect(0, "MAXMEM(k)", "top", "-b", "-i", "2");
	expect(0, NULL, "mem-max", "web1", "32", NULL);
	expect(1, "maximum 16 MiB is below its current memory 32 MiB",
	       "mem-max", "web1", "16", NULL);
	expect(0, NULL, "mem-max", "web1", "64m", NULL);
	expect(0, "\"max_mem_kib\": 65536", "list", "-l", "web1", NULL);
	expect(0, NULL, "mem-max", "web1", "262144k", NULL);
	expect(0, "\"max_mem_kib\": 262144", "list", "--json", NULL, NULL);
	expect(0, NULL, "mem-max", "web1", "1g", NULL);
	expect(0, "\"max_mem_kib\": 1048576", "list", "-l", "web1", NULL);
	expect(0, NULL, "mem-set", "web1", "32", NULL);
	expect(1, "not supported (no ballooning yet)", "mem-set", "web1", "64m",
	       NULL);
	expect(1, "invalid size", "mem-max", "web1", "lots", NULL);
	expect(1, "network-attach: xenstore", "network-attach", "web1",
	       "mac=00:16:3e:00:00:01", NULL);
	expect(0, "Mac Addr.", "network-list", "web1", NULL, NULL);
	expect(0, "xen_version", "info", NULL, NULL, NULL);
	expect(0, "control", "dmesg", NULL, NULL, NULL);
	expect(0, NULL, "dmesg", "-c", NULL, NULL);
	expect(1, "usage: xyl top", "top", "-i", "0", NULL);
	expect(0, NULL, "rename", "web1", "web2", NULL);
	expect(1, "no such domain", "rename", "web1", "web3", NULL);
	expect(1, "not a valid domain name", "rename", "web2", "42", NULL);
	expect(0, "1\n", "domid", "web2", NULL, NULL);
	expect(0, NULL, "destroy", "web2", NULL, NULL);
	expect(1, "no such domain", "destroy", "web2", NULL, NULL);
	expect(1, "domain 0 cannot be destroyed", "destroy", "0", NULL, NULL);
	expect(1, "unknown verb", "frobnicate", NULL, NULL, NULL);
	expect(1, "usage: xyl uptime", "uptime", "-x", NULL, NULL);
	ck_assert_int_eq(xyl_run(&out, "list", NULL, NULL, NULL, NULL), 0);
	ck_assert_msg(!strstr(out, "web"), "destroyed guest still listed:\n%s",
		      out);
	free(out);
	free(cfg);
}
END_TEST

/* Each hook logs "<hook> <event> <name> <domid> <uuid?>" and its stdin. */
#define LOG_HOOK(tag)                                                          \
	"echo \"" tag " $1 $2 $XYLEM_EVENT $XYLEM_DOMAIN d=$XYLEM_DOMID "      \
	"u=${XYLEM_UUID:+yes}\" >> \"$XYLEM_RUNDIR/hooks.log\"\n"              \
	"cat > \"$XYLEM_RUNDIR/stdin-" tag "-$1.json\""

START_TEST(hooks_run_in_order_with_environment)
{
	char *cfg = write_config("hooked", "", NULL), *log, *json, path[4200];
	const char *want[] = {"10 prepare hooked prepare hooked d= u=\n"
			      "20 prepare hooked prepare hooked d= u=\n"
			      "10 started hooked started hooked d=1 u=yes\n"
			      "20 started hooked started hooked d=1 u=yes\n"
			      "10 shutdown hooked shutdown hooked d=1 u=yes\n"
			      "20 shutdown hooked shutdown hooked d=1 u=yes\n"
			      "10 released hooked released hooked d=1 u=yes\n"
			      "20 released hooked released hooked d=1 u=yes\n"};

	write_hook("20-second", LOG_HOOK("20"));
	write_hook("10-first", LOG_HOOK("10"));
	write_hook(".hidden", "echo hidden >> \"$XYLEM_RUNDIR/hooks.log\"");
	expect(0, "Parsing config", "create", "-c", cfg, NULL);
	snprintf(path, sizeof(path), "%s/hooks.log", hv.rundir);
	log = read_file(path);
	ck_assert_msg(strcmp(log, want[0]) == 0, "hooks ran as:\n%s", log);
	snprintf(path, sizeof(path), "%s/stdin-20-shutdown.json", hv.rundir);
	json = read_file(path);
	ck_assert_msg(strstr(json, "\"event\":\"shutdown\"") &&
			      strstr(json, "\"reason\":\"poweroff\"") &&
			      strstr(json, "\"config\":{\"name\":\"hooked\""),
		      "shutdown hook's stdin: %s", json);
	free(json);
	free(log);
	free(cfg);
}
END_TEST

/* Without -c the monitor carries out the action and runs the hooks. */
START_TEST(monitor_runs_hooks)
{
	char *cfg = write_config("watched", "", NULL), *log = NULL, path[4200];
	int i;

	write_hook("10-log", LOG_HOOK("10"));
	expect(0, "Waiting for domain watched", "create", cfg, NULL, NULL);
	snprintf(path, sizeof(path), "%s/hooks.log", hv.rundir);
	for (i = 0; i < 600; i++) {
		free(log);
		log = read_file(path);
		if (strstr(log, "10 released"))
			break;
		usleep(100000);
	}
	ck_assert_msg(strstr(log, "10 shutdown watched shutdown watched d=1") &&
			      strstr(log, "10 released watched released "
					  "watched d=1 u=yes"),
		      "monitor's hooks:\n%s", log);
	free(log);
	free(cfg);
}
END_TEST

/* The monitor restarts on reboot (on_reboot's default) and leaves a
 * preserved domain for `xyl destroy` to release. */
START_TEST(monitor_restart_and_preserve)
{
	char *rb = write_config("rb", "app=idle", NULL);
	char *pres = write_config("pres", "", "on_poweroff = \"preserve\"");
	char *out = NULL, path[4200];
	int i;

	expect(0, NULL, "create", rb, NULL, NULL);
	expect(0, "Domain 1 has been shut down, reason code 1", "reboot", "-w",
	       "rb", NULL);
	for (i = 0; i < 300; i++) {
		free(out);
		out = NULL;
		if (xyl_run(&out, "domid", "rb", NULL, NULL, NULL) == 0 &&
		    strcmp(out, "2\n") == 0)
			break;
		usleep(100000);
	}
	ck_assert_msg(out && strcmp(out, "2\n") == 0,
		      "rb not restarted as domid 2: %s", out);
	free(out);
	out = NULL;
	expect(0, NULL, "create", pres, NULL, NULL);
	for (i = 0; i < 300; i++) {
		free(out);
		xyl_run(&out, "list", "pres", NULL, NULL, NULL);
		if (strstr(out, "---s--"))
			break;
		usleep(100000);
	}
	ck_assert_msg(strstr(out, "---s--"), "pres not preserved:\n%s", out);
	free(out);
	expect(0, NULL, "destroy", "pres", NULL, NULL);
	snprintf(path, sizeof(path), "%s/events.log", hv.rundir);
	out = read_file(path);
	ck_assert_msg(strstr(out, "\"event\":\"released\",\"domid\":3,"
				  "\"name\":\"pres\""),
		      "no release of pres:\n%s", out);
	ck_assert_msg(strstr(out, "\"event\":\"released\",\"domid\":1,"
				  "\"name\":\"rb\""),
		      "no release of rb's first domain:\n%s", out);
	free(out);
	expect(0, NULL, "destroy", "rb", NULL, NULL);
	free(rb);
	free(pres);
}
END_TEST

START_TEST(prepare_hook_vetoes_create)
{
	char *cfg = write_config("vetoed", "app=idle", NULL), *out;

	write_hook("05-quota", "[ \"$1\" = prepare ] || exit 0\n"
			       "echo \"quota exceeded for $2\" >&2\nexit 3");
	expect(1,
	       "xyl: create vetoed: refused by hook 05-quota: quota "
	       "exceeded for vetoed",
	       "create", cfg, NULL, NULL);
	ck_assert_int_eq(xyl_run(&out, "list", NULL, NULL, NULL, NULL), 0);
	ck_assert_msg(!strstr(out, "vetoed"), "vetoed domain exists:\n%s", out);
	free(out);
	free(cfg);
}
END_TEST

START_TEST(hanging_hook_is_killed)
{
	char *cfg = write_config("slowhook", "", NULL), *out;
	time_t start = time(NULL);
	int rc;

	setenv("XYLEM_HOOKS_TIMEOUT", "1", 1);
	write_hook("50-hang", "[ \"$1\" = started ] || exit 0\nsleep 60");
	/* Much output, and stdin never read: must not block xyl either. */
	write_hook("60-chatty", "head -c 200000 /dev/zero | tr '\\0' x");
	rc = xyl_run(&out, "create", "-c", cfg, NULL, NULL);
	ck_assert_msg(rc == 0, "create -c exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "hook 50-hang: timed out after 1 s (killed) "
				  "(event started, domain slowhook)"),
		      "no timeout message in:\n%s", out);
	ck_assert_msg(time(NULL) - start < 30, "the hanging hook held xyl");
	free(out);
	free(cfg);
}
END_TEST

START_TEST(on_crash_restart_stops_at_limit)
{
	char *cfg = write_config("crashy", "app=fault",
				 "on_crash = \"restart\""),
	     *out;
	int rc = xyl_run(&out, "-v", "create", "-F", cfg, NULL);

	ck_assert_msg(rc == 1, "create -F exit %d:\n%s", rc, out);
	ck_assert_msg(proc_count(out, "restarted (was domid") == 5,
		      "not 5 restarts:\n%s", out);
	ck_assert_msg(strstr(out, "restarted 5 times within 10 s; giving up"),
		      "no give-up message:\n%s", out);
	free(out);
	/* The last one is left shut down (crashed) for inspection. */
	expect(0, "---sc-", "list", "crashy", NULL, NULL);
	expect(0, NULL, "destroy", "crashy", NULL, NULL);
	free(cfg);
}
END_TEST

START_TEST(rename_restart_preserves_the_old_domain)
{
	char *cfg = write_config("rr", "app=fault",
				 "on_crash = \"rename-restart\""),
	     *out;
	int rc = xyl_run(&out, "-v", "create", "-F", cfg, NULL);

	ck_assert_msg(rc == 1, "create -F exit %d:\n%s", rc, out);
	ck_assert_msg(strstr(out, "preserved as rr-"), "%s", out);
	free(out);
	ck_assert_int_eq(xyl_run(&out, "list", NULL, NULL, NULL, NULL), 0);
	ck_assert_msg(proc_count(out, "\nrr-") == 5 && strstr(out, "\nrr "),
		      "list after rename-restart:\n%s", out);
	free(out);
	free(cfg);
}
END_TEST

START_TEST(events_json_sees_a_guest_life)
{
	char *cfg = write_config("evguest", "", NULL);
	char *argv[] = {xyl, "events", "--json", NULL};
	const char *want[] = {
		"\"source\":\"hypervisor\",\"event\":\"created\"",
		"\"source\":\"xyl\",\"event\":\"prepare\"",
		"\"source\":\"xyl\",\"event\":\"started\"",
		"\"source\":\"hypervisor\",\"event\":\"unpaused\"",
		"\"source\":\"hypervisor\",\"event\":\"shutdown\"",
		"\"source\":\"xyl\",\"event\":\"shutdown\"",
		"\"source\":\"hypervisor\",\"event\":\"destroyed\"",
		"\"source\":\"xyl\",\"event\":\"released\""};
	struct proc ev;
	size_t i;

	ck_assert_int_eq(proc_start(&ev, hv.rundir, argv), 0);
	ck_assert_int_eq(proc_wait_output(&ev, "watching", 10000), 0);
	expect(0, NULL, "create", "-c", cfg, NULL);
	ck_assert_msg(proc_wait_output(&ev, "\"event\":\"released\"", 20000) ==
			      0,
		      "no released event:\n%s", ev.out);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(strstr(ev.out, want[i]), "no %s in:\n%s", want[i],
			      ev.out);
	ck_assert_msg(strstr(ev.out, "\"name\":\"evguest\""), "%s", ev.out);
	kill(-ev.pid, SIGTERM);
	ck_assert_int_eq(proc_wait(&ev, 10000), 0);
	proc_free(&ev);
	free(cfg);
}
END_TEST

/* mem-max on a paused guest before it boots: the selftest then reads the
 * new maximum with XENMEM_maximum_reservation (64 MiB = 16384 pages). */
START_TEST(mem_max_reaches_the_guest)
{
	char *cfg = write_config("mm1", "app=selftest timer_slack_us=2000000",
				 NULL);
	char *argv[] = {xyl, "create", "-p", "-c", cfg, NULL};
	struct proc p;
	int rc;

	ck_assert_int_eq(proc_start(&p, hv.rundir, argv), 0);
	for (int i = 0;
	     i < 1200 && xyl_run(NULL, "domid", "mm1", NULL, NULL, NULL) != 0;
	     i++)
		usleep(100000);
	expect(0, NULL, "mem-max", "mm1", "64", NULL);
	expect(0, NULL, "unpause", "mm1", NULL, NULL);
	rc = proc_wait(&p, GUEST_TIMEOUT_MS);
	ck_assert_msg(rc == 0, "xyl create -c exit %d: %s", rc, p.out);
	ck_assert_msg(strstr(p.out, "maximum_reservation: 16384 pages"),
		      "guest did not see the new maximum:\n%s", p.out);
	ck_assert_msg(strstr(p.out, " passed, 0 failed"), "%s", p.out);
	proc_free(&p);
	free(cfg);
}
END_TEST

/* maxmem above memory in the config: the domain is created with that
 * maximum, list -l shows it and the selftest reads it (128 MiB = 32768
 * pages) while its RAM stays 32 MiB; maxmem below memory is refused. */
START_TEST(maxmem_in_config_reaches_the_guest)
{
	char *cfg = write_config("mx1", "app=selftest timer_slack_us=2000000",
				 "maxmem = 128");
	char *bad = write_config("mx2", "app=idle", "maxmem = 16");
	char *argv[] = {xyl, "create", "-p", "-c", cfg, NULL};
	struct proc p;
	int rc;

	expect(1, "maxmem: 16 MiB is below memory (32 MiB)", "create", bad,
	       NULL, NULL);
	expect(1, "no such domain", "list", "mx2", NULL, NULL);
	ck_assert_int_eq(proc_start(&p, hv.rundir, argv), 0);
	for (int i = 0;
	     i < 1200 && xyl_run(NULL, "domid", "mx1", NULL, NULL, NULL) != 0;
	     i++)
		usleep(100000);
	expect(0, "\"max_mem_kib\": 131072", "list", "-l", "mx1", NULL);
	expect(0, "\"mem_kib\": 32768", "list", "-l", "mx1", NULL);
	expect(0, NULL, "unpause", "mx1", NULL, NULL);
	rc = proc_wait(&p, GUEST_TIMEOUT_MS);
	ck_assert_msg(rc == 0, "xyl create -c exit %d: %s", rc, p.out);
	ck_assert_msg(strstr(p.out, "maximum_reservation: 32768 pages"),
		      "guest did not see maxmem:\n%s", p.out);
	ck_assert_msg(strstr(p.out, "current_reservation: 8192 pages"),
		      "guest RAM is not memory:\n%s", p.out);
	ck_assert_msg(strstr(p.out, " passed, 0 failed"), "%s", p.out);
	proc_free(&p);
	free(bad);
	free(cfg);
}
END_TEST

/* xyl pause of a running guest: its vCPU's runstate goes offline for the
 * pause (the selftest spins until it sees >= 100 ms of offline time). */
START_TEST(pause_shows_in_the_guest_runstate)
{
	char *cfg = write_config("rs1",
				 "app=selftest timer_slack_us=2000000 "
				 "runstate_pause_probe=1",
				 NULL);
	char *argv[] = {xyl, "create", "-c", cfg, NULL};
	struct proc p;
	int rc;

	ck_assert_int_eq(proc_start(&p, hv.rundir, argv), 0);
	ck_assert_msg(proc_wait_output(&p, "runstate: pause me now",
				       GUEST_TIMEOUT_MS) == 0,
		      "no pause prompt:\n%s", p.out);
	expect(0, NULL, "pause", "rs1", NULL, NULL);
	usleep(300000);
	expect(0, NULL, "unpause", "rs1", NULL, NULL);
	rc = proc_wait(&p, GUEST_TIMEOUT_MS);
	ck_assert_msg(rc == 0, "xyl create -c exit %d: %s", rc, p.out);
	ck_assert_msg(strstr(p.out, "ok: runstate: paused by the toolstack"),
		      "guest did not see the pause as offline:\n%s", p.out);
	ck_assert_msg(strstr(p.out, " passed, 0 failed"), "%s", p.out);
	proc_free(&p);
	free(cfg);
}
END_TEST

static Suite *
xyl_suite(void)
{
	Suite *s = suite_create("xyl");
	TCase *tc = tcase_create("verbs");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, verbs_success_and_errors);
	tcase_add_test(tc, hooks_run_in_order_with_environment);
	tcase_add_test(tc, monitor_runs_hooks);
	tcase_add_test(tc, monitor_restart_and_preserve);
	tcase_add_test(tc, prepare_hook_vetoes_create);
	tcase_add_test(tc, hanging_hook_is_killed);
	tcase_add_test(tc, on_crash_restart_stops_at_limit);
	tcase_add_test(tc, rename_restart_preserves_the_old_domain);
	tcase_add_test(tc, events_json_sees_a_guest_life);
	tcase_add_test(tc, mem_max_reaches_the_guest);
	tcase_add_test(tc, maxmem_in_config_reaches_the_guest);
	tcase_add_test(tc, pause_shows_in_the_guest_runstate);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return suite_main("xyl_test", xyl_suite);
}
