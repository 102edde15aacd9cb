//! Each user of a list the moment its closing `}` arrives, while the model
//! is still writing the next one (Instructor's `create_iterable`).
//!
//! ```text
//! cargo run -p structream --example users_iterable
//! ```

mod common;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use structream::{Event, Partial, Request};

/// A person mentioned in the text.
#[derive(Debug, Serialize, Deserialize, JsonSchema, Partial)]
struct User {
    name: String,
    age: u32,
}

#[tokio::main]
async fn main() -> Result<(), structream::Error> {
    let answer = r#"{"items": [{"name": "Jason", "age": 10}, {"name": "John", "age": 30}]}"#;
    let client = common::client(vec![common::tool_call("UserList", answer)]).await;

    let started = std::time::Instant::now();
    let mut users = client.create_iterable::<User>(
        Request::user("Jason is 10 and John is 30").system("Extract every person mentioned."),
    );
    while let Some(event) = structream::next(&mut users).await {
        if let Event::Item(user) = event? {
            println!(
                "{:>6.2} s  {} is {}",
                started.elapsed().as_secs_f64(),
                user.name,
                user.age
            );
        }
    }
    Ok(())
}
