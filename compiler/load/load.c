/* load.c: reading a spec. The file is size-checked before it is read, its
 * bytes are screened (UTF-8, NUL, control characters), and libyaml's events
 * are turned straight into a node tree in one arena: no libyaml document,
 * one copy of each scalar. Anchors and aliases are resolved here; an alias
 * shares its anchor's node, and the nodes that aliases would expand to are
 * counted so that an alias bomb is refused in time and memory linear in the
 * file. An entry of the buckets or replication section is built as soon as
 * it is complete (build_entry), its nodes in a scratch arena that is then
 * reset: the tree keeps a stub in its place. An entry that defines an
 * anchor is kept whole instead, since an alias may name it later. Keys are
 * interned as they are read (equal keys share one text in the model's
 * arena), so that the builder compares and hashes them by pointer, whatever
 * their length and however often an alias repeats them. Ignore comments
 * are found beside the parse (comments.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "base/oom.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/fdio.h"
#include "diag/diag.h"
#include "load/comments.h"
#include "load/load.h"
#include "load/load_tree.h"
#include "base/strmap.h"

struct loader {
	struct arena *arena;   /* where nodes go now: tree, or scratch in an entry */
	struct arena *tree;    /* nodes, item arrays, anchors, scalar text */
	struct arena *scratch; /* the entry being read, reset once it is built */
	struct load_stage *stage; /* built entries, until build_model takes them */
	struct crrc_model *m;
	struct crrc_diags *d;
	const char *text;
	size_t len;
	struct strmap *anchors;
	struct strmap *keys;  /* key text -> its one copy, in the model's arena */
	/* children of the open collections, contiguous; frames mark starts */
	struct node **stack;
	size_t nstack, capstack;
	struct node **open;   /* the open collections */
	size_t *frame;        /* where each open collection's children start */
	const char **anchor;  /* each open collection's anchor, or NULL */
	size_t depth;
	uint64_t expanded;    /* nodes added by aliases */
	size_t nodes;         /* nodes made */
	struct node *root;
	size_t nanchors;      /* anchors registered so far */
	/* the sections: which one the open collection at depth 1 is, which
	 * root keys were seen, the one the next root value belongs to */
	enum load_section section, next_section;
	bool seen[3];
	size_t entry_anchors;  /* nanchors when the open entry started */
	bool in_entry;
	struct comments comments; /* "# crrc:ignore" candidates */
};

static struct crrc_pos mark_pos(yaml_mark_t start, yaml_mark_t end)
{
	struct crrc_pos p = {(uint32_t)start.line + 1, (uint32_t)start.column + 1, 1};
	if (end.line == start.line && end.column > start.column)
		p.len = (uint32_t)(end.column - start.column);
	return p;
}

/* Line and column (in characters) of byte offset off. */
static struct crrc_pos pos_at(const char *text, size_t off)
{
	struct crrc_pos pos = {1, 1, 1};
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n')
			pos.line++, pos.col = 1;
		else if (((unsigned char)text[i] & 0xC0) != 0x80)
			pos.col++;
	}
	return pos;
}

/* Bytes of the valid UTF-8 sequence at s[i] and its code point; 0 when it
 * is not valid (overlong, surrogate, out of range, truncated). */
static size_t utf8_decode(const unsigned char *s, size_t i, size_t len, uint32_t *cp)
{
	unsigned c = s[i];
	size_t w = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
	if (w == 0 || i + w > len)
		return 0;
	uint32_t v = c & (0x7F >> w);
	for (size_t k = 1; k < w; k++) {
		if ((s[i + k] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i + k] & 0x3F);
	}
	if ((w == 3 && v < 0x800) || (w == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return w;
}

/* C0 and C1 controls but tab, LF and CR; also NEL, LS and PS, which libyaml
 * counts as line breaks and nothing else does, so positions would drift. */
static bool is_control(uint32_t cp)
{
	return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F ||
	       (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

/* The byte screen: valid UTF-8, no NUL, no control characters other than
 * tab, line feed and carriage return. One pass, printable ASCII fast;
 * positions are computed only for the first fault, which is reported. */
static bool screen_bytes(const char *text, size_t len, struct crrc_diags *d)
{
	const unsigned char *s = (const unsigned char *)text;
	for (size_t i = 0; i < len;) {
		unsigned c = s[i];
		if ((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\t' ||
		    (c == '\r' && i + 1 < len && s[i + 1] == '\n')) {
			i++;
			continue;
		}
		if (c == '\r') {
			/* libyaml counts a lone CR as a line break, nothing else does */
			diags_add(d, CRRC_E005, pos_at(text, i),
				  "carriage return without a line feed; end lines with LF or CRLF");
			return false;
		}
		uint32_t cp = c;
		size_t w = c < 0x80 ? 1 : utf8_decode(s, i, len, &cp);
		if (c == 0) {
			diags_add(d, CRRC_E004, pos_at(text, i), "NUL byte in the file; a spec is UTF-8 text");
			return false;
		}
		if (w == 0) {
			diags_add(d, CRRC_E003, pos_at(text, i),
				  "invalid UTF-8 byte 0x%02X; a spec is UTF-8 text", c);
			return false;
		}
		if (is_control(cp)) {
			diags_add(d, CRRC_E005, pos_at(text, i), "control character U+%04X in the file", cp);
			return false;
		}
		i += w;
	}
	return true;
}

static void push_child(struct loader *l, struct node *n)
{
	if (l->depth == 0) {
		l->root = n;
		return;
	}
	if (l->nstack == l->capstack) {
		l->capstack = l->capstack ? l->capstack * 2 : 256;
		struct node **p = xrealloc(l->stack, l->capstack * sizeof(*p));
		l->stack = p;
	}
	l->stack[l->nstack++] = n;
}

static void anchor_register(struct loader *l, const char *anchor, struct node *n)
{
	if (!anchor)
		return;
	strmap_set(l->anchors, anchor, strlen(anchor), n);
	l->nanchors++;
}

/* --- sections: entries built as they complete ----------------------------- */

/* Whether a child pushed now is a value of the innermost open mapping. */
static bool at_value(const struct loader *l)
{
	return l->open[l->depth - 1]->kind == NODE_MAPPING &&
	       (l->nstack - l->frame[l->depth - 1]) % 2 == 1;
}

/* A key of the root mapping: the value after it may open a section. Only
 * the first of a repeated key is read by the builder, so only it counts. */
static void root_key(struct loader *l, const struct node *k)
{
	static const char *const names[] = {[SECTION_BUCKETS] = "buckets",
					    [SECTION_REPLICATION] = "replication"};
	l->next_section = SECTION_NONE;
	for (int s = SECTION_BUCKETS; s <= SECTION_REPLICATION; s++)
		if (k->kind == NODE_SCALAR && strcmp(k->str, names[s]) == 0 && !l->seen[s]) {
			l->seen[s] = true;
			l->next_section = (enum load_section)s;
		}
}

/* Whether collection n, about to be pushed, starts an entry to build: a
 * mapping under a key of the buckets section (not a merge key), or a
 * mapping item of the replication list; not anchored. A key given twice is
 * built twice: the builder reports the repeat (E021) and uses the first,
 * and mistakes inside the second are reported too. */
static bool entry_starts(struct loader *l, const struct node *n, bool anchored)
{
	if (l->depth != 2 || l->section == SECTION_NONE || anchored || n->kind != NODE_MAPPING)
		return false;
	if (l->section == SECTION_REPLICATION)
		return true;
	if (!at_value(l))
		return false;
	const struct node *k = l->stack[l->nstack - 1];
	return k->kind == NODE_SCALAR && (k->quoted || strcmp(k->str, "<<") != 0);
}

/* Before n is pushed: note the root keys, and what n opens. */
static void section_enter(struct loader *l, struct node *n, bool anchored)
{
	if (l->depth == 0)
		return;
	if (l->depth == 1 && l->open[0]->kind == NODE_MAPPING) {
		if (!at_value(l)) {
			/* a key may be a collection: none of a section */
			l->section = SECTION_NONE;
			root_key(l, n);
			return;
		}
		l->section = SECTION_NONE;
		/* an anchored section could be merged somewhere: keep it whole */
		if (n->kind != NODE_SCALAR && !anchored &&
		    ((l->next_section == SECTION_BUCKETS && n->kind == NODE_MAPPING) ||
		     (l->next_section == SECTION_REPLICATION && n->kind == NODE_SEQUENCE)))
			l->section = l->next_section;
		l->next_section = SECTION_NONE;
		return;
	}
	if (entry_starts(l, n, anchored)) {
		l->in_entry = true;
		l->entry_anchors = l->nanchors;
		l->arena = l->scratch;
	}
}

/* n, at depth 2, is complete: build it when it is the open entry. */
static void entry_end(struct loader *l, struct node *n)
{
	if (!l->in_entry || l->depth != 2)
		return;
	l->in_entry = false;
	l->arena = l->tree;
	if (l->nanchors != l->entry_anchors) {
		arena_absorb(l->tree, l->scratch); /* an alias may name a part of it */
		return;
	}
	size_t entry = build_entry(l->m, l->section, n, l->scratch, l->stage, l->d);
	n->kind = NODE_BUILT;
	n->entry = entry;
	n->n = 0;
	arena_reset(l->scratch);
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* Count a node; false past the limit, which keeps a file of tiny nodes from
 * costing seconds and gigabytes. */
static bool node_budget(struct loader *l, const yaml_event_t *e)
{
	if (++l->nodes <= CRRC_MAX_NODES)
		return true;
	diags_add(l->d, CRRC_E014, mark_pos(e->start_mark, e->end_mark),
		  "the file holds more than %u YAML nodes; split the spec", CRRC_MAX_NODES);
	return false;
}

/* Whether a child pushed now is a key of the innermost open mapping. */
static bool at_key(const struct loader *l)
{
	return l->depth > 0 && !at_value(l) && l->open[l->depth - 1]->kind == NODE_MAPPING;
}

/* The one copy of key text s, made on first sight. */
static const char *key_text(struct loader *l, const char *s, size_t len)
{
	const char *c = strmap_get(l->keys, s, len);
	if (c)
		return c;
	c = arena_strndup(l->m->arena, s, len);
	strmap_put(l->keys, c, len, (void *)c, NULL);
	return c;
}

/* n is used as a key: its text becomes the key's one copy. An alias may
 * bring a value here, interned then, once. */
static void key_intern(struct loader *l, struct node *n)
{
	if (n->kind != NODE_SCALAR || n->interned)
		return;
	n->str = key_text(l, n->str, n->len);
	n->kept = true;
	n->interned = true;
}

/* Where the significant digits of plain scalar s start, when it is an
 * integer (an optional sign, then decimal digits); NODE_NOT_INT otherwise. */
static uint32_t int_digits(const char *s, size_t len, bool plain)
{
	size_t i = len > 0 && (s[0] == '-' || s[0] == '+') ? 1 : 0;
	if (!plain || i == len)
		return NODE_NOT_INT;
	for (size_t j = i; j < len; j++)
		if (s[j] < '0' || s[j] > '9')
			return NODE_NOT_INT;
	while (i < len && s[i] == '0')
		i++;
	return (uint32_t)i;
}

static bool on_scalar(struct loader *l, const yaml_event_t *e)
{
	if (!node_budget(l, e))
		return false;
	if (memchr(e->data.scalar.value, 0, e->data.scalar.length)) {
		/* an escape (\0, \x00, \u0000): C strings would end there */
		diags_add(l->d, CRRC_E004, mark_pos(e->start_mark, e->end_mark),
			  "NUL character (an escape) in a scalar; a spec is text");
		return false;
	}
	comments_scalar(&l->comments, e->start_mark.index, e->end_mark.index);
	struct node *n = arena_alloc(l->arena, sizeof(*n));
	const char *text = (const char *)e->data.scalar.value;
	n->kind = NODE_SCALAR;
	n->pos = mark_pos(e->start_mark, e->end_mark);
	n->len = e->data.scalar.length;
	n->interned = at_key(l);
	/* outside an entry the text goes where the model keeps it; an entry's
	 * text is scratch, copied by the builder as far as it is kept */
	n->kept = !l->in_entry || n->interned;
	n->str = n->interned ? key_text(l, text, n->len)
			     : arena_strndup(n->kept ? l->m->arena : l->arena, text, n->len);
	n->quoted = e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
		    (e->data.scalar.tag &&
		     strcmp((const char *)e->data.scalar.tag, YAML_STR_TAG) == 0);
	n->digits = int_digits(text, n->len, !n->quoted);
	section_enter(l, n, e->data.scalar.anchor != NULL);
	push_child(l, n);
	if (e->data.scalar.anchor)
		anchor_register(l, arena_strdup(l->arena, (const char *)e->data.scalar.anchor), n);
	return true;
}

static bool on_alias(struct loader *l, const yaml_event_t *e)
{
	const char *name = (const char *)e->data.alias.anchor;
	struct node *target = strmap_get(l->anchors, name, strlen(name));
	struct crrc_pos pos = mark_pos(e->start_mark, e->end_mark);
	if (!target) {
		diags_add(l->d, CRRC_E012, pos,
			  "alias *%s names no anchor defined before it (and outside it)", name);
		return false;
	}
	l->expanded = add_sat(l->expanded, node_size(target));
	if (l->expanded > CRRC_MAX_ALIAS_NODES) {
		diags_add(l->d, CRRC_E011, pos,
			  "aliases expand to more than %u nodes; refusing (an alias bomb?)",
			  CRRC_MAX_ALIAS_NODES);
		return false;
	}
	if (at_key(l))
		key_intern(l, target);
	section_enter(l, target, true);
	push_child(l, target);
	return true;
}

static bool on_start(struct loader *l, const yaml_event_t *e, enum node_kind kind,
		     const yaml_char_t *anchor)
{
	struct crrc_pos pos = mark_pos(e->start_mark, e->end_mark);
	if (!node_budget(l, e))
		return false;
	if (l->depth >= CRRC_MAX_DEPTH) {
		diags_add(l->d, CRRC_E010, pos, "collections nested more than %d deep",
			  CRRC_MAX_DEPTH);
		return false;
	}
	struct node *n = arena_alloc(l->arena, sizeof(*n));
	n->kind = kind;
	n->pos = pos;
	n->pos.len = 1;
	section_enter(l, n, anchor != NULL);
	push_child(l, n);
	l->open[l->depth] = n;
	l->frame[l->depth] = l->nstack;
	/* registered when complete, so an alias inside it cannot loop */
	l->anchor[l->depth] = anchor ? arena_strdup(l->arena, (const char *)anchor) : NULL;
	l->depth++;
	return true;
}

static bool on_end(struct loader *l)
{
	l->depth--;
	struct node *n = l->open[l->depth];
	size_t start = l->frame[l->depth];
	n->n = l->nstack - start;
	n->items = arena_array(l->arena, n->n, sizeof(*n->items));
	memcpy(n->items, l->stack + start, n->n * sizeof(*n->items));
	l->nstack = start;
	uint64_t size = 1;
	for (size_t i = 0; i < n->n; i++)
		size = add_sat(size, node_size(n->items[i]));
	n->size = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
	anchor_register(l, l->anchor[l->depth], n);
	entry_end(l, n);
	return true;
}

static bool is_tab_indent(const struct loader *l, uint32_t line)
{
	const char *p = l->text, *end = l->text + l->len;
	for (uint32_t i = 1; i < line && p < end; i++) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			return false;
		p++;
	}
	for (; p < end && (*p == ' ' || *p == '\t' || *p == '-'); p++)
		if (*p == '\t')
			return true;
	return false;
}

static void parser_error(struct loader *l, const yaml_parser_t *p)
{
	struct crrc_pos pos = {(uint32_t)p->problem_mark.line + 1,
			       (uint32_t)p->problem_mark.column + 1, 1};
	if (is_tab_indent(l, pos.line)) {
		diags_add(l->d, CRRC_E007, pos, "tab used for indentation; YAML allows only spaces");
		return;
	}
	struct crrc_diag *g = diags_add(l->d, CRRC_E006, pos, "%s",
					p->problem ? p->problem : "malformed YAML");
	if (p->context && p->context_mark.line != p->problem_mark.line)
		diag_note(g,
			  (struct crrc_pos){(uint32_t)p->context_mark.line + 1,
					    (uint32_t)p->context_mark.column + 1, 1},
			  "%s", p->context);
}

/* One event; false stops the parse. *done is set at the end of the stream. */
static bool on_event(struct loader *l, yaml_event_t *e, int *docs, bool *done)
{
	switch (e->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++*docs > 1) {
			diags_add(l->d, CRRC_E009, mark_pos(e->start_mark, e->end_mark),
				  "a second YAML document; a spec is one document");
			return false;
		}
		return true;
	case YAML_SCALAR_EVENT:
		return on_scalar(l, e);
	case YAML_ALIAS_EVENT:
		return on_alias(l, e);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(l, e, NODE_SEQUENCE, e->data.sequence_start.anchor);
	case YAML_MAPPING_START_EVENT:
		return on_start(l, e, NODE_MAPPING, e->data.mapping_start.anchor);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_end(l);
	case YAML_STREAM_END_EVENT:
		*done = true;
		return true;
	default:
		return true;
	}
}

static void loader_free(struct loader *l)
{
	comments_free(&l->comments);
	free(l->stack);
	free(l->open);
	free(l->frame);
	free(l->anchor);
}

struct node *load_tree(struct arena *tree, struct crrc_model *m, struct load_stage *stage,
		       const char *text, size_t len, struct crrc_diags *d)
{
	if (!screen_bytes(text, len, d))
		return NULL;
	struct loader l = {.arena = tree, .tree = tree, .stage = stage, .m = m, .d = d,
			   .text = text, .len = len};
	/* an entry's worth: an entry that defines an anchor keeps its chunks
	 * (arena_absorb), so they start small; a larger entry grows them */
	l.scratch = arena_create_sized(1024u);
	l.anchors = strmap_create(tree, 16);
	l.keys = strmap_create(tree, 64);
	l.open = xcalloc(CRRC_MAX_DEPTH + 1, sizeof(*l.open));
	l.frame = xcalloc(CRRC_MAX_DEPTH + 1, sizeof(*l.frame));
	l.anchor = xcalloc(CRRC_MAX_DEPTH + 1, sizeof(*l.anchor));
	comments_find(&l.comments, text, len);
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p))
		oom_abort();
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	struct diags_mark before = diags_mark(d);
	int docs = 0;
	bool done = false, ok = true;
	while (ok && !done) {
		yaml_event_t e;
		if (!yaml_parser_parse(&p, &e)) {
			parser_error(&l, &p);
			ok = false;
			break;
		}
		ok = on_event(&l, &e, &docs, &done);
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	if (ok) /* the ignores of a file read to its end */
		comments_register(&l.comments, text, d);
	loader_free(&l);
	arena_destroy(l.scratch);
	if (!ok) {
		diags_keep_last_since(d, before); /* why it stopped, only */
		return NULL;
	}
	if (!l.root || (l.root->kind == NODE_SCALAR && !l.root->quoted && l.root->len == 0)) {
		diags_add(d, CRRC_E008, (struct crrc_pos){0, 0, 0},
			  "the file holds no YAML document; a spec is a mapping with crrc: 1");
		return NULL;
	}
	return l.root;
}

/* A model around text. text_arena, when not NULL, holds the text of a file:
 * it is freed once the file is parsed (diagnostics read the file again to
 * quote it), so the passes and back ends run without it. */
static struct crrc_model *model_from_text(struct arena *a, const char *name, const char *text,
					  size_t len, struct arena *text_arena,
					  struct crrc_diags *d)
{
	struct crrc_model *m = arena_alloc(a, sizeof(*m));
	m->arena = a;
	m->file = arena_strdup(a, name);
	diags_set_file(d, m->file, text, len);
	/* the tree and the built entries are scaffolding: freed once the model
	 * is built */
	struct arena *tree = arena_create();
	struct load_stage stage = {0};
	struct node *root = load_tree(tree, m, &stage, text, len, d);
	if (text_arena) {
		diags_drop_text(d);
		arena_destroy(text_arena);
	}
	if (root)
		build_model(m, root, &stage, tree, d);
	arena_vec_free(&stage.buckets);
	arena_vec_free(&stage.replications);
	arena_destroy(tree);
	return m;
}

struct crrc_model *crrc_load_buffer(const char *name, const char *buf, size_t len,
				    struct crrc_diags *d)
{
	if (len > CRRC_MAX_FILE_BYTES) {
		diags_set_file(d, name, NULL, 0);
		diags_add(d, CRRC_E002, (struct crrc_pos){0, 0, 0},
			  "the input is %zu bytes; the limit is %u", len, CRRC_MAX_FILE_BYTES);
		return NULL;
	}
	struct arena *a = arena_create();
	return model_from_text(a, name, arena_strndup(a, buf, len), len, NULL, d);
}

/* A spec read from a stream (a pipe, standard input, process
 * substitution) to its end, at most CRRC_MAX_FILE_BYTES: its text cannot be
 * read again to quote it, so the diagnostics keep it. */
static struct crrc_model *load_stream(const char *name, int fd, struct crrc_diags *d)
{
	int flags = fcntl(fd, F_GETFL);
	if (flags >= 0 && (flags & O_NONBLOCK))
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK); /* now wait for the writer's bytes */
	struct buf b = BUF_INIT;
	char chunk[65536];
	ssize_t n = 0;
	while (b.len <= CRRC_MAX_FILE_BYTES &&
	       ((n = read(fd, chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			buf_put(&b, chunk, (size_t)n);
	int err = n < 0 ? errno : 0;
	if (err || b.len > CRRC_MAX_FILE_BYTES) {
		diags_set_file(d, name, NULL, 0);
		if (err)
			diags_add(d, CRRC_E001, (struct crrc_pos){0}, "cannot read the input: %s",
				  strerror(err));
		else
			diags_add(d, CRRC_E002, (struct crrc_pos){0},
				  "the input is over %u bytes, the limit", CRRC_MAX_FILE_BYTES);
		buf_free(&b);
		return NULL;
	}
	size_t len = b.len;
	char *text = buf_detach(&b, NULL);
	if (!text)
		text = xcalloc(1, 1);
	struct crrc_model *m = model_from_text(arena_create(), name, text, len, NULL, d);
	diags_keep_text(d, text);
	return m;
}

struct crrc_model *crrc_load_stdin(const char *name, struct crrc_diags *d)
{
	return load_stream(name && *name ? name : "<stdin>", STDIN_FILENO, d);
}

struct crrc_model *crrc_load_file(const char *path, struct crrc_diags *d)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer forever */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	int err = fd < 0 || fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
	if (!err && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISSOCK(st.st_mode))) {
		struct crrc_model *m = load_stream(path, fd, d);
		close(fd);
		return m;
	}
	if (err || !S_ISREG(st.st_mode)) {
		diags_set_file(d, path, NULL, 0);
		diags_add(d, CRRC_E001, (struct crrc_pos){0, 0, 0}, "cannot read the file: %s",
			  err ? strerror(err) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if ((uintmax_t)st.st_size > CRRC_MAX_FILE_BYTES) {
		diags_set_file(d, path, NULL, 0);
		diags_add(d, CRRC_E002, (struct crrc_pos){0, 0, 0},
			  "the file is %jd bytes; the limit is %u (refused before parsing)",
			  (intmax_t)st.st_size, CRRC_MAX_FILE_BYTES);
		close(fd);
		return NULL;
	}
	size_t len = (size_t)st.st_size;
	struct arena *ta = arena_create();
	char *text = arena_alloc(ta, len + 1);
	errno = 0; /* a file that shrank: "short read" */
	if (fd_read_full(fd, text, len, -1) != (ssize_t)len) {
		int rerr = errno;
		arena_destroy(ta);
		close(fd);
		diags_set_file(d, path, NULL, 0);
		diags_add(d, CRRC_E001, (struct crrc_pos){0, 0, 0}, "cannot read the file: %s",
			  rerr ? strerror(rerr) : "short read");
		return NULL;
	}
	close(fd);
	return model_from_text(arena_create(), path, text, len, ta, d);
}

