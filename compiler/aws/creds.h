/* creds.h: AWS credentials, and where to get them as the AWS CLI finds
 * them: the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN) or a profile of the shared files (AWS_PROFILE,
 * AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE): static keys, or a role to
 * assume with role_arn and source_profile (a chain) or
 * credential_source = Environment. Resolving needs no network: it gives a
 * plan, static keys then the roles to assume one after the other, that the
 * apply layer carries out with STS AssumeRole.
 *
 * Secrets are never written anywhere: no message of this file holds a key,
 * a secret or a token, and aws_creds_clear() wipes them before freeing. */
#ifndef CRRC_AWS_CREDS_H
#define CRRC_AWS_CREDS_H

#include <stdbool.h>
#include <stddef.h>

struct aws_creds {
	char *access_key_id;
	char *secret_access_key;
	char *session_token; /* NULL for long-term keys */
};

/* Replace c's credentials with copies (token may be NULL). */
void aws_creds_set(struct aws_creds *c, const char *access_key_id,
		   const char *secret_access_key, const char *session_token);
/* Wipe and free; c is all NULL after. */
void aws_creds_clear(struct aws_creds *c);

#ifndef CRRC_AWS_GETENV_FN
#define CRRC_AWS_GETENV_FN
/* The environment as a function (getenv, or a test's table): NULL when a
 * variable is unset. */
typedef const char *aws_getenv_fn(const char *name);
#endif

enum aws_cred_step_kind {
	AWS_CRED_STATIC,      /* use creds */
	AWS_CRED_ASSUME_ROLE, /* AssumeRole with the previous step's credentials */
};

struct aws_cred_step {
	enum aws_cred_step_kind kind;
	/* Where the step comes from, for messages: "environment variables",
	 * "profile prod". Never a secret. */
	char *origin;
	struct aws_creds creds;  /* AWS_CRED_STATIC */
	char *role_arn;          /* AWS_CRED_ASSUME_ROLE */
	char *external_id;       /* NULL when none */
	char *role_session_name; /* NULL: the caller names the session */
	long duration_seconds;   /* 0: STS's default */
};

struct aws_cred_plan {
	/* steps[0] is AWS_CRED_STATIC; every later step assumes a role with
	 * the credentials the step before it gave. */
	struct aws_cred_step *steps;
	size_t nsteps;
	char *profile; /* the profile used; NULL when none was (environment keys) */
	char *region;  /* AWS_REGION, AWS_DEFAULT_REGION, the profile's; NULL if none */
};

/* The plan for profile (NULL: AWS_PROFILE, else "default"), reading the
 * environment through env (NULL: getenv). As the AWS CLI: an explicit
 * profile ignores the environment's keys, AWS_PROFILE does not; a named
 * profile that neither file has is an error. NULL on failure, with *err a
 * message (free() it) naming the file and line when a file is wrong. */
struct aws_cred_plan *aws_creds_resolve(const char *profile, aws_getenv_fn *env, char **err);
void aws_cred_plan_destroy(struct aws_cred_plan *plan);

#endif
