"""grammar/language.md stays in step with the language: every key of the
JSON Schema is documented there as `key`, every storage class and the limits
of crrc.h are stated, every command of the driver is described, every
region crrc knows is listed, every ```yaml block of it is a spec that checks
clean, and the defaults and resolution rules it states are what `crrc model`
resolves."""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["CRRC_SOURCE_ROOT"], "tests", "lib"))
import crrctest  # noqa: E402

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def schema_keys(node, out):
    if isinstance(node, dict):
        for k, v in node.get("properties", {}).items():
            out.add(k)
            schema_keys(v, out)
        for k, v in node.items():
            if k != "properties":
                schema_keys(v, out)
    elif isinstance(node, list):
        for v in node:
            schema_keys(v, out)




def main():
    with open(os.path.join(crrctest.ROOT, "grammar", "language.md"), encoding="utf-8") as f:
        doc = f.read()
    with open(os.path.join(crrctest.ROOT, "grammar", "crrc.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    keys = set()
    schema_keys(schema, keys)
    for k in sorted(keys):
        if f"`{k}`" not in doc and f"`{k}:" not in doc:
            fail(f"the key {k} of the schema is not documented in language.md")
    for sc in schema["$defs"]["rule"]["properties"]["storage_class"]["enum"]:
        if sc not in doc:
            fail(f"the storage class {sc} is not in language.md")
    header = ""
    for room, name in (("model", "model.h"), ("diag", "diag.h")):
        with open(os.path.join(crrctest.ROOT, "compiler", room, name), encoding="utf-8") as f:
            header += f.read()
    lim = dict(re.findall(r"#define (CRRC_MAX_\w+) ([0-9]+)u?$", header, re.M))
    for name in ("CRRC_MAX_DEPTH", "CRRC_MAX_RULES", "CRRC_MAX_TAGS", "CRRC_MAX_PREFIX",
                 "CRRC_MAX_ROLE_NAME", "CRRC_MAX_NODES", "CRRC_MAX_DIAGS_PER_FILE"):
        value = lim.get(name)
        if value is None:
            fail(f"{name} is not in model/model.h or diag/diag.h")
        elif not re.search(rf"\*\*({value}|{int(value):,})\*\*", doc):
            fail(f"{name} = {value} is not stated (in bold) in language.md")
    m = re.search(r"#define CRRC_MAX_FILE_BYTES \((\d+)u \* 1024u \* 1024u\)", header)
    if not m:
        fail("CRRC_MAX_FILE_BYTES is not written as N MiB in model/model.h")
    elif f"{m.group(1)} MiB" not in doc:
        fail(f"the file size limit ({m.group(1)} MiB) is not stated in language.md")
    nodes = lim.get("CRRC_MAX_ALIAS_NODES")
    if nodes is None or format(int(nodes), ",") not in doc:
        fail(f"the alias expansion limit ({nodes} nodes) is not stated in language.md")
    for cmd in ("crrc check", "crrc model", "crrc compile", "crrc help", "crrc --version",
                "--diagnostics=", "--werror", "--target", "--out"):
        if cmd not in doc:
            fail(f"'{cmd}' is not described in language.md")
    check_regions(doc)
    check_snippets(doc)
    check_resolution()
    if not failures:
        print(f"ok: {len(keys)} keys, the limits and the commands are documented")


def check_regions(doc):
    with open(os.path.join(crrctest.ROOT, "compiler", "model", "regions.c"), encoding="utf-8") as f:
        regions = re.findall(r'\{"([a-z0-9-]+)", "(aws[a-z-]*)"\}', f.read())
    if len(regions) < 30:
        fail(f"could not read the regions of regions.c ({len(regions)} found)")
    listed = set(re.findall(r"`([a-z]{2}(?:-gov)?-[a-z]+-[0-9]+)`",
                            doc.partition("## Regions")[2].partition("\n## ")[0]))
    known = {code for code, _ in regions}
    for code in sorted(known - listed):
        fail(f"region {code} (regions.c) is not listed in language.md")
    for code in sorted(listed - known):
        fail(f"region {code} is listed in language.md but crrc does not know it")


def fnv1a64(data):
    h = 1469598103934665603
    for c in data:
        h = ((h ^ c) * 1099511628211) % 2**64
    return h


def documented_role_name(spec, source):
    """<name>-<source>-replication, shortened as language.md says."""
    name = f"{spec}-{source}-replication"
    if len(name) <= 64:
        return name
    return name[:55].rstrip("-") + "-%08x" % (fnv1a64(name.encode()) & 0xFFFFFFFF)


RESOLUTION_SPEC = """\
crrc: 1
name: abcdefghijabcdefghijabcdefghijab
tags: {team: media, tier: none}
accounts: {media: "012345678901"}
buckets:
  a-very-long-logical-bucket-key-for-testing:
    name: docs-source-use1
    region: us-east-1
    account: media
    encryption: sse-kms
    kms_key: arn:aws:kms:us-east-1:012345678901:key/1234abcd-12ab-34cd-56ef-1234567890ab
    tags: {tier: hot}
  dr:
    region: us-west-2
    encryption: sse-kms
    kms_key: arn:aws:kms:us-west-2:012345678901:key/0123abcd-12ab-34cd-56ef-1234567890ab
  eu:
    region: eu-west-1
replication:
  - source: a-very-long-logical-bucket-key-for-testing
    rules:
      - {id: one, destination: dr, rtc: true}
      - {id: two, destination: eu, sse_kms_objects: false}
"""


def check_resolution():
    spec = "abcdefghijabcdefghijabcdefghijab"
    src_key = "a-very-long-logical-bucket-key-for-testing"
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "resolution.crr.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(RESOLUTION_SPEC)
        p = subprocess.run([crrctest.CRRC, "model", "--werror", path],
                           capture_output=True, text=True, timeout=20)
    if p.returncode != 0:
        fail(f"crrc model of the resolution spec exited {p.returncode}:\n{p.stderr}")
        return
    m = json.loads(p.stdout)
    buckets = {b["key"]: b for b in m["buckets"]}
    src, dr = buckets[src_key], buckets["dr"]
    rules = m["replication"][0]["rules"]
    role = m["replication"][0]["role"]
    want_role = documented_role_name(spec, src_key)
    expect = [
        ("default bucket name", dr["name"], f"{spec}-dr"),
        ("bucket ARN", src["arn"], "arn:aws:s3:::docs-source-use1"),
        ("partition", src["partition"], "aws"),
        ("account alias resolved, leading zero kept", src["account_id"], "012345678901"),
        ("tags merged, the bucket's value winning", src["tags"],
         {"team": "media", "tier": "hot"}),
        ("positional priorities", [r["priority"] for r in rules], [1, 2]),
        ("metrics = rtc", [r["metrics"] for r in rules], [True, False]),
        ("sse_kms_objects = source is sse-kms", rules[0]["sse_kms_objects"], True),
        ("replica key = destination's kms_key", rules[0]["replica_kms_key"], dr["kms_key"]),
        ("generated role", role["generated"], True),
        ("role name shortened to 64 with a hash", role["name"], want_role),
        ("role ARN", role["arn"], f"arn:aws:iam::012345678901:role/{want_role}"),
    ]
    for what, got, want in expect:
        if got != want:
            fail(f"language.md says {what}: {want!r}, but crrc model gives {got!r}")
    if len(role["name"]) > 64:
        fail(f"the generated role name has {len(role['name'])} characters")


def check_snippets(doc):
    blocks = re.findall(r"^```yaml\n(.*?)^```$", doc, re.M | re.S)
    if not blocks:
        fail("language.md shows no ```yaml spec")
    if not os.access(crrctest.CRRC, os.X_OK):
        crrctest.missing(f"the crrc binary ({crrctest.CRRC})")
    with tempfile.TemporaryDirectory() as tmp:
        for i, spec in enumerate(blocks, 1):
            path = os.path.join(tmp, f"snippet{i}.crr.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(spec)
            p = subprocess.run([crrctest.CRRC, "check", "--werror", path],
                               capture_output=True, text=True, timeout=20)
            if p.returncode != 0:
                fail(f"yaml block {i} of language.md does not check clean:\n{p.stderr}")


if __name__ == "__main__":
    main()
    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        sys.exit(1)
