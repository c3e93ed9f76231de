/*
 * dom0-tools/xenstored/perm.c: node permissions: the "n5"/"r0"/"b7"
 * strings of the wire, who may read or write a node, who may change its
 * permissions, and what a new node inherits.  The first entry names the
 * owner and the access of every domain not listed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

int
store_perm_parse(const char *s, struct store_perm *out)
{
	unsigned long v;
	char *end;

	switch (s[0]) {
	case 'n':
		out->access = STORE_PERM_NONE;
		break;
	case 'r':
		out->access = STORE_PERM_READ;
		break;
	case 'w':
		out->access = STORE_PERM_WRITE;
		break;
	case 'b':
		out->access = STORE_PERM_BOTH;
		break;
	default:
		return -EINVAL;
	}
	if (s[1] < '0' || s[1] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s + 1, &end, 10);
	if (errno || *end || v >= STORE_DOMID_MAX)
		return -EINVAL;
	out->domid = (uint32_t)v;
	return 0;
}

void
store_perm_format(const struct store_perm *p, char *buf, size_t cap)
{
	static const char letters[] = "nrwb";

	snprintf(buf, cap, "%c%u", letters[p->access & 3], p->domid);
}

static uint32_t
access_of(const struct store_node *n, uint32_t domid)
{
	uint32_t i;

	if (n->perms[0].domid == domid)
		return STORE_PERM_BOTH;
	for (i = 1; i < n->nr_perms; i++)
		if (n->perms[i].domid == domid)
			return n->perms[i].access;
	return n->perms[0].access;
}

uint32_t
store_perm_access(const struct store_node *n, const struct store_who *who)
{
	uint32_t a;

	if (who->is_priv)
		return STORE_PERM_BOTH;
	a = access_of(n, who->domid);
	/* A device model acts with its target's rights too (SET_TARGET). */
	if (who->target < STORE_DOMID_MAX)
		a |= access_of(n, who->target);
	return a;
}

int
store_perm_check(const struct store_node *n, const struct store_who *who,
		 uint32_t want)
{
	return (store_perm_access(n, who) & want) == want ? 0 : -EACCES;
}

void
store_perm_inherit(const struct store_node *parent, const struct store_who *who,
		   struct store_perms *out)
{
	out->nr = parent->nr_perms;
	memcpy(out->p, parent->perms, parent->nr_perms * sizeof(out->p[0]));
	if (!who->is_priv)
		out->p[0].domid = who->domid;
}

int
store_perm_may_set(const struct store_node *n, const struct store_who *who,
		   const struct store_perms *np)
{
	if (np->nr < 1)
		return -EINVAL;
	if (who->is_priv)
		return 0;
	if (n->perms[0].domid != who->domid &&
	    !(who->target < STORE_DOMID_MAX &&
	      n->perms[0].domid == who->target))
		return -EACCES;
	if (np->p[0].domid != n->perms[0].domid)
		return -EPERM;
	return 0;
}
