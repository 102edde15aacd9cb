//! Shared helpers of the benchmark suite; the benchmarks live in `benches/`.
