"""crrctest: what the Python tests share: finding crrc and the real tools,
skipping (exit 77, meson's code for a skip) when a tool is missing, or
failing instead when CI is set, so CI never passes by skipping; and a
moto_server on a free loopback port (motoserver.py)."""
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
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
def moto_server(patched=False):
    """Start moto_server on a free loopback port; yield its base URL. (The
    fixture itself, with request counts, is motoserver.Moto.)"""
    import motoserver
    with motoserver.Moto(patched=patched, record=False) as moto:
        yield moto.url


def moto_state(url):
    with urllib.request.urlopen(url + "/moto-api/data.json", timeout=10) as r:
        return json.load(r)
