/*
 * dom0-tools/xyl/cmd_svi.c: `xyl svi create|list|extract|verify`, the
 * single-volume image tools.  The volume is read only through libsvi
 * (svi_open validates the index); this file turns its errors into lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svi.h"
#include "xyl.h"

static int
svi_usage(void)
{
	fprintf(stderr,
		"usage: xyl svi create <volume> [-z|--compress] "
		"<file>[=<name>]...\n"
		"       xyl svi list <volume>\n"
		"       xyl svi extract <volume> [-C <dir>] [-o <file>|-] "
		"[<name>...]\n"
		"       xyl svi verify <volume>\n");
	return XYL_EXIT_ERROR;
}

static void
svi_error(const char *verb, const char *vol, int err, const char *detail)
{
	fprintf(stderr, "xyl: svi %s: %s: %s\n", verb, vol,
		detail && detail[0] ? detail : strerror(-err));
}

static int
svi_open_report(const char *verb, const char *path, struct svi_volume **v)
{
	char detail[SVI_DETAIL_MAX];
	int r = svi_open(path, v, detail, sizeof(detail));

	if (r < 0)
		svi_error(verb, path, r, detail);
	return r;
}

/* "path=name" or "path" (name = the path's last component). */
static void
input_parse(char *arg, struct svi_input *in)
{
	char *eq = strrchr(arg, '='), *slash;

	in->path = arg;
	if (eq) {
		*eq = '\0';
		in->name = eq + 1;
		return;
	}
	slash = strrchr(arg, '/');
	in->name = slash ? slash + 1 : arg;
}

static int
svi_create_cmd(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"compress", no_argument, NULL, 'z'},
		{NULL, 0, NULL, 0},
	};
	char detail[SVI_DETAIL_MAX];
	struct svi_input *in;
	unsigned int flags = 0;
	int c, i, nr, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+z", longopts, NULL)) != -1) {
		if (c != 'z')
			return svi_usage();
		flags |= SVI_CREATE_COMPRESS;
	}
	if (argc - optind < 1)
		return svi_usage();
	/* Options may also follow the volume name. */
	for (i = optind + 1, nr = 0; i < argc; i++)
		if (strcmp(argv[i], "-z") == 0 ||
		    strcmp(argv[i], "--compress") == 0)
			flags |= SVI_CREATE_COMPRESS;
		else
			argv[optind + 1 + nr++] = argv[i];
	in = calloc((size_t)nr + 1, sizeof(*in));
	if (!in)
		return XYL_EXIT_ERROR;
	for (i = 0; i < nr; i++)
		input_parse(argv[optind + 1 + i], &in[i]);
	r = svi_create(argv[optind], in, (size_t)nr, flags, detail,
		       sizeof(detail));
	if (r < 0)
		svi_error("create", argv[optind], r, detail);
	free(in);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}

static int
svi_list_cmd(int argc, char **argv)
{
	struct svi_volume *v;
	uint32_t i;

	if (argc != 2)
		return svi_usage();
	if (svi_open_report("list", argv[1], &v) < 0)
		return XYL_EXIT_ERROR;
	printf("%-24s %12s %12s %12s %-8s %s\n", "Name", "Size", "Stored",
	       "Offset", "CRC32", "Flags");
	for (i = 0; i < v->ix.nr_files; i++) {
		const struct svi_file *f = &v->ix.files[i];

		printf("%-24s %12llu %12llu %12llu %08x %s\n", f->name,
		       (unsigned long long)f->size_bytes,
		       (unsigned long long)f->stored_bytes,
		       (unsigned long long)f->offset, f->crc32,
		       f->flags & XYL_SVI_F_ZLIB ? "zlib" : "-");
	}
	svi_close(v);
	return XYL_EXIT_OK;
}

static int
svi_verify_cmd(int argc, char **argv)
{
	char detail[SVI_DETAIL_MAX];
	struct svi_volume *v;
	unsigned int passed = 0, failed = 0;
	uint32_t i;

	if (argc != 2)
		return svi_usage();
	if (svi_open_report("verify", argv[1], &v) < 0)
		return XYL_EXIT_ERROR;
	for (i = 0; i < v->ix.nr_files; i++) {
		const struct svi_file *f = &v->ix.files[i];
		int r = svi_extract(v, f, NULL, NULL, detail, sizeof(detail));

		if (r == 0) {
			printf("ok: %s (%llu bytes)\n", f->name,
			       (unsigned long long)f->size_bytes);
			passed++;
		} else {
			printf("FAIL: %s\n", detail[0] ? detail : strerror(-r));
			failed++;
		}
	}
	printf("%u passed, %u failed\n", passed, failed);
	svi_close(v);
	return failed ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}

/* Extract one file to out ("-": stdout); a failed file is removed. */
static int
extract_one(struct svi_volume *v, const char *vol, const struct svi_file *f,
	    const char *out)
{
	char detail[SVI_DETAIL_MAX];
	bool is_stdout = strcmp(out, "-") == 0;
	int fd = is_stdout ? STDOUT_FILENO
			   : open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
				  0644);
	int r;

	if (fd < 0) {
		r = -errno;
		fprintf(stderr, "xyl: svi extract: %s: %s\n", out,
			strerror(-r));
		return r;
	}
	r = svi_extract(v, f, svi_fd_sink, &fd, detail, sizeof(detail));
	if (r < 0)
		svi_error("extract", vol, r, detail);
	if (!is_stdout) {
		if (close(fd) < 0 && r == 0)
			r = -errno;
		if (r < 0)
			unlink(out);
	}
	return r;
}

static int
svi_extract_cmd(int argc, char **argv)
{
	const char *dir = NULL, *out = NULL, *vol;
	struct svi_volume *v;
	int c, i, r = 0;

	optind = 1;
	while ((c = getopt(argc, argv, "C:o:")) != -1) {
		if (c == 'C')
			dir = optarg;
		else if (c == 'o')
			out = optarg;
		else
			return svi_usage();
	}
	if (argc - optind < 1 || (out && argc - optind != 2))
		return svi_usage();
	vol = argv[optind++];
	if (svi_open_report("extract", vol, &v) < 0)
		return XYL_EXIT_ERROR;
	if (dir && chdir(dir) < 0) {
		r = -errno;
		fprintf(stderr, "xyl: svi extract: %s: %s\n", dir,
			strerror(-r));
	}
	for (i = optind; r == 0 && i < argc; i++) {
		const struct svi_file *f = svi_index_find(&v->ix, argv[i]);

		if (!f) {
			fprintf(stderr, "xyl: svi extract: %s: no entry '%s'\n",
				vol, argv[i]);
			r = -ENOENT;
		} else {
			r = extract_one(v, vol, f, out ? out : f->name);
		}
	}
	/* No names: every file, under its own name (names are flat). */
	for (i = 0; r == 0 && optind == argc && i < (int)v->ix.nr_files; i++)
		r = extract_one(v, vol, &v->ix.files[i], v->ix.files[i].name);
	svi_close(v);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}

int
cmd_svi(struct xyl *x, int argc, char **argv)
{
	(void)x;
	if (argc < 2)
		return svi_usage();
	if (strcmp(argv[1], "create") == 0)
		return svi_create_cmd(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return svi_list_cmd(argc - 1, argv + 1);
	if (strcmp(argv[1], "extract") == 0)
		return svi_extract_cmd(argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return svi_verify_cmd(argc - 1, argv + 1);
	fprintf(stderr, "xyl: svi: unknown command '%s'\n", argv[1]);
	return svi_usage();
}
