//! The SSE decoder: arbitrary bytes, limits and chunking give the same
//! frames and the same end as the unsplit input, never a panic, and the
//! decoder's heap stays within a bound set by its limits, whatever the
//! input's length.
#![no_main]

use std::alloc::{GlobalAlloc, Layout, System};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use structream_provider::DecodeError;
use structream_provider::sse::{SseConfig, SseDecoder, SseEvent};

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Set while the harness itself allocates (hashing a frame's id).
static PAUSED: AtomicBool = AtomicBool::new(false);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded to the system allocator with the caller's layout.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            if !PAUSED.load(Ordering::Relaxed) {
                PEAK.fetch_max(live, Ordering::Relaxed);
            }
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

#[derive(Debug)]
struct Input {
    /// 0: the default limits; otherwise the line limit is 1..=4096 bytes.
    max_line: u16,
    max_event: u16,
    cuts: Vec<u16>,
    bytes: Vec<u8>,
}

/// Read by hand so that the bytes are the rest of the input verbatim: five
/// 0 bytes (default limits, no cuts) and a recorded stream make a seed.
impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Input {
            max_line: u16::arbitrary(u)?,
            max_event: u16::arbitrary(u)?,
            cuts: Vec::arbitrary(u)?,
            bytes: Vec::arbitrary(u)?,
        })
    }

    fn arbitrary_take_rest(mut u: Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Input {
            max_line: u16::arbitrary(&mut u)?,
            max_event: u16::arbitrary(&mut u)?,
            cuts: Vec::arbitrary(&mut u)?,
            bytes: u.take_rest().to_vec(),
        })
    }
}

/// What a decoding gave: the frames (hashed, so that collecting them
/// allocates nothing), how many, and the end.
#[derive(Debug, PartialEq)]
struct Decoded {
    frames: u64,
    count: usize,
    longest_data: usize,
    end: Result<(), DecodeError>,
}

fn decode(config: SseConfig, bytes: &[u8], cuts: &[usize]) -> (Decoded, usize) {
    let mut hasher = DefaultHasher::new();
    let mut count = 0;
    let mut longest_data = 0;
    let mut on_event = |ev: SseEvent<'_>| {
        (ev.event_bytes(), ev.data(), ev.retry(), ev.offset()).hash(&mut hasher);
        // `id()` copies an id that is not UTF-8: not the decoder's memory.
        PAUSED.store(true, Ordering::Relaxed);
        ev.id().hash(&mut hasher);
        PAUSED.store(false, Ordering::Relaxed);
        count += 1;
        longest_data = longest_data.max(ev.data().len());
    };
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let mut dec = SseDecoder::with_config(config);
    let mut prev = 0;
    let mut end = Ok(());
    for &c in cuts.iter().chain(std::iter::once(&bytes.len())) {
        if let Err(e) = dec.feed(&bytes[prev..c], &mut on_event) {
            end = Err(e);
            break;
        }
        prev = c;
    }
    if end.is_ok() {
        end = dec.finish(&mut on_event);
    }
    let peak = PEAK.load(Ordering::Relaxed) - base;
    drop(dec);
    (
        Decoded {
            frames: hasher.finish(),
            count,
            longest_data,
            end,
        },
        peak,
    )
}

/// The longest line of the input, BOM and line ends not counted.
fn longest_line(bytes: &[u8]) -> usize {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes
        .split(|&b| b == b'\n' || b == b'\r')
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0)
}

fuzz_target!(|input: Input| {
    let config = if input.max_line == 0 {
        SseConfig::default()
    } else {
        SseConfig::default()
            .max_line_len(1 + usize::from(input.max_line) % 4096)
            .max_event_len(usize::from(input.max_event) % 8192)
    };
    let bytes = &input.bytes;
    let mut cuts: Vec<usize> = input
        .cuts
        .iter()
        .map(|&c| usize::from(c) % (bytes.len() + 1))
        .collect();
    cuts.sort_unstable();
    let (whole, _) = decode(config, bytes, &[]);
    let (split, peak) = decode(config, bytes, &cuts);
    assert_eq!(whole, split, "cut at {cuts:?}");
    // Limits hold: no frame's data beyond the event limit; a line beyond
    // the line limit is an error.
    assert!(whole.longest_data <= config.max_event_len);
    if longest_line(bytes) > config.max_line_len {
        assert!(whole.end.is_err(), "a line over the limit passed");
    }
    if let Err(e) = &whole.end {
        assert!(e.offset() <= bytes.len() as u64);
    }
    // Memory: the line, the frame's data, its event name and id, each at
    // most twice its limit (a growing buffer's capacity), plus a constant.
    if input.max_line != 0 {
        let bound = 6 * config.max_line_len + 2 * config.max_event_len + 4096;
        assert!(peak <= bound, "decoder heap {peak} > {bound}");
    }
});
