#!/usr/bin/env python3
"""The replication engine beside moto (motopatch/replication_engine.py, a
stand-in for S3's replication), with boto3 against one moto_server: a
matching object is copied (bytes, ETag, size, version id, metadata, tags)
and marked COMPLETED, its replica REPLICA; a key no rule matches, or made
before the configuration, gets no status; rule priority into one
destination (the storage class tells which rule won); tag filters; delete
markers only when the rule says so, and never a deleted version; a paused
engine leaves PENDING; FAILED for a role that may not ReplicateObject, a
missing role, one that does not trust S3, an unversioned destination, and
another account's destination without a bucket policy (COMPLETED with
one); two-way replication without ping-pong; SSE-KMS objects only with
SseKmsEncryptedObjects, with the replica key. Needs moto_server and boto3:
missing, it skips (fails when CI is set)."""
import importlib.util
import json
import time
import unittest
import urllib.parse

import crrctest
import motoserver

DELAY = 0.2      # seconds between a version appearing and its replication
PATIENCE = 10    # seconds to wait for the engine's decision
ACCOUNT = "123456789012"   # moto's default account
OTHER = "222233334444"
REGION = "us-east-1"

SOURCE_ACTIONS = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl",
                  "s3:GetObjectVersionTagging"]
DEST_ACTIONS = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]
S3_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def rule(rid, dest, prefix="", priority=1, tags=None, delete_markers=False, **dest_extra):
    f = {"Prefix": prefix}
    if tags:
        tagset = [{"Key": k, "Value": v} for k, v in tags.items()]
        f = {"And": {"Prefix": prefix, "Tags": tagset}} if prefix or len(tagset) > 1 \
            else {"Tag": tagset[0]}
    sse = dest_extra.pop("sse_kms", False)
    out = {"ID": rid, "Priority": priority, "Status": "Enabled", "Filter": f,
           "DeleteMarkerReplication": {"Status": "Enabled" if delete_markers else "Disabled"},
           "Destination": {"Bucket": f"arn:aws:s3:::{dest}", **dest_extra}}
    if sse:
        out["SourceSelectionCriteria"] = {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
    return out


class ReplicationEngineTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.moto = motoserver.Moto(replication=DELAY, record=False).start()

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()

    def setUp(self):
        self.moto.resume_replication()
        self.moto.reset()
        self.creds = {}
        self.s3 = self.client("s3")
        self.iam = self.client("iam")

    # ------------------------------------------------------------ helpers

    def client(self, service, account=ACCOUNT):
        return motoserver.client(self.moto.url, service, account, REGION, self.creds)

    def bucket(self, name, versioned=True, s3=None):
        s3 = s3 or self.s3
        s3.create_bucket(Bucket=name)
        if versioned:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})

    def role(self, name, src, dests, drop=(), trust=S3_TRUST, extra=()):
        """A replication role for src into dests, without the actions in drop."""
        def keep(actions):
            return [a for a in actions if a not in drop]
        st = [{"Effect": "Allow", "Action": keep(SOURCE_ACTIONS),
               "Resource": f"arn:aws:s3:::{src}/*"}]
        st += [{"Effect": "Allow", "Action": keep(DEST_ACTIONS),
                "Resource": [f"arn:aws:s3:::{d}/*" for d in dests]}]
        st += list(extra)
        arn = self.iam.create_role(RoleName=name,
                                   AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        self.iam.put_role_policy(RoleName=name, PolicyName="replication", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": st}))
        return arn

    def configure(self, src, role, *rules, s3=None):
        (s3 or self.s3).put_bucket_replication(
            Bucket=src, ReplicationConfiguration={"Role": role, "Rules": list(rules)})

    def setup_pair(self, src="src", dst="dst", **rule_kw):
        self.bucket(src)
        self.bucket(dst)
        self.configure(src, self.role(f"{src}-role", src, [dst]), rule("r", dst, **rule_kw))

    def put(self, bucket, key, body=b"data", s3=None, **kw):
        return (s3 or self.s3).put_object(Bucket=bucket, Key=key, Body=body, **kw)["VersionId"]

    def record(self, bucket, key, version):
        for r in self.moto.replication()["versions"]:
            if (r["bucket"], r["key"], r["version"]) == (bucket, key, version):
                return r
        return None

    def decided(self, bucket, key, version):
        """The engine's record of a version once it is no longer PENDING."""
        deadline = time.monotonic() + PATIENCE
        while True:
            r = self.record(bucket, key, version)
            if r and r["status"] != "PENDING":
                return r
            if time.monotonic() > deadline:
                self.fail(f"{bucket}/{key} {version} still undecided: {r}")
            time.sleep(0.05)

    def status(self, bucket, key, version=None, s3=None):
        kw = {"VersionId": version} if version else {}
        return (s3 or self.s3).head_object(Bucket=bucket, Key=key, **kw).get("ReplicationStatus")

    def absent(self, bucket, key, s3=None):
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            (s3 or self.s3).head_object(Bucket=bucket, Key=key)
        self.assertEqual(e.exception.response["Error"]["Code"], "404")

    def versions(self, bucket, s3=None):
        out = (s3 or self.s3).list_object_versions(Bucket=bucket)
        return out.get("Versions", []), out.get("DeleteMarkers", [])

    def tags(self, bucket, key, s3=None):
        got = (s3 or self.s3).get_object_tagging(Bucket=bucket, Key=key)["TagSet"]
        return {t["Key"]: t["Value"] for t in got}

    # ------------------------------------------------------------ cases

    def test_prefix_rule_replicates_the_object(self):
        self.setup_pair(prefix="logs/")
        put = self.s3.put_object(Bucket="src", Key="logs/a", Body=b"hello replica",
                                 ContentType="text/plain", Metadata={"colour": "blue"},
                                 Tagging="team=blue&env=test")
        v = put["VersionId"]  # S3 answers the status on HEAD and GET only
        self.assertNotIn("x-amz-replication-status", put["ResponseMetadata"]["HTTPHeaders"])
        self.assertEqual(self.status("src", "logs/a"), "PENDING")
        self.assertEqual(self.decided("src", "logs/a", v)["status"], "COMPLETED")
        self.assertEqual(self.status("src", "logs/a"), "COMPLETED")
        src = self.s3.get_object(Bucket="src", Key="logs/a")
        got = self.s3.get_object(Bucket="dst", Key="logs/a")
        self.assertEqual(src["ReplicationStatus"], "COMPLETED")
        self.assertEqual(got["ReplicationStatus"], "REPLICA")
        self.assertEqual(got["Body"].read(), b"hello replica")
        for field in ("ETag", "ContentLength", "VersionId", "ContentType", "Metadata",
                      "LastModified"):
            self.assertEqual(got[field], src[field], field)
        self.assertEqual(got["VersionId"], v)
        self.assertEqual(self.tags("dst", "logs/a"), {"team": "blue", "env": "test"})
        self.assertEqual(self.status("dst", "logs/a"), "REPLICA")
        self.assertEqual(len(self.versions("dst")[0]), 1)

    def test_unmatched_and_older_objects_get_no_status(self):
        self.bucket("src")
        self.bucket("dst")
        old = self.put("src", "logs/old")
        self.configure("src", self.role("r", "src", ["dst"]), rule("r", "dst", prefix="logs/"))
        v = self.put("src", "other/a")
        self.assertIsNone(self.decided("src", "other/a", v)["status"])
        self.assertIsNone(self.decided("src", "logs/old", old)["status"])
        self.assertIsNone(self.status("src", "other/a"))
        self.assertIsNone(self.status("src", "logs/old"))
        self.absent("dst", "other/a")
        self.absent("dst", "logs/old")

    def test_priority_decides_between_rules_into_one_destination(self):
        self.bucket("src")
        self.bucket("dst")
        self.configure("src", self.role("r", "src", ["dst"]),
                       rule("low", "dst", prefix="", priority=1, StorageClass="ONEZONE_IA"),
                       rule("high", "dst", prefix="a/", priority=5, StorageClass="STANDARD_IA"))
        va, vb = self.put("src", "a/x"), self.put("src", "b/x")
        self.assertEqual(self.decided("src", "a/x", va)["status"], "COMPLETED")
        self.assertEqual(self.decided("src", "b/x", vb)["status"], "COMPLETED")
        for key, storage in (("a/x", "STANDARD_IA"), ("b/x", "ONEZONE_IA")):
            self.assertEqual(self.s3.head_object(Bucket="dst", Key=key)["StorageClass"], storage)

    def test_tag_filter(self):
        self.setup_pair(tags={"replicate": "yes"})
        yes = self.put("src", "t1", Tagging="replicate=yes&other=1")
        no = self.put("src", "t2", Tagging="replicate=no")
        bare = self.put("src", "t3")
        self.assertEqual(self.decided("src", "t1", yes)["status"], "COMPLETED")
        self.assertIsNone(self.decided("src", "t2", no)["status"])
        self.assertIsNone(self.decided("src", "t3", bare)["status"])
        self.assertEqual(self.tags("dst", "t1"), {"replicate": "yes", "other": "1"})
        self.absent("dst", "t2")
        self.absent("dst", "t3")

    def test_delete_markers_only_when_enabled(self):
        for b in ("src", "dst-on", "dst-off"):
            self.bucket(b)
        self.configure("src", self.role("r", "src", ["dst-on", "dst-off"]),
                       rule("on", "dst-on", prefix="on/", delete_markers=True),
                       rule("off", "dst-off", prefix="off/", priority=2))
        keep = self.put("src", "on/kept")
        first = {k: self.put("src", k) for k in ("on/x", "off/x")}
        for k, v in first.items():
            self.assertEqual(self.decided("src", k, v)["status"], "COMPLETED")
        self.assertEqual(self.decided("src", "on/kept", keep)["status"], "COMPLETED")
        markers = {k: self.s3.delete_object(Bucket="src", Key=k)["VersionId"] for k in first}
        self.s3.delete_object(Bucket="src", Key="on/kept", VersionId=keep)  # never replicated
        self.assertEqual(self.decided("src", "on/x", markers["on/x"])["status"], "COMPLETED")
        self.assertIsNone(self.decided("src", "off/x", markers["off/x"])["status"])
        versions, dms = self.versions("dst-on")
        self.assertEqual([(m["Key"], m["VersionId"]) for m in dms], [("on/x", markers["on/x"])])
        self.assertIn(("on/kept", keep), [(x["Key"], x["VersionId"]) for x in versions])
        self.absent("dst-on", "on/x")
        self.assertEqual(self.versions("dst-off")[1], [])
        self.assertEqual(self.status("dst-off", "off/x"), "REPLICA")

    def test_paused_engine_leaves_pending(self):
        self.setup_pair()
        self.moto.pause_replication()
        v = self.put("src", "k")
        time.sleep(DELAY * 4)
        self.assertTrue(self.moto.replication()["paused"])
        self.assertEqual(self.status("src", "k"), "PENDING")
        self.assertEqual(self.record("src", "k", v)["status"], "PENDING")
        self.absent("dst", "k")
        self.moto.resume_replication()
        self.assertEqual(self.decided("src", "k", v)["status"], "COMPLETED")
        self.assertEqual(self.status("dst", "k"), "REPLICA")

    def test_role_problems_fail(self):
        cases = {"nomove": dict(drop=["s3:ReplicateObject"]),
                 "notrust": dict(trust={**S3_TRUST, "Statement": [{
                     **S3_TRUST["Statement"][0], "Principal": {"Service": "ec2.amazonaws.com"}}]})}
        for name, kw in cases.items():
            self.bucket(name)
            self.bucket(name + "-dst")
            arn = self.role(name, name, [name + "-dst"], **kw)
            self.configure(name, arn, rule("r", name + "-dst"))
        self.bucket("norole")
        self.bucket("norole-dst")
        self.configure("norole", f"arn:aws:iam::{ACCOUNT}:role/missing", rule("r", "norole-dst"))
        want = {"nomove": "s3:ReplicateObject", "notrust": "does not trust",
                "norole": "does not exist"}
        for name, words in want.items():
            v = self.put(name, "k")
            r = self.decided(name, "k", v)
            self.assertEqual(r["status"], "FAILED", name)
            self.assertIn(words, r["reason"], name)
            self.assertEqual(self.status(name, "k"), "FAILED")
            self.absent(name + "-dst", "k")

    def test_unversioned_destination_fails(self):
        self.bucket("src")
        self.bucket("dst", versioned=False)
        self.configure("src", self.role("r", "src", ["dst"]), rule("r", "dst"))
        v = self.put("src", "k")
        r = self.decided("src", "k", v)
        self.assertEqual(r["status"], "FAILED")
        self.assertIn("versioning of destination bucket dst", r["reason"])
        self.absent("dst", "k")

    def test_cross_account_destination_needs_a_bucket_policy(self):
        other = self.client("s3", OTHER)
        self.bucket("src")
        self.bucket("their-dst", s3=other)
        arn = self.role("r", "src", ["their-dst"])
        self.configure("src", arn, rule("r", "their-dst", Account=OTHER,
                                        AccessControlTranslation={"Owner": "Destination"}))
        v1 = self.put("src", "k")
        r = self.decided("src", "k", v1)
        self.assertEqual(r["status"], "FAILED")
        self.assertIn("s3:ObjectOwnerOverrideToBucketOwner", r["reason"])  # the role lacks it
        self.iam.put_role_policy(RoleName="r", PolicyName="owner", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "s3:ObjectOwnerOverrideToBucketOwner",
                "Resource": "arn:aws:s3:::their-dst/*"}]}))
        v2 = self.put("src", "k")
        r = self.decided("src", "k", v2)
        self.assertEqual(r["status"], "FAILED")
        self.assertIn(f"bucket policy of their-dst (account {OTHER})", r["reason"])
        other.put_bucket_policy(Bucket="their-dst", Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": DEST_ACTIONS + ["s3:ObjectOwnerOverrideToBucketOwner"],
                "Resource": "arn:aws:s3:::their-dst/*",
                "Condition": {"ArnEquals": {"aws:PrincipalArn": arn}}}]}))
        v3 = self.put("src", "k")
        self.assertEqual(self.decided("src", "k", v3)["status"], "COMPLETED")
        got = other.head_object(Bucket="their-dst", Key="k")
        self.assertEqual((got["VersionId"], got["ReplicationStatus"]), (v3, "REPLICA"))
        self.assertEqual(self.record("their-dst", "k", v3)["owner"], OTHER)
        self.assertEqual([x["VersionId"] for x in self.versions("their-dst", other)[0]], [v3])

    def test_two_way_replication_does_not_ping_pong(self):
        self.bucket("east")
        self.bucket("west")
        self.configure("east", self.role("e", "east", ["west"]), rule("r", "west"))
        self.configure("west", self.role("w", "west", ["east"]), rule("r", "east"))
        ve = self.put("east", "k1")
        vw = self.put("west", "k2")
        self.assertEqual(self.decided("east", "k1", ve)["status"], "COMPLETED")
        self.assertEqual(self.decided("west", "k2", vw)["status"], "COMPLETED")
        time.sleep(DELAY * 4)  # time enough for a replica to go back, were it to
        for bucket in ("east", "west"):
            got = sorted((x["Key"], x["VersionId"]) for x in self.versions(bucket)[0])
            self.assertEqual(got, sorted([("k1", ve), ("k2", vw)]), bucket)
        self.assertEqual(self.status("west", "k1"), "REPLICA")
        self.assertEqual(self.status("east", "k2"), "REPLICA")
        self.assertEqual(self.record("west", "k1", ve)["status"], "REPLICA")

    def test_sse_kms_objects_only_with_sse_kms_encrypted_objects(self):
        kms = self.client("kms")
        src_key = kms.create_key()["KeyMetadata"]["Arn"]
        replica_key = kms.create_key()["KeyMetadata"]["Arn"]
        for b in ("plain", "kms", "dst", "kms-dst"):
            self.bucket(b)
        self.configure("plain", self.role("p", "plain", ["dst"]),
                       rule("r", "dst", EncryptionConfiguration={"ReplicaKmsKeyID": replica_key}))
        crypt = [{"Effect": "Allow", "Action": a, "Resource": k, "Condition": {
            "StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"},
            "StringLike": {"kms:EncryptionContext:aws:s3:arn": [f"arn:aws:s3:::{b}/*"]}}}
            for a, k, b in (("kms:Decrypt", src_key, "kms"),
                            ("kms:Encrypt", replica_key, "kms-dst"))]
        self.configure("kms", self.role("k", "kms", ["kms-dst"], extra=crypt),
                       rule("r", "kms-dst", sse_kms=True,
                            EncryptionConfiguration={"ReplicaKmsKeyID": replica_key}))
        sse = dict(ServerSideEncryption="aws:kms", SSEKMSKeyId=src_key)
        v_plain = self.put("plain", "secret", **sse)
        v_kms = self.put("kms", "secret", **sse)
        v_clear = self.put("kms", "clear")
        self.assertIsNone(self.decided("plain", "secret", v_plain)["status"])
        self.assertIsNone(self.status("plain", "secret"))
        self.absent("dst", "secret")
        r = self.decided("kms", "secret", v_kms)
        self.assertEqual(r["status"], "COMPLETED", r["reason"])
        self.assertEqual(self.decided("kms", "clear", v_clear)["status"], "COMPLETED")
        got = self.s3.head_object(Bucket="kms-dst", Key="secret")
        self.assertEqual((got["ServerSideEncryption"], got["SSEKMSKeyId"]),
                         ("aws:kms", replica_key))
        self.assertNotIn("ServerSideEncryption", self.s3.head_object(Bucket="kms-dst", Key="clear"))

    def test_kms_permission_missing_fails(self):
        kms = self.client("kms")
        key = kms.create_key()["KeyMetadata"]["Arn"]
        self.bucket("src")
        self.bucket("dst")
        decrypt = [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key}]
        self.configure("src", self.role("k", "src", ["dst"], extra=decrypt),
                       rule("r", "dst", sse_kms=True,
                            EncryptionConfiguration={"ReplicaKmsKeyID": key}))
        v = self.put("src", "secret", ServerSideEncryption="aws:kms", SSEKMSKeyId=key)
        r = self.decided("src", "secret", v)
        self.assertEqual(r["status"], "FAILED")
        self.assertIn("kms:Encrypt", r["reason"])


class PolicyTest(unittest.TestCase):
    """The engine's IAM evaluator (motopatch/replication_policy.py), in-process."""

    @classmethod
    def setUpClass(cls):
        import os
        import sys
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "motopatch"))
        import replication_policy
        cls.p = replication_policy

    def doc(self, *statements):
        return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})

    def test_wildcards_deny_and_not(self):
        allow = {"Effect": "Allow", "Action": "S3:Replicate*", "Resource": "arn:aws:s3:::d/*"}
        deny = {"Effect": "Deny", "NotAction": "s3:ReplicateObject", "Resource": "*"}
        ev = self.p.evaluate
        self.assertEqual(ev([self.doc(allow)], "s3:ReplicateTags", "arn:aws:s3:::d/k"), "Allow")
        self.assertIsNone(ev([self.doc(allow)], "s3:ReplicateTags", "arn:aws:s3:::e/k"))
        self.assertEqual(ev([self.doc(allow, deny)], "s3:ReplicateTags", "arn:aws:s3:::d/k"),
                         "Deny")
        self.assertEqual(ev([self.doc(allow, deny)], "s3:ReplicateObject", "arn:aws:s3:::d/k"),
                         "Allow")
        encoded = urllib.parse.quote(self.doc(allow))  # as IAM hands documents back
        self.assertEqual(ev([encoded], "s3:ReplicateObject", "arn:aws:s3:::d/x"), "Allow")

    def test_principals_and_conditions(self):
        role = "arn:aws:iam::111122223333:role/r"
        who = {"AWS": [role, "arn:aws:iam::111122223333:root", "111122223333"]}
        st = {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:*",
              "Resource": "*",
              "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/r"},
                            "StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}}
        ctx = {"aws:PrincipalArn": role}
        ev = self.p.evaluate
        self.assertEqual(ev([self.doc(st)], "s3:ReplicateObject", "x", ctx, who), "Allow")
        self.assertIsNone(ev([self.doc(st)], "s3:ReplicateObject", "x", {}, who))
        self.assertIsNone(ev([self.doc(st)], "s3:ReplicateObject", "x", ctx,
                             {"AWS": ["arn:aws:iam::999999999999:root"]}))
        st["Condition"] = {"ForAnyValue:StringEquals": {"kms:ResourceAliases": "alias/a"},
                           "NumericLessThan": {"x": "1"}}  # unknown operators never grant
        self.assertIsNone(ev([self.doc(st)], "s3:ReplicateObject", "x",
                             {"kms:ResourceAliases": ["alias/a"], "x": "0"}, who))
        del st["Condition"]["NumericLessThan"]
        self.assertEqual(ev([self.doc(st)], "s3:ReplicateObject", "x",
                            {"kms:ResourceAliases": ["alias/b", "alias/a"]}, who), "Allow")


if __name__ == "__main__":
    motoserver.require()
    if importlib.util.find_spec("boto3") is None:
        crrctest.missing("the Python package boto3")
    unittest.main(verbosity=2)
