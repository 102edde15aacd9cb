#!/usr/bin/env bash
# `structream batch results --from-file` over a generated results file
# (1 GiB by default; the file is written under target/, never committed):
# wall time, CPU time, throughput and peak RSS (GNU time) for each
# provider's format. With BEFORE=path/to/another/structream, that binary
# runs on the same file just before this one, for a side-by-side ratio.
#
#   bash benches/batch/results.sh [SIZE_BYTES] [PROVIDER...]
#   BEFORE=/tmp/structream-old bash benches/batch/results.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-1073741824}
shift || true
providers=("${@:-openai anthropic gemini}")
read -r -a providers <<<"${providers[*]}"
cargo build --release -q -p structream-cli
bin=target/release/structream
out=target/batch-bench
schema=$out/summary.schema.json
mkdir -p "$out"
cat >"$schema" <<'JSON'
{"title": "Summary", "type": "object",
 "properties": {"title": {"type": "string"}, "summary": {"type": "string"},
                "key_points": {"type": "array", "items": {"type": "string"}}},
 "required": ["title", "summary", "key_points"]}
JSON

# measure LABEL BINARY PROVIDER FILE
measure() {
  local label=$1 exe=$2 p=$3 file=$4 code
  set +e
  /usr/bin/time -v "$exe" batch results --from-file "$file" --provider "$p" --schema "$schema" \
    >"$out/$p.$label.out" 2>"$out/$p.$label.time"
  code=$?
  set -e
  local secs cpu rss lines values bytes
  bytes=$(stat -c %s "$file")
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$out/$p.$label.time")
  cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$out/$p.$label.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/$p.$label.time")
  lines=$(wc -l <"$out/$p.$label.out")
  values=$(grep -c '"value"' "$out/$p.$label.out" || true)
  awk -v p="$p" -v t="$label" -v b="$bytes" -v s="$secs" -v u="$cpu" -v r="$rss" -v l="$lines" -v v="$values" -v c="$code" \
    'BEGIN {printf "%-10s %-6s %6.0f MB: wall %6.2f s = %5.0f MB/s; CPU %6.2f s = %5.0f MB/s per CPU-second; peak RSS %5.1f MB; %d results (%d values), exit %d\n", p, t, b/1e6, s, b/1e6/s, u, b/1e6/u, r/1024, l, v, c}'
}

for p in "${providers[@]}"; do
  file=$out/$p-$size.jsonl
  [ -s "$file" ] || python3 benches/batch/gen_results.py "$p" "$file" "$size"
  cat "$file" >/dev/null # warm the page cache
  if [ -n "${BEFORE:-}" ]; then
    measure before "$BEFORE" "$p" "$file"
  fi
  measure after "$bin" "$p" "$file"
  if [ -n "${BEFORE:-}" ] && ! cmp -s "$out/$p.before.out" "$out/$p.after.out"; then
    echo "$p: the two binaries printed different results" >&2
  fi
done
