/*
 * xenstore-schema/xscheck.h: the live-tree checker (xscheck.c): load a tree
 * through libxenstore, then check every node against a parsed schema.
 * Owned by the checker's main(); problems are printed to out and counted.
 */
#ifndef XS_XSCHECK_H
#define XS_XSCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "schema.h"

struct xs_handle;

struct xscheck_node {
	char *path;
	char *value; /* from xs_read: NUL-terminated, len bytes of data */
	unsigned int len;
	char *perms; /* "n0,r5" */
	const struct schema_rule *rule;
	struct schema_env env;
};

struct xscheck {
	struct xs_handle *h;
	const struct schema *schema;
	FILE *out;
	int verbose;
	bool have_live; /* live[] holds the running domains */
	unsigned long *live;
	size_t nr_live;
	struct xscheck_node *nodes;
	size_t nr_nodes, cap_nodes;
	struct xscheck_node **sorted; /* by path, for lookups */
	unsigned int problems;
};

/* Read the whole tree from "/": 0, or -errno (-E2BIG: too many nodes,
 * -ELOOP: too deep). */
int xscheck_load(struct xscheck *c);
/* Check the loaded nodes; problems counted in c->problems.  0 or -ENOMEM. */
int xscheck_run(struct xscheck *c);
void xscheck_free(struct xscheck *c);

#endif
