//! Differential: our verdict and value equal serde_json's.
//!
//! Deliberate divergences, skipped below:
//! - numbers beyond f64's range: kept as written by us, rejected by serde_json
//!   ("number out of range");
//! - nesting of exactly 128 levels: accepted by us (limit 128), rejected by
//!   serde_json (its limit of 128 lets 127 levels through).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let theirs = serde_json::from_slice::<serde_json::Value>(bytes);
    let ours = structream_parser::parse(bytes);
    match (&ours, &theirs) {
        (Ok(ours), Ok(theirs)) => {
            let ours: serde_json::Value = serde_json::from_str(&ours.to_json()).unwrap();
            assert_eq!(&ours, theirs);
        }
        (Err(_), Err(_)) => {}
        (Ok(_), Err(e)) if e.to_string().starts_with("number out of range") => {}
        (Ok(_), Err(e)) if e.to_string().starts_with("recursion limit exceeded") => {}
        _ => panic!("verdicts differ: ours {ours:?}, serde_json {theirs:?}"),
    }
});
