/*
 * dom0-tools/xenstored/store.c: the tree: nodes, values, permissions and
 * generation counts, plus path canonicalisation.  Owns every node of a
 * tree.  Paths arrive here already canonical (store_path_canon is the
 * check every client path goes through).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

static void
node_free(struct store_node *n)
{
	uint32_t i;

	if (!n)
		return;
	for (i = 0; i < n->nr_children; i++)
		node_free(n->children[i]);
	free(n->children);
	free(n->name);
	free(n->value);
	free(n->perms);
	free(n);
}

static struct store_node *
node_new(const char *name, size_t name_len, const struct store_perms *perms)
{
	struct store_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strndup(name, name_len);
	n->perms = malloc(perms->nr * sizeof(*n->perms));
	if (!n->name || !n->perms) {
		node_free(n);
		return NULL;
	}
	memcpy(n->perms, perms->p, perms->nr * sizeof(*n->perms));
	n->nr_perms = perms->nr;
	return n;
}

static void
tree_bump(struct store_tree *t, struct store_node *n)
{
	n->gen = ++*t->gen_counter;
}

static void
tree_notify(struct store_tree *t, const char *path, enum store_change kind)
{
	if (t->on_change)
		t->on_change(t->opaque, path, kind);
}

static int
child_add(struct store_node *parent, struct store_node *child)
{
	if (parent->nr_children == parent->cap_children) {
		uint32_t cap =
			parent->cap_children ? parent->cap_children * 2 : 4;
		struct store_node **c =
			realloc(parent->children, cap * sizeof(*c));

		if (!c)
			return -ENOMEM;
		parent->children = c;
		parent->cap_children = cap;
	}
	parent->children[parent->nr_children++] = child;
	child->parent = parent;
	return 0;
}

static void
child_remove(struct store_node *parent, struct store_node *child)
{
	uint32_t i;

	for (i = 0; i < parent->nr_children; i++) {
		if (parent->children[i] != child)
			continue;
		memmove(&parent->children[i], &parent->children[i + 1],
			(parent->nr_children - i - 1) * sizeof(child));
		parent->nr_children--;
		return;
	}
}

static struct store_node *
child_find(const struct store_node *n, const char *name, size_t len)
{
	uint32_t i;

	for (i = 0; i < n->nr_children; i++) {
		const char *c = n->children[i]->name;

		if (strncmp(c, name, len) == 0 && c[len] == '\0')
			return n->children[i];
	}
	return NULL;
}

struct store_node *
store_lookup_nearest(const struct store_tree *t, const char *path)
{
	struct store_node *n = t->root, *c;
	const char *p = path;

	while (*p == '/')
		p++;
	while (*p) {
		size_t len = strcspn(p, "/");

		c = child_find(n, p, len);
		if (!c)
			break;
		n = c;
		p += len;
		while (*p == '/')
			p++;
	}
	return n;
}

struct store_node *
store_lookup(const struct store_tree *t, const char *path)
{
	struct store_node *n = t->root, *c;
	const char *p = path;

	if (path[0] != '/')
		return NULL;
	p++;
	while (*p) {
		size_t len = strcspn(p, "/");

		c = child_find(n, p, len);
		if (!c)
			return NULL;
		n = c;
		p += len;
		if (*p == '/')
			p++;
	}
	return n;
}

int
store_node_path(const struct store_node *n, char *buf, size_t cap)
{
	const struct store_node *chain[XENSTORE_ABS_PATH_MAX / 2 + 1];
	size_t depth = 0, used = 0;
	int r;

	if (!n->parent)
		return snprintf(buf, cap, "/") < (int)cap ? 0 : -ENAMETOOLONG;
	for (; n->parent; n = n->parent) {
		if (depth == sizeof(chain) / sizeof(chain[0]))
			return -ENAMETOOLONG;
		chain[depth++] = n;
	}
	while (depth--) {
		r = snprintf(buf + used, cap - used, "/%s", chain[depth]->name);
		if (r < 0 || (size_t)r >= cap - used)
			return -ENAMETOOLONG;
		used += (size_t)r;
	}
	return 0;
}

/* Create path's missing nodes; *out = the node at path. */
static int
tree_make(struct store_tree *t, const char *path, const struct store_who *who,
	  struct store_node **out, uint32_t *created)
{
	struct store_node *n = t->root, *c;
	struct store_perms perms;
	const char *p = path + 1;
	int r;

	while (*p) {
		size_t len = strcspn(p, "/");

		c = child_find(n, p, len);
		if (!c) {
			store_perm_inherit(n, who, &perms);
			c = node_new(p, len, &perms);
			if (!c)
				return -ENOMEM;
			r = child_add(n, c);
			if (r < 0) {
				node_free(c);
				return r;
			}
			tree_bump(t, n);
			tree_bump(t, c);
			t->nr_nodes++;
			if (created)
				(*created)++;
		}
		n = c;
		p += len;
		if (*p == '/')
			p++;
	}
	*out = n;
	return 0;
}

static int
node_set_value(struct store_node *n, const void *value, uint32_t len)
{
	char *v = NULL;

	if (len) {
		v = malloc(len);
		if (!v)
			return -ENOMEM;
		memcpy(v, value, len);
	}
	free(n->value);
	n->value = v;
	n->value_len = len;
	return 0;
}

int
store_write(struct store_tree *t, const char *path, const void *value,
	    uint32_t len, const struct store_who *who, uint32_t *created)
{
	struct store_node *n;
	int r = tree_make(t, path, who, &n, created);

	if (r < 0)
		return r;
	r = node_set_value(n, value, len);
	if (r < 0)
		return r;
	tree_bump(t, n);
	tree_notify(t, path, STORE_CHANGE_WRITE);
	return 0;
}

int
store_mkdir(struct store_tree *t, const char *path, const struct store_who *who,
	    uint32_t *created)
{
	struct store_node *n;
	uint32_t made = 0;
	int r = tree_make(t, path, who, &n, &made);

	if (created)
		*created += made;
	if (r == 0 && made)
		tree_notify(t, path, STORE_CHANGE_WRITE);
	return r;
}

static uint64_t
subtree_count(const struct store_node *n)
{
	uint64_t c = 1;
	uint32_t i;

	for (i = 0; i < n->nr_children; i++)
		c += subtree_count(n->children[i]);
	return c;
}

int
store_rm(struct store_tree *t, const char *path)
{
	struct store_node *n = store_lookup(t, path), *parent;
	char ppath[XENSTORE_ABS_PATH_MAX + 1];
	const char *slash;

	if (!n) {
		/* A missing node is fine when its parent exists. */
		slash = strrchr(path, '/');
		if (!slash || (size_t)(slash - path) >= sizeof(ppath))
			return -EINVAL;
		snprintf(ppath, sizeof(ppath), "%.*s",
			 slash == path ? 1 : (int)(slash - path), path);
		return store_lookup(t, ppath) ? 0 : -ENOENT;
	}
	if (!n->parent)
		return -EINVAL;
	parent = n->parent;
	child_remove(parent, n);
	t->nr_nodes -= subtree_count(n);
	node_free(n);
	tree_bump(t, parent);
	tree_notify(t, path, STORE_CHANGE_RM);
	return 0;
}

int
store_set_perms(struct store_tree *t, const char *path,
		const struct store_perms *perms)
{
	struct store_node *n = store_lookup(t, path);
	struct store_perm *p;

	if (!n)
		return -ENOENT;
	if (perms->nr < 1 || perms->nr > STORE_PERMS_MAX)
		return -EINVAL;
	p = malloc(perms->nr * sizeof(*p));
	if (!p)
		return -ENOMEM;
	memcpy(p, perms->p, perms->nr * sizeof(*p));
	free(n->perms);
	n->perms = p;
	n->nr_perms = perms->nr;
	tree_bump(t, n);
	tree_notify(t, path, STORE_CHANGE_WRITE);
	return 0;
}

int
store_children(const struct store_node *n, char **out, size_t *len)
{
	size_t total = 0, off = 0, l;
	uint32_t i;
	char *buf;

	for (i = 0; i < n->nr_children; i++)
		total += strlen(n->children[i]->name) + 1;
	buf = malloc(total + 1);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < n->nr_children; i++) {
		l = strlen(n->children[i]->name) + 1;
		memcpy(buf + off, n->children[i]->name, l);
		off += l;
	}
	buf[off] = '\0';
	*out = buf;
	*len = total;
	return 0;
}

uint64_t
store_count_owned(const struct store_node *n, uint32_t domid)
{
	uint64_t c = n->perms[0].domid == domid;
	uint32_t i;

	for (i = 0; i < n->nr_children; i++)
		c += store_count_owned(n->children[i], domid);
	return c;
}

static void
node_disown(struct store_node *n, uint32_t domid)
{
	uint32_t i;

	if (n->perms[0].domid == domid)
		n->perms[0].domid = 0;
	for (i = 0; i < n->nr_children; i++)
		node_disown(n->children[i], domid);
}

void
store_disown(struct store_tree *t, uint32_t domid)
{
	node_disown(t->root, domid);
}

static struct store_node *
node_clone(const struct store_node *src)
{
	struct store_perms perms;
	struct store_node *n;
	uint32_t i;

	perms.nr = src->nr_perms;
	memcpy(perms.p, src->perms, src->nr_perms * sizeof(perms.p[0]));
	n = node_new(src->name, strlen(src->name), &perms);
	if (!n)
		return NULL;
	n->gen = n->orig_gen = src->gen;
	if (node_set_value(n, src->value, src->value_len) < 0)
		goto fail;
	if (src->nr_children) {
		n->children = malloc(src->nr_children * sizeof(*n->children));
		if (!n->children)
			goto fail;
		n->cap_children = src->nr_children;
	}
	for (i = 0; i < src->nr_children; i++) {
		struct store_node *c = node_clone(src->children[i]);

		if (!c)
			goto fail;
		c->parent = n;
		n->children[n->nr_children++] = c;
	}
	return n;
fail:
	node_free(n);
	return NULL;
}

int
store_tree_clone(const struct store_tree *src, struct store_tree *dst)
{
	memset(dst, 0, sizeof(*dst));
	dst->root = node_clone(src->root);
	if (!dst->root)
		return -ENOMEM;
	dst->gen_counter = src->gen_counter;
	dst->nr_nodes = src->nr_nodes;
	return 0;
}

int
store_tree_init(struct store_tree *t, uint64_t *gen_counter)
{
	static const char *const initial[] = {"/tool/xenstored",
					      "/local/domain"};
	struct store_perms perms = {.nr = 1, .p = {{0, STORE_PERM_NONE}}};
	struct store_who dom0 = {.domid = 0, .target = ~0u, .is_priv = true};
	size_t i;
	int r;

	memset(t, 0, sizeof(*t));
	t->gen_counter = gen_counter;
	t->root = node_new("", 0, &perms);
	if (!t->root)
		return -ENOMEM;
	t->nr_nodes = 1;
	for (i = 0; i < sizeof(initial) / sizeof(initial[0]); i++) {
		r = store_mkdir(t, initial[i], &dom0, NULL);
		if (r < 0) {
			store_tree_free(t);
			return r;
		}
	}
	return 0;
}

void
store_tree_free(struct store_tree *t)
{
	node_free(t->root);
	t->root = NULL;
}

static bool
path_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '/' || c == '_' ||
	       c == '@';
}

int
store_path_canon(const char *in, const char *home, bool allow_special,
		 char *out, size_t cap)
{
	size_t len = strlen(in), i;
	int r;

	if (len == 0)
		return -EINVAL;
	if (in[0] == '@') {
		if (!allow_special || len > XENSTORE_ABS_PATH_MAX)
			return -EINVAL;
	} else if (in[0] == '/') {
		if (len > XENSTORE_ABS_PATH_MAX)
			return -EINVAL;
	} else if (len > XENSTORE_REL_PATH_MAX) {
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		if (!path_char_ok(in[i]))
			return -EINVAL;
		if (in[i] == '/' && in[i + 1] == '/')
			return -EINVAL;
		if (in[i] == '@' && i > 0 && in[0] != '@')
			return -EINVAL;
	}
	if (len > 1 && in[len - 1] == '/')
		return -EINVAL;
	if (in[0] == '/' || in[0] == '@')
		r = snprintf(out, cap, "%s", in);
	else
		r = snprintf(out, cap, "%s/%s", home, in);
	if (r < 0 || (size_t)r >= cap ||
	    (in[0] != '@' && (size_t)r > XENSTORE_ABS_PATH_MAX))
		return -EINVAL;
	return 0;
}

uint32_t
store_missing_count(const struct store_tree *t, const char *path)
{
	const struct store_node *n = t->root, *c;
	const char *p = path + 1;
	uint32_t missing = 0;

	while (*p) {
		size_t len = strcspn(p, "/");

		c = n ? child_find(n, p, len) : NULL;
		if (!c)
			missing++;
		n = c;
		p += len;
		if (*p == '/')
			p++;
	}
	return missing;
}
