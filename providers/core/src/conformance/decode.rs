//! Decoding a body at many chunkings, and the rules every event sequence
//! keeps. Pure: no I/O, no async; the fuzz targets call these too.

use std::collections::BTreeMap;

use crate::error::DecodeError;
use crate::event::StreamEvent;
use crate::provider::{FrameHandler, StreamDecoder};
use crate::sse::{SseDecoder, SseEvent};

/// Deterministic pseudo-random cut points, chunks of 1..=`max_chunk` bytes.
pub fn random_cuts(len: usize, seed: u64, max_chunk: usize) -> Vec<usize> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut cuts = Vec::new();
    let mut at = 0;
    loop {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        at += 1 + (x as usize) % max_chunk.max(1);
        if at >= len {
            return cuts;
        }
        cuts.push(at);
    }
}

/// What a decoder made of a body: the events and how it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The events, in order.
    pub events: Vec<StreamEvent<'static>>,
    /// `Ok` when the body ended normally.
    pub end: Result<(), DecodeError>,
}

/// Feeds `body` cut at `cuts` (sorted offsets), then finishes.
pub fn decode_with_cuts(decoder: &mut dyn StreamDecoder, body: &[u8], cuts: &[usize]) -> Decoded {
    let mut events = Vec::new();
    let mut sink = |e: StreamEvent<'_>| events.push(e.into_owned());
    let mut prev = 0;
    for &c in cuts.iter().chain(std::iter::once(&body.len())) {
        if let Err(e) = decoder.feed(&body[prev..c], &mut sink) {
            return Decoded {
                events,
                end: Err(e),
            };
        }
        prev = c;
    }
    let end = decoder.finish(&mut sink);
    Decoded { events, end }
}

/// `body` with a space after the opening brace of every other line that
/// starts a JSON object (`data: {`, `data:{` or `{`): the same values to
/// any JSON reader, but no such frame repeats the bytes of the one before,
/// so a decoder takes no shortcut through a remembered frame
/// ([`Envelope::refill`](crate::envelope::Envelope::refill)); its events
/// must be the same.
pub fn without_repeats(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + body.len() / 64);
    let mut odd = false;
    for line in body.split_inclusive(|&b| b == b'\n') {
        let brace = [&b"data: {"[..], b"data:{", b"{"]
            .iter()
            .find(|p| line.starts_with(p))
            .map(|p| p.len());
        match brace {
            Some(at) => {
                odd = !odd;
                out.extend_from_slice(&line[..at]);
                if odd {
                    out.push(b' ');
                }
                out.extend_from_slice(&line[at..]);
            }
            None => out.extend_from_slice(line),
        }
    }
    out
}

/// Whether two decodings of a body and of the same body
/// [without repeats](without_repeats) agree: the same events and the same
/// kind of end, where an error event may differ in its message (a provider
/// error made of a body that is not a stream quotes the body's text).
pub fn same_but_quoted_text(a: &Decoded, b: &Decoded) -> bool {
    a.end.is_ok() == b.end.is_ok()
        && a.events.len() == b.events.len()
        && a.events.iter().zip(&b.events).all(|pair| match pair {
            (StreamEvent::Error(_), StreamEvent::Error(_)) => true,
            (x, y) => x == y,
        })
}

/// Each SSE frame of `body` through `handler`, one by one: its events
/// (`Debug` text) or its error's kind, and what `shortcut` said of the
/// handler and the frame just before the handler took it (whether it would
/// read the frame through a remembered one).
#[allow(clippy::type_complexity)]
pub fn frame_by_frame<H: FrameHandler>(
    handler: &mut H,
    body: &[u8],
    shortcut: impl Fn(&mut H, &SseEvent<'_>) -> bool,
) -> (Vec<Result<Vec<String>, String>>, Vec<bool>) {
    let (mut events, mut taken) = (Vec::new(), Vec::new());
    SseDecoder::new()
        .feed(body, |frame| {
            taken.push(shortcut(handler, &frame));
            let mut out = Vec::new();
            let r = handler.frame(&frame, &mut |e| out.push(format!("{e:?}")));
            // The kind alone: another body's offsets may differ.
            events.push(r.map(|()| out).map_err(|e| format!("{:?}", e.kind())));
        })
        .expect("SSE");
    (events, taken)
}

/// Decodes `body` frame by frame with a fresh `H`, checks that
/// `shortcut` is `expected` frame by frame, then that the body
/// [without repeats](without_repeats) takes the shortcut nowhere and gives
/// the same events; returns them.
pub fn check_shortcuts<H: FrameHandler + Default>(
    body: &[u8],
    shortcut: impl Fn(&mut H, &SseEvent<'_>) -> bool,
    expected: &[bool],
) -> Vec<Result<Vec<String>, String>> {
    let (events, taken) = frame_by_frame(&mut H::default(), body, &shortcut);
    assert_eq!(taken, expected, "where the shortcut was taken");
    let (full, never) = frame_by_frame(&mut H::default(), &without_repeats(body), &shortcut);
    assert!(never.iter().all(|t| !t), "{never:?}");
    assert_eq!(events, full, "the same events without the shortcut");
    events
}

/// Decodes `body` whole, at every split when it is shorter than
/// `every_split_below` bytes, and in random chunkings; panics unless all
/// agree and the events keep the [`check_invariants`] rules. Returns the
/// whole-body result.
pub fn check_decoding(
    name: &str,
    make: &dyn Fn() -> Box<dyn StreamDecoder>,
    body: &[u8],
    every_split_below: usize,
) -> Decoded {
    let whole = decode_with_cuts(&mut *make(), body, &[]);
    check_invariants(name, &whole, body.len());
    if body.len() < every_split_below {
        for cut in 0..=body.len() {
            let split = decode_with_cuts(&mut *make(), body, &[cut]);
            assert!(split == whole, "{name}: split at byte {cut} differs");
        }
    }
    let varied = decode_with_cuts(&mut *make(), &without_repeats(body), &[]);
    assert!(
        same_but_quoted_text(&varied, &whole),
        "{name}: the body without repeated frames decodes differently"
    );
    for (seed, max) in [(1, 1), (2, 3), (3, 16), (4, 64), (5, 700), (6, 4096)] {
        let cuts = random_cuts(body.len(), seed, max);
        let split = decode_with_cuts(&mut *make(), body, &cuts);
        assert!(
            split == whole,
            "{name}: chunks of 1..={max} bytes (seed {seed}) differ"
        );
    }
    whole
}

/// The rules every event sequence keeps: a tool call's arguments come
/// between its start and its end, a call starts once, there is at most one
/// usage event and it comes last (after it, only an error may follow), text
/// deltas are not empty, a server tool has a name and its input is JSON,
/// and a decoding error lies within the `body_len`
/// bytes of the body.
pub fn check_invariants(name: &str, decoded: &Decoded, body_len: usize) {
    #[derive(PartialEq)]
    enum State {
        Open,
        Ended,
    }
    let mut calls: BTreeMap<(u32, u32), State> = BTreeMap::new();
    let mut usage_at = None;
    for (i, e) in decoded.events.iter().enumerate() {
        if let Some(u) = usage_at
            && !matches!(e, StreamEvent::Error(_))
        {
            panic!("{name}: event {i} {e:?} after the usage event {u}");
        }
        match e {
            StreamEvent::ToolCallStart {
                choice,
                index,
                name: tool,
                ..
            } => {
                assert!(!tool.is_empty(), "{name}: tool call {index} without a name");
                let prev = calls.insert((*choice, *index), State::Open);
                assert!(prev.is_none(), "{name}: tool call {index} started twice");
            }
            StreamEvent::ToolArgsDelta {
                choice,
                index,
                json,
                ..
            } => {
                assert!(!json.is_empty(), "{name}: empty arguments delta");
                assert!(
                    calls.get(&(*choice, *index)) == Some(&State::Open),
                    "{name}: arguments of call {index} outside its start and end"
                );
            }
            StreamEvent::ToolCallEnd { choice, index } => {
                let s = calls.get_mut(&(*choice, *index));
                assert!(
                    s.as_deref() == Some(&State::Open),
                    "{name}: end of call {index} that is not open"
                );
                *s.unwrap() = State::Ended;
            }
            StreamEvent::TextDelta { text, .. }
            | StreamEvent::ReasoningDelta { text, .. }
            | StreamEvent::Refusal { text, .. } => {
                assert!(!text.is_empty(), "{name}: empty text delta");
            }
            StreamEvent::ServerTool {
                index,
                name: tool,
                input,
                ..
            } => {
                assert!(
                    !tool.is_empty(),
                    "{name}: server tool {index} without a name"
                );
                if let Some(json) = input {
                    let parsed = serde_json::from_str::<serde::de::IgnoredAny>(json);
                    assert!(
                        parsed.is_ok(),
                        "{name}: server tool input is not JSON: {json}"
                    );
                }
            }
            StreamEvent::Usage(_) => usage_at = Some(i),
            _ => {}
        }
    }
    if let Err(e) = &decoded.end {
        assert!(
            e.offset() <= body_len as u64,
            "{name}: error at byte {} past the end of the {body_len}-byte body",
            e.offset()
        );
    }
}
