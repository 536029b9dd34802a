/* diag.c: the diagnostics collection and the code registry's accessors.
 * Rendering lives in diag_render.c; the table of ignores in ignore.c,
 * consulted as each diagnostic is added. */
#include "base/oom.h"
#include "diag/diag.h"
#include "diag/ignore.h"
#include "base/strmap.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct code_info {
	const char *name, *slug, *summary;
	enum crrc_severity sev;
};

static const struct code_info codes[] = {
#define X(id, s, slug, summary) {#id, slug, summary, CRRC_##s},
#include "diag/codes.def"
#undef X
};

struct file_rec {
	char *name;
	const char *text;
	size_t len;
	size_t shown, suppressed;
	bool dropped; /* the text went away: read the file again to quote it */
	struct timespec mtime; /* when dropped: the file must be as it was */
	bool known;            /* mtime is known */
	char *owned;  /* the text read again */
};

struct crrc_diags {
	struct crrc_diag *v;
	size_t n, cap;
	struct file_rec *files;
	size_t nfiles, capfiles;
	size_t errors, warnings;
	bool werror;
	/* hashes of (file, position, code, message) seen: an anchored mapping
	 * shared by thousands of aliases reports each mistake once */
	uint64_t *seen;
	size_t nseen, capseen;
	struct crrc_diag sink; /* what diags_add returns for a dropped one */
	struct ignores *ignores;
};

/* Formatted into a buffer on the stack first: most messages fit, and are
 * then formatted once (measuring with vsnprintf(NULL, 0) is slow). */
__attribute__((format(printf, 1, 0))) static char *xvasprintf(const char *fmt, va_list ap)
{
	char buf[1024];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	char *s = xrealloc(NULL, (size_t)n + 1);
	if ((size_t)n < sizeof(buf))
		memcpy(s, buf, (size_t)n + 1);
	else
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

__attribute__((format(printf, 1, 2))) static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

static void diag_free(struct crrc_diag *g)
{
	free(g->msg);
	for (size_t j = 0; j < g->nnotes; j++)
		free(g->notes[j].msg);
	free(g->notes);
}

/* A message that quotes a value of megabytes (a key, a name) keeps its
 * start and its end, where a suggestion goes; the middle is cut, at
 * character boundaries. */
#define MSG_MAX 2048u
#define MSG_KEEP 960u

static char *cut_middle(char *msg)
{
	size_t n = strlen(msg);
	if (n <= MSG_MAX)
		return msg;
	size_t head = MSG_KEEP, tail = n - MSG_KEEP;
	while (head > 0 && ((unsigned char)msg[head] & 0xC0) == 0x80)
		head--;
	while (tail < n && ((unsigned char)msg[tail] & 0xC0) == 0x80)
		tail++;
	char mid[64];
	int m = snprintf(mid, sizeof(mid), " [... %zu bytes ...] ", tail - head);
	char *out = xrealloc(NULL, head + (size_t)m + (n - tail) + 1);
	memcpy(out, msg, head);
	memcpy(out + head, mid, (size_t)m);
	memcpy(out + head + m, msg + tail, n - tail + 1);
	free(msg);
	return out;
}

const char *diag_quote(char buf[DIAG_QUOTE_BUF], const char *s, size_t len)
{
	if (!s)
		return "";
	if (len <= DIAG_QUOTE_MAX)
		return s;
	size_t head = DIAG_QUOTE_KEEP, tail = len - DIAG_QUOTE_KEEP;
	while (head > 0 && ((unsigned char)s[head] & 0xC0) == 0x80)
		head--;
	while (tail < len && ((unsigned char)s[tail] & 0xC0) == 0x80)
		tail++;
	int m = snprintf(buf + head, DIAG_QUOTE_BUF - head, " [... %zu bytes ...] ", tail - head);
	memcpy(buf, s, head);
	memcpy(buf + head + m, s + tail, len - tail);
	buf[head + (size_t)m + (len - tail)] = '\0';
	return buf;
}

struct crrc_diags *diags_create(void)
{
	struct crrc_diags *d = xcalloc(1, sizeof(*d));
	d->ignores = ignores_create();
	return d;
}

void diags_destroy(struct crrc_diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		diag_free(&d->v[i]);
	for (size_t i = 0; i < d->nfiles; i++) {
		free(d->files[i].name);
		free(d->files[i].owned);
	}
	free(d->files);
	free(d->v);
	free(d->seen);
	ignores_destroy(d->ignores);
	free(d);
}

void diags_set_file(struct crrc_diags *d, const char *file, const char *text, size_t len)
{
	if (d->nfiles == d->capfiles) {
		d->capfiles = d->capfiles ? d->capfiles * 2 : 4;
		d->files = xrealloc(d->files, d->capfiles * sizeof(*d->files));
	}
	size_t flen = strlen(file);
	char *name = xrealloc(NULL, flen + 1);
	memcpy(name, file, flen + 1);
	d->files[d->nfiles++] = (struct file_rec){.name = name, .text = text, .len = len};
}

void diags_keep_text(struct crrc_diags *d, char *text)
{
	if (d->nfiles == 0) {
		free(text);
		return;
	}
	struct file_rec *f = &d->files[d->nfiles - 1];
	free(f->owned);
	f->owned = text;
}

void diags_drop_text(struct crrc_diags *d)
{
	if (d->nfiles == 0)
		return;
	struct file_rec *f = &d->files[d->nfiles - 1];
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].file == f->name)
			d->v[i].source = NULL;
	struct stat st;
	f->known = stat(f->name, &st) == 0; /* else it is not read again */
	if (f->known)
		f->mtime = st.st_mtim;
	f->text = NULL;
	f->dropped = true;
}

/* The file's text as it was: NULL when it cannot be read or has changed
 * size since. */
static char *text_reread(const struct file_rec *f)
{
	FILE *fp = f->known ? fopen(f->name, "rb") : NULL;
	if (!fp)
		return NULL;
	struct stat st; /* edited since: its lines are no longer the ones meant */
	if (fstat(fileno(fp), &st) != 0 || (size_t)st.st_size != f->len ||
	    st.st_mtim.tv_sec != f->mtime.tv_sec || st.st_mtim.tv_nsec != f->mtime.tv_nsec) {
		fclose(fp);
		return NULL;
	}
	char *text = xrealloc(NULL, f->len + 1);
	size_t n = fread(text, 1, f->len + 1, fp);
	fclose(fp);
	if (n != f->len) {
		free(text);
		return NULL;
	}
	text[n] = '\0';
	return text;
}

void diags_reread_sources(struct crrc_diags *d)
{
	for (size_t k = 0; k < d->nfiles; k++) {
		struct file_rec *f = &d->files[k];
		bool quoted = false;
		for (size_t i = 0; i < d->n && !quoted; i++)
			quoted = d->v[i].file == f->name && d->v[i].pos.line > 0;
		if (!f->dropped || f->owned || !quoted || !(f->owned = text_reread(f)))
			continue;
		for (size_t i = 0; i < d->n; i++)
			if (d->v[i].file == f->name) {
				d->v[i].source = f->owned;
				d->v[i].source_len = f->len;
			}
	}
}

/* A diagnostic that says why a file could not be read (at most one a
 * file): never dropped past the cap, and the one a failed load keeps. */
static bool stops_reading(enum crrc_code code)
{
	return code <= CRRC_E014 && code != CRRC_E013;
}

static enum crrc_severity severity_of(const struct crrc_diags *d, enum crrc_code code)
{
	enum crrc_severity sev = codes[code].sev;
	return sev == CRRC_WARNING && d->werror ? CRRC_ERROR : sev;
}

/* Whether h was seen before; records it. */
static bool seen_before(struct crrc_diags *d, uint64_t h)
{
	h |= 1; /* 0 marks an empty slot */
	if ((d->nseen + 1) * 2 > d->capseen) {
		size_t cap = d->capseen ? d->capseen * 2 : 256;
		uint64_t *t = xcalloc(cap, sizeof(*t));
		for (size_t i = 0; i < d->capseen; i++)
			if (d->seen[i]) {
				size_t j = (size_t)d->seen[i] & (cap - 1);
				while (t[j])
					j = (j + 1) & (cap - 1);
				t[j] = d->seen[i];
			}
		free(d->seen);
		d->seen = t;
		d->capseen = cap;
	}
	size_t j = (size_t)h & (d->capseen - 1);
	for (; d->seen[j]; j = (j + 1) & (d->capseen - 1))
		if (d->seen[j] == h)
			return true;
	d->seen[j] = h;
	d->nseen++;
	return false;
}

static uint64_t diag_hash(size_t file, enum crrc_code code, struct crrc_pos pos, const char *msg)
{
	uint64_t key[4] = {file, code, ((uint64_t)pos.line << 32) | pos.col, crrc_hash(msg, strlen(msg))};
	return crrc_hash(key, sizeof(key));
}

bool diags_once(struct crrc_diags *d, enum crrc_code code, struct crrc_pos pos, uint64_t key,
		uint64_t key2)
{
	/* a tag keeps these apart from the hashes of messages */
	uint64_t k[6] = {0x6f6e6365u, d->nfiles, code, crrc_pos_key(pos), key, key2};
	return !seen_before(d, crrc_hash(k, sizeof(k)));
}

/* Count a diagnostic that is not kept. */
static struct crrc_diag *drop(struct crrc_diags *d, enum crrc_severity sev, char *msg)
{
	free(msg);
	if (sev == CRRC_ERROR)
		d->errors++;
	else
		d->warnings++;
	d->sink.code = CRRC_CODE_COUNT;
	return &d->sink;
}

/* Whether a diagnostic of code at pos in file k (of nfiles; none when
 * k == nfiles) is ignored; then its ignore's reason and kind in g. The
 * spec's own ignores come first, so that --ignore of the same code does not
 * leave them unused. */
static bool ignored(struct crrc_diags *d, size_t k, enum crrc_code code, struct crrc_pos pos,
		    struct crrc_diag *g)
{
	if (!crrc_code_ignorable(code) && code != CRRC_W011)
		return false;
	const struct ignore *e = k < d->nfiles && code != CRRC_W011
					 ? ignores_match(d->ignores, k, code, pos.line)
					 : NULL;
	g->why = e ? e->why : NULL;
	g->external = !e && ignores_is_everywhere(d->ignores, code);
	return e || g->external;
}

/* A message: formatted into buf when it fits (*heap is then NULL), else on
 * the heap (in *heap), cut in the middle past MSG_MAX. Nothing is allocated
 * for the messages most often dropped, short repeats and those past the
 * cap. */
#define MSG_BUF 1024u

__attribute__((format(printf, 3, 0))) static const char *format_msg(char *buf, char **heap,
								    const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(buf, MSG_BUF, fmt, ap2);
	va_end(ap2);
	*heap = NULL;
	if (n >= 0 && (size_t)n < MSG_BUF)
		return buf;
	*heap = cut_middle(xvasprintf(fmt, ap));
	return *heap;
}

/* Add text as a diagnostic of file k (of nfiles; none when k == nfiles);
 * heap, when not NULL, is text's allocation and is taken over. */
static struct crrc_diag *add_in(struct crrc_diags *d, size_t k, enum crrc_code code,
				struct crrc_pos pos, const char *text, char *heap)
{
	struct file_rec *f = k < d->nfiles ? &d->files[k] : NULL;
	if (seen_before(d, diag_hash(k + 1, code, pos, text))) {
		free(heap);
		d->sink.code = CRRC_CODE_COUNT;
		return &d->sink; /* the same mistake, reached again through an alias */
	}
	struct crrc_diag mark = {0};
	bool ign = ignored(d, k, code, pos, &mark);
	if (f && f->shown >= CRRC_MAX_DIAGS_PER_FILE && !stops_reading(code)) {
		if (ign) { /* neither shown nor counted */
			free(heap);
			d->sink.code = CRRC_CODE_COUNT;
			return &d->sink;
		}
		f->suppressed++;
		return drop(d, severity_of(d, code), heap);
	}
	char *msg = heap;
	if (!msg) {
		size_t len = strlen(text);
		msg = xrealloc(NULL, len + 1);
		memcpy(msg, text, len + 1);
	}
	if (f && !ign)
		f->shown++;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
	}
	struct crrc_diag *g = &d->v[d->n];
	memset(g, 0, sizeof(*g));
	g->code = code;
	g->sev = severity_of(d, code);
	g->pos = pos;
	g->seq = d->n;
	if (f) {
		g->file = f->name;
		g->source = f->text;
		g->source_len = f->len;
	}
	g->msg = msg;
	g->ignored = ign;
	g->external = mark.external;
	g->why = mark.why;
	if (ign)
		; /* counted nowhere */
	else if (g->sev == CRRC_ERROR)
		d->errors++;
	else
		d->warnings++;
	d->n++;
	return g;
}

struct crrc_diag *diags_add(struct crrc_diags *d, enum crrc_code code, struct crrc_pos pos,
			    const char *fmt, ...)
{
	char buf[MSG_BUF], *heap;
	va_list ap;
	va_start(ap, fmt);
	const char *text = format_msg(buf, &heap, fmt, ap);
	va_end(ap);
	return add_in(d, d->nfiles ? d->nfiles - 1 : 0, code, pos, text, heap);
}

struct diags_mark diags_mark(const struct crrc_diags *d)
{
	const struct file_rec *f = d->nfiles ? &d->files[d->nfiles - 1] : NULL;
	return (struct diags_mark){d->n, d->errors, d->warnings, f ? f->suppressed : 0};
}

void diags_keep_last_since(struct crrc_diags *d, struct diags_mark m)
{
	struct file_rec *f = d->nfiles ? &d->files[d->nfiles - 1] : NULL;
	if (!f || d->n <= m.n || !stops_reading(d->v[d->n - 1].code))
		return;
	struct crrc_diag last = d->v[d->n - 1];
	f->suppressed = m.suppressed;
	for (size_t i = m.n; i + 1 < d->n; i++) {
		f->shown -= !d->v[i].ignored;
		diag_free(&d->v[i]);
	}
	ignores_forget_file(d->ignores, d->nfiles - 1);
	d->errors = m.errors + (last.sev == CRRC_ERROR);
	d->warnings = m.warnings + (last.sev != CRRC_ERROR);
	last.seq = m.n;
	d->v[m.n] = last;
	d->n = m.n + 1;
}

void diag_note(struct crrc_diag *g, struct crrc_pos pos, const char *fmt, ...)
{
	if (g->code == CRRC_CODE_COUNT)
		return; /* a dropped diagnostic */
	g->notes = xrealloc(g->notes, (g->nnotes + 1) * sizeof(*g->notes));
	struct crrc_diag_note *n = &g->notes[g->nnotes++];
	n->pos = pos;
	va_list ap;
	va_start(ap, fmt);
	n->msg = xvasprintf(fmt, ap);
	va_end(ap);
}

size_t diags_errors(const struct crrc_diags *d)
{
	return d->errors;
}

size_t diags_files(const struct crrc_diags *d)
{
	return d->nfiles;
}

const char *diags_file_name(const struct crrc_diags *d, size_t i)
{
	return i < d->nfiles ? d->files[i].name : NULL;
}

size_t diags_file_suppressed(const struct crrc_diags *d, size_t i)
{
	return i < d->nfiles ? d->files[i].suppressed : 0;
}

size_t diags_count(const struct crrc_diags *d)
{
	return d->n;
}

const struct crrc_diag *diags_at(const struct crrc_diags *d, size_t i)
{
	return i < d->n ? &d->v[i] : NULL;
}

void diags_set_werror(struct crrc_diags *d, bool on)
{
	d->werror = on;
	for (size_t i = 0; i < d->n; i++) {
		enum crrc_severity sev = severity_of(d, d->v[i].code);
		if (d->v[i].ignored) /* counted nowhere */
			d->v[i].sev = sev;
		else if (sev != d->v[i].sev) {
			if (sev == CRRC_ERROR)
				d->errors++, d->warnings--;
			else
				d->errors--, d->warnings++;
			d->v[i].sev = sev;
		}
	}
}

static int diag_cmp(const void *pa, const void *pb)
{
	const struct crrc_diag *a = pa, *b = pb;
	if (a->file != b->file) {
		/* files keep the order they were loaded in: compare by first seq */
		return a->seq < b->seq ? -1 : 1;
	}
	if (a->pos.line != b->pos.line)
		return a->pos.line < b->pos.line ? -1 : 1;
	if (a->pos.col != b->pos.col)
		return a->pos.col < b->pos.col ? -1 : 1;
	/* at one place, an order that does not hang on which entry the
	 * loader built first (an alias brings a node to several) */
	if (a->code != b->code)
		return a->code < b->code ? -1 : 1;
	int c = strcmp(a->msg, b->msg);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void diags_sort(struct crrc_diags *d)
{
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), diag_cmp);
}

/* --- ignores ---------------------------------------------------------------- */

/* Record an ignore of the current file; one that repeats an earlier one
 * (ignore: [W004, W004]) is W011 at once. */
static void ignore_record(struct crrc_diags *d, enum crrc_code c, struct crrc_pos pos,
			  enum crrc_ignore_scope scope, const char *why, size_t whylen)
{
	uint32_t line = scope == CRRC_IGNORE_LINES ? pos.line : 0;
	const struct ignore *first =
		ignores_add(d->ignores, d->nfiles - 1, c, line, pos, why, whylen);
	if (first)
		diags_add(d, CRRC_W011, pos,
			  "%s is ignored here already, by the ignore at line %u: this one matches "
			  "nothing more; remove it",
			  codes[c].name, first->pos.line);
}

void diags_ignore(struct crrc_diags *d, const char *code, size_t len, struct crrc_pos pos,
		  enum crrc_ignore_scope scope, const char *why, size_t whylen)
{
	enum crrc_code c;
	if (!crrc_code_find(code, len, &c))
		diags_add(d, CRRC_W011, pos,
			  "'%.*s' is not a diagnostic code of crrc, so this ignore matches nothing",
			  (int)len, code);
	else if (c == CRRC_W011)
		diags_add(d, CRRC_W011, pos,
			  "W011 cannot be ignored in a spec (an unused ignore would hide itself): "
			  "give --ignore W011 on the command line");
	else if (!crrc_code_ignorable(c))
		diags_add(d, CRRC_W011, pos,
			  "%s is an error, and errors cannot be ignored: this ignore matches "
			  "nothing; fix what %s reports",
			  codes[c].name, codes[c].name);
	else if (d->nfiles)
		ignore_record(d, c, pos, scope, why, whylen);
}

bool diags_ignore_everywhere(struct crrc_diags *d, enum crrc_code code)
{
	if (!crrc_code_ignorable(code) && code != CRRC_W011)
		return false;
	ignores_everywhere(d->ignores, code);
	return true;
}

void diags_report_unused_ignores(struct crrc_diags *d)
{
	/* W011s added here are not ignores: the count is taken first */
	for (size_t i = 0, n = ignores_count(d->ignores); i < n; i++) {
		const struct ignore *e = ignores_at(d->ignores, i);
		if (e->used)
			continue;
		const char *name = codes[e->code].name;
		char *msg = e->line ? xasprintf("crrc:ignore %s matches no %s diagnostic on this "
						"line or the next: remove it",
						name, name)
				    : xasprintf("ignore: %s matches no %s diagnostic in this file: "
						"remove it from the list",
						name, name);
		add_in(d, e->file, CRRC_W011, e->pos, msg, msg);
	}
}

bool crrc_code_find(const char *name, size_t len, enum crrc_code *code)
{
	for (int c = 0; c < CRRC_CODE_COUNT; c++)
		if (strlen(codes[c].name) == len && memcmp(codes[c].name, name, len) == 0) {
			*code = (enum crrc_code)c;
			return true;
		}
	return false;
}

bool crrc_code_ignorable(enum crrc_code code)
{
	return code < CRRC_CODE_COUNT && codes[code].sev == CRRC_WARNING && code != CRRC_W011;
}

const char *crrc_code_name(enum crrc_code code)
{
	return code < CRRC_CODE_COUNT ? codes[code].name : "E000";
}

const char *crrc_code_slug(enum crrc_code code)
{
	return code < CRRC_CODE_COUNT ? codes[code].slug : "unknown";
}

const char *crrc_code_summary(enum crrc_code code)
{
	return code < CRRC_CODE_COUNT ? codes[code].summary : "";
}

enum crrc_severity crrc_code_severity(enum crrc_code code)
{
	return code < CRRC_CODE_COUNT ? codes[code].sev : CRRC_ERROR;
}
