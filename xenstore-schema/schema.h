/*
 * xenstore-schema/schema.h: the xenstore tree schema (xylem.schema, format
 * in docs/xenstore-schema.md) as data: parsing, matching a node's path
 * against the node patterns with variable bindings, and checking a value's
 * form.  Pure (libc only): the checker and its unit tests link it.
 * Errors: -EINVAL (malformed schema: err names the line), -ENOMEM.
 */
#ifndef XS_SCHEMA_H
#define XS_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

enum schema_seg_kind {
	SCHEMA_SEG_LIT,	   /* "backend" */
	SCHEMA_SEG_VAR,	   /* "$D": binds or must equal */
	SCHEMA_SEG_ANY,	   /* "*": any one segment */
	SCHEMA_SEG_PREFIX, /* "feature-*": a segment starting with text */
	SCHEMA_SEG_REST,   /* "**" (last): one or more segments */
};

struct schema_seg {
	enum schema_seg_kind kind;
	char *text; /* literal, prefix, or variable name without '$' */
};

struct schema_pattern {
	char *text; /* as written */
	struct schema_seg *segs;
	unsigned int nr_segs; /* 0: the root "/" */
};

enum schema_value_kind {
	SCHEMA_VAL_EMPTY,   /* "" */
	SCHEMA_VAL_ANY,	    /* anything, binary too */
	SCHEMA_VAL_TEXT,    /* printable ASCII, may be empty */
	SCHEMA_VAL_STRING,  /* printable ASCII, not empty */
	SCHEMA_VAL_UINT,    /* decimal, no sign, no leading zero */
	SCHEMA_VAL_BOOL,    /* 0 | 1 */
	SCHEMA_VAL_STATE,   /* a XenbusState, 0 .. 8 */
	SCHEMA_VAL_UUID,    /* 8-4-4-4-12 lower-case hex */
	SCHEMA_VAL_MAC,	    /* xx:xx:xx:xx:xx:xx */
	SCHEMA_VAL_TIME,    /* seconds.fraction */
	SCHEMA_VAL_LITERAL, /* =text, variables substituted */
	SCHEMA_VAL_ENUM,    /* enum:a|b|c */
	SCHEMA_VAL_PATH,    /* path:<pattern>, binding its variables */
};

struct schema_rule {
	bool required; /* R: exists whenever its parent rule's node does */
	struct schema_pattern path;
	char *writer;
	char *perms; /* template ("n0,r$D") or "*" */
	enum schema_value_kind value_kind;
	char *value_arg;		  /* literal or enum list */
	struct schema_pattern value_path; /* SCHEMA_VAL_PATH */
	unsigned int line;
	int parent; /* rule whose pattern is ours minus the last segment */
};

/* A schema: rules in file order (the first match decides). */
struct schema {
	struct schema_rule *rules;
	size_t nr_rules;
};

#define SCHEMA_MAX_BINDINGS 8
#define SCHEMA_VALUE_MAX    64

/* Variable bindings collected while matching one node. */
struct schema_env {
	struct {
		char name[4];
		char value[SCHEMA_VALUE_MAX];
	} b[SCHEMA_MAX_BINDINGS];
	unsigned int nr;
};

/* Parse schema text; on -EINVAL err holds "line N: problem". */
int schema_parse(const char *text, struct schema *out, char *err,
		 size_t err_cap);
void schema_free(struct schema *s);

/* 1 if path matches p (env extended with new bindings), 0 if not (env
 * unchanged). */
int schema_match(const struct schema_pattern *p, const char *path,
		 struct schema_env *env);
/* The first rule matching path, env filled; NULL if none. */
const struct schema_rule *schema_find(const struct schema *s, const char *path,
				      struct schema_env *env);
/* Value of a bound variable, or NULL. */
const char *schema_env_get(const struct schema_env *env, const char *name);
/* Bind name=value; -EEXIST bound to another value, -ENOSPC. */
int schema_env_set(struct schema_env *env, const char *name, const char *value);
/* Substitute $X in tmpl: 0, -ENOENT an unbound variable (its name in
 * buf), -ERANGE buf too small. */
int schema_expand(const char *tmpl, const struct schema_env *env, char *buf,
		  size_t cap);
/* 1 if tmpl names a variable not bound in env. */
bool schema_needs_unbound(const char *tmpl, const struct schema_env *env);
/* Check value (len bytes) against the rule's form; PATH values bind their
 * variables into env.  0, or -EINVAL with the reason in why. */
int schema_value_check(const struct schema_rule *r, const char *value,
		       size_t len, struct schema_env *env, char *why,
		       size_t why_cap);

#endif
