#!/usr/bin/env bash
# The Python package's CI: on a fresh machine (python3 with venv, cargo,
# PyPI), builds and installs the package from source into a venv, checks
# that a release wheel installs without a compiler, and runs the pytest
# suite (tests/, the Instructor tests in tests/instructor included).
# Exits non-zero on any failure; a run that collects no tests fails too.
#
# Usage: bindings/python/ci.sh   (from anywhere)
#   VENV=...     the test venv (default bindings/python/.venv)
#   PYTHON=...   the interpreter that makes it (default python3)
#   STRUCTREAM_CLI=...  a built `structream` binary (default: build it)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="${VENV:-$HERE/.venv}"
PYTHON="${PYTHON:-python3}"
# The crate's own target dir, whatever the caller's CARGO_TARGET_DIR.
export CARGO_TARGET_DIR="$HERE/target"

step() { printf '\n== %s\n' "$*"; }
seconds() { date +%s; }

step "venv and pinned test dependencies"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
"$PY" -m pip install -q --upgrade pip
"$PY" -m pip install -q -r "$HERE/requirements-test.txt"

step "pip install ./bindings/python (from source, as a user would)"
start=$(seconds)
(cd "$REPO" && "$PY" -m pip install -q --force-reinstall --no-deps ./bindings/python)
echo "built and installed from source in $(( $(seconds) - start )) s"

step "maturin build --release: an abi3 wheel that installs without a compiler"
WHEELS="$(mktemp -d)"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$WHEELS" "$SCRATCH"' EXIT
start=$(seconds)
"$VENV/bin/maturin" build --release -q --manifest-path "$HERE/Cargo.toml" --out "$WHEELS" >/dev/null
echo "wheel built in $(( $(seconds) - start )) s: $(cd "$WHEELS" && ls)"
case "$(ls "$WHEELS")" in
    *-cp39-abi3-*.whl) ;;
    *) echo "error: the wheel is not tagged cp39-abi3" >&2; exit 1 ;;
esac
"$PYTHON" -m venv "$SCRATCH/venv"
# No cargo, rustc or cc on PATH, no index: the wheel alone must do.
env -i HOME="$HOME" PATH=/nonexistent "$SCRATCH/venv/bin/python" -m pip install -q --no-index "$WHEELS"/*.whl
env -i HOME="$HOME" PATH=/nonexistent "$SCRATCH/venv/bin/python" -c '
from structream import PartialJSON
p = PartialJSON()
p.feed(b"{\"a\": [1, \"x")
assert p.value == {"a": [1, "x"]}, p.value
print("wheel installed and imported without a compiler")'

step "the command line the error tests compare with"
# Built in the workspace's target dir, so a CI that ran the workspace's tests
# first finds it built; STRUCTREAM_CLI=path skips the build.
if [ -z "${STRUCTREAM_CLI:-}" ]; then
    cargo build -q --manifest-path "$REPO/Cargo.toml" -p structream-cli --target-dir "$REPO/target"
    export STRUCTREAM_CLI="$REPO/target/debug/structream"
fi

step "pytest"
set +e
(cd "$HERE" && "$PY" -m pytest tests -q -p no:cacheprovider -W ignore::DeprecationWarning)
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "error: pytest collected no tests" >&2
    exit 1
fi
exit "$status"
