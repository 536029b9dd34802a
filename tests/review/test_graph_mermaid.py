#!/usr/bin/env python3
"""crrc graph --format=mermaid in a real browser: the flowchart of every
example, of a spec with access points, and of a spec whose labels hold every character that means
something to Mermaid, HTML or Markdown is parsed and rendered by the mermaid
package from npm in Debian's headless chromium (both installed by the test
set-up when missing, see browser.py) without an error; the test then reads
the rendered SVG: its size grows with the graph, and it shows every bucket
and every rule by its label, the hostile ones exactly as typed, and every
route of an access point ("active", "passive")."""
import base64
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.environ.get("CRRC_SOURCE_ROOT", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")), "tests", "cli"))
import browser  # noqa: E402
import clitest  # noqa: E402
import crrctest  # noqa: E402
import test_graph  # noqa: E402

# Render each flowchart, then report per graph: an error, or the SVG's size
# and the text of its labels. The texts arrive base64-encoded so that no
# label can end the script.
PAGE = """<!doctype html><html><head><meta charset="utf-8">
<script src="%(js)s"></script></head><body><pre id="result">pending</pre>
<script>
const graphs = %(graphs)s;
const decode = (b) => new TextDecoder().decode(Uint8Array.from(atob(b), c => c.charCodeAt(0)));
mermaid.initialize({startOnLoad: false, securityLevel: 'strict', maxTextSize: 1000000});
(async () => {
  const out = [];
  for (let i = 0; i < graphs.length; i++) {
    const text = decode(graphs[i]);
    try {
      await mermaid.parse(text);
      const {svg} = await mermaid.render('g' + i, text);
      const div = document.createElement('div');
      div.innerHTML = svg;
      document.body.appendChild(div);
      const el = div.querySelector('svg');
      const box = el.getBoundingClientRect();
      const labels = [...el.querySelectorAll('.nodeLabel, .edgeLabel, .cluster-label')]
        .map(e => e.innerText || e.textContent);
      const vb = el.viewBox.baseVal;
      out.push({ok: true, width: vb.width, height: vb.height, shown: box.width, labels,
                error: el.textContent.includes('Syntax error') ? 'bomb' : null});
    } catch (e) {
      out.push({ok: false, error: String(e && e.message || e)});
    }
  }
  document.getElementById('result').textContent = JSON.stringify(out);
})();
</script></body></html>
"""


def render(chromium, js, texts):
    with tempfile.TemporaryDirectory(prefix="crrc-mermaid-") as d:
        page = os.path.join(d, "page.html")
        enc = [base64.b64encode(t).decode() for t in texts]
        with open(page, "w", encoding="utf-8") as f:
            f.write(PAGE % {"js": "file://" + js, "graphs": json.dumps(enc)})
        res = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                              "--disable-dev-shm-usage", f"--user-data-dir={d}/profile",
                              "--allow-file-access-from-files", "--virtual-time-budget=60000",
                              "--dump-dom", "file://" + page],
                             capture_output=True, text=True, timeout=300)
    m = re.search(r'<pre id="result">(.*?)</pre>', res.stdout, re.S)
    assert m and m.group(1) != "pending", f"chromium rendered nothing: {res.stderr[-1500:]}"
    import html
    return json.loads(html.unescape(m.group(1)))


def flat(s):
    return re.sub(r"\s+", " ", s).strip()


def main():
    chromium = browser.chromium()
    js = browser.mermaid_js()
    specs = list(crrctest.examples())
    with tempfile.TemporaryDirectory() as d:
        specs.append(test_graph.write(d, "hostile.crr.yaml", test_graph.HOSTILE))
        specs.append(test_graph.write(d, "points.crr.yaml", test_graph.POINTS))
        texts = [test_graph.graph(p, "mermaid") for p in specs]
        results = render(chromium, js, texts)
        buckets = [test_graph.buckets_of(p) for p in specs]
    f = clitest.Failures()
    sizes = {}
    for path, text, res, bks in zip(specs, texts, results, buckets):
        name = os.path.basename(path)

        def check():
            assert res["ok"] and not res["error"], f"Mermaid refused it: {res['error']}"
            labels = [flat(x) for x in res["labels"]]
            rules = len(re.findall(r"^  b_\S+ -\.?->\|", text.decode(), re.M))
            routes = re.findall(r"^  p_\S+ -\.?->\|\"(\w+)\"\|", text.decode(), re.M)
            # the picture's own size (its viewBox): at least two columns of
            # boxes, and a row per bucket of its tallest column; shown on
            # the page at a size that is not zero
            ncols = len(set(re.findall(r"subgraph (c\d+)", text.decode())))
            assert res["width"] > 150 * min(ncols, 2) and res["height"] > 60 and res["shown"] > 0, \
                (res["width"], res["height"], res["shown"])
            sizes[name] = res["width"] * res["height"]
            for key, s3 in bks:
                assert any(x.startswith(f"{key} {s3}") or x == key for x in labels), \
                    f"no label names bucket {key}: {labels}"
            edge_labels = [x for x in labels if "filter:" in x]
            assert len(edge_labels) >= rules, (rules, edge_labels)
            # each access point's route is drawn and labelled (a label may
            # be read twice: Mermaid nests an edge label's elements)
            for kind in ("active", "passive"):
                assert (kind in labels) == (kind in routes) and \
                    labels.count(kind) >= routes.count(kind), (kind, routes, labels)
            if name == "hostile.crr.yaml":
                want = f"filter: {test_graph.HOSTILE_PREFIX_SHOWN} + tag k@é=v:=+/ ✓"
                assert any(want in x for x in labels), (want, labels)
                assert any(test_graph.HOSTILE_ID in x for x in labels), labels
            print(f"     {name}: {res['width']:.0f} x {res['height']:.0f} px, "
                  f"{len(labels)} labels")
        f.check(f"Mermaid renders {name}", check)
    def grows():
        assert sizes["hostile.crr.yaml"] > 2 * sizes["crossaccount-kms.crr.yaml"], sizes
    f.check("four buckets draw a larger picture than two", grows)
    f.exit()


if __name__ == "__main__":
    main()
