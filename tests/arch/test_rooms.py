"""test_rooms: the architecture of compiler/, enforced.

1. The include rule. Every #include of a crrc header names its room
   ("model/model.h"), and a room includes only the rooms below it (ALLOWED);
   the two targets never include each other; a header a room keeps to itself
   (anything not in PUBLIC) is included only from its own folder.
2. No call cycle between files: from the symbols each object file of libcrrc
   defines and uses (nm), the graph of "file A calls into file B" has no
   cycle. A cycle means two files that can only be understood together.

compiler/README.md states the same rule in words; keep the two in step."""
import os
import re
import subprocess
import sys
import unittest

ROOT = os.environ.get("CRRC_SOURCE_ROOT",
                      os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
COMPILER = os.path.join(ROOT, "compiler")
LIB = os.environ.get("CRRC_LIB")

# Which rooms a room may include, itself always allowed. Lower rooms never
# include higher ones. aws/ (the HTTP, signing and API layer of the apply
# issue) knows nothing of the model; apply/ joins the model and aws/.
# review/ (graph and diff) reads desired states, as the targets do.
ALLOWED = {
    "base": [],
    "diag": ["base"],
    "model": ["base", "diag"],
    "load": ["base", "diag", "model"],
    "check": ["base", "diag", "model"],
    "emit": ["base", "diag", "model"],
    "emit/terraform": ["base", "diag", "model", "emit"],
    "emit/cloudformation": ["base", "diag", "model", "emit"],
    "aws": ["base"],
    "apply": ["base", "diag", "model", "aws"],
    "review": ["base", "diag", "model"],
    "cli": ["base", "diag", "model", "load", "check", "emit", "emit/terraform",
            "emit/cloudformation", "aws", "apply", "review"],
}

# The headers other rooms may include; every other header is its room's own.
PUBLIC = {
    "base": None,  # all of them
    "diag": {"diag.h", "pos.h", "codes.def", "explain.h"},
    "model": {"model.h", "regions.h", "arn.h", "resolve.h", "desired.h", "iam.h",
              "s3xml.h", "model_json.h"},
    "load": {"load.h"},
    "check": {"check.h"},
    "emit": {"emit.h", "outdir.h", "owner.h", "points.h"},
    "emit/terraform": {"terraform.h"},
    "emit/cloudformation": {"cloudformation.h"},
    "aws": {"request.h", "sigv4.h", "creds.h", "endpoint.h", "http.h", "retry.h", "xml.h",
            "client.h", "api.h", "s3.h", "s3_object.h", "s3_replication.h", "s3control.h", "s3mrap.h",
            "iam.h", "sts.h", "policy.h"},
    "apply": {"apply.h", "verify.h", "failover.h"},
    "review": {"graph.h", "diff.h"},
    "cli": {"targets.h", "options.h", "outfile.h"},
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def room_of(path):
    """The room of a file or header path relative to compiler/."""
    d = os.path.dirname(path)
    return d if d in ALLOWED else None


def sources():
    for dirpath, _, names in os.walk(COMPILER):
        for n in sorted(names):
            if n.endswith((".c", ".h", ".def")):
                full = os.path.join(dirpath, n)
                yield os.path.relpath(full, COMPILER), full


def include_problems():
    out = []
    for rel, full in sources():
        room = room_of(rel)
        if room is None:
            out.append(f"{rel}: not in a room (one of {', '.join(ALLOWED)})")
            continue
        with open(full, encoding="utf-8") as f:
            text = f.read()
        for m in INCLUDE.finditer(text):
            inc = m.group(1)
            line = text.count("\n", 0, m.start()) + 1
            target = room_of(inc)
            where = f"{rel}:{line}: #include \"{inc}\""
            if target is None:
                out.append(f"{where}: name the header by its room (\"model/model.h\")")
                continue
            if not os.path.exists(os.path.join(COMPILER, inc)):
                out.append(f"{where}: no such header")
                continue
            if target != room and target not in ALLOWED[room]:
                out.append(f"{where}: room {room} may not include room {target}")
                continue
            public = PUBLIC.get(target)
            if target != room and public is not None and os.path.basename(inc) not in public:
                out.append(f"{where}: {os.path.basename(inc)} is private to {target}/")
    return out


def nm(lib, *flags):
    """{member: set of symbols} from nm over an archive."""
    res = subprocess.run(["nm", "-A", *flags, lib], capture_output=True, text=True, check=True)
    out = {}
    for line in res.stdout.splitlines():
        # libcrrc.a:arena.c.o:0000000000000000 T arena_alloc   or  ...:                 U memcpy
        head, _, rest = line.partition(": ") if ": " in line else line.rpartition(":")
        parts = line.split()
        if len(parts) < 2:
            continue
        member = line.split(":")[1]
        out.setdefault(member, set()).add(parts[-1])
    return out


def call_cycles(lib):
    defined = nm(lib, "--defined-only", "--extern-only")
    used = nm(lib, "--undefined-only")
    owner = {}
    for member, syms in defined.items():
        for s in syms:
            owner[s] = member
    graph = {m: set() for m in set(defined) | set(used)}
    for member, syms in used.items():
        for s in syms:
            o = owner.get(s)
            if o and o != member:
                graph[member].add(o)
    # Tarjan's strongly connected components.
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return comps


class Rooms(unittest.TestCase):
    def test_include_rule(self):
        problems = include_problems()
        self.assertEqual(problems, [], "\n" + "\n".join(problems))

    def test_rule_covers_every_folder(self):
        for dirpath, _, names in os.walk(COMPILER):
            rel = os.path.relpath(dirpath, COMPILER)
            if any(n.endswith((".c", ".h")) for n in names):
                self.assertIn(rel, ALLOWED, f"compiler/{rel} is not a room of the rule")

    def test_no_call_cycle_between_files(self):
        if not LIB or not os.path.exists(LIB):
            self.skipTest("CRRC_LIB (libcrrc.a) not given")
        cycles = call_cycles(LIB)
        self.assertEqual(cycles, [], "files that call each other: " + "; ".join(
            " <-> ".join(c) for c in cycles))

    def test_checker_sees_a_forbidden_include(self):
        """The rule itself: a model file including a check header is refused."""
        self.assertNotIn("check", ALLOWED["model"])
        self.assertNotIn("emit/terraform", ALLOWED["emit/cloudformation"])
        self.assertNotIn("emit/cloudformation", ALLOWED["emit/terraform"])
        self.assertNotIn("model", ALLOWED["aws"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
