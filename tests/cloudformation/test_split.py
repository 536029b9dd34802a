"""An account and region with more buckets than a stack may hold is split
into parts, each within crrc's limits (400 resources, 150 outputs, 800,000
bytes: cfn-lint's 90% thresholds of CloudFormation's quotas are 450, 180
and 900,000). On a generated spec (splitspec.py: 1,500 buckets in us-east-1,
500 in us-west-2, 6 in a partner account):
- every template is within the limits, its description under 900
  characters; us-east-1 and us-west-2 are split, the partner's six buckets
  are one stack named as an unsplit pair is;
- the templates say what the model says and the manifest's order is valid
  (test_templates.Checker, part-aware), two-way pairs are bootstrapped
  (test_two_way.check_plan); a second compilation gives the same bytes;
- stability: a bucket appended at the end, a bucket dropped from the middle,
  a bucket added to another account change only the templates they are in
  (and manifest.json, deploy.sh); growth that adds parts moves buckets only
  into the new parts;
- cfn-lint finds nothing in a sample of the templates: of each split pair
  its first and last part and the parts with the most resources, outputs
  and bytes, the largest bootstrap template, and the unsplit one (linting
  all 50-odd takes about a minute);
- deploy.sh: templates over 51,200 bytes need an S3 bucket; without one it
  fails before its first step, naming the variables, and runs no aws
  command; with them it passes --s3-bucket exactly on those steps, the
  region's own variable over CRRC_CFN_ARTIFACT_BUCKET (an aws stub records
  the calls; test_split_deploy.py deploys a split spec into moto);
- buckets so heavy that two never fit in one template (twenty sources of
  about 500,000 bytes each) defeat hashing: parts are then filled in the
  spec's order, one source each, all within the limits;
- a bucket too big for a template of its own is E081 and nothing is
  written;
- a bucket key of 250 characters gives logical ids within CloudFormation's
  255 (shortened, with a hash of the key), which cfn-lint accepts."""
import filecmp
import json
import os
import re
import stat
import subprocess
import sys
import tempfile

import cfntest
import splitspec
import test_templates
import test_two_way
from cfntest import crrctest

MAX_RESOURCES, MAX_OUTPUTS, MAX_BYTES, MAX_DESCRIPTION = 400, 150, 800000, 900
# Buckets in us-east-1, us-west-2, the partner's eu-west-1. us-east-1 has
# 1,450 buckets and 484 roles: 1,934 outputs, 20 parts of 100 on average and
# far from 2,000, where one more bucket would make 21.
SIZES = (1450, 500, 6)
UNRELATED = "e00701"  # neither source nor destination


class Run:
    def __init__(self, tmp):
        self.tmp, self.errors = tmp, []

    def fail(self, msg):
        self.errors.append(msg)

    def compile(self, tag, **edits):
        """Every variant is written to the same path, which the templates'
        descriptions name, and compiled into a directory of its own."""
        spec = splitspec.write(splitspec.spec_path(self.tmp, "spec"), *SIZES, **edits)
        out = os.path.join(self.tmp, tag)
        cfntest.compile_spec(spec, out)
        manifest, templates = cfntest.load_dir(out)
        return spec, out, manifest, templates


def check_limits(run, out, templates):
    for name, t in templates.items():
        size = os.path.getsize(os.path.join(out, name))
        got = (len(t["Resources"]), len(t.get("Outputs", {})), size)
        if got[0] > MAX_RESOURCES or got[1] > MAX_OUTPUTS or got[2] > MAX_BYTES:
            run.fail(f"{name}: {got[0]} resources, {got[1]} outputs, {got[2]} bytes: over "
                     f"{MAX_RESOURCES}/{MAX_OUTPUTS}/{MAX_BYTES}")
        if len(t["Description"]) > MAX_DESCRIPTION:
            run.fail(f"{name}: a description of {len(t['Description'])} characters")


def check_split(run, m, stacks):
    groups = {}
    for b in m["buckets"]:
        groups.setdefault(cfntest.stack_name(m, b), set()).add(stacks.get(b["name"]))
    for region in ("us-east-1", "us-west-2"):
        base = f"{splitspec.NAME}-default-{region}"
        parts = groups.get(base, set())
        if len(parts) < 2 or base in parts:
            run.fail(f"{base}: not split: {sorted(parts, key=str)}")
    base = f"{splitspec.NAME}-partner-eu-west-1"
    if groups.get(base) != {base}:
        run.fail(f"{base}: split or renamed: {groups.get(base)}")


def check_model(run, spec, m, out, manifest, templates):
    c = test_templates.Checker(spec, m, out)
    c.check_stacks()
    c.check_buckets()
    c.check_replication()
    c.check_bucket_policies()
    c.check_manifest()
    run.errors += c.errors
    run.errors += test_two_way.check_plan(spec, m, manifest, templates)
    if not any(st["bootstrap"] for st in manifest["steps"]):
        run.fail("no bootstrap step, though the spec has two-way pairs")


def same_bytes(a, b):
    left, right = sorted(os.listdir(a)), sorted(os.listdir(b))
    if left != right:
        return False
    return filecmp.cmpfiles(a, b, left, shallow=False)[1:] == ([], [])


def changed(a, b):
    """Names of the files that differ between directories a and b."""
    names = (set(os.listdir(a)) | set(os.listdir(b))) - {".crrc-files"}
    out = set()
    for n in names:
        pa, pb = os.path.join(a, n), os.path.join(b, n)
        if not (os.path.exists(pa) and os.path.exists(pb)) or \
                not filecmp.cmp(pa, pb, shallow=False):
            out.add(n)
    return out


def with_bootstrap(stack, templates):
    names = {stack + ".template.json", "manifest.json", "deploy.sh"}
    if stack + ".bootstrap.template.json" in templates:
        names.add(stack + ".bootstrap.template.json")
    return names


def check_edit(run, what, base_out, base_stacks, out, templates, key, stack_of_key):
    """An edit that touches bucket `key` changes only its stack's files."""
    stacks = cfntest.bucket_stacks(templates)
    moved = [n for n, s in base_stacks.items() if n in stacks and stacks[n] != s]
    if moved:
        run.fail(f"{what}: buckets changed stack: {moved[:5]}")
    diff = changed(base_out, out)
    allowed = with_bootstrap(stack_of_key, templates) | with_bootstrap(stack_of_key, os.listdir(
        base_out))
    if not diff <= allowed or stack_of_key + ".template.json" not in diff:
        run.fail(f"{what} ({key}, stack {stack_of_key}): changed {sorted(diff)}, "
                 f"want its stack's files only: {sorted(allowed)}")


def check_stability(run, m, base_out, templates):
    base_stacks = cfntest.bucket_stacks(templates)

    key = "e99999"
    _, out, _, t = run.compile("append", add=[(key, "us-east-1", None)])
    new = cfntest.bucket_stacks(t)
    if set(t) - set(templates) or set(templates) - set(t):
        run.fail("append: the set of templates changed; the spec sits on a boundary of "
                 f"the number of parts: {sorted(set(t) ^ set(templates))}")
    check_edit(run, "a bucket appended", base_out, base_stacks, out, t, key,
               new.get(splitspec.bucket_name(key), "?"))

    key = UNRELATED
    bucket = next(b for b in m["buckets"] if b["key"] == key)
    used = {r["source"] for r in m["replication"]} | {
        rule["destination"] for r in m["replication"] for rule in r["rules"]}
    if key in used:
        run.fail(f"{key} is in a replication entry: pick another bucket to drop")
    _, out, _, t = run.compile("drop", drop=[key])
    check_edit(run, "a bucket dropped from the middle", base_out, base_stacks, out, t, key,
               base_stacks[bucket["name"]])

    key = "p99999"
    _, out, _, t = run.compile("other", add=[(key, "eu-west-1", "partner")])
    check_edit(run, "a bucket added to another account", base_out, base_stacks, out, t, key,
               f"{splitspec.NAME}-partner-eu-west-1")

    grow = [(f"e9{i:04d}", "us-east-1", None) for i in range(150)]
    _, out, _, t = run.compile("grow", add=grow)
    def parts(stacks):
        return {int(s.rsplit("-", 1)[1]) for s in stacks.values()
                if s.startswith(f"{splitspec.NAME}-default-us-east-1-")}
    old_max, new = max(parts(base_stacks)), cfntest.bucket_stacks(t)
    if max(parts(new)) <= old_max:
        run.fail(f"grow: 150 more buckets, still {old_max} parts")
    moved = 0
    for n, s in base_stacks.items():
        if new[n] != s:
            moved += 1
            part = int(new[n].rsplit("-", 1)[1])
            if not s.startswith(f"{splitspec.NAME}-default-us-east-1-") or part <= old_max:
                run.fail(f"grow: bucket {n} moved from {s} to {new[n]}, not into a new part")
    east = sum(1 for s in base_stacks.values() if "-us-east-1-" in s)
    if moved > east // 4:
        run.fail(f"grow: {moved} of {east} buckets moved")
    print(f"growth: {len(grow)} buckets more, parts {old_max} -> {max(parts(new))}, "
          f"{moved} of {east} buckets moved, all into new parts")


def lint_sample(templates, out):
    """First and last part of each split pair, the parts with the most
    resources, outputs and bytes, the largest bootstrap, unsplit stacks."""
    full = {n: t for n, t in templates.items() if not n.endswith(".bootstrap.template.json")}
    pick, groups = set(), {}
    for n in full:
        m = re.fullmatch(r"(.*)-(\d+)\.template\.json", n)
        if m:
            groups.setdefault(m.group(1), []).append((int(m.group(2)), n))
        else:
            pick.add(n)
    for parts in groups.values():
        parts.sort()
        pick |= {parts[0][1], parts[-1][1]}
    def size(name):
        return os.path.getsize(os.path.join(out, name))
    pick.add(max(full, key=lambda n: len(full[n]["Resources"])))
    pick.add(max(full, key=lambda n: len(full[n]["Outputs"])))
    pick.add(max(full, key=size))
    boot = [n for n in templates if n.endswith(".bootstrap.template.json")]
    if boot:
        pick.add(max(boot, key=size))
    return sorted(pick)


def check_lint(run, out, templates, extra):
    lint = crrctest.require_tool("cfn-lint")
    files = [os.path.join(out, n) for n in lint_sample(templates, out)] + extra
    p = subprocess.run([lint, "-c", "I", "--non-zero-exit-code", "informational",
                        "-f", "parseable", "--", *files], capture_output=True, text=True)
    findings = (p.stdout + p.stderr).strip()
    if p.returncode != 0 or findings:
        run.fail(f"cfn-lint exited {p.returncode} on {files}:\n{findings[:3000]}")
    print(f"cfn-lint: {len(files) - len(extra)} templates of {len(templates)} and "
          f"{len(extra)} more, no finding")


STUB = """#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$STUB_LOG"
if [[ " $* " == *" sts get-caller-identity "* ]]; then
	account=123456789012
	if [[ " $* " =~ \\ --profile\\ acct-([0-9]+)\\  ]]; then
		account=${BASH_REMATCH[1]}
	fi
	echo "$account"
fi
"""


def stub_env(tmp):
    bin_dir = os.path.join(tmp, "stub-bin")
    os.makedirs(bin_dir, exist_ok=True)
    aws = os.path.join(bin_dir, "aws")
    with open(aws, "w") as f:
        f.write(STUB)
    os.chmod(aws, os.stat(aws).st_mode | stat.S_IXUSR)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "CRRC_PROFILE_", "CRRC_CFN_"))}
    env.update({"PATH": bin_dir + os.pathsep + env.get("PATH", ""),
                "STUB_LOG": os.path.join(tmp, "stub.log"),
                "CRRC_PROFILE_PARTNER": f"acct-{splitspec.PARTNER}"})
    return env


def run_deploy(env, out):
    open(env["STUB_LOG"], "w").close()
    p = subprocess.run(["bash", os.path.join(out, "deploy.sh")], capture_output=True,
                       text=True, env=env)
    with open(env["STUB_LOG"]) as f:
        return p, [line.split() for line in f.read().splitlines()]


def check_upload_gate(run, tmp, out, manifest):
    steps = manifest["steps"]
    big = [st for st in steps if st["s3_upload"]]
    if not big or len(big) == len(steps):
        run.fail(f"{len(big)} of {len(steps)} steps upload: want some, not all")
    env = stub_env(tmp)
    p, calls = run_deploy(env, out)
    regions = sorted({st["region"] for st in big})
    want_vars = ["CRRC_CFN_ARTIFACT_BUCKET_" + r.upper().replace("-", "_") for r in regions]
    if p.returncode != 1 or calls or "Nothing was deployed" not in p.stderr or \
            not all(v in p.stderr for v in want_vars) or "step 1/" in p.stdout:
        run.fail(f"deploy.sh without an artifact bucket: exit {p.returncode}, {len(calls)} aws "
                 f"calls, want 1 and none, naming {want_vars}:\n{p.stdout[:500]}\n{p.stderr}")
    env["CRRC_CFN_ARTIFACT_BUCKET"] = "artifacts-everywhere"
    env["CRRC_CFN_ARTIFACT_BUCKET_US_WEST_2"] = "artifacts-west"
    p, calls = run_deploy(env, out)
    deploys = [c for c in calls if "cloudformation deploy" in " ".join(c)]
    if p.returncode != 0 or len(deploys) != len(steps):
        run.fail(f"deploy.sh with artifact buckets: exit {p.returncode}, {len(deploys)} deploys "
                 f"of {len(steps)}:\n{p.stderr[:2000]}")
        return
    for st, c in zip(steps, deploys):
        stack = c[c.index("--stack-name") + 1]
        bucket = c[c.index("--s3-bucket") + 1] if "--s3-bucket" in c else None
        want = None
        if st["s3_upload"]:
            want = "artifacts-west" if st["region"] == "us-west-2" else "artifacts-everywhere"
        if stack != st["stack_name"] or bucket != want:
            run.fail(f"step {st['step']}: deployed {stack} with --s3-bucket {bucket}, want "
                     f"{st['stack_name']} with {want}")
            break


def check_too_big(run, tmp):
    """One source whose replication configuration alone is over the limit."""
    spec = heavy_spec(os.path.join(tmp, "too-big.crr.yaml"), 1, 250)
    crrctest.run_crrc("check", spec)
    out = os.path.join(tmp, "too-big")
    p = crrctest.run_crrc("compile", spec, "--target", "cloudformation", "--out", out,
                          "--diagnostics=json", check=False)
    try:
        diags = json.loads(p.stderr)
    except ValueError:
        diags = []
    got = [(d["code"], d["line"], d["column"]) for d in diags if d["severity"] == "error"]
    with open(spec) as f:
        line = next(i for i, s in enumerate(f.read().split("\n"), 1) if "- source:" in s)
    msg = " ".join(d["message"] for d in diags)
    if p.returncode != 1 or got != [("E081", line, 5)] or "'s00'" not in msg or \
            "bytes" not in msg or os.path.exists(out):
        run.fail(f"a bucket too big for one template: exit {p.returncode}, errors {got}, want "
                 f"E081 at {line}:5 naming 's00', nothing written:\n{p.stderr[:1000]}")


def heavy_spec(path, nsources, nrules):
    """Sources whose rules filter on ten long tags: about 5,000 bytes of
    template a rule. The rules are one YAML list, aliased by every source."""
    tags = "".join(f"    k{i}-{'a' * 100}: {'v' * 250}\n" for i in range(10))
    rules = "".join(f"  - id: r{i}\n    destination: dr\n    filter:\n      prefix: p{i}/\n"
                    "      tags: *tags\n" for i in range(nrules))
    buckets = "".join(f"  s{i:02d}:\n    region: us-east-1\n" for i in range(nsources))
    reps = "".join(f"  - source: s{i:02d}\n    rules: *rules\n" for i in range(nsources))
    with open(path, "w") as f:
        f.write("crrc: 1\nname: cfnheavy\nx-tags: &tags\n" + tags + "x-rules: &rules\n" +
                rules + "buckets:\n" + buckets + "  dr:\n    region: us-west-2\n"
                "replication:\n" + reps)
    return path


def check_heavy(run, tmp):
    """Returns a template, for cfn-lint."""
    spec = heavy_spec(os.path.join(tmp, "heavy.crr.yaml"), 20, 100)
    out = os.path.join(tmp, "heavy")
    cfntest.compile_spec(spec, out)
    _, templates = cfntest.load_dir(out)
    check_limits(run, out, templates)
    parts = [(n, [r["Properties"]["BucketName"] for r in t["Resources"].values()
                  if r["Type"] == "AWS::S3::Bucket"]) for n, t in templates.items()]
    want = [(f"cfnheavy-default-us-east-1-{i + 1}.template.json", [f"cfnheavy-s{i:02d}"])
            for i in range(20)] + [("cfnheavy-default-us-west-2.template.json", ["cfnheavy-dr"])]
    if sorted(parts) != sorted(want):
        run.fail(f"heavy sources: parts {sorted(parts)[:4]}..., want one source each, in order")
    return [os.path.join(out, want[0][0])]


def check_long_key(run, tmp):
    """Returns the templates, for cfn-lint."""
    key = "k" + "-abcdefghij" * 25
    spec = os.path.join(tmp, "long-key.crr.yaml")
    with open(spec, "w") as f:
        f.write(f"crrc: 1\nname: cfnlongkey\nbuckets:\n  {key}:\n    name: cfnlongkey-src\n"
                f"    region: us-east-1\n  dr:\n    region: us-west-2\nreplication:\n"
                f"  - source: {key}\n    rules:\n      - id: all\n        destination: dr\n")
    out = os.path.join(tmp, "long-key")
    cfntest.compile_spec(spec, out)
    _, templates = cfntest.load_dir(out)
    ids = [i for t in templates.values() for i in list(t["Resources"]) + list(t["Outputs"])]
    if max(len(i) for i in ids) > 255 or not any(len(i) > 200 for i in ids):
        run.fail(f"a long key: ids of {sorted(len(i) for i in ids)} characters, want the "
                 "longest within 255 and still long")
    return [os.path.join(out, n) for n in sorted(templates)]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        run = Run(tmp)
        spec, out, manifest, templates = run.compile("base")
        m = cfntest.model(spec)
        stacks = cfntest.bucket_stacks(templates)
        check_limits(run, out, templates)
        check_split(run, m, stacks)
        check_model(run, spec, m, out, manifest, templates)
        again = os.path.join(tmp, "again")
        cfntest.compile_spec(spec, again)
        if not same_bytes(out, again):
            run.fail(f"a second compilation differs: {sorted(changed(out, again))}")
        check_stability(run, m, out, templates)
        check_upload_gate(run, tmp, out, manifest)
        check_too_big(run, tmp)
        check_lint(run, out, templates, check_long_key(run, tmp) + check_heavy(run, tmp))
        print(f"{len(m['buckets'])} buckets: {len(templates)} templates, "
              f"{len(manifest['steps'])} steps")
    for e in run.errors:
        print(e, file=sys.stderr)
    return 1 if run.errors else 0


if __name__ == "__main__":
    sys.exit(main())
