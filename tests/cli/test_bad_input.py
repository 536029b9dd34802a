#!/usr/bin/env python3
"""One bad input (a case of badinputs.py, named on the command line):
crrc check answers with the right exit status, diagnostic code, line and
column, within the time bound and in bounded memory, and echoes no raw
control character. `--list` prints the case names and `--list-xfail` those
known to fail (meson.build reads both)."""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import badinputs  # noqa: E402
import clitest  # noqa: E402

# Bytes a terminal may act on: C0 controls but newline, DEL, and C1
# controls encoded as UTF-8 (U+0080..U+009F).
RAW_CONTROL = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")


def check_no_raw_controls(res):
    m = RAW_CONTROL.search(res.err)
    assert not m, f"raw control byte {m.group()!r} in stderr at {m.start()}\n{res!r}"
    m = RAW_CONTROL.search(res.out.replace(b"\n", b" "))
    assert not m, f"raw control byte {m.group()!r} in stdout at {m.start()}\n{res!r}"


def check_json(name, path, res, rc, code, line, col):
    assert res.rc == rc, f"{name}: exit {res.rc}, want {rc}\n{res!r}"
    diags = json.loads(res.out)
    assert isinstance(diags, list), res.out[:200]
    if code is None:
        assert diags == [], f"{name}: want no diagnostics\n{res!r}"
        return diags
    found = [g for g in diags if g["code"] == code]
    assert found, f"{name}: no {code}\n{res!r}"
    g = found[0]
    assert (g["line"], g["column"]) == (line, col), \
        f"{name}: {code} at {g['line']}:{g['column']}, want {line}:{col}"
    assert g["file"] == path and g["severity"] == "error" and g["message"]
    # a JSON document of ASCII only: no control character from the spec
    assert max(res.out, default=0) < 0x80, f"{name}: JSON output is not ASCII"
    return diags


def check_text(name, path, res, rc, code, line, col):
    assert res.rc == rc, f"{name}: exit {res.rc}, want {rc}\n{res!r}"
    check_no_raw_controls(res)
    if code is None:
        assert res.err == b"", f"{name}: want no output\n{res!r}"
        return
    where = f"{path}:{line}:{col}: " if line else f"{path}: "
    head = f"{where}error[{code}]: "
    assert head in res.stderr, f"{name}: no line starting {head!r}\n{res!r}"


def extra_checks(name, path, text_res, diags):
    if name == "huge-key":
        assert all(len(g["message"]) < 4096 for g in diags), "a message quotes all 4 MB"
        assert " bytes ...] " in diags[0]["message"], diags[0]["message"][:200]
    elif name == "syntax-error-after-mistakes":
        assert [g["code"] for g in diags] == ["E006"], [g["code"] for g in diags[:5]]
    elif name == "escaped-control-key":
        # the key is "\e[31mred\e[0m": echoed, never raw
        assert b"\x1b" not in text_res.err
        assert "\\x1B[31mred\\x1B[0m" in text_res.stderr, text_res.stderr
    elif name == "escaped-c1-key":
        # CSI (U+009B) and NEL (U+0085), escaped in the text, and the JSON
        # output is ASCII (checked for every case)
        assert "\\u009B31mred\\u0085" in text_res.stderr, text_res.stderr
    elif name == "control-character":
        assert "\\x1B[31m" in text_res.stderr, text_res.stderr
    elif name == "anchors-aliases-merge":
        res = clitest.run("model", path)
        assert res.rc == 0, repr(res)
        model = json.loads(res.out)
        buckets = {b["key"]: b for b in model["buckets"]}
        assert buckets["primary"]["object_lock"] is True  # from the merge
        assert buckets["dr"]["object_lock"] is True       # from a merge list
        assert buckets["dr"]["region"] == "us-west-2"     # anchored scalar
        rules = {r["id"]: r for r in model["replication"][0]["rules"]}
        assert rules["dr-all"]["storage_class"] == "STANDARD_IA"
        assert rules["eu-all"]["storage_class"] == "GLACIER"  # explicit wins
        assert rules["eu-all"]["delete_markers"] is True
    elif name == "long-line-many-errors":
        # 20,001 mistakes (the 20,000 keys and pad): 10,000 shown, the rest counted
        assert len(diags) == 10000, len(diags)
        lines = text_res.stderr.splitlines()
        assert lines[-1].endswith("note: 10001 more diagnostics not shown (at most 10000 a file)"), lines[-1]
        # the caret of the last one shown is under its key, far into the line
        last = max(i for i, s in enumerate(lines) if "k09999" in s and "error[E020]" in s)
        echo, caret = lines[last + 1], lines[last + 2]
        at = caret.index("^")
        assert echo[at:at + 6] == "k09999", (echo, caret)
    elif name.startswith("alias-amplification"):
        # 9,000 aliases of one mapping with 50 mistakes: each reported once
        assert len(diags) == 50, len(diags)
    elif name == "over-size-limit":
        # refused before reading: far less memory than the file's 65 MiB
        assert text_res.rss < 60 << 20, f"peak {text_res.rss >> 20} MiB"
    elif name in ("crlf-error", "several-documents"):
        assert "\\x0D" not in text_res.stderr, text_res.stderr


def main():
    if sys.argv[1:] == ["--list"]:
        print("\n".join(badinputs.CASES))
        return 0
    if sys.argv[1:] == ["--list-xfail"]:
        print("\n".join(badinputs.XFAIL))
        return 0
    name = sys.argv[1]
    _, rc, code, line, col = badinputs.CASES[name]
    if name in badinputs.XFAIL:
        print(f"expected to fail: {badinputs.XFAIL[name]}")
    if name == "no-permission" and os.geteuid() == 0:
        print("SKIP: running as root, whom chmod 000 does not stop", file=sys.stderr)
        return 77
    with tempfile.TemporaryDirectory(prefix="crrc-bad-") as d:
        path = badinputs.write(name, d)
        try:
            bounds = badinputs.BOUNDS.get(name, ((clitest.MAX_SECONDS,) * 2,
                                                 (clitest.MAX_RSS,) * 2))
            seconds, rss = (b[1] if clitest.ASAN else b[0] for b in bounds)
            res = clitest.run("check", "--diagnostics=json", path, kill_after=3 * seconds)
            clitest.check_bounds(res, f"{name} (json)", seconds, rss)
            diags = check_json(name, path, res, rc, code, line, col)
            text = clitest.run("check", path, kill_after=3 * seconds)
            clitest.check_bounds(text, f"{name} (text)", seconds, rss)
            check_text(name, path, text, rc, code, line, col)
            extra_checks(name, path, text, diags)
        finally:
            if name == "no-permission":
                os.chmod(path, 0o600)
    print(f"ok: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
