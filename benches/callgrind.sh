#!/usr/bin/env bash
# Instruction counts of the tokenizer's hot paths, of each protocol's
# provider decoding over its recordings (section 3) and of the typed layer
# end to end (section 4) with the document streams on the same answer,
# strict and in repair mode, and a regression check.
#
#   bash benches/callgrind.sh            # measure, compare with the baseline;
#                                        # exit 1 if a count grew by > 10%
#   bash benches/callgrind.sh --save     # measure and rewrite the baseline
#   bash benches/callgrind.sh --annotate FIXTURE WORKLOAD
#                                        # callgrind_annotate of one run
#   bash benches/callgrind.sh --peers    # also count serde_json and jiter,
#                                        # whitespace in 4-byte chunks (blank-4)
#                                        # and the bare 4-byte calls (calls-4)
#                                        # (for comparison; never checked)
#
# Each line of the baseline is `<fixture> <workload> <instructions>`: the
# instructions executed by one run of the workload (see
# benches/src/bin/icount.rs), loading the fixture excluded. Counts are
# deterministic for a given compiler and valgrind, unlike wall-clock time on
# a shared machine. A different rustc version shifts them a little: the
# baseline records the version it was made with, and a mismatch is reported.
#
# Needs valgrind. Set THRESHOLD (percent, default 10) to change the limit.
set -euo pipefail
cd "$(dirname "$0")/.."

baseline=benches/callgrind-baseline.txt
threshold=${THRESHOLD:-10}
fixtures=(twitter citm_catalog canada llm nested)
workloads=(tokenizer tokenizer-4 value value-4)
# Section 4's typed layer: the 100 KB answer as an OpenAI tool-call body,
# through the provider decoder alone and the typed client's driver; and the
# typed layer alone, over the answer's pieces as the arguments.
typed_fixtures=(llm:100000)
typed_workloads=(provider-decode typed-partials typed-held typed-items typed-layer)
# The document streams on the same answer in LLM-sized chunks: strict, and
# with every repair on (repair mode's cost on valid input).
stream_workloads=(stream-snapshots stream-repair)
# Section 3's provider decoding: each protocol's recordings, decoded.
corpus_fixtures=(corpus:openai-chat corpus:openai-responses corpus:anthropic corpus:gemini)
peers=()
if [[ ${1:-} == --peers ]]; then
    peers=(lending serde-ignored serde-ignored-utf8 serde-value jiter-skip jiter-value blank-4 calls-4)
fi

command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 2; }

cargo build --quiet --profile bench -p structream-benches --bin icount
target_dir=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/release/icount"
rustc_version=$(rustc --version)
out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT

# Instructions of one run: `count FIXTURE WORKLOAD`.
count() {
    local file="$out_dir/$1.$2.out"
    valgrind --tool=callgrind --toggle-collect='*measured_workload*' \
        --callgrind-out-file="$file" "$bin" "$1" "$2" >/dev/null 2>"$out_dir/log" ||
        { cat "$out_dir/log" >&2; exit 2; }
    awk '/^(summary|totals):/ { print $2; exit }' "$file"
}

if [[ ${1:-} == --annotate ]]; then
    file="$out_dir/annotate.out"
    valgrind --tool=callgrind --toggle-collect='*measured_workload*' \
        --dump-instr=yes --callgrind-out-file="$file" "$bin" "$2" "$3" >/dev/null
    callgrind_annotate --inclusive=no "$file" | head -60
    exit 0
fi

declare -A base
if [[ -f $baseline ]]; then
    while read -r f w n; do
        [[ $f == \#* || -z $f ]] && continue
        base["$f $w"]=$n
    done <"$baseline"
    base_rustc=$(sed -n 's/^# rustc: //p' "$baseline")
    if [[ $base_rustc != "$rustc_version" ]]; then
        echo "note: baseline made with '$base_rustc', measuring with '$rustc_version'"
    fi
fi

status=0
new="# Instructions per run of benches/src/bin/icount.rs; see benches/callgrind.sh.
# rustc: $rustc_version"

# Measures workload $2 on fixture $1, records it for --save and prints it
# beside its baseline; a growth over the threshold marks a regression.
measure() {
    local f=$1 w=$2 n b change
    n=$(count "$f" "$w")
    new+=$'\n'"$f $w $n"
    b=${base["$f $w"]:-}
    if [[ " ${peers[*]} " == *" $w "* ]]; then
        b=-
        change=peer
    elif [[ -n $b ]]; then
        change=$(awk -v n="$n" -v b="$b" 'BEGIN { printf "%+.1f%%", (n - b) * 100 / b }')
        if awk -v n="$n" -v b="$b" -v t="$threshold" 'BEGIN { exit !(n > b * (1 + t / 100)) }'; then
            change+="  REGRESSION"
            status=1
        fi
    else
        b=-
        change=new
    fi
    printf '%-14s %-12s %14s %14s %8s\n' "$f" "$w" "$n" "$b" "$change"
}

printf '%-14s %-12s %14s %14s %8s\n' fixture workload instructions baseline change
for f in "${fixtures[@]}"; do
    for w in "${workloads[@]}" "${peers[@]}"; do
        measure "$f" "$w"
    done
done
for f in "${typed_fixtures[@]}"; do
    for w in "${typed_workloads[@]}" "${stream_workloads[@]}"; do
        measure "$f" "$w"
    done
done
for f in "${corpus_fixtures[@]}"; do
    measure "$f" provider-decode
done

if [[ ${1:-} == --save ]]; then
    echo "$new" >"$baseline"
    echo "saved $baseline"
    exit 0
fi
if [[ $status != 0 ]]; then
    echo "instruction counts grew by more than $threshold% (see REGRESSION above)" >&2
fi
exit "$status"
