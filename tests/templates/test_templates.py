"""The committed output under templates/ is what crrc generates from the
examples today: reviewers see the generated change next to the spec change.
That includes the graphs of the examples (templates/graph/, `crrc graph` as
DOT and as Mermaid; SVG is left out, as its layout depends on the fonts and
the Graphviz of the machine). `test_templates.py --update` (or
tests/update-templates) regenerates it."""
import filecmp
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ.get("CRRC_SOURCE_ROOT", "."), "tests", "lib"))
import crrctest  # noqa: E402

TARGETS = ("terraform", "cloudformation")
GRAPHS = (("dot", "dot"), ("mermaid", "mmd"))


def compile_into(stem, target, out):
    # The spec path is written into the headers: give it as users do, from the root.
    return subprocess.run([crrctest.CRRC, "compile", f"examples/{stem}.crr.yaml",
                           "--target", target, "--out", out],
                          cwd=crrctest.ROOT, capture_output=True, text=True)


def differences(want_dir, got_dir):
    if not os.path.isdir(want_dir):
        return [f"{want_dir} is missing"]
    cmp = filecmp.dircmp(want_dir, got_dir)
    out = [f"stale: {f}" for f in cmp.diff_files]
    out += [f"missing from templates/: {f}" for f in cmp.right_only]
    out += [f"no longer generated: {f}" for f in cmp.left_only]
    # dircmp compares shallowly by stat: compare the bytes of common files
    for f in cmp.same_files:
        if not filecmp.cmp(os.path.join(want_dir, f), os.path.join(got_dir, f), shallow=False):
            out.append(f"stale: {f}")
    return out


def graph_of(stem, fmt):
    return subprocess.run([crrctest.CRRC, "graph", f"examples/{stem}.crr.yaml", "--format", fmt],
                          cwd=crrctest.ROOT, capture_output=True)


def graphs(stems, update):
    """templates/graph/<stem>.dot and .mmd; the number of failures."""
    failures = 0
    for stem in stems:
        for fmt, ext in GRAPHS:
            want = os.path.join(crrctest.ROOT, "templates", "graph", f"{stem}.{ext}")
            p = graph_of(stem, fmt)
            if p.returncode != 0:
                print(f"FAIL graph/{stem}.{ext}: crrc exited {p.returncode}\n{p.stderr.decode()}")
                failures += 1
            elif update:
                os.makedirs(os.path.dirname(want), exist_ok=True)
                with open(want, "wb") as f:
                    f.write(p.stdout)
                print(f"graph/{stem}.{ext}: written")
            elif not os.path.exists(want) or open(want, "rb").read() != p.stdout:
                print(f"FAIL graph/{stem}.{ext}: stale or missing\n"
                      f"  regenerate with: tests/update-templates")
                failures += 1
            else:
                print(f"ok graph/{stem}.{ext}")
    return failures


def main():
    update = "--update" in sys.argv
    stems = [os.path.basename(p)[:-len(".crr.yaml")] for p in crrctest.examples()]
    failures = graphs(stems, update)
    for target in TARGETS:
        for stem in stems:
            want = os.path.join(crrctest.ROOT, "templates", target, stem)
            if update:
                p = compile_into(stem, target, want)
                print(f"{target}/{stem}: exit {p.returncode}")
                sys.stdout.write(p.stdout)
                failures += p.returncode != 0
                continue
            with tempfile.TemporaryDirectory() as tmp:
                p = compile_into(stem, target, tmp)
                if p.returncode != 0:
                    print(f"FAIL {target}/{stem}: crrc exited {p.returncode}\n{p.stderr}")
                    failures += 1
                    continue
                diff = differences(want, tmp)
                for d in diff:
                    print(f"FAIL {target}/{stem}: {d}")
                if diff:
                    print(f"  regenerate with: tests/update-templates")
                    failures += 1
                else:
                    print(f"ok {target}/{stem}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
