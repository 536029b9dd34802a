/* model.c: the model's lifetime: one arena owns it all. */
#include "model/model.h"

#include "base/arena.h"

void crrc_model_destroy(struct crrc_model *m)
{
	if (m)
		arena_destroy(m->arena);
}
