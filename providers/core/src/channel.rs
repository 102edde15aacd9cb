//! One JSON channel of a response, streamed into its own [`Document`]: a
//! tool call's arguments, or a choice's text (the answer in the JSON
//! modes).
//!
//! A [`Channel`] owns the channel's lifecycle, which every reader of a
//! decoded stream follows the same way:
//!
//! * the document a [`Kind`] of channel reads with: tool arguments are JSON
//!   by contract and read strictly; text may wrap its JSON in prose, code
//!   fences or reasoning and is read leniently;
//! * feeding it the channel's fragments, and recording its first failure
//!   (invalid JSON; the channel takes no more input after it);
//! * ending it, and judging what arrived: a complete value, prose (text in
//!   which no value started), or a failure saying where the JSON stopped;
//! * whether any text arrived.
//!
//! Where readers differ, [`Rules`] says which way: what tool arguments with
//! no text mean ([`EmptyArguments`]), what text after the channel's end does
//! ([`AfterEnd`]), and whether the raw text is kept.
//!
//! ```
//! use structream_parser::document::Options;
//! use structream_provider::channel::{Channel, EmptyArguments, Kind, Rules};
//!
//! let rules = Rules::default().empty_arguments(EmptyArguments::Object);
//! let mut text = Channel::new(Kind::Text, Options::default(), rules);
//! for fragment in ["Here it is: ```json\n{\"a\":", " 1}\n```"] {
//!     if let Some(Ok(changes)) = text.feed(fragment) {
//!         if let Some(snapshot) = changes.snapshot() {
//!             println!("{}", snapshot.to_json());
//!         }
//!     }
//! }
//! assert!(text.finish(|_| {}).is_ok());
//! assert_eq!(text.document().snapshot().unwrap().to_json(), r#"{"a":1}"#);
//!
//! // A tool call that streamed no arguments takes none: `{}`.
//! let mut call = Channel::new(Kind::Arguments, Options::default(), rules);
//! assert!(call.finish(|_| {}).is_ok());
//! assert_eq!(call.document().snapshot().unwrap().to_json(), "{}");
//! ```

use std::fmt;

use structream_parser::Error;
use structream_parser::document::{Changes, Document, Lenient, Options, Outcome};

/// What a channel carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// A tool call's arguments: strict JSON.
    Arguments,
    /// A choice's text: JSON found leniently in it (or prose).
    Text,
}

/// What tool arguments with no text (or only white space) mean at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum EmptyArguments {
    /// No value: the document ends empty.
    #[default]
    NoValue,
    /// `{}`, as every provider means a call that takes no arguments.
    Object,
}

/// What text that arrives after the channel's end does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AfterEnd {
    /// It is read like any other text: the end only marks the channel.
    #[default]
    Read,
    /// A choice's text after its end is ignored (as lenient input ignores
    /// what follows its value); tool arguments after their call's end are a
    /// failure, [`Failure::ContinuedAfterEnd`].
    Refused,
}

/// The rules on which readers of a channel differ; the default is the most
/// literal reading (no value for empty arguments, text after the end read,
/// the raw text not kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Rules {
    /// What tool arguments with no text mean.
    pub empty_arguments: EmptyArguments,
    /// What text after the end does.
    pub after_end: AfterEnd,
    /// Whether every fragment fed is kept, for [`Channel::text`].
    pub keep_text: bool,
}

impl Rules {
    /// Sets [`Rules::empty_arguments`].
    #[must_use]
    pub fn empty_arguments(mut self, rule: EmptyArguments) -> Self {
        self.empty_arguments = rule;
        self
    }

    /// Sets [`Rules::after_end`].
    #[must_use]
    pub fn after_end(mut self, rule: AfterEnd) -> Self {
        self.after_end = rule;
        self
    }

    /// Sets [`Rules::keep_text`].
    #[must_use]
    pub fn keep_text(mut self, on: bool) -> Self {
        self.keep_text = on;
        self
    }
}

/// Why a channel has no complete value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// The JSON is invalid; the error says where and why.
    Invalid(Error),
    /// The input ended inside the value, or (tool arguments) before one.
    Incomplete(Error),
    /// Tool arguments continued after their call ended (under
    /// [`AfterEnd::Refused`]).
    ContinuedAfterEnd,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Invalid(e) | Failure::Incomplete(e) => e.fmt(f),
            Failure::ContinuedAfterEnd => {
                f.write_str("arguments continued after the tool call ended")
            }
        }
    }
}

/// One JSON channel: see the [module docs](self).
#[derive(Debug)]
pub struct Channel {
    kind: Kind,
    rules: Rules,
    doc: Document,
    /// Whether the channel's end arrived (or it was finished).
    ended: bool,
    failure: Option<Failure>,
    /// Whether any non-whitespace text arrived.
    has_text: bool,
    /// Every fragment fed, under [`Rules::keep_text`].
    text: String,
}

impl Channel {
    /// A channel of `kind` whose document reads with `options`: tool
    /// arguments strictly (whatever `options.lenient` says), text
    /// leniently, looking for the kind of value `options.lenient` names
    /// (any value if it is [`Lenient::Off`]).
    pub fn new(kind: Kind, options: Options, rules: Rules) -> Self {
        let lenient = match kind {
            Kind::Arguments => Lenient::Off,
            Kind::Text => match options.lenient {
                Lenient::Off => Lenient::Any,
                root => root,
            },
        };
        Channel {
            kind,
            rules,
            doc: Document::with_options(options.lenient(lenient)),
            ended: false,
            failure: None,
            has_text: false,
            text: String::new(),
        }
    }

    /// What the channel carries.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Feeds a fragment of the channel's text: `None` if the document did
    /// not take it (the channel failed before, or it ended and the
    /// [`AfterEnd`] rule refuses it); otherwise what it changed, or the
    /// error it holds, which becomes the channel's failure (what the valid
    /// part before it changed is then in [`Channel::changes`]).
    pub fn feed(&mut self, text: &str) -> Option<Result<Changes<'_>, Error>> {
        if self.rules.keep_text {
            self.text.push_str(text);
        }
        if self.failure.is_some() {
            return None;
        }
        if self.ended && self.rules.after_end == AfterEnd::Refused {
            if self.kind == Kind::Arguments {
                self.failure = Some(Failure::ContinuedAfterEnd);
            }
            return None;
        }
        if !self.has_text {
            self.has_text = text.bytes().any(|b| !b.is_ascii_whitespace());
        }
        match self.doc.feed(text.as_bytes()) {
            Ok(changes) => Some(Ok(changes)),
            Err(e) => {
                self.failure = Some(Failure::Invalid(e));
                Some(Err(e))
            }
        }
    }

    /// Marks the channel's end (a tool call's end event): `false` if it had
    /// ended already. The document is not finished: see
    /// [`Channel::finish`].
    pub fn end(&mut self) -> bool {
        !std::mem::replace(&mut self.ended, true)
    }

    /// Ends the channel and its document, and judges what arrived: `Ok` for
    /// a complete value, or for text in which no value started
    /// ([`Channel::is_prose`]); otherwise the channel's failure. Under
    /// [`EmptyArguments::Object`], tool arguments with no text are fed `{}`
    /// first. `seen` gets what each step changed (the `{}`, then the end),
    /// even a step that failed. A channel that failed before, or was
    /// finished, only says so again.
    pub fn finish(&mut self, mut seen: impl FnMut(Changes<'_>)) -> Result<(), Failure> {
        self.ended = true;
        if let Some(failure) = self.failure {
            return Err(failure);
        }
        if self.doc.outcome().is_some() {
            return Ok(());
        }
        if self.kind == Kind::Arguments
            && !self.has_text
            && self.rules.empty_arguments == EmptyArguments::Object
        {
            self.has_text = true;
            match self.doc.feed(b"{}") {
                Ok(changes) => seen(changes),
                Err(e) => {
                    seen(self.doc.changes());
                    return Err(*self.failure.insert(Failure::Invalid(e)));
                }
            }
        }
        let outcome = match self.doc.finish() {
            Ok(changes) => {
                let outcome = changes.outcome();
                seen(changes);
                outcome
            }
            Err(e) => {
                seen(self.doc.changes());
                return Err(*self.failure.insert(Failure::Invalid(e)));
            }
        };
        match outcome {
            Some(Outcome::Incomplete(_)) if self.is_prose() => Ok(()),
            Some(Outcome::Incomplete(e)) => Err(*self.failure.insert(Failure::Incomplete(e))),
            _ => Ok(()),
        }
    }

    /// Whether the channel ended (its end arrived, or it was finished).
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// Whether the channel takes more input and has not ended: neither
    /// ended nor failed.
    pub fn is_open(&self) -> bool {
        !self.ended && self.failure.is_none()
    }

    /// The channel's failure, if it has one.
    pub fn failure(&self) -> Option<Failure> {
        self.failure
    }

    /// Whether any text other than white space arrived.
    pub fn has_text(&self) -> bool {
        self.has_text
    }

    /// Text in which no JSON value started, once finished: prose, not an
    /// error (a choice's text only; tool arguments are JSON).
    pub fn is_prose(&self) -> bool {
        self.kind == Kind::Text
            && self.failure.is_none()
            && self.doc.outcome().is_some()
            && self.doc.snapshot().is_none()
    }

    /// Every fragment fed, under [`Rules::keep_text`] (empty otherwise).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The channel's document.
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// What the document's last feed or finish changed (after a failed
    /// feed: what its valid part changed).
    pub fn changes(&mut self) -> Changes<'_> {
        self.doc.changes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(channel: &Channel) -> Option<String> {
        channel.document().snapshot().map(|s| s.to_json())
    }

    fn channel(kind: Kind, rules: Rules) -> Channel {
        Channel::new(kind, Options::default(), rules)
    }

    #[test]
    fn arguments_are_strict_and_text_is_lenient() {
        let mut call = channel(Kind::Arguments, Rules::default());
        // Lenient options do not make arguments lenient.
        let mut lenient_call = Channel::new(
            Kind::Arguments,
            Options::default().lenient(Lenient::Any),
            Rules::default(),
        );
        for c in [&mut call, &mut lenient_call] {
            assert!(matches!(c.feed("Sure: {}"), Some(Err(_))));
            assert!(matches!(c.failure(), Some(Failure::Invalid(_))));
        }
        let mut text = channel(Kind::Text, Rules::default());
        assert!(matches!(text.feed("Sure: {\"a\": 1}"), Some(Ok(_))));
        assert_eq!(text.finish(|_| {}), Ok(()));
        assert_eq!(json(&text).as_deref(), Some(r#"{"a":1}"#));
    }

    #[test]
    fn text_looks_for_the_kind_of_value_the_options_name() {
        let options = Options::default().lenient(Lenient::Object);
        let mut text = Channel::new(Kind::Text, options, Rules::default());
        text.feed("As [1] says: {\"a\": 1}").unwrap().unwrap();
        assert_eq!(json(&text).as_deref(), Some(r#"{"a":1}"#));
    }

    #[test]
    fn empty_arguments_are_no_value_or_an_object_by_rule() {
        let mut literal = channel(Kind::Arguments, Rules::default());
        literal.feed(" ").unwrap().unwrap();
        assert!(matches!(
            literal.finish(|_| {}),
            Err(Failure::Incomplete(_))
        ));
        assert_eq!(json(&literal), None);

        let rules = Rules::default().empty_arguments(EmptyArguments::Object);
        let mut object = channel(Kind::Arguments, rules);
        object.feed(" ").unwrap().unwrap();
        let mut seen = Vec::new();
        assert_eq!(
            object.finish(|c| seen.push(c.changed().then(|| json_of(&c)))),
            Ok(())
        );
        // The `{}` shows as a change of its own, then the end changes nothing.
        assert_eq!(seen, [Some("{}".to_owned()), None]);
        assert_eq!(json(&object).as_deref(), Some("{}"));

        // Text that is not empty is not replaced.
        let mut partial = channel(Kind::Arguments, rules);
        partial.feed("{\"a\":").unwrap().unwrap();
        assert!(matches!(
            partial.finish(|_| {}),
            Err(Failure::Incomplete(_))
        ));
        // A choice's text is never `{}`.
        let mut text = channel(Kind::Text, rules);
        assert_eq!(text.finish(|_| {}), Ok(()));
        assert!(text.is_prose());
    }

    fn json_of(changes: &Changes<'_>) -> String {
        changes.snapshot().map(|s| s.to_json()).unwrap_or_default()
    }

    #[test]
    fn text_after_the_end_is_read_or_refused_by_rule() {
        let mut read = channel(Kind::Arguments, Rules::default());
        read.feed("{\"a\":").unwrap().unwrap();
        assert!(read.end());
        assert!(!read.end());
        assert!(read.feed("1}").is_some());
        assert_eq!(read.finish(|_| {}), Ok(()));
        assert_eq!(json(&read).as_deref(), Some(r#"{"a":1}"#));

        let rules = Rules::default().after_end(AfterEnd::Refused);
        let mut call = channel(Kind::Arguments, rules);
        call.feed("{}").unwrap().unwrap();
        assert_eq!(call.finish(|_| {}), Ok(()));
        assert!(call.feed(" ").is_none());
        assert_eq!(call.failure(), Some(Failure::ContinuedAfterEnd));
        assert_eq!(
            call.failure().unwrap().to_string(),
            "arguments continued after the tool call ended"
        );

        let mut text = channel(Kind::Text, rules);
        text.feed("{} ").unwrap().unwrap();
        assert_eq!(text.finish(|_| {}), Ok(()));
        assert!(text.feed("more").is_none());
        assert_eq!(text.failure(), None);
    }

    #[test]
    fn the_first_failure_is_kept_and_later_text_refused() {
        let mut call = channel(Kind::Arguments, Rules::default().keep_text(true));
        let Some(Err(e)) = call.feed("{\"a\": x") else {
            panic!("an error")
        };
        assert_eq!(e.offset(), 6);
        // The valid part before the error changed the document.
        assert!(call.changes().changed());
        assert!(call.feed("1}").is_none());
        assert_eq!(call.finish(|_| {}), Err(Failure::Invalid(e)));
        // The raw text keeps every fragment, after the failure too.
        assert_eq!(call.text(), "{\"a\": x1}");
        assert!(!call.is_open());
    }

    #[test]
    fn an_end_inside_the_value_is_a_failure_and_seen() {
        let mut call = channel(Kind::Arguments, Rules::default());
        call.feed("{\"a\": tru").unwrap().unwrap();
        let mut seen = 0;
        assert!(matches!(
            call.finish(|_| seen += 1),
            Err(Failure::Incomplete(_))
        ));
        assert_eq!(seen, 1);
        assert!(matches!(call.failure(), Some(Failure::Incomplete(_))));
        assert!(!call.is_open());
    }

    #[test]
    fn white_space_is_no_text() {
        let mut text = channel(Kind::Text, Rules::default());
        text.feed(" \n\t").unwrap().unwrap();
        assert!(!text.has_text());
        text.feed(" Hi").unwrap().unwrap();
        assert!(text.has_text());
        // Not kept unless asked.
        assert_eq!(text.text(), "");
    }

    #[test]
    fn text_with_no_value_is_prose_and_arguments_never_are() {
        let mut text = channel(Kind::Text, Rules::default());
        text.feed("Hello there.").unwrap().unwrap();
        assert!(!text.is_prose(), "not before the end");
        assert_eq!(text.finish(|_| {}), Ok(()));
        assert!(text.is_prose());

        let mut started = channel(Kind::Text, Rules::default());
        started.feed("Here: {\"a\": [1").unwrap().unwrap();
        assert!(matches!(
            started.finish(|_| {}),
            Err(Failure::Incomplete(_))
        ));
        assert!(!started.is_prose());

        let mut call = channel(Kind::Arguments, Rules::default());
        call.feed("tr").unwrap().unwrap();
        assert!(matches!(call.finish(|_| {}), Err(Failure::Incomplete(_))));
        assert!(!call.is_prose());
    }
}
