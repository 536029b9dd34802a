#!/usr/bin/env python3
"""s3controlserver: a strict S3 Control endpoint for the tests (moto has no
S3 Batch Operations jobs and no Multi-Region Access Point routes). Point a
client at it with AWS_ENDPOINT_URL_S3_CONTROL=ctl.url.

Every request is checked before it is carried out: a SigV4 signature for the
service s3 in the server's region, recomputed with botocore from the request
as received (the credentials: moto's test keys and whatever a test adds;
every x-amz-* header signed; x-amz-content-sha256 the body's), then against
botocore's S3 Control model (s3controlmodel.py): the operation by method and
path, x-amz-account-id, URI labels, querystring and the XML body, walked
element by element. A violation is answered in S3 Control's XML error and
recorded. What passes is carried out in memory, per account:

    CreateJob, DescribeJob, ListJobs       jobs go New -> Preparing -> Active
                                           -> Complete, `step` seconds each
                                           (ConfirmationRequired: Suspended)
    GetMultiRegionAccessPointRoutes,       routes per MRAP alias, dials 0 or
    SubmitMultiRegionAccessPointRoutes     100, one route active at least

Other operations of the model are answered 501 NotImplemented, or with
backend=URL (a moto_server) forwarded there, as received, after the same
checks: moto implements MRAP create, describe, get and policy; a create it
accepts seeds the new point's routes (every dial 100, as AWS starts them,
each bucket in its region as moto's state says). Beyond the
model: a job has exactly one operation and one of Manifest and
ManifestGenerator; the routes are served only in the five failover-control
regions (elsewhere 301 PermanentRedirect), and an MRAP has routes only once a
test seeds them (else 404).

S3Control(region, credentials={key: secret}, lookup=None (a function of an
unknown access key: (secret, session token, account) or None, e.g. to accept
the keys moto's STS hands out), step=0.5, final="Complete"
(or "Failed"), routes_from=another server (its routes shared: another region
of the same account), regions=(the signing regions accepted, default
(region,); a request is served as in the region it is signed for),
backend=None (a moto_server URL, above), max_skew=900, error_root="ErrorResponse" (or "Error",
S3's bare form, which S3 Control has also been seen to answer)).

    with S3Control(region="us-east-1") as ctl:
        ctl.url; ctl.add_credentials(key, secret)
        ctl.jobs(account)          # as DescribeJob's Job, newest first
        ctl.rejections             # [{method, path, query, operation, account,
                                   #   status, code, message}]
        ctl.requests               # each: ..., region (signed for), outcome: accepted,
                                   #   rejected, faulted or forwarded
        ctl.progress = lambda job: (total, succeeded, failed)
                                   # job: account, JobId, Status, age, params
        ctl.fail("unavailable")    # 503 to everything; "reset", "hang"; fail(None) ends it
        ctl.fail_region("us-east-1")   # 503 to what is signed for that region; None ends it
        ctl.set_routes(account, alias_or_arn, [{"Bucket": b, "Region": r,
                                                "TrafficDialPercentage": 100}, ...])
        ctl.client()               # a boto3 s3control client that reaches the server

From a shell: s3controlserver.py [--port N] [--region R] [--step S]
[--credentials KEY:SECRET]...; GET /__s3control/state shows what it holds,
POST /__s3control/config {"fail": "unavailable"} changes a setting."""
import argparse
import base64
import datetime
import functools
import hashlib
import hmac
import json
import re
import socket
import struct
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
import xml.sax.saxutils
import zlib

import http.server

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

from s3controlmodel import Invalid, Model

# moto's test keys, as the tests use them.
TEST_CREDENTIALS = {"test": "test", "testing": "testing", "FOOBARKEY": "FOOBARSECRET"}
# Where the MRAP routes are served (the failover-control regions).
ROUTE_REGIONS = ("us-east-1", "us-west-2", "ap-southeast-2", "ap-northeast-1", "eu-west-1")
ROUTE_OPERATIONS = ("GetMultiRegionAccessPointRoutes", "SubmitMultiRegionAccessPointRoutes")
AUTH = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/,\s]+)/([0-9]{8})/([^/,\s]+)/([^/,\s]+)/"
                  r"aws4_request,\s*SignedHeaders=([a-z0-9;._-]+),\s*Signature=([0-9a-f]{64})")
CONTROL = "/__s3control/"
FAULTS = (None, "unavailable", "reset", "hang")
FINAL = ("Complete", "Failed", "Cancelled")


@functools.lru_cache(maxsize=None)
def shared_model():
    return Model()  # read-only once built: one for every server of a process


class Reject(Exception):
    def __init__(self, status, code, message, extra=()):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


class Verifier(S3SigV4Auth):
    """botocore's signer for S3, over exactly the headers the client signed."""

    def __init__(self, credentials, service, region, signed):
        super().__init__(credentials, service, region)
        self.signed = signed

    def headers_to_sign(self, request):
        out = HTTPHeaders()
        for name in self.signed:
            for value in request.headers.get_all(name) or []:
                out[name] = value
        return out


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


CHECKSUMS = {
    "content-md5": lambda b: hashlib.md5(b).digest(),
    "x-amz-checksum-crc32": lambda b: zlib.crc32(b).to_bytes(4, "big"),
    "x-amz-checksum-crc32c": lambda b: crc32c(b).to_bytes(4, "big"),
    "x-amz-checksum-sha1": lambda b: hashlib.sha1(b).digest(),
    "x-amz-checksum-sha256": lambda b: hashlib.sha256(b).digest(),
}


def error_body(code, message, request_id, root="ErrorResponse", extra=()):
    esc = xml.sax.saxutils.escape
    inner = f"<Code>{esc(code)}</Code><Message>{esc(message)}</Message>"
    inner += "".join(f"<{k}>{esc(v)}</{k}>" for k, v in extra)
    ids = f"<RequestId>{request_id}</RequestId><HostId>s3controlserver</HostId>"
    if root == "Error":  # as S3, and as some S3 Control answers have been seen
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<Error>{inner}{ids}</Error>'.encode()
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error>{inner}</Error>'
            f"{ids}</ErrorResponse>").encode()


def now():
    return datetime.datetime.now(datetime.timezone.utc)


class Request:
    """One request as received."""

    def __init__(self, method, target, headers, body):
        self.method, self.body = method, body
        self.path, _, self.query_raw = target.partition("?")
        self.headers = headers  # an email.message.Message: case-insensitive, repeats kept
        self.query = [(urllib.parse.unquote(k), urllib.parse.unquote(v))
                      for k, _, v in (p.partition("=") for p in self.query_raw.split("&") if p)]

    def header(self, name):
        values = self.headers.get_all(name) or []
        if len(values) > 1:
            raise Reject(400, "InvalidRequest", f"the header {name} is given {len(values)} times")
        return values[0] if values else None


class S3Control(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, region="us-east-1", credentials=None, port=0, step=0.5, final="Complete",
                 routes_from=None, max_skew=900, error_root="ErrorResponse", lookup=None,
                 regions=None, backend=None):
        super().__init__(("127.0.0.1", port), Handler)
        self.lookup = lookup
        self.model = shared_model()
        self.region, self.step, self.final = region, step, final
        self.regions, self.backend = tuple(regions or (region,)), backend
        self.failing_region = None
        self.max_skew, self.error_root = max_skew, error_root
        self.credentials = {k: (v, None, None) for k, v in
                            (TEST_CREDENTIALS if credentials is None else credentials).items()}
        self.lock = routes_from.lock if routes_from else threading.RLock()
        self._jobs, self._tokens = {}, {}
        self._routes = routes_from._routes if routes_from else {}
        self._requests, self.fault, self.fault_count, self.hang_s = [], None, None, 30
        self.progress = lambda job: (0, 0, 0)
        self.thread = None

    # -------------------------------------------------------- lifetime

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self):
        self.thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.fault = None
        self.shutdown()
        self.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def handle_error(self, request, client_address):
        pass  # a reset connection is the point, not news

    # -------------------------------------------------------- the test's side

    def add_credentials(self, access_key, secret_key, session_token=None, account=None):
        """A key the server accepts; with a token, requests must carry it;
        with an account, only that x-amz-account-id (else 403 AccessDenied)."""
        with self.lock:
            self.credentials[access_key] = (secret_key, session_token, account)

    @property
    def requests(self):
        with self.lock:
            return [dict(r) for r in self._requests]

    @property
    def rejections(self):
        return [r for r in self.requests if r["outcome"] == "rejected"]

    def reset_requests(self):
        with self.lock:
            self._requests.clear()

    def reset(self):
        """No jobs, no requests, no fault: as started."""
        with self.lock:
            self._jobs.clear()
            self._tokens.clear()
            self._requests.clear()
            self.fault, self.fault_count, self.failing_region = None, None, None

    def jobs(self, account):
        """The account's jobs, as DescribeJob answers them, newest first."""
        with self.lock:
            jobs = sorted(self._jobs.get(account, {}).values(), key=lambda j: -j["created"])
            return [self.describe(account, j) for j in jobs]

    def fail(self, mode, count=None, hang_s=30):
        """Fail every request (or the next count): "unavailable" (503),
        "reset" (the connection reset, nothing answered), "hang" (no answer
        for hang_s seconds, then the connection closed); None: serve again."""
        if mode not in FAULTS:
            raise ValueError(f"s3controlserver: no fault {mode!r} (one of {FAULTS})")
        with self.lock:
            self.fault, self.fault_count, self.hang_s = mode, count, hang_s

    def region_fault(self, auth):
        """"unavailable" when auth is signed for the failing region."""
        m = AUTH.match((auth or "").strip())
        with self.lock:
            failing = self.failing_region
        return "unavailable" if failing and m and m.group(3) == failing else None

    def take_fault(self):
        with self.lock:
            fault = self.fault
            if fault and self.fault_count is not None:
                self.fault_count -= 1
                if self.fault_count <= 0:
                    self.fault, self.fault_count = None, None
            return fault

    def set_routes(self, account, mrap, routes):
        """Seed an MRAP's routes (Bucket, Region, TrafficDialPercentage)."""
        out = self.model.service.operation_model("GetMultiRegionAccessPointRoutes").output_shape
        try:
            self.model.serialize(out, {"Mrap": mrap, "Routes": routes})
        except AssertionError as e:
            raise ValueError(str(e)) from None
        with self.lock:
            self._routes[(account, mrap_alias(mrap))] = [dict(r) for r in routes]

    def routes(self, account, mrap):
        with self.lock:
            return [dict(r) for r in self._routes.get((account, mrap_alias(mrap)), [])]

    def client(self, access_key="test", secret_key="test", session_token=None, **config):
        """A boto3 s3control client to this server. boto3 puts the account
        in the host ({AccountId}.127.0.0.1), which resolves nowhere: the
        request still goes to 127.0.0.1, its Host header (signed) kept."""
        import boto3
        from botocore.config import Config
        c = boto3.client("s3control", endpoint_url=self.url, region_name=self.region,
                         aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                         aws_session_token=session_token,
                         config=Config(retries={"total_max_attempts": 1}, **config))
        c.meta.events.register("before-send.s3-control", self.to_loopback)
        return c

    def to_loopback(self, request, **_):
        u, here = urllib.parse.urlsplit(request.url), urllib.parse.urlsplit(self.url).netloc
        if u.netloc != here:
            request.headers["Host"] = u.netloc
            request.url = urllib.parse.urlunsplit(u._replace(netloc=here))

    # -------------------------------------------------------- records

    def record(self, req, entry):
        m = AUTH.match((req.headers.get("Authorization") or "").strip())
        entry.update(method=req.method, path=req.path, query=req.query_raw,
                     region=m.group(3) if m else None)
        with self.lock:
            self._requests.append(entry)

    def state(self):
        with self.lock:
            return {"region": self.region, "fault": self.fault,
                    "jobs": {a: self.jobs(a) for a in self._jobs},
                    "routes": [{"account": a, "mrap": m, "routes": r}
                               for (a, m), r in self._routes.items()],
                    "requests": self.requests}

    # -------------------------------------------------------- checking a request

    def operation_of(self, req):
        try:
            return self.model.route(req.method, req.path)[0].name
        except Invalid:
            return None

    def check(self, req):
        """(operation, account, params) of an acceptable request, or Reject."""
        req.account = req.header("x-amz-account-id")
        try:
            op, labels = self.model.route(req.method, req.path)
            req.operation = op.name
        except Invalid as e:
            op, labels, unrouted = None, None, e
        self.check_signature(req)  # AWS answers 403 before anything else
        if op is None:
            raise Reject(unrouted.status, unrouted.code, unrouted.message)
        if req.account is None:
            raise Reject(400, "InvalidRequest", f"{op.name}: the header x-amz-account-id "
                         "(the member AccountId, required) is missing")
        try:
            params = self.model.check_request(op, labels, req.query, req.headers, req.body)
        except Invalid as e:
            raise Reject(e.status, e.code, f"{op.name}: {e.message}") from None
        self.check_host(req, req.account)
        self.check_checksum(req, op)
        self.check_caller(req, req.account)
        return op, req.account, params

    def check_host(self, req, account):
        """boto3 with an endpoint URL sends {AccountId}.host: the prefix, if
        any, must be the header's account."""
        host = (req.header("Host") or "").lower()
        m = re.match(r"([0-9]{12})\.(.+)", host)  # no IPv4 label has 12 digits
        if m and m.group(1) != account:
            raise Reject(400, "InvalidRequest", f"the host's account prefix {m.group(1)} "
                         f"is not x-amz-account-id {account}")

    def check_checksum(self, req, op):
        given = [h for h in CHECKSUMS if req.header(h) is not None]
        if op.http_checksum_required and not given:
            raise Reject(400, "InvalidRequest", f"{op.name} requires a checksum of the body: "
                         "Content-MD5 or an x-amz-checksum-* header (httpChecksumRequired)")
        for h in given:
            want = base64.b64encode(CHECKSUMS[h](req.body)).decode()
            if req.header(h) != want:
                code = "BadDigest" if h == "content-md5" else "InvalidRequest"
                raise Reject(400, code, f"the header {h} is {req.header(h)}, "
                             f"the body's is {want}")

    def check_caller(self, req, account):
        key = req.access_key
        bound = self.credentials[key][2]
        if bound and bound != account:
            raise Reject(403, "AccessDenied", f"the access key {key} is account {bound}'s, "
                         f"not x-amz-account-id {account}'s")

    def check_signature(self, req):
        auth = req.header("Authorization")
        if auth is None:
            if any(k == "X-Amz-Signature" for k, _ in req.query):
                raise Reject(403, "AccessDenied", "presigned URLs are not accepted here")
            raise Reject(403, "AccessDenied", "no Authorization header: anonymous requests "
                         "are refused")
        m = AUTH.fullmatch(auth.strip())
        if not m:
            raise Reject(400, "AuthorizationHeaderMalformed", f"the Authorization header "
                         f"is not AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request"
                         f", SignedHeaders=..., Signature=<64 hex>: {auth}")
        key, date, region, service, signed, signature = m.groups()
        req.access_key = key
        found = self.lookup(key) if self.lookup and key not in self.credentials else None
        if found:
            self.add_credentials(key, *found)
        if key not in self.credentials:
            raise Reject(403, "InvalidAccessKeyId", f"the access key {key} is not known here")
        self.check_scope(req, date, region, service)
        signed = signed.split(";")
        self.check_signed_headers(req, signed)
        self.check_payload_hash(req)
        secret, token, _ = self.credentials[key]
        if token is not None and req.header("x-amz-security-token") != token:
            raise Reject(403, "InvalidToken", f"the access key {key} needs its session token "
                         "in x-amz-security-token")
        self.check_hmac(req, Credentials(key, secret, token), region, service, signed, signature)

    def check_scope(self, req, date, region, service):
        if service != "s3":
            raise Reject(403, "SignatureDoesNotMatch", f"the credential scope's service is "
                         f"'{service}': S3 Control signs as 's3'")
        if region not in self.regions:
            raise Reject(403, "SignatureDoesNotMatch", f"the credential scope's region is "
                         f"'{region}', this endpoint's is '{self.region}'")
        req.region = region
        amz_date = req.header("x-amz-date")
        if amz_date is None or not re.fullmatch(r"[0-9]{8}T[0-9]{6}Z", amz_date):
            raise Reject(403, "AccessDenied", f"x-amz-date is {amz_date!r}, not YYYYMMDDThhmmssZ")
        if amz_date[:8] != date:
            raise Reject(403, "SignatureDoesNotMatch", f"the credential scope's date {date} is "
                         f"not x-amz-date's {amz_date[:8]}")
        t = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc)
        if abs((now() - t).total_seconds()) > self.max_skew:
            raise Reject(403, "RequestTimeTooSkewed", f"x-amz-date {amz_date} is more than "
                         f"{self.max_skew} s from the server's time")
        req.amz_date = amz_date

    def check_signed_headers(self, req, signed):
        if signed != sorted(signed) or len(set(signed)) != len(signed):
            raise Reject(403, "SignatureDoesNotMatch", f"SignedHeaders {';'.join(signed)} "
                         "are not sorted and unique")
        present = {k.lower() for k in req.headers.keys()}
        must = {"host", "x-amz-date", "x-amz-content-sha256"} | {
            h for h in present if h.startswith("x-amz-") or h in ("content-type", "content-md5")}
        missing = sorted(must - set(signed))
        if missing:
            raise Reject(403, "AccessDenied", f"headers not signed: {', '.join(missing)} "
                         "(S3 requires host and every x-amz-* header signed)")
        absent = sorted(set(signed) - present)
        if absent:
            raise Reject(403, "SignatureDoesNotMatch", f"signed headers absent from the "
                         f"request: {', '.join(absent)}")

    def check_payload_hash(self, req):
        given = req.header("x-amz-content-sha256")
        want = hashlib.sha256(req.body).hexdigest()
        if given is None:
            raise Reject(400, "InvalidRequest", "x-amz-content-sha256 is missing (S3 requires "
                         "it with SigV4)")
        if given != want and given != "UNSIGNED-PAYLOAD":
            raise Reject(400, "XAmzContentSHA256Mismatch", f"x-amz-content-sha256 is {given}, "
                         f"the body's SHA-256 is {want}")

    def check_hmac(self, req, creds, region, service, signed, signature):
        aws = AWSRequest(method=req.method, url=f"http://{req.header('Host')}{req.path}",
                         data=req.body)
        aws.headers = HTTPHeaders()
        for k, v in req.headers.items():
            aws.headers[k] = v
        aws.params = req.query
        aws.context["timestamp"] = req.amz_date
        v = Verifier(creds, service, region, signed)
        canonical = v.canonical_request(aws)
        to_sign = v.string_to_sign(aws, canonical)
        if not hmac.compare_digest(v.signature(to_sign, aws), signature):
            raise Reject(403, "SignatureDoesNotMatch", "The request signature we calculated "
                         "does not match the signature you provided. Check your key and "
                         "signing method.",
                         extra=(("StringToSign", to_sign), ("CanonicalRequest", canonical)))

    # -------------------------------------------------------- operations

    def carry_out(self, op, account, params, region=None):
        """(status, output members) of an accepted request."""
        handler = getattr(self, "op_" + op.name, None)
        if handler is None:
            raise Reject(501, "NotImplemented", f"{op.name} is in the model, not in "
                         "s3controlserver")
        with self.lock:
            if op.name in ROUTE_OPERATIONS:
                return handler(account, params, region or self.region)
            return handler(account, params)

    def forward(self, req):
        """(status, content type, body) of req as the backend answers it."""
        import http.client
        u = urllib.parse.urlsplit(self.backend)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        target = req.path + ("?" + req.query_raw if req.query_raw else "")
        conn.request(req.method, target, body=req.body, headers=dict(req.headers.items()))
        resp = conn.getresponse()
        out = (resp.status, resp.getheader("Content-Type") or "application/xml", resp.read())
        conn.close()
        if req.operation == "CreateMultiRegionAccessPoint" and out[0] == 200:
            self.seed_created(req.account, req.body)
        return out

    def seed_created(self, account, body):
        """The routes of a point the backend just created: every bucket
        active, in its region (moto's own report of regions is wrong)."""
        name = re.search(rb"<Name>([^<]+)</Name>", body).group(1).decode()
        with urllib.request.urlopen(self.backend + "/moto-api/data.json", timeout=30) as f:
            state = json.load(f)
        where = {b["name"]: b["region_name"] for b in state["s3"]["FakeBucket"]}
        for p in state.get("s3control", {}).get("MultiRegionAccessPoint", []):
            if p["name"] == name:
                routes = [{"Bucket": r["Bucket"], "Region": where.get(r["Bucket"], r["Region"]),
                           "TrafficDialPercentage": 100} for r in p["regions"]]
                with self.lock:
                    self._routes.setdefault((account, p["alias"]), routes)

    def fail_region(self, region):
        """503 to every request signed for region (None: no more)."""
        with self.lock:
            self.failing_region = region

    def op_CreateJob(self, account, params):
        params = {k: v for k, v in params.items() if k != "AccountId"}
        check_job(params)
        token = params["ClientRequestToken"]
        job_id = self._tokens.get((account, token))
        if job_id:
            if self._jobs[account][job_id]["params"] != params:
                raise Reject(400, "IdempotencyException", f"the ClientRequestToken {token} "
                             "was used for another request")
            return 200, {"JobId": job_id}
        job_id = str(uuid.uuid4())
        self._jobs.setdefault(account, {})[job_id] = {
            "id": job_id, "params": params, "created": time.time()}
        self._tokens[(account, token)] = job_id
        return 200, {"JobId": job_id}

    def find_job(self, account, job_id):
        job = self._jobs.get(account, {}).get(job_id)
        if job is None:
            raise Reject(404, "NoSuchJobException", f"The specified job does not exist: {job_id}")
        return job

    def op_DescribeJob(self, account, params):
        return 200, {"Job": self.describe(account, self.find_job(account, params["JobId"]))}

    def op_ListJobs(self, account, params):
        statuses = params.get("JobStatuses")
        jobs = [j for j in self.jobs(account) if not statuses or j["Status"] in statuses]
        start = decode_token(params.get("NextToken"), len(jobs))
        size = params.get("MaxResults") or 1000
        keep = ("JobId", "Description", "Priority", "Status", "CreationTime",
                "TerminationDate", "ProgressSummary")
        page = [dict({k: j[k] for k in keep if k in j}, Operation=next(iter(j["Operation"])))
                for j in jobs[start:start + size]]
        out = {"Jobs": page}
        if start + size < len(jobs):
            out["NextToken"] = base64.b64encode(f"jobs:{start + size}".encode()).decode()
        return 200, out

    def timeline(self, job):
        """(status, seconds since created, index of the status)."""
        p = job["params"]
        steps = ["New", "Preparing"] + (
            ["Suspended"] if p.get("ConfirmationRequired") else ["Active", self.final])
        age = time.time() - job["created"]
        i = len(steps) - 1 if self.step <= 0 else min(int(age / self.step), len(steps) - 1)
        return steps[i], age, i

    def describe(self, account, job):
        p = job["params"]
        status, age, i = self.timeline(job)
        total, ok, failed = self.progress({"account": account, "JobId": job["id"],
                                           "Status": status, "age": age, "params": p})
        created = datetime.datetime.fromtimestamp(job["created"], datetime.timezone.utc)
        active = 0 if i < 2 else (self.step if status in FINAL else age - 2 * self.step)
        out = {"JobId": job["id"], "ConfirmationRequired": p.get("ConfirmationRequired", False),
               "JobArn": f"arn:aws:s3:{self.region}:{account}:job/{job['id']}",
               "Status": status, "CreationTime": created, "RoleArn": p["RoleArn"],
               "Priority": p["Priority"], "Operation": p["Operation"], "Report": p["Report"],
               "ProgressSummary": {"TotalNumberOfTasks": total, "NumberOfTasksSucceeded": ok,
                                   "NumberOfTasksFailed": failed,
                                   "Timers": {"ElapsedTimeInActiveSeconds": int(active)}}}
        for k in ("Description", "Manifest", "ManifestGenerator"):
            if k in p:
                out[k] = p[k]
        if status in FINAL:
            out["TerminationDate"] = created + datetime.timedelta(seconds=3 * self.step)
        if status == "Failed":
            out["FailureReasons"] = [{"FailureCode": "SimulatedFailure",
                                      "FailureReason": "s3controlserver: final='Failed'"}]
        if status == "Suspended":
            out["SuspendedDate"] = created + datetime.timedelta(seconds=2 * self.step)
            out["SuspendedCause"] = "AwaitingConfirmation"
        return out

    def check_route_region(self, op, region):
        if region not in ROUTE_REGIONS:
            raise Reject(301, "PermanentRedirect", f"This API operation is only available in "
                         f"the following Regions: {', '.join(ROUTE_REGIONS)}. ({op}, asked "
                         f"in {region})")

    def mrap_routes(self, account, mrap):
        routes = self._routes.get((account, mrap_alias(mrap)))
        if routes is None:
            raise Reject(404, "NoSuchMultiRegionAccessPoint", f"no Multi-Region Access Point "
                         f"{mrap} in account {account} (seed it with set_routes)")
        arn = re.match(r"arn:[^:]+:s3::([0-9]{12}):", mrap)
        if arn and arn.group(1) != account:
            raise Reject(403, "AccessDenied", f"{mrap} is not account {account}'s")
        return routes

    def op_GetMultiRegionAccessPointRoutes(self, account, params, region):
        self.check_route_region("GetMultiRegionAccessPointRoutes", region)
        routes = self.mrap_routes(account, params["Mrap"])
        return 200, {"Mrap": params["Mrap"], "Routes": [dict(r) for r in routes]}

    def op_SubmitMultiRegionAccessPointRoutes(self, account, params, region):
        self.check_route_region("SubmitMultiRegionAccessPointRoutes", region)
        routes = [dict(r) for r in self.mrap_routes(account, params["Mrap"])]
        for i, update in enumerate(params["RouteUpdates"], 1):
            apply_route(routes, update, i)
        if not any(r["TrafficDialPercentage"] == 100 for r in routes):
            raise Reject(400, "InvalidRequest", "after these updates no route would be active "
                         "(TrafficDialPercentage 100): one must stay active")
        self._routes[(account, mrap_alias(params["Mrap"]))] = routes
        return 200, {}


def check_job(params):
    """What AWS requires of a job beyond the model."""
    ops = sorted(params["Operation"])
    if len(ops) != 1:
        raise Reject(400, "InvalidRequest", f"CreateJob: /CreateJobRequest/Operation: exactly "
                     f"one operation, not {len(ops)} ({', '.join(ops) or 'none'})")
    given = [k for k in ("Manifest", "ManifestGenerator") if k in params]
    if len(given) != 1:
        raise Reject(400, "InvalidRequest", "CreateJob: /CreateJobRequest: exactly one of "
                     f"Manifest and ManifestGenerator, not {len(given)}")


def apply_route(routes, update, i):
    where = f"RouteUpdates/Route[{i}]"
    if update["TrafficDialPercentage"] not in (0, 100):
        raise Reject(400, "InvalidRequest", f"{where}/TrafficDialPercentage: "
                     f"{update['TrafficDialPercentage']}, not 0 (passive) or 100 (active)")
    if not update.get("Bucket") and not update.get("Region"):
        raise Reject(400, "InvalidRequest", f"{where}: neither Bucket nor Region is given")
    for r in routes:
        if all(update.get(k) in (None, r.get(k)) for k in ("Bucket", "Region")):
            r["TrafficDialPercentage"] = update["TrafficDialPercentage"]
            return
    raise Reject(400, "InvalidRequest", f"{where}: no route of this Multi-Region Access Point "
                 f"has Bucket {update.get('Bucket')} / Region {update.get('Region')}")


def mrap_alias(mrap):
    m = re.fullmatch(r"arn:[^:]+:s3::[0-9]{12}:accesspoint/(.+)", mrap)
    return m.group(1) if m else mrap


def decode_token(token, n):
    if token is None:
        return 0
    try:
        kind, _, start = base64.b64decode(token, validate=True).decode().partition(":")
        if kind == "jobs" and 0 <= int(start) <= n:
            return int(start)
    except ValueError:
        pass
    raise Reject(400, "InvalidNextTokenException", f"the NextToken {token} is not one this "
                 "server gave")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            data = b""
            while True:
                n = int(self.rfile.readline().split(b";")[0], 16)
                data += self.rfile.read(n)
                self.rfile.readline()
                if n == 0:
                    return data
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def reply(self, status, body=b"", request_id="", content_type="application/xml"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if request_id:
            self.send_header("x-amz-request-id", request_id)
            self.send_header("x-amz-id-2", "s3controlserver")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        body = self.read_body()
        if self.path.startswith(CONTROL):
            return self.control(body)
        req = Request(self.command, self.path, self.headers, body)
        req.operation = req.account = req.access_key = None
        srv, request_id = self.server, uuid.uuid4().hex[:16].upper()
        fault = srv.take_fault() or srv.region_fault(self.headers.get("Authorization"))
        if fault:
            srv.record(req, {"operation": srv.operation_of(req),
                             "account": self.headers.get("x-amz-account-id"),
                             "outcome": "faulted", "code": fault,
                             "status": 503 if fault == "unavailable" else None})
            return self.fault(fault, request_id)
        try:
            op, account, params = srv.check(req)
            if srv.backend and not hasattr(srv, "op_" + op.name):
                status, ctype, data = srv.forward(req)
                srv.record(req, {"operation": op.name, "account": account,
                                 "outcome": "forwarded", "status": status, "code": None})
                return self.reply(status, data, request_id, ctype)
            status, out = srv.carry_out(op, account, params, getattr(req, "region", None))
            data = srv.model.serialize(op.output_shape, out) if op.output_shape else b""
        except Reject as e:
            return self.reject(req, e, request_id)
        except Exception as e:  # the server's own bug: answer it, record it
            return self.reject(req, Reject(500, "InternalError", f"{type(e).__name__}: {e}"),
                               request_id)
        srv.record(req, {"operation": op.name, "account": account, "outcome": "accepted",
                         "status": status, "code": None})
        self.reply(status, data, request_id)

    def reject(self, req, e, request_id):
        srv = self.server
        srv.record(req, {"operation": req.operation, "account": req.account,
                         "outcome": "rejected", "status": e.status, "code": e.code,
                         "message": e.message, **dict(e.extra)})
        self.reply(e.status, error_body(e.code, e.message, request_id, srv.error_root, e.extra),
                   request_id)

    def fault(self, fault, request_id):
        if fault == "unavailable":
            return self.reply(503, error_body("ServiceUnavailable", "Service is unable to "
                                              "handle request.", request_id,
                                              self.server.error_root), request_id)
        if fault == "hang":
            time.sleep(self.server.hang_s)
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def control(self, body):
        what = self.path[len(CONTROL):].split("?")[0]
        srv = self.server
        try:
            if what == "state" and self.command == "GET":
                out = srv.state()
            elif what == "config" and self.command == "POST":
                out = configure(srv, json.loads(body or b"{}"))
            else:
                return self.reply(404, b"s3controlserver: no such control\n", "", "text/plain")
        except (ValueError, TypeError, KeyError) as e:
            return self.reply(400, f"{e}\n".encode(), "", "text/plain")
        self.reply(200, json.dumps(out, default=str).encode(), "", "application/json")

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = do_PATCH = handle_any


def configure(srv, settings):
    """Settings from the control URL: fail, fail_count, step, final,
    credentials {key: secret}, routes [{account, mrap, routes}]."""
    if "fail" in settings:
        srv.fail(settings["fail"], settings.get("fail_count"))
    for k in ("step", "final"):
        if k in settings:
            setattr(srv, k, settings[k])
    for key, secret in settings.get("credentials", {}).items():
        srv.add_credentials(key, secret)
    for r in settings.get("routes", []):
        srv.set_routes(r["account"], r["mrap"], r["routes"])
    return {"fault": srv.fault, "step": srv.step, "final": srv.final}


def main(argv):
    ap = argparse.ArgumentParser(description="A strict S3 Control endpoint for the tests.")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--step", type=float, default=0.5)
    ap.add_argument("--credentials", action="append", default=[], metavar="KEY:SECRET")
    a = ap.parse_args(argv)
    srv = S3Control(region=a.region, port=a.port, step=a.step)
    for c in a.credentials:
        srv.add_credentials(*c.split(":", 1))
    print(srv.url, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
