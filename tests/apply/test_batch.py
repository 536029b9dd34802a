#!/usr/bin/env python3
"""S3 Batch Replication by `crrc apply` (issue 13, part 2), against moto and
the strict S3 Control server (tests/lib/s3controlserver.py, at
AWS_ENDPOINT_URL_S3_CONTROL), with tests/apply/specs/batch.crr.yaml: two
rules of 'photos' with existing_objects: true, one rule of 'logs' without.

  plan      before any apply, plan shows the batch role and a job per rule
            (text and JSON), and none for 'logs'; it sends nothing to S3
            Control but ListJobs.
  converge  apply creates exactly one job per such rule, every request
            accepted by the server; each job runs as the batch role, which
            exists in moto with S3 Batch Operations' trust and the policy
            of iam_batch_policy, reports into the source under its prefix,
            and is found again by its Description's token; a second apply
            creates no job and sends no write (moto or S3 Control), and plan
            says no changes while its JSON lists both jobs with their ids.
  flaky     S3 Control answers 503 to the first requests: apply still
            converges, one job per rule.

Usage: test_batch.py [CASE...] (default: all)."""
import json
import sys

import applytest as at
from applytest import MOTO_ACCOUNT, check, equal, model

SPEC = "tests/apply/specs/batch.crr.yaml"
SOURCE = "batchjobs-photos-use1"
ROLE = "batchjobs-photos-batch"
RULES = ("originals", "thumbnails")


def calls(ctl, operation):
    return [r for r in ctl.requests if r.get("operation") == operation]


def plan(ctx, spec):
    p = ctx.plan(spec, ok=(0,))
    for rule in RULES:
        line = f"+ batch replication job for rule {rule} of bucket {SOURCE}: copies the " \
               "objects that existed before the rule"
        check(line in p.stdout, f"no line '{line}' in the plan:\n{p.stdout[-3000:]}")
    check(f"+ role {ROLE}" in p.stdout, f"no batch role in the plan:\n{p.stdout[-3000:]}")
    check("logs-batch" not in p.stdout and "of bucket batchjobs-logs" not in p.stdout,
          f"a job or role for 'logs' in the plan:\n{p.stdout[-3000:]}")
    doc = ctx.plan_json(spec)
    jobs = [(j["rule"], j["action"], j["name"]) for j in doc["jobs"]]
    equal(jobs, [(r, "create", SOURCE) for r in RULES], "the JSON plan's jobs")
    equal(sorted({r["operation"] for r in ctx.ctl.requests}), ["ListJobs"],
          "what plan sent to S3 Control")
    equal(ctx.ctl.rejections, [], "requests the S3 Control server refused")


def check_role(ctx, m):
    iam = ctx.client("iam")
    role = iam.get_role(RoleName=ROLE)["Role"]
    equal(role["AssumeRolePolicyDocument"]["Statement"],
          [{"Effect": "Allow", "Principal": {"Service": "batchoperations.s3.amazonaws.com"},
            "Action": "sts:AssumeRole"}], "the batch role's trust")
    tags = {t["Key"]: t["Value"] for t in role.get("Tags", [])}
    equal(tags, {**m["tags"], **at.mark(m)}, "the batch role's tags")
    equal(iam.list_role_policies(RoleName=ROLE)["PolicyNames"], ["s3-batch-replication"],
          "the batch role's inline policies")
    doc = iam.get_role_policy(RoleName=ROLE, PolicyName="s3-batch-replication")["PolicyDocument"]
    src = f"arn:aws:s3:::{SOURCE}"
    got = {s["Sid"]: (sorted(as_list(s["Action"])), sorted(as_list(s["Resource"])))
           for s in doc["Statement"]}
    reports = sorted(f"{src}/.crrc-batch/batchjobs/{r}/*" for r in RULES)
    equal(got, {"InitiateReplication": (["s3:InitiateReplication"], [f"{src}/*"]),
                "ReadReplicationWriteInventory": (
                    ["s3:GetReplicationConfiguration", "s3:PutInventoryConfiguration"], [src]),
                "WriteCompletionReports": (["s3:PutObject"], reports)},
          "the batch role's policy (iam_batch_policy)")
    return role["Arn"]


def as_list(v):
    return v if isinstance(v, list) else [v]


def check_jobs(ctx, m):
    jobs = ctx.ctl.jobs(MOTO_ACCOUNT)
    equal(len(jobs), len(RULES), "jobs at S3 Control")
    arn = check_role(ctx, m)
    by_rule = {}
    for j in jobs:
        d = j["Description"]
        check(d.startswith("crrc-") and d[21] == " " and len(d) <= 256,
              f"the job's Description does not start with its token: {d}")
        rule = d.rsplit("rule ", 1)[1].split(":")[0]
        by_rule[rule] = j
        equal(j["RoleArn"], arn, f"job of {rule}: RoleArn")
        equal(j["Priority"], 10, f"job of {rule}: priority")
        equal(list(j["Operation"]), ["S3ReplicateObject"], f"job of {rule}: operation")
        equal((j["Report"]["Bucket"], j["Report"]["Prefix"]),
              (f"arn:aws:s3:::{SOURCE}", f".crrc-batch/batchjobs/{rule}"),
              f"job of {rule}: report")
        gen = j["ManifestGenerator"]["S3JobManifestGenerator"]
        equal(gen["SourceBucket"], f"arn:aws:s3:::{SOURCE}", f"job of {rule}: source")
        # only the rule's prefix: a job must not backfill another rule's objects
        equal((gen["Filter"]["EligibleForReplication"],
               gen["Filter"].get("KeyNameConstraint", {}).get("MatchAnyPrefix")),
              (True, [f"{rule}/"]), f"job of {rule}: manifest filter")
    equal(sorted(by_rule), sorted(RULES), "the rules of the jobs")
    equal(ctx.ctl.rejections, [], "requests the S3 Control server refused")
    return by_rule


def converge(ctx, spec):
    m = model(spec)
    ctx.apply(spec)
    ctx.oracle(spec)
    by_rule = check_jobs(ctx, m)
    ctx.moto.reset_counts()
    ctx.ctl.reset_requests()
    p = ctx.apply(spec)
    check("No changes" in p.stdout, f"the second apply found changes:\n{p.stdout[-3000:]}")
    equal(ctx.writes(), 0, "writes at moto by the second apply")
    equal(calls(ctx.ctl, "CreateJob"), [], "CreateJob sent by the second apply")
    equal(len(ctx.ctl.jobs(MOTO_ACCOUNT)), len(RULES), "jobs after the second apply")
    at.no_changes(ctx, spec)
    doc = ctx.plan_json(spec)
    got = {j["rule"]: (j["action"], j["job_id"]) for j in doc["jobs"]}
    equal(got, {r: ("none", by_rule[r]["JobId"]) for r in RULES},
          "the JSON plan's jobs after apply")
    equal(ctx.ctl.rejections, [], "requests the S3 Control server refused")


def flaky(ctx, spec):
    ctx.ctl.fail("unavailable", count=3)
    ctx.apply(spec)
    check(ctx.ctl.fault is None, "the server's 503s were not all used")
    check(any(r["outcome"] == "faulted" for r in ctx.ctl.requests), "no request met a 503")
    check_jobs(ctx, model(spec))


CASES = {"plan": plan, "converge": converge, "flaky": flaky}


def main(argv):
    chosen = [CASES[a] for a in argv] if argv else list(CASES.values())
    return at.run_cases("apply-batch", [(c, SPEC) for c in chosen])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
