//! Times the tokenizer's workloads and their peers interleaved, and prints
//! the ratios of the performance targets:
//!
//! ```text
//! cargo run --release -p structream-benches --bin ratios [-- ROUNDS [FIXTURE...]]
//! ```
//!
//! Criterion measures one benchmark after another, so on a shared machine
//! two implementations it compares may have run under different loads. Here
//! every round runs each workload of a fixture in turn (three times back to
//! back, keeping the fastest, so that it finds the heap as it leaves it),
//! and the figure kept for each is its fastest round over all rounds
//! (ROUNDS, default 100): the run least disturbed by whatever else the
//! machine was doing, measured under the same conditions as its peers. The
//! median over the rounds is printed beside it to show the spread. Each run
//! starts with the input read once (in cache, as for the run that follows
//! `from_utf8` in `serde-ignored-utf8`), and its check value (event count,
//! or 1 for a parse that succeeded) must equal the first run's.
//!
//! The workloads are those of `icount` (see [`structream_benches::workload`]).

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use structream_benches::fixtures;
use structream_benches::workload::{self, COMPARED};

/// Back-to-back runs of a workload in each round (see `main`).
const REPEAT: usize = 3;

/// The ratios printed: (label with its target, a, b), each the time of `a`
/// over the time of `b`. Against a peer, `a` is the peer (above 1: we are
/// faster); the 4-byte rows give our time in 4-byte chunks over our
/// whole-input time (lower is better).
const TARGETS: [(&str, &str, &str); 7] = [
    (
        "tokenizer vs serde_json IgnoredAny (≥ 1)",
        "serde-ignored",
        "tokenizer",
    ),
    (
        "tokenizer vs IgnoredAny + UTF-8, the same work (≥ 1)",
        "serde-ignored-utf8",
        "tokenizer",
    ),
    (
        "tokenizer + value vs serde_json Value (≥ 1.5)",
        "serde-value",
        "value",
    ),
    ("tokenizer vs jiter skip", "jiter-skip", "tokenizer"),
    (
        "4-byte ÷ whole time, tokenizer (≤ 1.3)",
        "tokenizer-4",
        "tokenizer",
    ),
    ("4-byte ÷ whole time, + value (≤ 1.3)", "value-4", "value"),
    (
        "bare 4-byte calls ÷ whole tokenizer (1.3 leaves 0.3)",
        "calls-4",
        "tokenizer",
    ),
];

/// The fastest and the median of a workload's rounds.
fn best_and_median(rounds: &[Duration]) -> (Duration, Duration) {
    let mut sorted = rounds.to_vec();
    sorted.sort_unstable();
    (sorted[0], sorted[sorted.len() / 2])
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let rounds: usize = match args.next().map(|a| a.parse()) {
        None => 100,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("usage: ratios [ROUNDS [FIXTURE...]]");
            return ExitCode::from(2);
        }
    };
    let only: Vec<String> = args.collect();
    let mut table = Vec::new();
    for fixture in fixtures() {
        if !only.is_empty() && !only.iter().any(|n| n == fixture.name) {
            continue;
        }
        let input = &fixture.bytes;
        let expected: Vec<usize> = COMPARED.iter().map(|w| workload::run(input, w)).collect();
        assert!(
            expected.iter().all(|&v| v > 0),
            "{}: a workload failed",
            fixture.name
        );
        let mut timings: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); COMPARED.len()];
        for _ in 0..rounds {
            for (i, name) in COMPARED.iter().enumerate() {
                // A workload's first run after another finds the heap as the
                // other left it (pages returned to the system, chunks of
                // other sizes); its next ones find it as it left it, as a
                // program that parses over and over does. The round keeps
                // the fastest of `REPEAT` back-to-back runs.
                let mut took = Duration::MAX;
                for _ in 0..REPEAT {
                    // Every run starts with the input in cache, whatever the
                    // run before it left there.
                    black_box(input.iter().fold(0u8, |acc, &b| acc ^ b));
                    let start = Instant::now();
                    let out = workload::run(black_box(input), black_box(name));
                    took = took.min(start.elapsed());
                    assert_eq!(
                        out, expected[i],
                        "{}: {name} changed its result",
                        fixture.name
                    );
                }
                timings[i].push(took);
            }
        }
        let mb = input.len() as f64 / 1e6;
        println!("{} ({:.2} MB), {rounds} rounds", fixture.name, mb);
        println!(
            "  {:<20} {:>10} {:>10} {:>12}",
            "workload", "best µs", "median µs", "best MB/s"
        );
        let summary: Vec<(Duration, Duration)> =
            timings.iter().map(|t| best_and_median(t)).collect();
        for (name, &(best, median)) in COMPARED.iter().zip(&summary) {
            let best = best.as_secs_f64();
            println!(
                "  {name:<20} {:>10.0} {:>10.0} {:>12.0}",
                best * 1e6,
                median.as_secs_f64() * 1e6,
                mb / best
            );
        }
        let best = |w: &str| {
            summary[COMPARED.iter().position(|n| *n == w).unwrap()]
                .0
                .as_secs_f64()
        };
        let ratios: Vec<f64> = TARGETS.iter().map(|&(_, a, b)| best(a) / best(b)).collect();
        table.push((fixture.name, ratios));
    }
    println!();
    println!(
        "| target | {} |",
        table
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(" | ")
    );
    println!("|---|{}", "---:|".repeat(table.len()));
    for (i, (label, _, _)) in TARGETS.iter().enumerate() {
        let cells: Vec<String> = table.iter().map(|(_, r)| format!("{:.2}×", r[i])).collect();
        println!("| {label} | {} |", cells.join(" | "));
    }
    ExitCode::SUCCESS
}
