#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""No function over 100 lines in daemon/, kmod/, ctl/ and lib/ (the body, between the
braces at the start of a line, as the kernel style writes them). One PASS/FAIL line per
folder; a failure names the function and its length."""
import os
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MAX = 100


def long_functions(path):
    lines = open(path, errors="replace").read().split("\n")
    start, out = None, []
    for i, line in enumerate(lines):
        if start is None and line.startswith("{") and i > 0:
            j = i - 1
            while j > 0 and "(" not in lines[j]:
                j -= 1
            start, name = i, lines[j].strip()
        elif start is not None and line.startswith("}"):
            if i - start - 1 > MAX:
                out.append("%s:%d: %s: %d lines" % (os.path.relpath(path, TOP), start,
                                                    name[:60], i - start - 1))
            start = None
    return out


def main():
    failed = 0
    for root in ("daemon", "kmod", "ctl", "lib"):
        bad, n = [], 0
        for d, _, files in os.walk(os.path.join(TOP, root)):
            for f in sorted(files):
                if f.endswith(".c"):
                    n += 1
                    bad += long_functions(os.path.join(d, f))
        print("%s functions.%s (%d files)" % ("FAIL" if bad else "PASS", root, n))
        for b in bad:
            print("    " + b)
        failed += bool(bad)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
