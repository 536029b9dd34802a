"""clitest: running crrc as a user would, timed and in bounded memory.

run() starts crrc with its output in files, waits with os.wait4 to get the
child's own peak memory (ru_maxrss), kills it when it outlives a deadline,
and, unless crrc is built with AddressSanitizer (which reserves terabytes of
address space up front), caps its address space with RLIMIT_AS as well."""
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ.get("CRRC_SOURCE_ROOT", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")), "tests", "lib"))
import crrctest  # noqa: E402

CRRC = crrctest.CRRC
ROOT = crrctest.ROOT

MAX_SECONDS = 5.0     # "within a second", with a margin for the sanitizer build
MAX_RSS = 200 << 20   # bytes of peak resident memory
ADDRESS_SPACE = 1 << 30
KILL_AFTER = 15.0     # a hang (thrice the bound) is killed, and fails the test


def _sanitized():
    try:
        with open(CRRC, "rb") as f:
            data = f.read()
    except OSError:
        return False
    return b"__asan_init" in data or b"AddressSanitizer" in data


ASAN = _sanitized()


class Result:
    def __init__(self, rc, out, err, seconds, rss, cpu=None):
        self.rc, self.out, self.err = rc, out, err
        self.seconds, self.rss = seconds, rss
        self.cpu = seconds if cpu is None else cpu  # user + system time

    @property
    def stdout(self):
        return self.out.decode("utf-8", "replace")

    @property
    def stderr(self):
        return self.err.decode("utf-8", "replace")

    def __repr__(self):
        return (f"exit {self.rc} in {self.seconds:.3f} s, {self.rss >> 20} MiB peak\n"
                f"--- stdout\n{self.stdout[:2000]}\n--- stderr\n{self.stderr[:2000]}")


def _limits():
    if not ASAN:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(*args, cwd=None, kill_after=KILL_AFTER):
    """Run crrc with args; return a Result with exit status, output, wall
    time and peak resident memory. A crash or a hang raises."""
    if not os.path.exists(CRRC):
        crrctest.missing(f"the crrc binary at {CRRC}")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        p = subprocess.Popen([CRRC, *args], stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                             cwd=cwd, preexec_fn=_limits)
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > kill_after:
                os.kill(p.pid, signal.SIGKILL)
                os.wait4(p.pid, 0)
                raise AssertionError(f"crrc {' '.join(args)} hung: killed after {kill_after} s")
            time.sleep(0.002)
        seconds = time.monotonic() - start
        p.returncode = 0  # reaped here; keep Popen from waiting again
        out.seek(0)
        err.seek(0)
        res = Result(os.waitstatus_to_exitcode(status), out.read(), err.read(), seconds,
                     usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime)
    if res.rc < 0:
        raise AssertionError(f"crrc {' '.join(args)} died of signal {-res.rc}\n{res!r}")
    if res.rc not in (0, 1, 2, 3):  # 3: compile --check found the output stale
        raise AssertionError(f"crrc {' '.join(args)}: exit status outside 0-3\n{res!r}")
    if b"runtime error:" in res.err or b"Sanitizer" in res.err:
        raise AssertionError(f"crrc {' '.join(args)}: sanitizer report\n{res!r}")
    return res


def check_bounds(res, what, max_seconds=MAX_SECONDS, max_rss=MAX_RSS):
    """Assert and print time and memory. The time bound is on CPU time (user
    and system), which a loaded machine does not stretch as it stretches wall
    time; a hang is caught by run()'s kill on wall time. AddressSanitizer's
    shadow memory and quarantine double a process's resident size: its build
    gets twice the memory bound."""
    if ASAN and max_rss == MAX_RSS:
        max_rss = 2 * MAX_RSS
    print(f"{what}: exit {res.rc}, {res.cpu:.3f} s CPU ({res.seconds:.3f} s wall), "
          f"{res.rss / (1 << 20):.1f} MiB peak{' (AddressSanitizer build)' if ASAN else ''}")
    assert res.cpu < max_seconds, f"{what}: took {res.cpu:.2f} s of CPU\n{res!r}"
    assert res.rss < max_rss, f"{what}: peak memory {res.rss >> 20} MiB\n{res!r}"


class Failures:
    """Collects failed checks so that one run reports all of them."""

    def __init__(self):
        self.failed = []

    def check(self, name, fn, *args):
        try:
            fn(*args)
            print(f"ok   {name}")
        except AssertionError as e:
            self.failed.append(name)
            print(f"FAIL {name}: {e}")

    def exit(self):
        if self.failed:
            print(f"{len(self.failed)} failed: {', '.join(self.failed)}")
            sys.exit(1)
        sys.exit(0)
