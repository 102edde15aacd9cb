//! The SSE and NDJSON decoders: the WHATWG rules case by case, a slow
//! reference interpreter as an oracle for generated inputs, split
//! invariance at every byte of the recorded streams, limits.

use proptest::prelude::*;
use structream_provider::DecodeErrorKind;
use structream_provider::conformance::{self, Fixture, Format};
use structream_provider::ndjson::NdjsonDecoder;
use structream_provider::sse::{OwnedSseEvent, SseConfig, SseDecoder};

type Ev = (Option<String>, String, Option<String>, Option<u64>);

fn ev(e: &OwnedSseEvent) -> Ev {
    (
        e.event.clone(),
        String::from_utf8_lossy(&e.data).into_owned(),
        e.id.clone(),
        e.retry,
    )
}

/// Decodes `input` cut at the given offsets.
fn decode_split(
    input: &[u8],
    cuts: &[usize],
    config: SseConfig,
) -> (Vec<OwnedSseEvent>, Result<(), DecodeErrorKind>) {
    let mut dec = SseDecoder::with_config(config);
    let mut out = Vec::new();
    let mut prev = 0;
    for &c in cuts.iter().chain(std::iter::once(&input.len())) {
        // Empty feeds sprinkled in must change nothing.
        dec.feed(&[], |_| panic!("event from an empty feed"))
            .unwrap();
        if let Err(e) = dec.feed(&input[prev..c], |e| out.push(e.into_owned())) {
            return (out, Err(e.kind().clone()));
        }
        prev = c;
    }
    let r = dec.finish(|e| out.push(e.into_owned()));
    (out, r.map_err(|e| e.kind().clone()))
}

fn decode(input: &[u8]) -> (Vec<Ev>, Result<(), DecodeErrorKind>) {
    let (evs, r) = decode_split(input, &[], SseConfig::default());
    (evs.iter().map(ev).collect(), r)
}

/// The WHATWG algorithm written as plainly as possible: split into lines
/// first, then interpret. The oracle for the generated inputs.
fn reference(input: &[u8]) -> (Vec<Ev>, Result<(), DecodeErrorKind>) {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut lines: Vec<&[u8]> = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'\n' => {
                lines.push(&input[start..i]);
                i += 1;
                start = i;
            }
            b'\r' => {
                lines.push(&input[start..i]);
                i += if input.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            _ => i += 1,
        }
    }
    let truncated = start < input.len();
    let (mut data, mut event, mut id, mut retry) = (None::<Vec<u8>>, None, None, None);
    let mut out = Vec::new();
    let dispatch = |data: &mut Option<Vec<u8>>,
                    event: &mut Option<String>,
                    id: &Option<String>,
                    retry: &mut Option<u64>,
                    out: &mut Vec<Ev>| {
        if let Some(d) = data.take() {
            out.push((
                event.take(),
                String::from_utf8_lossy(&d).into_owned(),
                id.clone(),
                retry.take(),
            ));
        }
        *event = None;
        *retry = None;
    };
    for line in lines {
        if line.is_empty() {
            dispatch(&mut data, &mut event, &id, &mut retry, &mut out);
            continue;
        }
        if line[0] == b':' {
            continue;
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(c) => {
                let v = &line[c + 1..];
                (&line[..c], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        match name {
            b"data" => match &mut data {
                Some(d) => {
                    d.push(b'\n');
                    d.extend_from_slice(value);
                }
                None => data = Some(value.to_vec()),
            },
            b"event" => event = Some(String::from_utf8_lossy(value).into_owned()),
            b"id" if !value.contains(&0) => id = Some(String::from_utf8_lossy(value).into_owned()),
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                retry = std::str::from_utf8(value).unwrap().parse().ok()
            }
            _ => {}
        }
    }
    if truncated {
        return (out, Err(DecodeErrorKind::Truncated));
    }
    dispatch(&mut data, &mut event, &id, &mut retry, &mut out);
    (out, Ok(()))
}

fn d(event: Option<&str>, data: &str) -> Ev {
    (event.map(String::from), data.to_string(), None, None)
}

#[test]
fn an_events_accessors_return_its_fields() {
    let mut dec = SseDecoder::new();
    let mut seen = 0;
    let input = b": hi\nevent: up\xffdate\nid: 7\nretry: 250\ndata: a\xffb\ndata: c\n\ndata: d\n\n";
    dec.feed(input, |e| {
        seen += 1;
        if seen == 1 {
            assert_eq!(e.event_bytes(), Some(&b"up\xffdate"[..]));
            assert_eq!(e.event().as_deref(), Some("up\u{FFFD}date"));
            assert_eq!(e.data(), b"a\xffb\nc");
            assert_eq!(e.data_str(), "a\u{FFFD}b\nc");
            assert_eq!(e.id().as_deref(), Some("7"));
            assert_eq!(e.retry(), Some(250));
            assert_eq!(e.offset(), 5, "the comment line is not part of the frame");
        } else {
            assert_eq!(e.event_bytes(), None);
            assert_eq!(e.data(), b"d");
            assert_eq!(e.data_str(), "d");
            // The id persists; retry belongs to its frame.
            assert_eq!(e.id().as_deref(), Some("7"));
            assert_eq!(e.retry(), None);
            assert_eq!(e.offset(), 56);
        }
    })
    .unwrap();
    assert_eq!(seen, 2);
}

#[test]
fn an_empty_chunk_after_a_cr_changes_nothing() {
    // The CR ends the line; whether an LF follows is decided by the next
    // byte, which an empty chunk does not have.
    let mut dec = SseDecoder::new();
    let mut data = Vec::new();
    for chunk in [&b"data: a\r"[..], b"", b"\ndata: b\r", b"", b"\r"] {
        dec.feed(chunk, |e| data.push(e.data().to_vec())).unwrap();
    }
    dec.finish(|e| data.push(e.data().to_vec())).unwrap();
    assert_eq!(data, [b"a\nb".to_vec()]);
}

#[test]
fn a_line_of_exactly_the_limit_is_accepted_when_split() {
    let config = SseConfig::default().max_line_len(8);
    let mut dec = SseDecoder::with_config(config);
    let mut data = Vec::new();
    // `data: ab` is 8 bytes, carried over to the next chunk.
    for chunk in [&b"data"[..], b": ab", b"\n\n"] {
        dec.feed(chunk, |e| data.push(e.data().to_vec())).unwrap();
    }
    assert_eq!(data, [b"ab".to_vec()]);
    // Whole in one chunk, and carried with its line end in the next chunk.
    for chunks in [&[&b"data: ab\n\n"[..]][..], &[b"data", b": ab\n\n"]] {
        let mut dec = SseDecoder::with_config(config);
        let mut data = Vec::new();
        for chunk in chunks {
            dec.feed(chunk, |e| data.push(e.data().to_vec())).unwrap();
        }
        assert_eq!(data, [b"ab".to_vec()], "{chunks:?}");
    }
    // One more byte is over it, in each of the three ways a line arrives;
    // the error points at the line's first byte.
    for chunks in [
        &[&b"data"[..], b": abc"][..],
        &[b"data", b": abc\n"],
        &[b"\ndata: abc\n"],
        &[b"\n", b"\ndata: abc"],
    ] {
        let mut dec = SseDecoder::with_config(config);
        let err = chunks
            .iter()
            .find_map(|c| dec.feed(c, |_| {}).err())
            .unwrap_or_else(|| panic!("{chunks:?}: no error"));
        assert_eq!(
            err.kind(),
            &DecodeErrorKind::LineTooLong { limit: 8 },
            "{chunks:?}"
        );
        let line_start = if chunks[0] == b"data" {
            0
        } else {
            chunks.len() as u64
        };
        assert_eq!(err.offset(), line_start, "{chunks:?}");
    }
}

#[test]
fn an_error_line_after_the_frames_is_kept_for_the_end() {
    let mut dec = SseDecoder::new();
    dec.feed(
        b"data: {}\n\nerror: {\"message\": \"Rate limit reached\"}\n",
        |_| {},
    )
    .unwrap();
    let err = dec.unframed_error().expect("the error line is kept");
    assert_eq!(err.message, "Rate limit reached");
    // A data frame clears it.
    dec.feed(b"data: {}\n\n", |_| {}).unwrap();
    assert_eq!(dec.unframed_error(), None);
}

#[test]
fn a_partial_bom_then_the_end_is_a_truncated_line() {
    let mut dec = SseDecoder::new();
    dec.feed(b"\xEF\xBB", |_| panic!("no event")).unwrap();
    let err = dec.finish(|_| panic!("no event")).unwrap_err();
    assert_eq!(err.kind(), &DecodeErrorKind::Truncated);
    assert_eq!(err.offset(), 0);
}

#[test]
fn an_unfinished_last_line_counts_for_the_unframed_error_and_reset_forgets_it() {
    let mut dec = SseDecoder::new();
    dec.feed(b"data: {}\n\n{\"error\": {\"message\": \"boom\"}}", |_| {})
        .unwrap();
    assert_eq!(dec.unframed_error().map(|e| e.message), Some("boom".into()));
    // An unfinished `data:` line is a field, not an error.
    let mut dec = SseDecoder::new();
    dec.feed(b"data: {\"error\": {\"message\": \"boom\"}}", |_| {})
        .unwrap();
    assert_eq!(dec.unframed_error(), None);
    // Reset: the unfinished line is gone.
    dec.reset();
    let mut data = Vec::new();
    dec.feed(b"data: b\n\n", |e| data.push(e.data().to_vec()))
        .unwrap();
    assert_eq!(data, [b"b".to_vec()]);
    assert_eq!(dec.position(), 9);
}

#[test]
fn an_unfinished_field_or_comment_line_is_not_part_of_an_unframed_error() {
    // After a plain-text error line, an unfinished last line that is a
    // comment or a field the decoder uses adds nothing to the message;
    // any other line is read as more of it.
    for (tail, message) in [
        (&b": keep-alive"[..], "overloaded"),
        (b"data: x", "overloaded"),
        (b"retry: 10", "overloaded"),
        (b"try later", "overloaded\ntry later"),
    ] {
        let mut dec = SseDecoder::new();
        dec.feed(b"error: overloaded\n", |_| panic!("no event"))
            .unwrap();
        dec.feed(tail, |_| panic!("no event")).unwrap();
        assert_eq!(
            dec.unframed_error().map(|e| e.message).as_deref(),
            Some(message),
            "{}",
            String::from_utf8_lossy(tail)
        );
    }
}

#[test]
fn joined_data_of_exactly_the_event_limit_is_accepted() {
    // `ab\ncd`: two data lines and the newline that joins them, 5 bytes.
    let input = b"data: ab\ndata: cd\n\n";
    let mut dec = SseDecoder::with_config(SseConfig::default().max_event_len(5));
    let mut data = Vec::new();
    dec.feed(input, |e| data.push(e.data().to_vec())).unwrap();
    assert_eq!(data, [b"ab\ncd".to_vec()]);
    let mut dec = SseDecoder::with_config(SseConfig::default().max_event_len(4));
    let err = dec.feed(input, |_| panic!("no event")).unwrap_err();
    assert_eq!(err.kind(), &DecodeErrorKind::EventTooLong { limit: 4 });
}

#[test]
fn data_with_and_without_space_multi_line_and_event() {
    let (evs, r) = decode(b"data:a\ndata: b\ndata:  c\n\nevent: x\ndata\n\n");
    r.unwrap();
    assert_eq!(evs, [d(None, "a\nb\n c"), d(Some("x"), "")]);
}

#[test]
fn line_ends_cr_lf_crlf_mixed() {
    let (evs, r) = decode(b"data: 1\r\rdata: 2\n\ndata: 3\r\n\r\ndata: 4\r\ndata: 5\r\r\n");
    r.unwrap();
    assert_eq!(
        evs,
        [d(None, "1"), d(None, "2"), d(None, "3"), d(None, "4\n5")]
    );
}

#[test]
fn comments_keepalives_and_unknown_fields_are_ignored() {
    let (evs, r) = decode(b": ping\n\n:\ndata: a\n: inside\nfoo: bar\n\n\n\n");
    r.unwrap();
    assert_eq!(evs, [d(None, "a")]);
}

#[test]
fn frame_without_data_is_not_dispatched() {
    let (evs, r) = decode(b"event: ping\n\nevent: x\nid: 1\n\n");
    r.unwrap();
    assert!(evs.is_empty());
}

#[test]
fn id_persists_and_nul_ids_are_ignored_retry_digits_only() {
    let (evs, r) = decode(
        b"id: 7\ndata: a\n\ndata: b\n\nid: 8\0\nretry: 1500\ndata: c\n\nretry: 1x\ndata: d\n\n",
    );
    r.unwrap();
    assert_eq!(
        evs,
        [
            (None, "a".into(), Some("7".into()), None),
            (None, "b".into(), Some("7".into()), None),
            (None, "c".into(), Some("7".into()), Some(1500)),
            (None, "d".into(), Some("7".into()), None),
        ]
    );
}

#[test]
fn bom_is_dropped_once_even_when_split() {
    let input = b"\xEF\xBB\xBFdata: a\n\n";
    for cut in 0..=input.len() {
        let (evs, r) = decode_split(input, &[cut], SseConfig::default());
        r.unwrap();
        assert_eq!(evs.iter().map(ev).collect::<Vec<_>>(), [d(None, "a")]);
    }
    // A second BOM is content: here part of a field name nobody knows.
    let (evs, r) = decode(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\n");
    r.unwrap();
    assert!(evs.is_empty());
    // Half a BOM then something else: the bytes are kept as line content.
    let (evs, r) = decode(b"\xEF\xBBdata: a\n\ndata: b\n\n");
    r.unwrap();
    assert_eq!(evs, [d(None, "b")]);
}

#[test]
fn last_frame_without_blank_line_is_dispatched_at_the_end() {
    for input in [
        &b"data: a\n"[..],
        b"data: a\r",
        b"data: a\r\n",
        b"data: x\n\ndata: a\n",
    ] {
        let (evs, r) = decode(input);
        r.unwrap();
        assert_eq!(evs.last(), Some(&d(None, "a")), "{input:?}");
    }
}

#[test]
fn frame_cut_mid_line_is_truncated_with_its_offset() {
    let mut dec = SseDecoder::new();
    let mut n = 0;
    dec.feed(b"data: a\n\ndata: {\"x\":", |_| n += 1).unwrap();
    let e = dec.finish(|_| n += 1).unwrap_err();
    assert_eq!(n, 1);
    assert_eq!(e.kind(), &DecodeErrorKind::Truncated);
    assert_eq!(e.offset(), 9);
    assert!(e.is_eof());
    assert_eq!(
        e.to_string(),
        "stream cut in the middle of a line at byte 9"
    );
}

#[test]
fn a_line_that_never_ends_hits_the_limit() {
    let config = SseConfig::default().max_line_len(1000);
    let mut dec = SseDecoder::with_config(config);
    dec.feed(b"data: ok\n\n", |_| {}).unwrap();
    let chunk = [b'x'; 100];
    let mut fed = 0;
    let err = loop {
        match dec.feed(&chunk, |_| panic!("no event expected")) {
            Ok(()) => fed += chunk.len(),
            Err(e) => break e,
        }
        assert!(fed < 2000, "the limit was not enforced");
    };
    assert_eq!(err.kind(), &DecodeErrorKind::LineTooLong { limit: 1000 });
    assert_eq!(err.offset(), 10);
    // The decoder stays failed.
    assert_eq!(dec.feed(b"\n\n", |_| {}).unwrap_err(), err);
    assert_eq!(dec.finish(|_| {}).unwrap_err(), err);
}

#[test]
fn a_long_line_inside_one_chunk_hits_the_limit_too() {
    let mut input = b"data: ".to_vec();
    input.extend(std::iter::repeat_n(b'a', 5000));
    input.extend_from_slice(b"\n\n");
    let (_, r) = decode_split(&input, &[], SseConfig::default().max_line_len(4096));
    assert_eq!(r, Err(DecodeErrorKind::LineTooLong { limit: 4096 }));
}

#[test]
fn many_data_lines_hit_the_event_limit() {
    let input = "data: 0123456789\n".repeat(200) + "\n";
    let (_, r) = decode_split(
        input.as_bytes(),
        &[17 * 50],
        SseConfig::default().max_event_len(1000),
    );
    assert_eq!(r, Err(DecodeErrorKind::EventTooLong { limit: 1000 }));
}

#[test]
fn invalid_utf8_is_replaced_not_fatal() {
    let (evs, r) = decode(b"event: \xFF\ndata: a\xC3\n\n");
    r.unwrap();
    assert_eq!(evs, [d(Some("\u{FFFD}"), "a\u{FFFD}")]);
}

#[test]
fn offsets_point_at_the_first_line_of_each_frame() {
    let input = b": c\n\nevent: a\ndata: 1\n\ndata: 2\n\n";
    let (evs, _) = decode_split(input, &[7], SseConfig::default());
    let offs: Vec<u64> = evs.iter().map(|e| e.offset).collect();
    assert_eq!(offs, [5, 23]);
}

fn sse_token() -> impl Strategy<Value = &'static [u8]> {
    prop::sample::select(vec![
        &b"data"[..],
        b"data:",
        b"data: ",
        b"event:",
        b"event: e",
        b"id:",
        b"id: 1",
        b"id: \0",
        b"retry: 10",
        b"retry:x",
        b":",
        b" ",
        b"x",
        b"{\"a\":1}",
        b"\n",
        b"\n",
        b"\r",
        b"\r\n",
        b"\xEF\xBB\xBF",
        b"\xC3\xA9",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn matches_the_reference_at_any_split(
        tokens in prop::collection::vec(sse_token(), 0..40),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let input: Vec<u8> = tokens.concat();
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(input.len() + 1)).collect();
        cuts.sort_unstable();
        let (evs, r) = decode_split(&input, &cuts, SseConfig::default());
        let got: Vec<Ev> = evs.iter().map(ev).collect();
        prop_assert_eq!((got, r), reference(&input));
    }

    #[test]
    fn ndjson_is_split_invariant(
        lines in prop::collection::vec("[a-z{}\":, ]{0,12}", 0..12),
        ends in prop::collection::vec(prop::sample::select(vec!["\n", "\r\n"]), 12),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let mut input = String::new();
        for (l, e) in lines.iter().zip(&ends) {
            input.push_str(l);
            input.push_str(e);
        }
        let input = input.as_bytes();
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(input.len() + 1)).collect();
        cuts.sort_unstable();
        let expect: Vec<Vec<u8>> = lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.as_bytes().to_vec())
            .collect();
        let mut dec = NdjsonDecoder::new(1 << 20);
        let mut got = Vec::new();
        let mut prev = 0;
        for &c in cuts.iter().chain(std::iter::once(&input.len())) {
            dec.feed(&input[prev..c], |l, _| got.push(l.to_vec())).unwrap();
            prev = c;
        }
        dec.finish(|l, _| got.push(l.to_vec())).unwrap();
        prop_assert_eq!(got, expect);
    }
}

/// The recorded files of the corpus stored as `format`, as recorded.
fn recorded(format: Format) -> Vec<Fixture> {
    conformance::fixtures("")
        .into_iter()
        .filter(|f| f.format == format)
        .collect()
}

#[test]
fn recorded_sse_files_are_split_invariant() {
    let files = recorded(Format::Sse);
    assert!(files.len() >= 100, "corpus not found: {}", files.len());
    let mut frames = 0;
    for f in &files {
        let (input, path) = (&f.body, &f.path);
        let (whole, r) = decode_split(input, &[], SseConfig::default());
        assert_eq!(
            (whole.iter().map(ev).collect::<Vec<_>>(), r.clone()),
            reference(input),
            "{}",
            path.display()
        );
        // Files recorded without their final line end are truncated.
        let cut_mid_line = !input.ends_with(b"\n") && !input.ends_with(b"\r");
        assert_eq!(r.is_err(), cut_mid_line, "{}", path.display());
        assert!(!whole.is_empty(), "{}", path.display());
        frames += whole.len();
        if input.len() < 20_000 {
            for cut in 1..input.len() {
                let (split, r2) = decode_split(input, &[cut], SseConfig::default());
                assert!(
                    split == whole && r2 == r,
                    "{} split at {cut}",
                    path.display()
                );
            }
        }
        for seed in 1..=8u64 {
            let cuts = conformance::random_cuts(input.len(), seed * 7919, 1 << seed.min(10));
            let (split, r2) = decode_split(input, &cuts, SseConfig::default());
            assert!(split == whole && r2 == r, "{} seed {seed}", path.display());
        }
    }
    assert!(frames > 4000, "{frames}");
}

#[test]
fn recorded_ndjson_files_are_split_invariant() {
    let files = recorded(Format::Ndjson);
    assert_eq!(files.len(), 5);
    for f in &files {
        let (input, path) = (&f.body, &f.path);
        let run = |cuts: &[usize]| {
            let mut dec = NdjsonDecoder::new(1 << 20);
            let mut got = Vec::new();
            let mut prev = 0;
            for &c in cuts.iter().chain(std::iter::once(&input.len())) {
                dec.feed(&input[prev..c], |l, o| got.push((l.to_vec(), o)))
                    .unwrap();
                prev = c;
            }
            dec.finish(|l, o| got.push((l.to_vec(), o))).unwrap();
            got
        };
        let whole = run(&[]);
        for (line, _) in &whole {
            serde_json::from_slice::<serde_json::Value>(line).unwrap();
        }
        for cut in 0..=input.len() {
            assert_eq!(run(&[cut]), whole, "{} at {cut}", path.display());
        }
    }
}

#[test]
fn a_100_mb_line_hits_the_default_limit() {
    let mut dec = SseDecoder::new();
    let chunk = vec![b'a'; 1 << 20];
    dec.feed(b"data: ", |_| {}).unwrap();
    let mut fed = 6usize;
    let err = loop {
        match dec.feed(&chunk, |_| panic!("no event expected")) {
            Ok(()) => fed += chunk.len(),
            Err(e) => break e,
        }
        assert!(fed < 100 << 20, "a 100 MB line was buffered");
    };
    assert_eq!(
        err.kind(),
        &DecodeErrorKind::LineTooLong {
            limit: SseConfig::default().max_line_len
        }
    );
    assert_eq!(err.offset(), 0);
    assert_eq!(
        err.to_string(),
        "line longer than the limit of 16777216 bytes at byte 0"
    );
}
