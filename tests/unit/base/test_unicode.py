"""base/unicode.c against Python's unicodedata, code point by code point:
the general categories L, Z and N (IAM's tag pattern), simple case folding
(IAM's case-insensitive tag keys), XML 1.0's characters, and UTF-8 decoding.
unicode_dump prints what the C code answers for every code point. When
Python's Unicode version is not the table's, the test fails and says how to
regenerate the table (compiler/base/unicode_gen.py), so the two never drift
apart silently."""
import os
import subprocess
import sys
import unicodedata

sys.path.insert(0, os.path.join(os.environ["CRRC_SOURCE_ROOT"], "compiler", "base"))
import unicode_gen  # noqa: E402


def xml_ranges():
    return [(0x9, 0xA), (0xD, 0xD), (0x20, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x10FFFF)]


def main():
    out = subprocess.run([sys.argv[1]], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        print(f"FAIL: unicode_dump exited {out.returncode}: {out.stdout[-200:]}", file=sys.stderr)
        return 1
    lines = out.stdout.split("\n")
    version = lines[0].split()[1]
    if version != unicodedata.unidata_version:
        print(f"FAIL: the table is Unicode {version}, Python's unicodedata "
              f"{unicodedata.unidata_version}: run python3 compiler/base/unicode_gen.py",
              file=sys.stderr)
        return 1
    got = {"L": [], "X": [], "F": []}
    for line in lines[1:]:
        if line:
            tag, a, b = line.split()
            got[tag].append((int(a, 16), int(b, 16)))
    failures = 0
    want = {"L": unicode_gen.lzn_ranges(), "X": xml_ranges(),
            "F": [(cp, unicode_gen.fold(cp)) for cp in range(0x110000)
                  if unicode_gen.fold(cp) != cp]}
    names = {"L": "categories L, Z, N", "X": "XML 1.0 characters", "F": "case folding"}
    for tag, ranges in want.items():
        if got[tag] != ranges:
            diff = sorted(set(got[tag]) ^ set(ranges))[:5]
            print(f"FAIL: {names[tag]} differ from unicodedata, first: "
                  + ", ".join(f"{a:X} {b:X}" for a, b in diff), file=sys.stderr)
            failures += 1
        else:
            print(f"ok: {names[tag]}: {len(ranges)} entries as unicodedata "
                  f"{unicodedata.unidata_version}")
    # the characters of the issue, by name
    for ch, want_lzn in (("€", False), ("\U0001F600", False), ("\ufeff", False),
                         ("é", True), ("日", True), ("\u00a0", True), ("٣", True)):
        lo, hi = ord(ch), ord(ch)
        inside = any(a <= lo and hi <= b for a, b in got["L"])
        if inside != want_lzn:
            print(f"FAIL: U+{ord(ch):04X} is {'' if inside else 'not '}L/Z/N", file=sys.stderr)
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
