/*
 * xenstore-schema/main.c: xylem-xs-check: validate this host's live
 * xenstore tree ($XYLEM_RUNDIR/xenstored/socket) against the schema built
 * into the program (or --schema FILE); with xylem-hv reachable, nodes of
 * domains that do not run are reported too.  Exit 0 clean, 1 problems,
 * 2 could not check.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "xscheck.h"
#include "xylctl.h"

extern const char xscheck_schema_text[]; /* xylem.schema, built in */

static void
usage(FILE *f)
{
	fprintf(f, "usage: xylem-xs-check [--rundir DIR] [--schema FILE] "
		   "[--no-live] [-v]\n"
		   "Check the live xenstore tree against Xylem's schema.\n");
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* The running domains, from xylem-hv; 0, or -errno (not fatal). */
static int
load_live(struct xscheck *c, const char *rundir)
{
	struct xyl_dominfo *list = NULL;
	struct xylctl *x;
	size_t nr = 0;
	int r = xylctl_open(rundir, &x);

	if (r < 0)
		return r;
	r = xylctl_domain_list(x, &list, &nr);
	xylctl_close(x);
	if (r < 0)
		return r;
	c->live = calloc(nr ? nr : 1, sizeof(*c->live));
	if (!c->live) {
		free(list);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nr; i++)
		c->live[c->nr_live++] = list[i].domid;
	free(list);
	c->have_live = true;
	return 0;
}

struct opts {
	const char *rundir;
	const char *schema_path;
	bool live;
	int verbose;
};

static int
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{"rundir", required_argument, NULL, 'r'},
		{"schema", required_argument, NULL, 's'},
		{"no-live", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		if (ch == 'r')
			o->rundir = optarg;
		else if (ch == 's')
			o->schema_path = optarg;
		else if (ch == 'n')
			o->live = false;
		else if (ch == 'v')
			o->verbose++;
		else {
			usage(ch == 'h' ? stdout : stderr);
			return ch == 'h' ? 1 : -EINVAL;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

static struct xs_handle *
connect_store(const char *rundir)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/xenstored/socket", rundir);
	setenv("XENSTORED_PATH", path, 1);
	return xs_open(0);
}

int
main(int argc, char **argv)
{
	struct opts o = {.rundir = xylctl_default_rundir(), .live = true};
	struct schema schema;
	struct xscheck c = {.out = stdout};
	char err[256], *text = NULL;
	int r = parse_args(argc, argv, &o);

	if (r != 0)
		return r > 0 ? 0 : 2;
	if (o.schema_path && !(text = read_file(o.schema_path))) {
		fprintf(stderr, "xylem-xs-check: %s: %s\n", o.schema_path,
			strerror(errno));
		return 2;
	}
	r = schema_parse(text ? text : xscheck_schema_text, &schema, err,
			 sizeof(err));
	free(text);
	if (r < 0) {
		fprintf(stderr, "xylem-xs-check: schema: %s\n",
			r == -EINVAL ? err : strerror(-r));
		return 2;
	}
	c.schema = &schema;
	c.verbose = o.verbose;
	c.h = connect_store(o.rundir);
	if (!c.h) {
		fprintf(stderr, "xylem-xs-check: no xenstored at %s: %s\n",
			o.rundir, strerror(errno));
		schema_free(&schema);
		return 2;
	}
	if (o.live && (r = load_live(&c, o.rundir)) < 0)
		fprintf(stderr,
			"xylem-xs-check: xylem-hv at %s: %s: not checking "
			"for nodes of dead domains\n",
			o.rundir, strerror(-r));
	r = xscheck_load(&c);
	if (r == 0)
		r = xscheck_run(&c);
	if (r < 0)
		fprintf(stderr, "xylem-xs-check: reading the tree: %s\n",
			strerror(-r));
	else
		printf("xylem-xs-check: %zu nodes, %u problems\n", c.nr_nodes,
		       c.problems);
	xs_close(c.h);
	xscheck_free(&c);
	schema_free(&schema);
	return r < 0 ? 2 : c.problems ? 1 : 0;
}
