//! Two calls in a row: the first extracts structured requirements from a
//! brief, the second plans milestones from that structure (not from the
//! prose), each milestone arriving as it closes.
//!
//! ```text
//! cargo run -p structream --example two_stage_pipeline
//! ```

mod common;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use structream::{Event, Partial, Request};

/// What a product brief asks for.
#[derive(Debug, Serialize, Deserialize, JsonSchema, Partial)]
struct Requirements {
    audience: String,
    features: Vec<String>,
    constraints: Vec<String>,
}

/// A step of the plan.
#[derive(Debug, Serialize, Deserialize, JsonSchema, Partial)]
struct Milestone {
    name: String,
    /// Length in weeks.
    #[schemars(range(min = 1, max = 12))]
    weeks: u32,
    /// Which features it delivers (by their names in the requirements).
    delivers: Vec<String>,
}

const BRIEF: &str = "We want a mobile app for our climbing gym members: they should book \
    classes, see how busy the gym is right now, and log their climbs. It must work with our \
    existing member database, and launch before the summer season in 10 weeks.";

#[tokio::main]
async fn main() -> Result<(), structream::Error> {
    let answers = vec![
        common::tool_call(
            "Requirements",
            r#"{"audience": "climbing gym members", "features": ["class booking", "live occupancy", "climb log"], "constraints": ["use the existing member database", "launch within 10 weeks"]}"#,
        ),
        common::tool_call(
            "MilestoneList",
            r#"{"items": [{"name": "Member login and class booking", "weeks": 4, "delivers": ["class booking"]}, {"name": "Live occupancy", "weeks": 2, "delivers": ["live occupancy"]}, {"name": "Climb log and launch", "weeks": 3, "delivers": ["climb log"]}]}"#,
        ),
    ];
    let client = common::client(answers).await;

    // Stage 1: prose in, structure out.
    let requirements: Requirements = client.create(Request::user(BRIEF)).await?;
    println!("stage 1: requirements");
    println!("  for {}", requirements.audience);
    println!("  features: {}", requirements.features.join(", "));
    println!("  constraints: {}", requirements.constraints.join(", "));

    // Stage 2: the structure in (as JSON), a plan out, milestone by milestone.
    let input = serde_json::to_string_pretty(&requirements).expect("serializable");
    let request = Request::user(format!(
        "Plan the milestones for these requirements:\n{input}"
    ))
    .system("You are a pragmatic engineering manager.");
    println!("stage 2: milestones");
    let mut plan = client.create_iterable::<Milestone>(request);
    let mut total = 0;
    while let Some(event) = structream::next(&mut plan).await {
        if let Event::Item(m) = event? {
            total += m.weeks;
            println!(
                "  {:>2} weeks  {} ({})",
                m.weeks,
                m.name,
                m.delivers.join(", ")
            );
        }
    }
    println!("  total {total} weeks");
    Ok(())
}
