//! Chain of thought as a field: `reasoning` comes first in the struct, so
//! the schema asks for it first and the model thinks before it concludes.
//! The reasoning streams out like chat text; the conclusion follows.
//!
//! ```text
//! cargo run -p structream --example diagnosis_chain_of_thought
//! ```

mod common;

use std::io::Write;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use structream::{Event, Partial, Request};

/// A diagnosis of a technical problem.
#[derive(Debug, Serialize, Deserialize, JsonSchema, Partial)]
struct Diagnosis {
    /// Think step by step about the symptoms before concluding.
    reasoning: String,
    /// The most likely cause.
    likely_cause: String,
    /// From 0 to 1.
    #[schemars(range(min = 0.0, max = 1.0))]
    confidence: f64,
    /// What to check or do, in order.
    next_steps: Vec<String>,
}

const SYMPTOMS: &str = "Our API's p99 latency jumps from 80 ms to 2 s every day around 02:00 UTC \
    for about 20 minutes. CPU stays at 30%. The database shows many waiting connections then.";

#[tokio::main]
async fn main() -> Result<(), structream::Error> {
    let answer = r#"{"reasoning": "The spike is daily and at a fixed time, so it is scheduled work rather than traffic. CPU is low, so the service is waiting, not computing. Waiting database connections point at locks or a saturated pool: a nightly job (backup, vacuum, batch import) holding locks or connections fits all three symptoms.", "likely_cause": "A nightly database job at 02:00 UTC holds locks or exhausts the connection pool", "confidence": 0.8, "next_steps": ["List cron and database jobs scheduled around 02:00 UTC", "Check pg_stat_activity for lock waits during the window", "Move the job or give it its own connection limit"]}"#;
    let client = common::client(vec![common::tool_call("Diagnosis", answer)]).await;

    let mut stream = client.create_partial::<Diagnosis>(Request::user(SYMPTOMS));
    let mut shown = 0;
    print!("thinking: ");
    while let Some(event) = structream::next(&mut stream).await {
        match event? {
            Event::Partial(p) => {
                // Print what is new of the reasoning, like chat text.
                if let Some(reasoning) = &p.reasoning {
                    print!("{}", &reasoning[shown..]);
                    shown = reasoning.len();
                    let _ = std::io::stdout().flush();
                }
            }
            Event::Done(d) => {
                println!(
                    "\n\ncause ({:.0}% sure): {}",
                    d.confidence * 100.0,
                    d.likely_cause
                );
                for (i, step) in d.next_steps.iter().enumerate() {
                    println!("  {}. {step}", i + 1);
                }
            }
            _ => {}
        }
    }
    Ok(())
}
