"""A split spec deploys: 450 buckets in us-east-1 (150 of them sources with
generated roles, some replicating into each other: six parts, bootstrapped)
and 30 in us-west-2, through deploy.sh into moto_server. Most of the parts'
templates are over 51,200 bytes, so deploy.sh first refuses to start without
an artifact bucket (no stack is created), then, given one, uploads them
there and every step succeeds (about 20 s on moto). Read back with a few
calls, since 480 buckets one by one would take minutes: every stack in its
final state, a bootstrapped part running its full template, every bucket and
role, and the uploaded templates in the artifact bucket.

moto's CloudFormation finds a TemplateURL's bucket in the URL's path only
when its host is "localhost" (else it takes the host's first label for the
bucket), so the aws CLI talks to moto as localhost here."""
import json
import os
import re
import sys
import tempfile
import time

import cfntest
import splitspec
from cfntest import crrctest

ARTIFACTS = "cfnsplit-artifacts-use1"


def main():
    cfntest.require_deploy_tools()
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        spec = splitspec.write(os.path.join(tmp, "split.crr.yaml"), 450, 30, 0)
        m = cfntest.model(spec)
        out = os.path.join(tmp, "out")
        cfntest.compile_spec(spec, out)
        manifest, templates = cfntest.load_dir(out)
        steps = manifest["steps"]
        parts = {s["stack_name"] for s in steps if re.search(r"-us-east-1-\d+$", s["stack_name"])}
        uploads = [s for s in steps if s["s3_upload"]]
        if len(parts) < 2 or not uploads or not any(s["bootstrap"] for s in steps):
            errors.append(f"the spec does not exercise the split: {len(parts)} parts, "
                          f"{len(uploads)} uploads, steps {[s['template'] for s in steps]}")
        with crrctest.moto_server() as url:
            aws = cfntest.Aws(url.replace("127.0.0.1", "localhost"), tmp)
            env = aws.profile_env(manifest)
            p = cfntest.subprocess.run(["bash", os.path.join(out, "deploy.sh")],
                                       capture_output=True, text=True, env=env)
            stacks = aws.json("cloudformation", "list-stacks", "--region", "us-east-1")
            if p.returncode != 1 or "CRRC_CFN_ARTIFACT_BUCKET_US_EAST_1" not in p.stderr or \
                    stacks["StackSummaries"]:
                errors.append(f"without an artifact bucket: exit {p.returncode}, stacks "
                              f"{len(stacks['StackSummaries'])}:\n{p.stderr}")
            aws.run("s3api", "create-bucket", "--bucket", ARTIFACTS, "--region", "us-east-1")
            env["CRRC_CFN_ARTIFACT_BUCKET_US_EAST_1"] = ARTIFACTS
            start = time.time()
            p = cfntest.subprocess.run(["bash", os.path.join(out, "deploy.sh")],
                                       capture_output=True, text=True, env=env)
            took = time.time() - start
            if p.returncode != 0 or f"all {len(steps)} steps deployed" not in p.stdout:
                errors.append(f"deploy.sh exited {p.returncode}:\n{p.stdout[-2000:]}\n"
                              f"{p.stderr[-2000:]}")
            else:
                errors += read_back(aws, m, manifest, templates, uploads)
    for e in errors:
        print(e, file=sys.stderr)
    if not errors:
        print(f"{len(m['buckets'])} buckets, {len(steps)} steps ({len(uploads)} through S3) "
              f"deployed in {took:.0f} s and read back")
    return 1 if errors else 0


def read_back(aws, m, manifest, templates, uploads):
    errors = []
    final = {}
    for st in manifest["steps"]:
        final[st["stack_name"]] = st
    for region in sorted({st["region"] for st in manifest["steps"]}):
        got = {s["StackName"]: s["StackStatus"] for s in aws.json(
            "cloudformation", "list-stacks", "--region", region)["StackSummaries"]}
        for name, st in final.items():
            if st["region"] != region:
                continue
            booted = any(s["bootstrap"] for s in manifest["steps"] if s["stack_name"] == name)
            want = "UPDATE_COMPLETE" if booted else "CREATE_COMPLETE"
            if got.get(name) != want:
                errors.append(f"stack {name}: {got.get(name)}, want {want}")
    booted = next(st for st in manifest["steps"] if st["bootstrap"])["stack_name"]
    body = aws.json("cloudformation", "get-template", "--region", "us-east-1",
                    "--stack-name", booted)["TemplateBody"]
    body = json.loads(body) if isinstance(body, str) else body
    if body != templates[booted + ".template.json"]:
        errors.append(f"stack {booted}: does not run its full template")
    names = {b["Name"] for b in aws.json("s3api", "list-buckets")["Buckets"]}
    want = {b["name"] for b in m["buckets"]} | {ARTIFACTS}
    if names != want:
        errors.append(f"buckets: {len(names)}, want {len(want)}; missing "
                      f"{sorted(want - names)[:5]}, extra {sorted(names - want)[:5]}")
    roles = {r["RoleName"] for r in aws.json("iam", "list-roles", "--max-items", "10000")["Roles"]}
    want = {r["role"]["name"] for r in m["replication"] if r["role"]["generated"]}
    if not want <= roles:
        errors.append(f"roles: missing {sorted(want - roles)[:5]} of {len(want)}")
    keys = aws.json("s3api", "list-objects-v2", "--bucket", ARTIFACTS)
    keys = [o["Key"] for o in (keys or {}).get("Contents", [])]
    if len(keys) != len(uploads) or not all(k.startswith("crrc/cfnsplit/") for k in keys):
        errors.append(f"artifacts: {keys}, want {len(uploads)} templates under crrc/cfnsplit/")
    return errors


if __name__ == "__main__":
    sys.exit(main())
