//! `structream batch`: extraction at scale on the providers' batch APIs.
//! `create` submits prompts as one or more batches, `status`, `wait` and
//! `cancel` watch them, `results` prints one NDJSON line per request,
//! from the provider or from a results file already downloaded (read as
//! it streams in: any size, constant memory).

use std::io::{self, BufRead, BufWriter, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use serde_json::{Value, json};
use structream::batch::{Batch, BatchRequest, Format, ResultsDecoder};
use structream::{Error, Message, Request, blocking};

use crate::batch_file::{Tally, decode_file, print_result};
use crate::extract::{
    EXIT_INVALID, EXIT_PROVIDER, EXIT_USAGE, Example, OutputSchema, Stop, client_builder, schema_of,
};

/// Arguments of `structream batch`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  structream batch create --model openai/gpt-4.1-mini --example user --input prompts.jsonl --output batch.json
  structream batch wait batch.json
  structream batch results batch.json > users.ndjson
  structream batch results --from-file results.jsonl --provider anthropic --example user

Each input line is {\"custom_id\": \"...\", \"prompt\": \"...\"} or {\"custom_id\": \"...\", \"messages\":
[{\"role\": \"user\", \"content\": \"...\"}], \"system\": \"...\"}. ID is the file `create --output`
wrote (it remembers the provider, the schema and every batch), or a provider's batch id with
--provider (and --schema or --example for results).

results prints one line per request: {\"custom_id\": ..., \"value\": ...} or {\"custom_id\": ...,
\"error\": {\"kind\": ..., \"message\": ...}}.

Exit codes:
  0  every request succeeded and validated
  1  the output could not be written, or a file could not be read
  2  usage error: bad options, an unreadable schema or input file, an unknown provider
  3  provider error: a request the provider failed, expired or canceled, a results line that
     cannot be read, an HTTP error, a download that broke off
  4  some answers do not validate against the schema (and no provider error)")]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Build the request lines and submit them (as several batches when over the provider's limits).
    Create(CreateArgs),
    /// Print a batch's status and counts.
    Status(IdArgs),
    /// Poll until the batch is done (progress on a terminal), then print its status.
    Wait(IdArgs),
    /// Print each request's value or error, one NDJSON line each.
    Results(ResultsArgs),
    /// Ask the provider to cancel the batch.
    Cancel(IdArgs),
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("output_schema").required(true).args(["schema", "example"])))]
struct CreateArgs {
    /// PROVIDER/MODEL: openai, openai-responses, anthropic or gemini.
    #[arg(long, value_name = "PROVIDER/MODEL")]
    model: String,
    #[command(flatten)]
    output_schema: OutputSchema,
    /// The requests, one JSON line each.
    #[arg(long, value_name = "FILE.jsonl")]
    input: PathBuf,
    /// Where to write what the other commands need (provider, schema, batch ids).
    #[arg(long, value_name = "FILE.json")]
    output: Option<PathBuf>,
    /// The provider's base URL.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
}

#[derive(Debug, clap::Args)]
struct IdArgs {
    /// The file `create --output` wrote, or a provider's batch id (with --provider).
    id: String,
    /// openai, openai-responses, anthropic or gemini (for a provider's batch id).
    #[arg(long, value_name = "PROVIDER")]
    provider: Option<String>,
    /// The provider's base URL.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Seconds between polls at first (`wait`; doubling up to 300).
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    poll: f64,
}

#[derive(Debug, clap::Args)]
struct ResultsArgs {
    /// The file `create --output` wrote, or a provider's batch id (with --provider).
    #[arg(required_unless_present = "from_file")]
    id: Option<String>,
    /// Decode a results file already downloaded ("-" for standard input).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "id",
        requires = "provider"
    )]
    from_file: Option<PathBuf>,
    /// openai, openai-responses, anthropic or gemini.
    #[arg(long, value_name = "PROVIDER")]
    provider: Option<String>,
    /// A JSON Schema file for the output (instead of the one `create` saved).
    #[arg(long, value_name = "FILE.json", conflicts_with = "example")]
    schema: Option<PathBuf>,
    /// A built-in output schema (instead of the one `create` saved).
    #[arg(long, value_name = "NAME", value_enum)]
    example: Option<Example>,
    /// The provider's base URL.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Bytes of whole lines each worker decodes at a time (--from-file).
    #[arg(long, hide = true, default_value_t = crate::batch_file::CHUNK)]
    chunk_bytes: usize,
}

/// What `create --output` writes.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Saved {
    provider: String,
    model: String,
    base_url: Option<String>,
    schema: Value,
    batches: Vec<String>,
    custom_ids: Vec<Vec<String>>,
}

pub(crate) fn run(args: Args) -> ExitCode {
    let result = match args.command {
        Command::Create(a) => create(a),
        Command::Status(a) => each(a, |b, id, _| b.status(id).map(|x| vec![x])),
        Command::Wait(a) => {
            let poll = Duration::from_secs_f64(a.poll.max(0.001));
            each(a, move |b, id, _| {
                let b = b
                    .clone()
                    .with(|b| b.poll_interval(poll, Duration::from_secs(300)));
                b.wait(id, &mut progress(id)).map(|x| vec![x])
            })
        }
        Command::Cancel(a) => each(a, |b, id, _| b.cancel(id).map(|x| vec![x])),
        Command::Results(a) => results(a),
    };
    match result {
        Ok(code) => code,
        Err(stop) => stop.exit(|e| {
            eprintln!("error: {e}");
            match e {
                Error::Config(_) => EXIT_USAGE,
                _ => EXIT_PROVIDER,
            }
        }),
    }
}

fn usage(e: impl std::fmt::Display) -> Stop {
    Stop::Usage(e.to_string())
}

fn client(spec: &str, base_url: Option<&str>) -> Result<blocking::Client, Stop> {
    let client = client_builder(spec, base_url)?.build().map_err(usage)?;
    blocking::Client::new(client).map_err(usage)
}

/// One input line as a request.
fn request(line: &str, number: usize) -> Result<BatchRequest, Stop> {
    let bad = |m: &str| usage(format!("input line {number}: {m}"));
    let v: Value = serde_json::from_str(line).map_err(|e| bad(&e.to_string()))?;
    let id = v["custom_id"].as_str().ok_or_else(|| bad("no custom_id"))?;
    let mut request = Request::default();
    if let Some(system) = v["system"].as_str() {
        request = request.system(system);
    }
    if let Some(prompt) = v["prompt"].as_str() {
        request = request.message(Message::user(prompt));
    } else if let Some(messages) = v["messages"].as_array() {
        for m in messages {
            let content = m["content"]
                .as_str()
                .ok_or_else(|| bad("a message without text content"))?;
            request = match m["role"].as_str() {
                Some("assistant") => request.message(Message::assistant(content)),
                Some("user") => request.message(Message::user(content)),
                Some("system") => request.system(content),
                _ => return Err(bad("a message role is user, assistant or system")),
            };
        }
    } else {
        return Err(bad("neither prompt nor messages"));
    }
    Ok(BatchRequest::new(id, request))
}

fn create(args: CreateArgs) -> Result<ExitCode, Stop> {
    let schema = args.output_schema.read()?;
    let file = std::fs::File::open(&args.input)
        .map_err(|e| usage(format!("{}: {e}", args.input.display())))?;
    let mut requests = Vec::new();
    for (i, line) in io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| usage(format!("{}: {e}", args.input.display())))?;
        if !line.trim().is_empty() {
            requests.push(request(&line, i + 1)?);
        }
    }
    let client = client(&args.model, args.base_url.as_deref())?;
    let batches = client.batches().map_err(usage)?;
    let submitted = batches
        .create_with_schema(schema.clone(), requests)
        .map_err(Stop::Call)?;
    if let Some(note) = &submitted.note {
        eprintln!("note: {note}");
    }
    let mut out = io::stdout().lock();
    for (batch, ids) in submitted.batches.iter().zip(&submitted.ids) {
        writeln!(
            out,
            "{}",
            json!({"id": batch.id, "status": batch.raw_status, "requests": ids.len()})
        )
        .map_err(Stop::Io)?;
    }
    if let Some(path) = &args.output {
        let saved = Saved {
            provider: batches.format().name().to_owned(),
            model: args.model.clone(),
            base_url: args.base_url.clone(),
            schema,
            batches: submitted.batches.iter().map(|b| b.id.clone()).collect(),
            custom_ids: submitted.ids.clone(),
        };
        let text = serde_json::to_string_pretty(&saved).expect("JSON");
        std::fs::write(path, text).map_err(Stop::Io)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A client, the batches (provider id and custom ids) and the saved file.
type Resolved = (blocking::Client, Vec<(String, Vec<String>)>, Option<Saved>);

/// The batches an ID names: the saved file's, or one provider id.
fn resolve(id: &str, provider: Option<&str>, base_url: Option<&str>) -> Result<Resolved, Stop> {
    let path = std::path::Path::new(id);
    if path.is_file() {
        let text = std::fs::read_to_string(path).map_err(|e| usage(format!("{id}: {e}")))?;
        let saved: Saved = serde_json::from_str(&text).map_err(|e| {
            usage(format!(
                "{id}: not a file `batch create --output` wrote: {e}"
            ))
        })?;
        let client = client(&saved.model, base_url.or(saved.base_url.as_deref()))?;
        let ids = saved
            .batches
            .iter()
            .cloned()
            .zip(saved.custom_ids.iter().cloned())
            .collect();
        return Ok((client, ids, Some(saved)));
    }
    let provider = provider.ok_or_else(|| {
        usage(format!(
            "{id} is no file: give the batch's provider with --provider"
        ))
    })?;
    let client = client(&format!("{provider}/batch"), base_url)?;
    Ok((client, vec![(id.to_owned(), Vec::new())], None))
}

fn each(
    args: IdArgs,
    mut call: impl FnMut(
        &structream::batch::blocking::Batches,
        &str,
        &[String],
    ) -> Result<Vec<Batch>, Error>,
) -> Result<ExitCode, Stop> {
    let (client, ids, _) = resolve(&args.id, args.provider.as_deref(), args.base_url.as_deref())?;
    let batches = client.batches().map_err(usage)?;
    let mut out = io::stdout().lock();
    for (id, custom) in &ids {
        for batch in call(&batches, id, custom).map_err(Stop::Call)? {
            writeln!(out, "{}", status_line(&batch)).map_err(Stop::Io)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn status_line(b: &Batch) -> Value {
    let c = &b.counts;
    json!({
        "id": b.id, "status": b.raw_status, "state": b.state.as_str(),
        "counts": {"total": c.total, "succeeded": c.succeeded, "errored": c.errored,
                   "expired": c.expired, "canceled": c.canceled, "in_progress": c.in_progress},
    })
}

/// The progress line of `wait` on a terminal.
fn progress(id: &str) -> impl FnMut(&Batch) + Send + '_ {
    let tty = io::stderr().is_terminal();
    move |b: &Batch| {
        if tty {
            let c = &b.counts;
            let done = c.succeeded + c.errored + c.expired + c.canceled;
            let width = 30u64;
            let filled = (done * width).checked_div(c.total).unwrap_or(0).min(width);
            eprint!(
                "\r\x1b[2K{id} [{}{}] {done}/{} {}",
                "#".repeat(filled as usize),
                "-".repeat((width - filled) as usize),
                c.total,
                b.raw_status
            );
            if b.state.is_final() {
                eprintln!();
            }
        }
    }
}

fn results(args: ResultsArgs) -> Result<ExitCode, Stop> {
    let schema = schema_of(args.schema.as_ref(), args.example)?;
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut tally = Tally::default();
    if let Some(path) = &args.from_file {
        let provider = args.provider.as_deref().expect("clap requires it");
        let format = format_of(provider)?;
        let schema =
            schema.ok_or_else(|| usage("--schema or --example is needed with --from-file"))?;
        let client = structream::ClientBuilder::from_provider(&format!("{provider}/batch"))
            .map_err(usage)?
            .api_key("unused")
            .build()
            .map_err(usage)?;
        let mut input: Box<dyn Read> = if path.as_os_str() == "-" {
            Box::new(io::stdin().lock())
        } else {
            Box::new(std::fs::File::open(path).map_err(|e| {
                Stop::Io(io::Error::new(e.kind(), format!("{}: {e}", path.display())))
            })?)
        };
        decode_file(
            &mut input,
            &client,
            format,
            &schema,
            &mut out,
            &mut tally,
            args.chunk_bytes,
        )?;
    } else {
        let id = args.id.as_deref().expect("clap requires it");
        let (client, ids, saved) = resolve(id, args.provider.as_deref(), args.base_url.as_deref())?;
        let schema = schema
            .or_else(|| saved.map(|s| s.schema))
            .ok_or_else(|| usage("--schema or --example is needed for a provider's batch id"))?;
        let batches = client.batches().map_err(usage)?;
        for (id, custom) in ids {
            let batch = batches.status(&id).map_err(Stop::Call)?;
            if !batch.state.is_final() {
                return Err(usage(format!(
                    "batch {id} is {}: wait for it first",
                    batch.raw_status
                )));
            }
            let format = batch.format;
            let plain =
                structream::ClientBuilder::from_provider(&format!("{}/batch", format.name()))
                    .map_err(usage)?
                    .api_key("unused")
                    .build()
                    .map_err(usage)?;
            let mut decoder = ResultsDecoder::with_schema(&plain, format, schema.clone());
            if !custom.is_empty() {
                decoder = decoder.expect_ids(custom);
            }
            for r in batches.results_with(&batch, decoder).map_err(Stop::Call)? {
                match r {
                    Ok(r) => print_result(&mut out, &r, &mut tally)?,
                    Err(e) => {
                        out.flush().map_err(Stop::Io)?;
                        return Err(Stop::Call(e));
                    }
                }
            }
        }
    }
    out.flush().map_err(Stop::Io)?;
    Ok(if tally.provider > 0 {
        ExitCode::from(EXIT_PROVIDER)
    } else if tally.invalid > 0 {
        ExitCode::from(EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    })
}

fn format_of(provider: &str) -> Result<Format, Stop> {
    Format::of_provider(provider).ok_or_else(|| {
        usage(format!(
            "--provider: openai, openai-responses, anthropic or gemini, not {provider:?}"
        ))
    })
}
