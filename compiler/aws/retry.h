/* retry.h: when to try an AWS request again, and after how long, as data
 * and pure functions (no I/O, no clock, no global random state): the
 * caller passes the time and a random state, so the policy is testable.
 *
 * A response is a success, retryable (throttling, 5xx, transport errors
 * and timeouts, and whatever eventual-consistency cases the caller's step
 * adds), or permanent. Between attempts: exponential backoff with full
 * jitter, bounded by a number of attempts and a total time per step. */
#ifndef CRRC_AWS_RETRY_H
#define CRRC_AWS_RETRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct aws_response;
struct aws_error;

enum retry_class {
	RETRY_SUCCESS,   /* 2xx */
	RETRY_AGAIN,     /* worth another attempt */
	RETRY_PERMANENT, /* the answer: report it */
};

/* One eventual-consistency case: a response that is retryable for a step
 * because AWS has not caught up yet. Matches when status matches (0: any),
 * code equals the error code (NULL: any) and message_has occurs in the
 * message (NULL: any). */
struct retry_match {
	long status;
	const char *code;
	const char *message_has;
};

struct retry_policy {
	unsigned max_attempts; /* attempts in all, the first included */
	long base_ms;          /* the first backoff's ceiling */
	long cap_ms;           /* no backoff longer */
	long step_ms;          /* no attempt starts later than this after the first */
	/* The step's own retryable cases, a table ending in {0}. */
	const struct retry_match *also;
	/* Or a function: true makes an otherwise permanent response retryable. */
	bool (*eventual)(const struct aws_response *r, const struct aws_error *e, void *ud);
	void *ud;
};

/* Where a step stands: set by retry_start, advanced by retry_next. */
struct retry_state {
	unsigned attempts; /* made so far */
	int64_t start_ms;  /* when the first was sent */
	uint64_t rng;      /* the jitter's random state */
};

/* The defaults: 10 attempts, 100 ms base, 20 s cap, 2 minutes a step. */
void retry_policy_default(struct retry_policy *p);

/* Classify r, whose error (aws_error_parse) is e. */
enum retry_class retry_classify(const struct retry_policy *p, const struct aws_response *r,
				const struct aws_error *e);
/* Whether the error code is one of AWS's throttling codes. */
bool retry_is_throttling(const char *code);

/* Begin a step at now_ms (the first attempt counts as made); seed picks
 * the jitter's sequence. */
void retry_start(struct retry_state *s, int64_t now_ms, uint64_t seed);
/* After a retryable failure at now_ms: true and the delay before the next
 * attempt (full jitter: uniform in [0, min(cap, base * 2^n)], cut to the
 * time the step has left), or false when attempts or time are spent. */
bool retry_next(const struct retry_policy *p, struct retry_state *s, int64_t now_ms,
		long *delay_ms);

/* The server's Retry-After (delta-seconds, or an HTTP-date against now, a
 * Unix time) in milliseconds, cut to 5 minutes; 0 when r has none or it
 * cannot be read. */
long retry_after_ms(const struct aws_response *r, int64_t now_s);
/* After retry_next gave delay: the delay the server asks for instead, when
 * longer and within the time the step has left; false when it asks for
 * more than the step has left (then the step ends now). */
bool retry_honour_after(const struct retry_policy *p, const struct retry_state *s,
			int64_t now_ms, long after_ms, long *delay_ms);

/* Eventual-consistency tables for the steps that need them. */
extern const struct retry_match retry_after_create_bucket[];  /* NoSuchBucket */
extern const struct retry_match retry_after_versioning[];     /* "Versioning must be 'Enabled'" */
extern const struct retry_match retry_after_create_role[];    /* Invalid principal, NoSuchEntity */

#endif
