"""Shared paths and helpers of the package's tests."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
CORPORA = REPO / "tests" / "corpora"


def cli() -> Path:
    """The `structream` binary: $STRUCTREAM_CLI, or the workspace's build."""
    if os.environ.get("STRUCTREAM_CLI"):
        return Path(os.environ["STRUCTREAM_CLI"])
    for profile in ("release", "debug"):
        path = REPO / "target" / profile / "structream"
        if path.exists():
            return path
    raise AssertionError(
        "no structream binary: build it with `cargo build -p structream-cli` "
        "or set STRUCTREAM_CLI"
    )
