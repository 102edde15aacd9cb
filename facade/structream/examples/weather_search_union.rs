//! `Iterable[Union[Weather, GoogleSearch]]`: an enum with one tool per
//! variant; the model calls several tools in parallel, and each call comes
//! out as its variant the moment its arguments close.
//!
//! ```text
//! cargo run -p structream --example weather_search_union
//! ```

mod common;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use structream::{Event, Mode, Partial, Request};

/// Units of a weather report.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Partial)]
#[serde(rename_all = "lowercase")]
enum Units {
    Imperial,
    Metric,
}

/// Look up the current weather of a place.
#[derive(Debug, Serialize, Deserialize, JsonSchema, Partial)]
struct Weather {
    location: String,
    units: Units,
}

/// Search the web.
#[derive(Debug, Serialize, Deserialize, JsonSchema, Partial)]
struct GoogleSearch {
    query: String,
}

/// One tool call: a variant per tool.
#[derive(Debug, Serialize, Deserialize, JsonSchema, Partial)]
enum Action {
    Weather(Weather),
    GoogleSearch(GoogleSearch),
}

#[tokio::main]
async fn main() -> Result<(), structream::Error> {
    let answer = common::tool_calls(&[
        ("Weather", r#"{"location": "Toronto", "units": "metric"}"#),
        ("Weather", r#"{"location": "Dallas", "units": "imperial"}"#),
        ("GoogleSearch", r#"{"query": "who won the super bowl"}"#),
    ]);
    let client = common::client(vec![answer]).await;

    let request =
        Request::user("What is the weather in Toronto and Dallas, and who won the super bowl?")
            .system("You must always use tools.")
            .mode(Mode::ParallelTools);
    let mut actions = client.create_iterable::<Action>(request);
    while let Some(event) = structream::next(&mut actions).await {
        match event? {
            Event::Item(Action::Weather(w)) => {
                println!("weather  {} ({:?})", w.location, w.units);
            }
            Event::Item(Action::GoogleSearch(s)) => println!("search   {:?}", s.query),
            _ => {}
        }
    }
    Ok(())
}
