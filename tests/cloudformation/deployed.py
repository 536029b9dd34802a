"""deployed: run a spec's deploy.sh against moto_server and read back, with
the aws CLI, what the stacks created: each stack in its region and account,
each bucket in its account and region with its versioning and encryption,
each generated role with its trust and permissions policy.

What moto (5.2) cannot show, this does not pretend to check: its
CloudFormation ignores a bucket's ReplicationConfiguration, and also its
VersioningConfiguration and ObjectLockEnabled (the bucket is created, those
properties are dropped), and it has no AWS::S3::BucketPolicy at all (the
stack reports the resource created; S3 holds no policy). Those are checked
field by field in the templates themselves (test_templates.py) and by
cfn-lint against the resource schemas (test_lint.py); here the deployed
template of every stack is read back and must be the full template, the
versioning status must be Enabled whenever moto reports one at all, and the
bucket policies' documents are not read back."""
import ast
import json
import os
import re
import urllib.parse

import cfntest


def policy_document(doc):
    """A policy document as IAM returns it: JSON, URL-encoded; moto keeps a
    document it got from CloudFormation as the text of a Python dict."""
    if not isinstance(doc, str):
        return doc
    text = urllib.parse.unquote(doc)
    try:
        return json.loads(text)
    except ValueError:
        return ast.literal_eval(text)


def deploy(aws, out, manifest, errors, tag):
    p = cfntest.deploy(aws, out, manifest)
    n = len(manifest["steps"])
    if p.returncode != 0:
        errors.append(f"{tag}: deploy.sh exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
        return False
    seen = [int(x) for x in re.findall(r"^deploy\.sh: step (\d+)/%d:" % n, p.stdout, re.M)]
    if seen != list(range(1, n + 1)):
        errors.append(f"{tag}: deploy.sh ran steps {seen}, want 1..{n}")
    if f"deploy.sh: all {n} steps deployed" not in p.stdout:
        errors.append(f"{tag}: deploy.sh did not finish:\n{p.stdout}")
    return True


class Verifier:
    def __init__(self, aws, m, manifest, templates, tag):
        self.aws, self.m, self.manifest, self.templates = aws, m, manifest, templates
        self.tag, self.errors = tag, []
        self.by_key = {b["key"]: b for b in m["buckets"]}
        self.stacks = cfntest.bucket_stacks(templates)

    def fail(self, msg):
        self.errors.append(f"{self.tag}: {msg}")

    def eq(self, what, got, want):
        if got != want:
            self.fail(f"{what}: got {got!r}, want {want!r}")

    def prof(self, account_id):
        return self.aws.profile_of(account_id)

    def check_stacks(self):
        """A bootstrapped stack was updated after its bootstrap, and what it
        runs now is its full template. (Other stacks were created once:
        deploy.sh waited for that; their buckets' regions and accounts are
        read back below. Stacks made through change sets, as `aws
        cloudformation deploy` makes them, have no outputs in moto.)"""
        last = {}
        for st in self.manifest["steps"]:
            last[st["stack_name"]] = st
        boot = [last[st["stack_name"]] for st in self.manifest["steps"] if st["bootstrap"]]
        calls = []
        for st in boot:
            prof = self.prof(st["account"])
            for what in ("describe-stacks", "get-template"):
                calls.append((("cloudformation", what, "--region", st["region"],
                               "--stack-name", st["stack_name"]), prof))
        res = iter(self.aws.many(calls))
        for st in boot:
            name = st["stack_name"]
            self.eq(f"stack {name} status", next(res)["Stacks"][0]["StackStatus"],
                    "UPDATE_COMPLETE")
            body = next(res)["TemplateBody"]
            if isinstance(body, str):
                body = json.loads(body)
            self.eq(f"stack {name} template", body, self.templates[st["template"]])

    def check_buckets(self):
        accounts = sorted({b["account_id"] or "" for b in self.m["buckets"]})
        listed = self.aws.many([(("s3api", "list-buckets"), self.prof(a or None))
                                for a in accounts])
        names = {b["name"] for b in self.m["buckets"]}
        for a, res in zip(accounts, listed):
            got = sorted({x["Name"] for x in res.get("Buckets", [])} & names)
            want = sorted(b["name"] for b in self.m["buckets"] if (b["account_id"] or "") == a)
            self.eq(f"buckets of account {a or 'default'}", got, want)
        calls = []
        for b in self.m["buckets"]:
            p = self.prof(b["account_id"])
            calls += [(("s3api", "get-bucket-location", "--bucket", b["name"]), p),
                      (("s3api", "get-bucket-versioning", "--bucket", b["name"]), p)]
            if b["encryption"] == "sse-kms":
                calls.append((("s3api", "get-bucket-encryption", "--bucket", b["name"]), p))
        res = iter(self.aws.many(calls))
        for b in self.m["buckets"]:
            loc, ver = next(res), next(res)
            where = f"bucket {b['name']}"
            want_loc = None if b["region"] == "us-east-1" else b["region"]
            self.eq(f"{where} region", loc.get("LocationConstraint"), want_loc)
            # moto's CloudFormation drops VersioningConfiguration: no status.
            if ver and ver.get("Status") not in (None, "Enabled"):
                self.fail(f"{where}: versioning is {ver.get('Status')}")
            if b["encryption"] == "sse-kms":
                rule = next(res)["ServerSideEncryptionConfiguration"]["Rules"][0]
                sse = rule["ApplyServerSideEncryptionByDefault"]
                self.eq(f"{where} encryption", (sse["SSEAlgorithm"], sse.get("KMSMasterKeyID")),
                        ("aws:kms", b["kms_key"]))

    def template_of(self, bucket):
        return self.templates[self.stacks[bucket["name"]] + ".template.json"]

    def check_roles(self):
        calls, reps = [], []
        for rep in self.m["replication"]:
            if not rep["role"]["generated"]:
                continue
            p = self.prof(self.by_key[rep["source"]]["account_id"])
            name = rep["role"]["name"]
            calls += [(("iam", "get-role", "--role-name", name), p),
                      (("iam", "get-role-policy", "--role-name", name,
                        "--policy-name", "s3-replication"), p)]
            reps.append(rep)
        res = iter(self.aws.many(calls))
        for rep in reps:
            role, policy = next(res), next(res)
            src = self.by_key[rep["source"]]
            props = next(r["Properties"] for r in self.template_of(src)["Resources"].values()
                         if r["Type"] == "AWS::IAM::Role"
                         and r["Properties"]["RoleName"] == rep["role"]["name"])
            where = f"role {rep['role']['name']}"
            if rep["role"]["arn"]:
                self.eq(f"{where} arn", role["Role"]["Arn"], rep["role"]["arn"])
            self.eq(f"{where} trust", policy_document(role["Role"]["AssumeRolePolicyDocument"]),
                    props["AssumeRolePolicyDocument"])
            self.eq(f"{where} policy", policy_document(policy["PolicyDocument"]),
                    props["Policies"][0]["PolicyDocument"])

    def run(self):
        self.check_stacks()
        self.check_buckets()
        self.check_roles()
        return self.errors


def deploy_and_verify(aws, spec, m, tmp):
    """Compile spec, deploy it into moto, read it back; returns errors."""
    tag = cfntest.stem(spec)
    out = os.path.join(tmp, tag)
    cfntest.compile_spec(spec, out)
    manifest, templates = cfntest.load_dir(out)
    errors = []
    if not deploy(aws, out, manifest, errors, tag):
        return errors, manifest
    return errors + Verifier(aws, m, manifest, templates, tag).run(), manifest
