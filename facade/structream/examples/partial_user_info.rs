//! A value filling in as the model writes it (Instructor's
//! `create_partial`): every field is an `Option` until it arrives; strings
//! grow, numbers show once complete.
//!
//! ```text
//! cargo run -p structream --example partial_user_info
//! ```

mod common;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use structream::{Event, Partial, Request};

/// What the text says about a person.
#[derive(Debug, Serialize, Deserialize, JsonSchema, Partial)]
struct UserInfo {
    name: String,
    age: u32,
    occupation: String,
    /// Where they live: city and country.
    location: String,
    hobbies: Vec<String>,
}

const TEXT: &str = "Jason Liu is 25. He lives in Toronto, Canada, and works as a machine \
    learning engineer. On weekends he climbs, cooks ramen and takes film photos.";

#[tokio::main]
async fn main() -> Result<(), structream::Error> {
    let answer = r#"{"name": "Jason Liu", "age": 25, "occupation": "machine learning engineer", "location": "Toronto, Canada", "hobbies": ["climbing", "cooking ramen", "film photography"]}"#;
    let client = common::client(vec![common::tool_call("UserInfo", answer)]).await;

    let mut stream = client.create_partial::<UserInfo>(Request::user(TEXT));
    while let Some(event) = structream::next(&mut stream).await {
        match event? {
            // The partial is shared, not copied: read it and let it go.
            Event::Partial(partial) => common::show_progress(&common::json(&*partial)),
            Event::Done(user) => {
                common::end_progress();
                println!(
                    "{} ({}), {} in {}; likes {}",
                    user.name,
                    user.age,
                    user.occupation,
                    user.location,
                    user.hobbies.join(", ")
                );
            }
            _ => {}
        }
    }
    Ok(())
}
