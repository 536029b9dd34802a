"""badinputs: the bad inputs of the language issue, one case each: how to
write the file, and what crrc must answer (exit status, diagnostic code,
line and column). test_bad_input.py runs them; tests/fuzz/make-corpus
writes the small ones into the fuzzer's seed corpus."""
import os

VALID = (b"crrc: 1\n"
         b"name: demo\n"
         b"buckets:\n"
         b"  primary:\n"
         b"    region: us-east-1\n"
         b"  dr:\n"
         b"    region: us-west-2\n"
         b"replication:\n"
         b"  - source: primary\n"
         b"    rules:\n"
         b"      - id: dr-all\n"
         b"        destination: dr\n")


def alias_bomb():
    """Ten levels of ten aliases each: 10^10 nodes in 600 bytes."""
    lines = [b"crrc: 1", b"name: bomb",
             b"x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    names = "abcdefghij"
    for prev, cur in zip(names, names[1:]):
        refs = ", ".join(["*" + prev] * 10)
        lines.append(f"x-{cur}: &{cur} [{refs}]".encode())
    lines.append(b"buckets: {b: {region: us-east-1}}")
    return b"\n".join(lines) + b"\n"


def merge_keys():
    return (b"crrc: 1\n"
            b"name: anchors\n"
            b"x-defaults: &defaults\n"
            b"  object_lock: true\n"
            b"  tags: {team: media}\n"
            b"x-rule: &rule\n"
            b"  delete_markers: true\n"
            b"  storage_class: STANDARD_IA\n"
            b"buckets:\n"
            b"  primary:\n"
            b"    <<: *defaults\n"
            b"    region: us-east-1\n"
            b"  dr:\n"
            b"    <<: [*defaults]\n"
            b"    region: &west us-west-2\n"
            b"  eu: {region: eu-west-1, object_lock: true, tags: {team: media}}\n"
            b"replication:\n"
            b"  - source: primary\n"
            b"    rules:\n"
            b"      - <<: *rule\n"
            b"        id: dr-all\n"
            b"        destination: dr\n"
            b"      - <<: *rule\n"
            b"        id: eu-all\n"
            b"        destination: eu\n"
            b"        storage_class: GLACIER\n")


def long_line_keys():
    """One line of 1 MB holding 20,000 unknown keys: every diagnostic
    quotes the same long line, which must not make rendering quadratic."""
    keys = ", ".join(f"k{i:05}: 1" for i in range(20000))
    text = "{crrc: 1, name: demo, buckets: {b: {region: us-east-1}}, " + keys
    text += ", pad: " + "p" * (1000000 - len(text) - 10) + "}\n"
    return text.encode()


def long_line_valid():
    """A valid spec of one 1 MB line (flow style, a long x- value)."""
    text = '{crrc: 1, name: demo, buckets: {b: {region: us-east-1}}, x-pad: "'
    return (text + "a" * (1 << 20) + '"}\n').encode()


def syntax_error_after_mistakes():
    """10,001 buckets with a mistake each, then a syntax error: the buckets
    are built as they complete, yet a file that cannot be read to its end
    reports why, only; past the 10,000-diagnostic cap too."""
    buckets = [f"  b{i}: {{region: us-east-1, regoin: x}}" for i in range(10001)]
    return "\n".join(["crrc: 1", "name: demo", "buckets:", *buckets,
                      "  c: {region: [oops", ""]).encode()


def huge_key():
    """A 4 MB bucket key, repeated through an alias and named as a source:
    every message that quotes it keeps its start and end, and rendering
    stays linear (it once called strlen for each character)."""
    key = "k" * (4 << 20)
    return "\n".join(["crrc: 1", "name: tt", "buckets:", f"  ? &kk {key}",
                      "  : {region: us-east-1}", "  b: {region: us-west-2}", "  ? *kk",
                      "  : {region: us-east-1}", "replication:", f"  - source: {key}",
                      "    rules: [{id: one, destination: b}]", ""]).encode()


def anchor_in_every_bucket():
    """20,000 buckets that each define an anchor, so none can drop its
    nodes once built: each kept its scratch memory, which doubled from entry
    to entry (2 GB and 6 s at 1,000 buckets, found by review)."""
    buckets = [f"  b{i}: {{region: us-east-1, tags: &t{i} {{k: v}}}}" for i in range(20000)]
    return "\n".join(["crrc: 1", "name: an", "buckets:", *buckets,
                      "  last: {region: us-east-9}", ""]).encode()


def alias_amplification(kind):
    """9,000 buckets share one anchored mapping holding 50 mistakes: within
    the alias bound (1,000,000 nodes), yet 450,000 diagnostics when each
    use of the alias reports the same mistakes again."""
    if kind == "keys":
        shared = "x-b: &b {region: us-east-1, " + ", ".join(f"u{i}: 1" for i in range(50)) + "}"
        uses = [f"  b{i}: *b" for i in range(9000)]
    else:
        shared = "x-t: &t {" + ", ".join(f'"bad key {i}!": v' for i in range(50)) + "}"
        uses = [f"  b{i}: {{region: us-east-1, tags: *t}}" for i in range(9000)]
    return "\n".join(["crrc: 1", "name: amp", shared, "buckets:", *uses, ""]).encode()


# --- one long value, many uses (issue 11) ----------------------------------
# An alias repeats a node without copying it: a value written once may be
# used a million times (the alias bound counts nodes, not bytes). Each of
# these writes one long value and uses it everywhere a spec can; every pass
# must do its work once per value, and quote at most a bounded part of it.

LONG = 100 << 10


def _sources(n, fields="region: us-east-1"):
    """n source buckets s0.. sharing one anchored mapping: 8 bytes each."""
    return ["  s0: &s {" + fields + "}"] + [f"  s{i}: *s" for i in range(1, n)]


def aliased_prefix_trie():
    """The 86 KB spec of issue 11: a 10 KB prefix, aliased in 40 rules that
    1,950 entries share, two rules for each (entry, destination) pair. The
    shadowed-rule check grew a prefix trie of 10 KB for every pair: past
    5 GB."""
    rules = [f"{{id: {k}{i}, destination: d{i}, filter: {{prefix: *p}}}}"
             for i in range(20) for k in "ab"]
    lines = ["crrc: 1", "name: trie", "x-p: &p " + "p" * 10240, "buckets:"]
    lines += [f"  d{i}: {{region: us-west-2}}" for i in range(20)] + _sources(1950)
    lines += ["x-r: &r [" + ", ".join(rules) + "]", "replication:"]
    lines += [f"  - {{source: s{i}, rules: *r}}" for i in range(1950)]
    return ("\n".join(lines) + "\n").encode()


def aliased_unknown_region():
    """The 146 KB spec of issue 11: a 100 KB unknown region used a million
    times (a list of 1,000 aliases of it, in 995 residency policies). Each
    use searched for a suggestion and formatted a 100 KB message: minutes."""
    lines = ["crrc: 1", "name: reg", "x-r: &r " + "r" * LONG,
             "buckets: {b: {region: us-east-1}}",
             "x-l: &l [" + ", ".join(["*r"] * 1000) + "]", "policies:", "  residency:"]
    lines += [f"    - {{prefix: p{i}/, regions: *l}}" for i in range(995)]
    return ("\n".join(lines) + "\n").encode()


def aliased_policy_prefix():
    """A 10 KB prefix shared by 2,500 residency policies and by the rules of
    1,000 entries: the prefix tables held an item for each of a policy's
    1,024 strict prefixes, and each rule walked its 10 KB again."""
    lines = ["crrc: 1", "name: res", "x-p: &p " + "p" * 10240, "buckets:",
             "  d: {region: us-west-2}"] + _sources(1000)
    lines += ["x-r: &r [{id: a, destination: d, filter: {prefix: *p}}]", "replication:"]
    lines += [f"  - {{source: s{i}, rules: *r}}" for i in range(1000)]
    lines += ["policies:", "  residency:"]
    lines += [f"    - {{prefix: *p, regions: [eu-west-{1 + i % 3}]}}" for i in range(2500)]
    return ("\n".join(lines) + "\n").encode()


def aliased_in_buckets(field, value, n=2500):
    """One long value (line 3) given to field of n buckets."""
    region = "" if field == "region" else "region: us-east-1, "
    lines = ["crrc: 1", "name: bf", "x-v: &v " + value, "buckets:"]
    lines += [f"  s{i}: {{{region}{field}: *v}}" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def aliased_in_rules(field, value, nent=2000, nrules=20, extra="", source="region: us-east-1"):
    """One long value (line 3) given to field of the nrules rules that nent
    entries share."""
    rule = "{id: r%d, destination: d, " + extra + field + ": *v}"
    if field in ("id", "destination"):
        rule = "{" + ("destination: d" if field == "id" else "id: r%d") + ", " + field + ": *v}"
    rules = [rule % j if "%d" in rule else rule for j in range(nrules)]
    lines = ["crrc: 1", "name: rf", "x-v: &v " + value, "buckets:", "  d: {region: us-west-2}"]
    lines += _sources(nent, source) + ["x-r: &r [" + ", ".join(rules) + "]", "replication:"]
    lines += [f"  - {{source: s{i}, rules: *r}}" for i in range(nent)]
    return ("\n".join(lines) + "\n").encode()


def aliased_in_entries(field, value, nent=2000):
    """One long value (line 3) given to field of nent entries."""
    lines = ["crrc: 1", "name: ef", "x-v: &v " + value, "buckets:", "  d: {region: us-west-2}"]
    lines += _sources(nent) + ["replication:"]
    for i in range(nent):
        source = "" if field == "source" else f"source: s{i}, "
        lines.append(f"  - {{{source}{field}: *v, rules: [{{id: a, destination: d}}]}}")
    return ("\n".join(lines) + "\n").encode()


def aliased_region_measured():
    """A 100 KB unknown region given to 2,500 buckets, and a source into 70
    buckets whose role policy must be measured (E073): the desired state
    keyed each bucket's place by its region's text, 250 MB of it."""
    lines = ["crrc: 1", "name: ds", "x-v: &v " + "r" * LONG, "buckets:",
             "  src: {region: us-east-1}"]
    lines += [f"  d{i}: {{region: us-west-2}}" for i in range(70)]
    lines += [f"  u{i}: {{region: *v}}" for i in range(2500)]
    lines += ["replication:", "  - source: src", "    rules:"]
    lines += [f"      - {{id: r{i}, destination: d{i}}}" for i in range(70)]
    return ("\n".join(lines) + "\n").encode()


def aliased_rules_repeated_ids():
    """1,000 rules with one id, shared by 40 entries: 40,000 rules and
    as many distinct diagnostics (E054 names each entry's source), all
    counted, each made in bounded time; a check's memory of the rules it
    has seen holds one slot a rule node, not one a use."""
    rules = ", ".join("{id: a, destination: d}" for _ in range(1000))
    lines = ["crrc: 1", "name: dups", "buckets:", "  d: {region: us-east-1}"] + _sources(40)
    lines += ["x-r: &r [" + rules + "]", "replication:"]
    lines += [f"  - {{source: s{i}, rules: *r}}" for i in range(40)]
    return ("\n".join(lines) + "\n").encode()


def aliased_spec_name():
    """A 100 KB spec name (E030): each of 10,000 default bucket names and
    generated role names once began with it, 1 GB of names."""
    lines = ["crrc: 1", "name: " + "n" * LONG, "buckets:"] + _sources(10000)
    lines += ["  d: {region: us-west-2}", "replication:"]
    lines += [f"  - {{source: s{i}, rules: [{{id: a, destination: d}}]}}" for i in range(2000)]
    return ("\n".join(lines) + "\n").encode()


def merge_chain():
    """400 mappings each merging the one before, used by 300 buckets: a
    merge of merges is resolved through every level, each use."""
    lines = ["crrc: 1", "name: chain", "x-m0: &m0 {region: us-east-1}"]
    lines += [f"x-m{i}: &m{i} {{<<: *m{i - 1}, existing: {'true' if i % 2 else 'false'}}}"
              for i in range(1, 400)]
    lines += ["buckets:"] + [f"  b{i}: {{<<: *m399, regoin: x}}" for i in range(300)]
    return ("\n".join(lines) + "\n").encode()


# Cases known to fail, with the reason; meson marks them should_fail, so a
# fix shows up as an unexpected pass (then remove the entry).
XFAIL = {}

# Cases with bounds of their own: ((seconds, under ASan), (peak bytes, under
# ASan)). 4,000,001 nodes take
# about a second in a release build and 300 MB; AddressSanitizer intercepts
# each of libyaml's 8 million allocations, so its build gets more time.
BOUNDS = {
    "too-many-nodes": ((5.0, 60.0), (600 << 20, 2 << 30)),
}
# One long value, many uses: within the limits, so checked in a second,
# two under AddressSanitizer, and in 128 MB (256).
ALIASED = {
    "aliased-prefix-trie": (aliased_prefix_trie, "E066", 3, 6),
    "aliased-unknown-region": (aliased_unknown_region, "E034", 3, 6),
    "aliased-policy-prefix": (aliased_policy_prefix, "E066", 3, 6),
    "aliased-bucket-name": (lambda: aliased_in_buckets("name", "n" * LONG), "E032", 3, 6),
    "aliased-bucket-account": (lambda: aliased_in_buckets("account", "a" * LONG), "E036", 3, 6),
    "aliased-bucket-region": (lambda: aliased_in_buckets("region", "r" * LONG), "E034", 3, 6),
    "aliased-bucket-kms-key": (lambda: aliased_in_buckets("kms_key", "k" * LONG), "E044", 3, 6),
    "aliased-bucket-encryption": (lambda: aliased_in_buckets("encryption", "e" * LONG),
                                  "E041", 3, 6),
    "aliased-tag-key": (lambda: aliased_in_buckets("tags", "{? " + "k" * LONG + " : v}"),
                        "E037", 3, 12),
    "aliased-tag-value": (lambda: aliased_in_rules("filter", "{tags: {k: " + "v" * LONG + "}}"),
                          "E038", 3, 20),
    "aliased-rule-id": (lambda: aliased_in_rules("id", "i" * LONG), "E053", 3, 6),
    "aliased-destination": (lambda: aliased_in_rules("destination", "d" * LONG), "E050", 3, 6),
    "aliased-storage-class": (lambda: aliased_in_rules("storage_class", "S" * LONG),
                              "E064", 3, 6),
    "aliased-replica-key": (lambda: aliased_in_rules(
        "replica_kms_key", "arn:aws:kms:us-west-2:111122223333:alias/" + "k" * LONG,
        extra="sse_kms_objects: true, ",
        source="region: us-east-1, encryption: sse-kms, kms_key: arn:aws:kms:us-east-1:"
               "111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"), "E073", 2008, 14),
    "aliased-owner": (lambda: aliased_in_rules("owner", "o" * LONG), "E065", 3, 6),
    "aliased-priority": (lambda: aliased_in_rules("priority", "0" * LONG + "1"), "E056", 3, 6),
    "aliased-boolean": (lambda: aliased_in_rules("rtc", "t" * LONG), "E022", 3, 6),
    "aliased-filter-prefix": (lambda: aliased_in_rules("filter", "{prefix: " + "p" * LONG + "}"),
                              "E066", 3, 18),
    "aliased-filter-tags": (lambda: aliased_in_rules("filter", "{tags: {? " + "k" * LONG + " : v}}"),
                            "E037", 3, 19),
    "aliased-source": (lambda: aliased_in_entries("source", "s" * LONG), "E050", 3, 6),
    "aliased-role": (lambda: aliased_in_entries(
        "role", "arn:aws:iam::111122223333:role/" + "r" * LONG), "E067", 3, 6),
    "aliased-spec-name": (aliased_spec_name, "E030", 2, 7),
    "aliased-region-measured": (aliased_region_measured, "E034", 3, 6),
    "aliased-rules-repeated-ids": (aliased_rules_repeated_ids, "E054", 45, 40),
    "merge-chain": (merge_chain, "E020", 404, 19),
}
for _name in ALIASED:
    BOUNDS[_name] = ((1.0, 2.0), (128 << 20, 256 << 20))

# name: (contents or None, expected exit, code, line, column)
# Contents are bytes, or a callable returning bytes; line 0 means the whole file.
CASES = {
    "missing": (None, 2, "E001", 0, 0),
    "directory": (None, 2, "E001", 0, 0),
    "fifo": (None, 1, "E008", 0, 0),  # a pipe is read like a file: no writer, no bytes
    "no-permission": (VALID, 2, "E001", 0, 0),
    "empty": (b"", 1, "E008", 0, 0),
    "only-comments": (b"# a spec\n\n# with nothing in it\n", 1, "E008", 0, 0),
    "several-documents": (VALID + b"---\n" + VALID, 1, "E009", 13, 1),
    "invalid-utf8": (b"crrc: 1\nname: caf\xe9\n", 1, "E003", 2, 10),
    "invalid-utf8-overlong": (b"crrc: 1\nname: \xc0\xafetc\n", 1, "E003", 2, 7),
    "nul-byte": (b"crrc: 1\nname: de\x00mo\n", 1, "E004", 2, 9),
    "nul-escape": (b'crrc: 1\n"crrc\\0junk": 2\nname: demo\n', 1, "E004", 2, 1),
    "tab-indent": (b"crrc: 1\nname: demo\nbuckets:\n\tprimary: {region: us-east-1}\n",
                   1, "E007", 4, 1),
    "anchors-aliases-merge": (merge_keys, 0, None, 0, 0),
    "undefined-alias": (b"crrc: 1\nname: *nope\n", 1, "E012", 2, 7),
    "bad-merge": (b"crrc: 1\nname: demo\nbuckets:\n  b:\n    region: us-east-1\n    <<: oops\n",
                  1, "E013", 6, 9),
    "alias-bomb": (alias_bomb, 1, "E011", 8, 38),
    "nesting-10000": (b"crrc: 1\nx-deep: " + b"[" * 10000 + b"]" * 10000 + b"\n",
                      1, "E010", 2, 72),
    "nesting-10000-block": (b"crrc: 1\nx-deep:\n  " + b"- " * 10000 + b"x\n", 1, "E010", 3, 129),
    "over-size-limit": (None, 1, "E002", 0, 0),
    "control-character": (b"crrc: 1\nname: de\x1b[31mmo\n", 1, "E005", 2, 9),
    "control-character-c1": (b"crrc: 1\nname: \xc2\x9b31m\n", 1, "E005", 2, 7),
    "lone-carriage-return": (b"crrc: 1\rname: demo\r", 1, "E005", 1, 8),
    "escaped-control-key": (VALID + b'"\\e[31mred\\e[0m": 1\n', 1, "E020", 13, 1),
    "escaped-c1-key": (VALID + b'"\\u009b31mred\\N": 1\n', 1, "E020", 13, 1),
    "scalar-for-mapping": (b"crrc: 1\nname: demo\nbuckets: primary\n", 1, "E022", 3, 10),
    "mapping-for-scalar": (b"crrc: 1\nname: {first: demo}\nbuckets:\n  b: {region: us-east-1}\n",
                           1, "E022", 2, 7),
    "list-for-mapping": (b"- crrc: 1\n", 1, "E022", 1, 1),
    "syntax-error": (b"crrc: 1\nname: [demo\n", 1, "E006", 3, 1),
    "syntax-error-after-mistakes": (syntax_error_after_mistakes, 1, "E006", 10006, 1),
    "huge-key": (huge_key, 1, "E021", 4, 5),
    "anchor-in-every-bucket": (anchor_in_every_bucket, 1, "E034", 20004, 18),
    "long-line-valid": (long_line_valid, 0, None, 0, 0),
    "long-line-many-errors": (long_line_keys, 1, "E020", 1, 58),
    "too-many-nodes": (lambda: b"a: [" + b"a," * 4000001 + b"a]\n", 1, "E014", 1, 7999999),
    "crlf": (VALID.replace(b"\n", b"\r\n"), 0, None, 0, 0),
    "crlf-error": (VALID.replace(b"\n", b"\r\n").replace(b"    region: us-west-2",
                                                         b"    regoin: us-west-2"),
                   1, "E020", 7, 5),
    "byte-order-mark": (b"\xef\xbb\xbf" + VALID, 0, None, 0, 0),
    "alias-amplification-keys": (lambda: alias_amplification("keys"), 1, "E020", 3, 29),
    "alias-amplification-tags": (lambda: alias_amplification("tags"), 1, "E037", 3, 10),
}
CASES.update({name: (gen, 1, code, line, col) for name, (gen, code, line, col) in ALIASED.items()})


def contents(name):
    data = CASES[name][0]
    return data() if callable(data) else data


def write(name, directory):
    """Write the case's input into directory; return the path to check."""
    path = os.path.join(directory, name + ".crr.yaml")
    if name == "missing":
        return path
    if name == "directory":
        os.mkdir(path)
        return path
    if name == "fifo":
        os.mkfifo(path)  # reading it must not wait for a writer forever
        return path
    if name == "over-size-limit":
        with open(path, "wb") as f:
            f.write(VALID)
        os.truncate(path, 65 << 20)  # sparse: over the 64 MiB limit
        return path
    with open(path, "wb") as f:
        f.write(contents(name))
    if name == "no-permission":
        os.chmod(path, 0)
    return path
