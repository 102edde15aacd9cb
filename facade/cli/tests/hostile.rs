//! Hostile input through the CLI: each case exits with one `error:` line
//! (or 0 for the valid one) within seconds, in a process whose address
//! space is capped at 240 MB, so its resident memory stays under that.
//!
//! The cap is `ulimit -v` in a shell that then execs the binary: virtual
//! memory bounds resident memory, and an allocation over the cap aborts the
//! process (exit by signal), which fails the test.
#![cfg(unix)]

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// 240 MB, in the KiB `ulimit -v` counts. The cap is on address space, so
/// it counts the mapped binary too: a debug build of the CLI maps about
/// 100 MB of it (and grows with every feature), which leaves the input's
/// value about 140 MB.
const CAP_KIB: u64 = 240_000_000 / 1024;

/// How long a case may run before it counts as hung and is killed.
const HANG: Duration = Duration::from_secs(60);

/// What a run gave.
struct Run {
    code: Option<i32>,
    stdout_len: usize,
    stdout_head: Vec<u8>,
    stderr: String,
    took: Duration,
}

/// Runs `structream args…` under a `cap_kib` address-space cap, with stdin
/// written by `input` on a thread (a process that stops reading early makes
/// the writes fail, which is fine).
fn run(
    cap_kib: u64,
    args: &[&str],
    input: impl FnOnce(&mut dyn Write) -> std::io::Result<()> + Send + 'static,
) -> Run {
    let script = format!("ulimit -v {cap_kib} && exec \"$0\" \"$@\"");
    let start = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_structream"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = thread::spawn(move || {
        let _ = input(&mut stdin);
    });
    let mut stdout = child.stdout.take().unwrap();
    let reader = thread::spawn(move || {
        // Count the output rather than keep it (the valid case prints 16 MB).
        let mut head = Vec::new();
        let mut len = 0;
        let mut buf = vec![0; 64 * 1024];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            if head.len() < 64 {
                head.extend_from_slice(&buf[..n.min(64 - head.len())]);
            }
            len += n;
        }
        (len, head)
    });
    let mut stderr = child.stderr.take().unwrap();
    let errors = thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("structream {args:?} hung: killed after {HANG:?}");
        }
        thread::sleep(Duration::from_millis(10));
    };
    let took = start.elapsed();
    writer.join().unwrap();
    let (stdout_len, stdout_head) = reader.join().unwrap();
    Run {
        code: status.code(),
        stdout_len,
        stdout_head,
        stderr: errors.join().unwrap(),
        took,
    }
}

/// Writes `prefix`, then `len` bytes of `fill`, in 1 MiB pieces.
fn repeated(
    prefix: &'static [u8],
    fill: &'static [u8],
    count: usize,
) -> impl FnOnce(&mut dyn Write) -> std::io::Result<()> + Send + 'static {
    move |w| {
        w.write_all(prefix)?;
        let piece = fill.repeat((1 << 20) / fill.len());
        let per_piece = piece.len() / fill.len();
        let mut left = count;
        while left > 0 {
            let n = left.min(per_piece);
            w.write_all(&piece[..n * fill.len()])?;
            left -= n;
        }
        Ok(())
    }
}

/// Exit 1, one `error: … (byte N)` line naming `what`, quickly.
fn assert_one_error_line(name: &str, run: &Run, what: &str, byte: u64) {
    assert_eq!(run.code, Some(1), "{name}: {}", run.stderr);
    assert_eq!(run.stdout_len, 0, "{name}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{name}: {:?}", run.stderr);
    assert!(lines[0].starts_with("error: "), "{name}: {}", lines[0]);
    assert!(lines[0].contains(what), "{name}: {}", lines[0]);
    assert!(
        lines[0].ends_with(&format!("(byte {byte})")),
        "{name}: {}",
        lines[0]
    );
    assert!(run.took < Duration::from_secs(30), "{name}: {:?}", run.took);
}

#[test]
fn parse_rejects_hostile_input_quickly_in_bounded_memory() {
    const MIB: usize = 1 << 20;
    let cases: Vec<(&str, Run, &str, u64)> = vec![
        (
            "10^6 nested arrays",
            run(CAP_KIB, &["parse"], repeated(b"", b"[", 1_000_000)),
            "recursion limit exceeded",
            128,
        ),
        (
            "10^6 nested objects",
            run(CAP_KIB, &["parse"], repeated(b"", b"{\"a\":", 1_000_000)),
            "recursion limit exceeded",
            640,
        ),
        (
            "a 20 MB number",
            run(CAP_KIB, &["parse"], repeated(b"[", b"1", 20 * MIB)),
            "number longer than the configured limit",
            4097,
        ),
        (
            "a 50 MB unterminated string",
            run(CAP_KIB, &["parse"], repeated(b"\"", b"a", 50 * MIB)),
            "EOF while parsing a string",
            50 * MIB as u64 + 1,
        ),
        (
            "a NUL byte in a string",
            run(CAP_KIB, &["parse"], |w| w.write_all(b"{\"a\": \"x\0y\"}")),
            "control character",
            8,
        ),
        (
            "a NUL byte between values",
            run(CAP_KIB, &["parse"], |w| w.write_all(b"[1, \0]")),
            "expected value",
            4,
        ),
        (
            "invalid UTF-8 in a string",
            run(CAP_KIB, &["parse"], |w| {
                w.write_all(b"{\"a\": \"\xFF\xFE\"}")
            }),
            "invalid UTF-8",
            7,
        ),
        (
            "invalid UTF-8 in a key, cut in 1-byte chunks",
            run(CAP_KIB, &["parse", "--chunk-sizes", "1"], |w| {
                w.write_all(b"{\"k\xF0\x87\": 1}")
            }),
            "invalid UTF-8",
            3,
        ),
    ];
    for (name, run, what, byte) in &cases {
        assert_one_error_line(name, run, what, *byte);
    }
}

#[test]
fn parse_reads_an_object_of_a_million_keys_in_bounded_memory() {
    // Valid JSON: exit 0 and the whole object printed.
    let input = |w: &mut dyn Write| -> std::io::Result<()> {
        let mut text = String::with_capacity(17 << 20);
        text.push('{');
        for i in 0..1_000_000 {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&format!("\"k{i}\":{i}"));
        }
        text.push('}');
        w.write_all(text.as_bytes())
    };
    let r = run(CAP_KIB, &["parse"], input);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert!(r.stdout_head.starts_with(b"{\"k0\":0,\"k1\":1,"));
    // 10^6 members, their separators, the braces and the line end.
    let expected: usize = (0..1_000_000usize)
        .map(|i| 2 * i.to_string().len() + 4)
        .sum::<usize>()
        + 999_999
        + 3;
    assert_eq!(r.stdout_len, expected);
    assert!(r.took < Duration::from_secs(30), "{:?}", r.took);
    // The cap does bite: the same input in a quarter of it fails.
    let r = run(CAP_KIB / 4, &["parse"], input);
    assert_ne!(r.code, Some(0), "the address-space cap is not enforced");
}

#[test]
fn sse_rejects_a_100_mb_line_and_an_html_page() {
    let r = run(
        CAP_KIB,
        &["sse", "--protocol", "openai-chat"],
        repeated(b"data: ", b"x", 100 << 20),
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{:?}", r.stderr);
    assert!(
        lines[0].starts_with("error: line longer than the limit of 16777216 bytes at byte 0"),
        "{}",
        lines[0]
    );
    assert!(r.took < Duration::from_secs(30), "{:?}", r.took);

    let page = b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n\
        <body><h1>502 Bad Gateway</h1></body></html>\n";
    for protocol in [
        "openai-chat",
        "openai-responses",
        "anthropic",
        "gemini",
        "ollama",
    ] {
        let r = run(
            CAP_KIB,
            &["sse", "--protocol", protocol, "--partial"],
            |w| w.write_all(page),
        );
        assert_eq!(r.code, Some(1), "{protocol}: {}", r.stderr);
        assert_eq!(r.stdout_len, 0, "{protocol}");
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{protocol}: {:?}", r.stderr);
        assert!(
            lines[0].starts_with("error: ")
                && lines[0].ends_with(
                    "(nothing decoded: is it a stream of this protocol? \
                     It starts with \"<!DOCTYPE html>\")"
                ),
            "{protocol}: {}",
            lines[0]
        );
    }
}
