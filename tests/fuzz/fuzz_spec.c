/* fuzz_spec.c: the libFuzzer target. Each input is a spec: it is loaded
 * (byte screen, YAML, tree, model), validated by every pass, and its
 * diagnostics are rendered in all three formats, with and without --werror;
 * a spec without errors is also dumped as the resolved model and emitted
 * by both back ends. Everything goes into memory (streams, and the
 * in-memory sink). Built with -Dfuzz=true and clang only; run by
 * tests/fuzz/run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check/check.h"
#include "load/load.h"
#include "model/model.h"
#include "model/resolve.h"
#include "diag/diag.h"
#include "cli/targets.h"
#include "model/desired.h"
#include "model/model_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void render(const struct crrc_diags *d, enum crrc_diag_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	if (!diags_render(d, fmt, f))
		abort();
	fclose(f);
	free(buf);
}

static void dump_model(const struct crrc_model *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	if (!model_json_write(m, f))
		abort();
	fclose(f);
	free(buf);
}

/* The desired state, rendered by every target into the in-memory sink
 * (their diagnostics, E080 and E081, go into d). */
static void emit_all(const struct crrc_model *m, struct crrc_diags *d)
{
	struct crrc_desired *ds = desired_create(m);
	struct crrc_emit_options eo = {.spec_path = "fuzz.crr.yaml"};
	for (size_t i = 0; i < crrc_target_count(); i++) {
		struct crrc_output out;
		output_init(&out);
		crrc_target_at(i)->emit(ds, &eo, &out.sink, d);
		output_free(&out);
	}
	desired_destroy(ds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crrc_diags *d = diags_create();
	struct crrc_model *m = crrc_load_buffer("fuzz.crr.yaml", (const char *)data, size, d);
	if (m) {
		crrc_resolve(m, d);
		crrc_check(m, d);
	}
	diags_report_unused_ignores(d);
	diags_sort(d);
	render(d, CRRC_DIAG_TEXT);
	render(d, CRRC_DIAG_JSON);
	render(d, CRRC_DIAG_SARIF);
	if (m && diags_errors(d) == 0) {
		dump_model(m);
		emit_all(m, d);
		diags_sort(d);
	}
	diags_set_werror(d, true);
	render(d, CRRC_DIAG_TEXT);
	crrc_model_destroy(m);
	diags_destroy(d);
	return 0;
}
