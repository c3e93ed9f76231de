/*
 * dom0-tools/xenstored/request.c: one handler per request type, on a
 * validated struct store_req (wire.c).  Each handler checks (path,
 * transaction, permissions, quotas) and then acts on the tree, replying
 * OK, a value or an error name.  Domain requests are in domain.c,
 * CONTROL in control.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

int
store_parse_domid(const char *s, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= STORE_DOMID_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* The tree a request works on: its transaction's, or the main one. */
static int
req_tree(struct store_conn *c, const struct store_req *req,
	 struct store_tree **tree, struct store_txn **txn)
{
	struct store_txn *t;

	*txn = NULL;
	*tree = &c->ctx->tree;
	if (req->tx_id == 0)
		return 0;
	for (t = c->txns; t; t = t->next) {
		if (t->id == req->tx_id) {
			*txn = t;
			*tree = &t->tree;
			return 0;
		}
	}
	return -ENOENT;
}

/* Canonical path of args[0] plus the tree; notes the read in a txn. */
static int
req_node(struct store_conn *c, const struct store_req *req, char *path,
	 struct store_tree **tree, struct store_txn **txn,
	 struct store_node **node)
{
	int r = store_path_canon(req->args[0], c->home, false, path,
				 XENSTORE_ABS_PATH_MAX + 1);

	if (r < 0)
		return r;
	r = req_tree(c, req, tree, txn);
	if (r < 0)
		return r;
	*node = store_lookup(*tree, path);
	if (*txn)
		store_txn_note_read(*txn, path);
	return 0;
}

/* A missing node is ENOENT, unless its closest parent is unreadable. */
static int
req_missing(struct store_conn *c, struct store_tree *tree, const char *path)
{
	const struct store_node *n = store_lookup_nearest(tree, path);

	return store_perm_check(n, &c->who, STORE_PERM_READ) < 0 ? -EACCES
								 : -ENOENT;
}

/* The request's node, present and readable by the caller: what READ,
 * DIRECTORY, DIRECTORY_PART and GET_PERMS need. */
static int
req_readable_node(struct store_conn *c, const struct store_req *req,
		  struct store_node **n)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	struct store_tree *tree;
	struct store_txn *txn;
	int r = req_node(c, req, path, &tree, &txn, n);

	if (r < 0)
		return r;
	if (!*n)
		return req_missing(c, tree, path);
	return store_perm_check(*n, &c->who, STORE_PERM_READ);
}

static int
do_read(struct store_conn *c, struct store_req *req)
{
	struct store_node *n;
	int r = req_readable_node(c, req, &n);

	if (r < 0)
		return r;
	store_conn_reply(c, req, n->value, n->value_len);
	return 0;
}

/* Checks shared by WRITE and MKDIR before the tree changes. */
static int
write_checks(struct store_conn *c, struct store_tree *tree, const char *path,
	     uint32_t len)
{
	const struct store_node *n = store_lookup_nearest(tree, path);
	int r = store_quota_check_value(&c->ctx->quota, &c->who, len);

	if (r < 0)
		return r;
	r = store_perm_check(n, &c->who, STORE_PERM_WRITE);
	if (r < 0)
		return r;
	return store_quota_check_nodes(&c->ctx->quota, tree, &c->who,
				       store_missing_count(tree, path));
}

static int
req_txn_result(struct store_txn *txn, int r)
{
	return r < 0 ? r : (txn && txn->error ? txn->error : 0);
}

static int
do_write(struct store_conn *c, struct store_req *req)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	struct store_tree *tree;
	struct store_txn *txn;
	struct store_node *n;
	int r = req_node(c, req, path, &tree, &txn, &n);

	if (r < 0)
		return r;
	r = write_checks(c, tree, path, req->value_len);
	if (r < 0)
		return r;
	r = store_write(tree, path, req->value, req->value_len, &c->who, NULL);
	r = req_txn_result(txn, r);
	if (r == 0)
		store_conn_reply_str(c, req, "OK");
	return r;
}

static int
do_mkdir(struct store_conn *c, struct store_req *req)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	struct store_tree *tree;
	struct store_txn *txn;
	struct store_node *n;
	int r = req_node(c, req, path, &tree, &txn, &n);

	if (r < 0)
		return r;
	if (!n) {
		r = write_checks(c, tree, path, 0);
		if (r < 0)
			return r;
		r = req_txn_result(txn, store_mkdir(tree, path, &c->who, NULL));
		if (r < 0)
			return r;
	}
	store_conn_reply_str(c, req, "OK");
	return 0;
}

static int
do_rm(struct store_conn *c, struct store_req *req)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	struct store_tree *tree;
	struct store_txn *txn;
	struct store_node *n;
	int r = req_node(c, req, path, &tree, &txn, &n);

	if (r < 0)
		return r;
	if (n) {
		r = store_perm_check(n, &c->who, STORE_PERM_WRITE);
		if (r < 0)
			return r;
	}
	r = req_txn_result(txn, store_rm(tree, path));
	if (r == 0)
		store_conn_reply_str(c, req, "OK");
	return r;
}

/* The whole child list in one reply. */
static int
directory_reply(struct store_conn *c, struct store_req *req,
		const struct store_node *n, const char *list, size_t len)
{
	(void)n;
	if (len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	store_conn_reply(c, req, list, (uint32_t)len);
	return 0;
}

/* Children from byte offset args[1], after "<gen>\0"; a last chunk ends
 * with an extra NUL. */
static int
directory_part_reply(struct store_conn *c, struct store_req *req,
		     const struct store_node *n, const char *list, size_t len)
{
	char body[XENSTORE_PAYLOAD_MAX];
	unsigned long off;
	size_t head, take = 0, l;
	char *end;

	errno = 0;
	off = strtoul(req->args[1], &end, 10);
	if (errno || *end || req->args[1][0] == '\0' || off > len)
		return -EINVAL;
	head = (size_t)snprintf(body, sizeof(body), "%llu",
				(unsigned long long)n->gen) +
	       1;
	while (off + take < len) {
		l = strlen(list + off + take) + 1;
		if (head + take + l + 1 > sizeof(body))
			break;
		take += l;
	}
	if (take == 0 && off < len)
		return -E2BIG;
	memcpy(body + head, list + off, take);
	if (off + take == len)
		body[head + take++] = '\0';
	store_conn_reply(c, req, body, (uint32_t)(head + take));
	return 0;
}

typedef int children_reply_fn(struct store_conn *c, struct store_req *req,
			      const struct store_node *n, const char *list,
			      size_t len);

/* DIRECTORY and DIRECTORY_PART: the node's children, answered by reply. */
static int
req_children(struct store_conn *c, struct store_req *req,
	     children_reply_fn *reply)
{
	struct store_node *n;
	size_t len;
	char *list;
	int r = req_readable_node(c, req, &n);

	if (r < 0)
		return r;
	r = store_children(n, &list, &len);
	if (r < 0)
		return r;
	r = reply(c, req, n, list, len);
	free(list);
	return r;
}

static int
do_directory(struct store_conn *c, struct store_req *req)
{
	return req_children(c, req, directory_reply);
}

static int
do_directory_part(struct store_conn *c, struct store_req *req)
{
	return req_children(c, req, directory_part_reply);
}

static int
do_get_perms(struct store_conn *c, struct store_req *req)
{
	char body[XENSTORE_PAYLOAD_MAX];
	struct store_node *n;
	size_t off = 0;
	uint32_t i;
	int r = req_readable_node(c, req, &n);

	if (r < 0)
		return r;
	for (i = 0; i < n->nr_perms; i++) {
		store_perm_format(&n->perms[i], body + off, 16);
		off += strlen(body + off) + 1;
	}
	store_conn_reply(c, req, body, (uint32_t)off);
	return 0;
}

static int
do_set_perms(struct store_conn *c, struct store_req *req)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	struct store_perms perms;
	struct store_tree *tree;
	struct store_txn *txn;
	struct store_node *n;
	uint32_t i;
	int r = req_node(c, req, path, &tree, &txn, &n);

	if (r < 0)
		return r;
	perms.nr = req->nr_args - 1;
	if (perms.nr > STORE_PERMS_MAX)
		return -EINVAL;
	for (i = 0; i < perms.nr; i++)
		if (store_perm_parse(req->args[i + 1], &perms.p[i]) < 0)
			return -EINVAL;
	r = store_quota_check_perms(&c->ctx->quota, &c->who, perms.nr);
	if (r < 0)
		return r;
	if (!n)
		return req_missing(c, tree, path);
	r = store_perm_may_set(n, &c->who, &perms);
	if (r < 0)
		return r;
	r = req_txn_result(txn, store_set_perms(tree, path, &perms));
	if (r == 0)
		store_conn_reply_str(c, req, "OK");
	return r;
}

static int
do_watch(struct store_conn *c, struct store_req *req)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	bool relative = req->args[0][0] != '/' && req->args[0][0] != '@';
	int r = store_path_canon(req->args[0], c->home, true, path,
				 sizeof(path));

	if (r < 0)
		return r;
	r = store_watch_add(c, path, req->args[1], relative);
	if (r < 0)
		return r;
	store_conn_reply_str(c, req, "OK");
	store_watch_fire_initial(c, c->watches);
	return 0;
}

static int
do_unwatch(struct store_conn *c, struct store_req *req)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	int r = store_path_canon(req->args[0], c->home, true, path,
				 sizeof(path));

	if (r < 0)
		return r;
	r = store_watch_remove(c, path, req->args[1]);
	if (r == 0)
		store_conn_reply_str(c, req, "OK");
	return r;
}

static int
do_transaction_start(struct store_conn *c, struct store_req *req)
{
	struct store_txn *txn;
	char id[16];
	int r;

	if (req->tx_id != 0)
		return -EBUSY;
	if (!c->who.is_priv &&
	    c->nr_txns >= c->ctx->quota.v[STORE_QUOTA_TRANSACTIONS])
		return -ENOSPC;
	r = store_txn_start(
		&c->ctx->tree, c->next_txn_id,
		c->who.is_priv ? 0 : c->ctx->quota.v[STORE_QUOTA_TXN_NODES],
		&txn);
	if (r < 0)
		return r;
	if (++c->next_txn_id == 0)
		c->next_txn_id = 1;
	txn->next = c->txns;
	c->txns = txn;
	c->nr_txns++;
	snprintf(id, sizeof(id), "%u", txn->id);
	store_conn_reply_str(c, req, id);
	return 0;
}

static int
do_transaction_end(struct store_conn *c, struct store_req *req)
{
	struct store_txn **pp, *txn;
	bool commit;
	int r;

	if (strcmp(req->args[0], "T") == 0)
		commit = true;
	else if (strcmp(req->args[0], "F") == 0)
		commit = false;
	else
		return -EINVAL;
	for (pp = &c->txns; (txn = *pp); pp = &txn->next)
		if (txn->id == req->tx_id && req->tx_id != 0)
			break;
	if (!txn)
		return -ENOENT;
	*pp = txn->next;
	c->nr_txns--;
	r = commit ? store_txn_commit(txn, &c->ctx->tree) : 0;
	store_txn_free(txn);
	if (r == 0)
		store_conn_reply_str(c, req, "OK");
	return r;
}

static int
do_get_domain_path(struct store_conn *c, struct store_req *req)
{
	char path[48];
	uint32_t domid;

	if (store_parse_domid(req->args[0], &domid) < 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	store_conn_reply_str(c, req, path);
	return 0;
}

static int
do_reset_watches(struct store_conn *c, struct store_req *req)
{
	store_conn_reset(c);
	store_conn_reply_str(c, req, "OK");
	return 0;
}

typedef int (*req_handler)(struct store_conn *c, struct store_req *req);
typedef void (*req_handler_own_reply)(struct store_conn *c,
				      struct store_req *req);

static const req_handler handlers[XS_TYPE_COUNT] = {
	[XS_DIRECTORY] = do_directory,
	[XS_READ] = do_read,
	[XS_GET_PERMS] = do_get_perms,
	[XS_WATCH] = do_watch,
	[XS_UNWATCH] = do_unwatch,
	[XS_TRANSACTION_START] = do_transaction_start,
	[XS_TRANSACTION_END] = do_transaction_end,
	[XS_GET_DOMAIN_PATH] = do_get_domain_path,
	[XS_WRITE] = do_write,
	[XS_MKDIR] = do_mkdir,
	[XS_RM] = do_rm,
	[XS_SET_PERMS] = do_set_perms,
	[XS_RESET_WATCHES] = do_reset_watches,
	[XS_DIRECTORY_PART] = do_directory_part,
};

/* These reply (or fail) themselves. */
static const req_handler_own_reply own_reply[XS_TYPE_COUNT] = {
	[XS_CONTROL] = store_control,
	[XS_INTRODUCE] = store_domain_introduce,
	[XS_RELEASE] = store_domain_release,
	[XS_IS_DOMAIN_INTRODUCED] = store_domain_is_introduced,
	[XS_RESUME] = store_domain_resume,
	[XS_SET_TARGET] = store_domain_set_target,
};

void
store_request_handle(struct store_conn *c, struct store_req *req)
{
	int r;

	/* wire.c only lets served types through. */
	if (own_reply[req->type]) {
		own_reply[req->type](c, req);
		return;
	}
	if (!handlers[req->type]) {
		store_conn_reply_err(c, req, -ENOSYS);
		return;
	}
	r = handlers[req->type](c, req);
	if (r < 0)
		store_conn_reply_err(c, req, r);
}
