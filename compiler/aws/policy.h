/* policy.h: IAM policy documents (trust, inline and bucket policies, as
 * jansson values) compared as IAM evaluates them, not as text: what apply
 * reads back from IAM or S3 against what model/iam.c made. */
#ifndef CRRC_AWS_POLICY_H
#define CRRC_AWS_POLICY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Whether a and b are the same policy: key order irrelevant; statement
 * order irrelevant (a Statement object equals an array of it); for
 * Action, NotAction, Resource, NotResource, the values of Principal and
 * NotPrincipal and of each Condition key, a single string equals a one-
 * element array and the order and repeats of an array's strings are
 * irrelevant (they are sets); Principal "*" equals {"AWS": "*"}; an AWS
 * principal's account ID equals its root ARN (IAM stores "123456789012"
 * as "arn:aws:iam::123456789012:root"); a Condition's number or boolean
 * equals its text (IAM compares condition values as strings). NULL equals
 * only NULL. */
bool aws_policy_equal(json_t *a, json_t *b);

/* For the plan's "~" lines: the actions (Action, then NotAction prefixed
 * "!") of want's statements missing from have's statement of the same Sid
 * (added), and those of have missing from want (removed). Statements with
 * no Sid are matched as Sid "", in order. Calls each(sid, action, added,
 * ud) in want's statement order, then for statements only in have;
 * returns the number of calls. */
size_t aws_policy_actions_diff(json_t *want, json_t *have,
			       void (*each)(const char *sid, const char *action, bool added,
					    void *ud),
			       void *ud);

#endif
