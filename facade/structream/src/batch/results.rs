//! Results files decoded as they stream in: lines split out of chunks of
//! any size, each line read ([`super::wire`]) and its answer extracted and
//! validated exactly as a live call's: read in one shot when it is a JSON
//! text that validates as it is ([`super::answer`]), run through the live
//! call's driver otherwise. One line is held at a time.

use std::any::Any;
use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::Arc;

use serde_json::Value;
use structream_provider::Usage;

use super::answer::{Answer, OneShot};
use super::result_error::ResultError;
use super::text::Plan;
use super::wire::{self, Outcome};
use super::{BatchRequest, Format};
use crate::CallKind;
use crate::client::short_type_name;
use crate::schema::schema_of;
use crate::{Client, Error, Event, Request, Structured};

/// The result of one request of a batch.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchResult<T> {
    /// The request's id (`None` for a line without one).
    pub custom_id: Option<String>,
    /// Line number in the results file, from 1 (blank lines count).
    pub line: u64,
    /// The validated value, or why there is none.
    pub outcome: Result<T, ResultError>,
    /// Tokens the request used, where the line says.
    pub usage: Usage,
}

impl<T> BatchResult<T> {
    /// The value, if the request gave one.
    pub fn value(&self) -> Option<&T> {
        self.outcome.as_ref().ok()
    }
}

/// The longest results line (a line over it is a per-line error).
pub const MAX_LINE: usize = 64 << 20;

/// How much of a line over [`MAX_LINE`] is kept, to find its custom id.
const KEPT: usize = 4 << 10;

/// Decodes a results file pushed in chunks of any size into
/// [`BatchResult`]s; no I/O. Made with [`ResultsDecoder::new`] for a typed
/// `T`, or [`ResultsDecoder::with_schema`] for a JSON Schema known at run
/// time.
pub struct ResultsDecoder<T: Structured> {
    client: Client,
    format: Format,
    schema: Arc<Value>,
    type_name: String,
    /// How answers are read without the driver, if they can be.
    one_shot: Option<OneShot>,
    /// Lines read in one shot (for the tests that compare both ways).
    #[cfg(test)]
    one_shots: u64,
    /// The line being read (buffers kept from line to line).
    answer: Answer,
    expected: Option<HashSet<String>>,
    /// The unfinished line carried over from the last chunk.
    pending: Vec<u8>,
    /// The unfinished line is over [`MAX_LINE`]: skipping to its end,
    /// its first [`KEPT`] bytes in `pending`.
    skipping: bool,
    lines: u64,
    position: u64,
    out: VecDeque<BatchResult<T>>,
    /// Set by [`ResultsDecoder::feed_text`]: results go there.
    texts: Option<Texts>,
}

/// The results of a decoder read with [`ResultsDecoder::feed_text`].
#[derive(Default)]
struct Texts {
    /// The schema's plan for the one-pass reading, if it has one.
    plan: Option<Plan>,
    /// Member names, for the one-pass reading (kept from line to line).
    scratch: Vec<(u32, u32)>,
    out: VecDeque<BatchResult<String>>,
    /// Answers read in one pass (for the tests).
    #[cfg(test)]
    read: u64,
}

impl<T: Structured> fmt::Debug for ResultsDecoder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResultsDecoder")
            .field("format", &self.format)
            .field("lines", &self.lines)
            .field("position", &self.position)
            .finish_non_exhaustive()
    }
}

impl<T: Structured> ResultsDecoder<T> {
    /// A decoder of `format` results into `T`, planned as `client`'s live
    /// calls of `T` are (its mode picks tools or content).
    pub fn new(client: &Client, format: Format) -> Self {
        Self::planned(client, format, schema_of::<T>(), short_type_name::<T>())
    }

    fn planned(client: &Client, format: Format, schema: Value, type_name: &str) -> Self {
        ResultsDecoder {
            client: client.clone(),
            format,
            one_shot: OneShot::plan(client, &schema),
            schema: Arc::new(schema),
            type_name: type_name.to_owned(),
            answer: Answer::default(),
            #[cfg(test)]
            one_shots: 0,
            expected: None,
            pending: Vec::new(),
            skipping: false,
            lines: 0,
            position: 0,
            out: VecDeque::new(),
            texts: None,
        }
    }

    /// Only these custom ids belong to the batch: a line with another is
    /// a [`ResultError::Line`].
    #[must_use]
    pub fn expect_ids(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.expected = Some(ids.into_iter().collect());
        self
    }

    /// Numbers the lines from `n` (a decoder given a part of a file that
    /// starts at line `n`).
    #[must_use]
    pub fn first_line(mut self, n: u64) -> Self {
        self.lines = n.saturating_sub(1);
        self
    }

    /// Bytes fed so far.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Decodes a chunk; the results of the lines it completes.
    pub fn feed(&mut self, chunk: &[u8]) -> impl Iterator<Item = BatchResult<T>> + '_ {
        self.split(chunk);
        std::iter::from_fn(|| self.out.pop_front())
    }

    /// Cuts a chunk into lines and decodes those it completes.
    fn split(&mut self, chunk: &[u8]) {
        self.position += chunk.len() as u64;
        let mut rest = chunk;
        while let Some(end) = memchr_newline(rest) {
            let (line, after) = (&rest[..end], &rest[end + 1..]);
            if self.skipping {
                self.skipping = false;
                let start = std::mem::take(&mut self.pending);
                self.too_long(&start);
            } else if self.pending.is_empty() {
                self.line(line);
            } else {
                let mut whole = std::mem::take(&mut self.pending);
                whole.extend_from_slice(line);
                self.line(&whole);
                whole.clear();
                self.pending = whole;
            }
            rest = after;
        }
        if !self.skipping {
            if self.pending.len() + rest.len() > MAX_LINE {
                let kept = KEPT.saturating_sub(self.pending.len()).min(rest.len());
                self.pending.extend_from_slice(&rest[..kept]);
                self.pending.truncate(KEPT);
                self.pending.shrink_to(KEPT);
                self.skipping = true;
            } else {
                self.pending.extend_from_slice(rest);
            }
        }
    }

    /// Ends the file: the result of a last line without a newline.
    pub fn finish(&mut self) -> impl Iterator<Item = BatchResult<T>> + '_ {
        self.end();
        std::iter::from_fn(|| self.out.pop_front())
    }

    fn end(&mut self) {
        if self.skipping {
            self.skipping = false;
            let start = std::mem::take(&mut self.pending);
            self.too_long(&start);
        } else if !self.pending.is_empty() {
            let last = std::mem::take(&mut self.pending);
            self.line(&last);
        }
    }

    /// Hands a result out, as text when the decoder gives texts.
    fn push(&mut self, result: BatchResult<T>) {
        let Some(texts) = &mut self.texts else {
            return self.out.push_back(result);
        };
        let outcome = result.outcome.map(|value| {
            let value: &dyn Any = &value;
            value
                .downcast_ref::<Value>()
                .map(Value::to_string)
                .expect("a decoder of texts decodes values")
        });
        texts.out.push_back(BatchResult {
            custom_id: result.custom_id,
            line: result.line,
            outcome,
            usage: result.usage,
        });
    }

    /// The result of a line over [`MAX_LINE`], not read: a line error,
    /// with its custom id if its `start` says it.
    fn too_long(&mut self, start: &[u8]) {
        self.lines += 1;
        let custom_id = wire::leading_id(self.format, &start[..start.len().min(KEPT)]);
        self.push(BatchResult {
            custom_id,
            line: self.lines,
            outcome: Err(ResultError::Line {
                line: self.lines,
                message: format!("longer than {MAX_LINE} bytes"),
            }),
            usage: Usage::default(),
        });
    }

    fn line(&mut self, line: &[u8]) {
        if line.len() > MAX_LINE {
            // Whole in one chunk, but over the limit all the same.
            return self.too_long(line);
        }
        // Blank lines count: `line` is the line number in the file.
        self.lines += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let number = self.lines;
        let mut answer = std::mem::take(&mut self.answer);
        answer.clear();
        let read = wire::read_line(self.format, line, &mut |event| answer.on_event(event));
        let usage = answer.usage();
        let one_shot = match read {
            Ok((id, Outcome::Answered)) if self.expects(&id) => {
                if self.text(&answer, &id, number) {
                    self.answer = answer;
                    return;
                }
                self.one_shot
                    .and_then(|plan| plan.read::<T>(&answer, &self.schema))
                    .map(|value| (id.into_owned(), value))
            }
            _ => None,
        };
        self.answer = answer;
        #[cfg(test)]
        {
            self.one_shots += u64::from(one_shot.is_some());
        }
        let result = match one_shot {
            Some((id, value)) => BatchResult {
                custom_id: Some(id),
                line: number,
                outcome: Ok(value),
                usage,
            },
            None => self.driven(line, number),
        };
        self.push(result);
    }

    /// Whether the answer was read in one pass into a text result (a
    /// decoder of texts whose schema has a plan).
    fn text(&mut self, answer: &Answer, id: &str, number: u64) -> bool {
        let (Some(texts), Some(one_shot)) = (&mut self.texts, self.one_shot) else {
            return false;
        };
        let Some(plan) = &texts.plan else {
            return false;
        };
        let Some(value) = one_shot.text(answer, plan, &mut texts.scratch) else {
            return false;
        };
        #[cfg(test)]
        {
            texts.read += 1;
        }
        texts.out.push_back(BatchResult {
            custom_id: Some(id.to_owned()),
            line: number,
            outcome: Ok(value),
            usage: answer.usage(),
        });
        true
    }

    /// Whether `id` belongs to the batch.
    fn expects(&self, id: &str) -> bool {
        self.expected.as_ref().is_none_or(|e| e.contains(id))
    }

    /// Reads a line through the live call's driver: errors and coercions
    /// come out exactly as a live call's.
    fn driven(&self, line: &[u8], number: u64) -> BatchResult<T> {
        let mut driver = self.client.driver_with_schema::<T>(
            Request::default().max_retries(0),
            CallKind::Value,
            Value::clone(&self.schema),
            &self.type_name,
        );
        driver.sent();
        let read = wire::read_line(self.format, line, &mut |event| driver.on_event(event));
        let line_error = |message: String| ResultError::Line {
            line: number,
            message,
        };
        let (custom_id, outcome) = match read {
            Err(m) => (m.id, Err(line_error(m.message))),
            Ok((id, _)) if !self.expects(&id) => {
                let message = format!("custom_id {id:?} is not in the batch");
                (Some(id.into_owned()), Err(line_error(message)))
            }
            Ok((id, Outcome::Failed(e))) => (Some(id.into_owned()), Err(e)),
            Ok((id, Outcome::Answered)) => {
                driver.end_of_response();
                let mut outcome = None;
                while let Some(event) = driver.pop() {
                    match event {
                        Ok(Event::Done(value)) => outcome = Some(Ok(value)),
                        Err(e) => outcome = Some(Err(ResultError::Call(e))),
                        Ok(_) => {}
                    }
                }
                let outcome = outcome.unwrap_or_else(|| {
                    Err(ResultError::Call(Error::Incomplete {
                        partial: None,
                        reason: driver.finish_reason(),
                        items: None,
                        cause: None,
                    }))
                });
                (Some(id.into_owned()), outcome)
            }
        };
        BatchResult {
            custom_id,
            line: number,
            outcome,
            usage: driver.usage(),
        }
    }
}

impl ResultsDecoder<Value> {
    /// A decoder of values with the JSON Schema `schema`, as
    /// [`Client::create_with_schema`] would validate them.
    pub fn with_schema(client: &Client, format: Format, mut schema: Value) -> Self {
        if let Value::Object(map) = &mut schema {
            map.remove("$schema");
        }
        Self::planned(client, format, schema, "output")
    }

    /// Decodes a chunk as [`feed`](Self::feed) does, each value handed
    /// out as its compact JSON text (as `serde_json::to_string` prints
    /// it). An answer that validates as it is gets read, checked and
    /// printed in one pass, with no value built, where the schema uses no
    /// more than `type`, `properties`, `required`, `additionalProperties`,
    /// `items` and `$ref`s into the schema. Once a decoder has been fed
    /// this way,
    /// all its results come out here and from
    /// [`finish_text`](Self::finish_text).
    pub fn feed_text(&mut self, chunk: &[u8]) -> impl Iterator<Item = BatchResult<String>> + '_ {
        self.texts();
        self.split(chunk);
        self.drain_texts()
    }

    /// Ends the file as [`finish`](Self::finish) does, the value as text
    /// (see [`feed_text`](Self::feed_text)).
    pub fn finish_text(&mut self) -> impl Iterator<Item = BatchResult<String>> + '_ {
        self.texts();
        self.end();
        self.drain_texts()
    }

    fn texts(&mut self) {
        if self.texts.is_none() {
            self.texts = Some(Texts {
                plan: Plan::of(&self.schema),
                ..Texts::default()
            });
        }
    }

    fn drain_texts(&mut self) -> impl Iterator<Item = BatchResult<String>> + '_ {
        let texts = self.texts.as_mut().map(|t| &mut t.out);
        let texts = texts.expect("set by feed_text");
        std::iter::from_fn(move || texts.pop_front())
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', bytes)
}

/// The requests worth sending again: those whose result failed in a way
/// [`ResultError::is_retryable`] (errored, expired, canceled, did not
/// validate), in the order of `requests`. Submit them as a new batch with
/// [`Batches::create`](super::Batches::create), or run them as live calls
/// with [`Batches::run_live`](super::Batches::run_live).
pub fn retry_requests<'r, T: 'r>(
    requests: impl IntoIterator<Item = BatchRequest>,
    results: impl IntoIterator<Item = &'r BatchResult<T>>,
) -> Vec<BatchRequest> {
    let failed: HashSet<&str> = results
        .into_iter()
        .filter(|r| r.outcome.as_ref().is_err_and(ResultError::is_retryable))
        .filter_map(|r| r.custom_id.as_deref())
        .collect();
    requests
        .into_iter()
        .filter(|r| failed.contains(r.custom_id.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use structream_provider::Mode;

    use super::*;
    use crate::ClientBuilder;

    fn schema() -> Value {
        json!({"type": "object",
               "properties": {"name": {"type": "string"},
                              "age": {"type": "integer", "minimum": 0, "maximum": 150}},
               "required": ["name", "age"]})
    }

    fn client(mode: Mode) -> Client {
        ClientBuilder::from_provider("anthropic/m")
            .unwrap()
            .api_key("k")
            .mode(mode)
            .build()
            .unwrap()
    }

    /// Every line decoded both ways: `(one-shot results, driven results,
    /// lines read in one shot)`, each result as its debug text.
    fn both_ways(client: &Client, file: &str) -> (Vec<String>, Vec<String>, u64) {
        let decode = |one_shot: bool| {
            let mut d = ResultsDecoder::with_schema(client, Format::Anthropic, schema());
            if !one_shot {
                d.one_shot = None;
            }
            let mut out: Vec<String> = d.feed(file.as_bytes()).map(|r| format!("{r:?}")).collect();
            out.extend(d.finish().map(|r| format!("{r:?}")));
            (out, d.one_shots)
        };
        let (fast, n) = decode(true);
        let (driven, none) = decode(false);
        assert_eq!(none, 0);
        (fast, driven, n)
    }

    fn tool_line(id: usize, input: &str) -> String {
        format!(
            r#"{{"custom_id":"r{id}","result":{{"type":"succeeded","message":{{"content":[{{"type":"text","text":"Sure."}},{{"type":"tool_use","id":"t","name":"output","input":{input}}},{{"type":"tool_use","id":"u","name":"output","input":{{"name":"second","age":1}}}}],"stop_reason":"tool_use","usage":{{"input_tokens":5,"output_tokens":{id}}}}}}}}}"#
        )
    }

    fn text_line(id: usize, text: &str) -> String {
        let text = Value::String(text.to_owned());
        format!(
            r#"{{"custom_id":"r{id}","result":{{"type":"succeeded","message":{{"content":[{{"type":"text","text":{text}}}],"stop_reason":"end_turn"}}}}}}"#
        )
    }

    const DEEP: usize = 126;

    fn answers() -> Vec<String> {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        vec![
            r#"{"name":"a","age":3}"#.into(),
            r#" { "name" : "a" , "age" : 3 } "#.into(),
            r#"{"name":"a","age":3,"name":"b"}"#.into(),
            r#"{"name":"a","age":1e2}"#.into(),
            r#"{"name":"a","age":3.0}"#.into(),
            r#"{"name":"\u00e9\ud83d\ude00\n\"q\"","age":3}"#.into(),
            r#"{"name":"a","age":3,"extra":[1,{"b":null}]}"#.into(),
            format!(r#"{{"name":"a","age":3,"deep":{}}}"#, deep(DEEP)),
            format!(r#"{{"name":"a","age":3,"deep":{}}}"#, deep(DEEP + 10)),
            r#"{"name":"a","age":18446744073709551616}"#.into(),
            r#"{"name":"a","age":300}"#.into(),
            r#"{"name":"a","age":"3"}"#.into(),
            r#"{"name":"a"}"#.into(),
            r#"{"name":"a","age":3"#.into(),
            r#"[{"name":"a","age":3}]"#.into(),
            r#"{"name":"a","age":3} {"#.into(),
            r#"{'name':'a','age':3,}"#.into(),
            "".into(),
        ]
    }

    /// A line per answer: a tool call's input in tool mode, the text
    /// content otherwise.
    fn answers_file(mode: Mode) -> String {
        let mut file = String::new();
        for (i, answer) in answers().iter().enumerate() {
            let line = if mode == Mode::Tools && !answer.is_empty() {
                tool_line(i, answer)
            } else {
                text_line(i, answer)
            };
            file.push_str(&line);
            file.push('\n');
        }
        file
    }

    #[test]
    fn one_shot_results_are_the_drivers_in_tool_and_json_modes() {
        for mode in [Mode::Tools, Mode::Json, Mode::MarkdownJson] {
            let client = client(mode);
            let mut file = answers_file(mode);
            // Prose and fences around the JSON, read leniently.
            let n = answers().len();
            for (i, text) in [
                "Here it is: {\"name\":\"a\",\"age\":3}",
                "```json\n{\"name\":\"a\",\"age\":3}\n```",
                "[1] {\"name\":\"a\",\"age\":3}",
                "{\"name\":\"a\",\"age\":3}\nDone.",
            ]
            .iter()
            .enumerate()
            {
                file.push_str(&text_line(n + i, text));
                file.push('\n');
            }
            let (fast, driven, one_shots) = both_ways(&client, &file);
            assert_eq!(fast.len(), driven.len());
            for (f, d) in fast.iter().zip(&driven) {
                assert_eq!(f, d, "{mode:?}");
            }
            // The plain answers were read in one shot (in the JSON modes
            // the tool lines are text lines too).
            assert!(one_shots >= 7, "{mode:?}: {one_shots}");
        }
    }

    #[test]
    fn texts_are_the_values_printed_read_in_one_pass_where_they_can_be() {
        // A schema with a plan (no bounds); the answers' fields as above.
        let schema = json!({"type": "object",
               "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
               "required": ["name", "age"]});
        for mode in [Mode::Tools, Mode::Json] {
            let client = client(mode);
            let mut file = answers_file(mode);
            file.push_str(r#"{"custom_id":"x","result":{"type":"expired"}}"#);
            file.push_str("\nnot json\n");
            file.push_str(&tool_line(99, r#"{"name":"last","age":9}"#));
            let mut values =
                ResultsDecoder::with_schema(&client, Format::Anthropic, schema.clone());
            let mut texts = ResultsDecoder::with_schema(&client, Format::Anthropic, schema.clone());
            let mut expected: Vec<_> = values.feed(file.as_bytes()).collect();
            expected.extend(values.finish());
            let mut got = Vec::new();
            for chunk in file.as_bytes().chunks(7) {
                got.extend(texts.feed_text(chunk));
            }
            got.extend(texts.finish_text());
            assert_eq!(expected.len(), got.len());
            for (e, g) in expected.iter().zip(&got) {
                let e_text = e.outcome.as_ref().map(Value::to_string);
                assert_eq!(
                    format!("{:?} {} {:?} {e_text:?}", e.custom_id, e.line, e.usage),
                    format!("{:?} {} {:?} {:?}", g.custom_id, g.line, g.usage, g.outcome),
                    "{mode:?}"
                );
            }
            let read = texts.texts.as_ref().unwrap().read;
            assert!(read >= 5, "{mode:?}: {read}");
        }
    }

    #[test]
    fn a_line_over_the_longest_keeps_its_custom_id_when_it_comes_first() {
        let client = client(Mode::Tools);
        let mut d = ResultsDecoder::with_schema(&client, Format::Anthropic, schema());
        let head = r#"{"custom_id":"big","result":{"type":"succeeded","message":{"content":[{"type":"text","text":""#;
        let mut results: Vec<BatchResult<Value>> = d.feed(head.as_bytes()).collect();
        let block = vec![b'x'; 1 << 20];
        for _ in 0..=(MAX_LINE >> 20) {
            results.extend(d.feed(&block));
        }
        assert!(d.pending.capacity() <= KEPT, "{}", d.pending.capacity());
        results.extend(d.feed(b"\"}]}}}\n"));
        results.extend(d.feed(tool_line(2, r#"{"name":"a","age":3}"#).as_bytes()));
        results.extend(d.finish());
        assert_eq!(results.len(), 2);
        assert_eq!(results[0].custom_id.as_deref(), Some("big"));
        assert_eq!(results[0].outcome.as_ref().unwrap_err().kind(), "line");
        assert_eq!(results[1].line, 2);
        assert_eq!(results[1].value().unwrap()["name"], "a");
    }
}
