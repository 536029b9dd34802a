"""test_verify: `crrc verify` (issue 13) against moto_server and the
replication engine of tests/lib/motopatch, which STANDS IN FOR AWS: moto
itself never replicates and never sets x-amz-replication-status, so the
engine does what S3's replication does with what moto stores (rules by
priority and filter, storage class, tags, replica keys, delete markers,
REPLICA and COMPLETED, FAILED when the role lacks a permission or the
destination is unversioned), after a short delay. These tests prove that
verify drives, watches, judges and cleans up correctly against that
behaviour; they do not prove S3's own.

For every example spec: apply, then verify exits 0 with every enabled rule
replicated (and its delete marker where the rule replicates them), and no
probe is left in any bucket. Then, on the streamvision example: with the
engine paused, every rule is E103 at its line, exit 1; with the role's
s3:ReplicateObject taken away, E102 at the rule's line naming the role;
a destination whose versioning was suspended is E102 naming versioning;
a storage class changed behind crrc's back is E105 naming both classes;
--rule picks one rule, an unknown --rule exits 2; a probe an earlier run
left is swept; SIGINT while waiting exits 2 and leaves nothing; a rule a
higher-priority rule shadows is E106. The batch replication jobs of rules
with existing_objects (on the strict S3 Control endpoint of tests/lib):
missing is W013, failed objects E107, progress in the report. No case
leaves a probe behind."""
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "apply"))
import applytest as at  # noqa: E402
from applytest import Failure, check, equal  # noqa: E402

import crrctest  # noqa: E402
import motoserver  # noqa: E402
import s3controlserver  # noqa: E402

DELAY = 0.3  # the engine's replication delay, seconds
STREAM = "examples/streamvision.crr.yaml"
PROBE_DIR = ".crrc-verify/"


def verify(ctx, spec, *args, ok=(0,), env=None, timeout=180):
    return ctx.crrc("verify", spec, *at.assume_args(at.model(spec)), "--diagnostics=json",
                    *args, ok=ok, env=env, timeout=timeout)


def report(p):
    """verify's JSON report (--format=json) from stdout."""
    try:
        return json.loads(p.stdout)
    except ValueError:
        raise Failure(f"verify printed no JSON:\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")


def enabled_rules(m):
    out = []
    for r in m["replication"]:
        for rule in r["rules"]:
            if rule["enabled"]:
                out.append(rule["id"])
    return out


def probes_left(ctx, m):
    """Every version or delete marker under a probe folder, in every bucket."""
    left = []
    for b in m["buckets"]:
        s3 = ctx.s3_of(b)
        try:
            page = s3.list_object_versions(Bucket=b["name"])
        except Exception:  # noqa: BLE001 - a bucket that is not there
            continue
        for v in page.get("Versions", []) + page.get("DeleteMarkers", []):
            if PROBE_DIR in v["Key"]:
                left.append(f"{b['name']}/{v['Key']}@{v['VersionId']}")
    return left


def no_probe_left(ctx, spec):
    left = probes_left(ctx, at.model(spec))
    equal(left, [], f"probes left behind by verify of {spec}")


def codes_at(p, code):
    return [d for d in at.diagnostics(p) if d["code"] == code]


def rule_lines(spec):
    """rule id -> the line of its mapping in the spec (its '- id:' line)."""
    lines = {}
    with open(os.path.join(crrctest.ROOT, spec), encoding="utf-8") as f:
        for n, text in enumerate(f, 1):
            t = text.strip()
            if t.startswith("- id:"):
                lines[t.split(":", 1)[1].strip().strip("'\"")] = n
    return lines


# ------------------------------------------------------------------ cases

def given_roles(ctx, m):
    """The roles a spec names (role: ARN) are its owners' to make: made here
    as a security team would, trusting S3 and allowing S3's actions."""
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "sts:AssumeRole"}]}
    allow = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["s3:*", "kms:*"], "Resource": "*"}]}
    for e in m["replication"]:
        arn = e["role"]["arn"]
        if e["role"]["generated"] or not arn:
            continue
        account, name = arn.split(":")[4], arn.rsplit("/", 1)[1]
        iam = ctx.client("iam", account)
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
        iam.put_role_policy(RoleName=name, PolicyName="replication",
                            PolicyDocument=json.dumps(allow))


def every_rule_replicates(ctx, spec):
    ctx.apply(spec)
    m = at.model(spec)
    given_roles(ctx, m)
    p = verify(ctx, spec, "--format=json", "--timeout", "60s")
    doc = report(p)
    want = enabled_rules(m)
    equal(sorted(r["rule"] for r in doc["rules"]), sorted(want), "the rules verified")
    for r in doc["rules"]:
        equal(r["verdict"], "replicated", f"rule {r['rule']}: {r.get('why')}")
        check(r["seconds"] is not None and r["seconds"] >= DELAY * 0.5,
              f"rule {r['rule']} replicated in {r['seconds']} s, before the engine's delay")
        rule = next(x for e in m["replication"] for x in e["rules"] if x["id"] == r["rule"])
        if rule["delete_markers"]:
            check(r["delete_marker_seconds"] is not None,
                  f"rule {r['rule']} replicates delete markers, and none was watched")
    equal(doc["left_behind"], 0, "probes verify says it left")
    no_probe_left(ctx, spec)


def engine_paused(ctx, spec):
    ctx.apply(spec)
    ctx.moto.pause_replication()
    try:
        p = verify(ctx, spec, "--timeout", "3s", ok=(1,))
    finally:
        ctx.moto.resume_replication()
    lines = rule_lines(spec)
    hits = codes_at(p, "E103")
    equal(sorted(d["line"] for d in hits),
          sorted(lines[r] for r in enabled_rules(at.model(spec))), "E103 lines")
    check(all("PENDING" in d["message"] for d in hits),
          f"E103 does not say the status stayed PENDING: {hits}")
    no_probe_left(ctx, spec)


def role_without_permission(ctx, spec):
    ctx.apply(spec)
    m = at.model(spec)
    entry = m["replication"][0]
    iam = ctx.client("iam")
    doc = json.loads(json.dumps(iam.get_role_policy(
        RoleName=entry["role"]["name"], PolicyName="s3-replication")["PolicyDocument"]))
    for st in doc["Statement"]:
        acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        st["Action"] = [a for a in acts if a != "s3:ReplicateObject"] or ["s3:ListBucket"]
    iam.put_role_policy(RoleName=entry["role"]["name"], PolicyName="s3-replication",
                        PolicyDocument=json.dumps(doc))
    p = verify(ctx, spec, "--timeout", "30s", ok=(1,))
    hits = codes_at(p, "E102")
    lines = rule_lines(spec)
    equal(sorted(d["line"] for d in hits),
          sorted(lines[r["id"]] for r in entry["rules"] if r["enabled"]), "E102 lines")
    check(all(entry["role"]["name"] in d["message"] for d in hits),
          f"E102 does not name the role {entry['role']['name']}: {hits}")
    no_probe_left(ctx, spec)


def destination_unversioned(ctx, spec):
    ctx.apply(spec)
    m = at.model(spec)
    rule = m["replication"][0]["rules"][0]
    dest = next(b for b in m["buckets"] if b["key"] == rule["destination"])
    ctx.s3_of(dest).put_bucket_versioning(Bucket=dest["name"],
                                          VersioningConfiguration={"Status": "Suspended"})
    p = verify(ctx, spec, "--rule", rule["id"], "--timeout", "30s", ok=(1,))
    hits = codes_at(p, "E102")
    equal(len(hits), 1, f"E102 for rule {rule['id']}: {at.diagnostics(p)}")
    check("versioning" in hits[0]["message"] and dest["name"] in hits[0]["message"],
          f"E102 does not name the destination's versioning: {hits[0]['message']}")
    no_probe_left(ctx, spec)


def replica_differs(ctx, spec):
    """Someone changed the rule's storage class behind crrc's back: the
    replica lands in GLACIER, not the spec's STANDARD_IA: E105."""
    ctx.apply(spec)
    m = at.model(spec)
    entry = m["replication"][0]
    src = next(b for b in m["buckets"] if b["key"] == entry["source"])
    s3 = ctx.s3_of(src)
    conf = s3.get_bucket_replication(Bucket=src["name"])["ReplicationConfiguration"]
    rule = conf["Rules"][0]
    rule["Destination"]["StorageClass"] = "GLACIER"
    s3.put_bucket_replication(Bucket=src["name"], ReplicationConfiguration=conf)
    p = verify(ctx, spec, "--rule", rule["ID"], "--timeout", "30s", ok=(1,))
    hits = codes_at(p, "E105")
    equal([d["line"] for d in hits], [rule_lines(spec)[rule["ID"]]], "E105 lines")
    check("GLACIER" in hits[0]["message"] and "STANDARD_IA" in hits[0]["message"],
          f"E105 does not name both storage classes: {hits[0]['message']}")
    no_probe_left(ctx, spec)


def one_rule_and_unknown(ctx, spec):
    ctx.apply(spec)
    rule = enabled_rules(at.model(spec))[-1]
    doc = report(verify(ctx, spec, "--rule", rule, "--format=json", "--timeout", "60s"))
    equal([r["rule"] for r in doc["rules"]], [rule], "the rules --rule picks")
    p = verify(ctx, spec, "--rule", "no-such-rule", ok=(2,))
    check("no-such-rule" in p.stderr, f"an unknown --rule is not named:\n{p.stderr}")
    no_probe_left(ctx, spec)


def leftovers_swept(ctx, spec):
    ctx.apply(spec)
    m = at.model(spec)
    rule = m["replication"][0]["rules"][0]
    src = next(b for b in m["buckets"] if b["key"] == m["replication"][0]["source"])
    key = f"{rule['filter']['prefix'] or ''}{PROBE_DIR}{m['name']}/{rule['id']}/old-run"
    s3 = ctx.s3_of(src)
    s3.put_object(Bucket=src["name"], Key=key, Body=b"left by a run that was killed")
    s3.delete_object(Bucket=src["name"], Key=key)  # a marker over it, too
    verify(ctx, spec, "--timeout", "60s")
    no_probe_left(ctx, spec)


def interrupted(ctx, spec):
    ctx.apply(spec)
    ctx.moto.pause_replication()
    try:
        proc = subprocess.Popen(
            [crrctest.CRRC, "verify", spec, *at.assume_args(at.model(spec)), "--timeout", "60s"],
            cwd=crrctest.ROOT, env=ctx.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        time.sleep(2.0)  # the probes are put and watched
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        ctx.moto.resume_replication()
    equal(proc.returncode, 2, f"verify's exit after SIGINT\n{out}\n{err}")
    check("interrupted" in out, f"verify does not say it was interrupted:\n{out}")
    no_probe_left(ctx, spec)


SHADOWED = """crrc: 1
name: shadow
buckets:
  src: {name: shadow-src-verify, region: us-east-1}
  dst: {name: shadow-dst-verify, region: us-west-2}
replication:
  - source: src
    rules:
      - id: everything
        destination: dst
        priority: 2
      - id: logs
        destination: dst
        priority: 1
        filter: {prefix: logs/}
"""


def shadowed_rule(ctx, spec):
    path = os.path.join(ctx.home, "shadow.crr.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(SHADOWED)
    at._models.pop(path, None)
    ctx.apply(path, "--ignore", "W005")
    p = ctx.crrc("verify", path, "--ignore", "W005", "--diagnostics=json", "--timeout", "60s",
                 ok=(1,))
    hits = codes_at(p, "E106")
    equal([d["line"] for d in hits], [12], f"E106 at the shadowed rule: {at.diagnostics(p)}")
    check("everything" in hits[0]["message"], f"E106 does not name the rule that takes "
          f"the probe: {hits[0]['message']}")
    check("replicated in" in p.stdout, f"the other rule is not verified:\n{p.stdout}")
    no_probe_left(ctx, path)


BATCH = "tests/apply/specs/batch.crr.yaml"


def batch_jobs(ctx, spec):
    """Rules with existing_objects: before apply, no job (W013 at the
    line); after it, each job's status and progress; a job with failed
    objects is E107 at the rule's existing_objects line, with the report's
    place. The jobs run on the strict S3 Control endpoint (moto has none)."""
    lines = open(os.path.join(crrctest.ROOT, spec), encoding="utf-8").read().splitlines()
    eo = [n for n, t in enumerate(lines, 1) if t.strip() == "existing_objects: true"]
    ctx.apply(spec)
    ctx.ctl.reset()  # the jobs are gone, as if apply never started them
    p = verify(ctx, spec, "--timeout", "60s")
    equal(sorted(d["line"] for d in codes_at(p, "W013")), eo, "W013 lines")
    check("no job: crrc apply starts it" in p.stdout, f"no missing job said:\n{p.stdout}")
    ctx.apply(spec)
    ctx.ctl.progress = lambda job: (40, 38, 2)
    time.sleep(2.5)  # the server's jobs move to Complete
    p = verify(ctx, spec, "--format=json", "--timeout", "60s", ok=(1,))
    jobs = report(p)["jobs"]
    equal(sorted(j["rule"] for j in jobs), ["originals", "thumbnails"], "the jobs reported")
    check(all(j["job_id"] and (j["total"], j["failed"]) == (40, 2) for j in jobs),
          f"the jobs' progress: {jobs}")
    hits = codes_at(p, "E107")
    equal(sorted(d["line"] for d in hits), eo, "E107 lines")
    check(all(".crrc-batch/batchjobs/" in d["message"] for d in hits),
          f"E107 does not say where the report is: {hits}")
    ctx.ctl.progress = lambda job: (40, 40, 0)
    doc = report(verify(ctx, spec, "--format=json", "--timeout", "60s"))
    check(all(j["failed"] == 0 and j["succeeded"] == 40 for j in doc["jobs"]),
          f"the jobs after they succeed: {doc['jobs']}")
    no_probe_left(ctx, spec)


def main():
    motoserver.require()
    import importlib.util
    if importlib.util.find_spec("boto3") is None:
        crrctest.missing("the Python package boto3")
    cases = [(every_rule_replicates, s) for s in (os.path.relpath(p, crrctest.ROOT)
                                                   for p in crrctest.examples())]
    cases += [(c, STREAM) for c in (engine_paused, role_without_permission,
                                    destination_unversioned, replica_differs, one_rule_and_unknown,
                                    leftovers_swept, interrupted)]
    cases += [(shadowed_rule, STREAM), (batch_jobs, BATCH)]
    failures, t0 = [], time.monotonic()
    with motoserver.Moto(owners=True, replication=DELAY) as moto, \
            s3controlserver.S3Control(lookup=at.sts_keys(moto),
                                      **at.control_args(moto, None)) as ctl:
        ctx = at.Ctx(moto, ctl=ctl)
        try:
            for case, spec in cases:
                label = f"{case.__name__} {spec}"
                t = time.monotonic()
                try:
                    ctx.reset(spec if case is not shadowed_rule else None)
                    case(ctx, spec)
                    print(f"ok: {label} ({time.monotonic() - t:.1f}s)", flush=True)
                except Exception as e:  # noqa: BLE001 - every failure is reported
                    failures.append(label)
                    print(f"FAIL: {label}: {e}", file=sys.stderr, flush=True)
        finally:
            ctx.close()
    print(f"verify: {len(cases) - len(failures)} of {len(cases)} cases pass in "
          f"{time.monotonic() - t0:.0f}s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
