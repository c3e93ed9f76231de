/*
 * dom0-tools/xenstored/store.h: xylem-xenstored's data model, free of any
 * connection or I/O: the tree (store.c), permissions (perm.c),
 * transactions (txn.c) and quotas (quota.c).  Unit-tested on their own.
 * Every function returns 0 or a negative errno unless said otherwise.
 */
#ifndef XENSTORED_STORE_H
#define XENSTORED_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

/* Access bits of one permission entry (the letters n, r, w, b). */
#define STORE_PERM_NONE	 0u
#define STORE_PERM_READ	 1u
#define STORE_PERM_WRITE 2u
#define STORE_PERM_BOTH	 3u

/* Domids at or above this are not domains (Xen's DOMID_FIRST_RESERVED). */
#define STORE_DOMID_MAX 0x7ff0u

struct store_perm {
	uint32_t domid;
	uint32_t access; /* STORE_PERM_* */
};

/* A node's permission list; entry 0 names the owner and the default. */
#define STORE_PERMS_MAX 64 /* hard cap, even for dom0 */
struct store_perms {
	uint32_t nr;
	struct store_perm p[STORE_PERMS_MAX];
};

/*
 * One node.  Owned by its parent's children array (the root by its
 * tree).  gen changes whenever the node's value, permissions or list of
 * children changes; orig_gen is the gen the node had in the tree it was
 * cloned from (0 if created after the clone), used by transactions.
 */
struct store_node {
	char *name; /* last path component; "" for the root */
	char *value;
	uint32_t value_len;
	struct store_perm *perms; /* nr_perms >= 1 entries */
	uint32_t nr_perms;
	uint64_t gen;
	uint64_t orig_gen;
	struct store_node *parent;
	struct store_node **children;
	uint32_t nr_children;
	uint32_t cap_children;
};

enum store_change {
	STORE_CHANGE_WRITE = 1, /* created, value or permissions changed */
	STORE_CHANGE_RM = 2,	/* the node and its subtree are gone */
};

/* Called after each change to a tree (watches, transaction logs). */
typedef void (*store_change_fn)(void *opaque, const char *path,
				enum store_change kind);

/* A tree: the daemon's main one, or a transaction's private copy. */
struct store_tree {
	struct store_node *root;
	uint64_t *gen_counter; /* shared by a main tree and its clones */
	store_change_fn on_change;
	void *opaque;
	uint64_t nr_nodes;
};

/* Who is asking: the identity the permission checks use. */
struct store_who {
	uint32_t domid;
	uint32_t target; /* SET_TARGET: acts for this domain too; or ~0 */
	bool is_priv;	 /* dom0 / socket: no checks, no quotas */
};

/* --- store.c: the tree --- */
/* Empty tree with "/", "/tool", "/tool/xenstored" and "/local/domain";
 * all owned by dom0 with no access for others (n0). */
int store_tree_init(struct store_tree *t, uint64_t *gen_counter);
void store_tree_free(struct store_tree *t);
/* Deep copy of src (hook not copied; orig_gen = src gen). */
int store_tree_clone(const struct store_tree *src, struct store_tree *dst);
/* Node at an absolute canonical path, or NULL. */
struct store_node *store_lookup(const struct store_tree *t, const char *path);
/* Deepest existing node on the way to path (at least the root). */
struct store_node *store_lookup_nearest(const struct store_tree *t,
					const char *path);
/* How many nodes writing path would create. */
uint32_t store_missing_count(const struct store_tree *t, const char *path);
/* Write a value, creating missing parents (empty, inheriting perms).
 * new_owner is the creator's domid for nodes it creates (see perm.c).
 * created (may be NULL) counts the nodes made. */
int store_write(struct store_tree *t, const char *path, const void *value,
		uint32_t len, const struct store_who *who, uint32_t *created);
/* Like store_write but keeps an existing node's value. */
int store_mkdir(struct store_tree *t, const char *path,
		const struct store_who *who, uint32_t *created);
/* Remove a node and its subtree: -ENOENT when the parent is missing,
 * 0 when only the node is missing; -EINVAL for "/". */
int store_rm(struct store_tree *t, const char *path);
/* Replace the permission list. */
int store_set_perms(struct store_tree *t, const char *path,
		    const struct store_perms *perms);
/* Children names, each NUL-terminated, concatenated (malloc'd). */
int store_children(const struct store_node *n, char **out, size_t *len);
/* Absolute canonical path of a node into buf; -ENAMETOOLONG. */
int store_node_path(const struct store_node *n, char *buf, size_t cap);
/* Nodes owned by domid under n (n included). */
uint64_t store_count_owned(const struct store_node *n, uint32_t domid);
/* Give every node owned by domid to dom0 (domain released). */
void store_disown(struct store_tree *t, uint32_t domid);

/*
 * Canonical absolute path of a client's path: relative ones get home
 * ("/local/domain/N") prepended.  Checks the characters (A-Z a-z 0-9
 * - / _ @), no "//", no trailing '/', the length limits of xs_wire.h.
 * '@' paths are allowed only if allow_special (watches).  -EINVAL.
 */
int store_path_canon(const char *in, const char *home, bool allow_special,
		     char *out, size_t cap);

/* --- perm.c: permissions --- */
/* Parse "r5" etc.; -EINVAL. */
int store_perm_parse(const char *s, struct store_perm *out);
/* "r5" etc. into buf (>= 16 bytes). */
void store_perm_format(const struct store_perm *p, char *buf, size_t cap);
/* Access bits who has on a node (STORE_PERM_BOTH when privileged). */
uint32_t store_perm_access(const struct store_node *n,
			   const struct store_who *who);
/* 0 if who may do want (STORE_PERM_READ/WRITE) on n, else -EACCES. */
int store_perm_check(const struct store_node *n, const struct store_who *who,
		     uint32_t want);
/* Permissions of a new node made by who under parent. */
void store_perm_inherit(const struct store_node *parent,
			const struct store_who *who, struct store_perms *out);
/* May who replace n's perms with np?  Owner or priv; only priv may
 * change the owner.  -EACCES / -EPERM. */
int store_perm_may_set(const struct store_node *n, const struct store_who *who,
		       const struct store_perms *np);

/* --- quota.c: limits for unprivileged domains --- */
enum store_quota_kind {
	STORE_QUOTA_NODES,	  /* nodes owned per domain */
	STORE_QUOTA_NODE_SIZE,	  /* bytes of one node's value */
	STORE_QUOTA_WATCHES,	  /* watches per domain */
	STORE_QUOTA_TRANSACTIONS, /* open transactions per connection */
	STORE_QUOTA_OUTSTANDING,  /* replies queued before input pauses */
	STORE_QUOTA_PERMS,	  /* permission entries per node */
	STORE_QUOTA_TXN_NODES,	  /* nodes changed per transaction */
	STORE_QUOTA_COUNT,
};
struct store_quota {
	uint32_t v[STORE_QUOTA_COUNT];
};
void store_quota_defaults(struct store_quota *q);
/* Name ("nodes", "node-size", ...) to kind; -EINVAL if unknown. */
int store_quota_lookup(const char *name, enum store_quota_kind *kind);
const char *store_quota_name(enum store_quota_kind kind);
/* Set from a decimal string (1 .. 1<<30); -EINVAL. */
int store_quota_set(struct store_quota *q, const char *name, const char *value);
/* "name value\n" lines into buf; bytes written or -ENOSPC. */
int store_quota_format(const struct store_quota *q, char *buf, size_t cap);
/* -ENOSPC if who may not own `extra` more nodes in t (E: nodes quota). */
int store_quota_check_nodes(const struct store_quota *q,
			    const struct store_tree *t,
			    const struct store_who *who, uint32_t extra);
/* Value size and perm count checks for who: -ENOSPC. */
int store_quota_check_value(const struct store_quota *q,
			    const struct store_who *who, uint32_t len);
int store_quota_check_perms(const struct store_quota *q,
			    const struct store_who *who, uint32_t nr);

/* --- txn.c: transactions --- */
struct store_txn_log {
	char *path;
	enum store_change kind;
};
struct store_txn_read {
	char *path;
	uint64_t gen; /* the node's gen when first read; 0 = absent */
};
/*
 * One transaction: a private copy of the tree plus what it read and
 * changed.  Owned by the connection that started it; freed by
 * store_txn_free after commit or abort.
 */
struct store_txn {
	uint32_t id;
	struct store_tree tree;
	struct store_txn_log *log;
	uint32_t nr_log, cap_log;
	struct store_txn_read *reads;
	uint32_t nr_reads, cap_reads;
	uint32_t max_log; /* transaction-nodes quota; 0 = no limit */
	int error;	  /* sticky failure (e.g. -ENOSPC, -ENOMEM) */
	struct store_txn *next;
};
/* New transaction over main (a snapshot clone). */
int store_txn_start(const struct store_tree *main, uint32_t id,
		    uint32_t max_log, struct store_txn **out);
void store_txn_free(struct store_txn *txn);
/* Note that the transaction looked at path (for conflict checks). */
void store_txn_note_read(struct store_txn *txn, const char *path);
/* -EAGAIN if a node read has changed in main since; else apply the
 * changes to main (its hook fires for each).  The txn is not freed. */
int store_txn_commit(struct store_txn *txn, struct store_tree *main);

#endif
