//! Support tickets classified with unit enums (shown only once complete,
//! never half a word) and a confidence score whose range is part of the
//! schema and checked on the answer; `create_with_completion` also gives
//! the finish reason, usage and retries.
//!
//! ```text
//! cargo run -p structream --example ticket_classification
//! ```

mod common;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use structream::{Partial, Request};

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Partial)]
#[serde(rename_all = "snake_case")]
enum Category {
    Billing,
    Technical,
    Account,
    FeatureRequest,
    Other,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Partial)]
#[serde(rename_all = "snake_case")]
enum Urgency {
    Low,
    Medium,
    High,
    Critical,
}

/// A support ticket, classified.
#[derive(Debug, Serialize, Deserialize, JsonSchema, Partial)]
#[structream(validate = "key_information_given")]
struct TicketClassification {
    category: Category,
    urgency: Urgency,
    /// How sure the classification is, from 0 to 1.
    #[schemars(range(min = 0.0, max = 1.0))]
    confidence: f64,
    /// Facts support needs: account ids, amounts, dates, error messages.
    key_information: Vec<String>,
    suggested_action: String,
}

fn key_information_given(t: &TicketClassification) -> Result<(), String> {
    if t.key_information.is_empty() {
        Err("key_information must list at least one fact from the ticket".into())
    } else {
        Ok(())
    }
}

const TICKETS: [&str; 2] = [
    "I was charged twice for my March subscription (invoice INV-2291). Please refund one!",
    "Since this morning the export button gives 'Error 502' and our month-end report is due today.",
];

#[tokio::main]
async fn main() -> Result<(), structream::Error> {
    let answers = vec![
        common::tool_call(
            "TicketClassification",
            r#"{"category": "billing", "urgency": "medium", "confidence": 0.94, "key_information": ["charged twice", "March subscription", "invoice INV-2291"], "suggested_action": "Refund the duplicate charge and confirm by email."}"#,
        ),
        common::tool_call(
            "TicketClassification",
            r#"{"category": "technical", "urgency": "critical", "confidence": 0.88, "key_information": ["export fails with Error 502", "since this morning", "month-end report due today"], "suggested_action": "Escalate to the on-call engineer; offer a manual export meanwhile."}"#,
        ),
    ];
    let client = common::client(answers).await;

    for ticket in TICKETS {
        let request = Request::user(ticket)
            .system("Classify the support ticket.")
            .max_retries(2);
        let done = client
            .create_with_completion::<TicketClassification>(request)
            .await?;
        let t = done.value;
        println!("{ticket}");
        println!(
            "  {:?} / {:?}, confidence {:.0}% {}",
            t.category,
            t.urgency,
            t.confidence * 100.0,
            "█".repeat((t.confidence * 10.0).round() as usize)
        );
        println!("  facts: {}", t.key_information.join("; "));
        println!("  next:  {}", t.suggested_action);
        println!(
            "  ({} output tokens, {} retries, finish reason {:?})\n",
            done.usage.output_tokens,
            done.retries,
            done.finish_reason.map(|r| r.as_str())
        );
    }
    Ok(())
}
