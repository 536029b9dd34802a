/* model_json.h: the resolved model as JSON (`crrc model`). */
#ifndef CRRC_MODEL_JSON_H
#define CRRC_MODEL_JSON_H

#include <jansson.h>
#include <stdio.h>

#include "model/model.h"

json_t *model_json(const struct crrc_model *m);
bool model_json_write(const struct crrc_model *m, FILE *out);

#endif
