/* model.c: the model's lifetime (one arena owns it all), and its values as
 * messages quote them. */
#include "model/model.h"

#include "base/arena.h"
#include "diag/diag.h"

void crrc_model_destroy(struct crrc_model *m)
{
	if (m)
		arena_destroy(m->arena);
}

const char *crrc_shown(char *q, const struct crrc_str *s)
{
	return diag_quote(q, crrc_text(s), crrc_textlen(s));
}

const char *crrc_rule_shown(char *q, const struct crrc_rule *r)
{
	return crrc_given(&r->id) ? diag_quote(q, r->id.s, r->id.len) : "(without id)";
}
