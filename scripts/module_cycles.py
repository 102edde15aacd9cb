#!/usr/bin/env python3
"""Fails when a module of a crate imports a module that imports it back.

    python3 scripts/module_cycles.py [SRC_DIR ...]

Reads every `crate::` and `super::` path in each crate's sources (comments
and `#[cfg(test)] mod tests` left out), resolves it to the longest module
it names, and reports each pair of modules that use each other (a parent
and its own child excepted). With no arguments it checks every crate of the
workspace and the bindings. Exit 1 when a pair is found.
"""

import os
import re
import sys

CRATES = [
    "parser/src", "providers/core/src", "providers/openai/src",
    "providers/anthropic/src", "providers/gemini/src", "facade/structream/src",
    "facade/cli/src", "facade/derive/src", "bindings/c/src", "bindings/python/src",
    "bindings/node/src", "benches/src", "tests/src",
]
PATH = re.compile(r"\b(crate|super)::([a-z_][a-z0-9_:]*)")


def module_of(root, path):
    parts = os.path.relpath(path, root)[:-3].split(os.sep)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def uses(root):
    sources = {}
    for folder, _, files in os.walk(root):
        for name in files:
            if name.endswith(".rs"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    sources[module_of(root, path)] = f.read()
    graph = {}
    for module, text in sources.items():
        text = re.sub(r"//[^\n]*", "", text)
        text = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", text, flags=re.S)
        found = set()
        for anchor, rest in PATH.findall(text):
            parts = rest.split("::")
            if anchor == "super":
                parts = list(module[:-1]) + parts
            for n in range(len(parts), 0, -1):
                if tuple(parts[:n]) in sources:
                    found.add(tuple(parts[:n]))
                    break
        found.discard(module)
        graph[module] = found
    return graph


def main(roots):
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.dirname(here)
    pairs = []
    for root in roots or CRATES:
        root = os.path.join(top, root) if not os.path.isabs(root) else root
        if not os.path.isdir(root):
            continue
        graph = uses(root)
        for a, targets in graph.items():
            for b in targets:
                nested = a[: len(b)] == b or b[: len(a)] == a
                if a < b and a in graph.get(b, ()) and not nested:
                    pairs.append(f"{os.path.relpath(root, top)}: {'::'.join(a)} <-> {'::'.join(b)}")
    for pair in pairs:
        print(f"modules that import each other: {pair}")
    return 1 if pairs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
