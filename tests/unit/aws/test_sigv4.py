"""test_sigv4: crrc's SigV4 signer (compiler/aws/sigv4.c) against botocore.

Every request below is described once, signed by sign_dump (the C signer,
argv[1]) and by botocore's SigV4Auth / S3SigV4Auth at the same fixed time,
and the two must agree on every header the signature makes (Authorization,
X-Amz-Date, x-amz-content-sha256, x-amz-security-token), on Host, on
Content-MD5, and on the URL (path encoded as botocore's S3 serializer does,
query in canonical order). A second botocore signature from the URL crrc
sends (query parsed from the URL, not from parameters) must agree too: what
the server canonicalises is what was signed.

Covered: S3 bucket sub-resources (valueless ?versioning, ?replication, ...),
unsorted and repeated query parameters, object keys with spaces, '+', '~',
'%', unicode and dot segments (never normalised for S3), PUT bodies with
Content-MD5, HEAD and DELETE, path-style and virtual-host, non-default and
default ports, S3 Control, session tokens, IAM and STS form posts, paths
of other services (normalised and encoded twice), four partitions' regions,
and a few hundred random requests from a fixed seed."""
import base64
import datetime
import hashlib
import json
import random
import subprocess
import sys
import unittest
from unittest import mock

try:
    from botocore.auth import S3SigV4Auth, SigV4Auth, _host_from_url
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from botocore.utils import percent_encode
except ImportError:  # pragma: no cover
    print("botocore is not installed", file=sys.stderr)
    sys.exit(77)

SIGN_DUMP = sys.argv.pop(1) if len(sys.argv) > 1 else None

KEY_ID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = ("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJGMEQCIBw+/=" * 12)[:700]
T0 = 1440938160  # 2015-08-30T12:36:00Z, the AWS test suite's time

REGIONS = ["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"]


def suffix(region):
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"


def s3_host(region, bucket=None):
    h = f"s3.{region}.{suffix(region)}"
    return f"https://{bucket}.{h}" if bucket else f"https://{h}"


def creds(token):
    return {"id": KEY_ID, "secret": SECRET, "token": TOKEN if token else None}


def s3(method, region, path_raw, query=(), headers=(), body=None, md5=False, token=False,
       vhost=True, endpoint=None, time=T0):
    bucket = "crrc-bucket-1"
    if endpoint is None:
        endpoint = s3_host(region, bucket if vhost else None)
    if endpoint and not vhost:
        path_raw = f"/{bucket}{path_raw}" if path_raw != "/" else f"/{bucket}"
    return {"method": method, "endpoint": endpoint, "path_raw": path_raw,
            "query": [list(q) for q in query], "headers": [list(h) for h in headers],
            "body": body, "content_md5": md5, "region": region, "service": "s3",
            "creds": creds(token), "time": time}


def form(service, endpoint, region, params, token=False, time=T0):
    body = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in params)
    return {"method": "POST", "endpoint": endpoint, "path": "/", "query": [],
            "headers": [["Content-Type",
                         "application/x-www-form-urlencoded; charset=utf-8"]],
            "body": body, "content_md5": False, "region": region, "service": service,
            "creds": creds(token), "time": time}


REPLICATION = ('<?xml version="1.0" encoding="UTF-8"?><ReplicationConfiguration '
               'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Role>arn:aws:iam::'
               '111122223333:role/crrc-r</Role><Rule><ID>r1</ID><Priority>1</Priority>'
               '<Status>Enabled</Status><Filter><Prefix>logs/</Prefix></Filter>'
               '<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication>'
               '<Destination><Bucket>arn:aws:s3:::dst</Bucket></Destination></Rule>'
               '</ReplicationConfiguration>')
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "crrc", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"},
    "Action": ["s3:ReplicateObject"], "Resource": "arn:aws:s3:::b/*"}]})
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})
KEYS = ["/a b.txt", "/a+b", "/x~y", "/dir/ünïcødé/日本語.txt", "/100%", "/50%25off",
        "/weird!*'()&$@=;:,?# key", "/a//b/./c/../d", "/trailing/", "/emoji 🎉.bin",
        "/tab\there", "/plus+and space+"]


def s3_cases():
    out = []
    for region in REGIONS:
        for token in (False, True):
            for vhost in (True, False):
                kw = {"token": token, "vhost": vhost}
                for sub in ("versioning", "replication", "tagging", "policy", "encryption",
                            "object-lock", "location"):
                    out.append(s3("GET", region, "/", [(sub, None)], **kw))
                out.append(s3("GET", region, "/", [("prefix", "a b"), ("max-keys", "5"),
                                                   ("list-type", "2")], **kw))
                out.append(s3("GET", region, "/", [("list-type", "2"), ("continuation-token",
                              "1+a/b=c=="), ("start-after", "ü/é"), ("delimiter", "/")], **kw))
                out.append(s3("HEAD", region, "/", **kw))
                out.append(s3("PUT", region, "/", [("replication", None)],
                              [("Content-Type", "application/xml")], REPLICATION, True, **kw))
                out.append(s3("PUT", region, "/", [("versioning", None)], [],
                              '<VersioningConfiguration><Status>Enabled</Status>'
                              '</VersioningConfiguration>', True, **kw))
                out.append(s3("PUT", region, "/", [("policy", None)], [], POLICY, True, **kw))
                out.append(s3("PUT", region, "/", [("tagging", None)], [],
                              '<Tagging><TagSet><Tag><Key>crrc:spec</Key><Value>a b</Value>'
                              '</Tag></TagSet></Tagging>', True, **kw))
                out.append(s3("DELETE", region, "/", [("replication", None)], **kw))
                for key in KEYS:
                    out.append(s3("GET", region, key, **kw))
                    out.append(s3("HEAD", region, key, [("versionId", "3/L4kqtJl+cjrVT=")], **kw))
                out.append(s3("PUT", region, "/obj ect+1", [], [
                    ("Content-Type", "  text/plain;   charset=utf-8 "),
                    ("x-amz-meta-Color", "blue\t and  green"), ("x-amz-meta-colour", "x"),
                    ("X-Amz-Tagging", "a=b&c=d e"), ("User-Agent", "crrc/0.1"),
                    ("x-amz-storage-class", "STANDARD_IA")], "hello\n", True, **kw))
                out.append(s3("PUT", region, "/empty", [], [], "", True, **kw))
    # Endpoints given: moto on a port, default ports, upper case.
    for ep in ("http://127.0.0.1:5000", "http://localhost:80", "https://s3.eu-west-1."
               "amazonaws.com:443", "https://S3.EU-WEST-1.AmazonAWS.com", "http://[::1]:4566",
               "https://s3.eu-west-1.amazonaws.com:8443"):
        for token in (False, True):
            out.append(s3("GET", "eu-west-1", "/", [("versioning", None)], endpoint=ep,
                          vhost=False, token=token))
            out.append(s3("PUT", "eu-west-1", "/", [("replication", None)], [], REPLICATION,
                          True, endpoint=ep, vhost=False, token=token))
            out.append(s3("GET", "eu-west-1", "/k e+y~", endpoint=ep, vhost=False, token=token))
    # S3 Control, signed as s3.
    for region in REGIONS:
        c = s3("POST", region, "/v20180820/jobs", [], [("x-amz-account-id", "111122223333"),
               ("Content-Type", "application/xml")], "<CreateJobRequest/>", True,
               endpoint=f"https://111122223333.s3-control.{region}.{suffix(region)}")
        out.append(c)
    return out


def query_api_cases():
    out = []
    iam = {"us-east-1": "https://iam.amazonaws.com",
           "cn-north-1": "https://iam.cn-north-1.amazonaws.com.cn",
           "us-gov-west-1": "https://iam.us-gov.amazonaws.com"}
    for region, ep in iam.items():
        for token in (False, True):
            out.append(form("iam", ep, region, [
                ("Action", "CreateRole"), ("RoleName", "crrc-repl-a"),
                ("AssumeRolePolicyDocument", TRUST), ("Path", "/crrc/"),
                ("Tags.member.1.Key", "crrc:spec"), ("Tags.member.1.Value", "my spec.yaml"),
                ("Version", "2010-05-08")], token))
            out.append(form("iam", ep, region, [
                ("Action", "PutRolePolicy"), ("RoleName", "r"), ("PolicyName", "p"),
                ("PolicyDocument", POLICY), ("Version", "2010-05-08")], token))
            out.append(form("iam", ep, region, [("Action", "GetRole"), ("RoleName", "r"),
                                                ("Version", "2010-05-08")], token))
    for region in REGIONS:
        ep = f"https://sts.{region}.{suffix(region)}"
        for token in (False, True):
            out.append(form("sts", ep, region, [("Action", "GetCallerIdentity"),
                                                ("Version", "2011-06-15")], token))
            out.append(form("sts", ep, region, [
                ("Action", "AssumeRole"), ("RoleArn", "arn:aws:iam::111122223333:role/x"),
                ("RoleSessionName", "crrc-1700000000"), ("ExternalId", "ext+id/=1"),
                ("DurationSeconds", "3600"), ("Version", "2011-06-15")], token))
    # Paths of other services: normalised, then encoded once more.
    for path in ("/a%20b/../c//d%2Fe/", "/./x/./y", "/..", "//", "/~user/a-b_c.d",
                 "/%E2%82%AC/", "/a b"):
        c = form("execute-api", "https://abc.execute-api.eu-west-1.amazonaws.com",
                 "eu-west-1", [("x", "1")])
        c.update(path=path, method="GET", body=None, query=[["q", "a b"], ["p", None]])
        out.append(c)
    return out


def vector_cases():
    """The AWS SigV4 test suite's get-vanilla, and times of other years."""
    c = {"method": "GET", "endpoint": "https://example.amazonaws.com", "path": "/",
         "query": [], "headers": [], "body": None, "content_md5": False,
         "region": "us-east-1", "service": "service", "creds": creds(False), "time": T0}
    out = [c]
    for t in (0, 951782399, 1709251199, 2147483648, 4102444800):
        out.append(dict(c, time=t))
        out.append(s3("GET", "eu-west-1", "/k", [("tagging", None)], time=t))
    return out


def random_cases(n, seed=12):
    rng = random.Random(seed)
    alphabet = "abcXYZ019-_.~ !\"#$%&'()*+,/:;<=>?@[\\]^`{|}éü日🎉\t"

    def word(lo=0, hi=12):
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))

    out = []
    for _ in range(n):
        region = rng.choice(REGIONS)
        query = [(word(1), rng.choice([None, word()])) for _ in range(rng.randint(0, 6))]
        if query and rng.random() < 0.3:
            query.append((query[0][0], word()))  # a repeated name
        headers = [(f"x-amz-meta-{rng.choice(['a', 'B', 'ab', 'a-b'])}{i}",
                    word(1).replace("\t", " ")) for i in range(rng.randint(0, 3))]
        body = word(0, 40) if rng.random() < 0.5 else None
        c = s3(rng.choice(["GET", "PUT", "HEAD", "DELETE", "POST"]), region, "/" + word(0, 30),
               query, headers, body, md5=body is not None and rng.random() < 0.7,
               token=rng.random() < 0.5, vhost=rng.random() < 0.5,
               time=rng.randint(0, 4102444800))
        if rng.random() < 0.25:
            c["service"] = rng.choice(["sts", "iam"])
            c.pop("path_raw")
            c["path"] = "/" + percent_encode(word(0, 10), safe="/~")
        out.append(c)
    return out


def sign_dump(cases):
    text = "".join(json.dumps(c) + "\n" for c in cases)
    res = subprocess.run([SIGN_DUMP], input=text, capture_output=True, text=True, check=True)
    return [json.loads(line) for line in res.stdout.splitlines()]


def path_of(c):
    if "path_raw" in c:
        return percent_encode(c["path_raw"], safe="/~")
    return c["path"]


def botocore_sign(c, url=None):
    """botocore's signature of c: params as parameters, or the URL given."""
    headers = {k: v for k, v in c["headers"]}
    body = (c["body"] or "").encode("utf-8")
    if c["content_md5"]:
        headers["Content-MD5"] = base64.b64encode(hashlib.md5(body).digest()).decode()
    params = [(k, "" if v is None else v) for k, v in c["query"]]
    if url is None:
        req = AWSRequest(c["method"], c["endpoint"] + path_of(c), headers=headers, data=body,
                         params=params)
    else:
        req = AWSRequest(c["method"], url, headers=headers, data=body)
    cr = Credentials(c["creds"]["id"], c["creds"]["secret"], c["creds"]["token"])
    cls = S3SigV4Auth if c["service"] == "s3" else SigV4Auth
    now = datetime.datetime.fromtimestamp(c["time"], tz=datetime.timezone.utc)
    with mock.patch("botocore.auth.get_current_datetime", return_value=now):
        signer = cls(cr, c["service"], c["region"])
        signer.add_auth(req)
    return req, signer


SIGNATURE_HEADERS = ("authorization", "x-amz-date", "x-amz-content-sha256",
                     "x-amz-security-token", "content-md5")


class SigV4(unittest.TestCase):
    compared = 0

    def compare(self, cases):
        results = sign_dump(cases)
        self.assertEqual(len(results), len(cases))
        for c, got in zip(cases, results):
            with self.subTest(case=json.dumps(c, ensure_ascii=False)[:300]):
                self.assertNotIn("error", got)
                req, signer = botocore_sign(c)
                mine = {k.lower(): v for k, v in got["headers"].items()}
                theirs = {k.lower(): v for k, v in req.headers.items()}
                for h in SIGNATURE_HEADERS:
                    self.assertEqual(mine.get(h), theirs.get(h), f"{h}; canonical request:\n"
                                     f"{got['canonical']}\n--- botocore:\n"
                                     f"{signer.canonical_request(req)}")
                self.assertEqual(mine["host"], _host_from_url(req.url))
                query = signer.canonical_query_string(req)
                self.assertEqual(got["url"], req.url + ("?" + query if query else ""))
                # What a server canonicalises from the URL sent is what was signed.
                req2, _ = botocore_sign(c, url=got["url"])
                self.assertEqual(req2.headers["Authorization"], mine["authorization"])
                SigV4.compared += 1

    def test_s3(self):
        self.compare(s3_cases())

    def test_iam_sts_and_other_paths(self):
        self.compare(query_api_cases())

    def test_vectors(self):
        self.compare(vector_cases())
        got = sign_dump(vector_cases()[:1])[0]
        self.assertEqual(got["headers"]["Authorization"],
                         "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                         "aws4_request, SignedHeaders=host;x-amz-date, Signature="
                         "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")

    def test_random(self):
        self.compare(random_cases(400))

    @classmethod
    def tearDownClass(cls):
        print(f"\n{cls.compared} requests compared with botocore", file=sys.stderr)


if __name__ == "__main__":
    if not SIGN_DUMP:
        sys.exit("usage: test_sigv4.py SIGN_DUMP")
    unittest.main(verbosity=2)
