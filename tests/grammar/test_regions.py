"""The region table of compiler/model/regions.c is botocore's: every region
of the partitions crrc knows (aws, aws-cn, aws-us-gov) in botocore's
data/endpoints.json is in the table with its partition, and the table has no
region botocore does not list, so a new AWS region (or a typo) never drifts
in silently. language.md says as of which botocore version the table is
current. Without botocore the test skips, or fails when CI is set."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.environ["CRRC_SOURCE_ROOT"], "tests", "lib"))
import crrctest  # noqa: E402

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def table():
    """{region: partition} from regions.c."""
    path = os.path.join(crrctest.ROOT, "compiler", "model", "regions.c")
    with open(path, encoding="utf-8") as f:
        rows = re.findall(r'\{"([a-z0-9-]+)", "(aws[a-z-]*)"\}', f.read())
    if len(rows) < 30:
        raise SystemExit(f"FAIL: could not read the regions of {path} ({len(rows)} found)")
    return dict(rows)


def botocore_regions():
    """({region: partition} of the known partitions, botocore's version)."""
    try:
        import botocore
    except ImportError:
        crrctest.missing("botocore (python3-botocore, or the aws CLI)")
    path = os.path.join(os.path.dirname(botocore.__file__), "data", "endpoints.json")
    if not os.path.exists(path):
        crrctest.missing(f"botocore's endpoints.json ({path})")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    out = {}
    for part in data["partitions"]:
        if part["partition"] in PARTITIONS:
            for region in part["regions"]:
                out[region] = part["partition"]
    return out, botocore.__version__


def main():
    ours = table()
    theirs, version = botocore_regions()
    for region in sorted(set(theirs) - set(ours)):
        fail(f"botocore {version} lists {region} ({theirs[region]}), "
             "which regions.c does not know: add it (and to language.md)")
    for region in sorted(set(ours) - set(theirs)):
        fail(f"regions.c knows {region}, which botocore {version} does not list")
    for region in sorted(set(ours) & set(theirs)):
        if ours[region] != theirs[region]:
            fail(f"{region} is in partition {theirs[region]}, not {ours[region]}")
    with open(os.path.join(crrctest.ROOT, "grammar", "language.md"), encoding="utf-8") as f:
        doc = f.read()
    m = re.search(r"current as of botocore ([0-9.]+)", doc)
    if not m:
        fail("language.md does not say as of which botocore version the regions are current")
    if not failures:
        print(f"ok: the {len(ours)} regions of regions.c are botocore {version}'s")


if __name__ == "__main__":
    main()
    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        sys.exit(1)
