#!/usr/bin/env python3
"""Markdown tables from criterion's results for the tokenizer benchmark.

    python3 benches/report.py [CRITERION_DIR] [--baseline NAME]

CRITERION_DIR defaults to $CARGO_TARGET_DIR/criterion, else target/criterion.
Reads each benchmark's median time (criterion's `new` estimates, or the saved
baseline NAME) and prints, per fixture, MB/s (10^6 bytes a second) of every
implementation fed whole and in 4-byte chunks, and the ratios the targets in
BENCHMARKS.md are stated in.
"""

import json
import os
import sys

FIXTURES = ["twitter", "citm_catalog", "canada", "llm", "nested"]
IMPLS = [
    "structream tokenizer",
    "structream tokenizer + value",
    "serde_json IgnoredAny",
    "serde_json IgnoredAny + UTF-8",
    "serde_json Value",
    "jiter skip",
    "jiter JsonValue",
]
FEEDINGS = ["whole", "4-byte chunks"]


def main():
    args = sys.argv[1:]
    saved = "new"
    if "--baseline" in args:
        i = args.index("--baseline")
        saved = args[i + 1]
        del args[i : i + 2]
    if args:
        root = args[0]
    else:
        root = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "criterion")

    def load(fixture, impl, feeding):
        d = os.path.join(root, fixture, impl, feeding, saved)
        try:
            with open(os.path.join(d, "estimates.json")) as f:
                ns = json.load(f)["median"]["point_estimate"]
            with open(os.path.join(d, "benchmark.json")) as f:
                nbytes = json.load(f)["throughput"]["Bytes"]
        except (OSError, KeyError, TypeError):
            return None
        return nbytes / ns * 1e3  # MB/s

    rows = {}
    print("| fixture | size | implementation | whole MB/s | 4-byte chunks MB/s |")
    print("|---|---:|---|---:|---:|")
    for fx in FIXTURES:
        size = None
        for impl in IMPLS:
            r = [load(fx, impl, feed) for feed in FEEDINGS]
            rows[fx, impl] = r
            if all(x is None for x in r):
                continue
            if size is None:
                d = os.path.join(root, fx, impl, "whole", saved, "benchmark.json")
                with open(d) as f:
                    size = json.load(f)["throughput"]["Bytes"]
                size_s = f"{size / 1e6:.2f} MB"
            else:
                size_s = ""
            cells = [f"{x:,.0f}" if x else "–" for x in r]
            print(f"| {fx if size_s else ''} | {size_s} | {impl} | {cells[0]} | {cells[1]} |")

    def ratio(a, b):
        return f"{a / b:.2f}×" if a and b else "–"

    print()
    print(
        "| fixture | tokenizer ÷ serde_json IgnoredAny "
        "| tokenizer ÷ serde_json IgnoredAny + UTF-8 | tokenizer ÷ jiter skip "
        "| tokenizer + value ÷ serde_json Value | tokenizer + value ÷ jiter JsonValue "
        "| 4-byte ÷ whole time, tokenizer | 4-byte ÷ whole time, + value |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for fx in FIXTURES:
        tok = rows.get((fx, IMPLS[0]), [None, None])
        val = rows.get((fx, IMPLS[1]), [None, None])
        ign = rows.get((fx, IMPLS[2]), [None])[0]
        ign8 = rows.get((fx, IMPLS[3]), [None])[0]
        sv = rows.get((fx, IMPLS[4]), [None])[0]
        jskip = rows.get((fx, IMPLS[5]), [None])[0]
        jval = rows.get((fx, IMPLS[6]), [None])[0]
        if tok[0] is None:
            continue
        print(
            f"| {fx} | {ratio(tok[0], ign)} | {ratio(tok[0], ign8)} | {ratio(tok[0], jskip)} "
            f"| {ratio(val[0], sv)} "
            f"| {ratio(val[0], jval)} | {ratio(tok[0], tok[1])} | {ratio(val[0], val[1])} |"
        )


if __name__ == "__main__":
    main()
