/*
 * dom0-tools/xenstored/quota.c: the per-domain limits (names and defaults
 * as in Xen's xenstored) and the checks that apply them.  Privileged
 * callers (dom0) are never limited.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

static const struct {
	const char *name;
	uint32_t def;
} quota_table[STORE_QUOTA_COUNT] = {
	[STORE_QUOTA_NODES] = {"nodes", 1000},
	[STORE_QUOTA_NODE_SIZE] = {"node-size", 2048},
	[STORE_QUOTA_WATCHES] = {"watches", 128},
	[STORE_QUOTA_TRANSACTIONS] = {"transactions", 10},
	[STORE_QUOTA_OUTSTANDING] = {"outstanding", 20},
	[STORE_QUOTA_PERMS] = {"permissions", 5},
	[STORE_QUOTA_TXN_NODES] = {"transaction-nodes", 1024},
};

void
store_quota_defaults(struct store_quota *q)
{
	int i;

	for (i = 0; i < STORE_QUOTA_COUNT; i++)
		q->v[i] = quota_table[i].def;
}

int
store_quota_lookup(const char *name, enum store_quota_kind *kind)
{
	int i;

	for (i = 0; i < STORE_QUOTA_COUNT; i++) {
		if (strcmp(name, quota_table[i].name) == 0) {
			*kind = (enum store_quota_kind)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *
store_quota_name(enum store_quota_kind kind)
{
	return kind < STORE_QUOTA_COUNT ? quota_table[kind].name : "?";
}

int
store_quota_set(struct store_quota *q, const char *name, const char *value)
{
	enum store_quota_kind kind;
	unsigned long v;
	char *end;

	if (store_quota_lookup(name, &kind) < 0)
		return -EINVAL;
	if (value[0] < '0' || value[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno || *end || v < 1 || v > (1ul << 30))
		return -EINVAL;
	q->v[kind] = (uint32_t)v;
	return 0;
}

int
store_quota_format(const struct store_quota *q, char *buf, size_t cap)
{
	size_t off = 0;
	int i, r;

	for (i = 0; i < STORE_QUOTA_COUNT; i++) {
		r = snprintf(buf + off, cap - off, "%s %u\n",
			     quota_table[i].name, q->v[i]);
		if (r < 0 || (size_t)r >= cap - off)
			return -ENOSPC;
		off += (size_t)r;
	}
	return (int)off;
}

int
store_quota_check_nodes(const struct store_quota *q, const struct store_tree *t,
			const struct store_who *who, uint32_t extra)
{
	if (who->is_priv || extra == 0)
		return 0;
	return store_count_owned(t->root, who->domid) + extra >
			       q->v[STORE_QUOTA_NODES]
		       ? -ENOSPC
		       : 0;
}

int
store_quota_check_value(const struct store_quota *q,
			const struct store_who *who, uint32_t len)
{
	return !who->is_priv && len > q->v[STORE_QUOTA_NODE_SIZE] ? -ENOSPC : 0;
}

int
store_quota_check_perms(const struct store_quota *q,
			const struct store_who *who, uint32_t nr)
{
	return !who->is_priv && nr > q->v[STORE_QUOTA_PERMS] ? -ENOSPC : 0;
}
