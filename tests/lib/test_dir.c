/*
 * tests/lib/test_dir.c: a unit test's temporary directory and whole-file
 * I/O (test_dir.h).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "test_dir.h"

#define TEST_DIR_PATHS	  512
#define TEST_DIR_PATH_MAX 128

static char test_dir[64];
static char test_dir_paths[TEST_DIR_PATHS][TEST_DIR_PATH_MAX];
static int test_dir_nr_paths;

void
test_dir_setup(const char *prog)
{
	test_dir_nr_paths = 0;
	snprintf(test_dir, sizeof(test_dir), "/tmp/%s.XXXXXX", prog);
	ck_assert_ptr_nonnull(mkdtemp(test_dir));
}

void
test_dir_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", test_dir);
	ck_assert_int_eq(system(cmd), 0);
}

char *
test_dir_path(const char *name)
{
	char *p;

	ck_assert_int_lt(test_dir_nr_paths, TEST_DIR_PATHS);
	p = test_dir_paths[test_dir_nr_paths++];
	snprintf(p, TEST_DIR_PATH_MAX, "%s/%s", test_dir, name);
	return p;
}

void
test_file_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

uint8_t *
test_file_read(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *b;
	FILE *f = fopen(path, "rb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fstat(fileno(f), &st), 0);
	*len = (size_t)st.st_size;
	b = malloc(*len + 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(fread(b, 1, *len, f), *len);
	fclose(f);
	return b;
}
