"""The JSON Schema of the language is a valid draft 2020-12 schema, accepts
every bundled example, and rejects the mistakes a schema can see: a
misspelled key, a value outside an enum, a missing required key, a wrong
version, a versioning key, the rule-level constraints it encodes."""
import copy
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.environ["CRRC_SOURCE_ROOT"], "tests", "lib"))
import crrctest  # noqa: E402

try:
    import jsonschema
    import yaml
except ImportError:
    crrctest.missing("python3-jsonschema")

SCHEMA = os.path.join(crrctest.ROOT, "grammar", "crrc.schema.json")
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def errors_of(validator, doc):
    return list(validator.iter_errors(doc))


def expect_rejected(validator, base, what, mutate, needle, kind=None):
    """mutate a copy of base; the schema must reject it with an error whose
    message or path mentions needle (and, given kind, that comes from that
    keyword of the schema)."""
    doc = copy.deepcopy(base)
    mutate(doc)
    errs = errors_of(validator, doc)
    if not errs:
        fail(f"{what}: the schema accepts it")
        return
    text = [f"{list(e.absolute_path)} {e.message}" for e in errs]
    for e in errs:
        # oneOf/anyOf/if-then report on the parent: look into the context too.
        for sub in [e, *e.context]:
            if kind and sub.validator != kind:
                continue
            if needle in sub.message or needle in [str(p) for p in sub.absolute_path]:
                print(f"ok: {what}: {list(sub.absolute_path)} {sub.message}")
                return
    fail(f"{what}: rejected, but no {kind or 'error'} mentions {needle!r}: {text}")


def documented_valid_specs():
    grammar = os.path.join(crrctest.ROOT, "grammar")
    with open(os.path.join(grammar, "language.md"), encoding="utf-8") as f:
        specs = [("language.md", b) for b in re.findall(r"^```yaml\n(.*?)^```$", f.read(),
                                                         re.M | re.S)]
    with open(os.path.join(grammar, "diagnostics.md"), encoding="utf-8") as f:
        for part in re.split(r"^## ", f.read(), flags=re.M)[1:]:
            head, _, body = part.partition("\n")
            if head.startswith("W") or "<!-- example: compile" in body:
                specs += [(f"diagnostics.md {head.split()[0]}", b) for b in
                          re.findall(r"^```yaml\n(.*?)^```$", body, re.M | re.S)]
    if len(specs) < 8:
        fail(f"found only {len(specs)} valid specs in the documentation")
    return specs


def main():
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    if cls is not jsonschema.Draft202012Validator:
        fail(f"$schema is not draft 2020-12: {schema.get('$schema')}")
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as e:
        fail(f"the schema is not valid: {e.message}")
        return
    v = jsonschema.Draft202012Validator(schema)

    examples = crrctest.examples()
    if len(examples) < 3:
        fail(f"expected at least 3 examples, found {examples}")
    for path in examples:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        errs = errors_of(v, doc)
        if errs:
            fail(f"{os.path.basename(path)} is rejected: "
                 + "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errs))
        else:
            print(f"ok: {os.path.basename(path)} is accepted")

    region = jsonschema.Draft202012Validator({**schema["$defs"]["region"],
                                              "$defs": schema["$defs"]})
    with open(os.path.join(crrctest.ROOT, "compiler", "model", "regions.c"), encoding="utf-8") as f:
        codes = re.findall(r'\{"([a-z0-9-]+)", "aws[a-z-]*"\}', f.read())
    if len(codes) < 30:
        fail(f"could not read the regions of regions.c ({len(codes)} found)")
    refused = [c for c in codes if not region.is_valid(c)]
    if refused:
        fail(f"the schema's region pattern refuses regions crrc knows: {refused}")
    for wrong in ("us-east", "US-EAST-1", "useast1", "us-east-1a"):
        if region.is_valid(wrong):
            fail(f"the schema's region pattern accepts {wrong!r}")

    # The schema is never stricter than crrc: the specs of the documentation
    # that crrc check accepts (language.md's, and the examples of warnings
    # and of back-end errors in diagnostics.md) pass it too.
    for doc, spec in documented_valid_specs():
        errs = errors_of(v, yaml.safe_load(spec))
        if errs:
            fail(f"a spec of {doc} that crrc accepts is rejected: "
                 + "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errs))

    with open(os.path.join(crrctest.EXAMPLES, "streamvision.crr.yaml"), encoding="utf-8") as f:
        base = yaml.safe_load(f)
    rule = lambda d: d["replication"][0]["rules"][0]  # noqa: E731
    bucket = lambda d: next(iter(d["buckets"].values()))  # noqa: E731

    def misspell(d):
        r = rule(d)
        r["destinaton"] = r.pop("destination")

    def misspell_top(d):
        d["bucket"] = d.pop("buckets")

    expect_rejected(v, base, "misspelled rule key 'destinaton'", misspell, "destinaton",
                    "additionalProperties")
    expect_rejected(v, base, "misspelled top-level key 'bucket'", misspell_top, "'bucket'",
                    "additionalProperties")
    expect_rejected(v, base, "storage_class outside the enum",
                    lambda d: rule(d).update(storage_class="STANDARD_INFREQUENT"),
                    "storage_class")
    expect_rejected(v, base, "encryption outside the enum",
                    lambda d: bucket(d).update(encryption="aes256"), "encryption")
    expect_rejected(v, base, "owner outside the enum",
                    lambda d: rule(d).update(owner="bucket-owner"), "owner")
    expect_rejected(v, base, "bucket without region",
                    lambda d: bucket(d).pop("region"), "region")
    expect_rejected(v, base, "spec without name", lambda d: d.pop("name"), "name")
    expect_rejected(v, base, "rule without id", lambda d: rule(d).pop("id"), "id")
    expect_rejected(v, base, "language version 2", lambda d: d.update(crrc=2), "crrc")
    expect_rejected(v, base, "a versioning key",
                    lambda d: bucket(d).update(versioning=True), "versioning",
                    "additionalProperties")
    expect_rejected(v, base, "sse-kms without kms_key",
                    lambda d: bucket(d).update(encryption="sse-kms"), "kms_key")
    expect_rejected(v, base, "rtc without metrics",
                    lambda d: rule(d).update(rtc=True, metrics=False), "metrics")
    expect_rejected(v, base, "delete markers with a tag filter",
                    lambda d: rule(d).update(delete_markers=True,
                                             filter={"tags": {"class": "master"}}),
                    "filter")
    expect_rejected(v, base, "an 11-digit account id",
                    lambda d: d.update(accounts={"media": "11112222333"}), "media")
    expect_rejected(v, base, "a tag key with the aws: prefix",
                    lambda d: d.update(tags={"aws:owner": "x"}), "aws:owner")
    expect_rejected(v, base, "no rules", lambda d: d["replication"][0].update(rules=[]),
                    "rules")
    expect_rejected(v, base, "a spec name with capitals",
                    lambda d: d.update(name="StreamVision"), "name")
    expect_rejected(v, base, "an ignore that is not a list",
                    lambda d: d.update(ignore="W004"), "ignore")
    expect_rejected(v, base, "an ignore of something but a warning's code",
                    lambda d: d.update(ignore=["same-region"]), "same-region")
    expect_rejected(v, base, "an RPO below 15 minutes",
                    lambda d: d["policies"].update(rpo_minutes=5), "rpo_minutes")
    # a legacy name (W008) only for an existing bucket in us-east-1
    legacy = dict(name="Media_Archive_2016", region="us-east-1", existing=True)
    expect_rejected(v, base, "a legacy name on a bucket crrc creates",
                    lambda d: bucket(d).update({**legacy, "existing": False}), "name")
    expect_rejected(v, base, "a legacy name outside us-east-1",
                    lambda d: bucket(d).update({**legacy, "region": "us-west-2"}), "name")
    expect_rejected(v, base, "a name invalid even then",
                    lambda d: bucket(d).update({**legacy, "name": "media archive"}), "name")
    doc = copy.deepcopy(base)
    bucket(doc).update(legacy)
    if errors_of(v, doc):
        fail("a legacy name of an existing bucket in us-east-1 is rejected")


if __name__ == "__main__":
    main()
    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        sys.exit(1)
