/* oom.h: the one way crrc handles running out of memory, and the one way it
 * stops on a broken invariant of its own. Either says so on stderr and
 * aborts: crrc cannot go on without memory, and a partial output would be
 * worse than none. */
#ifndef CRRC_OOM_H
#define CRRC_OOM_H

#include <stddef.h>

_Noreturn void oom_abort(void);
/* A bug in crrc: what went wrong, then abort. */
_Noreturn void oom_bug(const char *what);

/* malloc, calloc and realloc that never return NULL. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
/* A copy of s, or NULL when s is NULL. */
char *xstrdup(const char *s);
/* A NUL-terminated copy of the first len bytes of s. */
char *xstrndup(const char *s, size_t len);

#endif
