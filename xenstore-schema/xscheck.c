/*
 * xenstore-schema/xscheck.c: validates a live xenstore tree against the
 * schema: reads every node (value and permissions) through libxenstore,
 * matches it to its rule, and reports unknown nodes, wrong permissions,
 * malformed values, missing required nodes and nodes of domains that do
 * not run.  The tree is partly guest-written: every value is only data.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "xscheck.h"

#define MAX_DEPTH 64
#define MAX_NODES 200000

__attribute__((format(printf, 4, 5))) static void
problem(struct xscheck *c, const char *path, const struct schema_rule *r,
	const char *fmt, ...)
{
	va_list ap;

	c->problems++;
	fprintf(c->out, "xylem-xs-check: %s: ", path);
	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	if (r)
		fprintf(c->out, " (xylem.schema:%u)", r->line);
	fputc('\n', c->out);
}

/* "n0,r5": GET_PERMS as text. */
static void
perms_text(const struct xs_permissions *p, unsigned int n, char *buf,
	   size_t cap)
{
	static const char letters[] = "nrwb";
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n && off < cap; i++)
		off += (size_t)snprintf(
			buf + off, cap - off, "%s%c%u", i ? "," : "",
			letters[p[i].perms & (XS_PERM_READ | XS_PERM_WRITE)],
			p[i].id);
}

static int
add_node(struct xscheck *c, const char *path, char *value, unsigned int len,
	 const char *perms)
{
	struct xscheck_node *n;

	if (c->nr_nodes == MAX_NODES)
		return -E2BIG;
	if (c->nr_nodes == c->cap_nodes) {
		size_t cap = c->cap_nodes ? c->cap_nodes * 2 : 256;
		struct xscheck_node *m = realloc(c->nodes, cap * sizeof(*m));

		if (!m)
			return -ENOMEM;
		c->nodes = m;
		c->cap_nodes = cap;
	}
	n = &c->nodes[c->nr_nodes];
	memset(n, 0, sizeof(*n));
	n->path = strdup(path);
	n->perms = strdup(perms);
	if (!n->path || !n->perms) {
		free(n->path);
		free(n->perms);
		return -ENOMEM;
	}
	n->value = value;
	n->len = len;
	c->nr_nodes++;
	return 0;
}

/* Read path and everything below it.  A node that vanishes while we walk
 * (ENOENT) is skipped: the tree is live. */
static int
load(struct xscheck *c, const char *path, int depth)
{
	struct xs_permissions *p;
	unsigned int len = 0, nr = 0;
	char perms[256], **kids, *value, child[4096];
	int r;

	if (depth > MAX_DEPTH)
		return -ELOOP;
	value = xs_read(c->h, XBT_NULL, path, &len);
	if (!value)
		return errno == ENOENT ? 0 : -errno;
	p = xs_get_permissions(c->h, XBT_NULL, path, &nr);
	if (!p) {
		free(value);
		return errno == ENOENT ? 0 : -errno;
	}
	perms_text(p, nr, perms, sizeof(perms));
	free(p);
	r = add_node(c, path, value, len, perms);
	if (r < 0) {
		free(value);
		return r;
	}
	kids = xs_directory(c->h, XBT_NULL, path, &nr);
	if (!kids)
		return errno == ENOENT ? 0 : -errno;
	for (unsigned int i = 0; i < nr && r == 0; i++) {
		snprintf(child, sizeof(child), "%s/%s",
			 strcmp(path, "/") ? path : "", kids[i]);
		r = load(c, child, depth + 1);
	}
	free(kids);
	return r;
}

int
xscheck_load(struct xscheck *c)
{
	return load(c, "/", 0);
}

static int
cmp_node_path(const void *a, const void *b)
{
	const struct xscheck_node *const *x = a, *const *y = b;

	return strcmp((*x)->path, (*y)->path);
}

static bool
node_exists(const struct xscheck *c, const char *path)
{
	struct xscheck_node key = {.path = (char *)path}, *kp = &key;

	return bsearch(&kp, c->sorted, c->nr_nodes, sizeof(*c->sorted),
		       cmp_node_path) != NULL;
}

/* Pass 1: each node's rule, and the bindings its path and value give. */
static void
match_all(struct xscheck *c)
{
	char why[256];

	for (size_t i = 0; i < c->nr_nodes; i++) {
		struct xscheck_node *n = &c->nodes[i];

		n->rule = schema_find(c->schema, n->path, &n->env);
		if (!n->rule) {
			problem(c, n->path, NULL, "no schema pattern matches");
			continue;
		}
		/* Links first: they bind variables other checks need. */
		if (n->rule->value_kind == SCHEMA_VAL_PATH &&
		    schema_value_check(n->rule, n->value, n->len, &n->env, why,
				       sizeof(why)) < 0)
			problem(c, n->path, n->rule, "value: %s", why);
	}
}

static void
check_value(struct xscheck *c, struct xscheck_node *n)
{
	char why[256];

	if (n->rule->value_kind != SCHEMA_VAL_PATH &&
	    schema_value_check(n->rule, n->value, n->len, &n->env, why,
			       sizeof(why)) < 0)
		problem(c, n->path, n->rule, "value: %s", why);
}

/* Is m a child of one of n's ancestors (or of n itself)?  Then the
 * bindings m's path and value give describe n's object too. */
static bool
is_relative(const struct xscheck_node *m, const struct xscheck_node *n)
{
	const char *slash = strrchr(m->path, '/');
	size_t plen = slash ? (size_t)(slash - m->path) : 0;

	return plen && strncmp(m->path, n->path, plen) == 0 &&
	       (n->path[plen] == '/' || n->path[plen] == '\0');
}

/* m's bindings agree with every binding n has. */
static bool
env_agrees(const struct schema_env *n, const struct schema_env *m)
{
	for (unsigned int i = 0; i < n->nr; i++) {
		const char *v = schema_env_get(m, n->b[i].name);

		if (v && strcmp(v, n->b[i].value) != 0)
			return false;
	}
	return true;
}

/*
 * Variables a node's path does not name come from related nodes: a
 * frontend's $B from its backend link, a /vm/<uuid>'s $D from the domain
 * whose vm node names that uuid.
 */
static void
bind_from_relatives(struct xscheck *c)
{
	static const char *const vars[] = {"B", "D"};

	for (size_t i = 0; i < c->nr_nodes; i++) {
		struct xscheck_node *n = &c->nodes[i];

		for (size_t v = 0; n->rule && v < 2; v++) {
			if (schema_env_get(&n->env, vars[v]) ||
			    (!schema_needs_unbound(n->rule->perms, &n->env) &&
			     !schema_needs_unbound(n->rule->value_arg,
						   &n->env)))
				continue;
			for (size_t j = 0; j < c->nr_nodes; j++) {
				const struct xscheck_node *m = &c->nodes[j];
				const char *mv =
					schema_env_get(&m->env, vars[v]);
				const char *u = schema_env_get(&n->env, "U");

				if (j == i || !m->rule || !mv ||
				    !env_agrees(&n->env, &m->env))
					continue;
				if (is_relative(m, n) ||
				    (u && schema_env_get(&m->env, "U"))) {
					schema_env_set(&n->env, vars[v], mv);
					break;
				}
			}
		}
	}
}

static void
check_perms(struct xscheck *c, struct xscheck_node *n)
{
	char want[512];
	int r;

	if (strcmp(n->rule->perms, "*") == 0)
		return;
	r = schema_expand(n->rule->perms, &n->env, want, sizeof(want));
	if (r == -ENOENT && schema_env_get(&n->env, "U"))
		problem(c, n->path, n->rule,
			"no domain's vm node names this uuid (leftover)");
	else if (r == -ENOENT)
		problem(c, n->path, n->rule,
			"perms: %s unknown (no backend link here?)", want);
	else if (r < 0)
		problem(c, n->path, n->rule, "perms: cannot expand %s",
			n->rule->perms);
	else if (strcmp(want, n->perms) != 0) {
		char msg[1100];

		snprintf(msg, sizeof(msg), "perms (%s), want (%s)", n->perms,
			 want);
		problem(c, n->path, n->rule, "%s", msg);
	}
}

static bool
domain_live(const struct xscheck *c, unsigned long domid)
{
	for (size_t i = 0; i < c->nr_live; i++)
		if (c->live[i] == domid)
			return true;
	return false;
}

static void
check_live(struct xscheck *c, struct xscheck_node *n)
{
	static const char *const vars[] = {"D", "B"};

	for (size_t i = 0; c->have_live && i < 2; i++) {
		const char *v = schema_env_get(&n->env, vars[i]);
		unsigned long d = v ? strtoul(v, NULL, 10) : 0;

		if (d != 0 && !domain_live(c, d))
			problem(c, n->path, n->rule,
				"domain %s does not run (leftover node)", v);
	}
}

/* R rules below this node's rule must have their node here. */
static void
check_required(struct xscheck *c, const struct xscheck_node *n)
{
	const struct schema *s = c->schema;
	int idx = (int)(n->rule - s->rules);
	char child[4096];

	for (size_t j = 0; j < s->nr_rules; j++) {
		const struct schema_rule *r = &s->rules[j];
		const struct schema_seg *last;

		if (!r->required || r->parent != idx || !r->path.nr_segs)
			continue;
		last = &r->path.segs[r->path.nr_segs - 1];
		if (last->kind != SCHEMA_SEG_LIT)
			continue;
		snprintf(child, sizeof(child), "%s/%s",
			 strcmp(n->path, "/") ? n->path : "", last->text);
		if (!node_exists(c, child))
			problem(c, child, r, "missing (required)");
	}
}

int
xscheck_run(struct xscheck *c)
{
	c->sorted = calloc(c->nr_nodes ? c->nr_nodes : 1, sizeof(*c->sorted));
	if (!c->sorted)
		return -ENOMEM;
	for (size_t i = 0; i < c->nr_nodes; i++)
		c->sorted[i] = &c->nodes[i];
	qsort(c->sorted, c->nr_nodes, sizeof(*c->sorted), cmp_node_path);
	match_all(c);
	bind_from_relatives(c);
	for (size_t i = 0; i < c->nr_nodes; i++) {
		struct xscheck_node *n = &c->nodes[i];

		if (!n->rule)
			continue;
		if (c->verbose)
			fprintf(c->out, "  %s (xylem.schema:%u)\n", n->path,
				n->rule->line);
		check_value(c, n);
		check_perms(c, n);
		check_live(c, n);
		check_required(c, n);
	}
	return 0;
}

void
xscheck_free(struct xscheck *c)
{
	for (size_t i = 0; i < c->nr_nodes; i++) {
		free(c->nodes[i].path);
		free(c->nodes[i].value);
		free(c->nodes[i].perms);
	}
	free(c->nodes);
	free(c->sorted);
	free(c->live);
	c->nodes = NULL;
	c->sorted = NULL;
	c->live = NULL;
	c->nr_nodes = c->cap_nodes = c->nr_live = 0;
}
