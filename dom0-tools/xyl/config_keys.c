/*
 * dom0-tools/xyl/config_keys.c: find the "key =" / "key +=" assignments of
 * an xl.cfg text and their lines (config_keys.h).  Follows libxlutil's
 * lexical rules: statements end at a newline or ';' outside [ ], strings
 * are '...' or "..." with backslash escapes on one line, '#' starts a
 * comment, keys are [a-z][._0-9a-z]*.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_keys.h"

/* Scanner position; the text is read-only. */
struct scan {
	const char *text;
	size_t len;
	size_t pos;
	unsigned int line;
};

static int
is_key_start(char c)
{
	return c >= 'a' && c <= 'z';
}

static int
is_key_char(char c)
{
	return is_key_start(c) || (c >= '0' && c <= '9') || c == '.' ||
	       c == '_';
}

static int
keys_add(struct config_keys *k, const char *name, size_t name_len,
	 unsigned int line, bool is_append)
{
	struct config_key *v = realloc(k->v, (k->nr + 1) * sizeof(*v));
	struct config_key *key;

	if (!v)
		return -ENOMEM;
	k->v = v;
	key = &v[k->nr++];
	memset(key, 0, sizeof(*key));
	if (name_len >= sizeof(key->name))
		name_len = sizeof(key->name) - 1;
	memcpy(key->name, name, name_len);
	key->line = line;
	key->is_append = is_append;
	return 0;
}

/* At a statement start: record "ident =" or "ident +=" if that is what is
 * here, and leave pos after the identifier (and blanks). */
static int
scan_statement_start(struct scan *s, struct config_keys *k)
{
	size_t start = s->pos, name_len;

	while (s->pos < s->len && is_key_char(s->text[s->pos]))
		s->pos++;
	name_len = s->pos - start;
	while (s->pos < s->len &&
	       (s->text[s->pos] == ' ' || s->text[s->pos] == '\t'))
		s->pos++;
	if (s->pos < s->len && s->text[s->pos] == '=')
		return keys_add(k, s->text + start, name_len, s->line, false);
	if (s->pos + 1 < s->len && s->text[s->pos] == '+' &&
	    s->text[s->pos + 1] == '=')
		return keys_add(k, s->text + start, name_len, s->line, true);
	return 0;
}

/* Skip a quoted string starting at pos; stops at its end, a newline (a
 * lexical error libxlutil has already reported) or the end of text. */
static void
scan_skip_string(struct scan *s)
{
	char quote = s->text[s->pos++];

	while (s->pos < s->len && s->text[s->pos] != '\n') {
		char c = s->text[s->pos++];

		if (c == '\\' && s->pos < s->len && s->text[s->pos] != '\n')
			s->pos++;
		else if (c == quote)
			return;
	}
}

int
config_keys_scan(const char *text, size_t len, struct config_keys *out)
{
	struct scan s = {.text = text, .len = len, .pos = 0, .line = 1};
	bool at_start = true;
	int depth = 0, r;

	out->v = NULL;
	out->nr = 0;
	while (s.pos < s.len) {
		char c = s.text[s.pos];

		if (c == '\n') {
			s.line++;
			s.pos++;
			at_start = at_start || depth == 0;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			s.pos++;
			continue;
		}
		if (c == '#') {
			while (s.pos < s.len && s.text[s.pos] != '\n')
				s.pos++;
			continue;
		}
		if (at_start && depth == 0 && is_key_start(c)) {
			at_start = false;
			r = scan_statement_start(&s, out);
			if (r < 0) {
				config_keys_free(out);
				return r;
			}
			continue;
		}
		at_start = false;
		if (c == '\'' || c == '"') {
			scan_skip_string(&s);
			continue;
		}
		if (c == ';' && depth == 0)
			at_start = true;
		else if (c == '[')
			depth++;
		else if (c == ']' && depth > 0)
			depth--;
		s.pos++;
	}
	return 0;
}

void
config_keys_free(struct config_keys *k)
{
	free(k->v);
	k->v = NULL;
	k->nr = 0;
}

const struct config_key *
config_keys_last(const struct config_keys *k, const char *name)
{
	size_t i = k->nr;

	while (i-- > 0)
		if (strcmp(k->v[i].name, name) == 0)
			return &k->v[i];
	return NULL;
}
