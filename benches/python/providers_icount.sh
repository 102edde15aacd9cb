#!/usr/bin/env bash
# Instructions per delta of decode_partials (the body in memory, 16 KB
# chunks, .value read at every update) at 100 KB and 1 MB, counted by
# callgrind: the scaling figure a busy machine does not blur. Each figure is
# a run minus the same process doing only its setup (interpreter start,
# document and SSE body generation).
#
# Usage: nice -n 10 benches/python/providers_icount.sh   (needs valgrind;
# PY=... the venv's python, default bindings/python/.venv/bin/python)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PY:-$HERE/../../bindings/python/.venv/bin/python}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

count() {
    valgrind --tool=callgrind --callgrind-out-file="$OUT/cg" "$PY" "$HERE/providers_bench.py" --one "$@" 2>&1 \
        | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

echo "| size | deltas | instructions per delta |"
echo "|---|---|---|"
declare -A per
for size in 100000 1000000; do
    run=$(count "$size" run)
    setup=$(count "$size" setup)
    n=$("$PY" -c "import sys; sys.path.insert(0, '$HERE'); from partial_bench import *; print(len(deltas(analysis_document($size))))")
    per[$size]=$(( (run - setup) / n ))
    echo "| $size | $n | ${per[$size]} |"
done
echo "# instructions per delta, 1 MB / 100 KB = $(python3 -c "print(f'{${per[1000000]} / ${per[100000]}:.3f}')")"
