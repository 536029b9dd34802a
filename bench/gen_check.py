#!/usr/bin/env python3
"""gen_check.py: the benchmark's generator (gen.py) must write valid specs:
crrc check --werror accepts them with no diagnostic at all, the same N gives
the same bytes, and N buckets give 3 * (N // 4) rules. Run by meson (suite
'bench') with CRRC and CRRC_SOURCE_ROOT set."""
import os
import subprocess
import sys
import tempfile

ROOT = os.environ.get("CRRC_SOURCE_ROOT",
                      os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CRRC = os.environ.get("CRRC", os.path.join(ROOT, "build", "compiler", "crrc"))
GEN = os.path.join(ROOT, "bench", "gen.py")
sys.path.insert(0, os.path.join(ROOT, "bench"))
import gen  # noqa: E402  (bench/gen.py)


def gen_process(n, seed):
    """gen.py N as bench/run runs it: a process of its own, here with a
    given hash seed, so that determinism across processes is tested."""
    env = dict(os.environ, PYTHONHASHSEED=str(seed))
    return subprocess.run([sys.executable, GEN, str(n)], check=True, env=env,
                          capture_output=True).stdout


def main():
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        # 50 is the size the brief names; 1 and 7 are the edges (no group of
        # four complete, a partial last group).
        for n in (50, 1, 7):
            text = gen.generate(n).encode()
            if n == 50 and (gen_process(n, 1) != text or gen_process(n, 2) != text):
                failures.append(f"gen.py {n} is not deterministic")
            buckets = text.count(b"\n    region: ")
            rules = text.count(b"\n      - id: ")
            if (buckets, rules) != (n, 3 * (n // 4)):
                failures.append(f"gen.py {n}: {buckets} buckets and {rules} rules, "
                                f"expected {n} and {3 * (n // 4)}")
            path = os.path.join(tmp, f"bench-{n}.crr.yaml")
            with open(path, "wb") as f:
                f.write(text)
            p = subprocess.run([CRRC, "check", "--werror", path],
                               capture_output=True, text=True)
            if p.returncode != 0 or p.stderr.strip():
                failures.append(f"crrc check --werror on gen.py {n} exited "
                                f"{p.returncode}:\n{p.stdout}{p.stderr}")
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    if not failures:
        print("ok: gen.py 50, 1 and 7 pass crrc check --werror")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
