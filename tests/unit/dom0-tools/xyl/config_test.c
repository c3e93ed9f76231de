/*
 * tests/unit/dom0-tools/xyl/config_test.c: config_parse() and the key
 * scanner called directly: good configs give the expected values
 * (defaults, overrides, extra/cmdline, relative paths), bad and hostile
 * ones give -EINVAL (or the file error) and the exact report line.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_keys.h"

static char dir[PATH_MAX];
static char *report_buf;
static size_t report_len;
static FILE *report;

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/xyl-config-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	report = open_memstream(&report_buf, &report_len);
}

static void
teardown(void)
{
	char cmd[PATH_MAX + 16];

	fclose(report);
	free(report_buf);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Write text as dir/name; returns the path (static buffer). */
static const char *
write_cfg(const char *name, const char *text)
{
	static char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static int
parse(const char *text, char **ov, int nr_ov, struct config *c)
{
	int r = config_parse(write_cfg("t.cfg", text), ov, nr_ov, report, c);

	fflush(report);
	return r;
}

START_TEST(test_defaults)
{
	struct config c;
	char want[PATH_MAX + 16];

	ck_assert_int_eq(
		parse("name = \"d\"\nkernel = \"k.elf\"\n", NULL, 0, &c), 0);
	ck_assert_str_eq(c.name, "d");
	ck_assert_str_eq(c.type, "pvh");
	snprintf(want, sizeof(want), "%s/k.elf", dir);
	ck_assert_str_eq(c.kernel, want);
	ck_assert_ptr_null(c.ramdisk);
	ck_assert_str_eq(c.cmdline, "");
	ck_assert_uint_eq(c.memory_mib, 32);
	ck_assert_uint_eq(c.maxmem_mib, 32);
	ck_assert_uint_eq(c.vcpus, 1);
	ck_assert(!c.has_uuid);
	ck_assert_int_eq(c.on_poweroff, CONFIG_ACTION_DESTROY);
	ck_assert_int_eq(c.on_reboot, CONFIG_ACTION_RESTART);
	ck_assert_int_eq(c.on_crash, CONFIG_ACTION_DESTROY);
	ck_assert_uint_eq(report_len, 0);
	config_free(&c);
}
END_TEST

START_TEST(test_full)
{
	struct config c;
	char text[] = "name='web1'; type=\"pvh\"\n"
		      "kernel = \"/srv/k.elf\"   # absolute\n"
		      "ramdisk = \"sub/initrd\"\n"
		      "memory = 0x100\nmaxmem = 256\nvcpus = 4\n"
		      "uuid = \"6B1C9A4E-0000-4a5b-8c9d-0123456789ab\"\n"
		      "on_poweroff = \"preserve\"\non_reboot = \"destroy\"\n"
		      "on_crash = \"restart\"\ndisk = [ ]\nvif = []\n";
	char want[PATH_MAX + 16], uuid[37];

	ck_assert_int_eq(parse(text, NULL, 0, &c), 0);
	ck_assert_str_eq(c.kernel, "/srv/k.elf");
	snprintf(want, sizeof(want), "%s/sub/initrd", dir);
	ck_assert_str_eq(c.ramdisk, want);
	ck_assert_uint_eq(c.memory_mib, 256);
	ck_assert_uint_eq(c.vcpus, 4);
	ck_assert(c.has_uuid);
	config_uuid_format(c.uuid, uuid);
	ck_assert_str_eq(uuid, "6b1c9a4e-0000-4a5b-8c9d-0123456789ab");
	ck_assert_int_eq(c.on_poweroff, CONFIG_ACTION_PRESERVE);
	ck_assert_int_eq(c.on_reboot, CONFIG_ACTION_DESTROY);
	ck_assert_int_eq(c.on_crash, CONFIG_ACTION_RESTART);
	config_free(&c);
}
END_TEST

/* Relative disk targets are relative to the config file's directory (as
 * kernel and ramdisk), in both spec syntaxes; absolute ones stay. */
START_TEST(test_relative_disks)
{
	struct config c;
	char text[] = "name='dk'\nkernel = \"k.elf\"\n"
		      "disk = [ \"vol.img,raw,xvda,r\", \"format=raw, "
		      "vdev=xvdb, access=rw, target=sub/b.img\",\n"
		      "  \"/srv/c.img,raw,xvdc,w\" ]\n";
	char want[PATH_MAX + 64];

	ck_assert_int_eq(parse(text, NULL, 0, &c), 0);
	ck_assert_int_eq(c.nr_disks, 3);
	snprintf(want, sizeof(want), "%s/vol.img,raw,xvda,r", dir);
	ck_assert_str_eq(c.disks[0], want);
	snprintf(want, sizeof(want),
		 "format=raw, vdev=xvdb, access=rw, target=%s/sub/b.img", dir);
	ck_assert_str_eq(c.disks[1], want);
	ck_assert_str_eq(c.disks[2], "/srv/c.img,raw,xvdc,w");
	ck_assert_uint_eq(report_len, 0);
	config_free(&c);
}
END_TEST

START_TEST(test_cmdline_rules)
{
	char want[PATH_MAX + 128];
	struct config c;

	ck_assert_int_eq(parse("name=\"a\"\nkernel=\"/k\"\nextra=\"x=1\"\n",
			       NULL, 0, &c),
			 0);
	ck_assert_str_eq(c.cmdline, "x=1");
	config_free(&c);
	ck_assert_int_eq(parse("name=\"a\"\nkernel=\"/k\"\nroot=\"/dev/xvda1\""
			       "\nextra=\"ro quiet\"\n",
			       NULL, 0, &c),
			 0);
	ck_assert_str_eq(c.cmdline, "root=/dev/xvda1 ro quiet");
	config_free(&c);
	ck_assert_int_eq(parse("name=\"a\"\nkernel=\"/k\"\nextra=\"x=1\"\n"
			       "cmdline=\"app=selftest\"\n",
			       NULL, 0, &c),
			 0);
	ck_assert_str_eq(c.cmdline, "app=selftest");
	snprintf(want, sizeof(want),
		 "xyl: %s/t.cfg:4: warning: cmdline: root= and extra= "
		 "ignored in favour of cmdline=\n",
		 dir);
	ck_assert_str_eq(report_buf, want);
	config_free(&c);
}
END_TEST

START_TEST(test_overrides)
{
	char *ov[] = {"memory=128", "vcpus=2", "memory = 256",
		      "extra += \" b=2\"", "name=\"other\""};
	struct config c;

	ck_assert_int_eq(parse("name=\"a\"\nkernel=\"/k\"\nmemory=64\n"
			       "extra=\"a=1\"\n",
			       ov, 5, &c),
			 0);
	ck_assert_uint_eq(c.memory_mib, 256);
	ck_assert_uint_eq(c.vcpus, 2);
	ck_assert_str_eq(c.cmdline, "a=1 b=2");
	ck_assert_str_eq(c.name, "other");
	config_free(&c);
}
END_TEST

/* maxmem above memory is the domain's maximum; an override of memory
 * alone keeps maxmem = memory when maxmem is not given. */
START_TEST(test_maxmem_above_memory)
{
	char *ov[] = {"maxmem=512"};
	struct config c;

	ck_assert_int_eq(parse("name=\"a\"\nkernel=\"/k\"\nmemory=64\n"
			       "maxmem=128\n",
			       NULL, 0, &c),
			 0);
	ck_assert_uint_eq(c.memory_mib, 64);
	ck_assert_uint_eq(c.maxmem_mib, 128);
	config_free(&c);
	ck_assert_int_eq(
		parse("name=\"a\"\nkernel=\"/k\"\nmemory=64\n", ov, 1, &c), 0);
	ck_assert_uint_eq(c.maxmem_mib, 512);
	config_free(&c);
	ck_assert_int_eq(
		parse("name=\"a\"\nkernel=\"/k\"\nmemory=96\n", NULL, 0, &c),
		0);
	ck_assert_uint_eq(c.maxmem_mib, 96);
	config_free(&c);
}
END_TEST

START_TEST(test_override_errors_name_the_command_line)
{
	char *ov[] = {"vcpus=2", "vcpus=99"};
	struct config c;

	ck_assert_int_eq(parse("name=\"a\"\nkernel=\"/k\"\n", ov, 2, &c),
			 -EINVAL);
	ck_assert_str_eq(report_buf,
			 "xyl: command line:2: vcpus: 99 is out of range "
			 "(1 to 64)\n");
}
END_TEST

START_TEST(test_override_newline_refused)
{
	char *ov[] = {"memory=64\nname=\"x\""};
	struct config c;

	ck_assert_int_eq(parse("name=\"a\"\nkernel=\"/k\"\n", ov, 1, &c),
			 -EINVAL);
	ck_assert_str_eq(report_buf,
			 "xyl: command line:1: an override must be one line\n");
}
END_TEST

START_TEST(test_semantic_error_line)
{
	struct config c;

	/* The last assignment wins, so the error names its line. */
	ck_assert_int_eq(parse("name=\"a\"\nkernel=\"/k\"\nmemory=64\n"
			       "# memory = 1 in a comment\n"
			       "extra = \"memory = 2\"; memory = \"-5\"\n",
			       NULL, 0, &c),
			 -EINVAL);
	ck_assert(strstr(report_buf, "t.cfg:5: memory: -5 MiB is out of "
				     "range (4 to 1048576 MiB)\n"));
}
END_TEST

START_TEST(test_missing_file)
{
	struct config c;
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/none.cfg", dir);
	ck_assert_int_eq(config_parse(path, NULL, 0, report, &c), -ENOENT);
	fflush(report);
	ck_assert(strstr(report_buf, "No such file or directory\n"));
}
END_TEST

START_TEST(test_hostile_inputs)
{
	static const char *const texts[] = {
		"",
		"\0\0\0",
		"[[[[[[[",
		"name=[[[\"a\"]]]\n",
		"=\n=\n;;;",
		"name=\"\\x00\"\nkernel=\"/k\"",
		"a+=1\na+=[1]\n",
		"name=\"a\"\nkernel=\"/k\"\nmemory=99999999999999999999999\n",
		"name=\"a\"\nkernel=\"/k\"\nvcpus=-1\n",
		"name="
		"\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaa\"\nkernel=\"/k\"\n",
		"name=\"a/b\"\nkernel=\"/k\"\n",
		"name=\"Domain-0\"\nkernel=\"/k\"\n",
	};
	struct config c;
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		ck_assert_msg(parse(texts[i], NULL, 0, &c) < 0, "case %zu", i);
}
END_TEST

START_TEST(test_huge_file_refused)
{
	char *big = malloc(CONFIG_FILE_MAX_BYTES + 2);
	struct config c;

	memset(big, '#', CONFIG_FILE_MAX_BYTES + 1);
	big[CONFIG_FILE_MAX_BYTES + 1] = '\0';
	ck_assert_int_eq(parse(big, NULL, 0, &c), -EFBIG);
	free(big);
}
END_TEST

START_TEST(test_long_cmdline_refused)
{
	char *text = malloc(4096);
	struct config c;
	int n;

	n = snprintf(text, 4096, "name=\"a\"\nkernel=\"/k\"\nextra=\"");
	memset(text + n, 'x', 2100);
	strcpy(text + n + 2100, "\"\n");
	ck_assert_int_eq(parse(text, NULL, 0, &c), -EINVAL);
	ck_assert(strstr(report_buf, "t.cfg:3: extra: the command line is "
				     "2100 bytes, longer than the limit of "
				     "2047\n"));
	free(text);
}
END_TEST

START_TEST(test_keys_scan)
{
	const char text[] = "# c = 1\nname = \"a;b=c\"; memory=1\n"
			    "disk = [ 'x',\n  'y' ]\nvcpus += 2 # x=1\n"
			    "extra = 'it''s'\n  bad line\nz=\"#\"\n";
	struct config_keys k;

	ck_assert_int_eq(config_keys_scan(text, sizeof(text) - 1, &k), 0);
	ck_assert_uint_eq(k.nr, 6);
	ck_assert_str_eq(k.v[0].name, "name");
	ck_assert_uint_eq(k.v[0].line, 2);
	ck_assert_str_eq(k.v[1].name, "memory");
	ck_assert_uint_eq(k.v[1].line, 2);
	ck_assert_str_eq(k.v[2].name, "disk");
	ck_assert_uint_eq(k.v[2].line, 3);
	ck_assert_str_eq(k.v[3].name, "vcpus");
	ck_assert_uint_eq(k.v[3].line, 5);
	ck_assert(k.v[3].is_append);
	ck_assert_str_eq(k.v[4].name, "extra");
	ck_assert_str_eq(k.v[5].name, "z");
	ck_assert_uint_eq(k.v[5].line, 8);
	ck_assert_ptr_null(config_keys_last(&k, "bad"));
	ck_assert_uint_eq(config_keys_last(&k, "memory")->line, 2);
	config_keys_free(&k);
}
END_TEST

START_TEST(test_uuid_parse)
{
	uint8_t u[16];

	ck_assert_int_eq(config_uuid_parse("00000000-0000-0000-0000-"
					   "000000000000",
					   u),
			 0);
	ck_assert_int_eq(config_uuid_parse("0000000000000000000000000000000"
					   "00000",
					   u),
			 -EINVAL);
	ck_assert_int_eq(config_uuid_parse("g0000000-0000-0000-0000-"
					   "000000000000",
					   u),
			 -EINVAL);
	ck_assert_int_eq(config_uuid_parse("", u), -EINVAL);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("xyl_config");
	TCase *good = tcase_create("good");
	TCase *bad = tcase_create("bad");
	TCase *keys = tcase_create("keys");

	tcase_add_checked_fixture(good, setup, teardown);
	tcase_add_test(good, test_defaults);
	tcase_add_test(good, test_full);
	tcase_add_test(good, test_relative_disks);
	tcase_add_test(good, test_cmdline_rules);
	tcase_add_test(good, test_overrides);
	tcase_add_test(good, test_maxmem_above_memory);
	suite_add_tcase(s, good);
	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_add_test(bad, test_override_errors_name_the_command_line);
	tcase_add_test(bad, test_override_newline_refused);
	tcase_add_test(bad, test_semantic_error_line);
	tcase_add_test(bad, test_missing_file);
	tcase_add_test(bad, test_hostile_inputs);
	tcase_add_test(bad, test_huge_file_refused);
	tcase_add_test(bad, test_long_cmdline_refused);
	suite_add_tcase(s, bad);
	tcase_add_test(keys, test_keys_scan);
	tcase_add_test(keys, test_uuid_parse);
	suite_add_tcase(s, keys);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
