//! `structream sse`: decodes a recorded or piped provider stream and prints
//! one JSON object per event and line, or, with `--partial` / `--items`,
//! the parser's output for each JSON channel (see [`crate::channels`]).
//!
//! Output lines: one record of [`structream_provider::record`] per event
//! (`{"type": "tool_args_delta", "index", "call", "json"}`, ...; `index` is
//! the provider's own, `call` the call's ordinal among its choice's tool
//! calls, see [`CallOrdinals`]), and an `error {message, kind: "decode",
//! offset}` line for a stream that cannot be decoded. Exit status: 0 when
//! the stream ended normally; 1 when it carried an error or could not be
//! decoded (the `error` line is printed like the others and the message
//! goes to standard error).

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use structream_anthropic::AnthropicDecoder;
use structream_gemini::GeminiDecoder;
use structream_openai::{ChatDecoder, OllamaDecoder, ResponsesDecoder};
use structream_parser::document::{Options, Pattern};

use structream_provider::record::{decode_error_line, event_line};
use structream_provider::{CallOrdinals, DecodeError, StreamDecoder, StreamEvent};

use crate::channels::{Channels, View};
use crate::config::TokenizerArgs;
use crate::fragments::route_fragments;
use crate::stream::{LenientRoot, NonFiniteArg};

use crate::input::{self, ChunkError, ChunkSizes, Source};

/// The wire protocol of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Protocol {
    /// OpenAI Chat Completions and every OpenAI-compatible server.
    #[value(alias = "openai-compatible")]
    OpenaiChat,
    /// OpenAI Responses API.
    OpenaiResponses,
    /// Anthropic Messages.
    Anthropic,
    /// Gemini streamGenerateContent with alt=sse.
    Gemini,
    /// Ollama's native /api/chat NDJSON.
    Ollama,
}

impl Protocol {
    fn decoder(self) -> Box<dyn StreamDecoder> {
        match self {
            Protocol::OpenaiChat => Box::new(ChatDecoder::default()),
            Protocol::OpenaiResponses => Box::new(ResponsesDecoder::default()),
            Protocol::Anthropic => Box::new(AnthropicDecoder::default()),
            Protocol::Gemini => Box::new(GeminiDecoder::default()),
            Protocol::Ollama => Box::new(OllamaDecoder::default()),
        }
    }
}

/// Arguments of `structream sse`.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  structream sse --protocol anthropic tests/corpora/sse/anthropic/pydantic-ai/simple_text_stream.sse
  structream sse --protocol openai-chat --chunk-sizes 1 recorded.sse
  structream sse --protocol openai-chat --partial tests/corpora/sse/openai-chat/openai-python/parse_pydantic_tool.sse
  structream sse --protocol gemini --items /steps answer.sse
  curl -sN ... | structream sse --protocol anthropic --partial -

Prints one JSON object per event and line:
  {"type":"tool_call_start","index":0,"call":0,"id":"call_1","name":"get_weather"}
  {"type":"tool_args_delta","index":0,"call":0,"json":"{\"city\":"}
  {"type":"finish","reason":"tool_calls","raw":"tool_calls"}
`index` is the provider's index of a tool call (Anthropic and the Responses API count text
and reasoning blocks too: a call after a text block is index 1); `call` is the call's
ordinal among the choice's tool calls (0, 1, ...), the same for every protocol.
Exit status 0 when the stream ended normally; 1 when it carried an error or could not be
decoded (the `error` line is printed like the others and the message goes to stderr). An
error the server wrote outside the frames (an `error:` line, a JSON error object after the
last frame, a JSON error body instead of a stream) is an `error` line with its whole message.
Server-side tools run at the provider and are not tool calls for the caller to run: each
is one `server_tool` line once its input is complete, with the tool's name, id and input
(when the provider sends it as JSON):
  {"type":"server_tool","index":1,"id":"srvtoolu_01","name":"web_search","input":{"query":"..."}}
(Anthropic server_tool_use and mcp_tool_use blocks; Responses web_search_call,
file_search_call, code_interpreter_call, mcp_call ... items, named without `_call`, an MCP
call by its tool's name.) Their results (web search results, code output) and Gemini
executableCode are not printed; what the model makes of them reaches the answer's text.
--partial and --items ignore them.

--partial and --items print the parser's output for the stream's JSON channels instead:
each tool call's arguments (strict JSON), and each choice's text (lenient: prose, markdown
fences and <think> blocks around the JSON are skipped; text with no JSON is ignored).
--partial prints a channel's value each time it visibly changes, as `structream partial`
does; --items prints each item of the selected arrays the moment it closes, as
`structream items --path` does. Lines of the first channel to print are bare JSON, so a
stream with one tool call prints exactly what `structream partial` prints of its
arguments; lines of any other channel are wrapped:
  {"index":1,"call":1,"value":{"city":"Paris"}}        tool call 1
  {"choice":2,"value":{"answer":42}}                   the text of choice 2
  {"choice":1,"index":0,"call":0,"value":{}}           tool call 0 of choice 1
A bare line may look like a wrapped one; --wrap wraps every line, for scripts that must
tell channels apart. A tool call with no argument text counts as {}.
In a choice's text only an object is taken for the JSON by default (--lenient-root
object): tool arguments, JSON mode and json_schema answers are objects, and a `[1]`-style
citation in prose is not an answer. Give --lenient-root array or any for an answer whose
top level is an array (a Gemini responseSchema of type array).
--max-depth and --lone-surrogates set the parser's nesting limit and its handling of a lone
`\ud800`-style escape in the channels' JSON, as for `structream partial`.
Exit status 1, with one `error:` line per problem on stderr, when the stream carried an
error or could not be decoded, when a channel's JSON is invalid or incomplete (the byte
is counted in that channel's JSON), or when the stream had no JSON at all:
  error: tool call 1: EOF while parsing an object at line 1 column 12 (byte 11)"#)]
#[command(group(clap::ArgGroup::new("view").args(["partial", "items"])))]
pub(crate) struct Args {
    /// Wire protocol of the stream.
    #[arg(long, value_enum)]
    protocol: Protocol,
    /// Re-cut the input into chunks of these sizes, cycling (e.g. 1,3,64).
    #[arg(long, value_name = "N[,N...]", value_parser = ChunkSizes::parse)]
    chunk_sizes: Option<ChunkSizes>,
    /// Print each JSON channel's value each time it visibly changes.
    #[arg(long, conflicts_with = "items")]
    partial: bool,
    /// Print each item of the arrays at this JSON Pointer in each JSON
    /// channel (`*` matches any index or key, `""` a root array). May be
    /// repeated.
    #[arg(long, value_name = "PATTERN", allow_hyphen_values = true)]
    items: Vec<Pattern>,
    /// With --partial or --items: wrap every line with its channel, even
    /// the first channel's.
    #[arg(long, requires = "view")]
    wrap: bool,
    /// With --partial or --items, the kind of value to look for in a
    /// choice's text: `object` (the default) takes a `[` in the prose (a
    /// citation such as `[1]`) for prose; `array` or `any` for an answer
    /// that is an array. Tool call arguments are not affected.
    #[arg(long, value_enum, default_value_t = LenientRoot::Object, requires = "view")]
    lenient_root: LenientRoot,
    /// The parser's limits for the channels' documents (with --partial or
    /// --items).
    #[command(flatten)]
    tokenizer: TokenizerArgs,
    /// With --partial or --items: repair what models write that is almost
    /// JSON, in a choice's text and in tool call arguments.
    #[arg(long, requires = "view")]
    repair: bool,
    /// With --repair, what `NaN`, `Infinity` and `-Infinity` become:
    /// `null`, a `string` of the word, or an `error` at the word.
    #[arg(long, value_enum, default_value_t = NonFiniteArg::Null, requires = "repair")]
    non_finite: NonFiniteArg,
    /// Input file; `-` or nothing reads standard input.
    file: Option<PathBuf>,
}

impl Args {
    /// What `--partial` / `--items` ask for, if anything.
    fn view(&self) -> Option<(View, Options)> {
        // The choice's text is read leniently, looking for this kind of
        // value; tool call arguments are strict (see `Channels`).
        let repairs = self.non_finite.repairs(self.repair);
        let options = Options::default()
            .tokenizer(self.tokenizer.config())
            .lenient(self.lenient_root.into())
            .repair(repairs);
        if self.partial {
            Some((View::Partial, options))
        } else if !self.items.is_empty() {
            let options = self.items.iter().cloned().fold(options, Options::items);
            Some((View::Items, options))
        } else {
            None
        }
    }
}

/// How the stream ended.
enum StreamEnd {
    Normal,
    /// The provider reported an error (its message).
    ProviderError(String),
    Decode(DecodeError),
}

/// How many bytes of the input [`describe_head`] shows.
const HEAD_LEN: usize = 48;

/// What the input started with, for an input that decoded to nothing (an
/// HTML error page, JSON instead of a stream, the wrong protocol).
fn describe_head(head: &[u8]) -> String {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    if line.trim_ascii().is_empty() {
        return "the input is empty".to_string();
    }
    format!(
        "is it a stream of this protocol? It starts with {:?}",
        String::from_utf8_lossy(line)
    )
}

/// What is printed: the events, or the JSON channels' documents.
enum Printer<W: Write> {
    Events { out: W, write_failed: bool },
    Documents(Box<Channels<W>>),
}

impl<W: Write> Printer<W> {
    fn event(&mut self, event: &StreamEvent<'_>, call: Option<u32>) {
        match self {
            Printer::Events { out, write_failed } => {
                if writeln!(out, "{}", event_line(event, call)).is_err() {
                    *write_failed = true;
                }
            }
            Printer::Documents(channels) => route_fragments(event, call, &mut **channels),
        }
    }

    fn out(&mut self) -> &mut W {
        match self {
            Printer::Events { out, .. } => out,
            Printer::Documents(channels) => channels.out(),
        }
    }

    fn write_failed(&self) -> bool {
        match self {
            Printer::Events { write_failed, .. } => *write_failed,
            Printer::Documents(channels) => channels.write_failed(),
        }
    }
}

pub(crate) fn run(args: Args) -> ExitCode {
    let source = Source::from_arg(args.file.as_ref());
    let sizes = args.chunk_sizes.as_ref();
    let mut decoder = args.protocol.decoder();
    let out = io::BufWriter::new(io::stdout().lock());
    let mut printer = match args.view() {
        None => Printer::Events {
            out,
            write_failed: false,
        },
        Some((view, options)) => {
            Printer::Documents(Box::new(Channels::new(view, options, args.wrap, out)))
        }
    };
    let mut provider_error: Option<String> = None;
    let mut decoded_any = false;
    let mut calls = CallOrdinals::new();
    // The input's first bytes, to tell what it was when nothing decodes.
    let mut head: Vec<u8> = Vec::new();

    let mut handle = |event: StreamEvent<'_>, printer: &mut Printer<_>| {
        if let StreamEvent::Error(e) = &event
            && provider_error.is_none()
        {
            provider_error = Some(e.to_string());
        }
        decoded_any = true;
        let call = calls.of_event(&event);
        printer.event(&event, call);
    };

    let fed = input::for_each_chunk(&source, sizes, |chunk| {
        if head.len() < HEAD_LEN {
            head.extend_from_slice(&chunk[..chunk.len().min(HEAD_LEN - head.len())]);
        }
        let r = decoder.feed(chunk, &mut |e| handle(e, &mut printer));
        // Keep a piped stream live.
        let _ = printer.out().flush();
        r
    });
    let outcome = match fed {
        Err(ChunkError::Io(e)) => {
            let _ = printer.out().flush();
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
        Err(ChunkError::Sink(e)) => StreamEnd::Decode(e),
        Ok(()) => match decoder.finish(&mut |e| handle(e, &mut printer)) {
            Err(e) => StreamEnd::Decode(e),
            Ok(()) => match provider_error.take() {
                Some(m) => StreamEnd::ProviderError(m),
                None => StreamEnd::Normal,
            },
        },
    };
    // The channels' problems count only when the stream itself ended well:
    // a cut or failed stream leaves its documents incomplete anyway.
    let problems = match &mut printer {
        Printer::Documents(channels) => channels.finish(),
        Printer::Events { .. } => Vec::new(),
    };
    let code = match outcome {
        StreamEnd::Normal if problems.is_empty() => ExitCode::SUCCESS,
        StreamEnd::Normal => {
            for p in &problems {
                eprintln!("error: {p}");
            }
            ExitCode::from(1)
        }
        StreamEnd::ProviderError(m) => {
            eprintln!("error: {m}");
            ExitCode::from(1)
        }
        StreamEnd::Decode(e) => {
            if let Printer::Events { out, .. } = &mut printer {
                let _ = writeln!(out, "{}", decode_error_line(&e));
            }
            if decoded_any {
                eprintln!("error: {e}");
            } else {
                eprintln!("error: {e} (nothing decoded: {})", describe_head(&head));
            }
            ExitCode::from(1)
        }
    };
    if printer.out().flush().is_err() || printer.write_failed() {
        // Standard output went away (a closed pipe): nothing more to say.
        return ExitCode::from(1);
    }
    code
}
