/* emit_cloudformation.c: stub, being written. */
#include "emit.h"

static bool emit(const struct crrc_model *m, const struct crrc_emit_options *opt,
		 struct crrc_output *o, struct crrc_diags *d)
{
	(void)m, (void)opt, (void)o, (void)d;
	return false;
}

const struct crrc_target crrc_target_cloudformation = {
	.name = "cloudformation",
	.summary = "not yet written",
	.emit = emit,
};
