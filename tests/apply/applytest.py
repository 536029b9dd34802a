"""applytest: what the apply tests share: the specs, running `crrc plan` and
`crrc apply` against one moto_server (AWS_ENDPOINT_URL, keys moto maps to
its account 123456789012, HOME a temporary directory so that ~/.aws is not
read) and one S3 Control server (tests/lib/s3controlserver.py, at
AWS_ENDPOINT_URL_S3_CONTROL: the batch replication jobs of the specs with
existing_objects, signed with moto's keys or those its STS handed out), the
--assume arguments that reach each account of a spec through
moto's STS, boto3 clients as any account (for drift and for the buckets
that block), and the oracle (tests/lib/awsstate.py) with crrc's mark.

A case is a function of (ctx, spec); run_cases runs them in order against
one moto, reset between cases, and reports every failure."""
import copy
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
import awsstate  # noqa: E402
import crrctest  # noqa: E402
import motoserver  # noqa: E402
import s3controlserver  # noqa: E402
from awsstate import MOTO_ACCOUNT, Failure, check, equal  # noqa: E402,F401

# An account no spec names: credentials for it are credentials for the wrong account.
STRANGER = "999999999999"
MARK_KEY = "crrc:spec"


def specs():
    """Every example, every Terraform test spec and every CloudFormation test
    spec, relative to the root."""
    out = [os.path.relpath(p, crrctest.ROOT) for p in crrctest.examples()]
    for d in ("tests/terraform/specs", "tests/cloudformation/specs"):
        full = os.path.join(crrctest.ROOT, d)
        out += sorted(os.path.join(d, f) for f in os.listdir(full) if f.endswith(".crr.yaml"))
    if os.environ.get("CRRC_APPLY_SPECS"):  # a subset while working on one
        want = os.environ["CRRC_APPLY_SPECS"].split(",")
        out = [s for s in out if any(w in s for w in want)]
    return out


_models = {}


def model(spec):
    if spec not in _models:
        p = subprocess.run([crrctest.CRRC, "model", spec], cwd=crrctest.ROOT,
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise Failure(f"crrc model {spec} exited {p.returncode}:\n{p.stderr}")
        _models[spec] = json.loads(p.stdout)
    return _models[spec]


def accounts(m):
    """[(key for --assume and CRRC_PROFILE_: the alias or the id, id)] of the
    named accounts that hold a bucket of the spec."""
    out = []
    for b in m["buckets"]:
        if b["account_id"]:
            k = (b["account_alias"] or b["account_id"], b["account_id"])
            if k not in out:
                out.append(k)
    return out


def role_for(account):
    return f"arn:aws:iam::{account}:role/crrc-deployer"


def assume_args(m, override=None):
    """--assume for every named account of the spec, to a role in it (moto's
    STS hands out credentials for the role's account); override: key -> ARN."""
    args = []
    for key, acct in accounts(m):
        arn = (override or {}).get(key, role_for(acct))
        if arn:
            args += ["--assume", f"{key}={arn}"]
    return args


def profile_var(key):
    return "CRRC_PROFILE_" + "".join(c.upper() if c.isalnum() else "_" for c in key)


def mark(m):
    return {MARK_KEY: m["name"]}


def created(m):
    return [b for b in m["buckets"] if not b["existing"]]


def batch_roles(m):
    """The names of the batch roles apply creates: one per entry with a rule
    with existing_objects (desired.c's batch_role_build; the specs' names
    are short enough not to be hashed)."""
    return [f"{m['name'] or 'crrc'}-{r['source']}-batch" for r in m["replication"]
            if any(rule.get("existing_objects") for rule in r["rules"])]


def sts_keys(moto):
    """An S3 Control server's lookup of the keys moto's STS handed out."""
    def lookup(key):
        for r in moto.state().get("sts", {}).get("AssumedRole", []):
            if r["access_key_id"] == key:
                return r["secret_access_key"], r["session_token"], r["account_id"]
        return None
    return lookup


class Ctx:
    """One moto_server, one S3 Control server, crrc's environment, and
    boto3 clients."""

    def __init__(self, moto, endpoint=None, ctl=None):
        self.moto = moto
        self.ctl = ctl
        self.home = tempfile.mkdtemp(prefix="crrc-apply-home-")
        self.endpoint = endpoint or moto.url
        self._creds = {}

    def close(self):
        shutil.rmtree(self.home, ignore_errors=True)

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("AWS_", "CRRC_PROFILE_"))}
        env.update(HOME=self.home, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                   AWS_ENDPOINT_URL=self.endpoint, AWS_EC2_METADATA_DISABLED="true",
                   AWS_ENDPOINT_URL_S3_CONTROL=self.ctl.url if self.ctl else None,
                   AWS_CONFIG_FILE=os.path.join(self.home, "none"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.home, "none"))
        env.update(extra)
        return {k: v for k, v in env.items() if v is not None}

    def crrc(self, cmd, spec, *args, env=None, ok=None, timeout=300):
        p = subprocess.run([crrctest.CRRC, cmd, spec, *args], cwd=crrctest.ROOT,
                           env=env or self.env(), capture_output=True, text=True,
                           timeout=timeout)
        if ok is not None and p.returncode not in ok:
            raise Failure(f"crrc {cmd} {spec} {' '.join(args)} exited {p.returncode}, "
                          f"not {ok}:\n{p.stdout[-4000:]}\n{p.stderr[-4000:]}")
        return p

    def apply(self, spec, *args, ok=(0,), **kw):
        return self.crrc("apply", spec, "--yes", *assume_args(model(spec)), *args, ok=ok, **kw)

    def plan(self, spec, *args, ok=(0,), **kw):
        return self.crrc("plan", spec, *assume_args(model(spec)), *args, ok=ok, **kw)

    def plan_json(self, spec, *args, ok=(0,)):
        p = self.plan(spec, "--format=json", *args, ok=ok)
        return json.loads(p.stdout)

    # ------------------------------------------------------------ moto

    def reset(self, spec=None):
        """Moto empty, then the spec's existing buckets made as their owners
        have them; the counts start again."""
        self.moto.reset()
        if self.ctl:
            self.ctl.reset()
        self._creds.clear()  # moto forgot the keys its STS handed out
        if spec:
            awsstate.create_existing(model(spec), self.moto.url)
        self.moto.reset_counts()

    def writes(self):
        return self.moto.counts()["writes"]

    def oracle(self, spec, m=None, state=None):
        m = m or model(spec)
        state = without_batch_roles(m, state or self.moto.state())
        awsstate.check_state(m, state, self.moto.url, mark=mark(m))

    def client(self, service, account=None, region="us-east-1"):
        """A boto3 client straight to moto (never through a proxy), as account."""
        return motoserver.client(self.moto.url, service, account, region, self._creds)

    def s3_of(self, b):
        return self.client("s3", b["account_id"] or MOTO_ACCOUNT, b["region"])

    def bucket_state(self, name):
        """moto's record of bucket name (None: no such bucket)."""
        for b in self.moto.state()["s3"]["FakeBucket"]:
            if b["name"] == name:
                return b
        return None


def without_batch_roles(m, state):
    """state less the batch roles (which the oracle, shared with the
    Terraform tests, does not know), after checking they are there; the
    jobs' own test (test_batch.py) checks them in full."""
    names = set(batch_roles(m))
    roles = state["iam"]["Role"]
    equal(sorted(r["name"] for r in roles if r["name"] in names), sorted(names),
          "batch roles in moto")
    state["iam"]["Role"] = [r for r in roles if r["name"] not in names]
    return state


def key_lines(spec):
    """bucket key -> (first line, line after its block) in the spec."""
    with open(os.path.join(crrctest.ROOT, spec)) as f:
        lines = f.read().split("\n")
    out, inside, last = {}, False, None
    for i, line in enumerate(lines, 1):
        if re.match(r"^\S", line):
            inside = line.startswith("buckets:")
            if last:
                out[last] = (out[last][0], i)
                last = None
            continue
        mk = re.match(r"^  ([^\s#][^:]*):", line) if inside else None
        if mk:
            if last:
                out[last] = (out[last][0], i)
            last = mk.group(1).strip().strip('"')
            out[last] = (i, len(lines) + 1)
    return out


def without(m, victim):
    """The model less victim and the entries that touch it."""
    m = copy.deepcopy(m)
    m["buckets"] = [b for b in m["buckets"] if b["key"] != victim["key"]]
    m["replication"] = [r for r in m["replication"] if r["source"] != victim["key"]
                        and all(x["destination"] != victim["key"] for x in r["rules"])]
    return m


def rest_applied(ctx, m, victim):
    """The oracle on all but victim: its bucket is not compared, nor are the
    configurations that replicate from or into it (blocked); roles and the
    destinations' policies are all there, as the whole model says."""
    rest = without(m, victim)
    buckets = {b["key"]: b for b in m["buckets"]}
    role_arns = {r["source"]: awsstate.role_arn_of(m, buckets, r) for r in m["replication"]}
    state = without_batch_roles(m, ctx.moto.state())
    state["s3"]["FakeBucket"] = [b for b in state["s3"]["FakeBucket"]
                                 if b["name"] != victim["name"]]
    url, tag = ctx.moto.url, mark(m)
    awsstate.check_buckets(rest, state, url, tag)
    awsstate.check_roles(m, state, buckets, role_arns, tag)
    awsstate.check_bucket_policies({**m, "buckets": rest["buckets"]}, url, buckets,
                                   role_arns, None)
    awsstate.check_replication(rest, state, buckets, role_arns)


def diagnostics(p):
    """The diagnostics of a run with --diagnostics=json."""
    text = p.stderr.strip()
    start = text.find("[")
    check(start >= 0, f"no JSON diagnostics in:\n{text[-2000:]}")
    return json.loads(text[start:])


def no_changes(ctx, spec):
    """plan says no changes: in text, in JSON, and by its exit code."""
    p = ctx.plan(spec, "--detailed-exitcode", ok=(0,))
    check("No changes" in p.stdout, f"plan has changes:\n{p.stdout[-3000:]}")
    doc = ctx.plan_json(spec)
    equal((doc["changes"], doc["items"]), (False, []), "the JSON plan's changes")


# What the S3 Control server accepts by default: any spec may have a
# Multi-Region Access Point, whose control plane is us-west-2 and whose
# routes are in the five failover-control regions (us-east-1 among them,
# where the batch jobs of the test specs go).
MRAP_REGIONS = ("us-west-2",) + s3controlserver.ROUTE_REGIONS


def control_args(moto, control):
    """The S3 Control server's arguments: control's, by default signed for
    MRAP_REGIONS and forwarding to moto what it does not serve itself (MRAP
    create, describe, get and policy); backend=True is moto too."""
    args = dict(control or {})
    args.setdefault("regions", MRAP_REGIONS)
    if args.get("backend", True) is True:
        args["backend"] = moto.url
    return args


def run_cases(name, cases, owners=True, setup=None, control=None):
    """Every (case, spec) in order on one moto; exit 0, 1 (failures) or 77.
    control: more arguments of the S3 Control server (backend=True: moto)."""
    motoserver.require()
    import importlib.util
    if importlib.util.find_spec("boto3") is None:
        crrctest.missing("the Python package boto3")
    if not os.access(crrctest.CRRC, os.X_OK):
        print(f"FAIL: crrc is not built at {crrctest.CRRC}", file=sys.stderr)
        return 1
    failures, t0 = [], time.monotonic()
    with motoserver.Moto(owners=owners) as moto, \
            s3controlserver.S3Control(lookup=sts_keys(moto), **control_args(moto, control)) \
            as ctl:
        extra = setup(moto) if setup else None
        ctx = Ctx(moto, endpoint=extra, ctl=ctl)
        try:
            for case, spec in cases:
                label = f"{case.__name__} {spec}"
                t = time.monotonic()
                try:
                    ctx.reset(spec)
                    case(ctx, spec)
                    print(f"ok: {label} ({time.monotonic() - t:.1f}s)", flush=True)
                except Failure as e:
                    failures.append(label)
                    print(f"FAIL: {label}: {e}", file=sys.stderr, flush=True)
                except Exception:
                    failures.append(label)
                    print(f"FAIL: {label}:\n{traceback.format_exc()}", file=sys.stderr,
                          flush=True)
        finally:
            ctx.close()
    n = len(cases)
    print(f"{name}: {n - len(failures)} of {n} cases pass in {time.monotonic() - t0:.0f}s")
    for f in failures:
        print(f"  failed: {f}")
    return 1 if failures else 0
