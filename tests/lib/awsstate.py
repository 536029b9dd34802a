"""awsstate: the oracle of what AWS (moto) must hold after a deployment of a
spec, shared by the Terraform tests (tests/terraform) and the apply tests
(tests/apply). It compares what moto stored with the resolved model (`crrc
model`) field by field: buckets, regions, accounts, versioning, encryption,
tags, bucket policies, roles with their trust and inline policies, and every
replication rule. The expectations are computed here from the model and the
rules of issues 3 and 11, not from crrc's output: the IAM policy must hold
exactly the listed actions on exactly the listed resources.

An existing bucket is made first as its owner has it (create_existing: a
policy of its own; Object Lock with a default retention, where the spec says
Object Lock) and must keep both. What owners must add (existing-buckets.json,
key-policies.json) is checked when the output directory of a compile is
given. `mark` is the tag that the deployer adds to what it creates (crrc
apply's crrc:spec=NAME); Terraform adds none."""
import json
import os
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

MOTO_ACCOUNT = "123456789012"   # moto's account for the deploying credentials
HOSTILE = '${file("/etc/passwd")}"%{x}\\'
S3NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"

class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def equal(got, want, what):
    if got != want:
        raise Failure(f"{what}: got {got!r}, want {want!r}")


# ---------------------------------------------------------------- moto over HTTP

def http_get(url, account=MOTO_ACCOUNT):
    """(status, body) of an unsigned GET against moto, as account."""
    req = urllib.request.Request(url, headers={"x-moto-account-id": account})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def http_put(url, body, account, headers=None):
    req = urllib.request.Request(url, data=body, method="PUT", headers={
        "Content-Type": "application/xml", "x-moto-account-id": account, **(headers or {})})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status


# ---------------------------------------------------------------- expectations

def camel(key):
    return "".join(p[:1].upper() + p[1:] for p in key.split("-") if p)


def fnv1a32(s, n=0):
    """base/uniq.c's uniq_hash: the low 32 bits of the FNV-1a hash of s, or
    of s, '#' and n when n > 0."""
    h = 1469598103934665603
    for b in (s + (f"#{n}" if n else "")).encode():
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return f"{h & 0xFFFFFFFF:08x}"


class Sids:
    """Statement ids as iam.c names them: prefix + CamelCase(key) + suffix,
    and on a clash the low 32 bits of the key's FNV-1a hash after it, then
    of the key and a counter while that is taken too."""
    def __init__(self):
        self.seen = set()

    def __call__(self, prefix, key, suffix=""):
        plain = sid = prefix + camel(key) + suffix
        n = 0
        while sid in self.seen:
            sid = plain + fnv1a32(key, n)
            n += 1
        self.seen.add(sid)
        return sid


def via_service(region):
    return f"s3.{region}.amazonaws.com" + (".cn" if region.startswith("cn-") else "")


def kms_statements(keys, bucket):
    """(resources, condition, sid suffix) for KMS keys used on bucket's
    objects: key ARNs as resources; alias ARNs as the keys of their account
    and region, narrowed by kms:ResourceAliases."""
    out = []
    plain = [k for k in keys if ":alias/" not in k]
    aliases = [k for k in keys if ":alias/" in k]
    for group, suffix in ((plain, ""), (aliases, "ByAlias")):
        if not group:
            continue
        region = group[0].split(":")[3]
        cond = {"StringEquals": {"kms:ViaService": via_service(region)},
                "StringLike": {"kms:EncryptionContext:aws:s3:arn":
                               [bucket["arn"] + "/*", bucket["arn"]]}}
        resources = group
        if suffix:
            resources = sorted({k.split(":alias/")[0] + ":key/*" for k in group})
            cond["ForAnyValue:StringEquals"] = {
                "kms:ResourceAliases": sorted({"alias/" + k.split(":alias/")[1] for k in group})}
        out.append((resources, cond, suffix))
    return out


def dest_groups(rep, buckets):
    """Destinations of an entry in first-use order, with their rules."""
    groups = {}
    for rule in rep["rules"]:
        groups.setdefault(rule["destination"], []).append(rule)
    return [(buckets[k], rules) for k, rules in groups.items()]


OVERRIDE = "s3:ObjectOwnerOverrideToBucketOwner"


def replicate_actions(rules):
    """What a role may do in a destination, by the rules into it: delete
    markers only when one replicates them, the owner override only when
    one asks for it."""
    return (["s3:ReplicateObject"]
            + (["s3:ReplicateDelete"] if any(r["delete_markers"] for r in rules) else [])
            + ["s3:ReplicateTags"]
            + ([OVERRIDE] if any(r["owner"] == "destination" for r in rules) else []))


def expected_role_policy(rep, buckets):
    src = buckets[rep["source"]]
    sid = Sids()
    st = []

    def add(s, action, resource, cond=None):
        st.append({"Sid": s, "Effect": "Allow", "Action": action, "Resource": resource,
                   **({"Condition": cond} if cond else {})})

    add(sid("Source", src["key"], "Bucket"),
        ["s3:GetReplicationConfiguration", "s3:ListBucket"], [src["arn"]])
    objects = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl",
               "s3:GetObjectVersionTagging"]
    if src["object_lock"]:
        objects += ["s3:GetObjectRetention", "s3:GetObjectLegalHold"]
    add(sid("Source", src["key"], "Objects"), objects, [src["arn"] + "/*"])
    groups = dest_groups(rep, buckets)
    for dest, rules in groups:
        add(sid("ReplicateTo", dest["key"]), replicate_actions(rules), [dest["arn"] + "/*"])
    if any(r["sse_kms_objects"] for r in rep["rules"]) and src["kms_key"]:
        for res, cond, _ in kms_statements([src["kms_key"]], src):
            add(sid("Decrypt", src["key"]), ["kms:Decrypt"], res, cond)
    for dest, rules in groups:
        keys = []
        for r in rules:
            if r["sse_kms_objects"] and r["replica_kms_key"] and r["replica_kms_key"] not in keys:
                keys.append(r["replica_kms_key"])
        for res, cond, suffix in kms_statements(keys, dest):
            add(sid("EncryptFor", dest["key"], suffix), ["kms:Encrypt"], res, cond)
    return st


def expected_bucket_policies(model, buckets, role_arns):
    """dest key -> statements, for destinations in another (known) account."""
    out = {}
    for rep in model["replication"]:
        src = buckets[rep["source"]]
        for dest, rules in dest_groups(rep, buckets):
            if not (src["account_id"] and dest["account_id"]
                    and src["account_id"] != dest["account_id"]):
                continue
            sids = out.setdefault(dest["key"], (Sids(), []))
            # the source account as principal, narrowed to exactly the role
            sids[1].append({"Sid": sids[0]("ReplicateFrom", src["key"]), "Effect": "Allow",
                            "Principal": {"AWS": f"arn:{src['partition']}:iam::{src['account_id']}:root"},
                            "Action": replicate_actions(rules),
                            "Resource": [dest["arn"] + "/*"],
                            "Condition": {"ArnEquals": {"aws:PrincipalArn": role_arns[rep["source"]]}}})
    return {k: v[1] for k, v in out.items()}


def role_account(rep, buckets):
    """The account of an entry's role, as crrc knows it: its ARN's, or for a
    generated role its source's (None when unknown)."""
    if rep["role"]["arn"]:
        return rep["role"]["arn"].split(":")[4]
    return buckets[rep["source"]]["account_id"]


def expected_key_policies(model, buckets, role_arns):
    """key ARN -> (account, statements) for the KMS keys in another account
    than the role that uses them: what their owners must add, grouped by key
    in the order first used; each (entry, key, bucket) once."""
    out, seen = {}, set()
    for rep in model["replication"]:
        src, account = buckets[rep["source"]], role_account(rep, buckets)
        uses = []
        if src["kms_key"] and any(r["sse_kms_objects"] for r in rep["rules"]):
            uses.append((src["kms_key"], True, src))
        uses += [(r["replica_kms_key"], False, buckets[r["destination"]])
                 for r in rep["rules"] if r["sse_kms_objects"] and r["replica_kms_key"]]
        for key, decrypt, bucket in uses:
            if not account or key.split(":")[4] == account \
                    or (rep["source"], key, bucket["key"]) in seen:
                continue
            seen.add((rep["source"], key, bucket["key"]))
            sids, statements = out.setdefault(key, (Sids(), []))
            prefix = "ReplicateFrom" + camel(rep["source"]) + ("Decrypt" if decrypt else "EncryptFor")
            statements.append({
                "Sid": sids(prefix, "" if decrypt else bucket["key"]), "Effect": "Allow",
                "Principal": {"AWS": f"arn:{src['partition']}:iam::{account}:root"},
                "Action": ["kms:Decrypt" if decrypt else "kms:Encrypt"], "Resource": ["*"],
                "Condition": {"ArnEquals": {"aws:PrincipalArn": role_arns[rep["source"]]},
                              "StringEquals": {"kms:ViaService": via_service(key.split(":")[3])},
                              "StringLike": {"kms:EncryptionContext:aws:s3:arn":
                                             [bucket["arn"] + "/*", bucket["arn"]]}}})
    return out


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def norm_statement(s):
    """A policy statement with every one-or-many value as a sorted list."""
    out = {}
    for k, v in s.items():
        if k in ("Action", "Resource"):
            out[k] = sorted(as_list(v))
        elif k == "Condition":
            out[k] = {op: {ck: sorted(as_list(cv)) for ck, cv in body.items()}
                      for op, body in v.items()}
        elif k == "Principal":
            out[k] = {pk: sorted(as_list(pv)) for pk, pv in v.items()}
        else:
            out[k] = v
    return out


def compare_policy(got_doc, want_statements, what):
    equal(got_doc.get("Version"), "2012-10-17", f"{what}: Version")
    got = as_list(got_doc.get("Statement"))
    for s in got:
        for a in as_list(s.get("Action")):
            check("*" not in a, f"{what}: wildcard action {a!r}")
        for r in as_list(s.get("Resource")):
            check(r != "*", f"{what}: '*' resource in {s.get('Sid')}")
    got_n = {s.get("Sid"): norm_statement(s) for s in got}
    want_n = {s["Sid"]: norm_statement(s) for s in want_statements}
    equal(sorted(got_n), sorted(want_n), f"{what}: statement ids")
    for sid in want_n:
        equal(got_n[sid], want_n[sid], f"{what}: statement {sid}")
    equal(len(got), len(want_statements), f"{what}: statement count")


# ---------------------------------------------------------------- moto's state

def moto_buckets(state):
    return {b["name"]: b for b in state["s3"]["FakeBucket"]}


def bucket_tags(url, name, account):
    status, body = http_get(f"{url}/{name}?tagging", account)
    if status == 404:
        return {}
    check(status == 200, f"GET tagging of {name}: {status}")
    root = ET.fromstring(body)
    return {t.find(f"{S3NS}Key").text or "": t.find(f"{S3NS}Value").text or ""
            for t in root.iter(f"{S3NS}Tag")}


def check_buckets(model, state, url, mark=None):
    stored = moto_buckets(state)
    equal(sorted(stored), sorted(b["name"] for b in model["buckets"]), "buckets in moto")
    for b in model["buckets"]:
        mb = stored[b["name"]]
        what = f"bucket {b['key']}"
        equal(mb["region_name"], b["region"], f"{what}: region")
        equal(mb["account_id"], b["account_id"] or MOTO_ACCOUNT, f"{what}: account")
        equal(mb["versioning_status"], "Enabled", f"{what}: versioning")
        equal(bool(mb["object_lock_enabled"]), b["object_lock"], f"{what}: object lock")
        enc = mb.get("encryption")
        if b["encryption"] == "sse-kms":
            check(enc, f"{what}: no default encryption")
            rule = enc["Rule"]
            equal(rule["ApplyServerSideEncryptionByDefault"],
                  {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": b["kms_key"]},
                  f"{what}: default encryption")
            equal(rule.get("BucketKeyEnabled"), "true", f"{what}: bucket key")
        else:
            equal(enc, None, f"{what}: default encryption (S3's own SSE-S3)")
        if not b["existing"]:
            equal(bucket_tags(url, b["name"], mb["account_id"]), {**b["tags"], **(mark or {})},
                  f"{what}: tags")
        elif b["object_lock"]:
            equal((mb["default_lock_mode"], mb["default_lock_days"]), ("GOVERNANCE", 1),
                  f"{what}: its owner's default retention")


def role_arn_of(model, buckets, rep):
    role = rep["role"]
    if role["arn"]:
        return role["arn"]
    src = buckets[rep["source"]]
    part = src["partition"]
    return f"arn:{part}:iam::{src['account_id'] or MOTO_ACCOUNT}:role/{role['name']}"


def check_roles(model, state, buckets, role_arns, mark=None):
    roles = {r["name"]: r for r in state["iam"]["Role"]}
    generated = [rep for rep in model["replication"] if rep["role"]["generated"]]
    equal(sorted(roles), sorted(rep["role"]["name"] for rep in generated), "roles in moto")
    for rep in generated:
        role = roles[rep["role"]["name"]]
        what = f"role of {rep['source']}"
        equal(role["arn"], role_arns[rep["source"]], f"{what}: ARN")
        trust = json.loads(role["assume_role_policy_document"])
        equal(trust.get("Version"), "2012-10-17", f"{what}: trust policy version")
        statements = as_list(trust["Statement"])
        equal(len(statements), 1, f"{what}: trust statements")
        equal(norm_statement(statements[0]),
              norm_statement({"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                              "Action": "sts:AssumeRole"}), f"{what}: trust statement")
        tags = {t["Key"]: t["Value"] for t in as_list(role.get("tags"))} \
            if isinstance(role.get("tags"), list) else dict(role.get("tags") or {})
        equal(tags, {**model["tags"], **(mark or {})}, f"{what}: tags")
        equal(sorted(role["policies"]), ["s3-replication"], f"{what}: inline policies")
        compare_policy(json.loads(role["policies"]["s3-replication"]),
                       expected_role_policy(rep, buckets), f"{what}: permissions")


def read_json(out, name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def check_bucket_policies(model, url, buckets, role_arns, out):
    """A bucket crrc creates has the policy crrc wants, or none; an existing
    one has its owner's, untouched, and what its owner must add is in
    existing-buckets.json, with Object Lock where the spec wants it."""
    want = expected_bucket_policies(model, buckets, role_arns)
    owners = {}
    for b in model["buckets"]:
        status, body = http_get(f"{url}/{b['name']}?policy", b["account_id"] or MOTO_ACCOUNT)
        if b["existing"]:
            check(status == 200, f"bucket {b['key']}: its owner's policy is gone ({status})")
            equal(json.loads(body), owner_policy(b), f"bucket {b['key']}: its owner's policy")
            if b["key"] in want or b["object_lock"]:
                owners[b["name"]] = b
            continue
        if b["key"] not in want:
            equal(status, 404, f"bucket {b['key']}: a bucket policy it should not have")
            continue
        check(status == 200, f"bucket {b['key']}: no bucket policy ({status})")
        compare_policy(json.loads(body), want[b["key"]], f"bucket policy of {b['key']}")
    if out is None:
        return
    doc = read_json(out, "existing-buckets.json")
    equal(doc is not None, bool(owners), "existing-buckets.json written")
    got = {e["bucket"]: e for e in (doc or {}).get("buckets", [])}
    equal(sorted(got), sorted(owners), "existing-buckets.json: buckets")
    for name, b in owners.items():
        e, what = got[name], f"existing-buckets.json, {b['key']}"
        equal((e["key"], e["account"], e["region"]), (b["key"], b["account_id"], b["region"]),
              f"{what}: where")
        equal(e.get("object_lock"), "Enabled" if b["object_lock"] else None, f"{what}: object lock")
        if b["key"] in want:
            compare_policy({"Version": "2012-10-17", "Statement": e["add_to_bucket_policy"]},
                           want[b["key"]], f"{what}: statements")
        else:
            check("add_to_bucket_policy" not in e, f"{what}: statements it needs not")


def check_key_policies(model, buckets, role_arns, out):
    if out is None:
        return
    want = expected_key_policies(model, buckets, role_arns)
    doc = read_json(out, "key-policies.json")
    equal(doc is not None, bool(want), "key-policies.json written")
    got = (doc or {}).get("keys", [])
    equal([k["key"] for k in got], list(want), "key-policies.json: keys")
    for k in got:
        statements = want[k["key"]][1]
        equal(k["account"], k["key"].split(":")[4], f"key {k['key']}: account")
        equal([norm_statement(s) for s in k["add_to_key_policy"]],
              [norm_statement(s) for s in statements], f"key {k['key']}: statements")


def status_of(d, what):
    check(isinstance(d, dict), f"{what}: missing")
    return d.get("Status")


def check_filter(got, rule, what):
    prefix = rule["filter"]["prefix"]
    tags = rule["filter"]["tags"]
    if prefix is None and not tags:
        # an empty Filter, or one of an empty Prefix: both select every
        # object ("To include all objects in a bucket, specify an empty
        # string", S3's ReplicationRule Prefix); Terraform sends the first,
        # crrc apply the second
        check(got in (None, {}, {"Prefix": None}, {"Prefix": ""}),
              f"{what}: filter should be empty, is {got!r}")
        return
    check(isinstance(got, dict), f"{what}: no filter")
    if tags and (prefix is not None or len(tags) > 1):
        equal(sorted(got), ["And"], f"{what}: filter form")
        body = got["And"]
    else:
        body = got
    got_prefix = body.get("Prefix")
    if prefix is not None:
        equal(got_prefix or "", prefix, f"{what}: prefix")
    else:
        equal(got_prefix, None, f"{what}: prefix")
    got_tags = {t["Key"]: t.get("Value") or "" for t in as_list(body.get("Tag"))}
    equal(got_tags, tags, f"{what}: tags")


def check_rule(got, rule, buckets, what):
    allowed = {"ID", "Priority", "Status", "Filter", "DeleteMarkerReplication",
               "SourceSelectionCriteria", "Destination"}
    check(set(got) <= allowed, f"{what}: unexpected elements {sorted(set(got) - allowed)}")
    equal(got["ID"], rule["id"], f"{what}: id")
    equal(int(got["Priority"]), rule["priority"], f"{what}: priority")
    equal(got["Status"], "Enabled" if rule["enabled"] else "Disabled", f"{what}: status")
    check("Filter" in got, f"{what}: no Filter (the V2 form needs one)")
    check_filter(got["Filter"], rule, what)
    equal(status_of(got.get("DeleteMarkerReplication"), f"{what}: delete marker replication"),
          "Enabled" if rule["delete_markers"] else "Disabled", f"{what}: delete markers")
    ssc = got.get("SourceSelectionCriteria") or {}
    want_ssc = {}
    if rule["sse_kms_objects"]:
        want_ssc["SseKmsEncryptedObjects"] = {"Status": "Enabled"}
    if rule["replica_modifications"]:
        want_ssc["ReplicaModifications"] = {"Status": "Enabled"}
    equal(ssc, want_ssc, f"{what}: source selection criteria")
    dest = buckets[rule["destination"]]
    want = {"Bucket": dest["arn"]}
    if rule["storage_class"]:
        want["StorageClass"] = rule["storage_class"]
    if rule["owner"] == "destination":
        want["Account"] = dest["account_id"]
        want["AccessControlTranslation"] = {"Owner": "Destination"}
    if rule["sse_kms_objects"]:
        want["EncryptionConfiguration"] = {"ReplicaKmsKeyID": rule["replica_kms_key"]}
    if rule["rtc"]:
        want["ReplicationTime"] = {"Status": "Enabled", "Time": {"Minutes": "15"}}
    if rule["metrics"]:
        want["Metrics"] = {"Status": "Enabled"}
        if rule["rtc"]:
            want["Metrics"]["EventThreshold"] = {"Minutes": "15"}
    equal(got["Destination"], want, f"{what}: destination")


def check_replication(model, state, buckets, role_arns):
    stored = moto_buckets(state)
    sources = {rep["source"] for rep in model["replication"]}
    for b in model["buckets"]:
        if b["key"] not in sources:
            equal(stored[b["name"]].get("replication"), None,
                  f"bucket {b['key']}: replication it should not have")
    for rep in model["replication"]:
        what = f"replication of {rep['source']}"
        got = stored[buckets[rep["source"]]["name"]].get("replication")
        check(got, f"{what}: none stored")
        equal(got["Role"], role_arns[rep["source"]], f"{what}: role")
        rules = as_list(got["Rule"])
        equal([r["ID"] for r in rules], [r["id"] for r in rep["rules"]], f"{what}: rule ids")
        for g, r in zip(rules, rep["rules"]):
            check_rule(g, r, buckets, f"{what}, rule {r['id']!r}")


def check_hostile(model, state):
    """A rule id or prefix that HCL would read as a template reaches S3 as
    the very characters of the spec."""
    want = sum(1 for rep in model["replication"] for r in rep["rules"]
               for v in (r["id"], r["filter"]["prefix"]) if v == HOSTILE)
    if not want:
        return
    got = 0
    for b in state["s3"]["FakeBucket"]:
        for r in as_list((b.get("replication") or {}).get("Rule")):
            f = r.get("Filter") or {}
            got += (r.get("ID") == HOSTILE) + (f.get("Prefix") == HOSTILE) + \
                ((f.get("And") or {}).get("Prefix") == HOSTILE)
    equal(got, want, f"rule ids and prefixes stored as {HOSTILE!r}")


def check_state(model, state, url, out=None, mark=None):
    """Everything moto holds against the model. out: the directory of a
    compile, whose existing-buckets.json and key-policies.json are checked
    too (None: not). mark: tags the deployer adds to the buckets and roles
    it creates ({"crrc:spec": NAME} for crrc apply; None for Terraform)."""
    check_hostile(model, state)
    buckets = {b["key"]: b for b in model["buckets"]}
    role_arns = {rep["source"]: role_arn_of(model, buckets, rep) for rep in model["replication"]}
    check_buckets(model, state, url, mark)
    check_roles(model, state, buckets, role_arns, mark)
    check_bucket_policies(model, url, buckets, role_arns, out)
    check_key_policies(model, buckets, role_arns, out)
    check_replication(model, state, buckets, role_arns)


# ---------------------------------------------------------------- existing buckets

def owner_policy(b):
    """The policy an existing bucket's owner gave it, which crrc must keep."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "OwnersOwnDenyDeleteBucket", "Effect": "Deny", "Principal": "*",
        "Action": "s3:DeleteBucket", "Resource": f"arn:aws:s3:::{b['name']}"}]}


OWNER_RETENTION = (b'<ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                   b"<ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>"
                   b"<Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule>"
                   b"</ObjectLockConfiguration>")


def create_existing(model, url):
    """Buckets that the spec says exist already: made here, in their account
    and region, before the apply, as their owners have them: Object Lock
    on, with a default retention, where the spec says so, and a bucket
    policy of the owner's, which crrc must neither replace nor drop."""
    for b in model["buckets"]:
        if not b["existing"]:
            continue
        account = b["account_id"] or MOTO_ACCOUNT
        body = b"" if b["region"] == "us-east-1" else (
            '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            f"<LocationConstraint>{b['region']}</LocationConstraint>"
            "</CreateBucketConfiguration>").encode()
        lock = {"x-amz-bucket-object-lock-enabled": "true"} if b["object_lock"] else {}
        http_put(f"{url}/{b['name']}", body, account, lock)
        if b["object_lock"]:
            http_put(f"{url}/{b['name']}?object-lock", OWNER_RETENTION, account)
        http_put(f"{url}/{b['name']}?policy", json.dumps(owner_policy(b)).encode(), account)
