#!/usr/bin/env bash
# CI of the C ABI (bindings/c): builds libstructream (release), checks that
# the committed header is what cbindgen generates, compiles the C tests with
# -Wall -Wextra -Werror and runs them natively and under valgrind (any
# memory error or definite/indirect leak fails), then builds and runs the
# example against the shared library.
#
# Usage: bash bindings/c/ci.sh   (from anywhere; installs gcc, valgrind and
# jq with apt-get when they are missing)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
target=${CARGO_TARGET_DIR:-$root/target}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n== c: %s (%ss)\n' "$1" "$SECONDS"; }

step "tools"
missing=()
command -v gcc > /dev/null || missing+=(gcc libc6-dev)
command -v valgrind > /dev/null || missing+=(valgrind)
command -v jq > /dev/null || missing+=(jq)
if ((${#missing[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
fi
gcc --version | head -1
valgrind --version

step "unit tests and header check"
cargo test -q -p structream-c

step "build: libstructream (release), the structream CLI (reference)"
cargo build -q --release -p structream-c
cargo build -q -p structream-cli
lib="$target/release"
cli="$target/debug/structream"
ls -l "$lib/libstructream.a" "$lib/libstructream.so"

step "compile the C tests and the example"
# The header alone, as C99 (pedantic) and, where g++ is there, as C++.
gcc -x c -std=c99 -pedantic -fsyntax-only -Wall -Wextra -Werror bindings/c/include/structream.h
if command -v g++ > /dev/null; then
    g++ -x c++ -fsyntax-only -Wall -Wextra -Werror bindings/c/include/structream.h
fi
cflags=(-std=c11 -Wall -Wextra -Werror -g -O1 -Ibindings/c/include)
# What Rust's standard library needs from the system, as
# `rustc --print native-static-libs` lists it on Linux.
static_libs=(-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc)
gcc "${cflags[@]}" bindings/c/tests/api.c "$lib/libstructream.a" "${static_libs[@]}" -o "$work/api"
gcc "${cflags[@]}" bindings/c/tests/splits.c "$lib/libstructream.a" "${static_libs[@]}" \
    -o "$work/splits"
gcc "${cflags[@]}" examples/c/stream.c -L"$lib" -lstructream -Wl,-rpath,"$lib" -o "$work/stream"

step "corpus: tool-call arguments of the recorded streams, and the CLI's output"
bindings/c/tests/tool-args.sh "$cli" tests/corpora/sse "$work/args" > "$work/args.list"
echo "$(wc -l < "$work/args.list") tool calls"
mapfile -t args < "$work/args.list"
# Beside them: JSONTestSuite's parsing and transform sets, and the small
# documents of the jiter benchmark set (an LLM-style response among them).
mapfile -t small < <(find "$root/tests/corpora/partial-json/jiter-benches" -name '*.json' \
    -size -5k | sort)
bindings/c/tests/expect.sh "$cli" "$work/expect" \
    "$root"/tests/corpora/jsontestsuite/*.json "$root"/tests/corpora/jsontestsuite-transform/*.json \
    "${small[@]}" "${args[@]}"

valgrind=(valgrind -q --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect)

step "api (native, then valgrind)"
"$work/api"
"${valgrind[@]}" "$work/api"

step "splits: every split of every input (native)"
"$work/splits" "$work/expect/manifest"

step "splits under valgrind (inputs over 4096 bytes: whole, byte by byte and 64 splits)"
"${valgrind[@]}" "$work/splits" "$work/expect/manifest" --sample-above 4096

step "example, under valgrind, against the shared library"
doc=tests/corpora/partial-json/jiter-benches/medium_response.json
"${valgrind[@]}" "$work/stream" "$doc" 64 /sections > "$work/stream.out"
partials=$(grep -c '^partial ' "$work/stream.out")
last=$(grep '^partial ' "$work/stream.out" | tail -1 | cut -c9-)
tail -1 "$work/stream.out"
[ "$(tail -1 "$work/stream.out")" = complete ] || { echo "example: not complete" >&2; exit 1; }
[ "$partials" -gt 10 ] || { echo "example: only $partials partial values" >&2; exit 1; }
[ "$last" = "$("$cli" partial "$doc" | tail -1)" ] \
    || { echo "example: the last partial differs from the CLI's value" >&2; exit 1; }
echo "example: $partials partial values, the last equal to the CLI's"
if "$work/stream" tests/corpora/jsontestsuite/n_array_comma_and_number.json 1 > "$work/bad.out"; then
    echo "example: invalid input exits 0" >&2
    exit 1
fi
cat "$work/bad.out"

step "done"
