//! `structream demo`: real recorded provider streams, served byte for byte
//! from a loopback HTTP server at a model's pace and read through the real
//! client: a partial object filling in, items arriving one by one, a union
//! resolved per tool call. No key, no network.

use std::fmt;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use structream::replay::{self, Plan, Server};
use structream::{CallStream, Client, ClientBuilder, Event, Mode, Partial, Request, Structured};

use crate::report::EXIT_FAILURE;

/// Arguments of `structream demo`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  structream demo
  structream demo --fast | head -3

Serves real recorded provider streams (an OpenAI tool call, an Anthropic tool_use block, a
JSON-schema content stream, two parallel tool calls) from an HTTP server on 127.0.0.1 and reads
them through the real client: create_partial (the object filling in place), create_iterable
(items as they close) and a union (one tool per variant). Needs no key and no network.

When standard output is not a terminal, it prints one line per event and nothing else:
  partial <compact JSON>   the value as far as it has streamed
  item <compact JSON>      a complete, validated item of a list or union
  final <compact JSON>     the complete, validated value
Section headings go to standard error.")]
pub(crate) struct Args {
    /// Serve the streams as fast as possible instead of at a model's pace.
    #[arg(long)]
    fast: bool,
}

/// The time between two SSE frames when paced: about a model's token rate.
const PACE: Duration = Duration::from_millis(25);

/// The recordings (see `data/SOURCE.md`).
const OPENAI_TOOL: &[u8] =
    include_bytes!("../data/openai-chat/openai-python/parse_pydantic_tool.sse");
const OPENAI_JSON_SCHEMA: &[u8] = include_bytes!(
    "../data/openai-chat/openai-python/non_pydantic_response_format_json_schema.sse"
);
const OPENAI_PARALLEL: &[u8] =
    include_bytes!("../data/openai-chat/openai-python/parse_multiple_pydantic_tools_parallel.sse");
const ANTHROPIC_TOOL: &[u8] =
    include_bytes!("../data/anthropic/anthropic-sdk-python/snapshot__tool_runner_555fb399.0.sse");

/// Temperature units, as the recorded tools define them.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Partial)]
#[serde(rename_all = "lowercase")]
enum Units {
    C,
    F,
}

/// The weather tool of openai-python's tests.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Partial)]
struct GetWeatherArgs {
    city: String,
    country: String,
    units: Units,
}

/// The weather tool of anthropic-sdk-python's tool-runner tests.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Partial)]
struct GetWeather {
    /// City and state, such as "San Francisco, CA".
    location: String,
    units: Units,
}

/// The stock tool of openai-python's parallel tools test.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Partial)]
struct GetStockPrice {
    ticker: String,
    exchange: String,
}

/// Either tool: one tool per variant, the model calling both in parallel.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Partial)]
enum Lookup {
    GetWeatherArgs(GetWeatherArgs),
    #[serde(rename = "get_stock_price")]
    GetStockPrice(GetStockPrice),
}

/// The report the recorded JSON-schema answer holds.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Partial)]
struct WeatherReport {
    location: String,
    weather: Conditions,
    forecast: Vec<DayForecast>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Partial)]
#[serde(rename_all = "camelCase")]
struct Conditions {
    temperature: String,
    condition: String,
    humidity: String,
    wind_speed: String,
    wind_direction: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Partial)]
struct DayForecast {
    day: String,
    high: String,
    low: String,
    condition: String,
}

/// An action item of a meeting (the made-up list).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Partial)]
struct ActionItem {
    owner: String,
    task: String,
    due: String,
}

/// The made-up list answer, in the shape `create_iterable` asks for.
const ACTION_ITEMS: &str = r#"{"items": [{"owner": "Ana", "task": "Send the Q3 numbers to finance", "due": "Friday"}, {"owner": "Ben", "task": "Book the offsite venue", "due": "next Tuesday"}, {"owner": "Chloe", "task": "Draft the hiring plan for the platform team", "due": "end of month"}, {"owner": "Ana", "task": "Review Ben's \"venue shortlist\"", "due": "Monday"}]}"#;

/// Why the demo stopped early.
enum Stop {
    /// A call failed.
    Call(structream::Error),
    /// Standard output could not be written.
    Io(io::Error),
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stop::Call(e) => write!(f, "{e}"),
            Stop::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        Stop::Io(e)
    }
}

impl From<structream::Error> for Stop {
    fn from(e: structream::Error) -> Self {
        Stop::Call(e)
    }
}

pub(crate) fn run(args: Args) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let pace = (!args.fast).then_some(PACE);
    let mut view = View::new(io::stdout().is_terminal());
    let result = runtime.block_on(demo(&mut view, pace));
    view.restore();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Stop::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

async fn demo(view: &mut View, pace: Option<Duration>) -> Result<(), Stop> {
    view.intro(pace)?;

    let (server, frames) = serve(OPENAI_TOOL.to_vec(), pace).await;
    view.section(
        "create_partial",
        "an OpenAI tool call",
        &format!("recorded from gpt-4o-2024-08-06 in openai-python's tests, {frames} SSE frames"),
    )?;
    let client = connect("openai/gpt-4o-2024-08-06", &server)?;
    let request = Request::user("What's the weather like in Edinburgh?");
    show_partial(view, client.create_partial::<GetWeatherArgs>(request)).await?;

    let (server, frames) = serve(ANTHROPIC_TOOL.to_vec(), pace).await;
    view.section(
        "create_partial",
        "an Anthropic tool_use block",
        &format!(
            "recorded from claude-haiku-4-5 in anthropic-sdk-python's tests, {frames} SSE frames"
        ),
    )?;
    let client = connect("anthropic/claude-haiku-4-5", &server)?;
    let request = Request::user("What is the weather in San Francisco, in Fahrenheit?");
    show_partial(view, client.create_partial::<GetWeather>(request)).await?;

    let (server, frames) = serve(OPENAI_JSON_SCHEMA.to_vec(), pace).await;
    view.section(
        "create_partial",
        "JSON content under a json_schema response format",
        &format!("recorded from gpt-4o-2024-08-06 in openai-python's tests, {frames} SSE frames"),
    )?;
    let client = connect("openai/gpt-4o-2024-08-06", &server)?;
    let request =
        Request::user("What's the weather in San Francisco today, with a three-day forecast?")
            .mode(Mode::JsonSchema);
    show_partial(view, client.create_partial::<WeatherReport>(request)).await?;

    let (server, frames) = serve(OPENAI_PARALLEL.to_vec(), pace).await;
    view.section(
        "create_iterable, a union",
        "two parallel tool calls, one tool per enum variant",
        &format!("recorded from gpt-4o-2024-08-06 in openai-python's tests, {frames} SSE frames"),
    )?;
    let client = connect("openai/gpt-4o-2024-08-06", &server)?;
    let request = Request::user(
        "What's the weather in Edinburgh, in Celsius? And what is AAPL's stock price on NASDAQ?",
    )
    .mode(Mode::ParallelTools);
    show_items(view, client.create_iterable::<Lookup>(request), |item| {
        Some(match item {
            Lookup::GetWeatherArgs(_) => "Lookup::GetWeatherArgs",
            Lookup::GetStockPrice(_) => "Lookup::GetStockPrice",
        })
    })
    .await?;

    let body = replay::openai_tool_calls(&[("ActionItemList", ACTION_ITEMS)], 4);
    let (server, frames) = serve(body, pace).await;
    view.section(
        "create_iterable",
        "a list, each item the moment its `}` arrives",
        &format!(
            "a made-up stream ({frames} SSE frames): no recording streams a list in the \
             {{\"items\": [...]}} shape this call asks for"
        ),
    )?;
    let client = connect("openai/gpt-4.1-mini", &server)?;
    let request = Request::user("List the action items of the meeting notes below. ...");
    show_items(view, client.create_iterable::<ActionItem>(request), |_| {
        None
    })
    .await?;

    view.outro()
}

/// A loopback server for one stream, cut at its SSE frames (one frame per
/// write, as a provider sends them); with the number of frames.
async fn serve(body: Vec<u8>, pace: Option<Duration>) -> (Server, usize) {
    let cuts: Vec<usize> = body
        .windows(2)
        .enumerate()
        .filter(|(_, w)| *w == b"\n\n")
        .map(|(i, _)| i + 2)
        .filter(|&end| end < body.len())
        .collect();
    let frames = cuts.len() + 1;
    let mut plan = Plan::stream(body, cuts);
    if let Some(pace) = pace {
        plan = plan.paced(pace);
    }
    (Server::start(vec![plan]).await, frames)
}

/// The real client, pointed at the loopback server.
fn connect(spec: &str, server: &Server) -> Result<Client, structream::Error> {
    ClientBuilder::from_provider(spec)?
        .api_key("demo-key-that-never-leaves-this-machine")
        .base_url(server.base_url())
        .build()
}

async fn show_partial<T>(view: &mut View, mut stream: CallStream<T>) -> Result<(), Stop>
where
    T: Structured + Serialize,
    T::Partial: Serialize,
{
    while let Some(event) = structream::next(&mut stream).await {
        match event? {
            Event::Partial(p) => view.partial(&json(&*p))?,
            Event::Done(value) => view.done(&json(&value))?,
            _ => {}
        }
    }
    Ok(())
}

/// Shows each item as it closes; `label` names a union's variant.
async fn show_items<T: Structured + Serialize>(
    view: &mut View,
    mut stream: CallStream<T>,
    label: impl Fn(&T) -> Option<&'static str>,
) -> Result<(), Stop> {
    while let Some(event) = structream::next(&mut stream).await {
        if let Event::Item(item) = event? {
            view.item(&json(&item), label(&item))?;
        }
    }
    Ok(view.items_done()?)
}

fn json<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// Where the demo shows its events: a terminal (the object redrawn in
/// place) or plain lines for a pipe.
struct View {
    terminal: bool,
    /// The terminal's width in columns (long values are wrapped to it).
    width: usize,
    /// Lines of the partial value on screen, to redraw over.
    drawn: usize,
    started: Instant,
    partials: usize,
    items: usize,
}

impl View {
    fn new(terminal: bool) -> Self {
        View {
            terminal,
            width: if terminal { terminal_width() } else { 80 },
            drawn: 0,
            started: Instant::now(),
            partials: 0,
            items: 0,
        }
    }

    fn write(&self, text: &str) -> io::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()
    }

    fn intro(&mut self, pace: Option<Duration>) -> io::Result<()> {
        let pace = match pace {
            Some(p) => format!("one SSE frame every {} ms", p.as_millis()),
            None => "as fast as they go".into(),
        };
        if self.terminal {
            self.write(&format!(
                "{BOLD}structream demo{RESET}: recorded provider streams, read by the real client\n\
                 {DIM}Served from 127.0.0.1, {pace}. No key, no network.{RESET}\n"
            ))
        } else {
            eprintln!("# structream demo: recorded provider streams served from 127.0.0.1, {pace}");
            Ok(())
        }
    }

    fn section(&mut self, call: &str, what: &str, origin: &str) -> io::Result<()> {
        self.drawn = 0;
        self.partials = 0;
        self.items = 0;
        self.started = Instant::now();
        if self.terminal {
            self.write(&format!(
                "\n{BOLD}{CYAN}▶ {call}{RESET}{BOLD}: {what}{RESET}\n  {DIM}{origin}{RESET}\n"
            ))
        } else {
            eprintln!("# {call}: {what} ({origin})");
            Ok(())
        }
    }

    fn partial(&mut self, value: &Value) -> io::Result<()> {
        self.partials += 1;
        if self.terminal {
            let mut lines = block(value, self.width);
            if let Some(last) = lines.last_mut() {
                last.push_str(&format!("{DIM}▌{RESET}"));
            }
            self.redraw(&lines)
        } else {
            self.write(&format!("partial {value}\n"))
        }
    }

    fn done(&mut self, value: &Value) -> io::Result<()> {
        if self.terminal {
            let mut lines = block(value, self.width);
            lines.push(format!(
                "  {GREEN}✓ final value, validated{RESET} {DIM}after {} partials, {}{RESET}",
                self.partials,
                self.elapsed()
            ));
            self.redraw(&lines)?;
            self.drawn = 0;
            Ok(())
        } else {
            self.write(&format!("final {value}\n"))
        }
    }

    /// An item; a union's (`label`: its variant) is `{"tool": {...}}`, shown
    /// as the variant, the arguments and the tool the model called.
    fn item(&mut self, value: &Value, label: Option<&str>) -> io::Result<()> {
        self.items += 1;
        if !self.terminal {
            return self.write(&format!("item {value}\n"));
        }
        let line = item_line(value, label);
        self.write(&format!(
            "  {GREEN}•{RESET} {line} {DIM}+{}{RESET}\n",
            self.elapsed()
        ))
    }

    fn items_done(&mut self) -> io::Result<()> {
        if self.terminal {
            self.write(&format!(
                "  {GREEN}✓ {} items, each validated as it closed{RESET} {DIM}{}{RESET}\n",
                self.items,
                self.elapsed()
            ))
        } else {
            Ok(())
        }
    }

    fn outro(&mut self) -> Result<(), Stop> {
        if self.terminal {
            self.write(&format!(
                "\n{DIM}Pipe it (structream demo | cat) for one line per event; \
                 `structream extract --help` for real calls.{RESET}\n"
            ))?;
        }
        Ok(())
    }

    fn elapsed(&self) -> String {
        format!("{:.2} s", self.started.elapsed().as_secs_f64())
    }

    /// Replaces the lines drawn last with `lines`. Line wrapping is off
    /// while drawing, so each line takes one row and the count stays true.
    fn redraw(&mut self, lines: &[String]) -> io::Result<()> {
        let mut frame = String::new();
        if self.drawn > 0 {
            frame.push_str(&format!("\x1b[{}A\r", self.drawn));
        }
        frame.push_str("\x1b[J\x1b[?7l");
        for line in lines {
            frame.push_str(line);
            frame.push('\n');
        }
        frame.push_str("\x1b[?7h");
        self.drawn = lines.len();
        self.write(&frame)
    }

    /// Leaves the terminal as it was (wrapping on).
    fn restore(&self) {
        if self.terminal {
            let _ = self.write("\x1b[?7h");
        }
    }
}

/// How an item shows on a terminal: a union's item (`label`: its variant,
/// `value`: `{"tool": {...}}`) as the variant, its arguments and the tool
/// the model called, every union item alike.
fn item_line(value: &Value, label: Option<&str>) -> String {
    match (label, value) {
        (Some(variant), Value::Object(map)) if map.len() == 1 => {
            let (tool, inner) = map.iter().next().expect("one member");
            format!("{BOLD}{variant}{RESET} {inner} {DIM}(tool {tool}){RESET}")
        }
        (_, other) => other.to_string(),
    }
}

/// The terminal's width: `COLUMNS`, else what `stty size` says of the
/// controlling terminal, else 80.
fn terminal_width() -> usize {
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok());
    let from_stty = || {
        let tty = std::fs::File::open("/dev/tty").ok()?;
        let out = std::process::Command::new("stty")
            .arg("size")
            .stdin(tty)
            .stderr(std::process::Stdio::null())
            .output()
            .ok()?;
        let text = String::from_utf8(out.stdout).ok()?;
        text.split_whitespace().nth(1)?.parse().ok()
    };
    from_env
        .or_else(from_stty)
        .filter(|&w: &usize| w > 0)
        .unwrap_or(80)
}

/// Narrowest width [`block`] wraps to.
const MIN_WIDTH: usize = 24;

/// A value as indented lines: one per member, one per item of a list, each
/// wrapped to rows of fewer than `width` columns (the last column is left
/// for the cursor), so that nothing is cut at the terminal's edge.
fn block(value: &Value, width: usize) -> Vec<String> {
    let width = width.max(MIN_WIDTH) - 1;
    let mut lines = Vec::new();
    match value {
        Value::Object(members) if !members.is_empty() => {
            for (key, member) in members {
                match member {
                    Value::Array(items) if !items.is_empty() => {
                        wrap_into(&mut lines, "    ", &format!("{key}:"), "", width);
                        for item in items {
                            wrap_into(&mut lines, "      - ", "", &item.to_string(), width);
                        }
                    }
                    _ => wrap_into(
                        &mut lines,
                        "    ",
                        &format!("{key}:"),
                        &format!(" {member}"),
                        width,
                    ),
                }
            }
        }
        Value::Object(_) => lines.push(format!("    {DIM}{{ … }}{RESET}")),
        other => wrap_into(&mut lines, "    ", "", &other.to_string(), width),
    }
    lines
}

/// Pushes `indent`, `label` (dimmed) and `text` as rows of at most `width`
/// characters; rows after the first are indented two more columns than
/// `indent`.
fn wrap_into(lines: &mut Vec<String>, indent: &str, label: &str, text: &str, width: usize) {
    let styled = |label: &str| {
        if label.is_empty() {
            String::new()
        } else {
            format!("{DIM}{label}{RESET}")
        }
    };
    let first = indent.chars().count() + label.chars().count();
    let chars: Vec<char> = text.chars().collect();
    let room = width.saturating_sub(first).max(1);
    let take = chars.len().min(room);
    let head: String = chars[..take].iter().collect();
    lines.push(format!("{indent}{}{head}", styled(label)));
    let more = format!("{}  ", " ".repeat(indent.chars().count()));
    let room = width.saturating_sub(more.len()).max(1);
    for row in chars[take..].chunks(room) {
        let row: String = row.iter().collect();
        lines.push(format!("{more}{row}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row's text without its terminal codes.
    fn visible(row: &str) -> String {
        row.replace(DIM, "").replace(RESET, "")
    }

    #[test]
    fn long_values_are_wrapped_not_cut() {
        let value = serde_json::json!({
            "location": "San Francisco, CA",
            "weather": {"temperature": "68°F", "condition": "Partly cloudy", "humidity": "65%",
                        "windSpeed": "15 mph", "windDirection": "NW"},
            "forecast": [{"day": "Monday", "high": "70°F", "low": "55°F", "condition": "Sunny"}],
        });
        for width in [10, 24, 40, 60, 80, 200] {
            let rows = block(&value, width);
            for row in &rows {
                let len = visible(row).chars().count();
                assert!(
                    len < width.max(MIN_WIDTH),
                    "{width}: {len} columns: {row:?}"
                );
            }
            // Nothing is lost: the rows hold the whole text.
            let joined: String = rows
                .iter()
                .map(|r| visible(r).trim_start().to_string())
                .collect();
            let weather = value["weather"].to_string();
            assert!(
                joined.replace("- ", "").contains(&weather),
                "{width}: {joined}"
            );
            assert!(joined.contains("\"windDirection\":\"NW\"}"), "{width}");
        }
        // A short value stays on one row.
        assert_eq!(block(&serde_json::json!({"a": 1}), 80).len(), 1);
    }

    #[test]
    fn union_items_are_labelled_by_variant_with_their_tool() {
        let weather = serde_json::json!({"GetWeatherArgs": {"city": "Edinburgh"}});
        let stock = serde_json::json!({"get_stock_price": {"ticker": "AAPL"}});
        let w = visible(&item_line(&weather, Some("Lookup::GetWeatherArgs"))).replace(BOLD, "");
        let s = visible(&item_line(&stock, Some("Lookup::GetStockPrice"))).replace(BOLD, "");
        assert_eq!(
            w,
            r#"Lookup::GetWeatherArgs {"city":"Edinburgh"} (tool GetWeatherArgs)"#
        );
        assert_eq!(
            s,
            r#"Lookup::GetStockPrice {"ticker":"AAPL"} (tool get_stock_price)"#
        );
        // A plain item is its JSON.
        let item = serde_json::json!({"owner": "Ana"});
        assert_eq!(item_line(&item, None), item.to_string());
        assert_eq!(block(&serde_json::json!({"a": 1}), 80).len(), 1);
    }
}
