#!/usr/bin/env bash
# Instructions per delta of PartialJSON (feed, then read .value) at 100 KB
# and 1 MB, counted by callgrind: a scaling figure that a busy machine does
# not blur. Each figure is a run minus the same process doing only its setup
# (interpreter start, document generation, cutting into deltas).
#
# Usage: nice -n 10 benches/python/partial_icount.sh   (needs valgrind;
# PY=... the venv's python, default bindings/python/.venv/bin/python)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PY:-$HERE/../../bindings/python/.venv/bin/python}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

count() {
    valgrind --tool=callgrind --callgrind-out-file="$OUT/cg" "$PY" "$HERE/partial_bench.py" --one "$@" 2>&1 \
        | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

echo "| document | size | deltas | instructions per delta |"
echo "|---|---|---|---|"
for doc in analysis users; do
    declare -A per
    for size in 100000 1000000; do
        run=$(count "$doc" "$size" run)
        setup=$(count "$doc" "$size" setup)
        n=$("$PY" -c "import sys; sys.path.insert(0, '$HERE'); from partial_bench import *; print(len(deltas({'analysis': analysis_document, 'users': users_document}['$doc']($size))))")
        per[$size]=$(( (run - setup) / n ))
        echo "| $doc | $size | $n | ${per[$size]} |"
    done
    echo "# $doc: instructions per delta, 1 MB / 100 KB = $(python3 -c "print(f'{${per[1000000]} / ${per[100000]}:.3f}')")"
    unset per
done
