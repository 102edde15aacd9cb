//! The driver: provider [`StreamEvent`]s in, typed [`Event`]s out. No I/O
//! and no async; the async stream ([`crate::CallStream`]) and the blocking
//! iterator ([`crate::blocking`]) both run this one state machine.
//!
//! Each JSON channel of the response (a tool call's arguments, or the text
//! content in the JSON modes) streams into its own [`Document`]. Deltas
//! update the typed partial in place (O(change), behind an [`Arc`] that is
//! only copied if the consumer still holds the previous one); item events
//! become typed items the moment they close; at the end of a response the
//! value is validated and either delivered or sent back for a retry.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use serde_json::Value;
use structream_parser::document::{DeltaOp, ItemEvent, Lenient, Options, push_segment};
use structream_parser::repair::Repairs;
use structream_provider::channel::{Channel, Failure, Kind, Rules};
use structream_provider::{
    FinishReason, Message, StreamDecoder, StreamEvent, StructuredRequest, Usage,
};

use crate::coerce;
use crate::error::JsonError;
use crate::list::{is_wrapper, list_continues, list_rest};
use crate::partial::{Json, PartialError, PartialValue, Policies};
use crate::schema::ITEMS_FIELD;
use crate::validation::{unreadable, violations};
use crate::{CallKind, Coercion, Error, Event, Structured};

/// Where the value sits in the model's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shape {
    /// The value itself: one tool call's arguments, or the JSON content.
    Single,
    /// The value is the enum variant named by the (first) tool call:
    /// `{"<tool name>": <arguments>}`.
    Variant,
    /// An object `{"items": [...]}` holding the list.
    List,
    /// One tool call per item; with `variants`, the tool name picks the
    /// enum variant.
    Calls {
        /// Whether `T` is an externally tagged enum, one tool per variant.
        variants: bool,
    },
}

/// What the adapter does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// Send [`Driver::request`].
    Send,
    /// Read the response.
    Read,
    /// Drop the response (an item failed; a retry follows) and send again.
    Abort,
    /// Nothing more.
    Done,
}

/// One JSON channel of the answer (a tool call, or the content) and its
/// tool's name (empty for the content).
#[derive(Debug)]
struct Named {
    name: String,
    channel: Channel,
}

impl Named {
    /// The typed client's reading of a channel: empty tool arguments are no
    /// value (the schema decides whether that may be `{}`), text after a
    /// call's end is read as before it, and the raw text is kept for the
    /// errors and the retry's transcript.
    fn new(name: String, kind: Kind, options: Options) -> Self {
        let rules = Rules::default().keep_text(true);
        Named {
            name,
            channel: Channel::new(kind, options, rules),
        }
    }
}

/// The state machine of one call (all its attempts).
pub(crate) struct Driver<T: Structured> {
    kind: CallKind,
    shape: Shape,
    schema: Value,
    request: StructuredRequest,
    max_retries: u32,
    raw_events: bool,
    options: Options,
    /// Whether a value or item that does not fit its schema is aligned
    /// with it ([`crate::coerce`]) before it fails.
    coerce: bool,
    next: Next,
    // This attempt.
    calls: BTreeMap<u32, Named>,
    content: Option<Named>,
    refusal: String,
    finish: Option<FinishReason>,
    stream_error: Option<Error>,
    attempt_usage: Usage,
    partial: Option<Arc<T::Partial>>,
    dirty: bool,
    /// Scratch for a variant's prefixed paths.
    scratch: String,
    /// Items handed out in this attempt.
    attempt_items: usize,
    /// Whether this attempt's answer was reported as a bare list.
    coerced: bool,
    /// Whether the response has ended (its end is being judged).
    response_ended: bool,
    /// Item JSON handed out, over all attempts (a retry continues the list).
    accepted: Vec<String>,
    // Over all attempts.
    errors: Vec<Error>,
    usage: Usage,
    last_output: String,
    out: VecDeque<Result<Event<T>, Error>>,
}

impl<T: Structured> std::fmt::Debug for Driver<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver")
            .field("kind", &self.kind)
            .field("shape", &self.shape)
            .field("next", &self.next)
            .field("attempt", &self.errors.len())
            .finish_non_exhaustive()
    }
}

/// The kind of value a schema asks for at its root, so that lenient text
/// looks only for that kind: a model's `[1]`-style citations before an
/// object are prose.
fn root_of(schema: &Value) -> Lenient {
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => Lenient::Object,
        Some("array") => Lenient::Array,
        _ => Lenient::Any,
    }
}

/// A tool name: letters, digits, `_` and `-`, at most 64.
pub(crate) fn tool_name(title: &str) -> String {
    let name: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if name.is_empty() {
        "output".into()
    } else {
        name
    }
}

impl<T: Structured> Driver<T> {
    pub(crate) fn new(
        kind: CallKind,
        shape: Shape,
        schema: Value,
        request: StructuredRequest,
        max_retries: u32,
        raw_events: bool,
    ) -> Self {
        let mut options = Options::default();
        match (&shape, kind) {
            (Shape::Single, CallKind::Partial) => {
                options = with_policies(options.deltas(true), &Policies::of::<T>())
            }
            (Shape::Variant, CallKind::Partial) => options = options.deltas(true),
            (Shape::List, CallKind::Iterable) => {
                // The list in its wrapper, or a bare array (read as the list).
                options = options
                    .items(format!("/{ITEMS_FIELD}").parse().expect("a valid pattern"))
                    .items("".parse().expect("the root pattern"));
            }
            _ => {}
        }
        Driver {
            kind,
            shape,
            schema,
            request,
            max_retries,
            raw_events,
            options,
            coerce: false,
            next: Next::Send,
            calls: BTreeMap::new(),
            content: None,
            refusal: String::new(),
            finish: None,
            stream_error: None,
            attempt_usage: Usage::default(),
            partial: None,
            dirty: false,
            scratch: String::new(),
            attempt_items: 0,
            coerced: false,
            response_ended: false,
            accepted: Vec::new(),
            errors: Vec::new(),
            usage: Usage::default(),
            last_output: String::new(),
            out: VecDeque::new(),
        }
    }

    /// Aligns values and items that do not fit their schema with it.
    pub(crate) fn coerce(mut self, on: bool) -> Self {
        self.coerce = on;
        self
    }

    /// Repairs almost-JSON in the answer as it streams (every repair
    /// kind), in the same single pass.
    pub(crate) fn repair(mut self, on: bool) -> Self {
        if on {
            self.options = self.options.repair(Repairs::ALL);
        }
        self
    }

    /// The request of the current attempt.
    pub(crate) fn request(&self) -> &StructuredRequest {
        &self.request
    }

    pub(crate) fn next(&self) -> Next {
        self.next
    }

    pub(crate) fn pop(&mut self) -> Option<Result<Event<T>, Error>> {
        self.out.pop_front()
    }

    /// Token usage so far, over every attempt.
    pub(crate) fn usage(&self) -> Usage {
        let mut total = self.usage;
        add_usage(&mut total, self.attempt_usage);
        total
    }

    /// The finish reason of the last response.
    pub(crate) fn finish_reason(&self) -> Option<FinishReason> {
        self.finish
    }

    /// The raw output of the last attempt (tool arguments or content).
    pub(crate) fn last_output(&self) -> &str {
        &self.last_output
    }

    /// The request was sent and the response is being read.
    pub(crate) fn sent(&mut self) {
        self.next = Next::Read;
    }

    /// The request failed: the call ends with this error (what already
    /// arrived was handed out).
    pub(crate) fn fail(&mut self, error: Error) {
        self.flush_partial();
        self.out.push_back(Err(error));
        self.next = Next::Done;
    }

    /// Reading the response failed (the connection, or a frame that cannot
    /// be decoded). Before the answer began the call ends with `error`;
    /// after, with [`Error::Incomplete`] carrying what arrived, `error` as
    /// its cause. Once the provider has reported the answer finished, only
    /// the response's trailer (usage, an end marker) is lost: the answer is
    /// judged as if the response had ended.
    pub(crate) fn broken(&mut self, error: Error) {
        if self.next == Next::Done {
            // The call has ended (a body decoder fed after its error).
            return;
        }
        let began = self
            .calls
            .values()
            .chain(&self.content)
            .any(|c| !c.channel.text().is_empty())
            || !self.accepted.is_empty();
        if !began || self.next != Next::Read {
            return self.fail(error);
        }
        if self.finish.is_some() {
            return self.end_of_response();
        }
        self.flush_partial();
        let error = self.incomplete(Some(error));
        self.last_output = self.attempt_output();
        self.fail(error);
    }

    /// The error of an output that stopped before the value was complete,
    /// with what arrived.
    fn incomplete(&mut self, cause: Option<Error>) -> Error {
        Error::Incomplete {
            partial: self.partial_json(),
            reason: self.finish,
            items: (self.kind == CallKind::Iterable).then_some(self.accepted.len()),
            cause: cause.map(Box::new),
        }
    }

    /// The value as far as it came, as compact JSON: the value channel's
    /// snapshot; for a list, the item still open (the closed ones were
    /// handed out).
    fn partial_json(&mut self) -> Option<String> {
        match self.shape {
            Shape::Calls { variants } => {
                let (name, json) = self
                    .calls
                    .values()
                    .filter(|c| !c.channel.is_ended())
                    .find_map(|c| {
                        Some((c.name.clone(), c.channel.document().snapshot()?.to_json()))
                    })?;
                Some(if variants { wrap(&name, &json) } else { json })
            }
            Shape::List => {
                let open = self.attempt_items;
                let json = self
                    .value_channel()?
                    .channel
                    .document()
                    .snapshot()?
                    .to_json();
                let value: Value = serde_json::from_str(&json).ok()?;
                let list = match &value {
                    Value::Array(list) => Some(list),
                    Value::Object(map) => match map.get(ITEMS_FIELD) {
                        Some(Value::Array(list)) => Some(list),
                        Some(_) => None,
                        // Perhaps one item: the object itself, once it
                        // shows a member.
                        None if map.is_empty() => None,
                        None => return Some(json),
                    },
                    _ => None,
                };
                list.and_then(|l| l.get(open)).map(Value::to_string)
            }
            Shape::Variant => {
                let named = self.value_channel()?;
                let json = named.channel.document().snapshot()?.to_json();
                Some(wrap(&named.name, &json))
            }
            Shape::Single => Some(
                self.value_channel()?
                    .channel
                    .document()
                    .snapshot()?
                    .to_json(),
            ),
        }
    }

    /// Decodes one read of the response body with `decoder` and runs its
    /// events: the one path of the async stream and of the body decoder.
    pub(crate) fn feed(&mut self, decoder: &mut dyn StreamDecoder, bytes: &[u8]) {
        match decoder.feed(bytes, &mut |event| self.on_event(event)) {
            Ok(()) => self.end_of_chunk(),
            Err(e) => self.broken(Error::Decode(e)),
        }
    }

    /// The body ended: the decoder's last events, then the end of the
    /// response.
    pub(crate) fn finish(&mut self, decoder: &mut dyn StreamDecoder) {
        match decoder.finish(&mut |event| self.on_event(event)) {
            Ok(()) => self.end_of_response(),
            // The stream stopped without its end marker: what arrived is
            // judged as a complete response.
            Err(e) if e.is_eof() => self.end_of_response(),
            Err(e) => self.broken(Error::Decode(e)),
        }
    }

    /// One decoded event of the response.
    pub(crate) fn on_event(&mut self, event: StreamEvent<'_>) {
        if self.next != Next::Read {
            return;
        }
        if self.raw_events {
            self.out
                .push_back(Ok(Event::Raw(event.clone().into_owned())));
        }
        if event.choice() != 0 {
            return;
        }
        match event {
            StreamEvent::TextDelta { text, .. } => {
                if self.content.is_none() {
                    // JSON in the text: lenient, looking only for the kind
                    // of value the schema asks for (for a list, its wrapper
                    // object; a bare array in text shows as its first item,
                    // and [`Driver::read_list`] reads the rest).
                    let options = self.options.clone().lenient(root_of(&self.schema));
                    self.content = Some(Named::new(String::new(), Kind::Text, options));
                }
                self.feed_content(&text);
            }
            StreamEvent::ToolCallStart { index, name, .. } => self.open_call(index, &name),
            StreamEvent::ToolArgsDelta { index, json, .. } => self.feed_channel(Some(index), &json),
            StreamEvent::ToolCallEnd { index, .. } => self.end_call(index),
            StreamEvent::Refusal { text, .. } => self.refusal.push_str(&text),
            StreamEvent::Usage(u) => add_usage(&mut self.attempt_usage, u),
            StreamEvent::Finish { reason, .. } => self.finish = Some(reason),
            StreamEvent::Error(e) => self.stream_error = Some(Error::Provider(e)),
            _ => {}
        }
    }

    /// Opens tool call `index`'s channel, unless it is open: the options are
    /// copied once per call, not per event.
    fn open_call(&mut self, index: u32, name: &str) {
        if !self.calls.contains_key(&index) {
            let call = Named::new(name.to_owned(), Kind::Arguments, self.options.clone());
            self.calls.insert(index, call);
        }
    }

    /// The end of one network read: a changed partial is handed out once.
    fn end_of_chunk(&mut self) {
        self.flush_partial();
    }

    fn flush_partial(&mut self) {
        if self.dirty {
            self.dirty = false;
            if let Some(p) = &self.partial {
                self.out.push_back(Ok(Event::Partial(Arc::clone(p))));
            }
        }
    }

    fn feed_content(&mut self, text: &str) {
        if !self.calls.is_empty() {
            // Text beside tool calls is commentary, not the value.
            return;
        }
        self.feed_channel(None, text);
    }

    /// Feeds a piece of a channel's JSON (tool call `index`, opened unnamed
    /// if its start has not arrived, or the content): its deltas update the
    /// partial in place, straight from the document (nothing copied out
    /// first); its closed items go out validated.
    fn feed_channel(&mut self, index: Option<u32>, text: &str) {
        let Driver {
            kind,
            calls,
            content,
            shape,
            options,
            partial,
            dirty,
            scratch,
            ..
        } = self;
        // The channel, and whether it carries the value (the first tool
        // call, or the content) rather than being one item of many.
        let (first, Named { name, channel }) = match index {
            Some(i) => {
                let first = calls.first_key_value().is_none_or(|(&k, _)| i <= k);
                let call = calls
                    .entry(i)
                    .or_insert_with(|| Named::new(String::new(), Kind::Arguments, options.clone()));
                (first, call)
            }
            None => match content.as_mut() {
                Some(named) => (true, named),
                None => return,
            },
        };
        let typed = *kind == CallKind::Partial && first;
        // An enum variant's value sits under its tool's name.
        let variant = match (&*shape, index) {
            (Shape::Variant, Some(_)) => Some(name.as_str()),
            _ => None,
        };
        let mut items = Vec::new();
        // A failed channel takes no more text (it keeps it for the errors);
        // nor are the changes of a failing fragment's valid part used: the
        // attempt fails at its end.
        if let Some(Ok(changes)) = channel.feed(text) {
            if typed {
                for delta in changes.deltas() {
                    let (op, path, value) = (delta.op(), delta.path(), delta.value());
                    // A delta that does not fit the type changes nothing
                    // shown; the final validation reports the real problem.
                    if apply_delta(partial, variant, scratch, op, path, value).is_ok() {
                        *dirty = true;
                    }
                }
            }
            for item in changes.items() {
                if let ItemEvent::Done { path, json, .. } = item {
                    items.push((path.is_empty(), json.clone()));
                }
            }
        }
        if items.is_empty() {
            return;
        }
        for (bare, json) in items {
            if bare && self.shape == Shape::List && !self.coerced {
                self.coerced = true;
                self.out.push_back(Ok(Event::Coerced(Coercion::BareList)));
            }
            self.item(&json);
        }
    }

    fn end_call(&mut self, index: u32) {
        let Some(call) = self.calls.get_mut(&index) else {
            return;
        };
        if !call.channel.end() {
            return;
        }
        if !matches!(self.shape, Shape::Calls { .. }) || self.kind != CallKind::Iterable {
            return;
        }
        // One call, one item.
        let result = finish_channel(&mut call.channel);
        let name = call.name.clone();
        match result {
            Ok(json) => {
                let json = match self.shape {
                    Shape::Calls { variants: true } => wrap(&name, &json),
                    _ => json,
                };
                self.item(&json);
            }
            Err(e) => self.attempt_failed(e),
        }
    }

    /// A complete item of the list: validated, then handed out.
    fn item(&mut self, json: &str) {
        if self.next != Next::Read {
            return;
        }
        let schema = self.item_schema();
        match read(&mut self.out, json, schema.as_ref(), self.coerce) {
            Ok(value) => self.hand_out(json, value),
            Err(e) => self.attempt_failed(e),
        }
    }

    fn hand_out(&mut self, json: &str, item: T) {
        self.accepted.push(json.to_owned());
        self.attempt_items += 1;
        self.out.push_back(Ok(Event::Item(item)));
    }

    /// The schema of one item.
    fn item_schema(&self) -> Option<Value> {
        match self.shape {
            Shape::List => self
                .schema
                .pointer(&format!("/properties/{ITEMS_FIELD}/items"))
                .cloned()
                .map(|s| with_defs(s, &self.schema)),
            _ => Some(self.schema.clone()),
        }
    }

    /// The response ended (the decoder finished without error).
    pub(crate) fn end_of_response(&mut self) {
        if self.next != Next::Read {
            return;
        }
        self.flush_partial();
        if let Some(e) = self.stream_error.take() {
            self.fail(e);
            return;
        }
        self.response_ended = true;
        match self.kind {
            CallKind::Iterable => self.end_items(),
            CallKind::Value | CallKind::Partial => self.end_value(),
        }
    }

    fn end_items(&mut self) {
        if let Shape::Calls { .. } = self.shape {
            let open: Vec<u32> = self
                .calls
                .iter()
                .filter(|(_, c)| !c.channel.is_ended())
                .map(|(i, _)| *i)
                .collect();
            for index in open {
                self.end_call(index);
            }
            if self.next != Next::Read {
                return;
            }
            if self.calls.is_empty() {
                if let Some(e) = self.no_output_error() {
                    return self.attempt_failed(e);
                }
            }
            return self.finish_attempt();
        }
        let Some(Named { channel, .. }) = self.value_channel() else {
            let e = self.no_output_error().unwrap_or_else(no_answer);
            return self.attempt_failed(e);
        };
        let read = finish_channel(channel).map(|json| {
            // What follows the value in text (nothing after tool arguments).
            let end = usize::try_from(channel.document().offset()).unwrap_or(usize::MAX);
            (
                json,
                channel.text().get(end..).unwrap_or_default().to_owned(),
            )
        });
        let read = read.and_then(|(json, rest)| self.read_list(&json, &rest));
        match read {
            Ok(()) => self.finish_attempt(),
            Err(e) => self.attempt_failed(e),
        }
    }

    /// Checks the whole answer of a list call, whose items (if it had the
    /// list's shape) were handed out as they closed: the list in its
    /// wrapper, or a bare array, or one object that validates as an item
    /// (handed out now, as a list of one). Anything else is a validation
    /// error. `rest` is the text after the value: in text, where only an
    /// object is looked for, a bare array shows as its first item followed
    /// by `, {…}, …]`, whose items are read from there.
    fn read_list(&mut self, json: &str, rest: &str) -> Result<(), Error> {
        let invalid = |message: String| Error::Validation {
            path: String::new(),
            message,
            output: json.to_owned(),
        };
        // The usual answers, read without building the list: a bare array
        // (its items were handed out as they closed), or the wrapper alone.
        if json.starts_with('[') {
            if !self.coerced {
                self.coerced = true;
                self.out.push_back(Ok(Event::Coerced(Coercion::BareList)));
            }
            return Ok(());
        }
        if is_wrapper(json) {
            return Ok(());
        }
        let value: Value = serde_json::from_str(json).map_err(|e| unreadable(json, &e))?;
        match &value {
            // The wrapper holding one item, not a list of them.
            Value::Object(map) if map.get(ITEMS_FIELD).is_some_and(Value::is_object) => {
                let item = map[ITEMS_FIELD].to_string();
                self.out.push_back(Ok(Event::Coerced(Coercion::SingleItem)));
                let schema = self.item_schema();
                let value = read(&mut self.out, &item, schema.as_ref(), self.coerce)?;
                self.hand_out(&item, value);
                Ok(())
            }
            Value::Object(map) if map.contains_key(ITEMS_FIELD) => {
                // The items were checked one by one; the rest of the wrapper
                // is checked here.
                let mut wrapper = self.schema.clone();
                if let Some(Value::Object(list)) =
                    wrapper.pointer_mut(&format!("/properties/{ITEMS_FIELD}"))
                {
                    list.remove("items");
                }
                match violations(&value, &wrapper) {
                    None => Ok(()),
                    Some((path, message)) => Err(Error::Validation {
                        path,
                        message,
                        output: json.to_owned(),
                    }),
                }
            }
            Value::Object(_) if list_continues(rest) => {
                let more = list_rest(rest).map_err(|e| Error::Validation {
                    path: String::new(),
                    message: format!(
                        "the answer goes on after its first item as a bare list would, \
                         but the rest of it cannot be read: {e}"
                    ),
                    output: self.attempt_output(),
                })?;
                self.coerced = true;
                self.out.push_back(Ok(Event::Coerced(Coercion::BareList)));
                let schema = self.item_schema();
                for item in std::iter::once(json.to_owned()).chain(more) {
                    let value = read(&mut self.out, &item, schema.as_ref(), self.coerce)?;
                    self.hand_out(&item, value);
                }
                Ok(())
            }
            _ => {
                let as_list = violations(&value, &self.schema)
                    .map(|(_, m)| m)
                    .unwrap_or_default();
                if value.is_object() {
                    match coerce::read::<T>(json, self.item_schema().as_ref(), self.coerce) {
                        Ok((item, coercions)) => {
                            let coercions = std::iter::once(Coercion::SingleItem).chain(coercions);
                            self.out.extend(coercions.map(|c| Ok(Event::Coerced(c))));
                            self.hand_out(json, item);
                            Ok(())
                        }
                        Err(e) => {
                            let as_item = match &e {
                                Error::Validation { path, message, .. } if !path.is_empty() => {
                                    format!("{path}: {message}")
                                }
                                Error::Validation { message, .. } => message.clone(),
                                other => other.to_string(),
                            };
                            Err(invalid(format!(
                                "the answer is not the list asked for: {as_list}\n\
                                 nor one item: {as_item}"
                            )))
                        }
                    }
                } else {
                    Err(invalid(format!(
                        "the answer is not the list asked for: {as_list}"
                    )))
                }
            }
        }
    }

    fn end_value(&mut self) {
        let shape = self.shape.clone();
        let Some(named) = self.value_channel() else {
            let e = self.no_output_error().unwrap_or_else(no_answer);
            return self.attempt_failed(e);
        };
        let name = named.name.clone();
        match finish_channel(&mut named.channel) {
            Ok(json) => {
                let json = if shape == Shape::Variant {
                    wrap(&name, &json)
                } else {
                    json
                };
                match read(&mut self.out, &json, Some(&self.schema), self.coerce) {
                    Ok(value) => {
                        self.out.push_back(Ok(Event::Done(value)));
                        self.finish_attempt();
                    }
                    Err(e) => self.attempt_failed(e),
                }
            }
            Err(e) => self.attempt_failed(e),
        }
    }

    fn value_channel(&mut self) -> Option<&mut Named> {
        let first = self.calls.keys().next().copied();
        match first {
            Some(i) => self.calls.get_mut(&i),
            None => self.content.as_mut(),
        }
    }

    /// The error of a response with no structured output, if it says why.
    fn no_output_error(&self) -> Option<Error> {
        if !self.refusal.is_empty() {
            return Some(Error::Refusal(self.refusal.clone()));
        }
        match self.finish {
            Some(FinishReason::ContentFilter) => Some(Error::ContentFilter),
            Some(FinishReason::Length) => Some(Error::Incomplete {
                partial: None,
                reason: self.finish,
                items: (self.kind == CallKind::Iterable).then_some(self.accepted.len()),
                cause: None,
            }),
            _ => None,
        }
    }

    /// This attempt's output did not make it: retry, or end the call.
    fn attempt_failed(&mut self, error: Error) {
        let error = match error {
            // A cut-off output is what it is; asking again would cut it again.
            Error::Json { .. } if self.finish == Some(FinishReason::Length) => {
                self.incomplete(None)
            }
            Error::Json { .. } if !self.refusal.is_empty() => Error::Refusal(self.refusal.clone()),
            Error::Json { .. } if self.finish == Some(FinishReason::ContentFilter) => {
                Error::ContentFilter
            }
            // A response that ended inside the value without the provider
            // saying it was finished was cut off on the way.
            Error::Json {
                error: JsonError::EndedInside { .. },
                ..
            } if self.response_ended && self.finish.is_none() => self.incomplete(None),
            other => other,
        };
        let output = self.attempt_output();
        self.last_output = output.clone();
        let attempts_left = (self.errors.len() as u32) < self.max_retries;
        if !error.is_retryable() || !attempts_left {
            let error = if self.max_retries > 0 && error.is_retryable() {
                let mut attempts = std::mem::take(&mut self.errors);
                attempts.push(error);
                Error::RetriesExhausted {
                    attempts,
                    usage: self.usage(),
                }
            } else {
                error
            };
            self.flush_partial();
            self.out.push_back(Err(error));
            self.next = Next::Done;
            return;
        }
        self.errors.push(error.clone());
        let attempt = self.errors.len() as u32;
        self.out.push_back(Ok(Event::Retry {
            attempt,
            error: error.to_string(),
        }));
        let follow_up = if self.kind == CallKind::Iterable && !self.accepted.is_empty() {
            format!(
                "Your answer did not validate:\n{error}\nThese items were accepted: [{}]. \
                 Answer again with the remaining items only, correcting the errors.",
                self.accepted.join(",")
            )
        } else {
            format!(
                "Your answer did not validate:\n{error}\nAnswer again, correcting these errors."
            )
        };
        self.request
            .messages
            .push(Message::assistant(if output.is_empty() {
                "(no answer)".to_owned()
            } else {
                output
            }));
        self.request.messages.push(Message::user(follow_up));
        self.reset_attempt();
        // An attempt that failed mid-response drops the rest of it.
        self.next = if self.next == Next::Read {
            Next::Abort
        } else {
            Next::Send
        };
    }

    /// The attempt's raw output: the tool calls' arguments or the content.
    fn attempt_output(&self) -> String {
        if self.calls.is_empty() {
            return self
                .content
                .as_ref()
                .map(|c| c.channel.text().to_owned())
                .unwrap_or_default();
        }
        let parts: Vec<String> = self
            .calls
            .values()
            .map(|c| {
                if c.name.is_empty() {
                    c.channel.text().to_owned()
                } else {
                    format!("{}({})", c.name, c.channel.text())
                }
            })
            .collect();
        parts.join("\n")
    }

    fn finish_attempt(&mut self) {
        self.last_output = self.attempt_output();
        self.next = Next::Done;
    }

    fn reset_attempt(&mut self) {
        let usage = std::mem::take(&mut self.attempt_usage);
        add_usage(&mut self.usage, usage);
        self.calls.clear();
        self.content = None;
        self.refusal.clear();
        self.finish = None;
        self.stream_error = None;
        self.partial = None;
        self.dirty = false;
        self.attempt_items = 0;
        self.coerced = false;
        self.response_ended = false;
    }

    /// The adapter dropped an aborted response; the retry goes out next.
    pub(crate) fn aborted(&mut self) {
        if self.next == Next::Abort {
            self.next = Next::Send;
        }
    }
}

/// Applies one delta to the partial: at the root it makes the partial; an
/// enum `variant`'s value is made under the variant's name; anything else
/// goes down its path in the partial, which is copied (with the change,
/// [`PartialValue::changed`]) only where a previous partial the consumer
/// holds still shares it.
fn apply_delta<P: PartialValue>(
    partial: &mut Option<Arc<P>>,
    variant: Option<&str>,
    scratch: &mut String,
    op: DeltaOp,
    path: &str,
    value: &str,
) -> Result<(), PartialError> {
    let path = match variant {
        None => path,
        Some(name) if path.is_empty() => {
            // `{"<variant>": <value>}`: made from the value, read once.
            let value = structream_parser::parse(value.as_bytes())
                .map_err(|e| PartialError::new(e.to_string()))?;
            let wrapped = structream_parser::Value::Object(vec![(name.to_owned(), value)]);
            *partial = Some(Arc::new(P::create(Json::of(&wrapped))?));
            return Ok(());
        }
        Some(name) => {
            scratch.clear();
            push_segment(scratch, name);
            scratch.push_str(path);
            scratch.as_str()
        }
    };
    if path.is_empty() {
        *partial = Some(Arc::new(Json::read(value, P::create)?));
        return Ok(());
    }
    match partial {
        Some(p) => match Arc::get_mut(p) {
            Some(unshared) => unshared.apply(path, op, value),
            // The consumer holds the previous partial: a changed copy.
            None => {
                *p = Arc::new(p.changed(path, op, value)?);
                Ok(())
            }
        },
        None => Ok(()),
    }
}

/// Ends a channel: its complete JSON, or why there is none (invalid JSON
/// first; then no value, prose included; then where the value stopped).
fn finish_channel(channel: &mut Channel) -> Result<String, Error> {
    let ended = channel.finish(|_| {});
    let snapshot = channel.document().snapshot().map(|s| s.to_json());
    let error = match (ended, snapshot) {
        (Err(Failure::Invalid(e)), _) => JsonError::Syntax(e),
        (_, None) => JsonError::NoValue,
        (Ok(()), Some(json)) => return Ok(json),
        (Err(Failure::Incomplete(e)), Some(_)) => JsonError::EndedInside { offset: e.offset() },
        (Err(_), Some(_)) => JsonError::EndedInside {
            offset: channel.document().offset(),
        },
    };
    Err(Error::Json {
        error,
        output: channel.text().to_owned(),
    })
}

/// The error of a response with neither a tool call nor text.
fn no_answer() -> Error {
    Error::Json {
        error: JsonError::Empty,
        output: String::new(),
    }
}

/// `{"<name>": <json>}`: an enum variant's value under its name.
fn wrap(name: &str, json: &str) -> String {
    format!("{{{}:{json}}}", Value::String(name.to_owned()))
}

/// Reads a complete value or item against `schema`, aligned with it if
/// `coerce` and need be (each coercion reported first, in `out`).
fn read<T: Structured>(
    out: &mut VecDeque<Result<Event<T>, Error>>,
    json: &str,
    schema: Option<&Value>,
    coerce: bool,
) -> Result<T, Error> {
    let (value, coercions) = coerce::read::<T>(json, schema, coerce)?;
    out.extend(coercions.into_iter().map(|c| Ok(Event::Coerced(c))));
    Ok(value)
}

/// `schema` with the root's `$defs`, so its `$ref`s resolve on their own.
fn with_defs(mut schema: Value, root: &Value) -> Value {
    if let (Value::Object(map), Some(defs)) = (&mut schema, root.get("$defs")) {
        map.insert("$defs".into(), defs.clone());
    }
    schema
}

fn with_policies(mut options: Options, policies: &Policies) -> Options {
    for path in &policies.hold {
        if let Ok(p) = path.parse() {
            options = options.hold(p);
        }
    }
    for (path, key) in &policies.require {
        if let Ok(p) = path.parse() {
            options = options.require(p, key.clone());
        }
    }
    options
}

fn add_usage(total: &mut Usage, more: Usage) {
    total.input_tokens += more.input_tokens;
    total.output_tokens += more.output_tokens;
    if let Some(r) = more.reasoning_tokens {
        *total.reasoning_tokens.get_or_insert(0) += r;
    }
    if let Some(c) = more.cached_tokens {
        *total.cached_tokens.get_or_insert(0) += c;
    }
}
