/* iam_helpers.h: what the tests of the IAM documents share: looking into
 * policy documents (statements checked for what every document of crrc
 * holds, a statement by Sid, Sids in order, strings, actions). */
#ifndef CRRC_TEST_IAM_HELPERS_H
#define CRRC_TEST_IAM_HELPERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The string member key of o; fails the test when there is none. */
const char *str_of(json_t *o, const char *key);
/* v written compactly (free it). */
char *dumps(json_t *v);
/* v is want, compactly written. */
void json_is(json_t *v, const char *want);
/* The statements of a policy document, checked for what every document of
 * crrc holds: the version, statements that allow, exact actions (no '*'),
 * no bare "*" resource, Sids unique. */
json_t *statements(json_t *d);
/* The statement with this Sid. */
json_t *stmt(json_t *d, const char *sid);
/* The Sids of the document, in order, joined by spaces, are want. */
void sids_are(json_t *d, const char *want);
/* v is the one string want[0] (n == 1) or the list want[0..n). */
void strings_are(json_t *v, const char *const *want, size_t n);
/* Whether any statement's action is (or lists) this one. */
bool has_action(json_t *d, const char *action);
/* The role a bucket policy's statement admits (its aws:PrincipalArn). */
const char *principal_arn(json_t *st);

#define ARRAY_N(a) (sizeof(a) / sizeof((a)[0]))
#define STRINGS_ARE(v, ...)                                                                     \
	do {                                                                                    \
		static const char *const want_[] = {__VA_ARGS__};                               \
		strings_are((v), want_, ARRAY_N(want_));                                        \
	} while (0)

#endif
