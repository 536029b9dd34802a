/* oom.c: out of memory and broken invariants: one message, one abort. */
#include "base/oom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void oom_abort(void)
{
	fputs("crrc: out of memory\n", stderr);
	abort();
}

_Noreturn void oom_bug(const char *what)
{
	fprintf(stderr, "crrc: internal error: %s\n", what);
	abort();
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		oom_abort();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom_abort();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		oom_abort();
	return p;
}

char *xstrdup(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

char *xstrndup(const char *s, size_t len)
{
	char *c = xmalloc(len + 1);
	if (len)
		memcpy(c, s, len);
	c[len] = '\0';
	return c;
}
