"""Every template of every example and test spec passes cfn-lint 1.51 with no
finding at all: errors, warnings and informational ones (-c I), in one run
over all of them."""
import os
import subprocess
import sys
import tempfile

import cfntest
from cfntest import crrctest


def main():
    lint = crrctest.require_tool("cfn-lint")
    files = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec, _ in cfntest.specs():
            out = os.path.join(tmp, cfntest.stem(spec))
            cfntest.compile_spec(spec, out)
            names = sorted(n for n in os.listdir(out) if n.endswith(".template.json"))
            assert names, f"{spec}: no template"
            files += [os.path.join(out, n) for n in names]
        p = subprocess.run([lint, "-c", "I", "--non-zero-exit-code", "informational",
                            "-f", "parseable", "--", *files], capture_output=True, text=True)
        findings = (p.stdout + p.stderr).strip()
        if p.returncode != 0 or findings:
            print(f"cfn-lint exited {p.returncode}:\n{findings}", file=sys.stderr)
            return 1
    print(f"cfn-lint: {len(files)} templates, no finding")
    return 0


if __name__ == "__main__":
    sys.exit(main())
