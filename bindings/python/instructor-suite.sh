#!/usr/bin/env bash
# Instructor's own test suite, from its PyPI source distribution, run three
# times in one venv:
#   1. stock Instructor;
#   2. with structream.instructor.install() in effect in every test process;
#   3. with install() and a deliberately broken builder, on the tests that
#      stream: they must fail, which proves runs 1 and 2 went through it.
# Runs 1 and 2 must give every test the same outcome (pass, fail or skip;
# tests that need an API key or the network skip or fail alike in both). Then
# the package's own Instructor tests (tests/instructor) run in the same venv.
#
# Usage: bindings/python/instructor-suite.sh   (from anywhere; needs python3,
# cargo and PyPI). VENV=... picks the venv (default bindings/python/.venv-instructor).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSION=1.17.0
VENV="${VENV:-$HERE/.venv-instructor}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
PY="$VENV/bin/python"
"$PY" -m pip install -q --upgrade pip
# Instructor with the extras its tests import (provider SDKs, pytest plugins).
"$PY" -m pip install -q \
    "instructor[dev,anthropic,google-genai,vertexai,bedrock,cohere,mistral,writer,xai]==$VERSION"
"$PY" -m pip install -q "$HERE"

# The sdist's tests, as released.
(cd "$WORK" && "$PY" -m pip download -q --no-deps --no-binary :all: "instructor==$VERSION")
tar -xzf "$WORK/instructor-$VERSION.tar.gz" -C "$WORK"
SRC="$WORK/instructor-$VERSION"

# Plugins loaded with -p in every test process (xdist workers included).
mkdir -p "$WORK/plugins"
cat > "$WORK/plugins/structream_installed.py" <<'EOF'
import structream.instructor

structream.instructor.install()
EOF
cat > "$WORK/plugins/structream_broken.py" <<'EOF'
import structream.instructor
from structream._instructor import build, tasks

structream.instructor.install()


def _broken_model(self, data, model, pointer, is_open):
    return None


def _broken_task(self, item):
    return None


build.Builder.model = _broken_model
tasks.TaskStream._task = _broken_task
EOF

run() { # name, extra args...
    local name="$1"
    shift
    (cd "$SRC" && env -u OPENAI_API_KEY -u ANTHROPIC_API_KEY -u GOOGLE_API_KEY \
        PYTHONHASHSEED=0 PYTHONPATH="$WORK/plugins" \
        nice -n 10 "$PY" -m pytest tests -q -p no:cacheprovider -n 2 \
        --junitxml="$WORK/$name.xml" "$@" >"$WORK/$name.log" 2>&1) || true
    tail -n 1 "$WORK/$name.log"
}

outcomes() { # junit xml -> "test outcome" lines, sorted
    "$PY" - "$1" <<'EOF'
import sys
import xml.etree.ElementTree as ET

for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    kinds = {child.tag for child in case}
    outcome = (
        "failed" if kinds & {"failure", "error"} else "skipped" if "skipped" in kinds else "passed"
    )
    print(f"{case.get('classname')}::{case.get('name')} {outcome}")
EOF
}

echo "stock Instructor $VERSION:"
run stock
echo "with structream.instructor.install():"
run installed -p structream_installed
outcomes "$WORK/stock.xml" | sort >"$WORK/stock.txt"
outcomes "$WORK/installed.xml" | sort >"$WORK/installed.txt"
if ! diff "$WORK/stock.txt" "$WORK/installed.txt" >"$WORK/diff.txt"; then
    echo "FAIL: outcomes differ with install():"
    cat "$WORK/diff.txt"
    exit 1
fi
echo "same outcome for all $(wc -l <"$WORK/stock.txt") tests:" \
    "$(awk '{print $NF}' "$WORK/stock.txt" | sort | uniq -c | tr -s ' \n' ' ')"

# The tests that stream through the patched methods: broken, they must fail.
STREAMING=(
    "tests/dsl/test_partial.py::test_partial_with_whitespace"
    "tests/dsl/test_partial.py::test_async_partial_with_whitespace"
    "tests/dsl/test_partial.py::test_partial_streaming_with_pep604_union_field"
    "tests/v2/test_iterable_streaming.py"
    "tests/v2/test_openai_streaming.py"
)
echo "with install() and a broken builder (must fail):"
(cd "$SRC" && PYTHONPATH="$WORK/plugins" "$PY" -m pytest -q -p no:cacheprovider \
    -p structream_broken "${STREAMING[@]}" >"$WORK/broken.log" 2>&1) && {
    echo "FAIL: the streaming tests pass with a broken builder: the patch is not on their path"
    exit 1
}
grep -E "^(FAILED|ERROR)" "$WORK/broken.log" | sed 's/ - .*//' | sort | uniq | head -n 40
tail -n 1 "$WORK/broken.log"
(cd "$SRC" && PYTHONPATH="$WORK/plugins" "$PY" -m pytest -q -p no:cacheprovider \
    -p structream_installed "${STREAMING[@]}" >"$WORK/fixed.log" 2>&1) || {
    echo "FAIL: the streaming tests fail with install():"
    tail -n 30 "$WORK/fixed.log"
    exit 1
}
echo "the same tests with install(): $(tail -n 1 "$WORK/fixed.log")"

echo "the package's Instructor tests:"
(cd "$HERE" && nice -n 10 "$PY" -m pytest -q -p no:cacheprovider tests/instructor)
