"""replication_engine: S3 replication inside moto_server, for the tests.

moto 5.2.1 stores a bucket's replication configuration and does nothing
with it: no object is ever replicated and no `x-amz-replication-status` is
ever answered. This module STANDS IN FOR AWS: it does what S3 replication
does, closely enough to test `crrc verify` (which uploads a probe into each
rule's source bucket and watches it replicate) against moto. It is not AWS,
and where the two differ, AWS is right.

motopatch/moto_server imports it only when CRRC_MOTO_REPLICATION is set,
to the delay in seconds (a float) between a version appearing and its
replication. While the file named by CRRC_MOTO_REPLICATION_PAUSE exists,
nothing replicates (covered versions stay PENDING). A daemon thread scans
every bucket that has a configuration, every 0.1 s.

What it does, as S3 does with V2 configurations:
- A version is covered when its bucket had a configuration when the version
  was made (S3 replicates no existing objects). HeadObject and GetObject
  answer `x-amz-replication-status: PENDING` for a covered version that an
  enabled rule matches, from the moment it exists, paused or not.
- For each destination, the highest-priority enabled rule into it whose
  filter matches (prefix, and every tag of the filter among the object's
  tags) decides. SSE-KMS objects only under a rule whose
  SourceSelectionCriteria/SseKmsEncryptedObjects is Enabled (else they get
  no status). Replicas (status REPLICA) are never replicated again, so
  two-way replication does not ping-pong.
- The replica: same key, bytes, ETag, version id, last-modified time, user
  metadata, Content-Type, tags, checksum; storage class from the rule's
  Destination/StorageClass, else the source's; SSE-KMS objects are
  encrypted with ReplicaKmsKeyID, SSE-S3 ones stay SSE-S3, unencrypted ones
  get the destination's default encryption (S3's behaviour; ReplicaKmsKeyID
  does not apply to objects that were not SSE-KMS).
- A delete marker (DELETE without versionId) is replicated, with its
  version id, when the deciding rule has DeleteMarkerReplication Enabled (V1
  rules, without Filter, always); rules with tag filters match no delete
  marker. Deleting a version is never replicated (moto makes no marker).
- The source becomes COMPLETED when every destination has it, FAILED when
  one failed: the destination is missing or not versioned, the source is not
  versioned, the role (looked up by ARN in moto's IAM, in the ARN's account)
  is missing or does not trust s3.amazonaws.com, or its inline and attached
  managed policies do not allow what S3 asks for (replication_policy.py):
  s3:GetObjectVersionForReplication (and s3:GetObjectVersionTagging when
  tagged) on arn:aws:s3:::source/key; s3:ReplicateObject (s3:ReplicateDelete
  for a marker), s3:ReplicateTags when tagged and
  s3:ObjectOwnerOverrideToBucketOwner with AccessControlTranslation, on
  arn:aws:s3:::destination/key; kms:Decrypt on the source object's key and
  kms:Encrypt on the replica key, with S3's kms:ViaService and
  kms:EncryptionContext:aws:s3:arn in the request context. A destination
  bucket in another account than the role must Allow those destination
  actions to the role (by its ARN, its account's root or its account id) in
  its bucket policy; any bucket policy's explicit Deny fails it too.
  FAILED is final, as in S3 (no retries).
- GET /_crrc/replication answers JSON: every covered version of every
  bucket, and every replica, with bucket, key, version, kind, status, reason
  (why it failed or was not covered) and per-destination results.

Where it simplifies (not AWS):
- Status is decided once, when the version is processed (after the delay);
  tags changed after that, later configuration changes and replica
  modification sync are ignored. A configuration deleted while versions are
  PENDING leaves them without status. ReplicationTime and Metrics do nothing
  (the delay is the same for every object); ExistingObjectReplication does
  nothing.
- moto's objects have one owner (a constant canonical id), so
  AccessControlTranslation changes no visible owner; the engine records the
  owner account in its JSON (`owner`) only. Destination/Account is not
  compared with the destination bucket's owner. ACLs are copied as they are.
- moto keeps an object's tags in the tagger of the account that wrote them;
  a replica's tags are written as the destination's account, so only that
  account's GetObjectTagging sees them (HeadObject's tag count is right for
  everyone).
- Not evaluated: the role's s3:GetReplicationConfiguration and
  s3:ListBucket on the source bucket, the source's bucket policy, KMS key
  policies and grants, permission boundaries, SCPs, session policies,
  policy variables, numeric/date conditions, S3 Block Public Access, Object
  Lock on the destination (lock settings are copied only into a bucket with
  Object Lock), requester pays, SSE-C (replicated like any object),
  multipart parts (the replica is one part, with the same ETag).
- A replica is inserted among the destination's versions by last-modified
  time without a lock (moto has none); a PUT into the same key of the
  destination at the same instant may be lost.

(Named so as to shadow no moto module: this directory is first on sys.path
when motopatch/moto_server runs.)"""
import hashlib
import json
import os
import sys
import threading
import time
import traceback

from moto.core.utils import utcnow
from moto.s3.models import FakeDeleteMarker, FakeKey, S3Backend, s3_backends

import replication_policy as policy

STATE = "_crrc_replication"        # on a FakeKey or FakeDeleteMarker: what was decided
SINCE = "_crrc_replication_since"  # on a FakeBucket: when it got its configuration
PATH = "/_crrc/replication"
SCAN_INTERVAL = 0.1


def log(msg):
    print(f"replication_engine: {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------ the configuration

def rules_of(config):
    if not isinstance(config, dict):
        return []
    return [r for r in policy.as_list(config.get("Rule")) if isinstance(r, dict)]


def enabled(d, *path):
    """d[path...]["Status"] == "Enabled"."""
    for p in path:
        d = d.get(p) if isinstance(d, dict) else None
    return isinstance(d, dict) and d.get("Status") == "Enabled"


def destination(rule):
    return rule.get("Destination") if isinstance(rule.get("Destination"), dict) else {}


def dest_name(rule):
    arn = destination(rule).get("Bucket") or ""
    return arn.rpartition(":::")[2] if ":::" in arn else arn


def priority(rule):
    try:
        return int(rule.get("Priority") or 0)
    except (TypeError, ValueError):
        return 0


def is_v1(rule):
    return "Filter" not in rule


def filter_of(rule):
    """(prefix, {tag: value}) of a rule (V1: the rule's Prefix)."""
    if is_v1(rule):
        return rule.get("Prefix") or "", {}
    f = rule.get("Filter") or {}
    if isinstance(f.get("And"), dict):
        f = f["And"]
    tags = {t.get("Key"): t.get("Value") or "" for t in policy.as_list(f.get("Tag"))
            if isinstance(t, dict)}
    return f.get("Prefix") or "", tags


def matches(rule, name, tags, marker):
    prefix, want = filter_of(rule)
    if not name.startswith(prefix):
        return False
    if marker:  # S3 refuses DeleteMarkerReplication with a tag filter
        return not want
    return all(tags.get(k) == v for k, v in want.items())


def deciding_rules(config, name, tags, marker):
    """{destination bucket: the highest-priority enabled rule into it that
    matches} (the first listed wins a tie)."""
    out = {}
    for rule in sorted(rules_of(config), key=priority, reverse=True):
        d = dest_name(rule)
        if d and d not in out and rule.get("Status") == "Enabled" and \
                matches(rule, name, tags, marker):
            out[d] = rule
    return out


def is_kms(version):
    return (getattr(version, "encryption", None) or "").startswith("aws:kms")


def plan_for(bucket, version):
    """{destination: deciding rule} of the destinations this version goes to."""
    marker = isinstance(version, FakeDeleteMarker)
    rules = deciding_rules(bucket.replication, version.name, tags_of(version), marker)
    if marker:
        return {d: r for d, r in rules.items()
                if is_v1(r) or enabled(r, "DeleteMarkerReplication")}
    if is_kms(version):
        return {d: r for d, r in rules.items()
                if enabled(r, "SourceSelectionCriteria", "SseKmsEncryptedObjects")}
    return rules


# ------------------------------------------------------------ moto's objects

def find_bucket(name):
    where = s3_backends.bucket_accounts.get(name)
    if not where:
        return None
    partition, account = where
    try:
        return s3_backends[account][partition].buckets.get(name)
    except Exception:
        return None


def all_buckets():
    out = []
    for name in list(s3_backends.bucket_accounts.keys()):
        b = find_bucket(name)
        if b is not None:
            out.append(b)
    return out


def tagger_of(account, partition):
    return s3_backends[account][partition].tagger


def tags_of(version):
    """An object's tags. moto keeps them in the tagger of the account that
    put them (FakeKey.account_id is the writer's, not the bucket owner's)."""
    if not isinstance(version, FakeKey):
        return {}
    return tagger_of(version.account_id, version.partition).get_tag_dict_for_resource(version.arn)


def covered(bucket, version):
    """The bucket had its configuration when the version was made."""
    if not getattr(bucket, "replication", None):
        return False
    since = getattr(bucket, SINCE, None)
    return since is None or version.last_modified >= since


def pending_status(bucket, version):
    if bucket is None or not covered(bucket, version):
        return None
    return "PENDING" if plan_for(bucket, version) else None


def status_of(version):
    """What x-amz-replication-status says of a version, or None."""
    state = version.__dict__.get(STATE)
    if state is not None:
        return state.get("status")
    return pending_status(find_bucket(getattr(version, "bucket_name", None) or ""), version)


def arn_of(bucket, name=None):
    tail = f"{bucket.name}/{name}" if name is not None else bucket.name
    return f"arn:{bucket.partition}:s3:::{tail}"


# ------------------------------------------------------------ IAM and KMS

def find_role(arn):
    """moto's IAM role for an ARN, or None (no backend is created)."""
    from moto.iam.models import iam_backends
    parts = (arn or "").split(":", 5)
    if len(parts) < 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
        return None
    accounts = dict.get(iam_backends, parts[4])
    backend = dict.get(accounts, parts[1]) if accounts else None
    if backend is None:
        return None
    return next((r for r in list(backend.roles.values()) if r.arn == arn), None)


def managed_document(p):
    for v in list(getattr(p, "versions", [])):
        if getattr(v, "is_default", False):
            return v.document
    return None


def role_documents(role):
    docs = list(role.policies.values())
    docs += [managed_document(p) for p in list(role.managed_policies.values())]
    return [d for d in docs if d]


def trusts_s3(role, src):
    ctx = {"aws:SourceAccount": src.account_id, "aws:SourceArn": arn_of(src)}
    return policy.evaluate([role.assume_role_policy_document], "sts:AssumeRole", "*", ctx,
                           {"Service": ["s3.amazonaws.com"]}) == "Allow"


def kms_key(ref, bucket):
    """(key ARN, its alias names) of a key as S3 stored it: a key id, key
    ARN, alias name or alias ARN, in the bucket's account and region unless
    an ARN says otherwise. Keys moto's KMS knows are resolved."""
    from moto.kms.models import kms_backends
    ref = ref or "alias/aws/s3"
    partition, region, account = bucket.partition, bucket.region_name, bucket.account_id
    rest = ref if ref.startswith("alias/") else "key/" + ref
    if ref.startswith("arn:"):
        p = ref.split(":", 5)
        if len(p) == 6:
            partition, region, account, rest = p[1], p[3], p[4], p[5]
    accounts = dict.get(kms_backends, account)
    backend = dict.get(accounts, region) if accounts else None
    if backend is not None and not rest.startswith("alias/aws/"):
        try:
            key = backend.keys.get(backend.any_id_to_key_id(ref))
            if key is not None:
                return key.arn, sorted(key.aliases)
        except Exception:
            pass
    arn = f"arn:{partition}:kms:{region}:{account}:{rest}"
    return arn, [rest] if rest.startswith("alias/") else []


def kms_check(action, ref, bucket, context_arn, role_account):
    arn, aliases = kms_key(ref, bucket)
    suffix = "amazonaws.com.cn" if bucket.partition == "aws-cn" else "amazonaws.com"
    ctx = {"kms:ViaService": f"s3.{bucket.region_name}.{suffix}",
           "kms:EncryptionContext:aws:s3:arn": context_arn,
           "kms:CallerAccount": role_account}
    if aliases:
        ctx["kms:ResourceAliases"] = aliases
    return action, arn, ctx


def replica_key_id(rule):
    enc = destination(rule).get("EncryptionConfiguration")
    return enc.get("ReplicaKmsKeyID") if isinstance(enc, dict) else None


def owner_override(rule):
    act = destination(rule).get("AccessControlTranslation")
    return isinstance(act, dict) and act.get("Owner") == "Destination"


def source_checks(src, version, tagged, role_account):
    """(action, resource, context) the role needs on the source side."""
    obj = arn_of(src, version.name)
    out = [("s3:GetObjectVersionForReplication", obj, {})]
    if tagged:
        out.append(("s3:GetObjectVersionTagging", obj, {}))
    if is_kms(version):
        ctx_arn = arn_of(src) if getattr(version, "bucket_key_enabled", None) else obj
        out.append(kms_check("kms:Decrypt", version.kms_key_id, src, ctx_arn, role_account))
    return out


def dest_checks(dest, version, rule, tagged):
    """(action, resource, context) the role needs on the destination: the
    bucket policy of another account must allow the same."""
    obj = arn_of(dest, version.name)
    if isinstance(version, FakeDeleteMarker):
        return [("s3:ReplicateDelete", obj, {})]
    out = [("s3:ReplicateObject", obj, {})]
    if tagged:
        out.append(("s3:ReplicateTags", obj, {}))
    if owner_override(rule):
        out.append(("s3:ObjectOwnerOverrideToBucketOwner", obj, {}))
    return out


def role_problem(role, role_arn, checks):
    docs = role_documents(role)
    base = {"aws:PrincipalArn": role_arn, "aws:PrincipalAccount": role.account_id}
    for action, resource, ctx in checks:
        verdict = policy.evaluate(docs, action, resource, {**base, **ctx})
        if verdict != "Allow":
            how = "deny" if verdict == "Deny" else "do not allow"
            return f"the policies of role {role_arn} {how} {action} on {resource}"
    return ""


def bucket_policy_problem(dest, role, role_arn, checks):
    docs = [dest.policy] if dest.policy else []
    who = {"AWS": [role_arn, f"arn:{role.partition}:iam::{role.account_id}:root",
                   role.account_id]}
    ctx = {"aws:PrincipalArn": role_arn, "aws:PrincipalAccount": role.account_id}
    cross = dest.account_id != role.account_id
    for action, resource, _ in checks:
        verdict = policy.evaluate(docs, action, resource, ctx, who)
        if verdict == "Deny":
            return f"the bucket policy of {dest.name} denies {action} to {role_arn}"
        if cross and verdict != "Allow":
            return (f"the bucket policy of {dest.name} (account {dest.account_id}) does not "
                    f"allow {action} on {resource} to {role_arn} (account {role.account_id})")
    return ""


def access_problem(src, version, dest, rule, config):
    """Why the role may not replicate this version into dest, or ""."""
    role_arn = config.get("Role") or ""
    role = find_role(role_arn)
    if role is None:
        return f"role {role_arn or '(none)'} does not exist"
    if not trusts_s3(role, src):
        return f"role {role_arn} does not trust s3.amazonaws.com"
    tagged = bool(tags_of(version))
    dchecks = dest_checks(dest, version, rule, tagged)
    checks = source_checks(src, version, tagged, role.account_id) + dchecks
    if is_kms(version):
        checks.append(kms_check("kms:Encrypt", replica_key_id(rule), dest,
                                arn_of(dest, version.name), role.account_id))
    return (role_problem(role, role_arn, checks) or
            bucket_policy_problem(dest, role, role_arn, dchecks))


# ------------------------------------------------------------ making replicas

def replica_encryption(version, rule, dest):
    """(SSE algorithm, KMS key id, bucket key) of the replica."""
    if is_kms(version):
        return version.encryption, replica_key_id(rule), None
    if version.encryption:
        return version.encryption, None, None
    enc = dest.encryption if isinstance(dest.encryption, dict) else {}
    default = enc.get("Rule") if isinstance(enc.get("Rule"), dict) else {}
    sse = default.get("ApplyServerSideEncryptionByDefault") or {}
    if sse.get("SSEAlgorithm"):
        return sse["SSEAlgorithm"], sse.get("KMSMasterKeyID"), default.get("BucketKeyEnabled")
    return None, None, None


def insert_version(bucket, version):
    """Adds a version to a key's versions, ordered by last-modified time (the
    last one is the current version). False when that version id is there."""
    current = list(bucket.keys.getlist(version.name, []) or [])
    if any(str(v.version_id) == str(version.version_id) for v in current):
        return False
    at = len(current)
    while at > 0 and current[at - 1].last_modified > version.last_modified:
        at -= 1
    current.insert(at, version)
    bucket.keys.setlist(version.name, current)
    return True


def mark_replica(version, src, owner):
    version.__dict__[STATE] = {"status": "REPLICA", "reason": "", "destinations": {},
                               "source": src.name, "owner": owner}


def copy_key(src, version, dest, rule):
    enc, kms_id, bucket_key = replica_encryption(version, rule, dest)
    locked = bool(getattr(dest, "object_lock_enabled", False))
    value = version.value  # under the key's lock; then the ETag from it
    etag = getattr(version, "_etag", None) or hashlib.md5(value).hexdigest()
    replica = FakeKey(
        name=version.name, value=value, account_id=dest.account_id,
        region_name=dest.region_name,
        storage=destination(rule).get("StorageClass") or version.storage_class,
        etag=etag, is_versioned=True, version_id=version.version_id,
        bucket_name=dest.name, encryption=enc, kms_key_id=kms_id,
        bucket_key_enabled=bucket_key,
        lock_mode=version.lock_mode if locked else None,
        lock_legal_status=version.lock_legal_status if locked else None,
        lock_until=version.lock_until if locked else None,
        checksum_value=version.checksum_value, checksum_type=version.checksum_type,
        checksum_parts=version.checksum_parts)
    replica.checksum_algorithm = version.checksum_algorithm
    replica.set_metadata(dict(version.metadata))
    replica.website_redirect_location = version.website_redirect_location
    replica.acl = version.acl
    replica.last_modified = version.last_modified
    tags = tags_of(version)
    if tags:
        tagger_of(dest.account_id, dest.partition).tag_resource(
            replica.arn, [{"Key": k, "Value": v} for k, v in tags.items()])
    owner = dest.account_id if owner_override(rule) else src.account_id
    mark_replica(replica, src, owner)
    if not insert_version(dest, replica):
        replica.dispose()


def copy_marker(src, version, dest):
    marker = FakeDeleteMarker.__new__(FakeDeleteMarker)
    latest = dest.keys.get(version.name)
    marker.key = latest if latest is not None else marker
    marker.name = version.name
    marker.last_modified = version.last_modified
    marker._version_id = version.version_id
    mark_replica(marker, src, dest.account_id)
    insert_version(dest, marker)


# ------------------------------------------------------------ the engine

def where_problem(src, version, dest, name, rule):
    if dest is None:
        return f"destination bucket {name} does not exist"
    if not dest.is_versioned:
        return f"versioning of destination bucket {name} is not Enabled"
    if not src.is_versioned:
        return f"versioning of source bucket {src.name} is not Enabled"
    if is_kms(version) and not replica_key_id(rule):
        return "the rule has no ReplicaKmsKeyID for an SSE-KMS object"
    return ""


def replicate(src, version, name, rule):
    """Replicates one version into one destination: "" or why it failed."""
    dest = find_bucket(name)
    problem = (where_problem(src, version, dest, name, rule) or
               access_problem(src, version, dest, rule, src.replication))
    if problem:
        return problem
    if isinstance(version, FakeDeleteMarker):
        copy_marker(src, version, dest)
    else:
        copy_key(src, version, dest, rule)
    return ""


def decide(version, status, reason, destinations=None):
    version.__dict__[STATE] = {"status": status, "reason": reason,
                               "destinations": destinations or {}}


def process(src, version):
    if not covered(src, version):
        return decide(version, None, "not covered: made before the replication configuration")
    plan = plan_for(src, version)
    if not plan:
        return decide(version, None, "not covered: no enabled rule replicates it")
    results = {name: replicate(src, version, name, rule) for name, rule in plan.items()}
    failed = {d: r for d, r in results.items() if r}
    reason = "; ".join(f"{d}: {r}" for d, r in failed.items())
    decide(version, "FAILED" if failed else "COMPLETED", reason,
           {d: ("FAILED: " + r) if r else "COMPLETED" for d, r in results.items()})
    if failed:
        log(f"{src.name}/{version.name} version {version.version_id} FAILED: {reason}")


class Engine:
    def __init__(self, delay, pause=None):
        self.delay = max(0.0, float(delay))
        self.pause = pause

    def paused(self):
        return bool(self.pause) and os.path.exists(self.pause)

    def start(self):
        threading.Thread(target=self.run, name="crrc-replication", daemon=True).start()
        return self

    def run(self):
        while True:
            time.sleep(SCAN_INTERVAL)
            try:
                if not self.paused():
                    self.scan()
            except Exception:
                log("scan failed:\n" + traceback.format_exc())

    def ready(self, version):
        if STATE in version.__dict__:
            return False
        if not isinstance(version, (FakeKey, FakeDeleteMarker)):
            return False
        age = (utcnow() - version.last_modified).total_seconds()
        return age >= self.delay and not self.paused()

    def scan(self):
        for bucket in all_buckets():
            if not getattr(bucket, "replication", None):
                continue
            for _, versions in list(bucket.keys.lists()):
                for version in list(versions):
                    if self.ready(version):
                        self.guarded(bucket, version)

    def guarded(self, bucket, version):
        try:
            process(bucket, version)
        except Exception as e:
            log(f"{bucket.name}/{getattr(version, 'name', '?')}: " + traceback.format_exc())
            try:
                decide(version, "FAILED", f"engine error: {type(e).__name__}: {e}")
            except Exception:
                pass


# ------------------------------------------------------------ what it decided

def record_of(bucket, version):
    state = version.__dict__.get(STATE)
    if state is None:
        status = pending_status(bucket, version)
        if not status:
            return None
        state = {"status": status, "reason": "", "destinations": {}}
    kind = "delete-marker" if isinstance(version, FakeDeleteMarker) else "object"
    return {"bucket": bucket.name, "key": version.name, "version": str(version.version_id),
            "kind": kind, **state}


def records():
    out = []
    for bucket in all_buckets():
        for _, versions in list(bucket.keys.lists()):
            for version in list(versions):
                try:
                    r = record_of(bucket, version)
                except Exception as e:
                    r = {"bucket": bucket.name, "key": getattr(version, "name", "?"),
                         "error": f"{type(e).__name__}: {e}"}
                if r:
                    out.append(r)
    return out


# ------------------------------------------------------------ patching moto

_answering = threading.local()


def answering(inner):
    """Marks the thread while moto builds a HeadObject or GetObject answer."""
    def wrapper(*args, **kwargs):
        _answering.on = True
        try:
            return inner(*args, **kwargs)
        finally:
            _answering.on = False
    return wrapper


def patch_headers():
    """HeadObject and GetObject carry x-amz-replication-status (S3 answers it
    there only: not on PutObject, CopyObject or the multipart calls, which
    build their headers from the same FakeKey.response_dict)."""
    from moto.s3.responses import S3Response
    original = FakeKey.response_dict.fget

    def response_dict(self):
        res = original(self)
        if not getattr(_answering, "on", False):
            return res
        try:
            status = status_of(self)
            if status:
                res["x-amz-replication-status"] = status
        except Exception:
            log("replication status:\n" + traceback.format_exc())
        return res
    FakeKey.response_dict = property(response_dict)
    S3Response.get_object = answering(S3Response.get_object)
    S3Response.head_object = answering(S3Response.head_object)


def patch_configuration():
    """Remembers when a bucket got a configuration (covered versions are
    those made after)."""
    put = S3Backend.put_bucket_replication
    delete = S3Backend.delete_bucket_replication

    def put_bucket_replication(self, bucket_name, replication):
        bucket = self.get_bucket(bucket_name)
        if not getattr(bucket, "replication", None):
            setattr(bucket, SINCE, utcnow())
        return put(self, bucket_name, replication)

    def delete_bucket_replication(self, bucket_name):
        delete(self, bucket_name)
        setattr(self.get_bucket(bucket_name), SINCE, None)
    S3Backend.put_bucket_replication = put_bucket_replication
    S3Backend.delete_bucket_replication = delete_bucket_replication


def patch_endpoint(engine):
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    call = DomainDispatcherApplication.__call__

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH:
            return call(self, environ, start_response)
        body = json.dumps({"delay": engine.delay, "paused": engine.paused(),
                           "versions": records()}, default=str).encode()
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(body)))])
        return [body]
    DomainDispatcherApplication.__call__ = __call__


def install(delay, pause=None):
    engine = Engine(delay, pause)
    patch_headers()
    patch_configuration()
    patch_endpoint(engine)
    log(f"replicating after {engine.delay}s" + (f", paused while {pause} exists" if pause else ""))
    return engine.start()
