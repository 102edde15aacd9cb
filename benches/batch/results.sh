#!/usr/bin/env bash
# `structream batch results --from-file` over a generated results file
# (1 GiB by default; the file is written under target/, never committed):
# wall time, throughput and peak RSS (GNU time) for each provider's format.
#
#   bash benches/batch/results.sh [SIZE_BYTES] [PROVIDER...]
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-1073741824}
shift || true
providers=("${@:-openai anthropic gemini}")
read -r -a providers <<<"${providers[*]}"
cargo build --release -q -p structream-cli
bin=target/release/structream
schema=target/batch-bench/summary.schema.json
mkdir -p target/batch-bench
cat >"$schema" <<'JSON'
{"title": "Summary", "type": "object",
 "properties": {"title": {"type": "string"}, "summary": {"type": "string"},
                "key_points": {"type": "array", "items": {"type": "string"}}},
 "required": ["title", "summary", "key_points"]}
JSON
for p in "${providers[@]}"; do
  file=target/batch-bench/$p-$size.jsonl
  [ -s "$file" ] || python3 benches/batch/gen_results.py "$p" "$file" "$size"
  bytes=$(stat -c %s "$file")
  cat "$file" >/dev/null # warm the page cache
  set +e
  /usr/bin/time -v "$bin" batch results --from-file "$file" --provider "$p" --schema "$schema" \
    >target/batch-bench/$p.out 2>target/batch-bench/$p.time
  code=$?
  set -e
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' target/batch-bench/$p.time)
  cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' target/batch-bench/$p.time)
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' target/batch-bench/$p.time)
  lines=$(wc -l <target/batch-bench/$p.out)
  values=$(grep -c '"value"' target/batch-bench/$p.out || true)
  awk -v p="$p" -v b="$bytes" -v s="$secs" -v u="$cpu" -v r="$rss" -v l="$lines" -v v="$values" -v c="$code" \
    'BEGIN {printf "%-10s %6.0f MB: wall %6.2f s = %5.0f MB/s; CPU %6.2f s = %5.0f MB/s per CPU-second; peak RSS %5.1f MB; %d results (%d values), exit %d\n", p, b/1e6, s, b/1e6/s, u, b/1e6/u, r/1024, l, v, c}'
done
