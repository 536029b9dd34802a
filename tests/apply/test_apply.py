#!/usr/bin/env python3
"""`crrc plan` and `crrc apply` against moto, for every example and every
Terraform and CloudFormation test spec (issue 12, "Proof, in the test
suite, against moto"; the faults of proof 4 are in test_faults.py):

  converge  (proofs 1, 2, 5) apply on an empty moto (the spec's existing
            buckets made first, as their owners have them); what moto holds
            equals `crrc model` field by field (tests/lib/awsstate.py, the
            oracle of the Terraform tests), every bucket in its account;
            then a second apply sends zero writes (counted at moto) and plan
            says "No changes" in text and JSON and exits 0 with
            --detailed-exitcode. Accounts of the spec are reached with
            --assume through moto's STS.
  drift     (proof 3) a rule's prefix, a tag, versioning, a bucket-policy
            statement and a role's inline policy changed behind crrc's back
            with boto3: plan shows exactly those changes (JSON items and
            text lines), --detailed-exitcode exits 3, apply restores them,
            and a foreign tag and a foreign policy statement survive.
  profiles  (proof 5) the spec's accounts through CRRC_PROFILE_<ALIAS>
            profiles (role_arn + source_profile in AWS_CONFIG_FILE, keys in
            AWS_SHARED_CREDENTIALS_FILE, AWS_PROFILE for the base): same
            state as converge.
  wrong     (proof 5) one account's credentials are another account's: plan
            blocks that account's buckets, apply exits 2 with E101 at their
            lines and sends no write at all.
  blocked_* (proof 6) a bucket of the spec exists unmarked with an object,
            unmarked and empty but with a bucket policy, in another region,
            or owned by another account: plan shows "!" and why, apply exits
            2 with E101 at its line, the bucket is untouched, and the rest of
            the spec is applied.
  confirm   apply without --yes and without a terminal refuses and writes
            nothing; at a pseudo-terminal, "no" declines and "yes" applies.

Usage: test_apply.py [CASE...] (default: all). CRRC_APPLY_SPECS=a,b limits
the specs. Needs moto_server and boto3; missing, the test skips (fails
under CI)."""
import json
import os
import re
import select
import subprocess
import sys
import time

import applytest as at
from applytest import Failure, check, equal, model

# ---------------------------------------------------------------- proofs 1, 2


def summary_of(stdout):
    m = re.search(r"Apply: (\d+) created, (\d+) updated, (\d+) unchanged, (\d+) failed, "
                  r"(\d+) blocked \((\d+) requests: (\d+) reads, (\d+) writes\)", stdout)
    check(m, f"no summary line in:\n{stdout[-2000:]}")
    return dict(zip(("created", "updated", "unchanged", "failed", "blocked", "requests",
                     "reads", "writes"), map(int, m.groups())))


def converge(ctx, spec):
    p = ctx.apply(spec)
    s = summary_of(p.stdout)
    equal((s["failed"], s["blocked"]), (0, 0), "failed and blocked in the first apply")
    check(s["created"] > 0, "the first apply created nothing")
    ctx.oracle(spec)
    ctx.moto.reset_counts()
    p = ctx.apply(spec)
    equal(ctx.writes(), 0, "writes at moto by the second apply")
    check("No changes" in p.stdout, f"the second apply found changes:\n{p.stdout[-3000:]}")
    s = summary_of(p.stdout)
    equal((s["created"], s["updated"], s["writes"]), (0, 0, 0), "the second apply's summary")
    check(s["reads"] > 0, "the second apply read nothing")
    # --format=json: one document, the plan and what was done
    doc = json.loads(ctx.apply(spec, "--format=json").stdout)
    equal((doc["changes"], doc["result"]["created"], doc["result"]["failed"],
           doc["result"]["writes"]), (False, 0, 0, 0), "apply --format=json's document")
    at.no_changes(ctx, spec)
    equal(ctx.writes(), 0, "writes at moto by plan")


# ---------------------------------------------------------------- proof 3

FOREIGN_TAG = ("owner-team", "keeps-this")
FOREIGN_SID = "ForeignAuditorReadsTags"


def drift_prefix(ctx, m):
    """The first rule's prefix, changed; its expected plan change."""
    rep = m["replication"][0]
    b = next(x for x in m["buckets"] if x["key"] == rep["source"])
    s3 = ctx.s3_of(b)
    cfg = s3.get_bucket_replication(Bucket=b["name"])["ReplicationConfiguration"]
    rule = next(r for r in cfg["Rules"] if r["ID"] == rep["rules"][0]["id"])
    f = rule.get("Filter") or {}
    if "And" in f:
        f["And"]["Prefix"] = "drifted/"
    elif "Tag" in f:
        f = {"And": {"Prefix": "drifted/", "Tags": [f["Tag"]]}}
    else:
        f = {"Prefix": "drifted/"}
    rule["Filter"] = f
    s3.put_bucket_replication(Bucket=b["name"], ReplicationConfiguration=cfg)
    want = rep["rules"][0]["filter"]["prefix"] or ""
    return ("replication", b["name"]), (f"rule {rule['ID']} Filter.Prefix", "drifted/", want)


def drift_tags(ctx, m, b):
    """A spec tag of b changed, and a foreign tag added."""
    key = sorted(b["tags"])[0]
    tags = {**b["tags"], **at.mark(m), key: "drifted", FOREIGN_TAG[0]: FOREIGN_TAG[1]}
    ctx.s3_of(b).put_bucket_tagging(Bucket=b["name"], Tagging={
        "TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
    return ("bucket", b["name"]), (f"tag {key}", "drifted", b["tags"][key])


def drift_versioning(ctx, b):
    ctx.s3_of(b).put_bucket_versioning(Bucket=b["name"],
                                       VersioningConfiguration={"Status": "Suspended"})
    return ("bucket", b["name"]), ("versioning", "Suspended", "Enabled")


def drift_policy(ctx, b):
    """crrc's first statement of b's policy removed, a foreign one added:
    plan adds back each action of the removed one."""
    s3 = ctx.s3_of(b)
    doc = json.loads(s3.get_bucket_policy(Bucket=b["name"])["Policy"])
    gone = doc["Statement"].pop(0)
    doc["Statement"].append({"Sid": FOREIGN_SID, "Effect": "Allow",
                             "Principal": {"AWS": f"arn:aws:iam::{at.MOTO_ACCOUNT}:root"},
                             "Action": "s3:GetBucketTagging", "Resource": b["arn"]})
    s3.put_bucket_policy(Bucket=b["name"], Policy=json.dumps(doc))
    return ("bucket", b["name"]), [(f"bucket policy {gone['Sid']}", None, a)
                                   for a in at.awsstate.as_list(gone["Action"])]


def drift_role(ctx, m, rep):
    """The last action of the first statement of a role's inline policy gone."""
    b = next(x for x in m["buckets"] if x["key"] == rep["source"])
    iam = ctx.client("iam", b["account_id"] or at.MOTO_ACCOUNT)
    name = rep["role"]["name"]
    doc = iam.get_role_policy(RoleName=name, PolicyName="s3-replication")["PolicyDocument"]
    if isinstance(doc, str):
        doc = json.loads(doc)
    st = doc["Statement"][0]
    actions = at.awsstate.as_list(st["Action"])
    gone = actions.pop()
    st["Action"] = actions
    iam.put_role_policy(RoleName=name, PolicyName="s3-replication", PolicyDocument=json.dumps(doc))
    return ("role", name), (f"policy s3-replication {st['Sid']}", None, gone)


def plan_changes(doc):
    got = {}
    for it in doc["items"]:
        equal(it["action"], "update", f"{it['kind']} {it['name']}: action")
        got[(it["kind"], it["name"])] = sorted(
            (c["field"], c.get("old"), c.get("new")) for c in it["changes"])
    return got


def drift(ctx, spec):
    m = model(spec)
    ctx.apply(spec)
    want = {}

    def expect(key, changes):
        want.setdefault(key, []).extend(changes if isinstance(changes, list) else [changes])

    expect(*drift_prefix(ctx, m))
    tagged = next((b for b in at.created(m) if b["tags"]), None)
    if tagged:
        expect(*drift_tags(ctx, m, tagged))
    # S3 will not suspend versioning under Object Lock: a bucket without
    # it, crrc's or an existing one (crrc turns versioning on for both)
    unlocked = next((b for b in at.created(m) + m["buckets"] if not b["object_lock"]), None)
    if unlocked:
        expect(*drift_versioning(ctx, unlocked))
    buckets = {b["key"]: b for b in m["buckets"]}
    role_arns = {r["source"]: at.awsstate.role_arn_of(m, buckets, r) for r in m["replication"]}
    policies = at.awsstate.expected_bucket_policies(m, buckets, role_arns)
    with_policy = next((b for b in at.created(m) if b["key"] in policies), None)
    if with_policy:
        expect(*drift_policy(ctx, with_policy))
    generated = next((r for r in m["replication"] if r["role"]["generated"]), None)
    if generated:
        expect(*drift_role(ctx, m, generated))
    want = {k: sorted(v) for k, v in want.items()}

    ctx.moto.reset_counts()
    got = plan_changes(ctx.plan_json(spec))
    equal(got, want, "the plan of the drift")
    text = ctx.plan(spec, "--detailed-exitcode", ok=(3,)).stdout
    for changes in want.values():
        for field, old, new in changes:
            line = f"      {field}: " + (f"{old} -> " if old is not None else "") + str(new)
            check(line + "\n" in text, f"plan text lacks {line.strip()!r}:\n{text}")
    equal(ctx.writes(), 0, "writes at moto by plan")

    ctx.apply(spec)
    if tagged:
        tags = ctx.s3_of(tagged).get_bucket_tagging(Bucket=tagged["name"])["TagSet"]
        tags = {t["Key"]: t["Value"] for t in tags}
        equal(tags.get(FOREIGN_TAG[0]), FOREIGN_TAG[1], "the foreign tag after apply")
        del tags[FOREIGN_TAG[0]]  # gone again, as its owner's doing: then the oracle
        ctx.s3_of(tagged).put_bucket_tagging(Bucket=tagged["name"], Tagging={
            "TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
    if with_policy:
        s3 = ctx.s3_of(with_policy)
        doc = json.loads(s3.get_bucket_policy(Bucket=with_policy["name"])["Policy"])
        foreign = [s for s in doc["Statement"] if s.get("Sid") == FOREIGN_SID]
        equal(len(foreign), 1, "the foreign bucket-policy statement after apply")
        doc["Statement"].remove(foreign[0])
        s3.put_bucket_policy(Bucket=with_policy["name"], Policy=json.dumps(doc))
    ctx.oracle(spec)
    at.no_changes(ctx, spec)


# ---------------------------------------------------------------- proof 5

def profiles(ctx, spec):
    m = model(spec)
    if not at.accounts(m):
        return
    home = ctx.home
    creds, config = os.path.join(home, "credentials"), os.path.join(home, "config")
    with open(creds, "w") as f:
        f.write("[base]\naws_access_key_id = test\naws_secret_access_key = test\n")
    env = {}
    with open(config, "w") as f:
        f.write("[profile base]\nregion = us-east-1\n")
        for key, acct in at.accounts(m):
            f.write(f"\n[profile acct-{key}]\nrole_arn = {at.role_for(acct)}\n"
                    "source_profile = base\n")
            env[at.profile_var(key)] = f"acct-{key}"
    env = ctx.env(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_PROFILE="base",
                  AWS_CONFIG_FILE=config, AWS_SHARED_CREDENTIALS_FILE=creds, **env)
    ctx.crrc("apply", spec, "--yes", env=env, ok=(0,))
    ctx.oracle(spec)
    ctx.moto.reset_counts()
    p = ctx.crrc("plan", spec, "--detailed-exitcode", env=env, ok=(0,))
    check("No changes" in p.stdout, f"plan after apply with profiles:\n{p.stdout}")
    equal(ctx.writes(), 0, "writes by plan")


def wrong(ctx, spec):
    m = model(spec)
    accts = at.accounts(m)
    if not accts:
        return
    key, acct = accts[0]
    override = {key: at.role_for(at.STRANGER)}
    args = at.assume_args(m, override)
    victims = {b["name"]: b for b in m["buckets"] if b["account_id"] == acct}
    doc = json.loads(ctx.crrc("plan", spec, "--format=json", *args, ok=(2,)).stdout)
    blocked = {it["name"] for it in doc["items"]
               if it["kind"] == "bucket" and it["action"] == "blocked"
               and f"are for account {at.STRANGER}" in (it["why"] or "")}
    equal(blocked, set(victims), "buckets blocked for the wrong credentials")
    p = ctx.crrc("apply", spec, "--yes", "--diagnostics=json", *args, ok=(2,))
    equal(ctx.writes(), 0, "writes at moto by an apply with one account's wrong credentials")
    diags = at.diagnostics(p)
    spans = at.key_lines(spec)
    for b in victims.values():
        first, end = spans[b["key"]]
        hits = [d for d in diags if d["code"] == "E101" and first <= d["line"] < end
                and at.STRANGER in d["message"]]
        check(hits, f"no E101 at lines {first}-{end - 1} (bucket {b['key']}): {diags}")
    equal(sorted(x["name"] for x in ctx.moto.state()["s3"]["FakeBucket"]),
          sorted(b["name"] for b in m["buckets"] if b["existing"]),
        "buckets in moto after the refused apply")


# ---------------------------------------------------------------- proof 6

def other_region(r):
    return "eu-north-1" if r != "eu-north-1" else "ap-south-1"


def plant(ctx, b, how):
    """Bucket b made before the apply, as someone else's: (the reason plan
    must give)."""
    region, account = b["region"], b["account_id"] or at.MOTO_ACCOUNT
    if how == "region":
        region = other_region(region)
    if how == "owner":
        account = at.STRANGER
    s3 = ctx.client("s3", account, region)
    kw = {} if region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=b["name"], **kw)
    if how == "object":
        s3.put_object(Bucket=b["name"], Key="someone/else.txt", Body=b"theirs")
        return "crrc did not create it"
    if how == "config":
        s3.put_bucket_policy(Bucket=b["name"], Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Sid": "TheirsAlone", "Effect": "Deny", "Principal": "*",
                "Action": "s3:DeleteBucket", "Resource": f"arn:aws:s3:::{b['name']}"}]}))
        return "crrc did not create it"
    if how == "region":
        return f"exists in {region}"
    return "belongs to another account"


def blocked_case(how):
    def case(ctx, spec):
        m = model(spec)
        victim = at.created(m)[0]
        why = plant(ctx, victim, how)
        before = ctx.bucket_state(victim["name"])
        doc = ctx.plan_json(spec, ok=(2,))
        items = [it for it in doc["items"] if it["kind"] == "bucket"
                 and it["name"] == victim["name"]]
        check(items and items[0]["action"] == "blocked" and why in items[0]["why"],
              f"plan of {victim['name']}: {items}, not blocked because {why!r}")
        text = ctx.plan(spec, ok=(2,)).stdout
        check(re.search(rf"^  ! bucket {re.escape(victim['name'])}: .*{re.escape(why)}", text,
                        re.M), f"plan text lacks '! bucket {victim['name']}':\n{text}")
        p = ctx.apply(spec, "--diagnostics=json", ok=(2,))
        first, end = at.key_lines(spec)[victim["key"]]
        check([d for d in at.diagnostics(p) if d["code"] == "E101" and first <= d["line"] < end],
              f"no E101 at the lines of {victim['key']} ({first}-{end - 1}):\n{p.stderr}")
        equal(ctx.bucket_state(victim["name"]), before, f"{victim['name']} after the apply")
        at.rest_applied(ctx, m, victim)
    case.__name__ = f"blocked_{how}"
    return case


# ---------------------------------------------------------------- the question

def read_until(fd, what, timeout=60):
    out, end = b"", time.monotonic() + timeout
    while what.encode() not in out:
        r, _, _ = select.select([fd], [], [], max(0.0, end - time.monotonic()))
        if not r:
            raise Failure(f"no {what!r} at the terminal within {timeout}s:\n{out.decode()}")
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            chunk = b""
        if not chunk:
            raise Failure(f"the terminal closed before {what!r}:\n{out.decode()}")
        out += chunk
    return out


def at_terminal(ctx, spec, answer):
    """crrc apply without --yes at a pseudo-terminal, answering answer."""
    master, slave = os.openpty()
    p = subprocess.Popen([at.crrctest.CRRC, "apply", spec, *at.assume_args(model(spec))],
                         cwd=at.crrctest.ROOT, env=ctx.env(), stdin=slave, stdout=slave,
                         stderr=slave, close_fds=True)
    os.close(slave)
    try:
        read_until(master, "Only 'yes' will be accepted")
        os.write(master, answer.encode() + b"\n")
        rest = b""
        while True:
            r, _, _ = select.select([master], [], [], 60)
            try:
                chunk = os.read(master, 4096) if r else b""
            except OSError:
                chunk = b""
            if not chunk:
                break
            rest += chunk
        return p.wait(timeout=60), rest.decode(errors="replace")
    finally:
        os.close(master)
        if p.poll() is None:
            p.kill()
            p.wait()


def confirm(ctx, spec):
    p = subprocess.run([at.crrctest.CRRC, "apply", spec, *at.assume_args(model(spec))],
                       cwd=at.crrctest.ROOT, env=ctx.env(), stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=120)
    equal(p.returncode, 2, f"apply without --yes and without a terminal ({p.stderr})")
    check("--yes" in p.stderr, f"the refusal does not mention --yes: {p.stderr}")
    equal(ctx.writes(), 0, "writes by apply without --yes")
    for answer in ("no", "y"):
        rc, out = at_terminal(ctx, spec, answer)
        equal(rc, 2, f"apply answered {answer!r} at a terminal:\n{out}")
        equal(ctx.writes(), 0, f"writes after answering {answer!r}")
    rc, out = at_terminal(ctx, spec, "yes")
    equal(rc, 0, f"apply answered 'yes' at a terminal:\n{out}")
    check("Apply:" in out, f"no summary at the terminal:\n{out}")
    # the progress line counts items (buckets, roles, configurations), the
    # last state of each wave's line before it is cleared
    waves = re.findall(r"applying: step (\d) of \d, (\d+) of (\d+) items done", out)
    check(waves, f"no progress line at the terminal:\n{out!r}")
    check(all(int(d) <= int(n) for _, d, n in waves), f"progress past its end: {waves}")
    check(("1", "4", "4") in waves, f"the first wave does not end at its 4 items: {waves}")
    ctx.oracle(spec)


# ---------------------------------------------------------------- main

CASES = [converge, drift, profiles, wrong] + [blocked_case(h) for h in
                                            ("object", "config", "region", "owner")]


def main(argv):
    chosen = [c for c in CASES if not argv or c.__name__ in argv]
    todo = [(c, s) for s in at.specs() for c in chosen
            if c not in (profiles, wrong) or at.accounts(model(s))]
    if not argv or "confirm" in argv:
        todo.append((confirm, "examples/two-way.crr.yaml"))
    return at.run_cases("apply", todo)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
