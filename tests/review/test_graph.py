#!/usr/bin/env python3
"""crrc graph as a reviewer uses it: for every example and for specs made
to hurt (labels with quotes, backslashes, newlines, <, >, |, {, }, #, ;,
&amp;, backquotes, Unicode and a bidirectional override; warnings;
disabled rules; two-way pairs; residency; access points with active and
passive members), the DOT parses with Graphviz
(`dot -Tcanon`), the SVG drawn by crrc's in-process Graphviz is well-formed
XML, names every bucket and shows each hostile label exactly as typed (with
invisible characters made visible), and every format is deterministic and
the same through --out as on standard output. Usage errors exit 2, a spec
with errors exits 1 and draws nothing, an --out that cannot be written is
E092 and exit 2."""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.environ.get("CRRC_SOURCE_ROOT", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")), "tests", "cli"))
import clitest  # noqa: E402
from clitest import run  # noqa: E402
import crrctest  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"

# A rule id, a prefix and a tag that a user can type, and what a reviewer
# must read in the picture: the same text, the newline and the bidi
# override made visible.
HOSTILE_ID = 'r"1<b>|{x}#y;%%'
HOSTILE_PREFIX_YAML = r'"a\"b\\c\n<x>|{y}#z;&amp;é\u202e`end`"'
HOSTILE_PREFIX_SHOWN = 'a"b\\c\\u000A<x>|{y}#z;&amp;é\\u202E`end`'
HOSTILE = f"""crrc: 1
name: hostile
buckets:
  src: {{region: us-east-1}}
  dst: {{region: us-west-2}}
  same: {{region: us-east-1}}
  back: {{region: eu-west-1}}
replication:
  - source: src
    rules:
      - id: '{HOSTILE_ID}'
        destination: dst
        filter:
          prefix: {HOSTILE_PREFIX_YAML}
          tags: {{"k@é": "v:=+/ ✓"}}
      - id: off
        enabled: false
        destination: same
      - id: srr
        destination: same
        filter: {{prefix: logs/}}
      - id: to-back
        destination: back
        filter: {{prefix: customers/eu/x/}}
        replica_modifications: true
  - source: back
    rules:
      - id: from-back
        destination: src
        filter: {{prefix: uploads/}}
        replica_modifications: true
policies:
  residency:
    - prefix: customers/eu/
      regions: [eu-west-1]
"""

# Two active buckets and a passive one behind a point named apart from its
# key, and a second point with the default name.
POINTS = """crrc: 1
name: pts
buckets:
  a: {region: us-east-1}
  b: {region: us-west-2}
  c: {region: eu-west-1}
replication:
  - source: a
    rules:
      - {id: a-b, destination: b, replica_modifications: true}
      - {id: a-c, destination: c}
  - source: b
    rules:
      - {id: b-a, destination: a, replica_modifications: true}
      - {id: b-c, destination: c}
access_points:
  web:
    name: pts-front
    buckets: [a, b, c]
    passive: [c]
  api:
    buckets: [b, a]
"""


def write(d, name, text):
    path = os.path.join(d, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def graph(spec, fmt, *more):
    res = run("graph", spec, f"--format={fmt}", *more)
    assert res.rc == 0, res
    return res.out


def svg_texts(data):
    root = ET.fromstring(data)
    assert root.tag == SVG + "svg", root.tag
    return [t.text or "" for t in root.iter(SVG + "text")]


def dot_parses(data):
    dot = crrctest.require_tool("dot")
    res = subprocess.run([dot, "-Tcanon"], input=data, capture_output=True, timeout=60)
    assert res.returncode == 0 and res.stderr == b"", res.stderr.decode()
    return res.stdout.decode()


def check_spec(path, buckets):
    """Every format of one spec: parses, names every bucket, is stable."""
    dot = graph(path, "dot")
    dot_parses(dot)
    assert graph(path, "dot") == dot, "dot output differs between two runs"
    svg = graph(path, "svg")
    assert graph(path, "svg") == svg, "svg output differs between two runs"
    texts = svg_texts(svg)
    for key, name in buckets:
        assert key in texts and name in texts, f"the SVG does not name {key} ({name}): {texts}"
    mmd = graph(path, "mermaid")
    assert mmd.startswith(b"%%") and b"\nflowchart LR\n" in mmd, mmd[:200]
    assert graph(path, "mermaid") == mmd
    with tempfile.TemporaryDirectory() as d:
        for fmt, want in (("dot", dot), ("svg", svg), ("mermaid", mmd)):
            out = os.path.join(d, "g." + fmt)
            res = run("graph", path, "--format", fmt, "--out", out)
            assert res.rc == 0 and res.out == b"", res
            with open(out, "rb") as f:
                assert f.read() == want, f"--out {fmt} differs from standard output"
            assert os.listdir(d).count("g." + fmt) == 1 and len(os.listdir(d)) <= 3
    return dot, texts


def buckets_of(path):
    model = run("model", path)
    assert model.rc == 0, model
    import json
    return [(b["key"], b["name"]) for b in json.loads(model.out)["buckets"]]


def test_examples():
    for path in crrctest.examples():
        check_spec(path, buckets_of(path))


def test_generated():
    """A spec of 40 buckets in 8 regions (bench/gen.py): Graphviz 2.43's dot
    frees what it did not allocate when its layout of such a graph is freed;
    crrc must draw it all the same."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "gen40.crr.yaml")
        with open(path, "wb") as f:
            subprocess.run([sys.executable, os.path.join(crrctest.ROOT, "bench", "gen.py"), "40"],
                           stdout=f, check=True)
        check_spec(path, buckets_of(path))


def test_hostile_labels():
    with tempfile.TemporaryDirectory() as d:
        path = write(d, "hostile.crr.yaml", HOSTILE)
        dot, texts = check_spec(path, buckets_of(path))
        assert HOSTILE_ID in texts, texts
        filt = [t for t in texts if t.startswith("filter: a")]
        assert filt == [f"filter: {HOSTILE_PREFIX_SHOWN} + tag k@é=v:=+/ ✓"], filt
        canon = dot_parses(dot.encode() if isinstance(dot, str) else dot)
        assert "\u202e" not in canon and "\u202e" not in "".join(texts)
        # the marks: a disabled rule dashed, a same-region pair warned, the
        # two-way pair and the resident prefix highlighted
        lines = dot.decode().split("\n")
        off = [x for x in lines if '[label="off (disabled)' in x]
        assert len(off) == 1 and "style=dashed" in off[0], off
        srr = [x for x in lines if '[label="srr' in x]
        assert len(srr) == 1 and "⚠ W004 same-region" in srr[0] and "#e65100" in srr[0], srr
        back = [x for x in lines if '[label="to-back' in x or '[label="from-back' in x]
        assert len(back) == 2 and all("two-way" in x for x in back), back
        assert "residency: customers/eu/" in back[0] and "#2e7d32" in back[0], back[0]
        assert "residency: customers/eu/" not in back[1], back[1]
        assert "⚠ W002 chain" in back[1], back[1]
        mmd = graph(path, "mermaid").decode()
        assert "\u202e" not in mmd and '"' not in mmd.split("|")[1].strip('"'), mmd
        for bad in ("<x>", "%%\n", "{x}", "`end`"):
            assert bad not in mmd.split("flowchart LR", 1)[1], (bad, mmd)


def test_access_points():
    """A node per point (a blue hexagon, its key, name and kind), an edge to
    each member: solid and "active", or dashed and "passive"."""
    with tempfile.TemporaryDirectory() as d:
        path = write(d, "points.crr.yaml", POINTS)
        dot, texts = check_spec(path, buckets_of(path))
        lines = dot.decode().split("\n")
        web = [x for x in lines if x.startswith("  p_web [")]
        assert web == ['  p_web [label="web\\npts-front\\nMulti-Region Access Point", '
                       'shape=hexagon, style=filled, color="#1565c0", fillcolor="#e3f2fd", '
                       'penwidth=2];'], web
        api = [x for x in lines if x.startswith("  p_api [")]
        assert len(api) == 1 and '"api\\npts-api\\nMulti-Region' in api[0], api
        edges = [x.split(" [")[0].strip() + (" dashed" if "dashed" in x else "")
                 for x in lines if x.startswith("  p_") and " -> " in x]
        assert edges == ["p_web -> b_a", "p_web -> b_b", "p_web -> b_c dashed",
                         "p_api -> b_b", "p_api -> b_a"], edges
        assert [x for x in lines if 'label="passive"' in x] == \
            [x for x in lines if x.startswith("  p_web -> b_c ")], lines
        assert texts.count("active") == 4 and texts.count("passive") == 1, texts
        assert "pts-front" in texts and texts.count("Multi-Region Access Point") == 2, texts
        mmd = graph(path, "mermaid").decode()
        for want in ('  p_web{{"web<br>pts-front<br>Multi-Region Access Point"}}\n',
                     '  p_web -->|"active"| b_a\n', '  p_web -.->|"passive"| b_c\n',
                     '  p_api -->|"active"| b_a\n', "  class p_web point\n"):
            assert want in mmd, (want, mmd)
        # the rules keep their link numbers; the points' links come after
        links = re.findall(r"^  [bp]_\S+ -\.?->", mmd, re.M)
        assert [x.split()[0] for x in links] == ["b_a"] * 2 + ["b_b"] * 2 + ["p_web"] * 3 + \
            ["p_api"] * 2, links
        assert "  linkStyle 8 stroke:#1565c0,color:#1565c0\n" in mmd, mmd


def test_errors():
    with tempfile.TemporaryDirectory() as d:
        bad = write(d, "bad.crr.yaml", "crrc: 1\nname: x\nbuckets:\n  a: {region: us-east-9}\n")
        res = run("graph", bad)
        assert res.rc == 1 and res.out == b"" and b"E034" in res.err, res
        good = os.path.join(crrctest.EXAMPLES, "streamvision.crr.yaml")
        res = run("graph", good, "--format=mermiad")
        assert res.rc == 2 and b"did you mean 'mermaid'" in res.err and res.out == b"", res
        res = run("graph")
        assert res.rc == 2 and b"exactly one SPEC" in res.err, res
        res = run("graph", good, os.path.join(crrctest.EXAMPLES, "two-way.crr.yaml"))
        assert res.rc == 2, res
        res = run("graph", good, "--out", os.path.join(d, "no", "such", "dir", "g.dot"))
        assert res.rc == 2 and b"E092" in res.err and res.out == b"", res
        # standard input, named as the user asks
        with open(good, "rb") as f:
            res = subprocess.run([clitest.CRRC, "graph", "-", "--stdin-filename", "x.crr.yaml"],
                                 stdin=f, capture_output=True, timeout=60)
        assert res.returncode == 0 and res.stdout == graph(good, "dot"), res


def main():
    f = clitest.Failures()
    f.check("every example in every format", test_examples)
    f.check("a generated spec of 40 buckets", test_generated)
    f.check("labels a user can type", test_hostile_labels)
    f.check("usage, spec and output errors", test_errors)
    f.exit()


if __name__ == "__main__":
    main()
