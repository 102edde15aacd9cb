#!/usr/bin/env bash
# Derives the argument text of every tool call in the recorded provider
# streams of tests/corpora/sse (raw SSE or NDJSON files, and `.chunks.txt`
# files of one SSE `data:` payload a line, framed again as SSE here), with
# the `structream sse` decoder: one file
# per tool call, its `tool_args_delta` fragments joined, and beside it a
# `.cuts` file with the byte offsets where the recorded deltas met (the
# chunking the provider sent).
#
# Usage: tool-args.sh CLI CORPUS_DIR OUTDIR   (prints the files written)
set -euo pipefail
cli=$1
corpus=$2
out=$3
mkdir -p "$out"
command -v jq > /dev/null || { echo "tool-args.sh: jq is needed" >&2; exit 2; }

protocol_of() {
    case "$1" in
        openai-chat | openai-compatible) echo openai-chat ;;
        openai-responses) echo openai-responses ;;
        anthropic) echo anthropic ;;
        gemini) echo gemini ;;
        ollama) echo ollama ;;
        *) echo "" ;;
    esac
}

for dir in "$corpus"/*/; do
    protocol=$(protocol_of "$(basename "$dir")")
    [ -n "$protocol" ] || continue
    while IFS= read -r -d '' stream; do
        case "$stream" in
            *.chunks.txt)
                events=$(awk '{ print "data: " $0; print "" }' "$stream" \
                    | "$cli" sse --protocol "$protocol" - 2> /dev/null || true) ;;
            *) events=$("$cli" sse --protocol "$protocol" "$stream" 2> /dev/null || true) ;;
        esac
        # One key per tool call: choice and index.
        keys=$(jq -r 'select(.type == "tool_args_delta") | "\(.choice // 0)-\(.index)"' \
            <<< "$events" | sort -u)
        for key in $keys; do
            rel=${stream#"$corpus"/}
            name="${rel//\//__}.$key"
            deltas=$(jq -c --arg key "$key" \
                'select(.type == "tool_args_delta" and "\(.choice // 0)-\(.index)" == $key) | .json' \
                <<< "$events")
            jq -j '.' <<< "$deltas" > "$out/$name.json"
            [ -s "$out/$name.json" ] || { rm -f "$out/$name.json"; continue; }
            jq -r '. | utf8bytelength' <<< "$deltas" \
                | awk '{ at += $1; print at }' > "$out/$name.cuts"
            echo "$out/$name.json"
        done
    done < <(find "$dir" -type f \( -name '*.sse' -o -name '*.ndjson' -o -name '*.chunks.txt' \) -print0 | sort -z)
done
