#!/usr/bin/env python3
"""Markdown tables from criterion's results for the streaming benchmarks
(`document`, `typed`, `providers`, `sse`).

    python3 benches/report_streams.py [CRITERION_DIR] [--baseline NAME]

CRITERION_DIR defaults to $CARGO_TARGET_DIR/criterion, else target/criterion.
Prints every benchmark of the groups `document-*`, `typed-*`, `providers` and
`sse` with its median time and MB/s (10^6 bytes a second), and the ratios
BENCHMARKS.md quotes: peer ÷ structream, chunked ÷ whole, and
time(1 MB) ÷ time(100 KB).
"""

import json
import os
import sys


def main():
    args = sys.argv[1:]
    saved = "new"
    if "--baseline" in args:
        i = args.index("--baseline")
        saved = args[i + 1]
        del args[i : i + 2]
    root = args[0] if args else os.path.join(
        os.environ.get("CARGO_TARGET_DIR", "target"), "criterion")

    results = {}
    for dirpath, _dirs, files in os.walk(root):
        if os.path.basename(dirpath) != saved or "estimates.json" not in files:
            continue
        rel = os.path.relpath(os.path.dirname(dirpath), root).split(os.sep)
        if len(rel) != 3:
            continue
        group, impl, feeding = rel
        if not (group.startswith(("document-", "typed-")) or group in ("providers", "sse")):
            continue
        with open(os.path.join(dirpath, "estimates.json")) as f:
            ns = json.load(f)["median"]["point_estimate"]
        nbytes = None
        try:
            with open(os.path.join(dirpath, "benchmark.json")) as f:
                nbytes = json.load(f)["throughput"]["Bytes"]
        except (OSError, KeyError, TypeError):
            pass
        results[group, impl, feeding] = (ns, nbytes)

    def fmt_time(ns):
        if ns >= 1e9:
            return f"{ns / 1e9:.2f} s"
        if ns >= 1e6:
            return f"{ns / 1e6:.2f} ms"
        return f"{ns / 1e3:.1f} µs"

    print("| group | implementation | feeding | median | MB/s |")
    print("|---|---|---|---:|---:|")
    for (group, impl, feeding), (ns, nbytes) in sorted(results.items()):
        mbs = f"{nbytes / ns * 1e3:,.1f}" if nbytes else "–"
        print(f"| {group} | {impl} | {feeding} | {fmt_time(ns)} | {mbs} |")

    def t(group, impl, feeding):
        r = results.get((group, impl, feeding))
        return r[0] if r else None

    print()
    print("Ratios (same run):")
    for size in ["10KB", "100KB", "1MB"]:
        g = f"document-{size}"
        ours = t(g, "structream snapshots", "llm chunks")
        if ours is None:
            continue
        for peer in ["jiter partial re-parse", "serde_json close-and-reparse",
                     "structream snapshot to_json"]:
            p = t(g, peer, "llm chunks")
            if p:
                print(f"- {g}: {peer} ÷ structream snapshots = {p / ours:,.0f}×")
        for impl in ["structream snapshots", "structream deltas", "structream items"]:
            w, c = t(g, impl, "whole"), t(g, impl, "llm chunks")
            if w and c:
                print(f"- {g}: {impl} llm chunks ÷ whole = {c / w:.2f}×")
        tok = t(g, "structream tokenizer", "llm chunks")
        if tok:
            print(f"- {g}: structream snapshots ÷ tokenizer (llm chunks) = {ours / tok:.2f}×")
    for impl in ["structream snapshots", "structream deltas", "structream items",
                 "structream tokenizer"]:
        a = t("document-100KB", impl, "llm chunks")
        b = t("document-1MB", impl, "llm chunks")
        if a and b:
            print(f"- linearity {impl}: time(1 MB) ÷ time(100 KB) = {b / a:.2f}")
    for size in ["10KB", "100KB", "1MB"]:
        g = f"typed-{size}"
        tok = t(g, "tokenizer on the JSON", size)
        if tok is None:
            continue
        for impl in ["document on the JSON", "provider decode",
                     "typed partials, each dropped", "typed partials, previous held",
                     "typed items"]:
            x = t(g, impl, size)
            if x:
                print(f"- {g}: {impl} ÷ tokenizer on the JSON = {x / tok:.2f}×")
    for impl in ["typed partials, each dropped", "typed items", "provider decode"]:
        a = t("typed-100KB", impl, "100KB")
        b = t("typed-1MB", impl, "1MB")
        if a and b:
            print(f"- linearity {impl}: time(1 MB) ÷ time(100 KB) = {b / a:.2f}")


if __name__ == "__main__":
    main()
