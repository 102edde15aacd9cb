#!/usr/bin/env bash
# Runs every fuzz target for N seconds (default 60), one after the other,
# seeding each corpus from the project's test data. Each run's log is kept in
# artifacts/logs/<target>.log; the summary printed is libFuzzer's final
# line (executions, coverage) and stats.
# Exits 1 if any target found a crash (the others still run).
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)
corpora=../tests/corpora
mkdir -p artifacts/logs
# Seeds for a provider target: the recorded streams of its protocols (the
# `.chunks.txt` recordings hold one event payload per line: framed as SSE).
# The NUL bytes first make the input read as the recording itself: a raw
# body with no cuts (`sse_decode`: default limits, no cuts), see `Case`.
seed_streams() {
  local dir=$1 prefix=$2
  shift 2
  local f
  for sub in "$@"; do
    for f in "$corpora"/sse/"$sub"/*/*; do
      local seed
      seed="$dir/$(basename "$f").seed"
      case "$f" in
        */SOURCE.md) ;;
        *.chunks.txt) { printf "$prefix"; awk 'NF { print "data: " $0; print "" }' "$f"; } >"$seed" ;;
        *) { printf "$prefix"; cat "$f"; } >"$seed" ;;
      esac
    done
  done
}
# Seeds for a byte-level target: the JSON files of the test data (those a
# libFuzzer input can hold), after PREFIX.
seed_json() {
  local dir=$1 prefix=$2 f
  for f in "$corpora"/jsontestsuite/*.json "$corpora"/jsontestsuite-transform/*.json \
    "$corpora"/json-bench/jsonchecker/*.json "$corpora"/json-bench/roundtrip/*.json \
    "$corpora"/json-bench/simdjson/github_events.json; do
    { printf "$prefix"; cat "$f"; } >"$dir/$(basename "$f").seed"
  done
}
failed=()
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  case "$t" in
    compare_to_serde) seed_json "corpus/$t" '' ;;
    tokenize|split_equivalence|document_prefix|deltas_replay|items|lenient|repair)
      # A first byte 0: default parameters, the rest verbatim (see `Seeded`).
      seed_json "corpus/$t" '\0' ;;
    sse_decode) seed_streams "corpus/$t" '\0\0\0\0\0' openai-chat openai-compatible openai-responses anthropic gemini ;;
    openai_chat) seed_streams "corpus/$t" '\0\0' openai-chat openai-compatible ;;
    openai_responses) seed_streams "corpus/$t" '\0\0' openai-responses ;;
    anthropic) seed_streams "corpus/$t" '\0\0' anthropic ;;
    gemini) seed_streams "corpus/$t" '\0\0' gemini ;;
    ollama) seed_streams "corpus/$t" '\0\0' ollama ;;
  esac
  echo "== $t: ${seconds}s"
  cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 >"artifacts/logs/$t.log" 2>&1 || {
    echo "$t FAILED: see fuzz/artifacts/logs/$t.log"
    grep -E "panicked|ERROR|SUMMARY|Test unit written" "artifacts/logs/$t.log" | head -n 8
    failed+=("$t")
    continue
  }
  grep -E "^#[0-9]+[[:space:]]+DONE|^Done [0-9]+ runs|stat::(number_of_executed_units|peak_rss_mb)" "artifacts/logs/$t.log"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz targets that failed: ${failed[*]}"
  exit 1
fi
