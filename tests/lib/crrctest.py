"""crrctest: what the Python tests share: finding crrc and the real tools,
skipping (exit 77, meson's code for a skip) when a tool is missing, or
failing instead when CI is set, so CI never passes by skipping; and a
moto_server on a free loopback port."""
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

SKIP = 77
ROOT = os.environ.get("CRRC_SOURCE_ROOT",
                      os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CRRC = os.environ.get("CRRC", os.path.join(ROOT, "build", "compiler", "crrc"))
EXAMPLES = os.path.join(ROOT, "examples")


def missing(what):
    """A tool the test needs is not here: skip, or fail under CI."""
    if os.environ.get("CI"):
        print(f"FAIL: {what} is missing, and CI is set: CI never passes by skipping",
              file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: {what} is missing", file=sys.stderr)
    sys.exit(SKIP)


def require_tool(name):
    path = shutil.which(name)
    if not path:
        missing(f"the tool '{name}'")
    return path


def examples():
    return sorted(os.path.join(EXAMPLES, f) for f in os.listdir(EXAMPLES)
                  if f.endswith(".crr.yaml"))


def run_crrc(*args, check=True):
    p = subprocess.run([CRRC, *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"crrc {' '.join(args)} exited {p.returncode}:\n{p.stderr}")
    return p


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def moto_server():
    """Start moto_server on a free loopback port; yield its base URL."""
    exe = require_tool("moto_server")
    port = free_port()
    log = open(os.devnull, "w")
    proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/moto-api/data.json", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("moto_server did not start")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def moto_state(url):
    with urllib.request.urlopen(url + "/moto-api/data.json", timeout=10) as r:
        return json.load(r)
