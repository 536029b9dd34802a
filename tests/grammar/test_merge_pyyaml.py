"""Merge keys (<<) as YAML reads them: crrc resolves every merge the way
PyYAML does. Generates specs (from fixed seeds) full of nested merge
shapes: mappings and lists of mappings merged, merges of mappings that
merge in turn (anchored, or written in place), explicit keys before and
after '<<', anchors on x- keys, on
buckets, rules and entries inside the sections (so both the streamed entries
and those kept whole are built), anchored sections, merges inside tag maps
and filters; reads each with yaml.safe_load and with `crrc model`, and
compares every value crrc resolved with PyYAML's.

`test_merge_pyyaml.py [COUNT [FIRST_SEED]]`; a failure names its seed and
keeps the spec in the temporary directory it prints."""
import json
import os
import random
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.join(os.environ.get("CRRC_SOURCE_ROOT", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")), "tests", "lib"))
import crrctest  # noqa: E402

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1"]
ACCOUNTS = {"media": "111122223333", "logs": "444455556666"}
CLASSES = ["STANDARD", "STANDARD_IA", "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR"]
WORDS = ["alpha", "beta", "gamma", "delta", "omega", "media", "logs", "hot", "cold"]


class Gen:
    """One spec: its text, written as merges of anchored fragments."""

    def __init__(self, seed):
        self.r = random.Random(seed)
        self.lines = ["crrc: 1", "name: merges"]
        self.tag_frags = []     # anchors of tag maps
        self.bucket_frags = []  # anchors of bucket mappings, each with a region
        self.filter_frags = []  # anchors of filter mappings
        self.rule_frags = []    # anchors of rule mappings, each with a destination
        self.entry_anchors = []  # anchored entries (with rules)
        self.rule_anchors = []   # anchored rules inside entries
        self.dests = []

    def flip(self, p=0.5):
        return self.r.random() < p

    def word(self):
        return self.r.choice(WORDS)

    def merge_value(self, anchors, most=3, depth=0):
        """`*a`, `[*a, *b, ...]` over some of anchors, or a mapping written
        in place that merges them in turn (`{<<: *a}`), also in a list."""
        picks = self.r.sample(anchors, self.r.randint(1, min(most, len(anchors))))
        if depth < 2 and self.flip(0.15):
            return "{<<: " + self.merge_value(anchors, most, depth + 1) + "}"
        items = [f"*{a}" if depth >= 2 or not self.flip(0.15) else f"{{<<: *{a}}}" for a in picks]
        if len(items) == 1 and self.flip(0.6):
            return items[0]
        return "[" + ", ".join(items) + "]"

    def mapping(self, pairs, anchors, must_merge=False, anchor=None):
        """A flow mapping of pairs, with a '<<' over some of anchors placed
        anywhere among them (before, between or after the explicit keys)."""
        items = [f"{k}: {v}" for k, v in pairs]
        if anchors and (must_merge or self.flip(0.7)):
            items.insert(self.r.randint(0, len(items)), f"<<: {self.merge_value(anchors)}")
        head = f"&{anchor} " if anchor else ""
        return head + "{" + ", ".join(items) + "}"

    def tag_pairs(self, least):
        pairs = [(f"t{self.r.randint(0, 5)}", self.word())
                 for _ in range(self.r.randint(least, 3))]
        return list(dict(pairs).items())

    def tags(self):
        pairs = self.tag_pairs(0)
        return self.mapping(pairs, self.tag_frags, must_merge=not pairs and bool(self.tag_frags))

    def tags_value(self):
        if self.tag_frags and self.flip(0.3):
            return f"*{self.r.choice(self.tag_frags)}"
        return self.tags()

    def bucket_pairs(self, need_region, dest=False):
        """A bucket's keys. Only destinations have object lock, so that no
        rule needs it on a destination without (E062)."""
        pairs = []
        if need_region or self.flip(0.4):
            pairs.append(("region", self.r.choice(REGIONS)))
        if self.flip(0.3):
            pairs.append(("existing", self.r.choice(["true", "false"])))
        if dest and self.flip(0.3):
            pairs.append(("object_lock", self.r.choice(["true", "false"])))
        if self.flip(0.3):
            pairs.append(("account", self.r.choice(["media", "logs", '"111122223333"'])))
        if self.flip(0.4):
            pairs.append(("tags", self.tags_value()))
        return pairs

    def fragments(self):
        for i in range(self.r.randint(1, 4)):
            name = f"tf{i}"
            tags = self.mapping(self.tag_pairs(1), self.tag_frags, anchor=name)
            self.lines.append(f"x-{name}: {tags}")
            self.tag_frags.append(name)
        for i in range(self.r.randint(1, 4)):
            name = f"bf{i}"
            merge = bool(self.bucket_frags) and self.flip(0.6)
            pairs = self.bucket_pairs(need_region=not merge)
            self.lines.append(f"x-{name}: " + self.mapping(
                pairs, self.bucket_frags if merge else [], must_merge=merge, anchor=name))
            self.bucket_frags.append(name)
        for i in range(self.r.randint(0, 3)):
            name = f"ff{i}"
            pairs = [("prefix", f"{self.word()}/")] if self.flip(0.7) else []
            if self.flip(0.4) or not pairs:
                pairs.append(("tags", self.tags_value()))
            self.lines.append(f"x-{name}: " + self.mapping(pairs, self.filter_frags, anchor=name))
            self.filter_frags.append(name)

    def buckets(self, nsrc, ndst):
        anchored = self.flip(0.2)
        self.lines.append("buckets: &all" if anchored else "buckets:")
        keys = [f"s{i}" for i in range(nsrc)] + [f"d{i}" for i in range(ndst)]
        self.dests = keys[nsrc:]
        local = []
        for key in keys:
            frags = self.bucket_frags + local
            merge = self.flip(0.75)
            pairs = self.bucket_pairs(need_region=not merge, dest=key in self.dests)
            anchor = f"bk{key}" if self.flip(0.25) else None
            self.lines.append(f"  {key}: " + self.mapping(
                pairs, frags if merge else [], must_merge=merge, anchor=anchor))
            if anchor:
                local.append(anchor)
        if anchored and self.flip(0.5):
            self.lines.append("x-every: {<<: *all}")

    def rule_pairs(self, need_dest):
        pairs = []
        if need_dest or self.flip(0.4):
            pairs.append(("destination", self.r.choice(self.dests)))
        for key, vals in (("storage_class", CLASSES), ("enabled", ["true", "false"]),
                          ("rtc", ["true", "false"]),
                          ("replica_modifications", ["true", "false"]),
                          ("delete_markers", ["false"])):
            if self.flip(0.25):
                pairs.append((key, self.r.choice(vals)))
        if self.flip(0.4):
            fp = [("prefix", f"{self.word()}/{self.r.randint(0, 9)}")] if self.flip(0.6) else []
            pairs.append(("filter", self.mapping(fp, self.filter_frags,
                                                 must_merge=not fp and bool(self.filter_frags))
                          if fp or self.filter_frags else "{prefix: any/}"))
        return pairs

    def rule_fragments(self):
        for i in range(self.r.randint(1, 4)):
            name = f"rf{i}"
            merge = bool(self.rule_frags) and self.flip(0.6)
            self.lines.append(f"x-{name}: " + self.mapping(
                self.rule_pairs(need_dest=not merge), self.rule_frags if merge else [],
                must_merge=merge, anchor=name))
            self.rule_frags.append(name)

    def rules(self, entry):
        """Rules that merge fragments, and rules anchored earlier, in this
        entry or in another."""
        out = []
        for j in range(self.r.randint(1, 4)):
            merge = self.flip(0.8)
            pairs = [("id", f"e{entry}r{j}")] + self.rule_pairs(need_dest=not merge)
            anchor = f"ru{entry}x{j}" if self.flip(0.3) else None
            out.append(self.mapping(pairs, self.rule_frags + self.rule_anchors if merge else [],
                                    must_merge=merge, anchor=anchor))
            if anchor:
                self.rule_anchors.append(anchor)
        return "[" + ", ".join(out) + "]"

    def replication(self, nsrc):
        anchored = self.flip(0.2)
        self.lines.append("replication: &reps" if anchored else "replication:")
        for i in range(nsrc):
            if self.entry_anchors and self.flip(0.3):
                # an entry that merges an earlier one, rules and all
                self.lines.append(f"  - {{<<: *{self.r.choice(self.entry_anchors)}, source: s{i}}}")
                continue
            anchor = f"en{i}" if self.flip(0.3) else None
            head = f"&{anchor} " if anchor else ""
            self.lines.append(f"  - {head}{{source: s{i}, rules: {self.rules(i)}}}")
            if anchor:
                self.entry_anchors.append(anchor)
        if anchored:
            self.lines.append("x-reps: *reps")

    def spec(self):
        self.lines.append("accounts: {media: \"111122223333\", logs: \"444455556666\"}")
        self.fragments()
        if self.flip(0.5):
            self.lines.append("tags: " + self.tags())
        nsrc, ndst = self.r.randint(1, 4), self.r.randint(1, 4)
        self.buckets(nsrc, ndst)
        self.rule_fragments()
        self.replication(nsrc)
        return "\n".join(self.lines) + "\n"


def expected_bucket(key, b, top):
    tags = {k: str(v) for k, v in (top or {}).items()}
    tags.update({k: str(v) for k, v in (b.get("tags") or {}).items()})
    account = b.get("account")
    return {
        "key": key,
        "name": f"merges-{key}",
        "region": b["region"],
        "account_id": ACCOUNTS.get(account, account),
        "object_lock": b.get("object_lock", False),
        "existing": b.get("existing", False),
        "tags": tags,
    }


def expected_rule(rule):
    f = rule.get("filter") or {}
    rtc = rule.get("rtc", False)
    return {
        "id": rule["id"],
        "destination": rule["destination"],
        "storage_class": rule.get("storage_class"),
        "enabled": rule.get("enabled", True),
        "rtc": rtc,
        "metrics": rule.get("metrics", rtc),
        "delete_markers": rule.get("delete_markers", False),
        "replica_modifications": rule.get("replica_modifications", False),
        "filter": {"prefix": f.get("prefix"), "tags": {k: str(v) for k, v in
                                                       (f.get("tags") or {}).items()}},
    }


def compare(seed, text, model):
    """The differences between crrc's model and PyYAML's reading."""
    y = yaml.safe_load(text)
    problems = []
    got = {b["key"]: b for b in model["buckets"]}
    if set(got) != set(y["buckets"]):
        problems.append(f"bucket keys {sorted(got)} != {sorted(y['buckets'])}")
    for key, b in y["buckets"].items():
        want = expected_bucket(key, b, y.get("tags"))
        have = {k: got.get(key, {}).get(k) for k in want}
        if have != want:
            problems.append(f"bucket {key}: crrc {have}\n    PyYAML {want}")
    if len(model["replication"]) != len(y["replication"]):
        problems.append("a different number of replication entries")
        return problems
    for i, (entry, want_entry) in enumerate(zip(model["replication"], y["replication"])):
        if entry["source"] != want_entry["source"]:
            problems.append(f"entry {i}: source {entry['source']} != {want_entry['source']}")
        if len(entry["rules"]) != len(want_entry["rules"]):
            problems.append(f"entry {i}: {len(entry['rules'])} rules, PyYAML "
                            f"{len(want_entry['rules'])}")
            continue
        for rule, want_rule in zip(entry["rules"], want_entry["rules"]):
            want = expected_rule(want_rule)
            have = {k: rule.get(k) for k in want}
            if have != want:
                problems.append(f"entry {i} rule {want['id']}: crrc {have}\n    PyYAML {want}")
    return problems


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    first = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    if not os.access(crrctest.CRRC, os.X_OK):
        crrctest.missing(f"the crrc binary ({crrctest.CRRC})")
    failed, merges = [], 0
    keep = tempfile.mkdtemp(prefix="crrc-merge-")
    for seed in range(first, first + count):
        text = Gen(seed).spec()
        merges += text.count("<<")
        path = os.path.join(keep, f"seed-{seed}.crr.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        p = subprocess.run([crrctest.CRRC, "model", path], capture_output=True, text=True)
        if p.returncode != 0:
            failed.append(seed)
            print(f"FAIL seed {seed}: crrc model exited {p.returncode}\n{p.stderr[:2000]}")
            continue
        problems = compare(seed, text, json.loads(p.stdout))
        if problems:
            failed.append(seed)
            print(f"FAIL seed {seed} ({path}):\n  " + "\n  ".join(problems[:10]))
            continue
        os.unlink(path)
    print(f"{count} specs, {merges} merge keys: {count - len(failed)} read as PyYAML reads them")
    if failed:
        print(f"failed seeds: {failed}; specs kept in {keep}")
        return 1
    os.rmdir(keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
