#!/usr/bin/env python3
"""SARIF as code scanning reads it: crrc's SARIF for specs with errors,
notes and warnings, an unreadable file, output-stage failures, absolute and
relative paths, names with spaces and '%', names that are not UTF-8, and
standard input, each validated by Microsoft's SARIF Multitool (the
validator code-scanning users rely on; `@microsoft/sarif-multitool` from
npm, installed here on first use into the build directory) with no error,
and checked for what code scanning shows: every rule's whole help, no
placeholder URI, percent-encoded locations relative to SRCROOT."""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import CRRC, ROOT  # noqa: E402

MULTITOOL = "@microsoft/sarif-multitool@5.7.0"


def missing(what):
    if os.environ.get("CI"):
        raise SystemExit(f"FAIL: {what} (CI is set: the SARIF validator must run)")
    print(f"SKIP: {what}")
    raise SystemExit(77)


def multitool():
    """The validator's executable, installed with npm on first use."""
    prefix = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(CRRC))), "npm-sarif")
    exe = os.path.join(prefix, "node_modules", "@microsoft", "sarif-multitool-linux",
                       "Sarif.Multitool")
    if not os.path.exists(exe):
        if not shutil.which("npm"):
            missing("npm is not installed: cannot install the SARIF Multitool")
        res = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", prefix,
                              MULTITOOL], capture_output=True, text=True, timeout=600)
        if res.returncode != 0 or not os.path.exists(exe):
            missing(f"npm could not install {MULTITOOL}: {res.stderr[-500:]}")
    os.chmod(exe, os.stat(exe).st_mode | stat.S_IXUSR)  # npm skips its postinstall chmod
    return exe


def validate(exe, path, d):
    out = os.path.join(d, "validation.sarif")
    res = subprocess.run([exe, "validate", path, "--output", out, "--log", "ForceOverwrite"],
                         capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1"))
    assert res.returncode == 0 and os.path.exists(out), res.stdout + res.stderr
    with open(out, encoding="utf-8") as f:
        found = [r for run in json.load(f)["runs"] for r in run.get("results", [])]
    errors = [r for r in found if r.get("level") == "error"]
    assert errors == [], f"{path}: the validator found errors: {errors}"
    return found


def sarif(args, cwd, stdin=None):
    res = subprocess.run([CRRC, *args, "--diagnostics=sarif"], cwd=cwd, input=stdin,
                         capture_output=True, timeout=60)
    assert res.returncode in (0, 1, 2), res
    text = res.stdout if args[0] != "compile" else res.stderr
    return json.loads(text)


def check_shape(doc, cwd):
    """What code scanning shows: rules with their whole help, no relative
    help link or placeholder URI, locations that resolve under SRCROOT."""
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert "informationUri" not in driver, driver.get("informationUri")
    base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert base == "file://" + urllib.parse.quote(cwd.rstrip("/") + "/"), base
    for r in driver["rules"]:
        assert "helpUri" not in r, r
        help_text = r["help"]["text"]
        explained = subprocess.run([CRRC, "explain", r["id"]], capture_output=True,
                                   text=True).stdout.split("\n\n", 1)[1]
        assert help_text == explained and r["help"]["markdown"] == explained, r["id"]
    uris = []
    for res in run["results"]:
        for loc in res["locations"] + res.get("relatedLocations", []):
            art = loc["physicalLocation"]["artifactLocation"]
            uri = art["uri"]
            assert uri.isascii() and " " not in uri, uri
            if art.get("uriBaseId") == "SRCROOT":
                assert not uri.startswith("/") and ":" not in uri, uri
            else:
                assert uri.startswith("file:///"), uri
            uris.append(uri)
    return uris


BAD = (b"crrc: 1\nname: demo\nbuckets:\n  b:\n    region: us-east-1\n    regoin: x\n"
       b"    region: us-west-2\n")


def main():
    exe = multitool()
    failed = []
    with tempfile.TemporaryDirectory(prefix="crrc-sarif-") as d:
        names = {"plain": b"spec.crr.yaml", "spaces": b"a spec %23 #1.crr.yaml",
                 "latin1": b"caf\xe9.crr.yaml", "latin1b": b"caf\xe8.crr.yaml"}
        for key, name in names.items():
            with open(os.path.join(d.encode(), name), "wb") as f:
                f.write(BAD)
        out = os.path.join(d, "out")
        os.mkdir(out)
        with open(os.path.join(out, "iam.tf"), "w") as f:
            f.write("# mine\n")
        two_way = os.path.join(ROOT, "examples", "two-way.crr.yaml")
        warn = os.path.join(d, "warn.crr.yaml")
        with open(warn, "wb") as f:  # same-region replication: W004
            f.write(b"crrc: 1\nname: demo\nbuckets:\n  a: {region: us-east-1}\n"
                    b"  b: {region: us-east-1}\nreplication:\n  - source: a\n    rules:\n"
                    b"      - {id: srr, destination: b}\n")
        cases = {
            "errors and notes, a relative path": (["check", "spec.crr.yaml"], None),
            "spaces and % in the name": (["check", "a spec %23 #1.crr.yaml"], None),
            "names that are not UTF-8": (["check", os.fsdecode(names["latin1"]),
                                          os.fsdecode(names["latin1b"])], None),
            "an absolute path, a warning": (["check", warn], None),
            "an unreadable file (E001)": (["check", "missing.crr.yaml"], None),
            "standard input": (["check", "-", "--stdin-filename", "specs/x.crr.yaml"], BAD),
            "an output-stage failure (E091)": (["compile", two_way, "--target", "terraform",
                                                "--out", out], None),
        }
        for what, (args, stdin) in cases.items():
            try:
                doc = sarif(args, d, stdin)
                path = os.path.join(d, "case.sarif")
                with open(path, "w", encoding="utf-8") as f:
                    json.dump(doc, f)
                validate(exe, path, d)
                uris = check_shape(doc, d)
                assert doc["runs"][0]["results"], f"{what}: no result"
                if what == "names that are not UTF-8":
                    files = {u for u in uris}
                    assert files == {"caf%E9.crr.yaml", "caf%E8.crr.yaml"}, files
                if what == "spaces and % in the name":
                    assert set(uris) == {"a%20spec%20%2523%20%231.crr.yaml"}, uris
                print(f"ok   {what}")
            except AssertionError as e:
                failed.append(what)
                print(f"FAIL {what}: {e}")
    print(f"{len(cases) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
