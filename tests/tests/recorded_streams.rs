//! Every recorded provider stream, decoded by its protocol crate, with each
//! tool call's arguments (and JSON content) fed to a partial document
//! exactly as the model's deltas arrived: mid-string, mid-escape,
//! mid-number. Snapshots must grow into the final value, the deltas must
//! replay to every snapshot, and the final value must equal a one-shot
//! parse. The two recordings cut by the token limit end incomplete, with
//! the best partial value.

use std::collections::BTreeMap;

use structream_parser::document::{Document, Lenient, Options, Outcome, apply};
use structream_parser::repair::Repairs;
use structream_parser::{Value, parse};
use structream_provider::conformance::fixtures;
use structream_provider::{StreamDecoder, StreamEvent};

/// One JSON channel's fragments, in arrival order.
type Channels = BTreeMap<(u32, u32), Vec<String>>;

fn decoder(protocol: &str) -> Box<dyn StreamDecoder> {
    match protocol {
        "anthropic" => Box::new(structream_anthropic::AnthropicDecoder::default()),
        "gemini" => Box::new(structream_gemini::GeminiDecoder::default()),
        "openai-responses" => Box::new(structream_openai::ResponsesDecoder::default()),
        _ => Box::new(structream_openai::ChatDecoder::default()),
    }
}

/// Tool-call arguments by (choice, index), and text content by choice
/// (index `u32::MAX`).
fn channels(protocol: &str, body: &[u8]) -> Option<Channels> {
    let mut d = decoder(protocol);
    let mut out = Channels::new();
    let mut sink = |event: StreamEvent<'_>| match event {
        StreamEvent::ToolArgsDelta {
            choice,
            index,
            json,
        } => out
            .entry((choice, index))
            .or_default()
            .push(json.into_owned()),
        StreamEvent::TextDelta { choice, text } => out
            .entry((choice, u32::MAX))
            .or_default()
            .push(text.into_owned()),
        _ => {}
    };
    d.feed(body, &mut sink).ok()?;
    match d.finish(&mut sink) {
        // A stream that stopped early keeps what arrived.
        Err(e) if !e.is_eof() => None,
        _ => Some(out),
    }
}

/// Calls `f` with every channel of every recording the decoders accept:
/// the fixture's name, the choice, the index (`u32::MAX` for text) and the
/// fragments. (Files a decoder rejects on purpose are pinned by the
/// provider crates' own tests.)
fn each_channel(mut f: impl FnMut(&str, u32, u32, &[String])) {
    for protocol in [
        "openai-chat",
        "openai-compatible",
        "openai-responses",
        "anthropic",
        "gemini",
    ] {
        for fixture in fixtures(protocol) {
            for ((choice, index), fragments) in
                channels(protocol, &fixture.body).unwrap_or_default()
            {
                f(&fixture.name, choice, index, &fragments);
            }
        }
    }
}

fn consistent(partial: &Value, fin: &Value) -> bool {
    match (partial, fin) {
        (Value::String(a), Value::String(b)) => b.starts_with(a.as_str()),
        (Value::Array(a), Value::Array(b)) => {
            a.len() <= b.len()
                && a.iter().zip(b).enumerate().all(|(i, (x, y))| {
                    if i + 1 < a.len() {
                        x == y
                    } else {
                        consistent(x, y)
                    }
                })
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() <= b.len()
                && a.iter().zip(b).enumerate().all(|(i, ((ka, x), (kb, y)))| {
                    ka == kb
                        && if i + 1 < a.len() {
                            x == y
                        } else {
                            consistent(x, y)
                        }
                })
        }
        (x, y) => x == y,
    }
}

/// Streams one channel's fragments; the outcome and the last snapshot.
fn stream(name: &str, fragments: &[String], fin: Option<&Value>) -> (Outcome, Option<Value>) {
    let lenient = if fin.is_none() {
        Lenient::Any
    } else {
        Lenient::Off
    };
    let mut doc = Document::with_options(Options::default().deltas(true).lenient(lenient));
    let mut replayed = None;
    let mut prev: Option<Value> = None;
    let mut check = |changes: structream_parser::document::Changes<'_>| {
        for delta in changes.deltas() {
            apply(&mut replayed, &delta).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let snapshot = changes.snapshot().map(|s| s.value());
        assert_eq!(
            replayed.as_ref().map(Value::to_json),
            snapshot.as_ref().map(Value::to_json),
            "{name}: deltas replay"
        );
        if let Some(s) = &snapshot {
            if let Some(fin) = fin {
                assert!(consistent(s, fin), "{name}: {s} does not lead to {fin}");
            }
            if let Some(p) = &prev {
                assert!(consistent(p, s), "{name}: {p} then {s}");
            }
        }
        prev = snapshot;
    };
    for fragment in fragments {
        let changes = doc
            .feed(fragment.as_bytes())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        check(changes);
    }
    let end = doc.finish().unwrap_or_else(|e| panic!("{name}: {e}"));
    let outcome = end.outcome().unwrap();
    check(end);
    (outcome, prev)
}

#[test]
fn recorded_tool_arguments_and_json_content_stream_consistently() {
    let mut checked = 0;
    let mut content = 0;
    each_channel(|fixture, choice, index, fragments| {
        let whole: String = fragments.concat();
        let name = format!("{fixture} choice {choice} index {index}");
        let is_text = index == u32::MAX;
        let fin = match parse(whole.as_bytes()) {
            Ok(v) => v,
            // Prose content is not JSON; truncated ones are checked below.
            Err(_) => return,
        };
        if is_text && !matches!(fin, Value::Object(_) | Value::Array(_)) {
            return;
        }
        let (outcome, last) = stream(&name, fragments, Some(&fin));
        assert_eq!(outcome, Outcome::Complete, "{name}");
        assert_eq!(last.as_ref(), Some(&fin), "{name}");
        checked += 1;
        content += usize::from(is_text);
    });
    // Real recordings, not a handful: every tool call and JSON answer in them.
    eprintln!("{checked} channels checked, {content} of them JSON content");
    assert!(checked >= 70, "only {checked} channels checked");
    assert!(content >= 5, "only {content} JSON content channels");
}

#[test]
fn answers_cut_by_the_token_limit_end_incomplete_with_the_best_partial() {
    for (protocol, file, expected) in [
        (
            "openai-chat",
            "openai-chat/openai-python/parse_max_tokens_reached_truncated_json.sse",
            "{}",
        ),
        (
            "anthropic",
            "anthropic/anthropic-sdk-python/incomplete_partial_json_response.sse",
            r###"{"filename":"taxes.txt","lines_of_text":["# COMPREHENSIVE TAX GUIDE FOR INDIVIDUALS WITH MULTIPLE W-2s","","## INTRODUCTION","","Filing taxes"]}"###,
        ),
    ] {
        let fixture = fixtures(protocol)
            .into_iter()
            .find(|f| f.name == file)
            .unwrap_or_else(|| panic!("{file}"));
        let channels =
            channels(protocol, &fixture.body).unwrap_or_else(|| panic!("{file} decodes"));
        let (_, fragments) = channels
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("{file}: no JSON"));
        let whole = fragments.concat();
        assert!(parse(whole.as_bytes()).is_err(), "{file} is cut");
        let (outcome, last) = stream(file, &fragments, None);
        assert!(
            matches!(outcome, Outcome::Incomplete(e) if e.is_eof()),
            "{file}: {outcome:?}"
        );
        let shown = last.map(|v| v.to_json()).unwrap_or_default();
        assert_eq!(shown, expected, "{file}");
    }
}

/// Prose answers (every recorded text channel that is not JSON) read
/// leniently, as `structream sse --partial` reads them: markdown, links
/// (`[techcrunch.com](https://…)`), code and citations never make the
/// scanner start a value that then fails. A bracketed citation such as
/// `[1]` is valid JSON and may be taken for the value; nothing errors.
#[test]
fn recorded_prose_reads_leniently_without_an_error() {
    let mut prose = 0;
    let mut links = 0;
    each_channel(|fixture, choice, index, fragments| {
        let whole: String = fragments.concat();
        if index != u32::MAX || parse(whole.as_bytes()).is_ok() {
            return;
        }
        let name = format!("{fixture} choice {choice}");
        let mut doc = Document::with_options(Options::default().lenient(Lenient::Any));
        for fragment in fragments {
            if let Err(e) = doc.feed(fragment.as_bytes()) {
                panic!("{name}: {e} in {whole:?}");
            }
        }
        doc.finish().unwrap_or_else(|e| panic!("{name}: {e}"));
        prose += 1;
        links += usize::from(whole.contains("]("));
    });
    eprintln!("{prose} prose channels, {links} with markdown links");
    assert!(
        prose >= 20 && links >= 3,
        "{prose} prose channels, {links} with links"
    );
}

/// What a document made of a channel's fragments: the final snapshot and
/// whether it is complete, or the error.
fn read_channel(options: &Options, fragments: &[String]) -> Result<(Option<String>, bool), String> {
    let mut doc = Document::with_options(options.clone());
    for fragment in fragments {
        doc.feed(fragment.as_bytes()).map_err(|e| e.to_string())?;
    }
    let end = doc.finish().map_err(|e| e.to_string())?;
    let complete = end.outcome() == Some(Outcome::Complete);
    Ok((end.snapshot().map(|s| s.to_json()), complete))
}

/// Every recorded channel (tool arguments strict, text leniently) reads
/// the same with and without repair where it is valid JSON: repair changes
/// nothing that a strict read accepts, prose around it included.
#[test]
fn recorded_streams_read_the_same_with_and_without_repair() {
    let mut compared = 0;
    each_channel(|fixture, choice, index, fragments| {
        let lenient = if index == u32::MAX {
            Lenient::Object
        } else {
            Lenient::Off
        };
        let strict = Options::default().lenient(lenient);
        let Ok((json, true)) = read_channel(&strict, fragments) else {
            return;
        };
        let repaired = read_channel(&strict.clone().repair(Repairs::ALL), fragments);
        assert_eq!(
            repaired,
            Ok((json, true)),
            "{fixture} choice {choice} index {index}"
        );
        compared += 1;
    });
    eprintln!("{compared} channels compared");
    assert!(compared >= 50, "{compared} channels compared");
}
