#!/usr/bin/env python3
"""crrc diff: a corpus of before/after pairs (tests/review/diff/NAME/
old.crr.yaml and new.crr.yaml), each with its exact expected output
(expected.txt, and for some expected.md and expected.json), including pairs
that must report no difference: mapping keys reordered and flow style,
anchors and merge keys against the same YAML written out, defaults written
out (priorities, names, enabled, metrics). Then: every example against
itself is equivalent; a pair differs both ways; values a user can type are
safe in Markdown; OLD_SPEC as - and as git:REV:PATH in a temporary
repository (with a revision that does not exist, and one that would be an
option); exit 0 equivalent, 3 different, 1 errors in a spec, 2 usage or
I/O. `test_diff.py --update` rewrites the expected outputs (review them)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ.get("CRRC_SOURCE_ROOT", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")), "tests", "cli"))
import clitest  # noqa: E402
from clitest import run  # noqa: E402
import crrctest  # noqa: E402

CORPUS = os.path.join(crrctest.ROOT, "tests", "review", "diff")
FORMATS = (("text", "expected.txt"), ("markdown", "expected.md"), ("json", "expected.json"))
# the cases whose markdown and json are kept too
ALL_FORMATS = {"flows", "rule-fields", "access-points"}


def cases():
    return sorted(d for d in os.listdir(CORPUS) if os.path.isdir(os.path.join(CORPUS, d)))


def diff(cwd, *args):
    return run("diff", "old.crr.yaml", "new.crr.yaml", *args, cwd=cwd)


def check_case(name, update):
    d = os.path.join(CORPUS, name)
    for fmt, file in FORMATS:
        path = os.path.join(d, file)
        if fmt != "text" and name not in ALL_FORMATS:
            continue
        res = diff(d, f"--format={fmt}")
        assert res.rc in (0, 3), res
        if update:
            with open(path, "wb") as f:
                f.write(res.out)
            continue
        with open(path, "rb") as f:
            want = f.read()
        assert res.out == want, (f"{name} ({fmt}) differs from {file}:\n--- got\n"
                                 f"{res.stdout}\n--- want\n{want.decode()}")
        equivalent = name.startswith("equiv-")
        assert res.rc == (0 if equivalent else 3), f"{name}: exit {res.rc}"
        if fmt == "json":
            doc = json.loads(res.out)
            assert doc["equivalent"] is equivalent and len(doc["changes"]) == \
                doc["summary"]["changes"], doc["summary"]
        # the other way round: as different, or as equivalent
        back = run("diff", "new.crr.yaml", "old.crr.yaml", f"--format={fmt}", cwd=d)
        assert back.rc == res.rc, f"{name}: backwards exit {back.rc}, forwards {res.rc}"


def test_corpus(update=False):
    names = cases()
    assert len([n for n in names if n.startswith("equiv-")]) >= 3, names
    for name in names:
        check_case(name, update)


def test_examples_equivalent_to_themselves():
    for path in crrctest.examples():
        res = run("diff", path, path)
        assert res.rc == 0 and b"equivalent" in res.out, res


def write(d, name, text):
    path = os.path.join(d, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


SPEC = """crrc: 1
name: demo
buckets:
  a: {region: us-east-1}
  b: {region: us-west-2}
replication:
  - source: a
    rules:
      - id: r
        destination: b
        filter: {prefix: %s}
"""


def test_markdown_escapes_values():
    with tempfile.TemporaryDirectory() as d:
        write(d, "old.crr.yaml", SPEC % "x/")
        write(d, "new.crr.yaml", SPEC % "'a`b*<i>|#_[x](y)'")
        res = diff(d, "--format=markdown")
        assert res.rc == 3, res
        md = res.stdout
        assert "``a`b*<i>|#_[x](y)``" in md, md
        assert md.startswith("**crrc diff** `old.crr.yaml` → `new.crr.yaml`: "), md
        # outside code spans nothing of the value is left to Markdown
        outside = "".join(md.split("``a`b*<i>|#_[x](y)``"))
        assert "<i>" not in outside and "[x](y)" not in outside, outside
        txt = diff(d).stdout
        assert "'a`b*<i>|#_[x](y)'" in txt, txt


POINTS = """crrc: 1
name: demo
buckets:
  a: {region: us-east-1}
  b: {region: us-west-2}
replication:
  - source: a
    rules: [{id: ab, destination: b, replica_modifications: true}]
  - source: b
    rules: [{id: ba, destination: a, replica_modifications: true}]
access_points:
  web: %s
"""


def test_access_points():
    """A point is its key and a member its bucket: the order of members is
    no change (both in the deploying account) nor is the default name
    written out; a route turned passive is one change, both ways."""
    with tempfile.TemporaryDirectory() as d:
        write(d, "old.crr.yaml", POINTS % "{buckets: [a, b]}")
        write(d, "new.crr.yaml", POINTS % "{name: demo-web, buckets: [b, a]}")
        res = diff(d)
        assert res.rc == 0 and b"equivalent" in res.out, res
        write(d, "new.crr.yaml", POINTS % "{buckets: [a, b], passive: [b]}")
        res = diff(d, "--format=json")
        assert res.rc == 3, res
        doc = json.loads(res.out)
        assert doc["summary"]["access points"] == 1 and len(doc["changes"]) == 1, doc
        c = doc["changes"][0]
        assert (c["section"], c["op"], c["subject"], c["field"], c["old"], c["new"]) == \
            ("access points", "changed", "web", "route b", "active", "passive"), c
        back = run("diff", "new.crr.yaml", "old.crr.yaml", cwd=d)
        assert back.rc == 3 and b"'passive' \xe2\x86\x92 'active': it takes traffic now" \
            in back.out, back


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env=dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
                            GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t"))


def test_git_and_stdin():
    crrctest.require_tool("git")
    with tempfile.TemporaryDirectory() as d:
        os.mkdir(os.path.join(d, "specs"))
        spec = write(d, "specs/repl.crr.yaml", SPEC % "x/")
        git(d, "init", "-q", "-b", "main")
        git(d, "add", ".")
        git(d, "commit", "-q", "-m", "one")
        write(d, "specs/repl.crr.yaml", SPEC % "y/")
        res = run("diff", "git:main:specs/repl.crr.yaml", "specs/repl.crr.yaml", cwd=d)
        assert res.rc == 3 and b"filter changed from 'x/' to 'y/'" in res.out, res
        assert res.out.startswith(b"crrc diff 'git:main:specs/repl.crr.yaml' "), res
        sub = os.path.join(d, "specs")
        res = run("diff", "git:HEAD:./repl.crr.yaml", "repl.crr.yaml", cwd=sub)
        assert res.rc == 3, res
        git(d, "commit", "-q", "-am", "two")
        res = run("diff", "git:HEAD~1:specs/repl.crr.yaml", "git:HEAD:specs/repl.crr.yaml",
                  cwd=d)
        assert res.rc == 3, res
        res = run("diff", "git:HEAD:specs/repl.crr.yaml", spec, cwd=d)
        assert res.rc == 0, res
        for bad in ("git:no-such-rev:specs/repl.crr.yaml", "git:main:specs/none.crr.yaml",
                    "git:--output=/tmp/x:y", "git:main"):
            res = run("diff", bad, spec, cwd=d)
            assert res.rc == 2 and b"E001" in res.err and res.out == b"", (bad, res)
        with open(spec, "rb") as f:
            p = subprocess.run([clitest.CRRC, "diff", "-", "specs/repl.crr.yaml"], stdin=f,
                               cwd=d, capture_output=True, timeout=60)
        assert p.returncode == 0, p
        # a file named like a reference is read as a file with ./
        shutil.copy(spec, os.path.join(d, "git:x"))
        res = run("diff", "./git:x", spec, cwd=d)
        assert res.rc == 0, res


def test_exit_codes():
    with tempfile.TemporaryDirectory() as d:
        good = write(d, "good.crr.yaml", SPEC % "x/")
        bad = write(d, "bad.crr.yaml", SPEC.replace("us-west-2", "us-west-9") % "x/")
        res = run("diff", good, bad)
        assert res.rc == 1 and res.out == b"" and b"E034" in res.err, res
        res = run("diff", good, os.path.join(d, "missing.crr.yaml"))
        assert res.rc == 2 and b"E001" in res.err, res
        res = run("diff", good)
        assert res.rc == 2 and b"two specs" in res.err, res
        res = run("diff", good, good, "--format=mardown")
        assert res.rc == 2 and b"did you mean 'markdown'" in res.err, res
        res = run("diff", good, good, "--out", "x")
        assert res.rc == 2, res


def main():
    if "--update" in sys.argv:
        test_corpus(update=True)
        print("expected outputs rewritten: review them with git diff")
        return
    f = clitest.Failures()
    f.check("the corpus of pairs, each output exact", test_corpus)
    f.check("every example is equivalent to itself", test_examples_equivalent_to_themselves)
    f.check("values are safe in Markdown", test_markdown_escapes_values)
    f.check("git:REV:PATH and -", test_git_and_stdin)
    f.check("exit codes", test_exit_codes)
    f.exit()


if __name__ == "__main__":
    main()
