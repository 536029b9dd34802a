"""motoserver: the moto_server of the Python tests, in one place.

    with motoserver.Moto() as moto:      # skips (exit 77), or fails under CI,
        moto.url                         # when moto_server is missing
        moto.counts()                    # requests moto received, reads and writes
        moto.reset_counts()
        moto.state()                     # /moto-api/data.json

    with motoserver.Moto(replication=0.5) as moto:   # objects replicate, as in S3,
        moto.pause_replication()         # 0.5 s after they appear, unless paused
        moto.resume_replication()
        moto.replication()               # what the engine decided, by version

It starts moto_server on a free loopback port, waits until it answers, and
stops it on exit. By default it runs motopatch/moto_server, moto with its
GetBucketReplication answering as S3 does (the configuration as stored);
with owners=True, another account's bucket answering 403 AccessDenied as
S3 does; with replication=<delay seconds>, objects replicated as S3 does,
with their x-amz-replication-status (motopatch/replication_engine.py, a
stand-in for AWS). patched=False runs moto as installed. Requests are
counted from moto's own recorder (MOTO_ENABLE_RECORDING, a file of one JSON
line a request), so what is counted is what reached moto. (Not named moto.py: with tests/lib
on sys.path it would shadow the moto package itself.)"""
import base64
import collections
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

import crrctest

HERE = os.path.dirname(os.path.abspath(__file__))
PATCHED = os.path.join(HERE, "motopatch", "moto_server")

MOTO_ACCOUNT = "123456789012"  # moto's account for the keys "test"

# Query-API actions (IAM, STS) that change nothing.
READ_ACTIONS = ("Get", "List", "Describe", "Simulate", "AssumeRole")


def require():
    """The real moto_server's path, or skip (fail under CI)."""
    path = shutil.which("moto_server")
    if not path:
        crrctest.missing("the tool 'moto_server'")
    return path


def service_of(headers):
    """The signing scope's service (s3, iam, sts...) of a recorded request."""
    auth = headers.get("Authorization") or headers.get("authorization") or ""
    scope = auth.partition("Credential=")[2].split(",")[0].split("/")
    return scope[3] if len(scope) >= 5 else "s3"


def is_write(method, service, action):
    if action:  # a query API: every call is a POST
        return not action.startswith(READ_ACTIONS)
    return method not in ("GET", "HEAD", "OPTIONS")


class Moto:
    def __init__(self, patched=True, record=True, owners=False, replication=None):
        self.patched = patched
        self.owners = owners
        self.replication_delay = replication
        if replication is not None and not patched:
            raise ValueError("Moto(replication=...) needs the patched moto_server")
        self.record = record
        self.url = None
        self.proc = None
        self.dir = None

    # ------------------------------------------------------------ lifetime

    def start(self):
        exe = require()
        if self.patched:
            exe = PATCHED
        self.dir = tempfile.mkdtemp(prefix="crrc-moto-")
        self.recording = os.path.join(self.dir, "requests.jsonl")
        env = dict(os.environ)
        for k in [k for k in env if k.startswith(("MOTO_", "CRRC_MOTO_REPLICATION"))]:
            del env[k]
        if self.owners:  # motopatch: another account's bucket is 403, as in S3
            env["CRRC_MOTO_OWNERS"] = "1"
        self.pause_file = os.path.join(self.dir, "pause-replication")
        if self.replication_delay is not None:  # motopatch: objects replicate
            env.update(CRRC_MOTO_REPLICATION=str(float(self.replication_delay)),
                       CRRC_MOTO_REPLICATION_PAUSE=self.pause_file)
        if self.record:
            env.update(MOTO_ENABLE_RECORDING="1", MOTO_RECORDER_FILEPATH=self.recording)
        port = crrctest.free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log = open(os.path.join(self.dir, "moto.log"), "w")
        self.proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/moto-api/data.json", timeout=1).read()
                break
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    self.stop()
                    raise RuntimeError("moto_server did not start")
                time.sleep(0.1)
        self.reset_counts()
        return self

    def stop(self):
        if self.proc:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
        if self.dir:
            self.log.close()
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------ what moto holds

    def state(self):
        with urllib.request.urlopen(self.url + "/moto-api/data.json", timeout=30) as r:
            return json.load(r)

    def reset(self):
        """Forget every resource (the counts stay)."""
        req = urllib.request.Request(self.url + "/moto-api/reset", method="POST")
        urllib.request.urlopen(req, timeout=30).read()

    # ------------------------------------------------------------ replication

    def _needs_replication(self):
        if self.replication_delay is None:
            raise RuntimeError("Moto(replication=None) replicates nothing")

    def pause_replication(self):
        """Nothing replicates until resume_replication(): covered versions
        stay PENDING (one being copied when this is called may finish)."""
        self._needs_replication()
        open(self.pause_file, "w").close()

    def resume_replication(self):
        self._needs_replication()
        try:
            os.unlink(self.pause_file)
        except FileNotFoundError:
            pass

    def replication(self):
        """What the engine decided: {"delay", "paused", "versions": [{bucket,
        key, version, kind, status, reason, destinations...}]}."""
        self._needs_replication()
        with urllib.request.urlopen(self.url + "/_crrc/replication", timeout=30) as r:
            return json.load(r)

    # ------------------------------------------------------------ requests received

    def reset_counts(self):
        if self.record:
            open(self.recording, "w").close()

    def requests(self):
        """Every request moto received since the last reset_counts, as
        dicts of method, path, query, service and action (query APIs)."""
        if not self.record:
            raise RuntimeError("Moto(record=False) counts nothing")
        out = []
        with open(self.recording) as f:
            for line in f:
                if not line.strip():
                    continue
                e = json.loads(line)
                url = urllib.parse.urlsplit(e["url"])
                if url.path.startswith("/moto-api/"):
                    continue
                body = e.get("body") or ""
                if e.get("body_encoded"):
                    body = base64.b64decode(body).decode("latin-1")
                service = service_of(e["headers"])
                action = ""
                if service not in ("s3", "s3-control") and e["method"] == "POST":
                    action = urllib.parse.parse_qs(body).get("Action", [""])[0]
                out.append({"method": e["method"], "path": url.path, "query": url.query,
                            "service": service, "action": action,
                            "write": is_write(e["method"], service, action)})
        return out

    def counts(self):
        """{"reads": n, "writes": n, "by_method": {...}, "by_action": {...}}."""
        reqs = self.requests()
        return {"reads": sum(not r["write"] for r in reqs),
                "writes": sum(r["write"] for r in reqs),
                "by_method": dict(collections.Counter(r["method"] for r in reqs)),
                "by_action": dict(collections.Counter(r["action"] for r in reqs if r["action"]))}


def client(url, service, account=None, region="us-east-1", creds=None):
    """A boto3 client to moto at url as account (None: moto's own, with the
    keys "test"): another account's credentials come from moto's STS, which
    maps an assumed role's keys to the role's account; creds caches them by
    account (moto forgets them on a reset: clear it then). S3 path-style."""
    import boto3
    from botocore.config import Config
    kw = dict(endpoint_url=url, region_name=region,
              aws_access_key_id="test", aws_secret_access_key="test")
    if account and account != MOTO_ACCOUNT:
        creds = {} if creds is None else creds
        if account not in creds:
            creds[account] = boto3.client("sts", **kw).assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/tests",
                RoleSessionName="tests")["Credentials"]
        c = creds[account]
        kw.update(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                  aws_session_token=c["SessionToken"])
    if service == "s3":
        kw["config"] = Config(s3={"addressing_style": "path"})
    return boto3.client(service, **kw)
