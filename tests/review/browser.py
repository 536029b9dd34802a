"""browser: a real browser and Mermaid for the tests of `crrc graph
--format=mermaid`, installed by the test set-up when missing: Debian's
chromium with apt-get (when running as root), the mermaid package from npm
into the build directory (as tests/cli/test_sarif.py installs its
validator). Without them a test skips, saying why, or fails when CI is
set: CI never passes by skipping."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.environ.get("CRRC_SOURCE_ROOT", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")), "tests", "lib"))
import crrctest  # noqa: E402

MERMAID = "mermaid@11.4.1"


def missing(what):
    if os.environ.get("CI"):
        raise SystemExit(f"FAIL: {what} (CI is set: Mermaid must render in a browser)")
    print(f"SKIP: {what}")
    raise SystemExit(crrctest.SKIP)


def chromium():
    """Debian's chromium, installed with apt-get when missing and root."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        missing("chromium is not installed, and only root can install it (apt-get install "
                "chromium)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for args in (["apt-get", "update", "-q"],
                 ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"]):
        res = subprocess.run(args, capture_output=True, text=True, env=env, timeout=1200)
        if res.returncode != 0:
            missing(f"{' '.join(args)} failed: {res.stderr[-500:]}")
    path = shutil.which("chromium")
    if not path:
        missing("apt-get installed chromium, but it is not on the PATH")
    return path


def mermaid_js():
    """mermaid.min.js of the npm package, installed into the build directory."""
    prefix = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(crrctest.CRRC))),
                          "npm-mermaid")
    js = os.path.join(prefix, "node_modules", "mermaid", "dist", "mermaid.min.js")
    if not os.path.exists(js):
        if not shutil.which("npm"):
            missing("npm is not installed: cannot install the mermaid package")
        res = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts",
                              "--prefix", prefix, MERMAID], capture_output=True, text=True,
                             timeout=900)
        if res.returncode != 0 or not os.path.exists(js):
            missing(f"npm could not install {MERMAID}: {res.stderr[-500:]}")
    return js


if __name__ == "__main__":
    print(chromium())
    print(mermaid_js())
