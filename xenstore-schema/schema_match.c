/*
 * xenstore-schema/schema_match.c: matching node paths against schema
 * patterns (with $D $B $N $DEV $U bindings) and checking value forms.
 * Paths and values come from a live xenstore tree, written partly by
 * guests: every length is bounded and nothing is assumed terminated.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "schema.h"

const char *
schema_env_get(const struct schema_env *env, const char *name)
{
	for (unsigned int i = 0; i < env->nr; i++)
		if (strcmp(env->b[i].name, name) == 0)
			return env->b[i].value;
	return NULL;
}

int
schema_env_set(struct schema_env *env, const char *name, const char *value)
{
	const char *old = schema_env_get(env, name);

	if (old)
		return strcmp(old, value) == 0 ? 0 : -EEXIST;
	if (env->nr == SCHEMA_MAX_BINDINGS ||
	    strlen(name) >= sizeof(env->b[0].name) ||
	    strlen(value) >= SCHEMA_VALUE_MAX)
		return -ENOSPC;
	strcpy(env->b[env->nr].name, name);
	strcpy(env->b[env->nr].value, value);
	env->nr++;
	return 0;
}

static bool
is_uint(const char *s, size_t n)
{
	if (n == 0 || n > 10 || (s[0] == '0' && n > 1))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool
is_uuid(const char *s, size_t n)
{
	static const char form[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

	if (n != sizeof(form) - 1)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (form[i] == '-' ? s[i] != '-'
				   : !isxdigit((unsigned char)s[i]) ||
					     isupper((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* A variable's segment: $U a UUID, the others decimal numbers. */
static bool
var_accepts(const char *name, const char *s, size_t n)
{
	return strcmp(name, "U") == 0 ? is_uuid(s, n) : is_uint(s, n);
}

static int
bind_seg(const struct schema_seg *g, const char *s, size_t n,
	 struct schema_env *env)
{
	char v[SCHEMA_VALUE_MAX];

	switch (g->kind) {
	case SCHEMA_SEG_LIT:
		return strlen(g->text) == n && memcmp(g->text, s, n) == 0;
	case SCHEMA_SEG_ANY:
	case SCHEMA_SEG_REST:
		return 1;
	case SCHEMA_SEG_PREFIX:
		return n >= strlen(g->text) &&
		       memcmp(g->text, s, strlen(g->text)) == 0;
	case SCHEMA_SEG_VAR:
		if (n >= sizeof(v) || !var_accepts(g->text, s, n))
			return 0;
		memcpy(v, s, n);
		v[n] = '\0';
		return schema_env_set(env, g->text, v) == 0;
	}
	return 0;
}

int
schema_match(const struct schema_pattern *p, const char *path,
	     struct schema_env *env)
{
	struct schema_env saved = *env;
	const char *s = path;
	unsigned int i;

	if (path[0] != '/')
		return 0;
	if (p->nr_segs == 0)
		return strcmp(path, "/") == 0;
	for (i = 0; i < p->nr_segs; i++) {
		const struct schema_seg *g = &p->segs[i];
		size_t n;

		if (*s != '/' || s[1] == '\0')
			break;
		s++;
		n = strcspn(s, "/");
		if (g->kind == SCHEMA_SEG_REST)
			return 1;
		if (!bind_seg(g, s, n, env))
			break;
		s += n;
	}
	if (i == p->nr_segs && *s == '\0')
		return 1;
	*env = saved;
	return 0;
}

const struct schema_rule *
schema_find(const struct schema *s, const char *path, struct schema_env *env)
{
	for (size_t i = 0; i < s->nr_rules; i++) {
		env->nr = 0;
		if (schema_match(&s->rules[i].path, path, env))
			return &s->rules[i];
	}
	env->nr = 0;
	return NULL;
}

/* Length of the variable name at t (after '$'): the longest known one. */
static size_t
var_len(const char *t)
{
	if (strncmp(t, "DEV", 3) == 0)
		return 3;
	return (*t == 'D' || *t == 'B' || *t == 'N' || *t == 'U') ? 1 : 0;
}

int
schema_expand(const char *tmpl, const struct schema_env *env, char *buf,
	      size_t cap)
{
	size_t out = 0;

	for (const char *t = tmpl; *t;) {
		const char *v = NULL;
		char name[4];
		size_t n = 1, vn;

		if (*t == '$' && (vn = var_len(t + 1)) > 0) {
			memcpy(name, t + 1, vn);
			name[vn] = '\0';
			v = schema_env_get(env, name);
			if (!v) {
				snprintf(buf, cap, "$%s", name);
				return -ENOENT;
			}
			n = vn + 1;
		}
		vn = v ? strlen(v) : 1;
		if (out + vn + 1 > cap)
			return -ERANGE;
		memcpy(buf + out, v ? v : t, vn);
		out += vn;
		t += n;
	}
	buf[out] = '\0';
	return 0;
}

bool
schema_needs_unbound(const char *tmpl, const struct schema_env *env)
{
	char buf[512];

	return tmpl && schema_expand(tmpl, env, buf, sizeof(buf)) == -ENOENT;
}

static bool
is_printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static bool
is_mac(const char *s, size_t n)
{
	if (n != 17)
		return false;
	for (size_t i = 0; i < n; i++)
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool
is_time(const char *s, size_t n)
{
	const char *dot = memchr(s, '.', n);

	if (!dot)
		return is_uint(s, n);
	if (!is_uint(s, (size_t)(dot - s)) || dot + 1 == s + n)
		return false;
	for (const char *p = dot + 1; p < s + n; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

static bool
in_enum(const char *list, const char *s, size_t n)
{
	for (const char *p = list;; p++) {
		size_t k = strcspn(p, "|");

		if (k == n && memcmp(p, s, n) == 0)
			return true;
		p += k;
		if (*p != '|')
			return false;
	}
}

static const char *const form_names[] = {
	[SCHEMA_VAL_EMPTY] = "empty",  [SCHEMA_VAL_ANY] = "any",
	[SCHEMA_VAL_TEXT] = "text",    [SCHEMA_VAL_STRING] = "string",
	[SCHEMA_VAL_UINT] = "uint",    [SCHEMA_VAL_BOOL] = "bool",
	[SCHEMA_VAL_STATE] = "state",  [SCHEMA_VAL_UUID] = "uuid",
	[SCHEMA_VAL_MAC] = "mac",      [SCHEMA_VAL_TIME] = "time",
	[SCHEMA_VAL_LITERAL] = "=...", [SCHEMA_VAL_ENUM] = "enum",
	[SCHEMA_VAL_PATH] = "path",
};

static int
why_fail(char *why, size_t cap, const char *msg)
{
	snprintf(why, cap, "%s", msg);
	return -EINVAL;
}

static int
check_literal(const struct schema_rule *r, const char *v, size_t n,
	      const struct schema_env *env, char *why, size_t cap)
{
	char want[512];

	if (schema_expand(r->value_arg, env, want, sizeof(want)) < 0)
		return why_fail(why, cap, "unbound variable in the schema");
	if (strlen(want) == n && memcmp(want, v, n) == 0)
		return 0;
	snprintf(why, cap, "want \"%s\"", want);
	return -EINVAL;
}

static int
check_path(const struct schema_rule *r, const char *v, size_t n,
	   struct schema_env *env, char *why, size_t cap)
{
	char path[3072 + 1];

	if (n >= sizeof(path) || memchr(v, '\0', n))
		return why_fail(why, cap, "not a path");
	memcpy(path, v, n);
	path[n] = '\0';
	if (schema_match(&r->value_path, path, env))
		return 0;
	snprintf(why, cap, "want a path like %s", r->value_path.text);
	return -EINVAL;
}

int
schema_value_check(const struct schema_rule *r, const char *v, size_t n,
		   struct schema_env *env, char *why, size_t cap)
{
	bool ok = false;

	switch (r->value_kind) {
	case SCHEMA_VAL_ANY:
		return 0;
	case SCHEMA_VAL_EMPTY:
		ok = n == 0;
		break;
	case SCHEMA_VAL_TEXT:
		ok = is_printable(v, n);
		break;
	case SCHEMA_VAL_STRING:
		ok = n > 0 && is_printable(v, n);
		break;
	case SCHEMA_VAL_UINT:
		ok = is_uint(v, n);
		break;
	case SCHEMA_VAL_BOOL:
		ok = n == 1 && (v[0] == '0' || v[0] == '1');
		break;
	case SCHEMA_VAL_STATE:
		ok = n == 1 && v[0] >= '0' && v[0] <= '8';
		break;
	case SCHEMA_VAL_UUID:
		ok = is_uuid(v, n);
		break;
	case SCHEMA_VAL_MAC:
		ok = is_mac(v, n);
		break;
	case SCHEMA_VAL_TIME:
		ok = is_time(v, n);
		break;
	case SCHEMA_VAL_LITERAL:
		return check_literal(r, v, n, env, why, cap);
	case SCHEMA_VAL_ENUM:
		ok = in_enum(r->value_arg, v, n);
		break;
	case SCHEMA_VAL_PATH:
		return check_path(r, v, n, env, why, cap);
	}
	if (ok)
		return 0;
	if (r->value_kind == SCHEMA_VAL_ENUM)
		snprintf(why, cap, "not one of %s", r->value_arg);
	else
		snprintf(why, cap, "not of the form %s",
			 form_names[r->value_kind]);
	return -EINVAL;
}
