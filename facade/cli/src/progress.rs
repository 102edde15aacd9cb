//! A progress line on standard error: a spinner, the elapsed time and the
//! output rate, redrawn in place. Drawn only when standard error is a
//! terminal; otherwise every call is a no-op, so scripts see only results
//! and errors.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// How often the line is redrawn at most.
const REDRAW: Duration = Duration::from_millis(80);

pub(crate) struct Progress {
    enabled: bool,
    label: String,
    started: Instant,
    drawn_at: Option<Instant>,
    frame: usize,
    bytes: usize,
    /// Whether the line is on screen (and must be cleared before other output).
    shown: bool,
}

impl Progress {
    /// A progress line labelled `label`, drawn if standard error is a terminal.
    pub(crate) fn new(label: impl Into<String>) -> Self {
        Progress {
            enabled: io::stderr().is_terminal(),
            label: label.into(),
            started: Instant::now(),
            drawn_at: None,
            frame: 0,
            bytes: 0,
            shown: false,
        }
    }

    /// The interval at which [`Progress::tick`] should be called while
    /// nothing else happens.
    pub(crate) fn interval(&self) -> Duration {
        REDRAW
    }

    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// `n` more bytes of model output arrived.
    pub(crate) fn add_bytes(&mut self, n: usize) {
        self.bytes += n;
    }

    /// Redraws the line if it is due.
    pub(crate) fn tick(&mut self) {
        if !self.enabled || self.drawn_at.is_some_and(|t| t.elapsed() < REDRAW) {
            return;
        }
        self.drawn_at = Some(Instant::now());
        self.frame = (self.frame + 1) % FRAMES.len();
        let secs = self.started.elapsed().as_secs_f64();
        let rate = if secs > 0.0 && self.bytes > 0 {
            format!("  {}/s", bytes(self.bytes as f64 / secs))
        } else {
            String::new()
        };
        let received = if self.bytes > 0 {
            format!("  {} received", bytes(self.bytes as f64))
        } else {
            "  waiting for the first token".to_owned()
        };
        let line = format!(
            "\r\x1b[2K{} {}  {secs:.1} s{received}{rate}",
            FRAMES[self.frame], self.label
        );
        let mut err = io::stderr().lock();
        let _ = err.write_all(line.as_bytes()).and_then(|()| err.flush());
        self.shown = true;
    }

    /// Takes the line off the screen (before printing something else).
    pub(crate) fn clear(&mut self) {
        if self.shown {
            let mut err = io::stderr().lock();
            let _ = err.write_all(b"\r\x1b[2K").and_then(|()| err.flush());
            self.shown = false;
            self.drawn_at = None;
        }
    }

    /// A message on its own line of standard error (the spinner goes on
    /// below it). Shown whether or not standard error is a terminal.
    pub(crate) fn note(&mut self, message: &str) {
        self.clear();
        eprintln!("{message}");
    }

    /// Ends the line with a summary (terminal only).
    pub(crate) fn finish(&mut self, summary: &str) {
        self.clear();
        if self.enabled {
            eprintln!("{summary}");
        }
    }
}

/// `1.2 kB`, `812 B`.
fn bytes(n: f64) -> String {
    if n >= 1_000_000.0 {
        format!("{:.1} MB", n / 1_000_000.0)
    } else if n >= 1_000.0 {
        format!("{:.1} kB", n / 1_000.0)
    } else {
        format!("{n:.0} B")
    }
}
