/*
 * xenstore-schema/schema.c: parses the schema text into rules: one rule a
 * line, five blank-separated columns.  The text is ours (shipped in the
 * tree) but is still checked line by line: a malformed line is an error
 * naming its line, never skipped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

static const char *const schema_vars[] = {"D", "B", "N", "DEV", "U"};

static const struct {
	const char *name;
	enum schema_value_kind kind;
} schema_forms[] = {
	{"empty", SCHEMA_VAL_EMPTY}, {"any", SCHEMA_VAL_ANY},
	{"text", SCHEMA_VAL_TEXT},   {"string", SCHEMA_VAL_STRING},
	{"uint", SCHEMA_VAL_UINT},   {"bool", SCHEMA_VAL_BOOL},
	{"state", SCHEMA_VAL_STATE}, {"uuid", SCHEMA_VAL_UUID},
	{"mac", SCHEMA_VAL_MAC},     {"time", SCHEMA_VAL_TIME},
};

static int
fail(char *err, size_t cap, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, cap, "line %u: ", line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < cap)
		vsnprintf(err + n, cap - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool
known_var(const char *name)
{
	for (size_t i = 0; i < sizeof(schema_vars) / sizeof(schema_vars[0]);
	     i++)
		if (strcmp(name, schema_vars[i]) == 0)
			return true;
	return false;
}

static void
pattern_free(struct schema_pattern *p)
{
	for (unsigned int i = 0; i < p->nr_segs; i++)
		free(p->segs[i].text);
	free(p->segs);
	free(p->text);
	memset(p, 0, sizeof(*p));
}

/* One segment of a pattern. */
static int
parse_seg(char *s, bool last, struct schema_seg *seg, const char **why)
{
	size_t n = strlen(s);

	if (n == 0) {
		*why = "empty segment";
		return -EINVAL;
	}
	if (strcmp(s, "**") == 0) {
		if (!last) {
			*why = "** must be the last segment";
			return -EINVAL;
		}
		seg->kind = SCHEMA_SEG_REST;
		s = "";
	} else if (strcmp(s, "*") == 0) {
		seg->kind = SCHEMA_SEG_ANY;
		s = "";
	} else if (s[0] == '$') {
		if (!known_var(s + 1)) {
			*why = "unknown variable (use $D $B $N $DEV $U)";
			return -EINVAL;
		}
		seg->kind = SCHEMA_SEG_VAR;
		s++;
	} else if (s[n - 1] == '*') {
		seg->kind = SCHEMA_SEG_PREFIX;
		s[n - 1] = '\0';
	} else {
		seg->kind = SCHEMA_SEG_LIT;
	}
	if (strpbrk(s, "*$")) {
		*why = "'*' or '$' inside a segment";
		return -EINVAL;
	}
	seg->text = strdup(s);
	return seg->text ? 0 : -ENOMEM;
}

static int
parse_pattern(const char *text, struct schema_pattern *p, const char **why)
{
	char *copy, *save = NULL, *tok;
	int r = 0;

	memset(p, 0, sizeof(*p));
	if (text[0] != '/' || (text[1] && text[strlen(text) - 1] == '/') ||
	    strstr(text, "//")) {
		*why = "a pattern is an absolute path without '//' or a "
		       "trailing '/'";
		return -EINVAL;
	}
	p->text = strdup(text);
	copy = strdup(text);
	p->segs = calloc(strlen(text) / 2 + 1, sizeof(*p->segs));
	if (!p->text || !copy || !p->segs) {
		free(copy);
		return -ENOMEM;
	}
	for (tok = strtok_r(copy, "/", &save); tok && r == 0;
	     tok = strtok_r(NULL, "/", &save)) {
		bool last = save == NULL || *save == '\0';

		r = parse_seg(tok, last, &p->segs[p->nr_segs], why);
		if (r == 0)
			p->nr_segs++;
	}
	free(copy);
	return r;
}

static int
parse_value(const char *v, struct schema_rule *r, const char **why)
{
	for (size_t i = 0; i < sizeof(schema_forms) / sizeof(schema_forms[0]);
	     i++) {
		if (strcmp(v, schema_forms[i].name) == 0) {
			r->value_kind = schema_forms[i].kind;
			return 0;
		}
	}
	if (v[0] == '=') {
		r->value_kind = SCHEMA_VAL_LITERAL;
		r->value_arg = strdup(v + 1);
	} else if (strncmp(v, "enum:", 5) == 0) {
		r->value_kind = SCHEMA_VAL_ENUM;
		r->value_arg = strdup(v + 5);
	} else if (strncmp(v, "path:", 5) == 0) {
		r->value_kind = SCHEMA_VAL_PATH;
		return parse_pattern(v + 5, &r->value_path, why);
	} else {
		*why = "unknown value form";
		return -EINVAL;
	}
	return r->value_arg ? 0 : -ENOMEM;
}

static void
rule_free(struct schema_rule *r)
{
	pattern_free(&r->path);
	pattern_free(&r->value_path);
	free(r->writer);
	free(r->perms);
	free(r->value_arg);
}

/* One non-comment line: R|O path writer perms value. */
static int
parse_line(char *line, unsigned int no, struct schema_rule *r, char *err,
	   size_t cap)
{
	char *col[6], *save = NULL;
	const char *why = NULL;
	int n = 0, rc;

	for (char *t = strtok_r(line, " \t", &save); t && n < 6;
	     t = strtok_r(NULL, " \t", &save))
		col[n++] = t;
	if (n != 5)
		return fail(err, cap, no, "want 5 columns, found %d", n);
	if (strcmp(col[0], "R") != 0 && strcmp(col[0], "O") != 0)
		return fail(err, cap, no, "first column must be R or O");
	memset(r, 0, sizeof(*r));
	r->line = no;
	r->parent = -1;
	r->required = col[0][0] == 'R';
	rc = parse_pattern(col[1], &r->path, &why);
	if (rc == 0)
		rc = parse_value(col[4], r, &why);
	if (rc == 0) {
		r->writer = strdup(col[2]);
		r->perms = strdup(col[3]);
		if (!r->writer || !r->perms)
			rc = -ENOMEM;
	}
	if (rc == -EINVAL)
		fail(err, cap, no, "%s", why);
	if (rc < 0)
		rule_free(r);
	return rc;
}

/* Link each rule to the rule whose pattern is its own minus the last
 * segment (for R rules' "exists whenever the parent does"). */
static void
link_parents(struct schema *s)
{
	for (size_t i = 0; i < s->nr_rules; i++) {
		const char *t = s->rules[i].path.text;
		size_t plen = strrchr(t, '/') - t;

		for (size_t j = 0; j < s->nr_rules && plen; j++) {
			const char *u = s->rules[j].path.text;

			if (strlen(u) == plen && strncmp(u, t, plen) == 0) {
				s->rules[i].parent = (int)j;
				break;
			}
		}
		if (plen == 0 && strcmp(t, "/") != 0)
			for (size_t j = 0; j < s->nr_rules; j++)
				if (strcmp(s->rules[j].path.text, "/") == 0)
					s->rules[i].parent = (int)j;
	}
}

int
schema_parse(const char *text, struct schema *out, char *err, size_t err_cap)
{
	char *copy = strdup(text), *line;
	size_t cap = 0;
	unsigned int no = 0;
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (!copy)
		return -ENOMEM;
	/* strsep keeps empty lines, so line numbers stay right. */
	for (char *p = copy; r == 0 && (line = strsep(&p, "\n"));) {
		char *hash = strchr(line, '#');

		no++;
		if (hash)
			*hash = '\0';
		if (strspn(line, " \t\r") == strlen(line))
			continue;
		if (out->nr_rules == cap) {
			struct schema_rule *n;

			cap = cap ? cap * 2 : 64;
			n = realloc(out->rules, cap * sizeof(*n));
			if (!n) {
				r = -ENOMEM;
				break;
			}
			out->rules = n;
		}
		line[strcspn(line, "\r")] = '\0';
		r = parse_line(line, no, &out->rules[out->nr_rules], err,
			       err_cap);
		if (r == 0)
			out->nr_rules++;
	}
	free(copy);
	if (r == 0 && out->nr_rules == 0)
		r = fail(err, err_cap, no, "no rules");
	if (r < 0)
		schema_free(out);
	else
		link_parents(out);
	return r;
}

void
schema_free(struct schema *s)
{
	for (size_t i = 0; i < s->nr_rules; i++)
		rule_free(&s->rules[i]);
	free(s->rules);
	memset(s, 0, sizeof(*s));
}
