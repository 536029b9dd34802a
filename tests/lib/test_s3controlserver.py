#!/usr/bin/env python3
"""The strict S3 Control endpoint (s3controlserver.py): boto3 creates an
S3ReplicateObject job with a manifest generator, once per ClientRequestToken;
DescribeJob and ListJobs parse with boto3 and show the job reach Complete
with the progress a hook gives; a bad secret, a wrong scope, an unsigned
x-amz-* header and a payload hash that lies are refused 403/400; bodies off
the model (an unknown element, a missing member, a bad enum, a wrong root,
no namespace, a number out of range) are refused 400 with the path and the
rule, sent raw and signed with botocore; MRAP routes round-trip with boto3,
and the failure switch (503, reset) and a second region sharing the routes
work; and the script answers from a shell."""
import http.client
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import crrctest

try:
    import boto3  # noqa: F401
    import botocore.exceptions
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:
    crrctest.missing("the Python module boto3")

import s3controlmodel  # noqa: E402
import s3controlserver  # noqa: E402

A = "123456789012"
B = "210987654321"
NS = "http://awss3control.amazonaws.com/doc/2018-08-20/"
MRAP = f"arn:aws:s3::{A}:accesspoint/mfzwi23gnjvgw.mrap"
ROUTES = [{"Bucket": "crrc-src", "Region": "us-east-1", "TrafficDialPercentage": 100},
          {"Bucket": "crrc-dst", "Region": "us-west-2", "TrafficDialPercentage": 0}]


def job_args(token="tok-1", **over):
    kw = dict(AccountId=A, ConfirmationRequired=False, Operation={"S3ReplicateObject": {}},
              Report={"Bucket": "arn:aws:s3:::crrc-reports", "Format": "Report_CSV_20180820",
                      "Enabled": True, "Prefix": "batch", "ReportScope": "FailedTasksOnly"},
              ClientRequestToken=token, Priority=10,
              RoleArn=f"arn:aws:iam::{A}:role/crrc-batch",
              ManifestGenerator={"S3JobManifestGenerator": {
                  "SourceBucket": "arn:aws:s3:::crrc-src", "EnableManifestOutput": False,
                  "Filter": {"EligibleForReplication": True}}},
              Description="crrc: existing objects of rule r1")
    kw.update(over)
    return kw


def job_xml(root="CreateJobRequest", xmlns=NS, drop=(), report_format="Report_CSV_20180820",
            priority="10", filter_extra=""):
    parts = {
        "ConfirmationRequired": "<ConfirmationRequired>false</ConfirmationRequired>",
        "Operation": "<Operation><S3ReplicateObject/></Operation>",
        "Report": f"<Report><Bucket>arn:aws:s3:::crrc-reports</Bucket>"
                  f"<Format>{report_format}</Format><Enabled>true</Enabled></Report>",
        "ClientRequestToken": "<ClientRequestToken>raw-1</ClientRequestToken>",
        "Priority": f"<Priority>{priority}</Priority>",
        "RoleArn": f"<RoleArn>arn:aws:iam::{A}:role/crrc-batch</RoleArn>",
        "ManifestGenerator": "<ManifestGenerator><S3JobManifestGenerator>"
                             "<SourceBucket>arn:aws:s3:::crrc-src</SourceBucket>"
                             "<EnableManifestOutput>false</EnableManifestOutput>"
                             "<Filter><EligibleForReplication>true</EligibleForReplication>"
                             f"{filter_extra}</Filter>"
                             "</S3JobManifestGenerator></ManifestGenerator>"}
    ns = f' xmlns="{xmlns}"' if xmlns else ""
    body = "".join(v for k, v in parts.items() if k not in drop)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}{ns}>{body}</{root}>'.encode()


def send(url, method, path, body=b"", account=A, headers=None, key="test", secret="test",
         region="us-east-1", service="s3", after=None):
    """A raw request signed with botocore's SigV4 for S3, as crrc sends it
    (the account in x-amz-account-id, not in the host); after(headers) may
    change the headers once signed. (status, error code, message, body)."""
    h = dict(headers or {})
    if account:
        h["x-amz-account-id"] = account
    req = AWSRequest(method=method, url=url + path, data=body, headers=h)
    S3SigV4Auth(Credentials(key, secret), service, region).add_auth(req)
    sent = dict(req.prepare().headers)
    if after:
        after(sent)
    u = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    try:
        c.request(method, path, body=body or None, headers=sent)
        r = c.getresponse()
        data = r.read()
    finally:
        c.close()
    code = message = None
    if r.status >= 300 and data:
        root = ET.fromstring(data)
        code, message = root.findtext("Error/Code"), root.findtext("Error/Message")
    return r.status, code, message, data


class Base(unittest.TestCase):
    def setUp(self):
        self.ctl = s3controlserver.S3Control(region="us-east-1", step=0.1).start()
        self.c = self.ctl.client()

    def tearDown(self):
        self.ctl.stop()

    def last_rejection(self):
        rej = self.ctl.rejections
        self.assertTrue(rej, "nothing was recorded as rejected")
        return rej[-1]

    def assert_rejected(self, status, code, text, got):
        self.assertEqual(got[:2], (status, code), got[2])
        self.assertIn(text, got[2])
        r = self.last_rejection()
        self.assertEqual((r["status"], r["code"], r["message"]), (status, code, got[2]))


class Jobs(Base):
    def test_create_job_once_per_token(self):
        first = self.c.create_job(**job_args())["JobId"]
        again = self.c.create_job(**job_args())["JobId"]
        self.assertEqual(first, again)
        self.assertEqual([j["JobId"] for j in self.ctl.jobs(A)], [first])
        self.assertEqual(self.ctl.jobs(B), [])
        self.assertEqual([(r["operation"], r["account"], r["outcome"]) for r in self.ctl.requests],
                         [("CreateJob", A, "accepted")] * 2)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.c.create_job(**job_args(Priority=11))
        self.assertEqual(e.exception.response["Error"]["Code"], "IdempotencyException")
        other = self.c.create_job(**job_args(token="tok-2"))["JobId"]
        self.assertNotEqual(other, first)
        self.assertEqual(len(self.ctl.jobs(A)), 2)

    def test_describe_and_list_until_complete(self):
        self.ctl.progress = lambda job: (7, 7 if job["Status"] == "Complete" else 3, 0)
        job_id = self.c.create_job(**job_args())["JobId"]
        seen, deadline = [], time.time() + 5
        while time.time() < deadline:
            job = self.c.describe_job(AccountId=A, JobId=job_id)["Job"]
            if not seen or seen[-1] != job["Status"]:
                seen.append(job["Status"])
            if job["Status"] == "Complete":
                break
            time.sleep(0.03)
        self.assertEqual(seen[-1], "Complete", seen)
        self.assertEqual(seen, [s for s in ("New", "Preparing", "Active", "Complete") if s in seen])
        self.assertEqual(job["ProgressSummary"]["TotalNumberOfTasks"], 7)
        self.assertEqual(job["ProgressSummary"]["NumberOfTasksSucceeded"], 7)
        self.assertEqual(job["ManifestGenerator"], job_args()["ManifestGenerator"])
        self.assertEqual(job["Operation"], {"S3ReplicateObject": {}})
        self.assertEqual(job["Report"]["ReportScope"], "FailedTasksOnly")
        self.assertEqual(job["JobArn"], f"arn:aws:s3:us-east-1:{A}:job/{job_id}")
        self.assertIn("TerminationDate", job)
        listed = self.c.list_jobs(AccountId=A, JobStatuses=["Complete"])["Jobs"]
        self.assertEqual([(j["JobId"], j["Operation"], j["Status"]) for j in listed],
                         [(job_id, "S3ReplicateObject", "Complete")])
        self.assertEqual(self.c.list_jobs(AccountId=A, JobStatuses=["Active", "New"])["Jobs"], [])

    def test_list_pages(self):
        made = {self.c.create_job(**job_args(token=f"t{i}"))["JobId"] for i in range(3)}
        page = self.c.list_jobs(AccountId=A, MaxResults=2)
        self.assertEqual(len(page["Jobs"]), 2)
        rest = self.c.list_jobs(AccountId=A, MaxResults=2, NextToken=page["NextToken"])
        self.assertNotIn("NextToken", rest)
        self.assertEqual({j["JobId"] for j in page["Jobs"] + rest["Jobs"]}, made)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.c.list_jobs(AccountId=A, NextToken="bm9wZQ==")
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidNextTokenException")

    def test_confirmation_required_suspends(self):
        job_id = self.c.create_job(**job_args(ConfirmationRequired=True))["JobId"]
        time.sleep(0.45)
        job = self.c.describe_job(AccountId=A, JobId=job_id)["Job"]
        self.assertEqual(job["Status"], "Suspended")

    def test_unknown_job(self):
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.c.describe_job(AccountId=A, JobId="00000000-0000-0000-0000-000000000000")
        self.assertEqual(e.exception.response["Error"]["Code"], "NoSuchJobException")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)


class Signatures(Base):
    def test_bad_secret(self):
        bad = self.ctl.client(secret_key="not-the-secret")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            bad.create_job(**job_args())
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertEqual(e.exception.response["Error"]["Code"], "SignatureDoesNotMatch")
        r = self.last_rejection()
        self.assertEqual((r["operation"], r["account"], r["status"]), ("CreateJob", A, 403))
        self.assertTrue(r["CanonicalRequest"].startswith("POST\n/v20180820/jobs\n"))
        self.assertEqual(self.ctl.jobs(A), [])

    def test_wrong_scope(self):
        path = "/v20180820/jobs"
        self.assert_rejected(403, "SignatureDoesNotMatch", "region is 'us-west-2'",
                             send(self.ctl.url, "GET", path, region="us-west-2"))
        self.assert_rejected(403, "SignatureDoesNotMatch", "service is 's3-control'",
                             send(self.ctl.url, "GET", path, service="s3-control"))
        self.assert_rejected(403, "InvalidAccessKeyId", "AKIDUNKNOWN",
                             send(self.ctl.url, "GET", path, key="AKIDUNKNOWN"))

    def test_registered_key(self):
        self.ctl.add_credentials("AKIDBATCH", "s3cr3t", account=B)
        got = send(self.ctl.url, "GET", "/v20180820/jobs", account=B, key="AKIDBATCH",
                   secret="s3cr3t")
        self.assertEqual(got[0], 200, got[2])
        self.assert_rejected(403, "AccessDenied", "account 210987654321's",
                             send(self.ctl.url, "GET", "/v20180820/jobs", key="AKIDBATCH",
                                  secret="s3cr3t"))

    def test_tampered_requests(self):
        def unsigned_account(h):
            h["x-amz-account-id"] = B

        def extra_header(h):
            h["x-amz-meta-late"] = "1"
        url, path = self.ctl.url, "/v20180820/jobs"
        self.assert_rejected(403, "SignatureDoesNotMatch", "does not match",
                             send(url, "GET", path, after=unsigned_account))
        self.assert_rejected(403, "AccessDenied", "x-amz-meta-late",
                             send(url, "GET", path, after=extra_header))
        self.assert_rejected(400, "XAmzContentSHA256Mismatch", "SHA-256",
                             send(url, "POST", path, job_xml(),
                                  after=lambda h: h.update({"X-Amz-Content-SHA256": "0" * 64})))
        got = send(url, "POST", path, job_xml(), after=lambda h: h.pop("Authorization"))
        self.assert_rejected(403, "AccessDenied", "anonymous", got)


class Bodies(Base):
    path = "/v20180820/jobs"

    def post(self, body, **kw):
        return send(self.ctl.url, "POST", self.path, body, **kw)

    def test_valid_raw_body(self):
        status, _, message, data = self.post(job_xml())
        self.assertEqual(status, 200, message)
        self.assertIn(b"<JobId>", data)
        self.assertEqual(self.ctl.rejections, [])
        self.assertEqual(self.ctl.jobs(A)[0]["Priority"], 10)

    def test_unknown_element(self):
        self.assert_rejected(
            400, "InvalidRequest",
            "/CreateJobRequest/ManifestGenerator/S3JobManifestGenerator/Filter/Bogus: "
            "unknown element: JobManifestGeneratorFilter has no member 'Bogus'",
            self.post(job_xml(filter_extra="<Bogus>1</Bogus>")))

    def test_missing_required(self):
        self.assert_rejected(400, "InvalidRequest", "/CreateJobRequest: the required member "
                             "RoleArn of CreateJobRequest is missing",
                             self.post(job_xml(drop=("RoleArn",))))

    def test_bad_enum(self):
        self.assert_rejected(400, "InvalidRequest", "/CreateJobRequest/Report/Format: 'CSV' is "
                             "not a valid JobReportFormat (one of Report_CSV_20180820)",
                             self.post(job_xml(report_format="CSV")))

    def test_wrong_root(self):
        self.assert_rejected(400, "InvalidRequest", "/CreateJob: the root element must be "
                             f'<CreateJobRequest xmlns="{NS}">',
                             self.post(job_xml(root="CreateJob")))
        self.assert_rejected(400, "InvalidRequest", "/CreateJobRequest: the element is in the "
                             f"namespace '', not '{NS}'", self.post(job_xml(xmlns=None)))

    def test_types(self):
        self.assert_rejected(400, "InvalidRequest", "/CreateJobRequest/Priority: -1 is out of "
                             "the range [0, 2147483647] of JobPriority",
                             self.post(job_xml(priority="-1")))
        self.assert_rejected(400, "InvalidRequest", "/CreateJobRequest/Priority: 'high' is not "
                             "an integer", self.post(job_xml(priority="high")))
        self.assert_rejected(400, "MalformedXML", "not well-formed",
                             self.post(job_xml()[:-5]))
        self.assert_rejected(400, "InvalidRequest", "exactly one of Manifest and "
                             "ManifestGenerator, not 0",
                             self.post(job_xml(drop=("ManifestGenerator",))))

    def test_headers_and_query(self):
        url = self.ctl.url
        self.assert_rejected(400, "InvalidRequest", "the header x-amz-account-id",
                             self.post(job_xml(), account=None))
        self.assert_rejected(400, "InvalidRequest", "header x-amz-account-id: '1234' does not "
                             "match the pattern", self.post(job_xml(), account="1234"))
        self.assert_rejected(400, "InvalidRequest", "query parameter 'status': ListJobsRequest "
                             "defines no such parameter",
                             send(url, "GET", "/v20180820/jobs?status=Active"))
        self.assert_rejected(400, "InvalidRequest", "query parameter 'jobStatuses'[1]: 'Done' "
                             "is not a valid JobStatus",
                             send(url, "GET", "/v20180820/jobs?jobStatuses=Done"))
        self.assert_rejected(400, "InvalidRequest", "URI label {id}: 3 characters, fewer than "
                             "the minimum 5", send(url, "GET", "/v20180820/jobs/abc"))
        self.assert_rejected(400, "InvalidRequest", "DELETE /v20180820/jobs: the method is not "
                             "allowed", send(url, "DELETE", "/v20180820/jobs"))

    def test_host_prefix_is_the_account(self):
        got = send(self.ctl.url, "GET", "/v20180820/jobs",
                   headers={"Host": f"{B}.127.0.0.1:{self.ctl.server_address[1]}"})
        self.assert_rejected(400, "InvalidRequest", f"account prefix {B}", got)

    def test_error_shape(self):
        _, _, _, data = self.post(job_xml(report_format="CSV"))
        root = ET.fromstring(data)
        self.assertEqual(root.tag, "ErrorResponse")
        self.assertEqual([c.tag for c in root], ["Error", "RequestId", "HostId"])
        self.assertEqual([c.tag for c in root.find("Error")], ["Code", "Message"])
        self.ctl.error_root = "Error"  # S3's form: boto3 reads it as well
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.c.describe_job(AccountId=A, JobId="00000000-0000-0000-0000-000000000000")
        self.assertEqual(e.exception.response["Error"]["Code"], "NoSuchJobException")
        self.assertIn("does not exist", e.exception.response["Error"]["Message"])


class Routes(Base):
    def setUp(self):
        super().setUp()
        self.ctl.set_routes(A, MRAP, ROUTES)

    def routes(self, client=None):
        got = (client or self.c).get_multi_region_access_point_routes(AccountId=A, Mrap=MRAP)
        return {r["Region"]: r["TrafficDialPercentage"] for r in got["Routes"]}

    def test_submit_and_get(self):
        self.assertEqual(self.routes(), {"us-east-1": 100, "us-west-2": 0})
        self.c.submit_multi_region_access_point_routes(
            AccountId=A, Mrap=MRAP, RouteUpdates=[
                {"Region": "us-west-2", "TrafficDialPercentage": 100},
                {"Bucket": "crrc-src", "TrafficDialPercentage": 0}])
        self.assertEqual(self.routes(), {"us-east-1": 0, "us-west-2": 100})
        self.assertEqual(self.ctl.routes(A, "mfzwi23gnjvgw.mrap")[1]["TrafficDialPercentage"], 100)

    def test_bad_updates(self):
        for dial, text in ((50, "not 0 (passive) or 100"), (0, "no route would be active")):
            with self.assertRaises(botocore.exceptions.ClientError) as e:
                self.c.submit_multi_region_access_point_routes(
                    AccountId=A, Mrap=MRAP,
                    RouteUpdates=[{"Region": "us-east-1", "TrafficDialPercentage": dial}])
            self.assertIn(text, e.exception.response["Error"]["Message"])
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.c.get_multi_region_access_point_routes(AccountId=A, Mrap="unknown.mrap")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_failure_switch(self):
        self.ctl.fail("unavailable")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.routes()
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 503)
        self.ctl.fail("reset")
        with self.assertRaises(botocore.exceptions.BotoCoreError):
            self.routes()
        self.ctl.fail(None)
        self.assertEqual(self.routes(), {"us-east-1": 100, "us-west-2": 0})
        self.ctl.fail("hang", count=1, hang_s=0.5)
        with self.assertRaises(botocore.exceptions.ReadTimeoutError):
            self.routes(self.ctl.client(read_timeout=0.2))
        self.ctl.fail("unavailable", count=1)
        with self.assertRaises(botocore.exceptions.ClientError):
            self.routes()
        self.assertEqual(self.routes()["us-east-1"], 100)
        faulted = [(r["operation"], r["account"], r["code"]) for r in self.ctl.requests
                   if r["outcome"] == "faulted"]
        op = "GetMultiRegionAccessPointRoutes"
        self.assertEqual(faulted, [(op, A, "unavailable"), (op, A, "reset"), (op, A, "hang"),
                                   (op, A, "unavailable")])

    def test_another_region_shares_the_routes(self):
        with s3controlserver.S3Control(region="us-west-2", routes_from=self.ctl) as west:
            self.ctl.fail("unavailable")
            self.assertEqual(self.routes(west.client()), {"us-east-1": 100, "us-west-2": 0})
        with s3controlserver.S3Control(region="eu-central-1", routes_from=self.ctl) as far:
            with self.assertRaises(botocore.exceptions.ClientError) as e:
                self.routes(far.client())
            self.assertEqual(e.exception.response["Error"]["Code"], "PermanentRedirect")


class Tooling(unittest.TestCase):
    def test_every_model_pattern_compiles(self):
        service = s3controlmodel.Model().service
        for name in service.shape_names:
            pattern = service.shape_for(name).metadata.get("pattern")
            if pattern:
                s3controlmodel.compile_pattern(pattern)
        tag = s3controlmodel.compile_pattern(r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$")
        self.assertTrue(tag.search("Équipe 42"))
        self.assertFalse(tag.search("a*b"))

    def test_script(self):
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "s3controlserver.py")
        p = subprocess.Popen([sys.executable, script, "--port", "0", "--credentials", "K:S"],
                             stdout=subprocess.PIPE, text=True)
        try:
            url = p.stdout.readline().strip()
            status = send(url, "GET", "/v20180820/jobs", key="K", secret="S")[0]
            self.assertEqual(status, 200)
            req = urllib.request.Request(url + "/__s3control/config", method="POST",
                                         data=json.dumps({"fail": "unavailable"}).encode())
            urllib.request.urlopen(req, timeout=10).read()
            self.assertEqual(send(url, "GET", "/v20180820/jobs", key="K", secret="S")[0], 503)
            with urllib.request.urlopen(url + "/__s3control/state", timeout=10) as r:
                state = json.load(r)
            self.assertEqual([x["outcome"] for x in state["requests"]], ["accepted", "faulted"])
        finally:
            p.terminate()
            p.wait(timeout=10)
            p.stdout.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
