/* cloudformation.h: the CloudFormation target. */
#ifndef CRRC_CLOUDFORMATION_H
#define CRRC_CLOUDFORMATION_H

#include "emit/emit.h"

extern const struct crrc_target crrc_target_cloudformation;

#endif
