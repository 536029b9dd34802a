/* render.c: a plan as people read it (text, grouped by account and region,
 * as `terraform plan` groups by resource) and as JSON for CI. Items keep
 * their order within a group; groups follow the desired state's places.
 * A batch replication job that exists is not a change: the JSON lists
 * every job, with its id and status, apart from the items. */
#include <stdlib.h>
#include <string.h>

#include "apply/plan.h"
#include "base/buf.h"
#include "base/oom.h"

static const char *const kinds[] = {"bucket", "role", "replication of",
				    "batch replication job for", "access point"};

static char sign_of(enum plan_action a)
{
	return a == PLAN_CREATE ? '+' : a == PLAN_BLOCKED ? '!' : a == PLAN_NONE ? ' ' : '~';
}

static void render_value(struct buf *out, const char *v)
{
	if (v)
		buf_printf(out, "%s", v);
	else
		buf_puts(out, "(none)");
}

static void render_item(struct buf *out, const struct plan_item *it, bool color)
{
	static const char *const colors[] = {"", "\033[32m", "\033[33m", "\033[33m", "\033[31m"};
	const char *on = color ? colors[it->action] : "", *off = color ? "\033[0m" : "";
	if (it->kind == PLAN_JOB)
		buf_printf(out, "  %s%c %s rule %s of bucket %s%s", on, sign_of(it->action),
			   kinds[it->kind], it->rule, it->name, off);
	else
		buf_printf(out, "  %s%c %s %s%s", on, sign_of(it->action), kinds[it->kind],
			   it->name, off);
	if (it->kind == PLAN_JOB && it->action == PLAN_CREATE)
		buf_puts(out, ": copies the objects that existed before the rule");
	if (it->action == PLAN_BLOCKED || it->action == PLAN_ADOPT)
		buf_printf(out, ": %s", it->why);
	if (it->replaces_foreign)
		buf_puts(out, " (replaces a configuration crrc did not write)");
	buf_putc(out, '\n');
	for (size_t i = 0; i < it->nchanges; i++) {
		const struct plan_change *c = &it->changes[i];
		buf_printf(out, "      %s: ", c->field);
		if (c->old) {
			render_value(out, c->old);
			buf_puts(out, " -> ");
		}
		render_value(out, c->new);
		buf_putc(out, '\n');
	}
}

/* Items in order of their place, stably: a counting sort. */
static size_t *by_place(const struct plan *p)
{
	size_t np = p->ds->nplaces, *start = xcalloc(np + 2, sizeof(*start));
	size_t *order = xcalloc(p->n + 1, sizeof(*order));
	for (size_t i = 0; i < p->n; i++)
		start[(size_t)(p->items[i].place - p->ds->places) + 1]++;
	for (size_t k = 1; k <= np; k++)
		start[k] += start[k - 1];
	for (size_t i = 0; i < p->n; i++)
		order[start[p->items[i].place - p->ds->places]++] = i;
	free(start);
	return order;
}

void plan_render_text(const struct plan *p, struct buf *out, bool color)
{
	if (!plan_has_changes(p)) {
		buf_puts(out, "No changes: AWS holds what the spec says.\n");
		return;
	}
	size_t *order = by_place(p);
	const struct ds_place *shown = NULL;
	for (size_t k = 0; k < p->n; k++) {
		const struct plan_item *it = &p->items[order[k]];
		if (it->action == PLAN_NONE)
			continue;
		if (it->place != shown) {
			buf_printf(out, "%saccount %s, %s\n", shown ? "\n" : "",
				   it->account ? it->account : "(deploying)", it->place->region);
			shown = it->place;
		}
		render_item(out, it, color);
	}
	free(order);
	buf_printf(out, "\nPlan: %zu to create, %zu to update, %zu to adopt, %zu blocked.\n",
		   p->ncreate, p->nupdate, p->nadopt, p->nblocked);
}

/* What a job item adds: its rule, its token, and the job that exists. */
static json_t *job_json(const struct plan_item *it)
{
	return json_pack("{s:s, s:s, s:s?, s:s?}", "rule", it->rule, "token", it->batch->token,
			 "job_id", it->job_id, "job_status", it->job_status);
}

static json_t *item_json(const struct plan_item *it)
{
	json_t *changes = json_array();
	for (size_t i = 0; i < it->nchanges; i++) {
		const struct plan_change *c = &it->changes[i];
		json_array_append_new(changes, json_pack("{s:s, s:s?, s:s?}", "field", c->field,
							 "old", c->old, "new", c->new));
	}
	static const char *const kind_names[] = {"bucket", "role", "replication", "job", "point"};
	json_t *j = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:i, s:i, s:s?, s:b, s:o}", "kind",
			 kind_names[it->kind], "action", plan_action_name(it->action), "name",
			 it->name, "account", it->account, "region", it->place->region, "line",
			 (json_int_t)it->pos.line, "column", (json_int_t)it->pos.col, "why", it->why,
			 "replaces_foreign", it->replaces_foreign, "changes", changes);
	if (it->kind == PLAN_JOB)
		json_object_update_new(j, job_json(it));
	if (it->kind == PLAN_POINT)
		json_object_set_new(j, "alias", it->alias ? json_string(it->alias) : json_null());
	return j;
}

/* items: what changes; jobs: every batch replication job, the ones that
 * exist too (with their id and status). */
json_t *plan_to_json(const struct plan *p)
{
	json_t *items = json_array(), *jobs = json_array();
	for (size_t i = 0; i < p->n; i++) {
		if (p->items[i].action != PLAN_NONE)
			json_array_append_new(items, item_json(&p->items[i]));
		if (p->items[i].kind == PLAN_JOB)
			json_array_append_new(jobs, item_json(&p->items[i]));
	}
	return json_pack("{s:s?, s:b, s:{s:I, s:I, s:I, s:I}, s:o, s:o}", "spec", p->ds->name,
			 "changes", plan_has_changes(p), "summary", "create",
			 (json_int_t)p->ncreate, "update", (json_int_t)p->nupdate, "adopt",
			 (json_int_t)p->nadopt, "blocked", (json_int_t)p->nblocked, "items", items,
			 "jobs", jobs);
}
