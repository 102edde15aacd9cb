"""The project's JSON corpora (``tests/corpora``), grouped by what a test
may assume of them."""

import json
from pathlib import Path
from typing import List

from conftest import CORPORA


def _files(*patterns: str) -> List[Path]:
    found = []
    for pattern in patterns:
        found.extend(sorted(CORPORA.glob(pattern)))
    assert found, f"no corpus files match {patterns} under {CORPORA}"
    return found


def valid_files() -> List[Path]:
    """Every corpus file that is one valid JSON value (json.loads agrees)."""
    files = _files(
        "jsontestsuite/y_*.json",
        "json-bench/jsonchecker/pass*.json",
        "json-bench/roundtrip/*.json",
        "json-bench/*.json",
        "json-bench/simdjson/*.json",
        "partial-json/jiter-benches/*.json",
        "jsontestsuite-transform/*.json",
    )
    return [f for f in files if _loads_ok(f)]


def invalid_files() -> List[Path]:
    """Files that are not JSON: jsontestsuite's n_* and jsonchecker's fail*
    (but for the two its README marks as valid by RFC 8259, `*_EXCLUDE`)."""
    files = _files("jsontestsuite/n_*.json", "json-bench/jsonchecker/fail*.json")
    return [f for f in files if "_EXCLUDE" not in f.name]


def _loads_ok(path: Path) -> bool:
    try:
        json.loads(path.read_bytes())
        return True
    except ValueError:
        return False


def partial_inputs() -> List[bytes]:
    """The input of every case of the partial-JSON vector files."""
    inputs = []
    for jsonl in _files("partial-json/*.jsonl"):
        for line in jsonl.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            if "input_hex" in case:
                inputs.append(bytes.fromhex(case["input_hex"]))
            else:
                inputs.append(case["input"].encode("utf-8"))
    return inputs
