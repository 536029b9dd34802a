/* terraform.h: the Terraform target. */
#ifndef CRRC_TERRAFORM_H
#define CRRC_TERRAFORM_H

#include "emit/emit.h"

extern const struct crrc_target crrc_target_terraform;

#endif
