/*
 * tests/lib/test_dir.h: a private temporary directory for a unit test
 * case (made in its setup, removed in its teardown) and whole-file I/O
 * in it.  Failures are Check assertion failures.
 */
#ifndef TESTS_TEST_DIR_H
#define TESTS_TEST_DIR_H

#include <stddef.h>
#include <stdint.h>

/* mkdtemp /tmp/<prog>.XXXXXX; forgets earlier test_dir_path()s. */
void test_dir_setup(const char *prog);
/* rm -rf the directory. */
void test_dir_teardown(void);
/* dir/name, valid until the next test_dir_setup(). */
char *test_dir_path(const char *name);
void test_file_write(const char *path, const void *data, size_t len);
/* The whole file, malloc'd with one spare byte; *len its size. */
uint8_t *test_file_read(const char *path, size_t *len);

#endif
