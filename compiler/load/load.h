/* load.h: the loader, the first stage: a spec's file (or bytes) into a
 * model, every value with its position. */
#ifndef CRRC_LOAD_H
#define CRRC_LOAD_H

#include <stddef.h>

struct crrc_diags;
struct crrc_model;

/* Read and parse the file, build the model, record diagnostics. The
 * returned model may be partial when there were errors; it is NULL only when
 * nothing could be built. The caller owns it (crrc_model_destroy). */
struct crrc_model *crrc_load_file(const char *path, struct crrc_diags *d);
struct crrc_model *crrc_load_buffer(const char *name, const char *buf, size_t len,
				    struct crrc_diags *d);
/* The spec on standard input, read to its end; diagnostics name it name
 * ("<stdin>" when NULL or empty). A pipe or a FIFO given to crrc_load_file
 * is read the same way. */
struct crrc_model *crrc_load_stdin(const char *name, struct crrc_diags *d);

#endif
