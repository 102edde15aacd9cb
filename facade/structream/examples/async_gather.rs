//! Many calls at once: a summary per article, all in flight together
//! (`asyncio.gather` in Python), each printed as soon as it is done. Plain
//! `tokio::spawn` and its join handles, no extra crate.
//!
//! ```text
//! cargo run -p structream --example async_gather
//! ```

mod common;

use std::time::Instant;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use structream::{Partial, Request};

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Partial)]
#[serde(rename_all = "lowercase")]
enum Sentiment {
    Positive,
    Neutral,
    Negative,
}

/// A summary of an article.
#[derive(Debug, Serialize, Deserialize, JsonSchema, Partial)]
struct Summary {
    headline: String,
    /// One sentence.
    summary: String,
    sentiment: Sentiment,
}

const ARTICLES: [&str; 4] = [
    "The city council approved a new cycle lane network connecting all five districts by 2027...",
    "Shares of Tern Motors fell 12% after the company delayed its electric truck for a second time...",
    "Researchers at the university's marine lab report the coral reef has recovered faster than expected...",
    "The central bank left interest rates unchanged, citing stable inflation and steady hiring...",
];

const ANSWERS: [&str; 4] = [
    r#"{"headline": "Cycle lanes to link all five districts", "summary": "The council approved a city-wide cycle network due by 2027.", "sentiment": "positive"}"#,
    r#"{"headline": "Tern Motors falls 12% on truck delay", "summary": "A second delay of its electric truck sent Tern Motors shares down 12%.", "sentiment": "negative"}"#,
    r#"{"headline": "Coral reef recovering faster than expected", "summary": "Marine biologists report a faster than expected recovery of the reef.", "sentiment": "positive"}"#,
    r#"{"headline": "Central bank holds rates", "summary": "Rates stay unchanged as inflation is stable and hiring steady.", "sentiment": "neutral"}"#,
];

#[tokio::main]
async fn main() -> Result<(), structream::Error> {
    let live = common::live();
    common::banner(live.is_some());
    let started = Instant::now();

    let mut handles = Vec::new();
    for (i, article) in ARTICLES.into_iter().enumerate() {
        // One client serves every call; without a key, each article gets a
        // replay server of its own so its answer matches it.
        let client = match &live {
            Some(client) => client.clone(),
            None => common::replay(vec![common::tool_call("Summary", ANSWERS[i])]).await,
        };
        handles.push(tokio::spawn(async move {
            let call = Instant::now();
            let summary = client
                .create::<Summary>(Request::user(format!("Summarize:\n{article}")))
                .await;
            if let Ok(s) = &summary {
                println!(
                    "{:>5.2} s  #{i} {:?}: {}\n          {}",
                    started.elapsed().as_secs_f64(),
                    s.sentiment,
                    s.headline,
                    s.summary
                );
            }
            (i, summary, call.elapsed())
        }));
    }

    // Join them all; the first error, if any, is the result.
    let mut busy = 0.0;
    let mut summaries = Vec::new();
    for handle in handles {
        let (i, summary, took) = handle.await.expect("the task ran to completion");
        busy += took.as_secs_f64();
        summaries.push((i, summary?));
    }
    println!(
        "{} summaries in {:.2} s (one after the other: {busy:.2} s)",
        summaries.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
