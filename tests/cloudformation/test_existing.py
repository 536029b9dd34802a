"""A bucket with `existing: true` cannot be configured by a CloudFormation
stack without a resource import: `crrc compile --target cloudformation`
reports E080 at the `existing` key, naming the bucket and pointing at the
Terraform target, exits 1 and writes nothing; `crrc check` is clean, since
the spec itself is fine."""
import json
import os
import sys
import tempfile

import cfntest
from cfntest import crrctest

SPEC = os.path.join(cfntest.SPECS, "existing.crr.yaml")


def main():
    errors = []
    crrctest.run_crrc("check", SPEC)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        p = crrctest.run_crrc("compile", SPEC, "--target", "cloudformation", "--out", out,
                              check=False)
        if p.returncode != 1:
            errors.append(f"exit {p.returncode}, want 1:\n{p.stderr}")
        for want in ("error[E080]", "'legacy'", "cfnexisting-legacy-use1", "--target terraform"):
            if want not in p.stderr:
                errors.append(f"the diagnostic does not say {want!r}:\n{p.stderr}")
        if os.path.exists(out):
            errors.append(f"{out} was written: {os.listdir(out)}")
        p = crrctest.run_crrc("compile", SPEC, "--target", "cloudformation", "--out", out,
                              "--diagnostics=json", check=False)
        diags = json.loads(p.stdout or p.stderr)
        got = [(d["code"], d["severity"], d["line"], d["column"]) for d in diags]
        if got != [("E080", "error", 10, 15)]:
            errors.append(f"diagnostics {got}, want E080 at 10:15 (existing: true)")
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
