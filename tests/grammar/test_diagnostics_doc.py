"""grammar/diagnostics.md documents every code of compiler/diag/codes.def, in
order, headed "## CODE slug", each with a meaning, an example and a fix. Every
```yaml example is a complete spec: crrc check must report the section's code
for it (and, for a warning, no error). A section whose example cannot be a
YAML text (an unreadable file, bytes that are not UTF-8...) says so with the
line <!-- example: none --> and describes it in prose instead. A section
whose code only a back end reports says <!-- example: compile --target T -->:
its example is then compiled for that target instead of checked."""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["CRRC_SOURCE_ROOT"], "tests", "lib"))
import crrctest  # noqa: E402

CODES_DEF = os.path.join(crrctest.ROOT, "compiler", "diag", "codes.def")
DOC = os.path.join(crrctest.ROOT, "grammar", "diagnostics.md")
NONE_MARK = "<!-- example: none -->"
MARK = re.compile(r"^<!-- example: (.*?) -->$", re.M)
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def read_codes():
    """[(code, severity, slug)] in the order of codes.def."""
    with open(CODES_DEF, encoding="utf-8") as f:
        text = f.read()
    rows = re.findall(r'^X\((\w+),\s*(\w+),\s*"([^"]+)"', text, re.M)
    if len(rows) < 10:
        raise SystemExit(f"FAIL: could not read the codes from {CODES_DEF}")
    return rows


def read_sections():
    """[(code, slug, body)] in the order of the document."""
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    parts = re.split(r"^## ", text, flags=re.M)
    sections = []
    for part in parts[1:]:
        head, _, body = part.partition("\n")
        m = re.fullmatch(r"([EW]\d{3}) ([a-z0-9-]+)", head.strip())
        if not m:
            fail(f"a section heading is not 'CODE slug': '## {head}'")
            continue
        sections.append((m.group(1), m.group(2), body))
    return sections


def yaml_blocks(body):
    return re.findall(r"^```yaml\n(.*?)^```$", body, re.M | re.S)


def check_structure(codes, sections):
    want = [(c, slug) for c, _, slug in codes]
    have = [(c, slug) for c, slug, _ in sections]
    for c, slug in want:
        if (c, slug) not in have:
            fail(f"{c} {slug} (codes.def) has no section in diagnostics.md")
    for c, slug in have:
        if (c, slug) not in want:
            fail(f"section '## {c} {slug}' is not a code in codes.def")
    if len(set(have)) != len(have):
        fail("diagnostics.md has a section twice")
    common = [x for x in have if x in want]
    if common != [x for x in want if x in have]:
        fail("the sections of diagnostics.md are not in the order of codes.def")
    for c, slug, body in sections:
        blocks = yaml_blocks(body)
        none = NONE_MARK in body
        for mark in MARK.findall(body):
            if mark != "none" and not re.fullmatch(r"compile --target [a-z]+", mark):
                fail(f"{c}: unknown marker '<!-- example: {mark} -->'")
        if none and blocks:
            fail(f"{c}: marked '{NONE_MARK}' but holds a yaml example")
        if not none and len(blocks) != 1:
            fail(f"{c}: expected exactly one ```yaml example, found {len(blocks)}")
        if not re.search(r"^\*\*Fix\*\*", body, re.M):
            fail(f"{c}: no **Fix** paragraph")
        if len(body.strip().split("\n")) < 3:
            fail(f"{c}: the section says too little")


def run_example(code, severity, spec, tmp, compile_args=None):
    path = os.path.join(tmp, f"{code}.crr.yaml")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(spec)
    if compile_args:
        # compile prints its diagnostics on stderr, its file list on stdout
        cmd = [crrctest.CRRC, "compile", "--diagnostics=json", *compile_args,
               "--out", os.path.join(tmp, f"{code}.out"), path]
    else:
        cmd = [crrctest.CRRC, "check", "--diagnostics=json", path]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        fail(f"{code}: {' '.join(cmd[1:2])} did not finish within 20 s")
        return False
    if p.returncode not in (0, 1):
        fail(f"{code}: crrc exited {p.returncode}: {p.stderr.strip()[:300]}")
        return False
    try:
        diags = json.loads(p.stderr if compile_args else p.stdout)
    except ValueError:
        fail(f"{code}: --diagnostics=json printed no JSON: {(p.stdout + p.stderr)[:200]!r}")
        return False
    if not isinstance(diags, list):
        fail(f"{code}: the JSON diagnostics are not an array")
        return False
    for d in diags:
        missing = [k for k in ("code", "line", "column", "severity", "message") if k not in d]
        if missing:
            fail(f"{code}: a diagnostic lacks {missing}: {d}")
            return False
    got = [d["code"] for d in diags]
    if code not in got:
        fail(f"{code}: the documented example does not report {code}; it reports {got}")
        return False
    errors = [d["code"] for d in diags if d["severity"] == "error"]
    if severity == "WARNING" and (errors or p.returncode != 0):
        fail(f"{code}: the warning's example also has errors {errors} (exit {p.returncode})")
        return False
    if severity == "ERROR" and p.returncode != 1:
        fail(f"{code}: an error was reported but crrc exited {p.returncode}")
        return False
    ours = [d for d in diags if d["code"] == code]
    if any(not isinstance(d["line"], int) or d["line"] < 1 for d in ours) and code != "E008":
        fail(f"{code}: reported without a line: {ours}")
        return False
    print(f"ok: {code} fires ({', '.join(got)})")
    return True


def main():
    codes = read_codes()
    sections = read_sections()
    check_structure(codes, sections)
    severity = {c: sev for c, sev, _ in codes}
    if not os.access(crrctest.CRRC, os.X_OK):
        crrctest.missing(f"the crrc binary ({crrctest.CRRC})")
    silent = []
    with tempfile.TemporaryDirectory() as tmp:
        for c, _, body in sections:
            blocks = yaml_blocks(body)
            m = re.search(r"^<!-- example: compile (--target [a-z]+) -->$", body, re.M)
            args = m.group(1).split() if m else None
            if c in severity and len(blocks) == 1 and NONE_MARK not in body:
                if not run_example(c, severity[c], blocks[0], tmp, args):
                    silent.append(c)
    if silent:
        print(f"examples that do not report their code: {' '.join(silent)}", file=sys.stderr)


if __name__ == "__main__":
    main()
    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        sys.exit(1)
