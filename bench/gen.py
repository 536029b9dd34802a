#!/usr/bin/env python3
"""gen.py: write a valid, deterministic crrc spec with N buckets to stdout,
for the benchmark (bench/run). Standard library only.

Buckets come in groups of four across eight regions of the aws partition:
the first of each group is a source with three rules, one to each of the
other three, which live in three other regions and are never sources. So
there are no chains, no two-way pairs and no same-region pairs, and N
buckets give 3N/4 rules. Rules carry prefix filters (some with tags), delete
markers (never together with tags), storage classes and some RTC. A
residency policy keeps customers/eu/ in the EU, and only rules to EU
destinations use that prefix. Usage: gen.py N"""
import sys

# (region, short form for names, in the EU)
REGIONS = [
    ("us-east-1", "use1", False),
    ("eu-west-1", "euw1", True),
    ("us-west-2", "usw2", False),
    ("eu-central-1", "euc1", True),
    ("ap-southeast-1", "apse1", False),
    ("us-east-2", "use2", False),
    ("ap-northeast-1", "apne1", False),
    ("ca-central-1", "cac1", False),
]
TIERS = ["hot", "warm", "archive", "dr", "analytics"]
TEAMS = ["media", "search", "billing", "ml", "web", "mobile", "data"]
PREFIXES = ["media/", "logs/", "backups/", "images/", "reports/", "exports/", "raw/"]
CLASSES = ["STANDARD_IA", "GLACIER_IR", "INTELLIGENT_TIERING", "ONEZONE_IA",
           "DEEP_ARCHIVE", "GLACIER", "STANDARD"]


def region_of(i):
    """Region index of bucket i: group k's source is in region k % 8, its
    destinations in the next three regions, so never the source's."""
    k, d = divmod(i, 4)
    return (k + d * (1 + k % 2)) % len(REGIONS)


def key_of(i):
    return f"b{i:06d}"


def bucket(out, i):
    region, short, _ = REGIONS[region_of(i)]
    team = TEAMS[i % len(TEAMS)]
    out.append(f"  {key_of(i)}:\n")
    if i % 2 == 0:
        out.append(f"    name: bench-{team}-{i:06d}-{short}\n")
    out.append(f"    region: {region}\n")
    if i % 3 == 0:
        out.append(f"    tags: {{tier: {TIERS[i % len(TIERS)]}, team: {team}}}\n")
    elif i % 3 == 1:
        out.append(f"    tags:\n      tier: {TIERS[i % len(TIERS)]}\n")


def rule(out, src, d, dst, explicit_priority):
    _, _, eu = REGIONS[region_of(dst)]
    n = src * 3 + d
    tagged = n % 5 == 0
    if eu and n % 2 == 0:
        prefix = "customers/eu/"
    else:
        prefix = f"{PREFIXES[n % len(PREFIXES)]}{src % 97:02d}/"
    out.append(f"      - id: {prefix.split('/')[0]}-{d + 1}\n")
    out.append(f"        destination: {key_of(dst)}\n")
    if explicit_priority:
        out.append(f"        priority: {(d + 1) * 10}\n")
    out.append("        filter:\n")
    out.append(f"          prefix: {prefix}\n")
    if tagged:
        out.append(f"          tags: {{class: {TIERS[n % len(TIERS)]}}}\n")
    else:
        out.append("        delete_markers: true\n")
    out.append(f"        storage_class: {CLASSES[n % len(CLASSES)]}\n")
    if n % 4 == 1:
        out.append("        rtc: true\n")
    elif n % 8 == 2:
        out.append("        metrics: true\n")
    if n % 11 == 3:
        out.append("        enabled: false\n")


def generate(n):
    out = [
        f"# A generated benchmark spec: {n} buckets, {3 * (n // 4)} rules (bench/gen.py {n}).\n",
        "crrc: 1\n",
        "name: bench\n",
        "tags:\n",
        "  cost-center: platform\n",
        "  owner: storage-team\n",
        "\n",
        "buckets:\n",
    ]
    for i in range(n):
        bucket(out, i)
    sources = [i for i in range(0, n - 3, 4)]
    if sources:
        out.append("\nreplication:\n")
    for src in sources:
        out.append(f"  - source: {key_of(src)}\n")
        out.append("    rules:\n")
        for d in range(3):
            rule(out, src, d, src + 1 + d, (src // 4) % 2 == 1)
    eu = [r for r, _, is_eu in REGIONS if is_eu]
    out.append("\npolicies:\n")
    out.append("  residency:\n")
    out.append("    - prefix: customers/eu/\n")
    out.append(f"      regions: [{', '.join(eu)}]\n")
    return "".join(out)


def main(argv):
    if len(argv) != 2 or not argv[1].isdigit() or int(argv[1]) < 1:
        print("usage: gen.py N   (N >= 1: the number of buckets)", file=sys.stderr)
        return 2
    sys.stdout.write(generate(int(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
