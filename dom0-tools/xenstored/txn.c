/*
 * dom0-tools/xenstored/txn.c: transactions.  A transaction works on a
 * private clone of the tree, logs what it changes and remembers the
 * generation of every node it reads.  Commit fails with EAGAIN when one
 * of those nodes changed in the main tree since (Xen's rule since 4.9:
 * nodes only written are last-writer-wins), else replays the log.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

static bool
path_under(const char *path, const char *top)
{
	size_t len = strlen(top);

	if (strncmp(path, top, len) != 0)
		return false;
	return path[len] == '\0' || path[len] == '/' || strcmp(top, "/") == 0;
}

/* Did the transaction itself change path (or remove a parent of it)? */
static bool
txn_touched(const struct store_txn *txn, const char *path)
{
	uint32_t i;

	for (i = 0; i < txn->nr_log; i++) {
		const struct store_txn_log *l = &txn->log[i];

		if (strcmp(l->path, path) == 0)
			return true;
		if (l->kind == STORE_CHANGE_RM && path_under(path, l->path))
			return true;
	}
	return false;
}

static void
txn_on_change(void *opaque, const char *path, enum store_change kind)
{
	struct store_txn *txn = opaque;
	struct store_txn_log *l;

	if (txn->error)
		return;
	if (txn->max_log && txn->nr_log >= txn->max_log) {
		txn->error = -ENOSPC;
		return;
	}
	if (txn->nr_log == txn->cap_log) {
		uint32_t cap = txn->cap_log ? txn->cap_log * 2 : 8;

		l = realloc(txn->log, cap * sizeof(*l));
		if (!l) {
			txn->error = -ENOMEM;
			return;
		}
		txn->log = l;
		txn->cap_log = cap;
	}
	l = &txn->log[txn->nr_log];
	l->path = strdup(path);
	if (!l->path) {
		txn->error = -ENOMEM;
		return;
	}
	l->kind = kind;
	txn->nr_log++;
}

int
store_txn_start(const struct store_tree *main, uint32_t id, uint32_t max_log,
		struct store_txn **out)
{
	struct store_txn *txn = calloc(1, sizeof(*txn));
	int r;

	if (!txn)
		return -ENOMEM;
	r = store_tree_clone(main, &txn->tree);
	if (r < 0) {
		free(txn);
		return r;
	}
	txn->id = id;
	txn->max_log = max_log;
	txn->tree.on_change = txn_on_change;
	txn->tree.opaque = txn;
	*out = txn;
	return 0;
}

void
store_txn_free(struct store_txn *txn)
{
	uint32_t i;

	if (!txn)
		return;
	for (i = 0; i < txn->nr_log; i++)
		free(txn->log[i].path);
	for (i = 0; i < txn->nr_reads; i++)
		free(txn->reads[i].path);
	free(txn->log);
	free(txn->reads);
	store_tree_free(&txn->tree);
	free(txn);
}

void
store_txn_note_read(struct store_txn *txn, const char *path)
{
	const struct store_node *n;
	struct store_txn_read *r;
	uint32_t i;

	if (txn->error || txn_touched(txn, path))
		return;
	for (i = 0; i < txn->nr_reads; i++)
		if (strcmp(txn->reads[i].path, path) == 0)
			return;
	if (txn->nr_reads == txn->cap_reads) {
		uint32_t cap = txn->cap_reads ? txn->cap_reads * 2 : 8;

		r = realloc(txn->reads, cap * sizeof(*r));
		if (!r) {
			txn->error = -ENOMEM;
			return;
		}
		txn->reads = r;
		txn->cap_reads = cap;
	}
	n = store_lookup(&txn->tree, path);
	r = &txn->reads[txn->nr_reads];
	r->path = strdup(path);
	if (!r->path) {
		txn->error = -ENOMEM;
		return;
	}
	r->gen = n ? n->orig_gen : 0;
	txn->nr_reads++;
}

static int
txn_check(const struct store_txn *txn, const struct store_tree *main)
{
	uint32_t i;

	for (i = 0; i < txn->nr_reads; i++) {
		const struct store_node *n =
			store_lookup(main, txn->reads[i].path);

		if ((n ? n->gen : 0) != txn->reads[i].gen)
			return -EAGAIN;
	}
	return 0;
}

/* Make main's node at path match the transaction's, creating missing
 * parents as the transaction has them. */
static int
txn_sync(const struct store_txn *txn, struct store_tree *main, const char *path)
{
	const struct store_node *src = store_lookup(&txn->tree, path);
	struct store_who dom0 = {.domid = 0, .target = ~0u, .is_priv = true};
	struct store_perms perms;
	struct store_node *dst;
	int r = 0;

	if (!src)
		return 0; /* removed again later in the log */
	if (src->parent) {
		char ppath[XENSTORE_ABS_PATH_MAX + 1];
		const char *slash = strrchr(path, '/');

		size_t plen = slash == path ? 1 : (size_t)(slash - path);

		memcpy(ppath, path, plen);
		ppath[plen] = '\0';
		if (!store_lookup(main, ppath)) {
			r = txn_sync(txn, main, ppath);
			if (r < 0)
				return r;
		}
	} else {
		return 0; /* the root: nothing but permissions to copy */
	}
	dst = store_lookup(main, path);
	if (!dst || dst->value_len != src->value_len ||
	    (src->value_len &&
	     memcmp(dst->value, src->value, src->value_len) != 0)) {
		r = store_write(main, path, src->value, src->value_len, &dom0,
				NULL);
		if (r < 0)
			return r;
	}
	dst = store_lookup(main, path);
	if (dst->nr_perms != src->nr_perms ||
	    memcmp(dst->perms, src->perms,
		   src->nr_perms * sizeof(src->perms[0])) != 0) {
		perms.nr = src->nr_perms;
		memcpy(perms.p, src->perms, src->nr_perms * sizeof(perms.p[0]));
		r = store_set_perms(main, path, &perms);
	}
	return r < 0 ? r : 0;
}

int
store_txn_commit(struct store_txn *txn, struct store_tree *main)
{
	uint32_t i;
	int r;

	if (txn->error)
		return txn->error;
	r = txn_check(txn, main);
	if (r < 0)
		return r;
	for (i = 0; i < txn->nr_log; i++) {
		const struct store_txn_log *l = &txn->log[i];

		if (l->kind == STORE_CHANGE_RM)
			r = store_rm(main, l->path);
		else
			r = txn_sync(txn, main, l->path);
		if (r == -ENOENT)
			r = 0; /* parent gone outside: nothing to remove */
		if (r < 0)
			return r;
	}
	return 0;
}
