#!/usr/bin/env python3
"""The Terraform back end against the real tools: for every example and every
spec under tests/terraform/specs, compile (twice: byte-identical), check the
header of each file, `terraform fmt -check`, `terraform validate`, then
`terraform apply` against a moto_server of its own, compare what moto stored
with the resolved model (`crrc model`) field by field, and require a second
`terraform plan` to find nothing to change.

The expectations are computed here from the model and the rules of issues 3
and 11, not from crrc's output: the IAM policy must hold exactly the listed
actions on exactly the listed resources, every replication rule every field.
An existing bucket is made first as its owner has it (a policy of its own;
Object Lock with a default retention, where the spec says Object Lock) and
must keep both; what owners must add (existing-buckets.json for existing
buckets, key-policies.json for KMS keys in another account than the role's)
must be what the model calls for.

Usage: test_terraform.py [SPEC...] (default: all). Needs terraform, the AWS
provider in a filesystem mirror (CRRC_TF_MIRROR, default /opt/tf-plugins) and
moto_server; a missing one skips (or fails when CI is set)."""
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.environ.get("CRRC_SOURCE_ROOT",
                                               os.path.dirname(os.path.dirname(HERE))),
                                "tests", "lib"))
import crrctest  # noqa: E402
# The oracle: what moto must hold, from the model (shared with tests/apply).
from awsstate import HOSTILE, Failure, check, check_state, create_existing, equal  # noqa: E402
# moto's GetBucketReplication drops filters, delete marker replication and
# source selection; motoserver runs it patched to answer as S3 does
# (tests/lib/motopatch/moto_server).
import motoserver  # noqa: E402

MIRROR = os.environ.get("CRRC_TF_MIRROR", "/opt/tf-plugins")
WORKERS = 2


# ---------------------------------------------------------------- tools

def tf_env(root):
    cli = os.path.join(root, "terraformrc")
    with open(cli, "w") as f:
        f.write('provider_installation {\n  filesystem_mirror {\n'
                f'    path = {json.dumps(MIRROR)}\n  }}\n}}\n')
    env = dict(os.environ, TF_CLI_CONFIG_FILE=cli, TF_IN_AUTOMATION="1", TF_INPUT="0",
               CHECKPOINT_DISABLE="1", AWS_EC2_METADATA_DISABLED="true",
               AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
    for k in ("TF_PLUGIN_CACHE_DIR", "TF_DATA_DIR", "TF_CLI_ARGS", "AWS_PROFILE",
              "AWS_SESSION_TOKEN", "TF_LOG"):
        env.pop(k, None)
    return env


def terraform(env, cwd, *args, ok=(0,)):
    p = subprocess.run(["terraform", *args, "-no-color"] if args[0] != "fmt" else
                       ["terraform", *args], cwd=cwd, env=env, capture_output=True,
                       text=True, timeout=900)
    if p.returncode not in ok:
        raise Failure(f"terraform {' '.join(args)} exited {p.returncode}:\n"
                      f"{p.stdout[-6000:]}\n{p.stderr[-6000:]}")
    return p


def crrc(*args):
    p = subprocess.run([crrctest.CRRC, *args], cwd=crrctest.ROOT, capture_output=True,
                       text=True, timeout=120)
    if p.returncode != 0:
        raise Failure(f"crrc {' '.join(args)} exited {p.returncode}:\n{p.stderr}")
    return p


def read_tree(d):
    out = {}
    for name in sorted(os.listdir(d)):
        path = os.path.join(d, name)
        if os.path.isfile(path) and name.endswith(".tf"):
            with open(path, "rb") as f:
                out[name] = f.read()
    return out


# ---------------------------------------------------------------- one spec

OVERRIDE_TF = """provider "aws" {{
  alias                       = "{alias}"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {{
    s3  = "{url}"
    iam = "{url}"
    sts = "{url}"
    kms = "{url}"
    s3control = "{url}"
  }}
}}
"""


def moto_override(out, url):
    """Point every provider of the module at moto: a *_override.tf file of
    the test's, never part of crrc's output. Roles to assume get an ARN in
    their account, which moto's STS then stands for."""
    with open(os.path.join(out, "providers.tf")) as f:
        aliases = re.findall(r'^\s*alias\s*=\s*"([^"]+)"', f.read(), re.M)
    check(aliases, "providers.tf declares no provider alias")
    with open(os.path.join(out, "zz_moto_override.tf"), "w") as f:
        f.write("\n".join(OVERRIDE_TF.format(alias=a, url=url) for a in aliases))
    variables = {}
    path = os.path.join(out, "variables.tf")
    if os.path.exists(path):
        with open(path) as f:
            text = f.read()
        for name, prefix in re.findall(
                r'variable "(\w+_role_arn)" \{.*?"(arn:[a-z-]+:iam::\d{12}:role/)"', text, re.S):
            variables[name] = prefix + "terraform"
    with open(os.path.join(out, "moto.tfvars.json"), "w") as f:
        json.dump(variables, f)


def compile_spec(rel, out):
    crrc("compile", rel, "--target", "terraform", "--out", out)
    files = read_tree(out)
    check(files, "no .tf file written")
    for name in ("versions.tf", "providers.tf", "outputs.tf"):
        check(name in files, f"{name} missing")
    header = f"# Generated by crrc from {rel} - do not edit.\n".encode()
    for name, data in files.items():
        check(data.startswith(header), f"{name}: header is not {header!r}")
        check(b"replication_configuration {" not in data and b"\n  versioning {" not in data,
              f"{name}: deprecated inline block of aws_s3_bucket")
        check(b"existing_object_replication" not in data,
              f"{name}: existing_object_replication, which S3 refuses")
    again = out + ".again"
    crrc("compile", rel, "--target", "terraform", "--out", again)
    equal(read_tree(again) == files, True, "a second compile is byte-identical")
    shutil.rmtree(again)
    return files


# ---------------------------------------------------------------- points

POINT = "aws_s3control_multi_region_access_point"


def plan_json(env, out):
    """The plan against moto, as `terraform show -json` reads it: the
    configuration's expressions with their references, as Terraform parsed
    them."""
    terraform(env, out, "plan", "-input=false", "-var-file=moto.tfvars.json", "-out=points.plan")
    return json.loads(terraform(env, out, "show", "-json", "points.plan").stdout)


def check_points(model, plan):
    """Each point of the model is a point resource over its buckets (by
    reference) and a policy resource naming it by reference, with its alias
    and account in the policy's ARNs; both planned for creation."""
    resources = {r["address"]: r for r in plan["configuration"]["root_module"]["resources"]}
    planned = {c["address"]: c["change"]["actions"] for c in plan["resource_changes"]}
    for p in model.get("access_points", []):
        key = p["key"].replace("-", "_")
        point, policy = resources.get(f"{POINT}.{key}"), resources.get(f"{POINT}_policy.{key}")
        check(point and policy, f"point {p['key']}: resources {POINT}(_policy).{key} missing")
        equal(planned.get(point["address"]), ["create"], f"point {key} planned")
        equal(planned.get(policy["address"]), ["create"], f"policy of point {key} planned")
        details = point["expressions"]["details"][0]
        equal(details["name"]["constant_value"], p["name"], f"point {key} name")
        got = sorted(r["bucket"]["references"][-1] for r in details["region"])
        want = sorted(f"aws_s3_bucket.{b.replace('-', '_')}" for b in p["buckets"])
        equal(got, want, f"point {key}: its buckets by reference")
        pd = policy["expressions"]["details"][0]
        check(f"{POINT}.{key}" in pd["name"]["references"], f"policy of {key} names the point")
        refs = set(pd["policy"]["references"])
        check(f"{POINT}.{key}.alias" in refs, f"policy of {key}: the alias in its ARNs")


def drop_points(out):
    """moto implements Multi-Region Access Points, but S3 Control puts the
    account in the host name (<account>.127.0.0.1), which no resolver
    answers here: the points are proved by the plan above, the rest is
    applied without them (access_points.tf and the outputs that name them)."""
    os.remove(os.path.join(out, "access_points.tf"))
    path = os.path.join(out, "outputs.tf")
    with open(path) as f:
        text = f.read()
    text = re.sub(r'output "\w+" \{\n(?:  .*\n|\n)*?\}\n',
                  lambda m: "" if POINT in m.group(0) else m.group(0), text)
    with open(path, "w") as f:
        f.write(text)


class Clock:
    """Seconds each step of a spec took, for the log."""
    def __init__(self):
        self.t = time.monotonic()
        self.steps = []

    def lap(self, name):
        now = time.monotonic()
        self.steps.append(f"{name} {now - self.t:.1f}s")
        self.t = now

    def __str__(self):
        return ", ".join(self.steps)


def run_spec(rel, root, env, init_dir):
    stem = os.path.basename(rel)[:-len(".crr.yaml")]
    out = os.path.join(root, stem)
    clock = Clock()
    model = json.loads(crrc("model", rel).stdout)
    files = compile_spec(rel, out)
    if HOSTILE in json.dumps(model):
        check(b"${file" not in b"".join(files.values()).replace(b"$${file", b""),
              "the hostile string is written unescaped")
    clock.lap("compile")
    terraform(env, out, "fmt", "-check", "-diff", "-recursive")
    shutil.copytree(os.path.join(init_dir, ".terraform"), os.path.join(out, ".terraform"),
                    symlinks=True)
    shutil.copy(os.path.join(init_dir, ".terraform.lock.hcl"), out)
    terraform(env, out, "validate")
    clock.lap("fmt+validate")
    with motoserver.Moto(record=False) as moto:
        url = moto.url
        create_existing(model, url)
        moto_override(out, url)
        clock.lap("moto")
        if "access_points.tf" in files:
            check_points(model, plan_json(env, out))
            drop_points(out)
            clock.lap("points")
        terraform(env, out, "apply", "-auto-approve", "-input=false",
                  "-var-file=moto.tfvars.json")
        clock.lap("apply")
        check_state(model, crrctest.moto_state(url), url, out)
        p = terraform(env, out, "plan", "-detailed-exitcode", "-input=false",
                      "-var-file=moto.tfvars.json", ok=(0, 2))
        if p.returncode == 2:
            raise Failure(f"the second plan has changes:\n{p.stdout[-8000:]}")
        clock.lap("plan")
    return clock


# ---------------------------------------------------------------- main

def specs(argv):
    if argv:
        return [os.path.relpath(os.path.abspath(a), crrctest.ROOT) for a in argv]
    found = [os.path.relpath(p, crrctest.ROOT) for p in crrctest.examples()]
    sd = os.path.join(HERE, "specs")
    found += sorted(os.path.relpath(os.path.join(sd, f), crrctest.ROOT)
                    for f in os.listdir(sd) if f.endswith(".crr.yaml"))
    return found


def shared_init(root, env, versions_tf):
    """One `terraform init` from the mirror; every spec copies its .terraform
    (links into the mirror) and lock file."""
    d = os.path.join(root, "_init")
    os.makedirs(d)
    with open(os.path.join(d, "versions.tf"), "wb") as f:
        f.write(versions_tf)
    terraform(env, d, "init", "-input=false", "-backend=false")
    return d


def main(argv):
    crrctest.require_tool("terraform")
    motoserver.require()
    if not os.path.isdir(os.path.join(MIRROR, "registry.terraform.io", "hashicorp", "aws")):
        crrctest.missing(f"the Terraform AWS provider in a mirror at {MIRROR}")
    if not os.access(crrctest.CRRC, os.X_OK):
        print(f"FAIL: crrc is not built at {crrctest.CRRC}", file=sys.stderr)
        return 1
    todo = specs(argv)
    root = tempfile.mkdtemp(prefix="crrc-tf-")
    failures = []
    try:
        env = tf_env(root)
        probe = os.path.join(root, "_probe")
        crrc("compile", todo[0], "--target", "terraform", "--out", probe)
        with open(os.path.join(probe, "versions.tf"), "rb") as f:
            init_dir = shared_init(root, env, f.read())
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            futures = {pool.submit(run_spec, rel, root, env, init_dir): rel for rel in todo}
            for fut in concurrent.futures.as_completed(futures):
                rel = futures[fut]
                try:
                    clock = fut.result()
                    print(f"ok: {rel} ({clock})")
                except Failure as e:
                    failures.append(rel)
                    print(f"FAIL: {rel}: {e}", file=sys.stderr)
                except Exception:
                    failures.append(rel)
                    print(f"FAIL: {rel}:\n{traceback.format_exc()}", file=sys.stderr)
                sys.stdout.flush()
    finally:
        if failures and os.environ.get("CRRC_KEEP"):
            print(f"kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    print(f"{len(todo) - len(failures)} of {len(todo)} specs pass")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
