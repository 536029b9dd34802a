/* explain.c: finding a code's explanation (explain.h). */
#include "diag/explain.h"

#include <strings.h>

const struct explanation *explain_find(const char *code)
{
	for (size_t i = 0; code && i < nexplanations; i++)
		if (strcasecmp(explanations[i].code, code) == 0 ||
		    strcasecmp(explanations[i].slug, code) == 0)
			return &explanations[i];
	return NULL;
}
