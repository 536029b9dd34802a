#!/usr/bin/env python3
"""The fault-injecting proxy (faultproxy.py) and the moto fixture
(motoserver.py), against a real moto_server: requests pass through intact
(bodies, HEAD, keep-alive) and are counted at the proxy and at moto alike;
each fault does what it says: SlowDown and 500 in S3's XML and Throttling
in IAM's, a reset, a delay, and a lost response whose request moto really
carried out; the deny rule by path and by Host; fractions that hold with a
seed and repeat with it; settings changed at runtime through the control
URL; and moto's patched GetBucketReplication answering what was put."""
import hashlib
import http.client
import json
import os
import random
import sys
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

import faultproxy
import motoserver

# moto checks no signature, but refuses anonymous object reads.
S3_AUTH = ("AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/s3/aws4_request, "
           "SignedHeaders=host, Signature=0")
IAM_AUTH = S3_AUTH.replace("/s3/", "/iam/")


def request(url, method, path, body=None, headers=None, conn=None):
    """(status, headers, body) or the exception; conn is reused if given."""
    u = urllib.parse.urlsplit(url)
    c = conn or http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        c.request(method, path, body=body, headers={"Authorization": S3_AUTH, **(headers or {})})
        r = c.getresponse()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
    except (OSError, http.client.HTTPException) as e:
        c.close()
        return e
    finally:
        if conn is None:
            c.close()


def code_of(body):
    root = ET.fromstring(body)
    return (root.findtext("Code") or
            root.findtext("{*}Error/{*}Code") or root.findtext("Error/Code"))


class FaultProxyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.moto = motoserver.Moto().start()

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()

    def setUp(self):
        self.moto.reset()
        self.proxy = faultproxy.FaultProxy(self.moto.url, seed=1).start()
        self.moto.reset_counts()

    def tearDown(self):
        self.proxy.stop()

    def bucket_exists(self, name):
        return request(self.moto.url, "HEAD", f"/{name}")[0] == 200

    def test_pass_through(self):
        url = self.proxy.url
        u = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        self.assertEqual(request(url, "PUT", "/plain", conn=conn)[0], 200)
        data = random.Random(3).randbytes(3 << 20)
        self.assertEqual(request(url, "PUT", "/plain/key%20with%20space", data, conn=conn)[0], 200)
        status, headers, got = request(url, "GET", "/plain/key%20with%20space", conn=conn)
        self.assertEqual(status, 200)
        self.assertEqual(hashlib.sha256(got).digest(), hashlib.sha256(data).digest())
        status, headers, got = request(url, "HEAD", "/plain/key%20with%20space", conn=conn)
        self.assertEqual((status, headers["content-length"], got), (200, str(len(data)), b""))
        self.assertEqual(request(url, "GET", "/nope", conn=conn)[0], 404)
        conn.close()
        want = {"PUT": 2, "GET": 2, "HEAD": 1}
        self.assertEqual(self.proxy.stats(), {"requests": want, "forwarded": want,
                                              "faulted": {}, "faults": {}})
        counts = self.moto.counts()
        self.assertEqual(counts["by_method"], want)
        self.assertEqual((counts["reads"], counts["writes"]), (3, 2))

    def test_slowdown_and_internal(self):
        self.proxy.configure(slowdown=1.0)
        status, _, body = request(self.proxy.url, "PUT", "/slow")
        self.assertEqual((status, code_of(body)), (503, "SlowDown"))
        status, _, body = request(self.proxy.url, "POST", "/",
                                  "Action=CreateRole&Version=2010-05-08",
                                  {"Authorization": IAM_AUTH,
                                   "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual((status, code_of(body)), (400, "Throttling"))
        self.assertTrue(ET.fromstring(body).tag.endswith("ErrorResponse"))
        self.proxy.configure(slowdown=0.0, internal=1.0)
        status, _, body = request(self.proxy.url, "PUT", "/slow")
        self.assertEqual((status, code_of(body)), (500, "InternalError"))
        status, headers, body = request(self.proxy.url, "HEAD", "/slow")
        self.assertEqual((status, body), (500, b""))
        self.assertFalse(self.bucket_exists("slow"))
        self.assertEqual(self.moto.counts()["by_method"], {"HEAD": 1})  # ours, just now
        s = self.proxy.stats()
        self.assertEqual(s["faults"], {"slowdown": 2, "internal": 2})
        self.assertEqual(s["forwarded"], {})

    def test_reset(self):
        self.proxy.configure(reset=1.0)
        self.assertIsInstance(request(self.proxy.url, "PUT", "/reset"), OSError)
        self.assertFalse(self.bucket_exists("reset"))

    def test_lost_response_was_applied(self):
        self.proxy.configure(lose=1.0)
        self.assertIsInstance(request(self.proxy.url, "PUT", "/lost"), OSError)
        self.proxy.configure(lose=0.0)
        self.assertEqual(request(self.proxy.url, "HEAD", "/lost")[0], 200)
        self.assertTrue(self.bucket_exists("lost"))
        s = self.proxy.stats()
        self.assertEqual(s["faults"], {"lose": 1})
        self.assertEqual(s["forwarded"], {"PUT": 1, "HEAD": 1})
        self.assertEqual(s["faulted"], {"PUT": 1})
        self.assertEqual(self.moto.counts()["by_method"], {"PUT": 1, "HEAD": 2})

    def test_delay(self):
        self.proxy.configure(delay=1.0, delay_ms=300)
        t = time.monotonic()
        self.assertEqual(request(self.proxy.url, "PUT", "/later")[0], 200)
        self.assertGreaterEqual(time.monotonic() - t, 0.3)
        self.assertTrue(self.bucket_exists("later"))

    def test_deny(self):
        self.proxy.configure(deny=["forbidden"])
        status, _, body = request(self.proxy.url, "PUT", "/a-forbidden-bucket")
        self.assertEqual((status, code_of(body)), (403, "AccessDenied"))
        status, _, body = request(self.proxy.url, "PUT", "/x",
                                  headers={"Host": "forbidden.s3.amazonaws.com"})
        self.assertEqual(status, 403)
        self.assertEqual(request(self.proxy.url, "PUT", "/allowed")[0], 200)
        self.assertFalse(self.bucket_exists("a-forbidden-bucket"))
        self.assertEqual(self.proxy.stats()["faults"], {"deny": 2})

    def outcomes(self, n):
        out = []
        for i in range(n):
            r = request(self.proxy.url, "GET", "/")
            out.append("error" if isinstance(r, Exception) else r[0])
        return out

    def test_fractions_and_seed(self):
        self.proxy.configure(slowdown=0.2, internal=0.1, reset=0.1, seed=7)
        first = self.outcomes(300)
        s = self.proxy.stats()
        self.assertEqual(s["requests"], {"GET": 300})
        f = s["faults"]
        self.assertTrue(40 <= f["slowdown"] <= 80, f)
        self.assertTrue(15 <= f["internal"] <= 45, f)
        self.assertTrue(15 <= f["reset"] <= 45, f)
        self.assertEqual(first.count(503), f["slowdown"])
        self.assertEqual(first.count(500), f["internal"])
        self.assertEqual(first.count("error"), f["reset"])
        self.assertEqual(s["forwarded"]["GET"], first.count(200))
        self.assertEqual(self.moto.counts()["by_method"].get("GET"), first.count(200))
        self.proxy.configure(seed=7)  # the same seed: the same faults
        self.assertEqual(self.outcomes(300), first)

    def test_control_url(self):
        base = self.proxy.url + faultproxy.CONTROL
        status, _, body = request(base, "POST", faultproxy.CONTROL + "config",
                                  json.dumps({"internal": 1.0}))
        self.assertEqual((status, json.loads(body)["internal"]), (200, 1.0))
        self.assertEqual(request(self.proxy.url, "GET", "/")[0], 500)
        status, _, body = request(base, "GET", faultproxy.CONTROL + "stats")
        self.assertEqual(json.loads(body)["faults"], {"internal": 1})
        self.assertEqual(request(base, "POST", faultproxy.CONTROL + "config",
                                 json.dumps({"nonsense": 1}))[0], 400)
        self.assertEqual(request(base, "POST", faultproxy.CONTROL + "config",
                                 json.dumps({"lose": 0.5, "reset": 0.6}))[0], 400)
        self.assertEqual(request(base, "POST", faultproxy.CONTROL + "reset")[0], 200)
        status, _, body = request(base, "GET", faultproxy.CONTROL + "stats")
        self.assertEqual(json.loads(body)["requests"], {})

    def test_patched_replication(self):
        """moto as the fixture runs it answers GetBucketReplication with
        what was put, not moto's fixed filter."""
        url = self.proxy.url
        for b in ("src", "dst"):
            self.assertEqual(request(url, "PUT", f"/{b}")[0], 200)
            self.assertEqual(request(url, "PUT", f"/{b}?versioning",
                                     b'<VersioningConfiguration><Status>Enabled</Status>'
                                     b'</VersioningConfiguration>')[0], 200)
        conf = (b'<ReplicationConfiguration><Role>arn:aws:iam::123456789012:role/r</Role>'
                b'<Rule><ID>r1</ID><Priority>1</Priority><Status>Enabled</Status>'
                b'<Filter><Prefix>logs/</Prefix></Filter>'
                b'<DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication>'
                b'<Destination><Bucket>arn:aws:s3:::dst</Bucket></Destination></Rule>'
                b'</ReplicationConfiguration>')
        self.assertEqual(request(url, "PUT", "/src?replication", conf)[0], 200)
        status, _, body = request(url, "GET", "/src?replication")
        self.assertEqual(status, 200)
        root = ET.fromstring(body)
        self.assertEqual(root.findtext(".//{*}Filter/{*}Prefix") or
                         root.findtext(".//Filter/Prefix"), "logs/")


if __name__ == "__main__":
    motoserver.require()
    unittest.main(verbosity=2)
