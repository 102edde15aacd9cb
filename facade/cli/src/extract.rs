//! `structream extract`: one real call to a provider, the output schema from
//! a JSON Schema file or a built-in example; the value (or each partial, or
//! each item) on standard output, progress on standard error, and an exit
//! code per kind of failure.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use serde_json::Value;
use structream::{CallStream, Client, ClientBuilder, Error, Event, Request};
use structream_provider::StreamEvent;

use crate::progress::Progress;
use crate::report::{EXIT_FAILURE, excerpt};

/// Exit code of a command line that does not make sense (clap's own code):
/// a bad option, an unreadable or invalid schema file, an unknown provider,
/// a missing API key.
pub(crate) const EXIT_USAGE: u8 = 2;
/// Exit code of a provider error: an HTTP error status, an error event; a
/// connection failure, a timeout or an undecodable stream before the answer
/// began.
pub(crate) const EXIT_PROVIDER: u8 = 3;
/// Exit code of an answer that holds no JSON value, is cut short though
/// the provider reported it finished, or does not validate against the
/// schema (after every retry).
pub(crate) const EXIT_INVALID: u8 = 4;
/// Exit code of an answer cut off before the value was complete (the token
/// limit, a stream or a connection that ended early).
pub(crate) const EXIT_INCOMPLETE: u8 = 5;
/// Exit code of a refusal, or of output stopped by a content filter.
pub(crate) const EXIT_REFUSED: u8 = 6;

/// Arguments of `structream extract`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("output_schema").required(true).args(["schema", "example"])))]
#[command(after_help = "Examples:
  structream extract --model openai/gpt-4.1-mini --example user --prompt 'Jason is 25 years old'
  structream extract --model anthropic/claude-sonnet-4-5 --example users --partial \\
      --prompt 'Jason is 10, John is 30 and Mary is 41'
  structream extract --model openai/gpt-4.1-mini --example user --iterable \\
      --prompt 'Jason is 10 and John is 30' | jq -r .name
  structream extract --model gemini/gemini-2.5-flash --schema invoice.schema.json \\
      --prompt \"$(cat invoice.txt)\" --max-retries 2
  structream extract --model ollama/llama3.2 --base-url http://gpu-box:11434/v1 --example ticket \\
      --prompt 'I was charged twice this month'

Output: the value as one line of compact JSON; with --partial, one line per visible change
(the last line is the complete, validated value; after a retry the lines start over); with
--iterable, one line per item as it closes. Progress (a spinner with the elapsed time and
the output rate) goes to standard error when it is a terminal; retries are reported there.

With --iterable the answer is checked against the list asked for, {\"items\": [...]}; a bare
array of items is read as the list, and one object that validates as an item as a list of
one (a note on standard error says so); any other answer is a validation failure.

A value that does not fit the schema as it is, but can be read one way only, is read that way
and a note on standard error says where and how (\"25\" where a number is asked for, \"Active\"
for the enum value \"active\", one object where a list is asked for, \"None\" where null is
allowed); and JSON that is almost JSON (single quotes, keys without quotes, comments, Python
literals, trailing commas …) is repaired as it streams: both by default with ollama, vllm,
llamacpp and the other OpenAI-compatible servers; --no-coerce and --no-repair turn them off.

API keys come from OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY (and the usual
variable of each OpenAI-compatible provider).

Exit codes:
  0  the value (or every item) arrived and validated
  1  the output could not be written
  2  usage error: bad options, an unreadable or invalid schema file, an unknown provider,
     a missing API key
  3  provider error: an HTTP error status, an error in the stream; a connection failure, a
     timeout or a stream that cannot be decoded, before the answer began
  4  validation failure: the answer holds no JSON value, ended inside it though the provider
     reported it finished, or does not match the schema (after the retries); the answer (or
     its first and last 500 bytes) on standard error
  5  incomplete output: the answer stopped early (token limit, stream or connection cut off);
     the items printed so far stand, and the partial value is on standard error
  6  the model refused, or a content filter stopped the answer")]
pub(crate) struct Args {
    /// PROVIDER/MODEL: openai, openai-responses, anthropic, gemini, ollama, groq, openrouter,
    /// together, deepseek, mistral, vllm, llamacpp, openai-compatible (with --base-url).
    #[arg(long, value_name = "PROVIDER/MODEL")]
    model: String,
    #[command(flatten)]
    output_schema: OutputSchema,
    /// What to extract from (the user message).
    #[arg(long, value_name = "TEXT")]
    prompt: String,
    /// Print the value each time it visibly changes, one JSON line each.
    #[arg(long, conflicts_with = "iterable")]
    partial: bool,
    /// Ask for a list of values of the schema and print each the moment it closes.
    #[arg(long)]
    iterable: bool,
    /// The provider's base URL (a proxy, a compatible server).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// How often to ask again, with the error, after an answer that does not validate.
    #[arg(long, value_name = "N", default_value_t = 0)]
    max_retries: u32,
    /// Take the answer as it is: no reading "25" as 25 where a number is asked for, "Active" as
    /// the enum value "active", one object as a list of one … (on by default in the JSON modes
    /// and for OpenAI-compatible servers such as ollama, vllm, llamacpp).
    #[arg(long)]
    no_coerce: bool,
    /// Take the answer's JSON as it is: no repair of almost-JSON (single quotes, keys without
    /// quotes, comments, Python literals, trailing commas …; on by default in the JSON modes and
    /// for OpenAI-compatible servers).
    #[arg(long)]
    no_repair: bool,
}

/// `--schema FILE.json` or `--example NAME`: the output schema of
/// `extract` and `batch create` (the command names them in a required
/// group `output_schema`, one of the two).
#[derive(Debug, clap::Args)]
#[group(skip)]
pub(crate) struct OutputSchema {
    /// A JSON Schema file for the output.
    #[arg(long, value_name = "FILE.json")]
    schema: Option<PathBuf>,
    /// A built-in output schema.
    #[arg(long, value_name = "NAME", value_enum)]
    example: Option<Example>,
}

impl OutputSchema {
    /// The schema the flags name.
    pub(crate) fn read(&self) -> Result<Value, Stop> {
        schema_of(self.schema.as_ref(), self.example)?
            .ok_or_else(|| Stop::Usage("--schema or --example is needed".into()))
    }
}

/// The schema of `--schema FILE.json` (read) or `--example NAME`, if
/// either is given; the file first.
pub(crate) fn schema_of(
    schema: Option<&PathBuf>,
    example: Option<Example>,
) -> Result<Option<Value>, Stop> {
    Ok(match (schema, example) {
        (Some(path), _) => Some(read_schema(path)?),
        (None, Some(e)) => Some(e.schema()),
        (None, None) => None,
    })
}

/// A client for `--model PROVIDER/MODEL`, at `--base-url` if given, to be
/// configured further and built; an unknown provider or a missing key is a
/// usage error.
pub(crate) fn client_builder(model: &str, base_url: Option<&str>) -> Result<ClientBuilder, Stop> {
    let mut builder =
        ClientBuilder::from_provider(model).map_err(|e| Stop::Usage(e.to_string()))?;
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    Ok(builder)
}

/// The built-in schemas of `--example`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Example {
    /// A person: name and age (with --iterable: every person mentioned).
    User,
    /// Every person mentioned, as one object with a list.
    Users,
    /// A support ticket: category, priority, confidence, summary.
    Ticket,
    /// A summary: title, one paragraph, key points.
    Summary,
}

/// The types behind `--example`: only their schemas are used (the answer
/// comes back as JSON), so their fields are never read.
#[allow(dead_code)]
mod schemas {
    use schemars::JsonSchema;

    /// A person mentioned in the text.
    #[derive(JsonSchema)]
    pub(super) struct User {
        /// Full name, as written.
        name: String,
        /// Age in years.
        #[schemars(range(min = 0, max = 150))]
        age: u32,
    }

    /// Every person mentioned in the text.
    #[derive(JsonSchema)]
    pub(super) struct Users {
        users: Vec<User>,
    }

    /// Which team handles the ticket.
    #[derive(JsonSchema)]
    #[serde(rename_all = "snake_case")]
    pub(super) enum Category {
        Billing,
        Technical,
        Account,
        Other,
    }

    /// How soon the ticket needs an answer.
    #[derive(JsonSchema)]
    #[serde(rename_all = "snake_case")]
    pub(super) enum Priority {
        Low,
        Medium,
        High,
        Urgent,
    }

    /// A support ticket, classified.
    #[derive(JsonSchema)]
    pub(super) struct Ticket {
        category: Category,
        priority: Priority,
        /// How sure the classification is, from 0 to 1.
        #[schemars(range(min = 0.0, max = 1.0))]
        confidence: f64,
        /// The request in one sentence.
        summary: String,
    }

    /// A summary of the text.
    #[derive(JsonSchema)]
    pub(super) struct Summary {
        title: String,
        /// One paragraph.
        summary: String,
        /// The main points, one sentence each.
        key_points: Vec<String>,
    }
}

impl Example {
    pub(crate) fn schema(self) -> Value {
        use structream::schema::schema_of;
        match self {
            Example::User => schema_of::<schemas::User>(),
            Example::Users => schema_of::<schemas::Users>(),
            Example::Ticket => schema_of::<schemas::Ticket>(),
            Example::Summary => schema_of::<schemas::Summary>(),
        }
    }
}

/// What is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    Value,
    Partial,
    Items,
}

/// Why the call stopped.
pub(crate) enum Stop {
    Call(Error),
    Usage(String),
    Io(io::Error),
}

impl Stop {
    /// How a command that stopped exits, its reason on standard error: a
    /// closed pipe is no failure, another I/O error exits 1, a usage error
    /// 2; a call's error is reported by `call`, which gives the code.
    pub(crate) fn exit(self, call: impl FnOnce(Error) -> u8) -> ExitCode {
        match self {
            Stop::Io(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Stop::Io(e) => {
                eprintln!("error: {e}");
                ExitCode::from(EXIT_FAILURE)
            }
            Stop::Usage(message) => {
                eprintln!("error: {message}");
                ExitCode::from(EXIT_USAGE)
            }
            Stop::Call(e) => ExitCode::from(call(e)),
        }
    }
}

pub(crate) fn run(args: Args) -> ExitCode {
    match extract(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(stop) => stop.exit(|e| {
            eprintln!("error: {e}");
            if let Error::Incomplete {
                partial: Some(p), ..
            } = &e
            {
                eprintln!("partial output: {p}");
            }
            match e.output() {
                Some("") => eprintln!("output: (empty)"),
                Some(output) => eprintln!("output: {}", excerpt(output)),
                None => {}
            }
            exit_code(&e)
        }),
    }
}

/// The exit code of a failed call.
fn exit_code(e: &Error) -> u8 {
    match e {
        Error::Config(_) => EXIT_USAGE,
        Error::Provider(_) | Error::Transport(_) | Error::Decode(_) => EXIT_PROVIDER,
        Error::Validation { .. } | Error::Json { .. } | Error::RetriesExhausted { .. } => {
            EXIT_INVALID
        }
        Error::Incomplete { .. } => EXIT_INCOMPLETE,
        Error::Refusal(_) | Error::ContentFilter => EXIT_REFUSED,
        _ => EXIT_FAILURE,
    }
}

fn extract(args: Args) -> Result<(), Stop> {
    let schema = args.output_schema.read()?;
    let mut builder =
        client_builder(&args.model, args.base_url.as_deref())?.max_retries(args.max_retries);
    if args.no_coerce {
        builder = builder.coerce(false);
    }
    if args.no_repair {
        builder = builder.repair(false);
    }
    let client = builder.build().map_err(|e| Stop::Usage(e.to_string()))?;
    let output = if args.iterable {
        Output::Items
    } else if args.partial {
        Output::Partial
    } else {
        Output::Value
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Stop::Io)?;
    let request = Request::user(args.prompt).raw_events(true);
    runtime.block_on(call(&client, &args.model, schema, request, output))
}

/// Reads a JSON Schema file: a JSON object.
pub(crate) fn read_schema(path: &PathBuf) -> Result<Value, Stop> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Stop::Usage(format!("{}: {e}", path.display())))?;
    let schema: Value = serde_json::from_str(&text)
        .map_err(|e| Stop::Usage(format!("{}: not JSON: {e}", path.display())))?;
    if !schema.is_object() {
        return Err(Stop::Usage(format!(
            "{}: a JSON Schema is an object",
            path.display()
        )));
    }
    Ok(schema)
}

async fn call(
    client: &Client,
    model: &str,
    schema: Value,
    request: Request,
    output: Output,
) -> Result<(), Stop> {
    let mut stream: CallStream<Value> = match output {
        Output::Items => client.create_iterable_with_schema(schema, request),
        // The value alone comes through the same stream, partials unprinted.
        Output::Value | Output::Partial => client.create_partial_with_schema(schema, request),
    };
    let mut progress = Progress::new(model);
    let mut printer = Printer::default();
    let mut finished = false;
    loop {
        progress.tick();
        let event =
            match tokio::time::timeout(progress.interval(), structream::next(&mut stream)).await {
                Err(_) => continue,
                Ok(None) => break,
                Ok(Some(event)) => event,
            };
        let event = match event {
            Ok(e) => e,
            Err(e) => {
                progress.clear();
                return Err(Stop::Call(e));
            }
        };
        match event {
            Event::Raw(raw) => match raw {
                StreamEvent::TextDelta { text, .. } => progress.add_bytes(text.len()),
                StreamEvent::ToolArgsDelta { json, .. } => progress.add_bytes(json.len()),
                _ => {}
            },
            Event::Partial(p) if output == Output::Partial => {
                progress.clear();
                printer.changed(&p.to_value())?;
            }
            Event::Item(item) => {
                progress.clear();
                printer.line(&item)?;
            }
            Event::Done(value) => {
                progress.clear();
                match output {
                    Output::Partial => printer.changed(&value)?,
                    _ => printer.line(&value)?,
                }
                finished = true;
            }
            Event::Retry { attempt, error } => {
                progress.note(&format!("retry {attempt}: {error}"));
                printer.last = None;
            }
            Event::Coerced(how) => progress.note(&format!("note: {how}")),
            _ => {}
        }
    }
    if !finished && output != Output::Items {
        return Err(Stop::Call(Error::Incomplete {
            partial: printer.last,
            reason: stream.finish_reason(),
            items: None,
            cause: None,
        }));
    }
    let secs = progress.elapsed().as_secs_f64();
    let tokens = stream.usage().output_tokens;
    let rate = if tokens > 0 && secs > 0.0 {
        format!(
            ", {tokens} output tokens, {:.0} tokens/s",
            tokens as f64 / secs
        )
    } else {
        String::new()
    };
    progress.finish(&format!("✓ {model}: {secs:.1} s{rate}"));
    Ok(())
}

/// Prints values as lines of compact JSON.
#[derive(Default)]
struct Printer {
    /// The last line printed since the last retry.
    last: Option<String>,
}

impl Printer {
    fn line(&mut self, value: &Value) -> Result<(), Stop> {
        let text = value.to_string();
        let mut out = io::stdout().lock();
        writeln!(out, "{text}")
            .and_then(|()| out.flush())
            .map_err(Stop::Io)?;
        self.last = Some(text);
        Ok(())
    }

    /// Prints `value` unless it is the line printed last.
    fn changed(&mut self, value: &Value) -> Result<(), Stop> {
        if self.last.as_deref() == Some(value.to_string().as_str()) {
            return Ok(());
        }
        self.line(value)
    }
}
