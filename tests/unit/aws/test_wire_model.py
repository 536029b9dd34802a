"""test_wire_model: every request shape aws/ builds (aws_dump prints them),
checked against botocore's service models of S3, S3 Control, IAM and STS.

botocore's own parser drops XML elements its model does not know
(/work/shared/aws-notes.md), so the XML bodies are walked here: every
element must be a member of its parent's shape (by locationName, flattened
lists included), in the model's member order, with text only where the
shape is a scalar and an enum's value among its values; the root element
is the operation's payload member. Every Content-MD5 is base64(MD5(body)).
For S3 the method, the subresource and query parameters and every header
come from the operation's http and input shape (x-amz-meta-* from its
Metadata prefix; an enum header's value among its values); an object's path
is the key as botocore encodes a {Key+} label. For S3 Control likewise, with
the path matched against requestUri's labels (greedy ones as botocore
encodes them: an MRAP ARN's ':' as %3A, its '/' kept), Content-MD5 on every
httpChecksumRequired operation (an empty body's on a GET), x-amz-account-id present and
of the model's pattern, and the body's root named and namespaced as the
operation's input says, every required member there, one member in a union,
strings and numbers within the model's bounds. For IAM and STS every form
parameter (Tags.member.N.Key...) resolves to a member of the input shape,
the required ones are there, Action and Version are the operation's.
s3xml.c's own document (crrc's model room) is checked the same way except
for member order, which S3 does not enforce and s3xml does not follow (ID,
Priority, Status, Filter...): its order problems are listed, not failed;
the body aws/ renders from it must be in order."""
import base64
import glob
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

ROOT = os.environ.get("CRRC_SOURCE_ROOT",
                      os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
                          os.path.abspath(__file__))))))
DUMP = os.environ.get("AWS_DUMP")
S3NS = "http://s3.amazonaws.com/doc/2006-03-01/"
# A Multi-Region Access Point's ARN: the routes' {mrap+} label.
MRAP_ARN = re.compile(r"arn:[a-z-]+:s3::[0-9]{12}:accesspoint/(.+)")
# 18 S3 operations, s3xml's document, 3 S3 Control (jobs) and 7 (Multi-Region
# Access Points), 8 IAM and 2 STS operations.
EXPECTED_SHAPES = 39


def load_model(service, version):
    import botocore
    d = os.path.join(os.path.dirname(botocore.__file__), "data", service, version)
    for name in ("service-2.json.gz", "service-2.json"):
        p = os.path.join(d, name)
        if os.path.exists(p):
            with (gzip.open(p) if p.endswith(".gz") else open(p, "rb")) as f:
                return json.load(f)
    raise FileNotFoundError(d)


def local(tag):
    return tag.split("}", 1)[1] if tag.startswith("{") else tag


class XmlWalk:
    """Problems of an element against a shape."""

    def __init__(self, shapes, strict_order, complete=False):
        self.shapes = shapes
        self.strict_order = strict_order
        self.complete = complete  # required members, unions and bounds too
        self.problems = []
        self.order = []

    def element_name(self, name, member):
        return member.get("locationName", name)

    def walk(self, el, shape_name, path):
        shape = self.shapes[shape_name]
        kind = shape["type"]
        kids = list(el)
        if kind == "structure":
            self.structure(el, shape, path)
        elif kind == "list":
            m = shape["member"]
            want = m.get("locationName", "member")
            for k in kids:
                if local(k.tag) != want:
                    self.problems.append(f"{path}: <{local(k.tag)}> in a list of <{want}>")
                else:
                    self.walk(k, m["shape"], f"{path}/{want}")
        else:
            if kids:
                self.problems.append(f"{path}: a {kind} with child elements")
            self.scalar(el.text or "", shape, kind, path)

    def scalar(self, text, shape, kind, path):
        if "enum" in shape and text not in shape["enum"]:
            self.problems.append(f"{path}: '{text}' not one of {shape['enum']}")
        if kind == "boolean" and text not in ("true", "false"):
            self.problems.append(f"{path}: boolean '{text}'")
        if kind in ("integer", "long") and not text.lstrip("-").isdigit():
            self.problems.append(f"{path}: integer '{text}'")
        if self.complete:
            self.problems += [f"{path}: {p}" for p in bounds(text, shape, kind)]

    def structure(self, el, shape, path):
        by_name = {}
        order = list(shape.get("members", {}))
        for name, m in shape.get("members", {}).items():
            if m.get("location"):  # header, uri, querystring: not in a body
                continue
            target = self.shapes[m["shape"]]
            if target["type"] == "list" and (m.get("flattened") or target.get("flattened")):
                el_name = m.get("locationName", target["member"].get("locationName", name))
                by_name[el_name] = (name, target["member"]["shape"], True)
            else:
                by_name[self.element_name(name, m)] = (name, m["shape"], False)
        last = -1
        seen = set()
        for k in el:
            n = local(k.tag)
            if n not in by_name:
                self.problems.append(f"{path}: <{n}> is not a member of {sorted(by_name)}")
                continue
            member, sub, _ = by_name[n]
            seen.add(member)
            i = order.index(member)
            if i < last:
                msg = f"{path}: <{n}> after a later member of the model's order {order}"
                (self.problems if self.strict_order else self.order).append(msg)
            last = max(last, i)
            self.walk(k, sub, f"{path}/{n}")
        if self.complete:
            body = {m for m, _, _ in by_name.values()}
            missing = [r for r in shape.get("required", []) if r in body and r not in seen]
            if missing:
                self.problems.append(f"{path}: required {missing} missing")
            if shape.get("union") and len(seen) != 1:
                self.problems.append(f"{path}: a union with {len(seen)} members set")


def bounds(text, shape, kind):
    """What text breaks of shape's min, max and pattern."""
    out = []
    if kind == "string":
        n = len(text)
        if n < shape.get("min", 0) or n > shape.get("max", n):
            out.append(f"'{text}' not {shape.get('min', 0)} to {shape.get('max')} characters")
        if "pattern" in shape and not re.search(shape["pattern"], text):
            out.append(f"'{text}' does not match {shape['pattern']}")
    elif kind in ("integer", "long") and text.lstrip("-").isdigit():
        v = int(text)
        if v < shape.get("min", v) or v > shape.get("max", v):
            out.append(f"{v} not within {shape.get('min')} to {shape.get('max')}")
    return out


def reencode(form):
    """A form parsed and percent-encoded again (RFC 3986): itself when it
    was so encoded."""
    pairs = urllib.parse.parse_qsl(form, keep_blank_values=True, strict_parsing=True)
    return "&".join(percent_encode(k) + "=" + percent_encode(v) for k, v in pairs)


def percent_encode(text, safe=""):
    """RFC 3986 percent-encoding, as botocore.utils.percent_encode."""
    return urllib.parse.quote(text, safe="-_.~" + safe)


class WireModel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not DUMP:
            raise unittest.SkipTest("AWS_DUMP not given")
        try:
            cls.models = {"s3": load_model("s3", "2006-03-01"),
                          "s3control": load_model("s3control", "2018-08-20"),
                          "iam": load_model("iam", "2010-05-08"),
                          "sts": load_model("sts", "2011-06-15")}
        except (ImportError, FileNotFoundError) as e:
            if os.environ.get("CI"):
                raise
            raise unittest.SkipTest(f"botocore's models: {e}")
        specs = sorted(glob.glob(os.path.join(ROOT, "examples", "*.crr.yaml")) +
                       glob.glob(os.path.join(ROOT, "tests", "*", "specs", "*.crr.yaml")))
        out = subprocess.run([DUMP, *specs], capture_output=True, text=True)
        if out.returncode:
            raise AssertionError(f"aws_dump failed: {out.stderr}")
        cls.requests = [json.loads(line) for line in out.stdout.splitlines()]
        cls.nspecs = len(specs)

    def check_md5(self, req):
        headers = {n.lower(): v for n, v in req["headers"]}
        body = req["body"].encode()
        if body:
            self.assertEqual(headers.get("content-md5"),
                             base64.b64encode(hashlib.md5(body).digest()).decode(), req["op"])
            self.assertIn("content-type", headers, req["op"])

    def check_s3(self, req, strict_order=True):
        model = self.models["s3"]
        op = model["operations"][req["op"].split("/")[0]]
        shapes = model["shapes"]
        inp = shapes[op["input"]["shape"]]
        self.assertEqual(req["method"], op["http"]["method"], req["op"])
        uri = op["http"]["requestUri"]
        self.assertTrue(uri.startswith("/{Bucket}"), uri)
        if uri.partition("?")[0] == "/{Bucket}/{Key+}":
            # botocore's rest serializer: a greedy label, '/' and '~' kept.
            from botocore.utils import percent_encode as botocore_encode
            self.assertEqual(req["path"], "/src/" + botocore_encode(req["key"], safe="/~"))
        else:
            self.assertEqual(req["path"], "/src")
        subs = [s.split("=")[0] for s in uri.partition("?")[2].split("&") if s]
        qs = {m.get("locationName"): n for n, m in inp["members"].items()
              if m.get("location") == "querystring"}
        names = [q[0] for q in req["query"]]
        for s in subs:
            self.assertIn(s, names, f"{req['op']}: subresource ?{s} missing")
        for n in names:
            self.assertTrue(n in subs or n in qs, f"{req['op']}: query {n} not in the model")
        self.check_headers(req, shapes, inp)
        if not req["op"].endswith("/s3xml"):  # sent as s3xml wrote it, no headers
            self.check_md5(req)
        payload = inp.get("payload")
        if not req["body"]:
            self.assertTrue(payload is None or "required" not in inp or payload not in inp["required"],
                            f"{req['op']}: no body")
            return []
        member = inp["members"][payload]
        kind = shapes[member["shape"]]["type"]
        if kind == "blob":  # an object's bytes
            return []
        if kind != "structure":  # the policy: JSON text
            json.loads(req["body"])
            return []
        root = ET.fromstring(req["body"])
        self.assertEqual(root.tag, "{%s}%s" % (S3NS, member.get("locationName", payload)),
                         req["op"])
        walk = XmlWalk(shapes, strict_order)
        walk.walk(root, member["shape"], local(root.tag))
        self.assertEqual(walk.problems, [], req["op"] + ": " + req["body"])
        return walk.order

    def check_headers(self, req, shapes, inp):
        """Every header a member of inp's (or of a prefix such as
        x-amz-meta-), an enum's value among its values, an x-amz-tagging
        form that re-encodes to itself (RFC 3986)."""
        hdrs = {m["locationName"].lower(): m for m in inp["members"].values()
                if m.get("location") == "header"}
        prefixes = [m["locationName"].lower() for m in inp["members"].values()
                    if m.get("location") == "headers"]
        for n, v in req["headers"]:
            # Content-MD5 is S3's integrity check on any body (RFC 1864),
            # modelled only where botocore computes it.
            if n.lower() in ("content-type", "content-md5"):
                continue
            if any(n.lower().startswith(p) and len(n) > len(p) for p in prefixes):
                continue
            self.assertIn(n.lower(), hdrs, f"{req['op']}: header {n} not in the model")
            shape = shapes[hdrs[n.lower()]["shape"]]
            if "enum" in shape:
                self.assertIn(v, shape["enum"], f"{req['op']}: header {n}")
            if "pattern" in shape:
                self.assertRegex(v, shape["pattern"], f"{req['op']}: header {n}")
            if n.lower() == "x-amz-tagging":
                self.assertEqual(reencode(v), v, f"{req['op']}: {n}")

    def check_s3control(self, req):
        model = self.models["s3control"]
        op = model["operations"][req["op"]]
        shapes = model["shapes"]
        inp = shapes[op["input"]["shape"]]
        what = req["op"]
        self.assertEqual(req["method"], op["http"]["method"], what)
        self.assertEqual(req["service"], model["metadata"]["signingName"], what)
        # The path: requestUri with each {label} one encoded segment, each
        # greedy {label+} as botocore encodes it ('/' kept).
        uri = op["http"]["requestUri"]
        labels = re.findall(r"\{(\w+)(\+?)\}", uri)
        pattern = "^" + re.sub(r"\\\{\w+(\\\+)?\\\}",
                               lambda g: "(.+)" if g.group(1) else "([^/]+)",
                               re.escape(uri)) + "$"
        m = re.match(pattern, req["path"])
        self.assertIsNotNone(m, f"{what}: {req['path']} is not {uri}")
        by_loc = {mm.get("locationName", n): mm for n, mm in inp["members"].items()}
        for (label, greedy), value in zip(labels, m.groups()):
            shape = shapes[by_loc[label]["shape"]]
            text = urllib.parse.unquote(value)
            self.assertEqual(percent_encode(text, safe="~/" if greedy else "~"), value, what)
            arn = MRAP_ARN.fullmatch(text)
            if arn and by_loc[label]["shape"] == "MultiRegionAccessPointId":  # the model's pattern has no '/', its documentation an ARN
                text = arn.group(1)
            self.assertEqual(bounds(text, shape, shape["type"]), [], f"{what}: {label}")
        qs = {mm["locationName"] for mm in inp["members"].values()
              if mm.get("location") == "querystring"}
        for n, v in req["query"]:
            self.assertIn(n, qs, f"{what}: query {n} not in the model")
        self.check_headers(req, shapes, inp)
        sent = {n.lower() for n, _ in req["headers"]}
        for r in inp.get("required", []):
            mm = inp["members"][r]
            if mm.get("location") == "header":
                self.assertIn(mm["locationName"].lower(), sent, f"{what}: {r} missing")
        self.check_md5(req)
        if op.get("httpChecksumRequired"):  # every MRAP operation, GETs too
            headers = {n.lower(): v for n, v in req["headers"]}
            self.assertEqual(headers.get("content-md5"), base64.b64encode(
                hashlib.md5(req["body"].encode()).digest()).decode(), f"{what}: checksum")
        body_members = [n for n, mm in inp["members"].items() if not mm.get("location")]
        if not req["body"]:
            self.assertEqual([r for r in inp.get("required", []) if r in body_members], [],
                             f"{what}: no body")
            return
        root = ET.fromstring(req["body"])
        self.assertEqual(root.tag, "{%s}%s" % (op["input"]["xmlNamespace"]["uri"],
                                               op["input"]["locationName"]), what)
        walk = XmlWalk(shapes, True, complete=True)
        walk.walk(root, op["input"]["shape"], local(root.tag))
        self.assertEqual(walk.problems, [], what + ": " + req["body"])

    def check_form(self, req):
        model = self.models[req["service"]]
        shapes = model["shapes"]
        self.assertEqual(req["method"], "POST")
        self.assertEqual(req["path"], "/")
        headers = {n.lower(): v for n, v in req["headers"]}
        self.assertEqual(headers.get("content-type"),
                         "application/x-www-form-urlencoded; charset=utf-8")
        pairs = urllib.parse.parse_qsl(req["body"], keep_blank_values=True, strict_parsing=True)
        self.assertEqual(reencode(req["body"]), req["body"])
        params = dict(pairs)
        self.assertEqual(params.pop("Action"), req["op"])
        self.assertEqual(params.pop("Version"), model["metadata"]["apiVersion"])
        op = model["operations"][req["op"]]
        inp = shapes[op["input"]["shape"]] if "input" in op else {"members": {}}
        for r in inp.get("required", []):
            self.assertTrue(any(k == r or k.startswith(r + ".") for k in params),
                            f"{req['op']}: required {r} missing")
        for k in params:
            self.resolve(shapes, inp, k.split("."), req["op"] + ": " + k)

    def resolve(self, shapes, shape, parts, what):
        name, rest = parts[0], parts[1:]
        self.assertIn(name, shape.get("members", {}), what)
        target = shapes[shape["members"][name]["shape"]]
        if target["type"] == "list":
            self.assertGreaterEqual(len(rest), 2, what)
            self.assertEqual(rest[0], "member", what)
            self.assertTrue(rest[1].isdigit() and int(rest[1]) >= 1, what)
            target, rest = shapes[target["member"]["shape"]], rest[2:]
        if rest:
            self.assertEqual(target["type"], "structure", what)
            self.resolve(shapes, target, rest, what)
        else:
            self.assertNotIn(target["type"], ("structure", "list", "map"), what)

    def test_every_request_against_the_model(self):
        counted = {"s3": 0, "s3control": 0, "iam": 0, "sts": 0}
        order_notes = []
        for req in self.requests:
            with self.subTest(op=req["op"]):
                model = req.get("model", req["service"])
                if model == "s3control":
                    self.check_s3control(req)
                elif model == "s3":
                    notes = self.check_s3(req, strict_order=not req["op"].endswith("/s3xml"))
                    order_notes += notes
                else:
                    self.check_form(req)
                counted[model] += 1
        ops = {r["op"] for r in self.requests}
        print(f"checked {len(self.requests)} requests of {len(ops)} shapes "
              f"({counted}) from {self.nspecs} specs", file=sys.stderr)
        if order_notes:
            print(f"s3xml.c's document is out of the model's order ({len(order_notes)} "
                  f"elements), e.g. {order_notes[0]}", file=sys.stderr)
        self.assertEqual(len(ops), EXPECTED_SHAPES, sorted(ops))

    def test_the_walk_sees_mistakes(self):
        """An unknown element, a wrong nesting, a bad enum and a misorder."""
        shapes = self.models["s3"]["shapes"]
        bad = ("<ReplicationConfiguration><Rule><Status>On</Status><ID>a</ID>"
               "<Filter><Key>k</Key></Filter><Destination><Bucket>b</Bucket><Owner>x</Owner>"
               "</Destination><Colour/></Rule></ReplicationConfiguration>")
        walk = XmlWalk(shapes, True)
        walk.walk(ET.fromstring(bad), "ReplicationConfiguration", "R")
        self.assertEqual(len(walk.problems), 6, walk.problems)

    def test_the_complete_walk_sees_mistakes(self):
        """S3 Control: a required member missing, a union of two, bounds."""
        shapes = self.models["s3control"]["shapes"]
        bad = ("<CreateJobRequest><Operation><S3ReplicateObject/><LambdaInvoke/></Operation>"
               "<Report><Format>Report_CSV_20180820</Format></Report>"
               "<ClientRequestToken></ClientRequestToken><Priority>-1</Priority>"
               "<RoleArn>arn:aws:iam::1:role/r</RoleArn><ManifestGenerator>"
               "<S3JobManifestGenerator><SourceBucket>arn:aws:s3:::b</SourceBucket>"
               "</S3JobManifestGenerator></ManifestGenerator></CreateJobRequest>")
        walk = XmlWalk(shapes, True, complete=True)
        walk.walk(ET.fromstring(bad), "CreateJobRequest", "C")
        # The union, Report's Enabled, an empty token, a negative
        # priority, a role of a 1-digit account, EnableManifestOutput.
        self.assertEqual(len(walk.problems), 6, walk.problems)

    def test_replication_renders_every_spec(self):
        raw = [r for r in self.requests if r["op"] == "PutBucketReplication/s3xml"]
        ours = [r for r in self.requests if r["op"] == "PutBucketReplication"]
        self.assertEqual(len(raw), len(ours))
        self.assertGreaterEqual(len(ours), self.nspecs)


if __name__ == "__main__":
    unittest.main(verbosity=2)
