#!/usr/bin/env bash
# Mutation testing (cargo-mutants) of the parser's tokenizer and
# partial-document layer and of the provider core's SSE decoder.
#
#   scripts/mutants.sh GROUP [extra cargo-mutants arguments]
#
# GROUP is one of:
#   document   parser/src/lenient.rs and parser/src/document/{core,delta,items}.rs
#   tokenizer  parser/src/tokenizer/*.rs
#   sse        providers/core/src/sse.rs
#   all        the three, one after the other
#
# Each group mutates only its files and runs a fixed selection of the
# owning crate's tests (below, with the reason for each test left out).
# Results go to target/mutants/GROUP/mutants.out (caught.txt, missed.txt,
# timeout.txt, unviable.txt). Survivors known to be equivalent are excluded
# in .cargo/mutants.toml and listed with their reasons in docs/MUTANTS.md:
# any survivor this script reports is news.
#
# MUTANTS_OUTPUT names the output directory instead of GROUP (for a run of
# part of a group: `MUTANTS_OUTPUT=delta scripts/mutants.sh document -e
# parser/src/lenient.rs -e parser/src/document/core.rs -e
# parser/src/document/items.rs`).
# MUTANTS_JOBS sets cargo-mutants' -j (default one job); every job builds a copy
# of the workspace, so keep it at the number of idle cores.
set -euo pipefail
cd "$(dirname "$0")/.."

group="${1:-all}"
shift || true

if ! command -v cargo-mutants >/dev/null; then
    cargo install cargo-mutants --locked --version 27.1.0
fi

# Mutants are built without optimisation: a mutant's rebuild then takes
# seconds instead of a minute and a half at the workspace's opt-level 3 for
# these crates, and the selected tests still run in seconds.
# Debug assertions and overflow checks stay on, as in the usual test build.
unoptimised=(
    --cargo-arg=--config=profile.dev.package.structream-parser.opt-level=0
    --cargo-arg=--config=profile.test.package.structream-parser.opt-level=0
    --cargo-arg=--config=profile.dev.package.structream-provider.opt-level=0
)

run() {
    local name="${MUTANTS_OUTPUT:-$1}"
    shift
    mkdir -p "target/mutants/$name"
    nice -n 10 cargo mutants ${MUTANTS_JOBS:+-j "$MUTANTS_JOBS"} "${unoptimised[@]}" \
        --output "target/mutants/$name" "$@"
}

document() {
    # The partial-document layer. `large_documents_stream_consistently_in_llm_sized_chunks`
    # (16 s of the 20 s of tests/document.rs) is left out: it checks large
    # corpora for consistency, which the other tests of the selection check
    # on small inputs at every split; every mutant would pay for it.
    run document -p structream-parser \
        -f parser/src/lenient.rs -f parser/src/document/core.rs \
        -f parser/src/document/delta.rs -f parser/src/document/items.rs \
        --cargo-arg=--lib \
        --cargo-arg=--test=document --cargo-arg=--test=lenient_edges \
        --cargo-arg=--test=document_patterns --cargo-arg=--test=deltas_api \
        --cargo-arg=--test=document_memory --cargo-arg=--test=partial_vectors \
        --cargo-test-arg=-- \
        --cargo-test-arg=--skip=large_documents_stream_consistently_in_llm_sized_chunks \
        "$@"
}

tokenizer() {
    # The tokenizer, against the tests that reach it in seconds:
    # `rejected_files_fail_the_same_way_at_every_split` (55 of the 60 s of
    # tests/jsontestsuite.rs, from its largest files split at every byte)
    # is left out, as rejected input's error kinds and offsets under
    # chunking are also checked by tests/errors.rs and tests/properties.rs;
    # `a_million_keys_in_one_object` (19 of the 25 s of tests/hostile.rs
    # unoptimised) is left out, as it checks the document layer's key
    # index at scale, not the tokenizer; and the properties run 256 cases
    # each (PROPTEST_CASES) instead of 512 and 4096.
    PROPTEST_CASES="${PROPTEST_CASES:-256}" run tokenizer -p structream-parser \
        --cargo-arg=--lib \
        --cargo-arg=--test=errors --cargo-arg=--test=regressions \
        --cargo-arg=--test=hostile --cargo-arg=--test=jsontestsuite \
        --cargo-arg=--test=partial_vectors --cargo-arg=--test=properties \
        --cargo-arg=--test=tokenizer_state \
        --cargo-test-arg=-- \
        --cargo-test-arg=--skip=rejected_files_fail_the_same_way_at_every_split \
        --cargo-test-arg=--skip=a_million_keys_in_one_object \
        -f 'parser/src/tokenizer/*.rs' \
        "$@"
}

sse() {
    # The SSE decoder, against the provider core's tests.
    # `recorded_sse_files_are_split_invariant` (every recorded stream split
    # at every byte: over three minutes unoptimised) is left out; the
    # property test `matches_the_reference_at_any_split` checks split
    # invariance against the reference decoder on generated streams.
    run sse -p structream-provider -f providers/core/src/sse.rs \
        --cargo-arg=--lib --cargo-arg=--test=sse --cargo-arg=--test=regressions \
        --cargo-test-arg=-- \
        --cargo-test-arg=--skip=recorded_sse_files_are_split_invariant \
        "$@"
}

case "$group" in
    document | tokenizer | sse) "$group" "$@" ;;
    all)
        document "$@"
        tokenizer "$@"
        sse "$@"
        ;;
    *)
        echo "usage: $0 document|tokenizer|sse|all [cargo-mutants arguments]" >&2
        exit 2
        ;;
esac
