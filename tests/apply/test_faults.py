#!/usr/bin/env python3
"""`crrc apply` through faults (issue 12, proof 4), for every example and
every Terraform and CloudFormation test spec, with crrc talking to moto
through tests/lib/faultproxy.py (AWS_ENDPOINT_URL is the proxy; the oracle
and boto3 go to moto directly):

  faults    a seeded mix of 503 SlowDown (Throttling for IAM and STS), 500,
            connection resets, delays and lost answers (carried out by moto,
            the answer never arrives), on about a third of all requests:
            apply exits 0 and moto holds what the oracle wants; then, with
            the faults gone, a re-run sends no write.
  lost      half of all answers lost: the same; creates that moto carried
            out and whose answer was lost are retried and found to be crrc's
            own (counted: at least one such create over the whole run).
  deny      every write to one bucket denied (403 AccessDenied, reads
            allowed): apply exits 2 with an E100 at that bucket's spec
            lines, everything that does not need the bucket is applied; with
            the deny lifted, a re-run converges.
  kill      apply killed with SIGKILL at a random moment (three seeds; the
            proxy delays some requests so that the moments spread over the
            apply), then a re-run converges: what it left, an empty bucket
            without crrc's mark among it, is adopted.

Usage: test_faults.py [CASE...]; CRRC_APPLY_SPECS=a,b limits the specs."""
import collections
import random
import signal
import subprocess
import sys
import time

import applytest as at
from applytest import check, equal, model

sys.path.insert(0, at.os.path.join(at.crrctest.ROOT, "tests", "lib"))
import faultproxy  # noqa: E402

PROXY = None
FOUND_OWN = collections.Counter()  # creates retried after a lost answer
INTERRUPTED = collections.Counter()  # kills that left work for the re-run


def proxy(**settings):
    """The proxy's settings: no fault but those given; counts from zero."""
    base = {f: 0.0 for f in faultproxy.FAULTS}
    PROXY.configure(**{**base, "deny": [], "deny_methods": [], "delay_ms": 200, **settings})
    PROXY.reset_stats()


def seed_of(spec, n=0):
    return sum(spec.encode()) * 7 + n


def direct(ctx):
    """crrc's environment straight to moto, no proxy."""
    return ctx.env(AWS_ENDPOINT_URL=ctx.moto.url)


def converged(ctx, spec):
    """A re-run without faults sends no write; the oracle agrees."""
    ctx.oracle(spec)
    ctx.moto.reset_counts()
    p = ctx.crrc("apply", spec, "--yes", *at.assume_args(model(spec)), env=direct(ctx), ok=(0,))
    check("No changes" in p.stdout, f"a re-run after the faults has changes:\n{p.stdout}")
    equal(ctx.writes(), 0, "writes by the re-run")


def faults(ctx, spec):
    proxy(seed=seed_of(spec), slowdown=0.08, internal=0.06, reset=0.06, delay=0.06, lose=0.06,
          delay_ms=150)
    ctx.apply(spec, "--step-timeout", "60s")
    st = PROXY.stats()
    check(sum(st["faults"].values()) > 0, f"no fault was injected: {st}")
    proxy()
    converged(ctx, spec)


def creates_seen(ctx):
    """How many times moto received each create (bucket or role)."""
    seen = collections.Counter()
    for r in ctx.moto.requests():
        if r["action"] == "CreateRole":
            seen["role"] += 1
        elif r["method"] == "PUT" and not r["query"] and r["path"].count("/") == 1:
            seen["bucket " + r["path"]] += 1
    return seen


def lost(ctx, spec):
    proxy(seed=seed_of(spec, 1), lose=0.5)
    ctx.moto.reset_counts()
    ctx.apply(spec, "--step-timeout", "60s")
    FOUND_OWN.update(k.split()[0] for k, n in creates_seen(ctx).items() if n > 1)
    proxy()
    converged(ctx, spec)


def deny(ctx, spec):
    m = model(spec)
    names = [b["name"] for b in m["buckets"]]
    victim = next(b for b in at.created(m)
                  if not any(n != b["name"] and n.startswith(b["name"]) for n in names))
    proxy(deny=["/" + victim["name"]], deny_methods=["PUT", "POST", "DELETE"])
    p = ctx.apply(spec, "--diagnostics=json", "--step-timeout", "20s", ok=(2,))
    first, end = at.key_lines(spec)[victim["key"]]
    hits = [d for d in at.diagnostics(p) if d["code"] == "E100" and first <= d["line"] < end]
    check(hits, f"no E100 at the lines of {victim['key']} ({first}-{end - 1}):\n{p.stderr}")
    check(any("AccessDenied" in d["message"] for d in hits),
          f"the E100 does not give AWS's code: {hits}")
    check(PROXY.stats()["faults"].get("deny"), "nothing was denied")
    at.rest_applied(ctx, m, victim)
    proxy()
    ctx.apply(spec)
    converged(ctx, spec)


def kill_case(n):
    def kill(ctx, spec):
        rng = random.Random(seed_of(spec, 10 + n))
        proxy(seed=seed_of(spec, 10 + n), delay=0.3, delay_ms=60)
        cmd = [at.crrctest.CRRC, "apply", spec, "--yes", *at.assume_args(model(spec))]
        p = subprocess.Popen(cmd, cwd=at.crrctest.ROOT, env=ctx.env(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.2))
        p.send_signal(signal.SIGKILL)
        p.wait()
        proxy()
        r = ctx.crrc("apply", spec, "--yes", *at.assume_args(model(spec)), env=direct(ctx))
        equal(r.returncode, 0, f"the apply after kill -9:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
        if "No changes" not in r.stdout:
            INTERRUPTED["adopted" if "adopted" in r.stdout else "resumed"] += 1
        converged(ctx, spec)
    kill.__name__ = f"kill{n}"
    return kill


CASES = [faults, lost, deny] + [kill_case(n) for n in range(3)]


def setup(moto):
    global PROXY
    PROXY = faultproxy.FaultProxy(moto.url).start()
    return PROXY.url


def main(argv):
    chosen = [c for c in CASES if not argv or c.__name__ in argv]
    todo = [(c, s) for s in at.specs() for c in chosen]
    rc = at.run_cases("apply-faults", todo, setup=setup)
    if rc == 0 and lost in chosen:
        if not FOUND_OWN:
            print("FAIL: no create was retried after a lost answer: the lost answers missed "
                  "every create", file=sys.stderr)
            rc = 1
        else:
            print(f"creates retried after a lost answer: {dict(FOUND_OWN)}")
    if rc == 0 and any(c.__name__.startswith("kill") for c in chosen):
        if not INTERRUPTED:
            print("FAIL: no kill -9 landed during an apply", file=sys.stderr)
            rc = 1
        else:
            print(f"applies a kill -9 interrupted: {dict(INTERRUPTED)}")
    if PROXY:
        PROXY.stop()
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
