//! Job listings pulled out of a messy post, each printed the moment it is
//! complete (`create_iterable`), with optional fields and a list inside
//! each item.
//!
//! ```text
//! cargo run -p structream --example job_listings
//! ```

mod common;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use structream::{Event, Partial, Request};

/// One open position.
#[derive(Debug, Serialize, Deserialize, JsonSchema, Partial)]
struct JobListing {
    title: String,
    company: String,
    location: String,
    remote: bool,
    /// As written, such as "$120k-150k"; null if not given.
    salary: Option<String>,
    skills: Vec<String>,
}

const POST: &str = "HIRING THREAD: Ferrous Labs (Berlin or remote EU) needs a senior Rust \
    engineer, tokio + postgres, 90-110k EUR. || Nimbus Health, Boston office only: data \
    engineer, Python/dbt/Snowflake, salary DOE. || Also Ferrous Labs: DevRel, remote, must \
    love writing and Rust, 70k EUR.";

#[tokio::main]
async fn main() -> Result<(), structream::Error> {
    let answer = r#"{"items": [{"title": "Senior Rust Engineer", "company": "Ferrous Labs", "location": "Berlin", "remote": true, "salary": "90-110k EUR", "skills": ["Rust", "tokio", "PostgreSQL"]}, {"title": "Data Engineer", "company": "Nimbus Health", "location": "Boston", "remote": false, "salary": null, "skills": ["Python", "dbt", "Snowflake"]}, {"title": "Developer Relations", "company": "Ferrous Labs", "location": "Remote (EU)", "remote": true, "salary": "70k EUR", "skills": ["writing", "Rust"]}]}"#;
    let client = common::client(vec![common::tool_call("JobListingList", answer)]).await;

    let mut jobs = client.create_iterable::<JobListing>(Request::user(POST));
    let mut n = 0;
    while let Some(event) = structream::next(&mut jobs).await {
        if let Event::Item(job) = event? {
            n += 1;
            println!(
                "{n}. {} at {}, {}{}",
                job.title,
                job.company,
                job.location,
                if job.remote { " (remote ok)" } else { "" }
            );
            println!(
                "   salary: {}; skills: {}",
                job.salary.as_deref().unwrap_or("not given"),
                job.skills.join(", ")
            );
        }
    }
    Ok(())
}
