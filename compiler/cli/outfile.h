/* outfile.h: writing one output file whole, or standard output. */
#ifndef CRRC_OUTFILE_H
#define CRRC_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>

struct crrc_diags;

/* Write len bytes to path (NULL: standard output), replacing the file
 * whole; false, with a diagnostic (E092, E093) in d, when that fails. */
bool outfile_write(const char *path, const char *data, size_t len, struct crrc_diags *d);

#endif
