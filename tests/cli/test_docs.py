#!/usr/bin/env python3
"""The manual page and the bash completion, as a user meets them: the man
page renders with groff without a warning and names every command and
option of compiler/cli/ (read from main.c's command table and options.c's
option table, so neither drifts); the completion, sourced into a real bash,
completes commands, options, targets, formats, codes and *.crr.yaml files."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import CRRC, ROOT  # noqa: E402

MAN = os.path.join(ROOT, "doc", "crrc.1")
COMPLETION = os.path.join(ROOT, "doc", "crrc.bash")


def source(name):
    with open(os.path.join(ROOT, "compiler", "cli", name), encoding="utf-8") as f:
        return f.read()


def commands():
    return re.findall(r'^\t\{"(\w+)", "crrc ', source("main.c"), re.M)


def codes():
    with open(os.path.join(ROOT, "compiler", "diag", "codes.def"), encoding="utf-8") as f:
        return re.findall(r"^X\((\w+),", f.read(), re.M)


def options():
    return sorted(set(re.findall(r'\{"(-[-\w]+)", F_', source("options.c"))))


def test_man():
    if not shutil.which("groff"):
        if os.environ.get("CI"):
            raise AssertionError("CI: groff is needed to check the manual page")
        print("test_man: skipped: groff is not installed")
        return
    res = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", MAN], capture_output=True,
                         text=True)
    assert res.returncode == 0 and res.stderr == "", res.stderr
    text = subprocess.run(["groff", "-man", "-Tascii", "-P-c", "-P-b", "-P-u", MAN],
                          capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", " ", text).replace("- ", "-")
    cmds, opts = commands(), options()
    assert len(cmds) >= 4 and len(opts) >= 7, (cmds, opts)
    for c in cmds + ["help"]:
        assert f"crrc {c}" in flat, f"the man page does not show crrc {c}"
    for o in opts:
        assert o in flat, f"the man page does not name {o}"
    for status in ("0", "1", "2", "3"):
        assert re.search(rf"\b{status}\b", flat.split("EXIT STATUS", 1)[1]), status


def complete(words, cwd):
    """COMPREPLY of the completion for the command line words (the last
    one being completed), in a real bash."""
    line = " ".join(f"'{w}'" for w in words)
    script = (f'source "{COMPLETION}"; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; '
              f'PATH="{os.path.dirname(CRRC)}:$PATH"; _crrc; printf "%s\\n" "${{COMPREPLY[@]}}"')
    res = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=cwd)
    assert res.returncode == 0, res.stderr
    return sorted(x for x in res.stdout.split("\n") if x)


def test_completion():
    with tempfile.TemporaryDirectory(prefix="crrc-complete-") as d:
        for name in ("media.crr.yaml", "dr.crr.yaml", "notes.txt"):
            open(os.path.join(d, name), "w").close()
        os.mkdir(os.path.join(d, "specs"))
        cases = [
            (["crrc", "c"], ["check", "compile"]),
            (["crrc", "compile", "x.crr.yaml", "--target", "t"], ["terraform"]),
            (["crrc", "compile", "x.crr.yaml", "--target", ""], ["cloudformation", "terraform"]),
            (["crrc", "check", "--diagnostics", "s"], ["sarif"]),
            (["crrc", "check", "--w"], ["--werror"]),
            (["crrc", "compile", "x", "--c"], ["--check"]),
            (["crrc", "check", ""], ["dr.crr.yaml", "media.crr.yaml", "specs/"]),
            (["crrc", "explain", "e02"], sorted(c for c in codes() if c.startswith("E02"))),
            (["crrc", "check", "--ignore", "w00"], sorted(c for c in codes()
                                                          if c.startswith("W00"))),
            (["crrc", "help", "m"], ["model"]),
            (["crrc", "graph", "x.crr.yaml", "--format", ""], ["dot", "mermaid", "svg"]),
            (["crrc", "graph", "x", "--f"], ["--format"]),
            (["crrc", "diff", "a", "b", "--format", "m"], ["markdown"]),
        ]
        for words, want in cases:
            got = complete(words, d)
            assert got == want, f"{' '.join(words)}: {got}, not {want}"
        for cmd in commands():
            assert complete(["crrc", cmd[:2]], d), cmd
        flags = set()
        for cmd in commands():
            flags |= set(complete(["crrc", cmd, "x", "--"], d))
        missing = [o for o in options() if o.startswith("--") and o not in flags]
        assert missing == [], f"the completion does not offer {missing}"


def main():
    f = clitest.Failures()
    f.check("the man page renders and is complete", test_man)
    f.check("bash completion", test_completion)
    f.exit()


if __name__ == "__main__":
    main()
