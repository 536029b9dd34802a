"""Every bundled example checks clean: no error and no warning, even under
--werror; the resolved model of each is JSON; and none sets existing: true,
which the CloudFormation target refuses."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.environ["CRRC_SOURCE_ROOT"], "tests", "lib"))
import crrctest  # noqa: E402

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def main():
    if not os.access(crrctest.CRRC, os.X_OK):
        crrctest.missing(f"the crrc binary ({crrctest.CRRC})")
    examples = crrctest.examples()
    if len(examples) < 3:
        fail(f"expected at least 3 examples, found {examples}")
    for path in examples:
        name = os.path.basename(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if not text.startswith("#"):
            fail(f"{name}: does not open with a comment that tells its story")
        p = crrctest.run_crrc("check", "--werror", "--diagnostics=json", path, check=False)
        try:
            diags = json.loads(p.stdout)
        except ValueError:
            diags = None
        if p.returncode != 0 or diags != []:
            fail(f"{name}: crrc check --werror exited {p.returncode}: {p.stdout or p.stderr}")
            continue
        p = crrctest.run_crrc("model", path, check=False)
        try:
            model = json.loads(p.stdout)
        except ValueError:
            model = None
        if p.returncode != 0 or not isinstance(model, dict):
            fail(f"{name}: crrc model exited {p.returncode} without a JSON object: {p.stderr}")
            continue
        buckets = model.get("buckets")
        if not isinstance(buckets, list) or not buckets:
            fail(f"{name}: the model has no buckets")
            continue
        existing = [b.get("key") for b in buckets if b.get("existing") is not False]
        if existing:
            fail(f"{name}: buckets {existing} are existing: true, which the "
                 "CloudFormation target refuses")
            continue
        print(f"ok: {name}")


if __name__ == "__main__":
    main()
    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        sys.exit(1)
