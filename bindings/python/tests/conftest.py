"""Shared paths and helpers of the package's tests."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
CORPORA = REPO / "tests" / "corpora"
