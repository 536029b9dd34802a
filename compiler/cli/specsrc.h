/* specsrc.h: where a spec comes from: a file, standard input ("-"), or a
 * revision in git ("git:REV:PATH", read with git show). */
#ifndef CRRC_SPECSRC_H
#define CRRC_SPECSRC_H

struct crrc_diags;
struct crrc_model;

/* The spec at src, loaded (not resolved); stdin_name names "-" in
 * diagnostics. A git revision that cannot be read is E001 with git's
 * reason. NULL when nothing could be built, as the loader's. */
struct crrc_model *specsrc_load(const char *src, const char *stdin_name, struct crrc_diags *d);

#endif
