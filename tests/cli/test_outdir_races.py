#!/usr/bin/env python3
"""The output directory under attack and under load, with the real crrc:
links planted at every name crrc writes (final names, the record), checked
against a victim file outside the directory; two compiles into one
directory at once, of the same spec and of two different ones; kill -9 at
many moments of a large CloudFormation compile over an older output, each
followed by a run that must succeed and match a clean run; SIGTERM and
SIGINT leaving no temporary file; the lock's bounded wait (E094).
(The temporary names themselves are random: a link planted at one is
tested in tests/unit/emit/test_outdir.c, which fixes the random source.)"""
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import CRRC, ROOT, run  # noqa: E402

GEN = os.path.join(ROOT, "bench", "gen.py")
STREAMVISION = os.path.join(ROOT, "examples", "streamvision.crr.yaml")
TWO_WAY = os.path.join(ROOT, "examples", "two-way.crr.yaml")


def tree(path):
    """{name: bytes} of the regular files under path; links and the like
    are listed as such."""
    out = {}
    for name in sorted(os.listdir(path)):
        full = os.path.join(path, name)
        if os.path.islink(full) or not os.path.isfile(full):
            out[name] = ("not a regular file", os.path.islink(full))
        else:
            with open(full, "rb") as f:
                out[name] = f.read()
    return out


def temporaries(path):
    return [n for n in os.listdir(path) if n.startswith(".crrc-tmp-") or n.endswith(".tmp~")]


def clean_output(spec, target, d, tag):
    out = os.path.join(d, f"clean-{tag}")
    shutil.rmtree(out, ignore_errors=True)
    res = run("compile", spec, "--target", target, "--out", out)
    assert res.rc == 0, res
    return tree(out)


def gen_spec(d, n, name):
    text = subprocess.run([sys.executable, GEN, str(n)], check=True, capture_output=True).stdout
    path = os.path.join(d, name)
    with open(path, "wb") as f:
        f.write(text)
    return path


def victim_file(d):
    path = os.path.join(d, "victim")
    with open(path, "wb") as f:
        f.write(b"victim\n")
    return path


def assert_victim(path):
    with open(path, "rb") as f:
        assert f.read() == b"victim\n", "the victim file was written"


def test_links_at_final_names(d):
    # A link at each name crrc writes, one at a time: refused (E091), the
    # victim untouched, the link still a link, nothing else changed.
    victim = victim_file(d)
    for target, spec in (("terraform", STREAMVISION), ("cloudformation", TWO_WAY)):
        names = sorted(clean_output(spec, target, d, target)) + [".crrc-files"]
        for name in names:
            out = os.path.join(d, f"links-{target}")
            shutil.rmtree(out, ignore_errors=True)
            assert run("compile", spec, "--target", target, "--out", out).rc == 0
            os.unlink(os.path.join(out, name))
            os.symlink(victim, os.path.join(out, name))
            res = run("compile", spec, "--target", target, "--out", out)
            assert_victim(victim)
            assert os.path.islink(os.path.join(out, name)) or name == ".crrc-files", name
            if name != ".crrc-files":
                assert res.rc == 2 and "error[E091]" in res.stderr, (name, res)
                assert "symbolic link" in res.stderr, (name, res)
            assert temporaries(out) == [], (name, temporaries(out))


def start(spec, target, out, env=None):
    return subprocess.Popen([CRRC, "compile", spec, "--target", target, "--out", out],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=env)


def test_concurrent_same_spec(d):
    # Two runs of one spec into one directory at once: both succeed, and
    # the tree is a single run's, byte for byte.
    spec = gen_spec(d, 400, "same.crr.yaml")
    want = clean_output(spec, "cloudformation", d, "same")
    for i in range(6):
        out = os.path.join(d, f"same-{i}")
        ps = [start(spec, "cloudformation", out) for _ in range(2)]
        for p in ps:
            o, e = p.communicate(timeout=120)
            assert p.returncode == 0, (p.returncode, e.decode())
            assert b"Sanitizer" not in e and b"runtime error" not in e, e.decode()
        assert tree(out) == want, f"run {i}: the tree is not a single run's"
        assert temporaries(out) == []


def test_concurrent_different_specs(d):
    # Two different specs at once: both succeed, one after the other (the
    # lock); the tree is wholly the one that published last, and its record
    # lists exactly its files.
    a, b = gen_spec(d, 300, "a.crr.yaml"), gen_spec(d, 260, "b.crr.yaml")
    want = {"a": clean_output(a, "cloudformation", d, "a"),
            "b": clean_output(b, "cloudformation", d, "b")}
    for i in range(6):
        out = os.path.join(d, f"diff-{i}")
        first, second = (a, b) if i % 2 == 0 else (b, a)
        pa = start(first, "cloudformation", out)
        pb = start(second, "cloudformation", out)
        results = []
        for p in (pa, pb):
            o, e = p.communicate(timeout=120)
            assert p.returncode == 0, (p.returncode, e.decode())
            results.append((o.decode(), e.decode()))
        got = tree(out)
        assert got in (want["a"], want["b"]), f"run {i}: a tree spliced from both specs"
        with open(os.path.join(out, ".crrc-files")) as f:
            listed = sorted(f.read().split())
        assert listed == sorted(n for n in got if n != ".crrc-files"), f"run {i}: record"
        assert temporaries(out) == []
        waited = [e for _, e in results if "waiting for another crrc compile" in e]
        assert len(waited) <= 1, results


def wait_for_temporary(out, p, limit=30.0):
    """Until a temporary file of p's shows in out (or p ends)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and p.poll() is None:
        if os.path.isdir(out) and temporaries(out):
            return True
        time.sleep(0.001)
    return False


def test_kill_at_many_moments(d):
    # kill -9 at many moments of a large compile over an older output: the
    # next run succeeds and the tree is exactly a clean run's, with no
    # temporary file and nothing refused.
    old = gen_spec(d, 1500, "old.crr.yaml")
    new = gen_spec(d, 1800, "new.crr.yaml")
    want = clean_output(new, "cloudformation", d, "new")
    out = os.path.join(d, "killed")
    t0 = time.monotonic()
    assert run("compile", new, "--target", "cloudformation", "--out", out).rc == 0
    duration = time.monotonic() - t0
    # Half the kills at moments of the run's duration, half once crrc has
    # started writing (a temporary file shows), at moments after that: a
    # loaded machine then still kills crrc while it writes and publishes.
    moments = [(False, duration * k / 12) for k in range(1, 13)]
    moments += [(True, duration * k / 24) for k in range(0, 12)]
    kills_during = left_debris = mixed = 0
    old_tree = None
    for after_first_write, at in moments:
        shutil.rmtree(out, ignore_errors=True)
        assert run("compile", old, "--target", "cloudformation", "--out", out).rc == 0
        old_tree = old_tree or tree(out)
        p = start(new, "cloudformation", out)
        if after_first_write:
            wait_for_temporary(out, p)
        time.sleep(at)
        if p.poll() is None:
            kills_during += 1
        p.kill()
        p.communicate()
        left_debris += bool(temporaries(out))
        killed = {n: v for n, v in tree(out).items() if not n.startswith(".crrc-tmp-")}
        mixed += killed not in (old_tree, want)
        res = run("compile", new, "--target", "cloudformation", "--out", out)
        assert res.rc == 0, f"after a kill at {at:.3f} s: {res!r}"
        assert tree(out) == want, f"after a kill at {at:.3f} s the tree differs from a clean run"
        assert temporaries(out) == []
    assert kills_during >= 10, f"only {kills_during} kills landed during a run"
    assert left_debris >= 1, "no kill landed while crrc was writing"
    print(f"kill -9: {len(moments)} moments over {duration:.2f} s; {kills_during} during a run, "
          f"{left_debris} left temporary files, {mixed} a half-published set; "
          "each re-run converged to the clean output")


def test_signals_leave_no_temporary(d):
    # SIGTERM or SIGINT while crrc writes: no temporary file left, the old
    # output as it was, crrc dead of the signal.
    spec = gen_spec(d, 1500, "sig.crr.yaml")
    small = gen_spec(d, 40, "small.crr.yaml")
    want = clean_output(spec, "cloudformation", d, "sig")
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        out = os.path.join(d, f"sig-{sig}")
        assert run("compile", small, "--target", "cloudformation", "--out", out).rc == 0
        before = tree(out)
        p = start(spec, "cloudformation", out)
        assert wait_for_temporary(out, p), "no temporary file showed"
        p.send_signal(sig)
        p.communicate(timeout=60)
        if p.returncode == 0:
            continue  # it finished first: nothing to look at
        assert p.returncode == -sig, p.returncode
        assert temporaries(out) == [], (sig, temporaries(out))
        # caught while rendering: the old set; while publishing: the signal
        # waits for the end of the publish, and the new set is whole
        assert tree(out) in (before, want), f"{sig}: neither the old output nor the new"


def test_lock_wait(d):
    # Another process holds the directory's lock: crrc waits (saying so),
    # gives up after CRRC_LOCK_WAIT seconds with E094 and exit 2; when the
    # lock goes during the wait, it proceeds.
    out = os.path.join(d, "locked")
    os.mkdir(out)
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    env = dict(os.environ, CRRC_LOCK_WAIT="0.5")
    try:
        p = start(STREAMVISION, "terraform", out, env)
        o, e = p.communicate(timeout=30)
        e = e.decode()
        assert p.returncode == 2, (p.returncode, e)
        assert f"waiting for another crrc compile into {out}" in e, e
        assert "error[E094]" in e and os.listdir(out) == [], (e, os.listdir(out))
        env["CRRC_LOCK_WAIT"] = "30"
        p = start(STREAMVISION, "terraform", out, env)
        time.sleep(0.5)
        assert p.poll() is None, "crrc did not wait for the lock"
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    o, e = p.communicate(timeout=60)
    assert p.returncode == 0 and b"wrote" in o, (p.returncode, e.decode())
    res = run("compile", STREAMVISION, "--target", "terraform", "--out", out,
              "--diagnostics=json")
    assert res.rc == 0 and json.loads(res.err or b"[]") == [], res


def main():
    f = clitest.Failures()
    with tempfile.TemporaryDirectory(prefix="crrc-races-") as d:
        f.check("a link at each final name: refused, its target untouched",
                test_links_at_final_names, d)
        f.check("two compiles of one spec at once", test_concurrent_same_spec, d)
        f.check("two compiles of two specs at once", test_concurrent_different_specs, d)
        f.check("kill -9 at many moments, then a clean re-run", test_kill_at_many_moments, d)
        f.check("SIGTERM, SIGINT, SIGHUP leave no temporary file",
                test_signals_leave_no_temporary, d)
        f.check("the lock's bounded wait", test_lock_wait, d)
    f.exit()


if __name__ == "__main__":
    main()
