"""cfntest: what the CloudFormation tests share: the specs they run on (every
bundled example plus the specs under tests/cloudformation/specs/), compiling
them with `crrc compile --target cloudformation`, the resolved model from
`crrc model`, and the aws CLI against a moto_server with one profile per
account."""
import concurrent.futures
import json
import functools
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.environ["CRRC_SOURCE_ROOT"], "tests", "lib"))
import crrctest  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SPECS = os.path.join(HERE, "specs")
# moto's account for credentials that are not an assumed role's.
MOTO_DEFAULT_ACCOUNT = "123456789012"


def stem(path):
    return os.path.basename(path)[:-len(".crr.yaml")]


def model(spec):
    return json.loads(crrctest.run_crrc("model", spec).stdout)


def has_existing(m):
    return any(b["existing"] for b in m["buckets"])


def specs():
    """Every example and test spec this target compiles: those without
    existing buckets, which it refuses (test_existing.py)."""
    own = sorted(os.path.join(SPECS, f) for f in os.listdir(SPECS) if f.endswith(".crr.yaml"))
    out = []
    for spec in crrctest.examples() + own:
        m = model(spec)
        if not has_existing(m):
            out.append((spec, m))
    return out


def compile_spec(spec, out):
    p = crrctest.run_crrc("compile", spec, "--target", "cloudformation", "--out", out)
    return p


def load_dir(out):
    """The manifest and every template of an output directory."""
    with open(os.path.join(out, "manifest.json")) as f:
        manifest = json.load(f)
    templates = {}
    for name in sorted(os.listdir(out)):
        if name.endswith(".template.json"):
            with open(os.path.join(out, name)) as f:
                templates[name] = json.load(f)
    return manifest, templates


def account_part(m, bucket):
    """An account's alias names its stacks (the first alias of its id, as
    declared), else its id; buckets without an account: "default"."""
    if not bucket["account_id"]:
        return "default"
    for alias, account_id in m["accounts"].items():
        if account_id == bucket["account_id"]:
            return alias
    return bucket["account_id"]


def stack_name(m, bucket):
    """The stack of the bucket's account and region; a part of it,
    stack_name + "-N", when that pair is split (see bucket_stacks)."""
    return f"{m['name']}-{account_part(m, bucket)}-{bucket['region']}"


def bucket_stacks(templates):
    """The stack of every bucket (by S3 name), read from the full templates."""
    out = {}
    for name, t in templates.items():
        if name.endswith(".bootstrap.template.json"):
            continue
        for r in t["Resources"].values():
            if r["Type"] == "AWS::S3::Bucket":
                out[r["Properties"]["BucketName"]] = name[:-len(".template.json")]
    return out


def stack_errors(m, stacks):
    """What is wrong with the stack of each bucket: a bucket in no stack or
    not in its pair's stack, a pair that is split into parts and also has
    its unsplit stack, a part number that is not 1, 2..."""
    errors, groups = [], {}
    for b in m["buckets"]:
        got, base = stacks.get(b["name"]), stack_name(m, b)
        if got is None:
            errors.append(f"bucket {b['name']}: in no template")
        elif got != base and not re.fullmatch(re.escape(base) + r"-[1-9][0-9]*", got):
            errors.append(f"bucket {b['name']}: in stack {got}, want {base} or a part of it")
        else:
            groups.setdefault(base, set()).add(got)
    for base, names in groups.items():
        if base in names and len(names) > 1:
            errors.append(f"{base}: both one stack and parts {sorted(names)}")
    return errors


class Aws:
    """The aws CLI against a moto_server, with dummy credentials, a profile
    per account (credentials of a role assumed in that account: moto then
    puts what they create in that account), and no file of the user's."""

    def __init__(self, url, tmp):
        self.url = url
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("AWS_") and not k.startswith("CRRC_PROFILE_")}
        self.env.update({
            "AWS_ENDPOINT_URL": url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.path.join(tmp, "aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(tmp, "aws-credentials"),
            "AWS_PAGER": "",
            "PATH": os.path.dirname(self.exe()) + os.pathsep + os.environ.get("PATH", ""),
        })
        for name in ("aws-config", "aws-credentials"):
            open(os.path.join(tmp, name), "w").close()
        self.profiles = {}  # account id -> profile name

    def run(self, *args, profile=None, check=True):
        cmd = [self.exe(), "--endpoint-url", self.url, "--output", "json"]
        if profile:
            cmd += ["--profile", profile]
        p = subprocess.run(cmd + list(args), capture_output=True, text=True, env=self.env)
        if check and p.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} exited {p.returncode}: {p.stderr}")
        return p

    def json(self, *args, profile=None):
        out = self.run(*args, profile=profile).stdout
        return json.loads(out) if out.strip() else None

    @staticmethod
    @functools.lru_cache(maxsize=None)
    def exe():
        """The aws CLI; behind a pyenv shim, the program itself: the shim
        costs more than half a second a call, and the tests make many."""
        path = crrctest.require_tool("aws")
        if f"{os.sep}shims{os.sep}" in path and shutil.which("pyenv"):
            p = subprocess.run(["pyenv", "which", "aws"], capture_output=True, text=True)
            real = p.stdout.strip()
            if p.returncode == 0 and os.path.isfile(real):
                return real
        return path

    def add_account(self, account_id):
        """A profile whose credentials act in account_id."""
        if account_id in self.profiles:
            return self.profiles[account_id]
        creds = self.json("sts", "assume-role", "--role-arn",
                          f"arn:aws:iam::{account_id}:role/crrc-test-deployer",
                          "--role-session-name", "crrc-test")["Credentials"]
        profile = f"acct-{account_id}"
        with open(self.env["AWS_SHARED_CREDENTIALS_FILE"], "a") as f:
            f.write(f"[{profile}]\naws_access_key_id = {creds['AccessKeyId']}\n"
                    f"aws_secret_access_key = {creds['SecretAccessKey']}\n"
                    f"aws_session_token = {creds['SessionToken']}\n")
        self.profiles[account_id] = profile
        return profile

    def profile_env(self, manifest):
        """The environment deploy.sh needs: the variable of each account's
        step set to that account's profile."""
        env = dict(self.env)
        for st in manifest["steps"]:
            if st["account"]:
                env[st["profile_variable"]] = self.add_account(st["account"])
        return env

    def profile_of(self, account_id):
        return self.profiles.get(account_id) if account_id else None

    def many(self, calls):
        """Run independent read-backs concurrently: the CLI starts slowly."""
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            futs = [pool.submit(self.json, *args, profile=prof) for args, prof in calls]
            return [f.result() for f in futs]


def deploy(aws, out, manifest):
    """Run deploy.sh; returns the completed process."""
    env = aws.profile_env(manifest)
    return subprocess.run(["bash", os.path.join(out, "deploy.sh")], capture_output=True,
                          text=True, env=env)


def require_deploy_tools():
    crrctest.require_tool("aws")
    crrctest.require_tool("moto_server")
    crrctest.require_tool("bash")
