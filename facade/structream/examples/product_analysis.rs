//! A product analysis streaming in: the verdict first, then the pros and
//! cons, each list growing as the model writes it (`create_partial`).
//!
//! ```text
//! cargo run -p structream --example product_analysis
//! ```

mod common;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use structream::partial::List;
use structream::{Event, Partial, Request};

/// An analysis of a product from its reviews.
#[derive(Debug, Serialize, Deserialize, JsonSchema, Partial)]
struct ProductAnalysis {
    product: String,
    /// The overall verdict in one sentence.
    verdict: String,
    /// From 1 (avoid) to 5 (excellent).
    #[schemars(range(min = 1, max = 5))]
    rating: u8,
    pros: Vec<String>,
    cons: Vec<String>,
    /// Who should buy it.
    best_for: String,
}

const REVIEWS: &str = "\
- 'The AeroPress Go makes great coffee anywhere. Packs into its own mug.' (5 stars)
- 'Fiddly to clean the first few times, and it only makes one cup.' (3 stars)
- 'Cheap, unbreakable, and the coffee is better than my $300 machine.' (5 stars)
- 'The plastic feels flimsy and the mug lid is loose.' (3 stars)";

#[tokio::main]
async fn main() -> Result<(), structream::Error> {
    let answer = r#"{"product": "AeroPress Go", "verdict": "A cheap, near-indestructible travel press that makes excellent single cups.", "rating": 4, "pros": ["excellent coffee", "packs into its own mug", "cheap and durable"], "cons": ["one cup at a time", "fiddly to clean at first", "loose mug lid"], "best_for": "travellers and single-cup drinkers"}"#;
    let client = common::client(vec![common::tool_call("ProductAnalysis", answer)]).await;

    let request = Request::user(format!(
        "Analyse the product from these reviews:\n{REVIEWS}"
    ));
    let mut stream = client.create_partial::<ProductAnalysis>(request);
    while let Some(event) = structream::next(&mut stream).await {
        match event? {
            Event::Partial(p) => {
                let list = |items: &Option<List<String>>| items.as_ref().map_or(0, List::len);
                common::show_progress(&format!(
                    "{} | rating {} | {} pros, {} cons | {}",
                    p.product.as_deref().unwrap_or("…"),
                    p.rating.map_or("…".to_owned(), |r| r.to_string()),
                    list(&p.pros),
                    list(&p.cons),
                    p.verdict.as_deref().unwrap_or(""),
                ));
            }
            Event::Done(a) => {
                common::end_progress();
                println!("\n{} {}/5: {}", a.product, a.rating, a.verdict);
                for pro in &a.pros {
                    println!("  + {pro}");
                }
                for con in &a.cons {
                    println!("  - {con}");
                }
                println!("  best for {}", a.best_for);
            }
            _ => {}
        }
    }
    Ok(())
}
