"""Stacks that replicate into each other (two-way pairs): the manifest opens
with bootstrap steps that create the buckets of those stacks without their
replication, then deploys the full templates; stacks that only receive go
first, and stacks that only send into the cycle are not bootstrapped. Then
deploy.sh runs examples/two-way.crr.yaml against moto_server in that order
and every stack ends on its full template (test_deploy.py deploys the other
specs, specs/two-way-ring.crr.yaml among them). Checks the plan of every
example and test spec whose stacks form a cycle, and the exact plan of
specs/two-way-ring.crr.yaml."""
import os
import sys
import tempfile

import cfntest
import deployed
from cfntest import crrctest

EXAMPLE = os.path.join(crrctest.EXAMPLES, "two-way.crr.yaml")
RING = [  # (template, bootstrap) of specs/two-way-ring.crr.yaml, in order
    ("cfnring-default-ap-northeast-1.template.json", False),  # only receives
    ("cfnring-default-us-east-1.bootstrap.template.json", True),
    ("cfnring-default-us-west-2.bootstrap.template.json", True),
    ("cfnring-default-ca-central-1.bootstrap.template.json", True),  # a pair in one stack
    ("cfnring-default-us-east-1.template.json", False),
    ("cfnring-default-us-west-2.template.json", False),
    ("cfnring-default-us-east-2.template.json", False),  # sends into the pair: no bootstrap
    ("cfnring-default-ca-central-1.template.json", False),
]


def check_plan(spec, m, manifest, templates):
    errors = []
    tag = cfntest.stem(spec)
    steps = manifest["steps"]
    boot = [s for s in steps if s["bootstrap"]]
    last_boot = max(s["step"] for s in boot)
    for s in steps:
        t = templates[s["template"]]
        has_repl = any("ReplicationConfiguration" in r.get("Properties", {})
                       for r in t["Resources"].values())
        if s["bootstrap"] and (has_repl or s["capabilities"]):
            errors.append(f"{tag}: bootstrap step {s['step']} replicates or needs IAM")
    # Every stack that is bootstrapped deploys its full template after all
    # bootstraps, so every bucket exists before any replication is set.
    for s in boot:
        full = [x for x in steps if x["stack_name"] == s["stack_name"] and not x["bootstrap"]]
        if len(full) != 1 or full[0]["step"] < last_boot:
            errors.append(f"{tag}: {s['stack_name']} is not deployed in full after the bootstraps")
    by_key = {b["key"]: b for b in m["buckets"]}
    stacks = cfntest.bucket_stacks(templates)
    pairs = {(r["source"], rule["destination"]) for r in m["replication"] for rule in r["rules"]}
    for a, b in pairs:
        if (b, a) in pairs:
            for k in (a, b):
                name = stacks[by_key[k]["name"]]
                if not any(s["stack_name"] == name for s in boot):
                    errors.append(f"{tag}: the two-way pair {a}/{b}: {name} is not bootstrapped")
    if tag == "two-way-ring":
        got = [(s["template"], s["bootstrap"]) for s in steps]
        if got != RING:
            errors.append(f"{tag}: steps {got}, want {RING}")
    return errors


def main():
    cfntest.require_deploy_tools()
    errors, done = [], []
    with tempfile.TemporaryDirectory() as tmp:
        cyclic = []
        for spec, m in cfntest.specs():
            out = os.path.join(tmp, "plan-" + cfntest.stem(spec))
            cfntest.compile_spec(spec, out)
            manifest, templates = cfntest.load_dir(out)
            if any(s["bootstrap"] for s in manifest["steps"]):
                cyclic.append((spec, m))
                errors += check_plan(spec, m, manifest, templates)
        stems = {cfntest.stem(s) for s, _ in cyclic}
        for want in ("two-way", "two-way-ring"):
            if want not in stems:
                errors.append(f"{want}: no bootstrap step")
        with crrctest.moto_server() as url:
            aws = cfntest.Aws(url, tmp)
            errs, manifest = deployed.deploy_and_verify(aws, EXAMPLE, cfntest.model(EXAMPLE), tmp)
            errors += errs
            done.append(f"two-way ({len(manifest['steps'])} steps)")
    for e in errors:
        print(e, file=sys.stderr)
    print("bootstrapped, deployed in order and read back: " + ", ".join(done))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
