/* engine.c: what apply's stages and `crrc failover` share (engine.h): the
 * retry policy of a step, how a failed call is said, the progress line,
 * and the question asked before AWS is changed. */
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

void engine_progress_line(struct engine *e, bool clear)
{
	const struct engine_progress *pg = &e->progress;
	if (!pg->tty)
		return;
	if (clear)
		fputs("\r\033[K", stderr);
	else
		fprintf(stderr, "\r\033[Kapplying: step %zu of %zu, %lu of %lu items done",
			pg->step + 1, pg->nsteps, pg->done, pg->sent);
	fflush(stderr);
}

void engine_progress_say(struct engine *e, const struct plan_item *it, const char *did)
{
	static const char *const kinds[] = {"bucket", "role", "replication of",
					    "batch replication job for", "access point"};
	if (e->o->json) /* apply's JSON document at the end says it all */
		return;
	engine_progress_line(e, true);
	fprintf(e->o->out, "%s %s: %s\n", kinds[it->kind], it->name, did);
	fflush(e->o->out);
	engine_progress_line(e, false);
}
