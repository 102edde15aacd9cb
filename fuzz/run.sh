#!/usr/bin/env bash
# Runs every fuzz target for N seconds (default 60), seeding each corpus from
# the project's test data. Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)
corpora=../tests/corpora
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  case "$t" in
    tokenize|split_equivalence|compare_to_serde|document_prefix|deltas_replay|items|lenient)
      # Raw JSON is a fine seed for the byte-level targets.
      cp -n "$corpora"/jsontestsuite/*.json "$corpora"/json-bench/jsonchecker/*.json "corpus/$t/" 2>/dev/null || true ;;
  esac
  echo "== $t: ${seconds}s"
  cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 2>&1 | tail -n 4
done
