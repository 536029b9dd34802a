/* ini.c: the AWS CLI's INI files (ini.h), parsed line by line as Python's
 * configparser does in botocore: any length of line, any bytes; a line
 * that does not parse is an error naming its file and number, never its
 * text. */
#include "aws/ini.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/oom.h"
#include "base/strmap.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static char *dup_range(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* The line [*b, *e) with whitespace trimmed both sides. */
static void trim(const char **b, const char **e)
{
	while (*b < *e && is_space(**b))
		(*b)++;
	while (*e > *b && is_space((*e)[-1]))
		(*e)--;
}

/* Parser state: the section and entry continuation lines extend. */
struct ini_parser {
	struct ini *ini;
	const char *file;
	size_t line;
	struct ini_section *sect;
	struct ini_entry *entry; /* the entry a deeper-indented line continues */
	size_t indent;           /* indentation of the entry's line */
	char **err;
	struct arena *arena;
	struct strmap *seen; /* "s\nSECTION" and "INDEX\nNAME": repeats */
};

/* Whether key was seen already (and it is now). */
static bool seen(struct ini_parser *p, char *key)
{
	return !strmap_put(p->seen, key, strlen(key), key, NULL);
}

static bool fail(struct ini_parser *p, const char *what)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s:%zu: %s", p->file, p->line, what);
	*p->err = buf_detach(&b, NULL);
	return false;
}

static bool add_section(struct ini_parser *p, const char *b, const char *e)
{
	struct ini *ini = p->ini;
	char *name = dup_range(b, (size_t)(e - b));
	if (seen(p, arena_printf(p->arena, "s\n%s", name))) {
		free(name);
		return fail(p, "a section repeated");
	}
	if (ini->nsections == ini->cap) {
		ini->cap = ini->cap ? ini->cap * 2 : 8;
		ini->sections = xrealloc(ini->sections, ini->cap * sizeof(*ini->sections));
	}
	p->sect = &ini->sections[ini->nsections++];
	*p->sect = (struct ini_section){.name = name, .line = p->line};
	p->entry = NULL;
	return true;
}

static bool add_entry(struct ini_parser *p, const char *b, const char *e, size_t indent)
{
	const char *d = b;
	while (d < e && *d != '=' && *d != ':')
		d++;
	if (d == e)
		return fail(p, "expected 'name = value' or a [section]");
	const char *nb = b, *ne = d, *vb = d + 1, *ve = e;
	trim(&nb, &ne);
	trim(&vb, &ve);
	if (nb == ne)
		return fail(p, "a value without a name");
	char *name = dup_range(nb, (size_t)(ne - nb));
	for (char *c = name; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	struct ini_section *s = p->sect;
	if (seen(p, arena_printf(p->arena, "%zu\n%s", (size_t)(s - p->ini->sections), name))) {
		free(name);
		return fail(p, "a name repeated in its section");
	}
	if (s->nentries == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->entries = xrealloc(s->entries, s->cap * sizeof(*s->entries));
	}
	p->entry = &s->entries[s->nentries++];
	size_t n = (size_t)(ve - vb);
	*p->entry = (struct ini_entry){name, dup_range(vb, n), n, n + 1, p->line};
	p->indent = indent;
	return true;
}

/* A continuation line (or, with b == e, a blank one) joins the value. */
static void continue_entry(struct ini_parser *p, const char *b, const char *e)
{
	struct ini_entry *en = p->entry;
	size_t n = (size_t)(e - b);
	if (en->cap < en->len + n + 2) {
		en->cap = 2 * (en->len + n + 2);
		en->value = xrealloc(en->value, en->cap);
	}
	en->value[en->len] = '\n';
	memcpy(en->value + en->len + 1, b, n);
	en->len += n + 1;
	en->value[en->len] = '\0';
}

static bool parse_line(struct ini_parser *p, const char *b, const char *e)
{
	if (memchr(b, '\0', (size_t)(e - b)))
		return fail(p, "a NUL byte");
	const char *tb = b, *te = e;
	trim(&tb, &te);
	if (tb < te && (*tb == '#' || *tb == ';'))
		return true; /* a comment: values around it go on */
	if (tb == te) {
		if (p->entry)
			continue_entry(p, tb, tb);
		return true;
	}
	size_t indent = (size_t)(tb - b);
	if (p->entry && indent > p->indent) {
		continue_entry(p, tb, te);
		return true;
	}
	if (*tb == '[') {
		const char *close = te;
		while (close > tb + 1 && close[-1] != ']')
			close--;
		if (close > tb + 2)
			return add_section(p, tb + 1, close - 1);
	}
	if (!p->sect)
		return fail(p, "a value before any [section]");
	return add_entry(p, tb, te, indent);
}

/* Blank continuation lines at the end of a value go (configparser's rstrip). */
static void strip_values(struct ini *ini)
{
	for (size_t i = 0; i < ini->nsections; i++) {
		struct ini_section *s = &ini->sections[i];
		for (size_t j = 0; j < s->nentries; j++) {
			struct ini_entry *en = &s->entries[j];
			while (en->len && is_space(en->value[en->len - 1]))
				en->value[--en->len] = '\0';
		}
	}
}

bool ini_parse(struct ini *ini, const char *text, size_t len, const char *file, char **err)
{
	struct ini_parser p = {.ini = ini, .file = file, .err = err};
	p.arena = arena_create_sized(4096);
	p.seen = strmap_create(p.arena, 64);
	const char *end = text + len;
	bool ok = true;
	for (const char *b = text; ok && b < end;) {
		const char *e = memchr(b, '\n', (size_t)(end - b));
		if (!e)
			e = end;
		p.line++;
		ok = parse_line(&p, b, e);
		b = e + 1;
	}
	arena_destroy(p.arena);
	if (!ok) {
		ini_clear(ini);
		return false;
	}
	strip_values(ini);
	return true;
}

void ini_clear(struct ini *ini)
{
	for (size_t i = 0; i < ini->nsections; i++) {
		struct ini_section *s = &ini->sections[i];
		for (size_t j = 0; j < s->nentries; j++) {
			free(s->entries[j].name);
			OPENSSL_cleanse(s->entries[j].value, s->entries[j].cap);
			free(s->entries[j].value);
		}
		free(s->entries);
		free(s->name);
	}
	free(ini->sections);
	*ini = (struct ini){0};
}

const struct ini_section *ini_section(const struct ini *ini, const char *name)
{
	for (size_t i = 0; i < ini->nsections; i++)
		if (strcmp(ini->sections[i].name, name) == 0)
			return &ini->sections[i];
	return NULL;
}

static const struct ini_entry *section_find(const struct ini_section *s, const char *name)
{
	for (size_t i = 0; s && i < s->nentries; i++)
		if (strcmp(s->entries[i].name, name) == 0)
			return &s->entries[i];
	return NULL;
}

const struct ini_entry *ini_find(const struct ini *ini, const struct ini_section *s,
				 const char *name)
{
	if (!s)
		return NULL;
	const struct ini_entry *e = section_find(s, name);
	return e ? e : section_find(ini_section(ini, "DEFAULT"), name);
}
