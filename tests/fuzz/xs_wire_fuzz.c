/*
 * tests/fuzz/xs_wire_fuzz.c: libFuzzer target for xylem-xenstored's
 * message parser (dom0-tools/xenstored/wire.c).  The input is a byte
 * stream as a client would send it: it is cut into messages with
 * store_wire_frame, each parsed, and the valid tree requests are applied
 * to a tree (paths, permissions, a transaction) as a guest (dom 5) would.
 * Built by `make fuzz` (tests/fuzz/build.mk); run by
 * `make fuzz-xenstored` or briefly by xs_wire_fuzz_check in make check.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
apply_perms(struct store_tree *t, const char *path, struct store_req *req,
	    const struct store_who *who)
{
	struct store_perms perms = {.nr = 0};
	struct store_node *n = store_lookup(t, path);
	uint32_t i;

	for (i = 1; i < req->nr_args && perms.nr < STORE_PERMS_MAX; i++)
		if (store_perm_parse(req->args[i], &perms.p[perms.nr]) == 0)
			perms.nr++;
	if (n && perms.nr && store_perm_may_set(n, who, &perms) == 0)
		store_set_perms(t, path, &perms);
}

static void
apply(struct store_tree *t, struct store_req *req, const struct store_who *who)
{
	char path[XENSTORE_ABS_PATH_MAX + 1], *list;
	struct store_node *n;
	size_t len;

	if (req->nr_args < 1 ||
	    store_path_canon(req->args[0], "/local/domain/5",
			     req->type == XS_WATCH, path, sizeof(path)) < 0 ||
	    path[0] != '/')
		return;
	n = store_lookup(t, path);
	switch (req->type) {
	case XS_WRITE:
		if (store_perm_check(store_lookup_nearest(t, path), who,
				     STORE_PERM_WRITE) == 0)
			store_write(t, path, req->value, req->value_len, who,
				    NULL);
		break;
	case XS_MKDIR:
		store_mkdir(t, path, who, NULL);
		break;
	case XS_RM:
		store_rm(t, path);
		break;
	case XS_DIRECTORY:
		if (n && store_children(n, &list, &len) == 0)
			free(list);
		break;
	case XS_SET_PERMS:
		apply_perms(t, path, req, who);
		break;
	default:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct store_who dom5 = {5, ~0u, false};
	static struct store_req req;
	struct store_tree t;
	struct store_txn *txn = NULL;
	uint64_t gen = 0;
	size_t off = 0;
	int n;

	if (store_tree_init(&t, &gen) < 0)
		return 0;
	store_write(&t, "/local/domain/5/x", "v", 1, &dom5, NULL);
	while (off < size) {
		n = store_wire_frame(data + off, size - off);
		if (n <= 0)
			break;
		if (store_wire_parse(data + off, (size_t)n, &req) == 0) {
			if (req.type == XS_TRANSACTION_START && !txn)
				store_txn_start(&t, 1, 64, &txn);
			else if (req.type == XS_TRANSACTION_END && txn) {
				store_txn_commit(txn, &t);
				store_txn_free(txn);
				txn = NULL;
			} else {
				apply(txn && req.tx_id ? &txn->tree : &t, &req,
				      &dom5);
				if (txn && req.nr_args && req.args[0][0] == '/')
					store_txn_note_read(txn, req.args[0]);
			}
		}
		off += (size_t)n;
	}
	store_txn_free(txn);
	store_tree_free(&t);
	return 0;
}
