#!/usr/bin/env python3
"""Multi-Region Access Points by `crrc plan`, `crrc apply` and `crrc
failover` (issue 16), with tests/apply/specs/points.crr.yaml ('media' over
'primary', active, and 'dr', passive). Behind ONE AWS_ENDPOINT_URL_S3_CONTROL:
the strict S3 Control server (tests/lib/s3controlserver.py), which serves
the routes itself and forwards what moto implements (create, describe, get,
policy) to moto after its checks, accepting the control plane's us-west-2
and the five failover-control regions (applytest's defaults).

  converge  plan shows '+ access point'; apply creates it over both
            buckets, with its policy (the alias in its ARN), and sets the
            routes (dr's dial 0); a second apply sends no write and plan
            says no changes.
  failover  with us-east-1 failing, failover --to dr moves on to the next
            region, ONE routes request succeeds there, and the routes read
            back swapped; --status prints them; without a terminal and
            without --yes it refuses.
  blocked   a member bucket that exists and is not crrc's blocks the point.
  terminal  apply at a terminal: its progress line counts the points' step
            (step 6 of 6) and says the point created.

Usage: test_points.py [CASE...] (default: all)."""
import json
import sys

import applytest as at
from applytest import MOTO_ACCOUNT, check, equal, model
from test_apply import at_terminal

SPEC = "tests/apply/specs/points.crr.yaml"
POINT = "pointed-media"
PRIMARY, DR = "pointed-media-use1", "pointed-media-usw2"


def point(ctx):
    """moto's record of the point, or None."""
    for p in ctx.moto.state().get("s3control", {}).get("MultiRegionAccessPoint", []):
        if p["name"] == POINT:
            return p
    return None


def routes(ctx, alias):
    return {r["Bucket"]: r["TrafficDialPercentage"]
            for r in ctx.ctl.routes(MOTO_ACCOUNT, alias)}


def writes_at_ctl(ctx):
    return [r for r in ctx.ctl.requests
            if r["method"] in ("POST", "PUT", "PATCH", "DELETE")]


def converge(ctx, spec):
    p = ctx.plan(spec, ok=(0,))
    check(f"+ access point {POINT}" in p.stdout, f"no point in the plan:\n{p.stdout[-3000:]}")
    ctx.apply(spec)
    got = point(ctx)
    check(got is not None, "apply created no Multi-Region Access Point")
    equal(sorted(r["Bucket"] for r in got["regions"]), sorted([PRIMARY, DR]),
          "the point's buckets")
    doc = json.loads(got["policy"])
    st = doc["Statement"][0] if isinstance(doc["Statement"], list) else doc["Statement"]
    arn = f"arn:aws:s3::{MOTO_ACCOUNT}:accesspoint/{got['alias']}"
    equal(sorted(st["Resource"]), sorted([arn, arn + "/object/*"]), "the policy's resources")
    equal(routes(ctx, got["alias"]), {PRIMARY: 100, DR: 0}, "the routes")
    equal(ctx.ctl.rejections, [], "requests the S3 Control server refused")
    ctx.moto.reset_counts()
    ctx.ctl.reset_requests()
    p = ctx.apply(spec)
    check("No changes" in p.stdout, f"the second apply found changes:\n{p.stdout[-3000:]}")
    equal(ctx.writes(), 0, "writes at moto by the second apply")
    equal(writes_at_ctl(ctx), [], "writes at S3 Control by the second apply")
    at.no_changes(ctx, spec)


def failover(ctx, spec):
    ctx.apply(spec)
    alias = point(ctx)["alias"]
    p = ctx.crrc("failover", SPEC, "media", "--to", "dr", ok=(2,))
    check("--yes" in p.stderr, f"failover without a terminal did not refuse:\n{p.stderr}")
    equal(routes(ctx, alias), {PRIMARY: 100, DR: 0}, "the routes after a refusal")
    ctx.ctl.reset_requests()
    ctx.ctl.fail_region("us-east-1")
    p = ctx.crrc("failover", SPEC, "media", "--to", "dr", "--yes", ok=(0,))
    submits = [r for r in ctx.ctl.requests
               if r["operation"] == "SubmitMultiRegionAccessPointRoutes"]
    equal([(r["region"], r["outcome"]) for r in submits if r["outcome"] != "faulted"],
          [("us-west-2", "accepted")], "the routes request that got through")
    check(any(r["region"] == "us-east-1" for r in submits), "us-east-1 was not tried first")
    equal(routes(ctx, alias), {PRIMARY: 0, DR: 100}, "the routes after failover")
    check("primary (us-east-1): 100 -> 0" in p.stdout and "dr (us-west-2): 0 -> 100" in p.stdout,
          f"failover did not print what changed:\n{p.stdout}")
    check("What dr may lack" in p.stdout, f"no word on what dr may lack:\n{p.stdout}")
    p = ctx.crrc("failover", SPEC, "--status", ok=(0,))
    check("active" in p.stdout and "passive" in p.stdout, f"--status:\n{p.stdout}")
    equal(ctx.ctl.rejections, [], "requests the S3 Control server refused")


def blocked(ctx, spec):
    ctx.client("s3", region="us-west-2").create_bucket(
        Bucket=DR, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    ctx.client("s3", region="us-west-2").put_object(Bucket=DR, Key="theirs", Body=b"x")
    p = ctx.plan(spec, ok=(2,))
    check(f"! access point {POINT}: its bucket {DR} is blocked" in p.stdout,
          f"the point is not blocked:\n{p.stdout[-3000:]}")


def terminal(ctx, spec):
    rc, out = at_terminal(ctx, spec, "yes")
    equal(rc, 0, f"apply answered 'yes' at a terminal:\n{out[-3000:]}")
    check("step 6 of 6" in out, f"the progress line has no points' step:\n{out[-3000:]}")
    check(f"access point {POINT}: created" in out, f"the point was not said:\n{out[-3000:]}")
    check(point(ctx) is not None, "apply at a terminal created no point")


CASES = {"converge": converge, "failover": failover, "blocked": blocked, "terminal": terminal}


def main(argv):
    chosen = [CASES[a] for a in argv] if argv else list(CASES.values())
    return at.run_cases("apply-points", [(c, SPEC) for c in chosen])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
