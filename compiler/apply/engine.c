/* engine.c: what apply's stages and `crrc failover` share (engine.h): the
 * retry policy of a step, how a failed call is said, and the question
 * asked before AWS is changed. */
#include <stdio.h>
#include <string.h>

#include "apply/engine.h"

void engine_policy(const struct engine *e, const struct retry_match *also,
		   struct retry_policy *out)
{
	retry_policy_default(out);
	if (e->o->step_timeout_ms > 0)
		out->step_ms = e->o->step_timeout_ms;
	out->also = also;
}

void engine_failed(struct engine *e, struct crrc_pos pos, const char *what, const char *name,
		   const struct aws_call_end *end)
{
	const struct aws_error *er = end->error;
	e->failures++;
	diags_add(e->d, CRRC_E100, pos, "%s of '%s' failed after %u attempt%s: %s%s%s%s%s%s", what,
		  name, end->attempts, end->attempts == 1 ? "" : "s",
		  er && er->code[0] ? er->code : "no answer", er && er->message[0] ? ": " : "",
		  er ? er->message : "", er && er->request_id[0] ? " (request id " : "",
		  er && er->request_id[0] ? er->request_id : "", er && er->request_id[0] ? ")" : "");
}

bool engine_confirmed(const struct apply_options *o, const char *command, const char *does,
		      const char *question)
{
	if (o->yes)
		return true;
	if (!o->interactive) {
		fprintf(stderr, "crrc: %s %s: run it at a terminal to be asked, or give --yes\n",
			command, does);
		return false;
	}
	fprintf(stderr, "\n%s Only 'yes' will be accepted: ", question);
	char line[64];
	if (o->in && fgets(line, sizeof(line), o->in) && strcmp(line, "yes\n") == 0)
		return true;
	fprintf(stderr, "\ncrrc: %s cancelled: nothing was changed\n", command);
	return false;
}
