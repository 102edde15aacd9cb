#!/usr/bin/env bash
# Writes what the `structream` command-line tool prints for each input, for
# splits.c to compare the C ABI with, and a manifest listing them.
#
# Usage: expect.sh CLI OUTDIR INPUT...   (writes OUTDIR/manifest)
#
# A manifest line is `INPUT<TAB>DIR`, plus `<TAB>CUTS` when INPUT.json has a
# `.cuts` file beside it (the recorded chunking, from tool-args.sh).
set -euo pipefail
cli=$1
out=$2
shift 2
mkdir -p "$out"
: > "$out/manifest"
n=0
for input in "$@"; do
    n=$((n + 1))
    dir="$out/$n"
    mkdir -p "$dir"
    # Exit status 1 means invalid or incomplete input: the error line is
    # what is compared.
    "$cli" parse "$input" > /dev/null 2> "$dir/parse.err" || true
    "$cli" partial "$input" > "$dir/strict.out" 2> "$dir/strict.err" || true
    "$cli" items --path '' --path '/*' "$input" > "$dir/items.out" 2> /dev/null || true
    "$cli" partial --lenient --strings complete "$input" \
        > "$dir/lenient.out" 2> "$dir/lenient.err" || true
    cuts="${input%.json}.cuts"
    if [ -f "$cuts" ]; then
        printf '%s\t%s\t%s\n' "$input" "$dir" "$cuts" >> "$out/manifest"
    else
        printf '%s\t%s\n' "$input" "$dir" >> "$out/manifest"
    fi
done
echo "expect.sh: $n inputs"
