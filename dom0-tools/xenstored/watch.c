/*
 * dom0-tools/xenstored/watch.c: watches.  Each connection owns its list;
 * the main tree's change hook walks every connection's watches and
 * queues WATCH_EVENTs.  Unprivileged watchers only hear about nodes they
 * may read.  Special paths (@introduceDomain, @releaseDomain) fire only
 * from domain.c and only to privileged connections.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

/* Is path at or below top? */
static bool
path_is_under(const char *path, const char *top)
{
	size_t len = strlen(top);

	if (strcmp(top, "/") == 0)
		return path[0] == '/';
	return strncmp(path, top, len) == 0 &&
	       (path[len] == '\0' || path[len] == '/');
}

int
store_watch_add(struct store_conn *c, const char *path, const char *token,
		bool relative)
{
	struct store_watch *w;

	for (w = c->watches; w; w = w->next)
		if (strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0)
			return -EEXIST;
	/* Xen 4.17 answers E2BIG to a domain over its watch quota. */
	if (!c->who.is_priv &&
	    c->nr_watches >= c->ctx->quota.v[STORE_QUOTA_WATCHES])
		return -E2BIG;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->path = strdup(path);
	w->token = strdup(token);
	if (!w->path || !w->token) {
		free(w->path);
		free(w->token);
		free(w);
		return -ENOMEM;
	}
	w->relative = relative;
	w->next = c->watches;
	c->watches = w;
	c->nr_watches++;
	return 0;
}

static void
watch_free(struct store_watch *w)
{
	free(w->path);
	free(w->token);
	free(w);
}

int
store_watch_remove(struct store_conn *c, const char *path, const char *token)
{
	struct store_watch **pp, *w;

	for (pp = &c->watches; (w = *pp); pp = &w->next) {
		if (strcmp(w->path, path) == 0 &&
		    strcmp(w->token, token) == 0) {
			*pp = w->next;
			watch_free(w);
			c->nr_watches--;
			return 0;
		}
	}
	return -ENOENT;
}

void
store_watch_free_all(struct store_conn *c)
{
	struct store_watch *w;

	while ((w = c->watches)) {
		c->watches = w->next;
		watch_free(w);
	}
	c->nr_watches = 0;
}

static void
watch_send(struct store_conn *c, const struct store_watch *w, const char *path)
{
	char body[XENSTORE_ABS_PATH_MAX + XENSTORE_PAYLOAD_MAX + 2];
	size_t home_len = strlen(c->home), plen, tlen;

	if (w->relative && strncmp(path, c->home, home_len) == 0 &&
	    path[home_len] == '/')
		path += home_len + 1;
	plen = strlen(path) + 1;
	tlen = strlen(w->token) + 1;
	if (plen + tlen > XENSTORE_PAYLOAD_MAX)
		return;
	memcpy(body, path, plen);
	memcpy(body + plen, w->token, tlen);
	store_conn_send(c, XS_WATCH_EVENT, 0, 0, body, (uint32_t)(plen + tlen),
			true);
}

/* May c hear about a change at path (the node, or what is left above)? */
static bool
watch_may_see(const struct store_conn *c, const char *path)
{
	const struct store_node *n;

	if (c->who.is_priv)
		return true;
	n = store_lookup_nearest(&c->ctx->tree, path);
	return store_perm_check(n, &c->who, STORE_PERM_READ) == 0;
}

void
store_watch_on_change(void *opaque, const char *path, enum store_change kind)
{
	struct store_ctx *ctx = opaque;
	struct store_conn *c;
	struct store_watch *w;

	for (c = ctx->conns; c; c = c->next) {
		if (c->is_dead || !c->watches || !watch_may_see(c, path))
			continue;
		for (w = c->watches; w; w = w->next) {
			if (w->path[0] == '@')
				continue;
			if (path_is_under(path, w->path))
				watch_send(c, w, path);
			else if (kind == STORE_CHANGE_RM &&
				 path_is_under(w->path, path))
				watch_send(c, w, w->path);
		}
	}
}

void
store_watch_fire_special(struct store_ctx *ctx, const char *name)
{
	struct store_conn *c;
	struct store_watch *w;

	for (c = ctx->conns; c; c = c->next) {
		if (c->is_dead || !c->who.is_priv)
			continue;
		for (w = c->watches; w; w = w->next)
			if (strcmp(w->path, name) == 0)
				watch_send(c, w, name);
	}
}

void
store_watch_fire_initial(struct store_conn *c, const struct store_watch *w)
{
	watch_send(c, w, w->path);
}
