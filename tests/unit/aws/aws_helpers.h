/* aws_helpers.h: what the API tests (test_s3.c, test_s3_replication.c,
 * test_iam_sts.c) share: a request as one text to compare exactly, and a
 * response made from a status, headers and a body. */
#ifndef CRRC_TEST_AWS_HELPERS_H
#define CRRC_TEST_AWS_HELPERS_H

#include <check.h>

#include "aws/request.h"

/* "METHOD endpoint path?canonical-query\nName: value\n...\n\nbody":
 * headers in the order set. Valid until the next call. */
const char *req_text(const struct aws_request *req);
/* Fill r (initialised first) with status and body; header "name: value"
 * pairs follow body, ending with NULL. */
void resp_make(struct aws_response *r, long status, const char *body, ...);

#include "check_main.h"

#endif
