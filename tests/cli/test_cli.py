#!/usr/bin/env python3
"""The command line: help, version, usage errors (exit 2), several files in
one run, the three diagnostics formats, --werror, --ignore and ignores in the
spec, and the text format's
location, source line and caret. Each check is reported; all of them run."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import badinputs  # noqa: E402
import clitest  # noqa: E402
from clitest import ROOT, run  # noqa: E402

SRR = (b"crrc: 1\n"
       b"name: demo\n"
       b"buckets:\n"
       b"  a: {region: us-east-1}\n"
       b"  b: {region: us-east-1}\n"
       b"replication:\n"
       b"  - source: a\n"
       b"    rules:\n"
       b"      - {id: same-region, destination: b}\n")

TWO_ERRORS = (b"crrc: 1\n"
              b"name: demo\n"
              b"buckets:\n"
              b"  b:\n"
              b"    region: us-east-1\n"
              b"    regoin: us-east-1\n"
              b"    region: us-west-2\n")


def write(d, name, data):
    path = os.path.join(d, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def usage_error(*args):
    res = run(*args)
    assert res.rc == 2, f"crrc {' '.join(args)}: want exit 2\n{res!r}"
    assert res.out == b"", f"usage errors print on stderr only\n{res!r}"
    assert res.err.startswith(b"crrc"), res
    return res


def test_help():
    res = run("--help")
    assert res.rc == 0, res
    for cmd in ("crrc check SPEC", "crrc model SPEC", "crrc compile SPEC", "crrc graph SPEC",
                "crrc diff OLD_SPEC NEW_SPEC", "crrc help COMMAND",
                "crrc --version"):
        assert cmd in res.stdout, f"--help does not mention {cmd!r}\n{res!r}"
    assert run("-h").out == res.out
    assert run("help").out == res.out


def test_help_command():
    res = run("help", "check")
    assert res.rc == 0, res
    assert res.stdout.startswith("usage: crrc check SPEC..."), res
    assert "--diagnostics" in res.stdout and "--werror" in res.stdout, res
    assert "--ignore" in res.stdout and "crrc:ignore" in res.stdout, res
    for cmd in ("model", "compile", "graph"):
        res = run("help", cmd)
        assert res.rc == 0 and res.stdout.startswith(f"usage: crrc {cmd} SPEC"), res
    res = usage_error("help", "frobnicate")
    assert "frobnicate" in res.stderr, res


def test_version():
    res = run("--version")
    assert res.rc == 0, res
    assert re.fullmatch(r"crrc \d+\.\d+\.\d+\n", res.stdout), res


def test_usage_errors(d):
    spec = write(d, "ok.crr.yaml", badinputs.VALID)
    usage_error()
    res = usage_error("frobnicate", spec)
    assert "unknown command 'frobnicate'" in res.stderr, res
    res = usage_error("check", "--frobnicate", spec)
    assert "--frobnicate" in res.stderr, res
    res = usage_error("check", "--diagnostics=xml", spec)
    assert "xml" in res.stderr, res
    usage_error("check", spec, "--diagnostics")  # no value
    usage_error("check")                          # no spec
    usage_error("model", spec, spec)              # model takes one
    usage_error("compile", spec, "--target", "nowhere", "--out", os.path.join(d, "out"))
    usage_error("compile", spec, "--target", "terraform", "--out", "")  # read past "" once


def test_several_files(d):
    a = write(d, "a.crr.yaml", b"crrc: 2\nname: demo\nbuckets: {b: {region: us-east-1}}\n")
    ok = write(d, "ok.crr.yaml", badinputs.VALID)
    b = write(d, "b.crr.yaml", b"crrc: 1\nname: demo\nbuckets: {b: {region: us-east-1}}\nx: 1\n")
    res = run("check", "--diagnostics=json", a, ok, b)
    assert res.rc == 1, res
    got = [(g["file"], g["code"], g["line"], g["column"]) for g in json.loads(res.out)]
    assert got == [(a, "E024", 1, 7), (b, "E020", 4, 1)], got
    # a missing file among them: exit 2, and the others are still checked
    missing = os.path.join(d, "missing.crr.yaml")
    res = run("check", a, missing, b)
    assert res.rc == 2, res
    assert f"{a}:1:7: error[E024]" in res.stderr, res
    assert f"{missing}: error[E001]" in res.stderr, res
    assert f"{b}:4:1: error[E020]" in res.stderr, res
    # order of the report follows the command line
    assert res.stderr.index(a) < res.stderr.index(missing) < res.stderr.index(b + ":4"), res


def test_clean(d):
    ok = write(d, "ok.crr.yaml", badinputs.VALID)
    res = run("check", ok)
    assert res.rc == 0 and res.out == b"" and res.err == b"", res
    res = run("check", "--diagnostics=json", ok)
    assert res.rc == 0 and json.loads(res.out) == [] and res.err == b"", res
    res = run("check", "--diagnostics", "sarif", ok)
    assert res.rc == 0 and json.loads(res.out)["runs"][0]["results"] == [], res


def test_json(d):
    path = write(d, "two.crr.yaml", TWO_ERRORS)
    res = run("check", "--diagnostics=json", path)
    assert res.rc == 1, res
    diags = json.loads(res.out)
    assert isinstance(diags, list) and len(diags) == 2, diags
    for g in diags:
        for key, kind in (("file", str), ("line", int), ("column", int), ("severity", str),
                          ("code", str), ("message", str)):
            assert isinstance(g.get(key), kind), f"{key} in {g}"
        assert g["file"] == path and g["severity"] == "error"
    unknown, dup = diags
    assert (unknown["code"], unknown["line"], unknown["column"]) == ("E020", 6, 5), unknown
    assert "did you mean 'region'?" in unknown["message"], unknown
    assert (dup["code"], dup["line"], dup["column"]) == ("E021", 7, 5), dup
    assert dup["notes"][0]["line"] == 5 and dup["notes"][0]["column"] == 5, dup
    assert res.err == b"", res


def test_sarif(d):
    path = write(d, "two.crr.yaml", TWO_ERRORS)
    res = run("check", "--diagnostics=sarif", path)
    assert res.rc == 1, res
    log = json.loads(res.out)
    assert log["version"] == "2.1.0", log.get("version")
    assert "sarif" in log["$schema"] and "2.1.0" in log["$schema"], log["$schema"]
    assert len(log["runs"]) == 1
    run0 = log["runs"][0]
    driver = run0["tool"]["driver"]
    assert driver["name"] == "crrc" and driver["version"], driver
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert len(set(ids)) == len(ids) and "E001" in ids and "W001" in ids, ids
    for r in rules:
        assert r["shortDescription"]["text"], r
        assert r["defaultConfiguration"]["level"] in ("error", "warning"), r
    results = run0["results"]
    assert [r["ruleId"] for r in results] == ["E020", "E021"], results
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"], r
        assert r["level"] == "error" and r["message"]["text"], r
        loc = r["locations"][0]["physicalLocation"]
        # an absolute path is a file: URI (percent-encoded: tests/cli/test_sarif.py)
        assert loc["artifactLocation"]["uri"] == "file://" + path, loc
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (6, 5), region
    assert region["endColumn"] == 11, region  # "regoin" is 6 characters
    related = results[1]["relatedLocations"][0]
    assert related["physicalLocation"]["region"]["startLine"] == 5, related
    assert related["message"]["text"], related


def test_werror(d):
    path = write(d, "srr.crr.yaml", SRR)
    res = run("check", "--diagnostics=json", path)
    assert res.rc == 0, f"a warning alone exits 0\n{res!r}"
    warnings = [g for g in json.loads(res.out) if g["code"] == "W004"]
    assert warnings and warnings[0]["severity"] == "warning", \
        f"no W004 (same-region) warning: do the passes run?\n{res!r}"
    res = run("check", "--werror", "--diagnostics=json", path)
    assert res.rc == 1, res
    w = [g for g in json.loads(res.out) if g["code"] == "W004"]
    assert w and w[0]["severity"] == "error", res
    res = run("check", path, "--werror")
    assert res.rc == 1 and "error[W004]" in res.stderr, res


def caret_column(res, head):
    """The echoed source line and the caret's index in it, after a
    diagnostic line that starts with head."""
    lines = res.stderr.splitlines()
    i = next((i for i, s in enumerate(lines) if s.startswith(head)), None)
    assert i is not None and i + 2 < len(lines), f"no {head!r}\n{res!r}"
    echo, caret = lines[i + 1], lines[i + 2]
    m = re.match(r"( *\d+) \| ", echo)
    assert m, f"no source line after {head!r}: {echo!r}"
    gutter = len(m.group(0))
    assert caret.startswith(" " * (gutter - 2) + "| "), caret
    return echo[gutter:], caret.index("^") - gutter, caret


def test_text_format(d):
    path = write(d, "two.crr.yaml", TWO_ERRORS)
    res = run("check", path)
    assert res.rc == 1 and res.out == b"", res
    head = f"{path}:6:5: error[E020]: unknown key 'regoin' in a bucket; did you mean 'region'?"
    assert head in res.stderr.splitlines(), res
    src, at, caret = caret_column(res, head)
    assert src == "    regoin: us-east-1", src
    assert at == 4 and caret.endswith("^~~~~~"), caret
    # the duplicate: its note says where the first one was, with that line
    head = f"{path}:7:5: error[E021]: "
    src, at, _ = caret_column(res, head)
    assert src == "    region: us-west-2" and at == 4, src
    note = f"{path}:5:5: note: "
    src, at, _ = caret_column(res, note)
    assert src == "    region: us-east-1" and at == 4, src


def test_caret_multibyte(d):
    # a long line with multibyte characters before the token: the caret is
    # counted in characters, and the echo is cut around it
    pad = "é" * 300 + "日本" * 100
    data = ("# " + "ü" * 700 + "\n{x-pad: \"" + pad + "\", regoin: 1, crrc: 1, name: demo, "
            "buckets: {b: {region: us-east-1}}}\n").encode()
    path = write(d, "mb.crr.yaml", data)
    res = run("check", path)
    col = len('{x-pad: "') + len(pad) + len('", ') + 1
    head = f"{path}:2:{col}: error[E020]: "
    src, at, _ = caret_column(res, head)
    assert src.startswith("...") and src.endswith("..."), src
    assert src[at:at + 6] == "regoin", (src, at)


def test_control_in_file_name(d):
    path = write(d, "\x1b[31mred.crr.yaml", b"crrc: 1\nname: demo\nbuckets: {}\n")
    res = run("check", path)
    assert res.rc == 1, res
    assert b"\x1b" not in res.err and "\\x1B[31mred.crr.yaml" in res.stderr, res


def test_examples():
    examples = clitest.crrctest.examples()
    assert examples, "no examples"
    res = run("check", *examples)
    assert res.rc == 0 and res.err == b"" and res.out == b"", res
    for path in examples:
        res = run("check", "--diagnostics=json", path)
        assert res.rc == 0 and json.loads(res.out) == [], f"{path}\n{res!r}"


def test_model_bad_spec(d):
    path = write(d, "two.crr.yaml", TWO_ERRORS)
    res = run("model", path)
    assert res.rc == 1 and res.out == b"" and "error[E020]" in res.stderr, res


def out_files(path):
    """Every file under path, by its name relative to path, with its bytes."""
    files = {}
    for top, _, names in os.walk(path):
        for name in names:
            full = os.path.join(top, name)
            with open(full, "rb") as f:
                files[os.path.relpath(full, path)] = f.read()
    return files


def compile_cfn(spec, out, tmpdir):
    """crrc compile --target cloudformation with TMPDIR set to tmpdir."""
    tempfile.gettempdir()  # run()'s own temporary files stay where they were
    old = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = tmpdir
    try:
        return run("compile", spec, "--target", "cloudformation", "--out", out)
    finally:
        if old is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = old


def test_cloudformation_without_tmpdir(d):
    # The measured roles are spilled to a temporary file in $TMPDIR; when
    # none can be made, they are written twice instead: the same bytes.
    # 1,000 buckets have more role text than the spill's write buffer.
    specs = list(clitest.crrctest.examples())
    for n in (300, 1000):
        gen = os.path.join(ROOT, "bench", "gen.py")
        text = subprocess.run([sys.executable, gen, str(n)], check=True,
                              capture_output=True).stdout
        specs.append(write(d, f"gen{n}.crr.yaml", text))
    tmp = os.path.join(d, "tmp")
    os.mkdir(tmp)
    missing = os.path.join(d, "missing")
    for i, spec in enumerate(specs):
        normal, fallback = os.path.join(d, f"spill-{i}"), os.path.join(d, f"nospill-{i}")
        a = compile_cfn(spec, normal, tmp)
        b = compile_cfn(spec, fallback, missing)
        # warnings (crossaccount-kms: W010) are allowed, and alike
        assert a.rc == 0 and b"error" not in a.err, f"{spec}\n{a!r}"
        assert b.rc == 0 and b.err == a.err, f"{spec} with TMPDIR missing\n{b!r}"
        assert a.stdout.replace(normal, "OUT") == b.stdout.replace(fallback, "OUT"), (a, b)
        want, got = out_files(normal), out_files(fallback)
        assert len(want) > 2 and sorted(want) == sorted(got), (spec, sorted(want), sorted(got))
        for name in want:
            assert want[name] == got[name], f"{spec}: {name} differs without a spill file"
        assert os.listdir(tmp) == [], f"{spec}: left in TMPDIR: {os.listdir(tmp)}"
        assert not os.path.exists(missing)


def test_two_files_quoted(d):
    # Each file's text is freed once it is parsed and read again to quote
    # it: two files with mistakes at the same place quote their own lines.
    a = write(d, "qa.crr.yaml", TWO_ERRORS)
    b = write(d, "qb.crr.yaml", b"crrc: 1\n"
                                b"name: other\n"
                                b"buckets:\n"
                                b"  c:\n"
                                b"    region: eu-west-1\n"
                                b"    regoin: eu-west-1  # the other file\n"
                                b"  d: {region: us-east-2}\n"
                                b"  e: {region: us-east-2}\n"
                                b"  f: {region: us-east-2, nmae: x}\n")
    for args in ((a, b), (b, a)):
        res = run("check", *args)
        assert res.rc == 1 and res.out == b"", res
        src, at, _ = caret_column(res, f"{a}:6:5: error[E020]: ")
        assert src == "    regoin: us-east-1" and at == 4, src
        src, at, _ = caret_column(res, f"{a}:7:5: error[E021]: ")
        assert src == "    region: us-west-2" and at == 4, src
        src, at, _ = caret_column(res, f"{a}:5:5: note: ")
        assert src == "    region: us-east-1" and at == 4, src
        src, at, _ = caret_column(res, f"{b}:6:5: error[E020]: ")
        assert src == "    regoin: eu-west-1  # the other file" and at == 4, src
        src, at, _ = caret_column(res, f"{b}:9:26: error[E020]: ")  # past a's last line
        assert src == "  f: {region: us-east-2, nmae: x}" and at == 25, src


SYNTAX_AFTER_MISTAKES = (b"crrc: 2\n"
                         b"name: demo\n"
                         b"buckets:\n"
                         b"  a: {region: us-east-1, regoin: x}\n"
                         b"  b: {region: us-west-2, name: Bad_Name}\n"
                         b"  c: {region: [oops\n")


def test_syntax_error_only(d):
    # The mistakes in the complete buckets before a syntax error, and
    # crrc: 2, are not reported: only why the file could not be read.
    path = write(d, "syntax.crr.yaml", SYNTAX_AFTER_MISTAKES)
    res = run("check", "--diagnostics=json", path)
    assert res.rc == 1, res
    got = [(g["code"], g["line"], g["column"]) for g in json.loads(res.out)]
    assert got == [("E006", 7, 1)], got
    res = run("check", path)
    assert res.rc == 1 and res.out == b"", res
    heads = [s for s in res.stderr.splitlines() if s.startswith(path + ":")]
    assert len(heads) == 2 and "error[E006]" in heads[0] and "note: " in heads[1], res
    src, at, _ = caret_column(res, f"{path}:6:15: note: ")
    assert src == "  c: {region: [oops" and at == 14, src
    for cmd in (("model", path), ("compile", path, "--target", "terraform", "--out",
                                  os.path.join(d, "syntax-out"))):
        res = run(*cmd)
        assert res.rc == 1 and res.out == b"", res
        assert res.stderr.count("error[") == 1 and "error[E006]" in res.stderr, res
    assert not os.path.exists(os.path.join(d, "syntax-out"))
    # without the syntax error, the same buckets' mistakes are reported
    complete = SYNTAX_AFTER_MISTAKES[:SYNTAX_AFTER_MISTAKES.rindex(b"  c:")]
    path = write(d, "nosyntax.crr.yaml", complete)
    res = run("check", "--diagnostics=json", path)
    codes = sorted(g["code"] for g in json.loads(res.out))
    assert res.rc == 1 and "E006" not in codes and "E020" in codes and len(codes) >= 3, res


def test_output_diagnostics(d):
    # A file crrc did not write is in the way: E091 about that file, in
    # text on stderr and in JSON and SARIF, exit 2, nothing written.
    spec = os.path.join(ROOT, "examples", "streamvision.crr.yaml")
    out = os.path.join(d, "foreign-out")
    os.mkdir(out)
    write(out, "iam.tf", b"# mine\n")
    res = run("compile", spec, "--target", "terraform", "--out", out)
    foreign = os.path.join(out, "iam.tf")
    assert res.rc == 2, res
    assert f"{foreign}: error[E091]: {foreign} exists and was not written by crrc" in res.stderr, res
    assert "wrote" not in res.stdout and sorted(os.listdir(out)) == ["iam.tf"], (res, os.listdir(out))
    res = run("compile", spec, "--target", "terraform", "--out", out, "--diagnostics=json")
    got = [(g["file"], g["code"], g["slug"], g["line"]) for g in json.loads(res.err)]
    assert res.rc == 2 and got == [(foreign, "E091", "output-not-ours", 0)], res
    res = run("compile", spec, "--target", "terraform", "--out", out, "--diagnostics=sarif")
    # the example's warnings accepted on purpose stay out (SARIF keeps them
    # as suppressed results)
    results = [r for r in json.loads(res.err)["runs"][0]["results"] if not r.get("suppressions")]
    assert res.rc == 2 and [r["ruleId"] for r in results] == ["E091"], res
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "file://" + foreign, results
    # A level of --out that is a file: E090 about the directory.
    res = run("compile", spec, "--target", "terraform", "--out", os.path.join(foreign, "sub"))
    assert res.rc == 2 and "error[E090]: cannot create the output directory" in res.stderr, res


def test_output_disk_full(d):
    # A full disk: E093, exit 2, and the directory as it was. The disk is a
    # 16 KB tmpfs in a mount namespace of the test's own (unshare -m),
    # which needs root: the suite runs as root in CI.
    if os.geteuid() != 0 or not shutil.which("unshare"):
        if os.environ.get("CI"):
            raise AssertionError("CI: a full disk is tested as root with unshare -m")
        print("test_output_disk_full: skipped: needs root and unshare (util-linux)")
        return
    spec = os.path.join(ROOT, "examples", "streamvision.crr.yaml")
    mnt = os.path.join(d, "tiny")
    os.mkdir(mnt)
    script = ('mount -t tmpfs -o size=16k tmpfs "$1" && mkdir "$1/out" && '
              'echo kept > "$1/out/note" && "$2" compile "$3" --target cloudformation '
              '--out "$1/out" --diagnostics=json; rc=$?; ls -A "$1/out"; exit $rc')
    res = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", mnt, clitest.CRRC, spec],
                         capture_output=True, text=True, timeout=60)
    codes = {g["code"] for g in json.loads(res.stderr or "[]")}
    assert res.returncode == 2 and "E093" in codes, res
    assert codes <= {"E093", "E092"}, res  # no other kind of problem
    assert res.stdout.split() == ["note"], res  # no partial set, no temporary file


def codes_def():
    with open(os.path.join(ROOT, "compiler", "diag", "codes.def"), encoding="utf-8") as f:
        return re.findall(r'^X\((\w+),\s*\w+,\s*"([^"]+)"', f.read(), re.M)


def test_explain():
    # Every code of the registry is explained, from grammar/diagnostics.md
    # (one source: the document is compiled in); by code or slug, any case.
    with open(os.path.join(ROOT, "grammar", "diagnostics.md"), encoding="utf-8") as f:
        doc = f.read()
    codes = codes_def()
    assert len(codes) > 70, codes
    for code, slug in codes:
        res = run("explain", code)
        assert res.rc == 0, res
        head, _, body = res.stdout.partition("\n\n")
        assert head.startswith(f"{code} {slug}: "), res
        section = doc.split(f"## {code} {slug}\n", 1)[1].split("\n## ", 1)[0]
        first = [ln for ln in section.splitlines() if ln and not ln.startswith("<!--")][0]
        assert first in body, (code, first, body[:200])
    assert run("explain", "duplicate-key").stdout.startswith("E021 duplicate-key: ")
    assert run("explain", "w002").stdout.startswith("W002 chain: ")
    res = run("explain", "E0211")
    assert res.rc == 2 and "did you mean 'E021'" in res.stderr, res
    listed = run("explain").stdout.splitlines()
    assert [ln.split()[:2] for ln in listed] == [[c, s] for c, s in codes], listed[:3]


def test_command_help():
    # crrc COMMAND --help and -h print the command's help, exit 0, do nothing else.
    for cmd in ("check", "model", "compile", "explain"):
        for flag in ("--help", "-h"):
            res = run(cmd, flag)
            assert res.rc == 0 and res.stdout.startswith(f"usage: crrc {cmd}"), (cmd, flag, res)
            assert res.err == b"", res
    res = run("compile", "--help")
    assert "terraform" in res.stdout and "cloudformation" in res.stdout, res
    res = run("help", "help")
    assert res.rc == 0 and res.stdout.startswith("usage: crrc help"), res


def test_installed():
    # ./setup installs crrc on the PATH: the same version as this build.
    path = shutil.which("crrc")
    if not path:
        if os.environ.get("CI"):
            raise AssertionError("CI: crrc is not on the PATH after ./setup")
        print("test_installed: skipped: crrc is not installed (./setup installs it)")
        return
    got = subprocess.run([path, "--version"], capture_output=True, text=True)
    assert got.returncode == 0 and got.stdout == run("--version").stdout, (path, got)


def run_stdin(data, *args):
    p = subprocess.run([clitest.CRRC, *args], input=data, capture_output=True, timeout=60)
    assert b"Sanitizer" not in p.stderr and b"runtime error" not in p.stderr, p.stderr
    return p


def test_stdin(d):
    # A pre-commit hook pipes a revision into crrc check -: the same
    # diagnostics as the file, named by --stdin-filename (else <stdin>),
    # quoting the piped text; process substitution reads like a file.
    p = run_stdin(TWO_ERRORS, "check", "-")
    err = p.stderr.decode()
    assert p.returncode == 1 and "<stdin>:6:5: error[E020]" in err, err
    assert "    regoin: us-east-1" in err, err  # the line is quoted from the pipe
    p = run_stdin(TWO_ERRORS, "check", "-", "--stdin-filename", "specs/media.crr.yaml",
                  "--diagnostics=json")
    got = json.loads(p.stdout)
    assert p.returncode == 1 and {g["file"] for g in got} == {"specs/media.crr.yaml"}, got
    with open(os.path.join(ROOT, "examples", "streamvision.crr.yaml"), "rb") as f:
        clean = f.read()
    assert run_stdin(clean, "check", "-").returncode == 0
    p = run_stdin(b"", "check", "-", "-")
    assert p.returncode == 2 and b"more than once" in p.stderr, p
    spec = os.path.join(ROOT, "examples", "streamvision.crr.yaml")
    p = subprocess.run(["bash", "-c", f'"{clitest.CRRC}" check <(cat "{spec}")'],
                       capture_output=True, timeout=60)
    assert p.returncode == 0 and p.stderr == b"", p
    out = os.path.join(d, "from-stdin")
    p = run_stdin(clean, "compile", "-", "--target", "terraform", "--out", out)
    assert p.returncode == 0 and os.path.exists(os.path.join(out, "replication.tf")), p


def test_flag_mistakes(d):
    # A wrong flag names itself and the nearest right one; a flag twice, a
    # flag without its value, a missing --target or --out: each says so.
    spec = write(d, "flags.crr.yaml", SRR)
    cases = [
        (("check", "--diagnostic=json", spec), "unknown option '--diagnostic'; did you mean "
                                               "'--diagnostics'?"),
        (("check", "--diagnostics=jsn", spec), "did you mean 'json'?"),
        (("check", "--werror", "--werror", spec), "option --werror given twice"),
        (("compile", spec, "--target", "tf", "--out", d), "did you mean 'terraform'?"),
        (("compile", spec, "--target", "cfn", "--out", d), "did you mean 'cloudformation'?"),
        (("compile", spec, "--out", d), "compile needs --target"),
        (("compile", spec, "--target", "terraform"), "compile needs --out DIR"),
        (("compile", "--target", "terraform", "--out", d), "compile needs a SPEC"),
        (("compile", spec, "--target"), "option --target needs a value"),
        (("check", "--werror=yes", spec), "option --werror takes no value"),
    ]
    for args, want in cases:
        res = run(*args)
        assert res.rc == 2 and want in res.stderr, (args, res)
    # unknown spec keys: an abbreviation or a prefix of a key is suggested
    path = write(d, "abbrev.crr.yaml", b"crrc: 1\nname: demo\nbuckets:\n"
                 b"  a: {region: us-east-1, encrypt: sse-kms}\npolicies:\n  rpo: 15\n")
    res = run("check", path)
    assert "unknown key 'encrypt' in a bucket; did you mean 'encryption'?" in res.stderr, res
    assert "unknown key 'rpo' in policies; did you mean 'rpo_minutes'?" in res.stderr, res
    # -- ends the options: a spec whose name starts with a dash
    dash = write(d, "-dash.crr.yaml", SRR)
    res = run("check", "--", os.path.basename(dash), cwd=d)
    assert res.rc == 0 and "W004" in res.stderr, res


GITHUB_LINE = re.compile(r"^::(error|warning|notice) file=[^,:]*(,line=\d+,col=\d+,"
                         r"endColumn=\d+)?,title=[EW]\d{3} [a-z0-9-]+::[^\r\n]*$")


def test_github(d):
    # GitHub Actions workflow commands, one a diagnostic, on stdout; text
    # from the spec cannot end the command or start another.
    evil = (b"crrc: 1\nname: demo\nbuckets:\n"
            b'  a: {region: us-east-1, "x%0A::error::fake\\n::warning::more,:": 1}\n')
    path = write(d, "evil,name:x.crr.yaml", evil)
    res = run("check", "--diagnostics=github", path)
    lines = res.stdout.splitlines()
    assert res.rc == 1 and len(lines) == 1, res
    assert GITHUB_LINE.match(lines[0]), lines[0]
    # the key's real newline is escaped as in text (\x0A), its "%0A" as %250A
    assert "%250A::error::fake\\x0A::warning::more" in lines[0], lines[0]
    assert "file=" + path.replace(",", "%2C").replace(":", "%3A") in lines[0], lines[0]
    assert ",line=4,col=26," in lines[0] and "title=E020 unknown-key" in lines[0], lines[0]
    res = run("check", "--diagnostics=github", write(d, "w.crr.yaml", SRR))
    assert res.rc == 0 and res.stdout.startswith("::warning file="), res
    assert all(GITHUB_LINE.match(ln) for ln in res.stdout.splitlines()), res


def snapshot_dir(path):
    if not os.path.isdir(path):
        return None
    return {n: (os.lstat(os.path.join(path, n)).st_mtime_ns, open(os.path.join(path, n), "rb").read())
            for n in sorted(os.listdir(path))}


def test_compile_check(d):
    # compile --check writes nothing: 3 and the files that would change
    # when DIR is stale, 0 when it is current; a directory that is not there
    # is stale and stays not there.
    spec = os.path.join(ROOT, "examples", "streamvision.crr.yaml")
    out = os.path.join(d, "checked")
    args = ("compile", spec, "--target", "terraform", "--out", out)
    res = run(*args, "--check")
    assert res.rc == 3 and "would write " + os.path.join(out, "buckets.tf") in res.stdout, res
    assert not os.path.exists(out)
    assert run(*args).rc == 0
    before = snapshot_dir(out)
    res = run(*args, "--check")
    assert res.rc == 0 and res.stdout == "" and snapshot_dir(out) == before, res
    with open(os.path.join(out, "iam.tf"), "a") as f:
        f.write("# edited by hand\n")
    before = snapshot_dir(out)
    res = run(*args, "--check")
    assert res.rc == 3 and res.stdout == f"would write {out}/iam.tf\n", res
    assert snapshot_dir(out) == before
    with open(os.path.join(out, ".crrc-files"), "a") as f:
        f.write("old.tf\n")
    write(out, "old.tf", b"# a file an older spec made\n")
    res = run(*args, "--check")
    assert res.rc == 3 and f"would remove {out}/old.tf" in res.stdout, res
    res = run("compile", write(d, "bad.crr.yaml", TWO_ERRORS), "--target", "terraform",
              "--out", out, "--check")
    assert res.rc == 1, res


def test_output_needs(d):
    # After what it wrote, compile lists what the output needs: one role
    # variable per named account for Terraform, one profile variable per
    # account for deploy.sh; a spec without accounts needs nothing.
    spec = os.path.join(ROOT, "examples", "crossaccount-kms.crr.yaml")
    res = run("compile", spec, "--target", "terraform", "--out", os.path.join(d, "needs-tf"))
    tail = res.stdout.split("the output needs:\n", 1)
    assert res.rc == 0 and len(tail) == 2, res
    names = [ln.split()[0] for ln in tail[1].splitlines()]
    assert names == ["TF_VAR_payments_role_arn", "TF_VAR_vault_role_arn"], names
    with open(os.path.join(d, "needs-tf", "variables.tf")) as f:
        declared = re.findall(r'variable "(\w+)"', f.read())
    assert sorted("TF_VAR_" + v for v in declared) == sorted(names), declared
    res = run("compile", spec, "--target", "cloudformation", "--out", os.path.join(d, "needs-cf"))
    names = [ln.split()[0] for ln in res.stdout.split("the output needs:\n", 1)[1].splitlines()]
    assert names == ["CRRC_PROFILE_PAYMENTS", "CRRC_PROFILE_VAULT"], names
    with open(os.path.join(d, "needs-cf", "deploy.sh")) as f:
        script = f.read()
    assert all(n in script for n in names), names
    res = run("compile", os.path.join(ROOT, "examples", "two-way.crr.yaml"), "--target",
              "terraform", "--out", os.path.join(d, "needs-none"))
    assert res.rc == 0 and "the output needs" not in res.stdout, res


def test_ignore(d):
    """--ignore for check, model and compile; a comment in the spec; what
    the formats show of an ignored warning (SARIF: a suppression)."""
    path = write(d, "srr.crr.yaml", SRR)
    for args in (["--ignore", "W004"], ["--ignore=W006,W004"], ["--ignore", "W006",
                                                                 "--ignore", "W004"]):
        res = run("check", "--werror", *args, path)
        assert res.rc == 0 and res.out == b"" and res.err == b"", (args, res)
    res = run("check", "--ignore", "W004", "--diagnostics=json", path)
    assert res.rc == 0 and json.loads(res.out) == [], res
    res = run("check", "--ignore", "W004", "--diagnostics=sarif", path)
    results = json.loads(res.out)["runs"][0]["results"]
    assert [(r["ruleId"], r["suppressions"][0]["kind"]) for r in results] == \
        [("W004", "external")], results
    res = run("model", "--werror", "--ignore", "W004", path)
    assert res.rc == 0 and json.loads(res.out)["buckets"], res
    res = run("compile", "--werror", "--ignore", "W004", "--target", "terraform",
              "--out", os.path.join(d, "ignored-out"), path)
    assert res.rc == 0, res
    for bad, why in (("E034", b"errors cannot be ignored"), ("W999", b"not a diagnostic code"),
                     ("W004,", b"not a diagnostic code")):
        res = usage_error("check", "--ignore", bad, path)
        assert why in res.err, res
    # in the spec: a comment above the rule, with its reason
    commented = SRR.replace(b"      - {id: same-region",
                            b"      # crrc:ignore W004 the audit copy\n"
                            b"      - {id: same-region")
    path = write(d, "commented.crr.yaml", commented)
    res = run("check", "--werror", path)
    assert res.rc == 0 and res.err == b"", res
    res = run("check", "--diagnostics=sarif", path)
    sup = json.loads(res.out)["runs"][0]["results"][0]["suppressions"][0]
    assert sup == {"kind": "inSource", "justification": "the audit copy"}, sup
    # an ignore that matches nothing is W011, which --ignore W011 accepts
    path = write(d, "unused.crr.yaml", badinputs.VALID + b"ignore: [W001]\n")
    res = run("check", "--diagnostics=json", path)
    assert [g["code"] for g in json.loads(res.out)] == ["W011"], res
    res = run("check", "--werror", "--ignore", "W011", path)
    assert res.rc == 0, res


def main():
    f = clitest.Failures()
    with tempfile.TemporaryDirectory(prefix="crrc-cli-") as d:
        f.check("--help", test_help)
        f.check("help COMMAND", test_help_command)
        f.check("--version", test_version)
        f.check("usage errors exit 2", test_usage_errors, d)
        f.check("check with several files", test_several_files, d)
        f.check("a clean spec prints nothing", test_clean, d)
        f.check("--diagnostics=json", test_json, d)
        f.check("--diagnostics=sarif", test_sarif, d)
        f.check("--werror", test_werror, d)
        f.check("--ignore, crrc:ignore comments and ignore:", test_ignore, d)
        f.check("text format: location, source line, caret", test_text_format, d)
        f.check("caret on a long line of multibyte characters", test_caret_multibyte, d)
        f.check("control characters in a file name", test_control_in_file_name, d)
        f.check("model of a bad spec", test_model_bad_spec, d)
        f.check("every example checks clean, without a warning", test_examples)
        f.check("CloudFormation without a spill file: the same bytes",
                test_cloudformation_without_tmpdir, d)
        f.check("two files, each quoting its own lines", test_two_files_quoted, d)
        f.check("a syntax error after mistakes reports only itself", test_syntax_error_only, d)
        f.check("output problems are diagnostics (E090, E091)", test_output_diagnostics, d)
        f.check("a full disk is E093 and changes nothing", test_output_disk_full, d)
        f.check("crrc explain CODE, for every code", test_explain)
        f.check("crrc COMMAND --help and -h", test_command_help)
        f.check("crrc on the PATH after ./setup", test_installed)
        f.check("a spec from standard input, a pipe, process substitution", test_stdin, d)
        f.check("flag mistakes say what is wrong and what would be right",
                test_flag_mistakes, d)
        f.check("--diagnostics=github", test_github, d)
        f.check("compile --check", test_compile_check, d)
        f.check("compile lists what its output needs", test_output_needs, d)
    f.exit()


if __name__ == "__main__":
    main()
