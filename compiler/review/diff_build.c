/* diff_build.c: collecting the changes of a semantic diff: sentences of
 * literal text and values, and the changes themselves, as found. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "review/diff_impl.h"

const char diff_end[] = "";

struct diff_text diff_say(struct arena *a, ...)
{
	va_list ap;
	size_t n = 0;
	va_start(ap, a);
	for (const char *p = va_arg(ap, const char *); p != diff_end; p = va_arg(ap, const char *))
		n++;
	va_end(ap);
	struct diff_text t = {arena_array(a, n ? n : 1, sizeof(*t.parts)), n};
	va_start(ap, a);
	for (size_t i = 0; i < n; i++) {
		const char *p = va_arg(ap, const char *);
		t.parts[i] = p || i % 2 ? p : ""; /* a value may be NULL: none */
	}
	va_end(ap);
	return t;
}

void diff_add(struct diff_build *b, enum diff_section s, enum diff_op op, const char *subject,
	      const char *field, const char *old_value, const char *new_value, struct diff_text t)
{
	size_t seq = b->changes.n;
	struct diff_change *c = arena_vec_push(&b->changes, sizeof(*c));
	*c = (struct diff_change){s, op, subject, field, old_value, new_value, t, seq};
}

const char *diff_str(struct arena *a, const struct crrc_str *s)
{
	return s && s->s ? arena_strndup(a, s->s, s->len) : NULL;
}

static int tag_cmp(const void *pa, const void *pb)
{
	const struct crrc_tag *x = *(const struct crrc_tag *const *)pa;
	const struct crrc_tag *y = *(const struct crrc_tag *const *)pb;
	size_t lx = x->key.len, ly = y->key.len;
	int c = memcmp(x->key.s, y->key.s, lx < ly ? lx : ly);
	return c ? c : lx < ly ? -1 : lx > ly;
}

/* Sorted by key (a tag set has no order: keys are unique), so that the
 * order the spec writes them in makes no difference. */
const char *diff_tags(struct arena *a, const struct crrc_tags *t)
{
	size_t n = t ? t->n : 0;
	const struct crrc_tag **v = arena_array(a, n ? n : 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = &t->v[i];
	qsort(v, n, sizeof(*v), tag_cmp);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		buf_puts(&b, i ? ", " : "");
		buf_put(&b, v[i]->key.s, v[i]->key.len);
		buf_putc(&b, '=');
		buf_put(&b, crrc_text(&v[i]->value), crrc_textlen(&v[i]->value));
	}
	const char *s = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return s;
}

void say_lit(struct arena *a, struct diff_say *s, const char *lit)
{
	if (s->n % 2 == 1) { /* the last part is literal text: join them */
		s->v[s->n - 1] = arena_concat(a, s->v[s->n - 1], lit, (char *)NULL);
		return;
	}
	if (s->n < DIFF_SAY_MAX)
		s->v[s->n++] = lit;
}

void say_val(struct diff_say *s, const char *value)
{
	if (s->n % 2 == 0 && s->n < DIFF_SAY_MAX)
		s->v[s->n++] = "";
	if (s->n < DIFF_SAY_MAX)
		s->v[s->n++] = value;
}

struct diff_text say_text(struct arena *a, const struct diff_say *s)
{
	struct diff_text t = {arena_array(a, s->n ? s->n : 1, sizeof(*t.parts)), s->n};
	memcpy(t.parts, s->v, s->n * sizeof(*t.parts));
	return t;
}
